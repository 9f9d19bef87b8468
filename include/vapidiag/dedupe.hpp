#pragma once
// One call, one count. A call can reach a log as several records: Vapi sends an ended
// status-update and then the end-of-call report of the same call (a server subscribed to
// both gets two endings), a report can arrive twice, and a call can be in a GET /call
// export as well as in a webhook log. The deduper decides, record by record in input
// order, which record of a call counts (docs/counting.md):
//
// - the first complete record (an end-of-call report or a GET /call record) counts, and
//   later records of that call are duplicates merged into it, never retracted;
// - an ended status-update is held until a complete record of its call arrives (then the
//   status-update is the duplicate) or its window passes (then it counts), measured on
//   message timestamps, or on record positions for messages that have none, so that the
//   outcome does not depend on threads, pipes or read sizes.
//
// Window mode remembers the call ids of the window only, and only webhook messages are
// matched (two GET /call records of one call are matched by exact mode). Exact mode
// (--dedupe) remembers every call id of the run.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "vapidiag/call_record.hpp"
#include "vapidiag/reader.hpp"

namespace vapidiag {

struct DedupeOptions {
  std::int64_t window_ms = 120000;  // how long a status-update waits for its report; 0: no dedupe
  bool exact = false;               // remember every call id (--dedupe)
  // Without timestamps, a held status-update waits this many records.
  std::uint64_t window_records = 10000;
};

class CallDeduper {
 public:
  explicit CallDeduper(DedupeOptions o) : o_(o) {}

  enum class Verdict : std::uint8_t { Count, Hold, Duplicate };
  // A held record, released later.
  struct Held {
    CallRecord rec;
    RecordPos pos;
    std::string file;
    std::uint64_t seq = 0;
    std::int64_t time = kNoTime;
    bool dropped = false;         // a complete record of its call came: it is a duplicate
    std::int64_t wall = kNoTime;  // when it arrived on the wall clock (live input), else kNoTime
  };

  // The next ended call of the input, in order. Count: it counts now. Hold: it is kept
  // (copied) and comes back from release(). Duplicate: it merges into a call counted before.
  // Held records whose window passed by this record are moved to `released` first (they
  // count before this one).
  Verdict offer(const CallRecord& rec, const RecordPos& pos, std::string_view file,
                std::vector<Held>& released, std::int64_t wall_ms = kNoTime);
  // Live input: held records that arrived before `wall_deadline` (epoch ms) count now,
  // whatever the messages' own times say.
  void release_before_wall(std::int64_t wall_deadline, std::vector<Held>& released);
  std::int64_t window_ms() const { return o_.window_ms; }
  // Every held record: the input ended.
  void release_all(std::vector<Held>& released);

  std::uint64_t duplicates() const { return duplicates_; }
  std::size_t remembered() const { return calls_.size(); }  // for tests and the memory note

 private:
  struct Entry {
    bool counted = false;  // false: its status-update is held
    std::int64_t time = kNoTime;
    std::uint64_t seq = 0;
  };
  bool passed(std::int64_t time, std::uint64_t seq) const;
  void release_due(std::vector<Held>& released);
  // Releases held records from the front while due(record) says so (dropped ones go).
  template <typename Due>
  void release_while(Due due, std::vector<Held>& released);
  void forget_old();

  DedupeOptions o_;
  std::unordered_map<std::string, Entry> calls_;
  std::deque<std::pair<std::string, std::uint64_t>> order_;  // ids by first sight (window mode: to forget)
  std::deque<Held> held_;                                    // in input order
  std::uint64_t seq_ = 0;
  std::int64_t clock_ = kNoTime;  // the latest message time seen
  std::uint64_t duplicates_ = 0;
};

}  // namespace vapidiag
