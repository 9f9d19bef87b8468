// reader_bench: reads call logs with vapidiag's reader and a sink that does nothing,
// and prints throughput, record counts and peak memory.
//
//   reader_bench FILE... [--kernel auto|scalar|portable|sse|avx2] [--chunk BYTES]
//                        [--max-record BYTES] [--repeat N]
//
// Also prints a checksum of the fields of every call read, so that two ways of reading
// the same file (--kernel, --chunk) can be compared.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "reader/framer.hpp"  // kernel override (private to the library)
#include "vapidiag/reader.hpp"

namespace {

class NullSink final : public vapidiag::RecordSink {
 public:
  void on_call(const vapidiag::CallRecord& rec, const vapidiag::RecordPos& pos) override {
    // FNV-1a over the fields, so that the work is not dead and two runs can be compared.
    const auto mix = [&](const void* p, std::size_t n) {
      const auto* c = static_cast<const unsigned char*>(p);
      for (std::size_t i = 0; i < n; ++i) sum = (sum ^ c[i]) * 1099511628211ULL;
    };
    const auto str = [&](const std::string& s) { mix(s.data(), s.size() + 1); };
    const auto num = [&](const auto& v) { mix(&v, sizeof v); };
    num(pos.record);
    str(rec.id), str(rec.type), str(rec.status), str(rec.ended_reason), str(rec.ended_message);
    num(rec.created_at), num(rec.started_at), num(rec.ended_at), num(rec.shape);
    str(rec.assistant_id), str(rec.phone_number_id), str(rec.phone_call_provider);
    str(rec.transfer_destination), str(rec.customer_number);
    num(rec.has_cost), num(rec.cost), num(rec.cost_model), num(rec.cost_voice), num(rec.cost_transcriber);
    num(rec.cost_transport), num(rec.cost_vapi), num(rec.user_turns), num(rec.bot_turns), num(rec.tool_calls);
    str(rec.last_speaker), num(rec.last_user_turn_end), num(rec.last_bot_turn_end),
        num(rec.first_bot_seconds);
    for (const auto& t : rec.transfers) str(t.status), str(t.destination);
    num(rec.turn_latency_avg_ms), num(rec.turn_latency_max_ms), num(rec.turn_latency_count);
    str(rec.success_evaluation);
  }
  void on_bad_record(std::string_view /*file*/, const vapidiag::RecordPos& pos,
                     std::string_view message) override {
    sum = (sum ^ pos.record) * 1099511628211ULL;
    for (const char c : message) sum = (sum ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  void on_file_error(std::string_view file, std::string_view message) override {
    std::fprintf(stderr, "reader_bench: %.*s: %.*s\n", static_cast<int>(file.size()), file.data(),
                 static_cast<int>(message.size()), message.data());
  }
  std::uint64_t sum = 14695981039346656037ULL;
};

}  // namespace

int main(int argc, char** argv) {
  using vapidiag::reader_detail::Kernel;
  std::vector<std::string> files;
  vapidiag::ReadOptions opts;
  Kernel kernel = Kernel::Auto;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--kernel" && i + 1 < argc) {
      const std::string_view k = argv[++i];
      kernel = k == "scalar"     ? Kernel::Scalar
               : k == "portable" ? Kernel::Portable
               : k == "sse"      ? Kernel::Sse
               : k == "avx2"     ? Kernel::Avx2
                                 : Kernel::Auto;
    } else if (a == "--chunk" && i + 1 < argc) {
      opts.chunk_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--max-record" && i + 1 < argc) {
      opts.max_record_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (!a.empty() && a[0] != '-') {
      files.emplace_back(a);
    } else {
      std::fprintf(stderr,
                   "usage: reader_bench FILE... [--kernel auto|scalar|portable|sse|avx2] [--chunk BYTES] "
                   "[--max-record BYTES] [--repeat N]\n");
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "reader_bench: no input file\n");
    return 2;
  }
  vapidiag::reader_detail::set_kernel_override(kernel);
  std::printf("kernel: %s\n",
              vapidiag::reader_detail::kernel_name(vapidiag::reader_detail::resolve_kernel(kernel)));
  for (const std::string& f : files) {
    for (int r = 0; r < repeat; ++r) {
      NullSink sink;
      const auto t0 = std::chrono::steady_clock::now();
      const vapidiag::ReadStats s = vapidiag::read_file(f, sink, opts);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf(
          "%s: %.1f MB in %.3f s = %.0f MB/s; records %llu (calls %llu, not ended %llu, skipped %llu, "
          "unreadable %llu); checksum %016llx\n",
          f.c_str(), static_cast<double>(s.bytes) / 1e6, secs, static_cast<double>(s.bytes) / 1e6 / secs,
          static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.calls),
          static_cast<unsigned long long>(s.not_ended), static_cast<unsigned long long>(s.skipped),
          static_cast<unsigned long long>(s.unreadable), static_cast<unsigned long long>(sink.sum));
    }
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS: %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
