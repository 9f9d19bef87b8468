#include "vapidiag/dedupe.hpp"

#include <algorithm>

namespace vapidiag {

bool CallDeduper::passed(std::int64_t time, std::uint64_t seq) const {
  // By message time when there is one; by records always (what bounds the memory).
  if (time != kNoTime && clock_ != kNoTime && clock_ - time > o_.window_ms) return true;
  return seq_ - seq > o_.window_records;
}

template <typename Due>
void CallDeduper::release_while(Due due, std::vector<Held>& released) {
  while (!held_.empty()) {
    Held& h = held_.front();
    if (!h.dropped) {  // dropped: its report came, and counted as the call when it arrived
      if (!due(h)) break;
      if (auto it = calls_.find(h.rec.id); it != calls_.end()) {
        // Counted now: remembered for a window from now, so that a late report merges into it.
        it->second.counted = true;
        it->second.time = clock_;
        it->second.seq = seq_;
      }
      released.push_back(std::move(h));
    }
    held_.pop_front();
  }
}

void CallDeduper::release_due(std::vector<Held>& released) {
  release_while([this](const Held& h) { return passed(h.time, h.seq); }, released);
}

void CallDeduper::forget_old() {
  if (o_.exact) return;
  while (!order_.empty()) {
    auto it = calls_.find(order_.front().first);
    if (it == calls_.end()) {
      order_.pop_front();
      continue;
    }
    if (!it->second.counted || !passed(it->second.time, it->second.seq)) break;
    calls_.erase(it);
    order_.pop_front();
  }
}

CallDeduper::Verdict CallDeduper::offer(const CallRecord& rec, const RecordPos& pos, std::string_view file,
                                        std::vector<Held>& released, std::int64_t wall_ms) {
  ++seq_;
  if (rec.message_time != kNoTime)
    clock_ = std::max(clock_ == kNoTime ? rec.message_time : clock_, rec.message_time);
  release_due(released);
  forget_old();
  const bool webhook = rec.shape != RecordShape::Call;
  // Only exact mode matches GET /call records; nothing matches a record without an id.
  if (rec.id.empty() || (!webhook && !o_.exact)) return Verdict::Count;
  const bool complete = rec.shape != RecordShape::StatusUpdate;
  auto [it, fresh] = calls_.try_emplace(rec.id);
  Entry& e = it->second;
  if (fresh) {
    e.time = rec.message_time;
    e.seq = seq_;
    order_.emplace_back(rec.id, seq_);
    if (complete) {
      e.counted = true;
      return Verdict::Count;
    }
    held_.push_back(Held{rec, pos, std::string(file), seq_, rec.message_time, false, wall_ms});
    return Verdict::Hold;
  }
  if (e.counted) {
    ++duplicates_;
    return Verdict::Duplicate;
  }
  // Its status-update is held: a complete record replaces it (the status-update becomes the
  // duplicate, dropped from the held list when it comes up); another status-update merges.
  ++duplicates_;
  if (!complete) return Verdict::Duplicate;
  e.counted = true;
  e.time = rec.message_time != kNoTime ? rec.message_time : e.time;
  for (auto h = held_.rbegin(); h != held_.rend(); ++h)
    if (!h->dropped && h->rec.id == rec.id) {
      h->dropped = true;
      break;
    }
  return Verdict::Count;
}

void CallDeduper::release_before_wall(std::int64_t wall_deadline, std::vector<Held>& released) {
  release_while([wall_deadline](const Held& h) { return h.wall != kNoTime && h.wall < wall_deadline; },
                released);
}

void CallDeduper::release_all(std::vector<Held>& released) {
  release_while([](const Held&) { return true; }, released);
}

}  // namespace vapidiag
