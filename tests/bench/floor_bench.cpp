// floor_bench: what this machine allows at best for NDJSON call logs read with simdjson,
// measured on the same file as the reader benchmark. Every stage is timed on its own,
// then a minimal reader that does the least any simdjson-based reader must do: frame
// lines with memchr, run simdjson on-demand over each line and read only endedReason
// (no validation of the framing, no other field, no evidence, no summary).
//
//   floor_bench FILE.ndjson [--repeat N]
//
// Rows (best of N runs, MB/s = 10^6 bytes per second of wall time):
//   read()                  read the file in 256 KiB chunks and touch nothing (like dd)
//   memchr lines            find every newline of the file, already in memory
//   stage 1 (in memory)     simdjson on-demand iterate() of every line: its first pass,
//                           which indexes and validates every byte of the record
//   read + stage 1          the two above one after the other, per chunk
//   minimal reader, 1 thread   read + memchr + iterate + find endedReason, 1 thread
//   minimal reader, 2 threads  the same over the two halves of the file, in parallel
//   walking reader, 1 thread   the minimal reader, but it visits every top-level key of
//                           every record (skipping each value, token by token) instead of
//                           stopping at endedReason: the least a reader must walk to read
//                           fields wherever they are, on-demand being forward-only
//   walking reader, 2 threads  the same over the two halves of the file, in parallel
// vapidiag's own reader does all of this and more (framing that survives bad input,
// evidence from messages, costs and metrics); compare with `vapidiag summary -j 1`.

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kChunk = 256u << 10;
namespace od = simdjson::ondemand;

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The per-chunk work of a streaming reader over bytes [begin, end) of the file: read()
// into a buffer that keeps the unfinished line, then hand each complete line to `line`.
template <typename OnLine>
std::uint64_t stream_lines(int fd, std::uint64_t begin, std::uint64_t end, OnLine&& line) {
  std::vector<std::uint8_t> buf;
  buf.reserve(64u << 20);
  std::size_t have = 0;
  std::uint64_t pos = begin;
  std::uint64_t lines = 0;
  for (;;) {
    if (buf.size() < have + kChunk + simdjson::SIMDJSON_PADDING)
      buf.resize(have + kChunk + simdjson::SIMDJSON_PADDING);
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, end - pos));
    const ssize_t n = want == 0 ? 0 : ::pread(fd, buf.data() + have, want, static_cast<off_t>(pos));
    if (n < 0) {
      std::perror("floor_bench: read");
      std::exit(1);
    }
    pos += static_cast<std::uint64_t>(n);
    have += static_cast<std::size_t>(n);
    const bool eof = n == 0;
    std::size_t start = 0;
    while (start < have) {
      const void* nl = std::memchr(buf.data() + start, '\n', have - start);
      if (nl == nullptr && !eof) break;  // the line goes on in the next chunk
      const std::size_t stop =
          nl != nullptr ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - buf.data()) : have;
      if (stop > start) {
        line(buf.data() + start, stop - start, buf.size() - start);
        ++lines;
      }
      start = stop + 1;
    }
    if (eof) break;
    start = std::min(start, have);
    std::memmove(buf.data(), buf.data() + start, have - start);
    have -= start;
  }
  return lines;
}

// Start of the line that holds offset `at` (the split point of the two-thread run).
std::uint64_t line_start_after(int fd, std::uint64_t at, std::uint64_t size) {
  char c = 0;
  while (at < size && ::pread(fd, &c, 1, static_cast<off_t>(at)) == 1) {
    ++at;
    if (c == '\n') break;
  }
  return at;
}

struct Minimal {
  od::parser parser{64u << 20};
  std::uint64_t ended = 0;
  std::uint64_t bad = 0;
  std::uint64_t hash = 0;
  void line(const std::uint8_t* p, std::size_t len, std::size_t cap) {
    od::document doc;
    std::string_view reason;
    if (parser.iterate(p, len, cap).get(doc) != simdjson::SUCCESS ||
        doc.find_field_unordered("endedReason").get_string().get(reason) != simdjson::SUCCESS) {
      ++bad;
      return;
    }
    ++ended;
    hash += reason.size() + static_cast<unsigned char>(reason.empty() ? 0 : reason[0]);
  }
  // Every key visited, every value skipped but endedReason's.
  void walk(const std::uint8_t* p, std::size_t len, std::size_t cap) {
    od::document doc;
    od::object obj;
    if (parser.iterate(p, len, cap).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(obj) != simdjson::SUCCESS) {
      ++bad;
      return;
    }
    std::string_view reason;
    bool found = false;
    for (auto field_result : obj) {
      od::field f;
      if (std::move(field_result).get(f) != simdjson::SUCCESS) {
        ++bad;
        return;
      }
      if (f.key() == "endedReason") found = f.value().get_string().get(reason) == simdjson::SUCCESS;
    }
    if (!found) {
      ++bad;
      return;
    }
    ++ended;
    hash += reason.size() + static_cast<unsigned char>(reason.empty() ? 0 : reason[0]);
  }
};

void row(const char* what, std::uint64_t bytes, double secs) {
  std::printf("%-34s %8.3f s %8.0f MB/s\n", what, secs, static_cast<double>(bytes) / 1e6 / secs);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: floor_bench FILE.ndjson [--repeat N]\n");
    return 2;
  }
  const char* path = argv[1];
  int repeat = 3;
  if (argc >= 4 && std::string_view(argv[2]) == "--repeat") repeat = std::max(1, std::atoi(argv[3]));
  const int fd = ::open(path, O_RDONLY);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    std::perror(path);
    return 1;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::printf("%s: %.1f MB, %s kernel, best of %d\n", path, static_cast<double>(size) / 1e6,
              simdjson::get_active_implementation()->name().c_str(), repeat);

  auto best = [&](auto&& fn) {
    double b = 1e30;
    for (int i = 0; i < repeat; ++i) {
      const double t0 = now();
      fn();
      b = std::min(b, now() - t0);
    }
    return b;
  };
  volatile std::uint64_t sink = 0;

  row("read() 256 KiB", size, best([&] {
        std::vector<std::uint8_t> buf(kChunk);
        std::uint64_t pos = 0;
        ssize_t n;
        while ((n = ::pread(fd, buf.data(), kChunk, static_cast<off_t>(pos))) > 0)
          pos += static_cast<std::uint64_t>(n);
        sink = sink + pos;
      }));

  // The whole file in memory, for the stages that do not read.
  std::vector<std::uint8_t> all(size + simdjson::SIMDJSON_PADDING);
  for (std::uint64_t pos = 0; pos < size;) {
    const ssize_t n = ::pread(fd, all.data() + pos, size - pos, static_cast<off_t>(pos));
    if (n <= 0) return 1;
    pos += static_cast<std::uint64_t>(n);
  }
  std::vector<std::pair<std::size_t, std::size_t>> lines;
  row("memchr lines (in memory)", size, best([&] {
        lines.clear();
        std::size_t start = 0;
        while (start < size) {
          const void* nl = std::memchr(all.data() + start, '\n', size - start);
          const std::size_t stop =
              nl ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - all.data()) : size;
          if (stop > start) lines.emplace_back(start, stop - start);
          start = stop + 1;
        }
      }));

  od::parser parser(64u << 20);
  row("stage 1 of every line (in memory)", size, best([&] {
        std::uint64_t ok = 0;
        for (const auto& [off, len] : lines) {
          od::document doc;
          ok += parser.iterate(all.data() + off, len, all.size() - off).get(doc) == simdjson::SUCCESS;
        }
        sink = sink + ok;
      }));
  all.clear();
  all.shrink_to_fit();

  row("read() + stage 1", size, best([&] {
        std::uint64_t ok = 0;
        stream_lines(fd, 0, size, [&](const std::uint8_t* p, std::size_t len, std::size_t cap) {
          od::document doc;
          ok += parser.iterate(p, len, cap).get(doc) == simdjson::SUCCESS;
        });
        sink = sink + ok;
      }));

  // One reader over the whole file, and two over its halves in parallel; `how` is
  // Minimal::line or Minimal::walk.
  using Way = void (Minimal::*)(const std::uint8_t*, std::size_t, std::size_t);
  auto on = [](Minimal& m, Way how) {
    return [&m, how](const std::uint8_t* p, std::size_t len, std::size_t cap) { (m.*how)(p, len, cap); };
  };
  const std::uint64_t mid = line_start_after(fd, size / 2, size);
  auto one_thread = [&](Minimal& m, Way how) { return best([&] { stream_lines(fd, 0, size, on(m, how)); }); };
  auto two_threads = [&](Minimal& a, Minimal& b, Way how) {
    return best([&] {
      std::thread t([&] { stream_lines(fd, mid, size, on(b, how)); });
      stream_lines(fd, 0, mid, on(a, how));
      t.join();
    });
  };
  Minimal one, a, b, w, wa, wb;
  row("minimal reader, 1 thread", size, one_thread(one, &Minimal::line));
  row("minimal reader, 2 threads", size, two_threads(a, b, &Minimal::line));
  row("walking reader, 1 thread", size, one_thread(w, &Minimal::walk));
  row("walking reader, 2 threads", size, two_threads(wa, wb, &Minimal::walk));
  if (w.ended != one.ended || w.hash != one.hash) {
    std::fprintf(stderr, "floor_bench: the walking reader read other values than the minimal one\n");
    return 1;
  }
  std::printf("minimal reader: %llu lines with a string endedReason, %llu without (per run)\n",
              static_cast<unsigned long long>(one.ended / static_cast<std::uint64_t>(repeat)),
              static_cast<unsigned long long>(one.bad / static_cast<std::uint64_t>(repeat)));
  ::close(fd);
  return 0;
}
