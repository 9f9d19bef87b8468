#pragma once
// Streaming reader of call logs. Detects the shape of each input (one Call object, a
// JSON array of calls, NDJSON or concatenated values, {"results": [...]} exports,
// webhook envelopes {"message": {...}}), frames records itself and parses each with
// simdjson on-demand, holding about one record in memory at a time. Bad records are
// reported through the sink and counted; they never stop the run.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "vapidiag/call_record.hpp"
#include "vapidiag/time.hpp"

namespace vapidiag {

// Where a record sits in its input: 1-based record number, line and column of its
// first byte, and its byte offset.
struct RecordPos {
  std::uint64_t record = 0;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::uint64_t offset = 0;
};

// Every record read lands in exactly one of these.
struct ReadStats {
  std::uint64_t records = 0;     // records framed in the input (all kinds)
  std::uint64_t calls = 0;       // ended calls handed to on_call
  std::uint64_t not_ended = 0;   // calls without an endedReason (queued, in progress...)
  std::uint64_t skipped = 0;     // webhook messages that carry no ending
  std::uint64_t unreadable = 0;  // malformed, truncated or oversized records
  // Input bytes read. The whole input, unless reading stopped early: an input rejected as
  // not JSON, a read error, or a sink that asked to stop. Then it is what had been read by
  // that point, which depends on the read size (chunk_bytes), not on the input alone.
  std::uint64_t bytes = 0;
  std::uint64_t file_errors = 0;  // inputs that could not be opened or read at all
  // Lines of text between top-level JSON values (what clients print around their JSON,
  // e.g. `vapi call list`'s "Listing calls..."): skipped, not records.
  std::uint64_t text_lines = 0;

  void add(const ReadStats& o);
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // An ended call. `rec` is valid only during the call.
  virtual void on_call(const CallRecord& rec, const RecordPos& pos) = 0;
  // A record that was counted as unreadable; message says why (no file name or position).
  virtual void on_bad_record(std::string_view file, const RecordPos& pos, std::string_view message) = 0;
  // An input that cannot be read at all (missing, a directory, not JSON).
  virtual void on_file_error(std::string_view file, std::string_view message) = 0;
  // Once per input that had text lines between its JSON values (ReadStats::text_lines):
  // how many, the first one's line number and its start.
  virtual void on_text_lines(std::string_view /*file*/, std::uint64_t /*first_line*/, std::uint64_t /*lines*/,
                             std::string_view /*sample*/) {}
  // Optional progress: bytes consumed so far in the current input, called about every few MB.
  virtual void on_progress(std::uint64_t /*bytes*/, std::uint64_t /*calls*/) {}
  // Return true to stop reading early (e.g. the output pipe closed).
  virtual bool stop_requested() const { return false; }
  // A live input (pipe, terminal) has nothing more to read for now, and every record read
  // so far went to the sink: the moment to flush what was written for them. Not called
  // when framing runs on a second thread (ReadOptions::pipeline).
  virtual void on_input_idle() {}
};

struct ReadOptions {
  std::size_t max_record_bytes = 64u << 20;  // larger records are skipped and reported
  // Added in brackets to the message about a record over the limit: how to raise it, in the
  // words of the front end (the library names no option).
  std::string too_large_hint;
  // Read size: small enough that a chunk stays in the L2 cache while the framer, simdjson
  // and the extractor go over it (measured: 256 KiB reads ~20 % faster than 4 MiB).
  std::size_t chunk_bytes = 256u << 10;
  // Frame on a second thread while this one parses: for an input that cannot be split
  // (stdin, a JSON array). Same results, in the same order, through the same sink calls.
  bool pipeline = false;
  // With pipeline: only where the second thread pays (measured on two cores,
  // docs/performance.md): for uncompressed input from a file or a buffer, and for a JSON
  // array from anywhere (framing an array is the heavy part of reading it). Not for gzip or
  // zstd data, which a thread of its own inflates already, nor for NDJSON from a pipe, whose
  // writer needs a core too: a third busy thread there takes more than it gives.
  bool pipeline_where_it_pays = false;
  // With pipeline: the framing thread also parses records (a batch, or a whole line of
  // NDJSON) while this many batches wait for the calling thread, which is then the slower
  // one. 0: every record it can; SIZE_MAX: none (tests, so that every way is taken
  // whatever the timing).
  std::size_t share_backlog = 2;
  // Line-delimited input on one thread: hand each line to simdjson whole and frame it
  // byte by byte only when simdjson does not read it as one complete object (a bad line
  // is then reported exactly as before). Off only in tests and fuzzing, to compare.
  bool whole_lines = true;
};

// Read one input. `name` is used in messages; "-" means stdin. Returns the stats of
// this input (also passed to the sink as they happen).
ReadStats read_file(const std::string& path, RecordSink& sink, const ReadOptions& opts = {});
// Read from an open file descriptor (stdin, pipes); name is used in messages.
ReadStats read_fd(int fd, std::string_view name, RecordSink& sink, const ReadOptions& opts = {});
// Read bytes [begin, end) of an open regular file as if they were a whole input: how one
// line-delimited file is split across threads. Positions are relative to begin.
ReadStats read_fd_range(int fd, std::uint64_t begin, std::uint64_t end, std::string_view name,
                        RecordSink& sink, const ReadOptions& opts = {});
// Read an in-memory buffer (tests, fuzzing). Behaves exactly like a file of these bytes.
ReadStats read_buffer(std::string_view data, std::string_view name, RecordSink& sink,
                      const ReadOptions& opts = {});

}  // namespace vapidiag
