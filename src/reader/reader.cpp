// The reading loop shared by files, pipes and memory: fixed-size chunks go into one
// buffer that keeps only the record in progress (plus padding); the framer finds the
// records and the extractor turns each into the one reused CallRecord.

#include "vapidiag/reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "extract.hpp"
#include "framer.hpp"
#include "source.hpp"

// ThreadSanitizer (clang 14) does not follow mremap: the pages a buffer leaves keep its
// shadow state, and a buffer another thread later maps there is reported as a race.
// Under it, a buffer grows by a fresh mapping and a copy instead.
#if defined(__SANITIZE_THREAD__)
#define VAPIDIAG_NO_MREMAP 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VAPIDIAG_NO_MREMAP 1
#endif
#endif

namespace vapidiag {

namespace {

using reader_detail::Compression;
using reader_detail::Extractor;
using reader_detail::FrameHandler;
using reader_detail::Framer;
using reader_detail::kPadding;
using reader_detail::open_decompressed;
using reader_detail::Outcome;
using reader_detail::Source;
using reader_detail::Where;

constexpr std::uint64_t kProgressEvery = 8u << 20;

class FdSource final : public Source {
 public:
  explicit FdSource(int fd) : fd_(fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return;
    regular_ = S_ISREG(st.st_mode);
    if (regular_ && st.st_size > 0) size_ = static_cast<std::uint64_t>(st.st_size);
    live_ = !regular_ && !S_ISBLK(st.st_mode);
  }
  // A regular file: nothing writes it as it is read.
  bool regular() const { return regular_; }
  bool would_block() const override {
    if (!live_) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }
  bool wait_readable(int timeout_ms) const override {
    if (!live_) return true;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) != 0;
  }
  std::ptrdiff_t read(std::uint8_t* dst, std::size_t n, std::string& err) override {
    for (;;) {
      const ssize_t r = ::read(fd_, dst, n);
      if (r >= 0) return r;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd p{fd_, POLLIN, 0};
        (void)::poll(&p, 1, -1);
        continue;
      }
      err = std::strerror(errno);
      return -1;
    }
  }
  std::uint64_t size_hint() const override { return size_; }

 private:
  int fd_;
  std::uint64_t size_ = 0;
  bool regular_ = false;
  bool live_ = false;
};

// Bytes [begin, end) of a file, read with pread so that several readers can share it.
class RangeSource final : public Source {
 public:
  RangeSource(int fd, std::uint64_t begin, std::uint64_t end) : fd_(fd), pos_(begin), end_(end) {}
  std::ptrdiff_t read(std::uint8_t* dst, std::size_t n, std::string& err) override {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, end_ - pos_));
    if (want == 0) return 0;
    for (;;) {
      const ssize_t r = ::pread(fd_, dst, want, static_cast<off_t>(pos_));
      if (r >= 0) {
        pos_ += static_cast<std::uint64_t>(r);
        return r;
      }
      if (errno == EINTR) continue;
      err = std::strerror(errno);
      return -1;
    }
  }
  std::uint64_t size_hint() const override { return end_ - pos_; }

 private:
  int fd_;
  std::uint64_t pos_, end_;
};

class MemSource final : public Source {
 public:
  explicit MemSource(std::string_view data) : data_(data) {}
  std::ptrdiff_t read(std::uint8_t* dst, std::size_t n, std::string& /*err*/) override {
    const std::size_t k = std::min(n, data_.size() - pos_);
    if (k > 0) std::memcpy(dst, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<std::ptrdiff_t>(k);
  }
  std::uint64_t size_hint() const override { return data_.size(); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

#if defined(__linux__) && !defined(VAPIDIAG_NO_MREMAP)
// One released read buffer per thread, kept for the next reader on that thread: a file
// read in ranges starts a reader per range, and fresh pages cost a page fault each on
// first touch (about 0.2 ms a range for a 512 KiB buffer). At most kMaxSpare is kept.
class SpareBuffer {
 public:
  static constexpr std::size_t kMaxSpare = 4u << 20;
  ~SpareBuffer() {
    if (p_ != nullptr) ::munmap(p_, cap_);
  }
  // The spare memory when it holds n bytes (and is not far larger), with its size in *cap;
  // or null.
  void* take(std::size_t n, std::size_t* cap) {
    if (p_ == nullptr || cap_ < n || cap_ / 2 > n) return nullptr;
    *cap = cap_;
    return std::exchange(p_, nullptr);
  }
  // Keeps p (cap bytes) or unmaps it.
  void give(void* p, std::size_t cap) {
    if (p_ == nullptr && cap <= kMaxSpare) {
      p_ = p;
      cap_ = cap;
    } else {
      ::munmap(p, cap);
    }
  }

 private:
  void* p_ = nullptr;
  std::size_t cap_ = 0;
};
thread_local SpareBuffer t_spare;
#endif

// The read buffer. On Linux it is anonymous memory resized with mremap, so a large
// record in progress is never held twice while the buffer grows (the pages move), and
// shrinking returns the memory at once.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { release(); }

  std::uint8_t* data() const { return p_; }
  std::size_t capacity() const { return cap_; }

  // Resizes to n bytes, keeping the first `keep` bytes.
  void resize(std::size_t n, std::size_t keep) {
#if defined(__linux__) && !defined(VAPIDIAG_NO_MREMAP)
    std::size_t spare = 0;
    void* q = p_ != nullptr ? ::mremap(p_, cap_, n, MREMAP_MAYMOVE) : t_spare.take(n, &spare);
    if (q == nullptr) q = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) throw std::bad_alloc();
    p_ = static_cast<std::uint8_t*>(q);
    (void)keep;
    if (spare > 0) {
      cap_ = spare;  // the whole of it: a shrink to n would fault its pages in again later
      return;
    }
#elif defined(__linux__)
    void* q = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) throw std::bad_alloc();
    if (keep > 0) std::memcpy(q, p_, keep);
    release();
    p_ = static_cast<std::uint8_t*>(q);
#else
    auto* q = new std::uint8_t[n];
    if (keep > 0) std::memcpy(q, p_, keep);
    release();
    p_ = q;
#endif
    cap_ = n;
  }

 private:
  void release() {
    if (p_ == nullptr) return;
#if defined(__linux__) && !defined(VAPIDIAG_NO_MREMAP)
    t_spare.give(p_, cap_);
#elif defined(__linux__)
    ::munmap(p_, cap_);
#else
    delete[] p_;
#endif
    p_ = nullptr;
  }

  std::uint8_t* p_ = nullptr;
  std::size_t cap_ = 0;
};

// Framing on a second thread (ReadOptions::pipeline). The framing thread copies each
// record, followed by kPadding zeros, into a batch, along with the framer's reports, in
// input order; the calling thread parses the batches in that order and does all the
// counting and every call to the sink, exactly as a single-threaded run would.
struct Event {
  enum class Kind : std::uint8_t { Record, Bad, FileError, Text };
  Kind kind = Kind::Record;
  Where where;
  std::size_t off = 0;  // Record: bytes [off, off + len) of the batch
  std::size_t len = 0;  // Text: the lines
  std::string message;  // Bad, FileError; Text: the first line's start
  // Record: the framing thread parsed it into the batch's parsed[parsed] (then it may
  // carry no bytes); -1 when it is the caller's to parse.
  std::ptrdiff_t parsed = -1;
};

// A record the framing thread parsed itself, to share the parsing: those of the batches and
// the whole lines of NDJSON that it parses (see parse_batch and on_whole_line).
struct Parsed {
  Outcome outcome = Outcome::Unreadable;
  CallRecord rec;
  std::string why;
};

struct Batch {
  std::vector<std::uint8_t> bytes;
  std::vector<Event> events;
  std::uint64_t bytes_read = 0;  // input bytes read when the batch was sent
  // Records parsed by the framing thread: parsed[0, parsed_count), named by their events.
  std::vector<Parsed> parsed;
  std::size_t parsed_count = 0;
  Parsed& next_parsed() {
    if (parsed.size() <= parsed_count) parsed.emplace_back();
    return parsed[parsed_count];
  }

  void clear() {
    bytes.clear();
    events.clear();
    parsed_count = 0;  // (the parsed records keep their capacity for the next batch)
  }
  // Parses the record of event e (its bytes are followed by kPadding zeros in `bytes`).
  Outcome extract(Extractor& x, const Event& e, CallRecord& rec, std::string& why) const {
    return x.extract(bytes.data() + e.off, e.len, bytes.size() - e.off, rec, why);
  }
};

// Batches on their way from the framing thread, bounded in bytes so that memory stays
// about what one thread needs (a record larger than the bound travels alone).
class BatchQueue {
 public:
  static constexpr std::size_t kMaxQueuedBytes = 4u << 20;

  std::unique_ptr<Batch> take_free() {
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.empty()) return std::make_unique<Batch>();
    std::unique_ptr<Batch> b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  // False when the consumer stopped (the batch is dropped).
  bool push(std::unique_ptr<Batch> b) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock,
                   [&] { return stopped_ || full_.empty() || queued_ + b->bytes.size() <= kMaxQueuedBytes; });
    if (stopped_) return false;
    queued_ += b->bytes.size();
    full_.push_back(std::move(b));
    not_empty_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_one();
  }
  // The next batch in order, or nullptr once the producer closed the queue and it is empty.
  std::unique_ptr<Batch> pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !full_.empty(); });
    if (full_.empty()) return nullptr;
    std::unique_ptr<Batch> b = std::move(full_.front());
    full_.pop_front();
    queued_ -= b->bytes.size();
    not_full_.notify_one();
    return b;
  }
  void recycle(std::unique_ptr<Batch> b) {
    b->clear();
    if (b->bytes.capacity() > 2 * kMaxQueuedBytes) b->bytes = {};  // after a huge record
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(b));
  }
  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    not_full_.notify_all();
  }
  bool stopped() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }
  // Batches sent and not yet taken by the consumer.
  std::size_t backlog() {
    std::lock_guard<std::mutex> lock(mu_);
    return full_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::size_t queued_ = 0;
  bool closed_ = false;
  bool stopped_ = false;
};

class Reader final : public FrameHandler {
 public:
  Reader(std::string_view name, RecordSink& sink, const ReadOptions& opts)
      : name_(name),
        sink_(sink),
        max_record_(std::max<std::size_t>(opts.max_record_bytes, 1)),
        chunk_(std::max<std::size_t>(opts.chunk_bytes, 1)),
        pipelined_(opts.pipeline),
        share_backlog_(opts.share_backlog),
        whole_lines_(opts.whole_lines),
        extractor_(max_record_),
        framer_(*this, max_record_) {
    framer_.set_too_large_hint(opts.too_large_hint);
  }

  ReadStats run(Source& src);

 private:
  // Reads and frames the whole input; records go to the handlers below.
  void frame_all(Source& src);
  void run_pipelined(Source& src);
  void consume(const Batch& b);
  // Reports progress when stats_.bytes passed `next` (then moves it on).
  void progress(std::uint64_t& next);

  bool on_record(const std::uint8_t* data, std::size_t len, const Where& where) override;
  Whole on_whole_line(const std::uint8_t* data, std::size_t len, std::size_t line_len,
                      const Where& where) override;
  // Parses a line whole: true when simdjson read exactly one object from it.
  bool parse_whole(Extractor& x, const std::uint8_t* data, std::size_t len, Outcome& outcome, CallRecord& rec,
                   std::string& why);
  bool frames_as_one_record(const std::uint8_t* data, std::size_t len, std::size_t line_len,
                            const Where& where);
  // Parses a record of buf_ into rec and why.
  Outcome parse(Extractor& x, const std::uint8_t* data, std::size_t len, CallRecord& rec, std::string& why,
                bool* whole = nullptr);
  bool count(Outcome outcome, const CallRecord& rec, const std::string& why, const Where& where);
  void parse_batch(Batch& b);
  Extractor& pre_extractor();  // the framing thread's own parser
  bool on_bad(const Where& where, std::string_view message) override;
  void on_not_json(std::string_view message) override;
  void on_text(const Where& first, std::uint64_t lines, std::string_view sample) override;
  void text(const Where& first, std::uint64_t lines, std::string_view sample);
  // An error about the whole input (not JSON, unreadable), from the framing side.
  void input_error(std::string_view message);
  // Counting and reporting, on the parsing side.
  bool bad(const Where& where, std::string_view message);
  void file_error(std::string_view message);
  // Pipelined: the event goes into the batch being filled (sent when full).
  bool send(Event e, const std::uint8_t* data = nullptr, std::size_t len = 0);
  bool flush();

  RecordPos pos_of(const Where& w) const { return RecordPos{stats_.records, w.line, w.column, w.offset}; }
  void compact(std::uint64_t keep);
  void reserve(std::size_t need);

  std::string_view name_;
  RecordSink& sink_;
  std::size_t max_record_;
  std::size_t chunk_;
  bool pipelined_;
  std::size_t share_backlog_;
  bool whole_lines_;
  ReadStats stats_;
  Extractor extractor_;
  CallRecord rec_;
  Framer framer_;
  std::string why_;
  std::uint64_t text_first_line_ = 0;  // of the first text line (0: none yet)
  std::string text_sample_;

  // buf_[0, len_) holds input bytes [offset_, offset_ + len_), then kPadding zeros.
  Buffer buf_;
  std::size_t len_ = 0;
  std::uint64_t offset_ = 0;
  std::size_t base_cap_ = 0;
  std::uint64_t bytes_read_ = 0;  // by the framing side (stats_ belongs to the parsing side)

  // Pipelined only.
  BatchQueue queue_;
  std::unique_ptr<Batch> batch_;
  std::unique_ptr<Extractor> pre_extractor_;  // the framing thread's own parser
  Parsed pre_parsed_;                         // and its scratch record
  static constexpr std::size_t kBatchBytes = 1u << 20;
  static constexpr std::size_t kBatchEvents = 1024;
};

ReadStats Reader::run(Source& src) {
  if (const std::uint64_t hint = src.size_hint(); hint > 0 && hint < chunk_) {
    chunk_ = static_cast<std::size_t>(hint) + 1;  // small input: a small buffer, read in one go
    pipelined_ = false;                           // and not worth a thread
  }
  base_cap_ = chunk_ + kPadding;
  if (pipelined_) {
    run_pipelined(src);
  } else {
    frame_all(src);
  }
  if (stats_.text_lines > 0) sink_.on_text_lines(name_, text_first_line_, stats_.text_lines, text_sample_);
  return stats_;
}

void Reader::frame_all(Source& src) {
  framer_.set_whole_lines(whole_lines_);
  std::string err;
  bool fed = false;
  bool eof = false;
  std::uint64_t next_progress = kProgressEvery;
  while (!eof) {
    // Bytes the framer no longer needs go; the record in progress moves to the front.
    if (fed) compact(framer_.keep_from(offset_ + len_));
    // Everything read so far is handed on before waiting for more of a live input, so
    // that results of `tail -f log | vapidiag diagnose` appear as their lines arrive.
    // While it stays quiet, the sink hears so every second (held records time out).
    if (fed && !pipelined_ && src.would_block()) {
      sink_.on_input_idle();
      while (!src.wait_readable(1000) && !sink_.stop_requested()) sink_.on_input_idle();
    }
    reserve(len_ + chunk_ + kPadding);
    const std::ptrdiff_t n = src.read(buf_.data() + len_, chunk_, err);
    if (n < 0) {
      input_error("read error: " + err);
      // A record the error cut off is counted: the bytes so far are all there is.
      framer_.feed(buf_.data(), offset_, offset_ + len_, true);
      framer_.abandon(buf_.data(), offset_, offset_ + len_);
      return;
    }
    eof = n == 0;
    len_ += static_cast<std::size_t>(n);
    bytes_read_ += static_cast<std::uint64_t>(n);
    if (!pipelined_) stats_.bytes = bytes_read_;
    std::memset(buf_.data() + len_, 0, kPadding);
    if (!fed && !eof && len_ < 3) continue;  // the framer looks for a byte order mark first
    framer_.feed(buf_.data(), offset_, offset_ + len_, eof);
    fed = true;
    if (framer_.stopped()) return;
    if (pipelined_) {
      if (queue_.stopped()) return;
    } else {
      progress(next_progress);
    }
  }
  framer_.finish(buf_.data(), offset_, offset_ + len_);
}

void Reader::run_pipelined(Source& src) {
  std::exception_ptr failed;
  std::thread framing;
  try {
    framing = std::thread([&] {
      try {
        batch_ = queue_.take_free();
        frame_all(src);
        flush();
      } catch (...) {
        failed = std::current_exception();
      }
      queue_.close();
    });
  } catch (const std::system_error&) {
    // No thread to be had: read on this one.
    pipelined_ = false;
    frame_all(src);
    return;
  }
  std::uint64_t next_progress = kProgressEvery;
  try {
    while (std::unique_ptr<Batch> b = queue_.pop()) {
      if (!queue_.stopped()) {
        consume(*b);
        stats_.bytes = b->bytes_read;
        if (sink_.stop_requested()) queue_.stop();
        progress(next_progress);
      }
      queue_.recycle(std::move(b));
    }
  } catch (...) {
    // The sink threw: stop the framing thread before the exception leaves.
    queue_.stop();
    while (std::unique_ptr<Batch> b = queue_.pop()) queue_.recycle(std::move(b));
    framing.join();
    throw;
  }
  framing.join();
  if (failed) std::rethrow_exception(failed);
  if (!queue_.stopped()) stats_.bytes = bytes_read_;
}

void Reader::progress(std::uint64_t& next) {
  if (stats_.bytes < next) return;
  sink_.on_progress(stats_.bytes, stats_.calls);
  next = stats_.bytes + kProgressEvery;
}

void Reader::consume(const Batch& b) {
  for (const Event& e : b.events) {
    switch (e.kind) {
      case Event::Kind::Record: {
        if (e.parsed >= 0) {
          const Parsed& p = b.parsed[static_cast<std::size_t>(e.parsed)];
          if (!count(p.outcome, p.rec, p.why, e.where)) return;
          break;
        }
        const Outcome outcome = b.extract(extractor_, e, rec_, why_);
        if (!count(outcome, rec_, why_, e.where)) return;
        break;
      }
      case Event::Kind::Bad:
        if (!bad(e.where, e.message)) return;
        break;
      case Event::Kind::FileError:
        file_error(e.message);
        break;
      case Event::Kind::Text:
        text(e.where, e.len, e.message);
        break;
    }
  }
}

bool Reader::send(Event e, const std::uint8_t* data, std::size_t len) {
  if (data != nullptr) {
    e.off = batch_->bytes.size();
    e.len = len;
    batch_->bytes.insert(batch_->bytes.end(), data, data + len);
    batch_->bytes.insert(batch_->bytes.end(), kPadding, 0);
  }
  batch_->events.push_back(std::move(e));
  if (batch_->bytes.size() >= kBatchBytes || batch_->events.size() >= kBatchEvents) return flush();
  return true;
}

// The framing thread parses the records of a batch itself when the caller is behind
// (ReadOptions::share_backlog batches wait for it), and leaves them to the caller
// otherwise; the caller makes every sink call, in order. Framing is the lighter part of
// the work, so this way both threads stay busy, whichever is faster on the input at hand
// (parsing every other batch there, as before, left the framing thread the slower one on
// arrays). Who parses a record never changes its result. Not for a batch that holds a
// very large record: one parser's worth of memory for it is enough.
void Reader::parse_batch(Batch& b) {
  // Not a batch of whole lines some of which this thread parsed already.
  if (b.parsed_count > 0 || b.bytes.size() > 2 * kBatchBytes) return;
  for (Event& e : b.events) {
    if (e.kind != Event::Kind::Record) continue;
    Parsed& p = b.next_parsed();
    p.outcome = b.extract(pre_extractor(), e, p.rec, p.why);
    e.parsed = static_cast<std::ptrdiff_t>(b.parsed_count++);
  }
}

Extractor& Reader::pre_extractor() {
  if (!pre_extractor_) pre_extractor_ = std::make_unique<Extractor>(max_record_);
  return *pre_extractor_;
}

bool Reader::flush() {
  if (batch_->events.empty()) return !queue_.stopped();
  batch_->bytes_read = bytes_read_;
  if (queue_.backlog() >= share_backlog_ && !queue_.stopped()) parse_batch(*batch_);
  const bool ok = queue_.push(std::move(batch_));
  batch_ = queue_.take_free();
  return ok;
}

void Reader::compact(std::uint64_t keep) {
  const std::size_t drop = static_cast<std::size_t>(keep - offset_);
  if (drop == 0) return;
  std::memmove(buf_.data(), buf_.data() + drop, len_ - drop);
  len_ -= drop;
  offset_ = keep;
}

void Reader::reserve(std::size_t need) {
  const std::size_t cap = buf_.capacity();
  std::size_t want = cap;
  if (need > cap) {
    // Grow (a large record in progress), by doubling but never past what the largest
    // allowed record needs.
    const std::size_t most = std::max(need, max_record_ + chunk_ + kPadding);
    want = std::max(std::min(std::max(need, 2 * cap), most), base_cap_);
  } else if (cap > 4 * base_cap_ && need <= base_cap_) {
    want = base_cap_;  // shrink back after a large record
  }
  if (want != cap) buf_.resize(want, len_);
}

Outcome Reader::parse(Extractor& x, const std::uint8_t* data, std::size_t len, CallRecord& rec,
                      std::string& why, bool* whole) {
  const std::size_t capacity = static_cast<std::size_t>(buf_.data() + buf_.capacity() - data);
  // simdjson may look at the padding after a malformed document, so what follows the
  // record (the next record, or zeros at the end of the data) could change its verdict:
  // parse with zeros there, whatever the chunking, then put the bytes back.
  std::uint8_t* after = buf_.data() + (data - buf_.data()) + len;
  std::array<std::uint8_t, kPadding> saved;
  std::memcpy(saved.data(), after, kPadding);
  std::memset(after, 0, kPadding);
  const Outcome outcome = x.extract(data, len, capacity, rec, why, whole);
  std::memcpy(after, saved.data(), kPadding);
  return outcome;
}

bool Reader::count(Outcome outcome, const CallRecord& rec, const std::string& why, const Where& where) {
  ++stats_.records;
  const RecordPos pos = pos_of(where);
  switch (outcome) {
    case Outcome::Call:
      ++stats_.calls;
      sink_.on_call(rec, pos);
      break;
    case Outcome::NotEnded:
      ++stats_.not_ended;
      break;
    case Outcome::Skipped:
      ++stats_.skipped;
      break;
    case Outcome::Unreadable:
      ++stats_.unreadable;
      sink_.on_bad_record(name_, pos, why);
      break;
  }
  return !sink_.stop_requested();
}

bool Reader::on_record(const std::uint8_t* data, std::size_t len, const Where& where) {
  if (pipelined_) return send(Event{Event::Kind::Record, where, 0, 0, {}}, data, len);
  const Outcome outcome = parse(extractor_, data, len, rec_, why_);
  return count(outcome, rec_, why_, where);
}

// A line of NDJSON, before the framer scans it: one record when simdjson reads it as
// one whole object. Anything else (a parse error, something after the object) is left to
// the framer, which frames the line byte by byte and reports what is wrong with it.
//
// On one thread the line is parsed at once, and counted when it is taken. With framing
// on a second thread (this one), the parsing is shared. While the calling thread is behind
// (as for batches, ReadOptions::share_backlog), a line is parsed here and sent parsed.
// Otherwise it is first framed byte by byte by a framer of its own, and when that finds
// the whole line to be one record with nothing else, the line goes to the calling thread
// as that record (taken or not, it is then parsed from the same bytes and counted the
// same); only a line that frames otherwise is parsed here to decide. Which way a line
// goes never changes its result.
FrameHandler::Whole Reader::on_whole_line(const std::uint8_t* data, std::size_t len, std::size_t line_len,
                                          const Where& where) {
  if (!pipelined_) {
    Outcome outcome;
    if (!parse_whole(extractor_, data, len, outcome, rec_, why_)) return Whole::Declined;
    return count(outcome, rec_, why_, where) ? Whole::Taken : Whole::Stop;
  }
  // The caller is behind: parsed here, and sent parsed when it is taken.
  if (queue_.backlog() >= share_backlog_) {
    Parsed& p = batch_->next_parsed();
    if (!parse_whole(pre_extractor(), data, len, p.outcome, p.rec, p.why)) return Whole::Declined;
    Event e{Event::Kind::Record, where, 0, 0, {}};
    e.parsed = static_cast<std::ptrdiff_t>(batch_->parsed_count++);
    return send(std::move(e)) ? Whole::Taken : Whole::Stop;
  }
  // Else framed first; only a line that frames otherwise than as its one record is parsed
  // here.
  if (!frames_as_one_record(data, len, line_len, where) &&
      !parse_whole(pre_extractor(), data, len, pre_parsed_.outcome, pre_parsed_.rec, pre_parsed_.why))
    return Whole::Declined;
  return send(Event{Event::Kind::Record, where, 0, 0, {}}, data, len) ? Whole::Taken : Whole::Stop;
}

bool Reader::parse_whole(Extractor& x, const std::uint8_t* data, std::size_t len, Outcome& outcome,
                         CallRecord& rec, std::string& why) {
  bool whole = false;
  outcome = parse(x, data, len, rec, why, &whole);
  return outcome != Outcome::Unreadable && whole;
}

// Frames data[0, line_len) on a framer of its own: true when that gives exactly one
// record, data[0, len), and nothing else.
bool Reader::frames_as_one_record(const std::uint8_t* data, std::size_t len, std::size_t line_len,
                                  const Where& where) {
  struct Probe final : FrameHandler {
    Probe(std::uint64_t at, std::size_t n) : offset(at), len(n) {}
    bool on_record(const std::uint8_t* /*data*/, std::size_t n, const Where& w) override {
      ++records;
      other = other || w.offset != offset || n != len;
      return records == 1 && !other;
    }
    bool on_bad(const Where& /*where*/, std::string_view /*message*/) override {
      other = true;
      return false;
    }
    void on_not_json(std::string_view /*message*/) override { other = true; }
    std::uint64_t offset;
    std::size_t len;
    int records = 0;
    bool other = false;
  } probe(where.offset, len);
  Framer framer(probe, max_record_);
  framer.begin_line(where);
  framer.feed(data, where.offset, where.offset + line_len);
  framer.finish(data, where.offset, where.offset + line_len);
  return probe.records == 1 && !probe.other;
}

bool Reader::on_bad(const Where& where, std::string_view message) {
  if (pipelined_) return send(Event{Event::Kind::Bad, where, 0, 0, std::string(message)});
  return bad(where, message);
}

void Reader::on_not_json(std::string_view message) { input_error(message); }

void Reader::on_text(const Where& first, std::uint64_t lines, std::string_view sample) {
  if (pipelined_) {
    send(Event{Event::Kind::Text, first, 0, static_cast<std::size_t>(lines), std::string(sample)});
    return;
  }
  text(first, lines, sample);
}

void Reader::text(const Where& first, std::uint64_t lines, std::string_view sample) {
  stats_.text_lines += lines;
  if (text_first_line_ == 0) {
    text_first_line_ = first.line;
    text_sample_ = sample;
  }
}

void Reader::input_error(std::string_view message) {
  if (pipelined_) {
    send(Event{Event::Kind::FileError, {}, 0, 0, std::string(message)});
    return;
  }
  file_error(message);
}

bool Reader::bad(const Where& where, std::string_view message) {
  ++stats_.records;
  ++stats_.unreadable;
  sink_.on_bad_record(name_, pos_of(where), message);
  return !sink_.stop_requested();
}

void Reader::file_error(std::string_view message) {
  ++stats_.file_errors;
  sink_.on_file_error(name_, message);
}

}  // namespace

namespace reader_detail {

bool framing_thread_pays(Compression kind, bool settled, std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  const bool array = first != std::string_view::npos && head[first] == '[';
  return kind == Compression::None && (settled || array);
}

}  // namespace reader_detail

namespace {

ReadOptions framing_where_it_pays(const ReadOptions& opts, Compression kind, bool settled,
                                  std::string_view head) {
  ReadOptions o = opts;
  if (o.pipeline && o.pipeline_where_it_pays)
    o.pipeline = reader_detail::framing_thread_pays(kind, settled, head);
  return o;
}

}  // namespace

ReadStats read_fd(int fd, std::string_view name, RecordSink& sink, const ReadOptions& opts) {
  Compression kind = Compression::None;
  std::string head;
  auto fd_src = std::make_unique<FdSource>(fd);
  const bool settled = fd_src->regular();
  const std::unique_ptr<Source> src = open_decompressed(std::move(fd_src), &kind, &head);
  Reader reader(name, sink, framing_where_it_pays(opts, kind, settled, head));
  return reader.run(*src);
}

ReadStats read_fd_range(int fd, std::uint64_t begin, std::uint64_t end, std::string_view name,
                        RecordSink& sink, const ReadOptions& opts) {
  RangeSource src(fd, begin, std::max(begin, end));
  Reader reader(name, sink, opts);
  return reader.run(src);
}

ReadStats read_buffer(std::string_view data, std::string_view name, RecordSink& sink,
                      const ReadOptions& opts) {
  Compression kind = Compression::None;
  std::string head;
  const std::unique_ptr<Source> src = open_decompressed(std::make_unique<MemSource>(data), &kind, &head);
  Reader reader(name, sink, framing_where_it_pays(opts, kind, true, head));
  return reader.run(*src);
}

ReadStats read_file(const std::string& path, RecordSink& sink, const ReadOptions& opts) {
  if (path == "-") return read_fd(STDIN_FILENO, "<stdin>", sink, opts);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ReadStats s;
    s.file_errors = 1;
    sink.on_file_error(path, std::strerror(errno));
    return s;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    ReadStats s;
    s.file_errors = 1;
    sink.on_file_error(path, std::strerror(EISDIR));
    return s;
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  ReadStats s = read_fd(fd, path, sink, opts);
  ::close(fd);
  return s;
}

}  // namespace vapidiag
