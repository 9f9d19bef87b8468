// serve_load: sends end-of-call reports to a running vapidiag-serve from concurrent
// clients, each on a keep-alive connection, and reports what was acknowledged.
//
//   serve_load PORT REPORTS CLIENTS [ACKED_FILE]
//
// Report i carries the call id "load-<i>" and one of a fixed mix of endedReason codes
// (normal endings, provider and Vapi faults, an unknown code), so the diagnosis and the
// counters have something to count. Prints one line: reports, acknowledged, failed,
// seconds, reports/s, p50 and p99 latency in ms. ACKED_FILE gets the call id of every
// report answered 2xx, one a line. Traffic goes to 127.0.0.1 only. Exit 0 when every
// report was acknowledged, 1 otherwise.
//
// A report is about 1 KB, like Vapi's sample end-of-call report. SERVE_LOAD_REPORT_KB=N pads
// each one's conversation with turns to about N KB, the size of a long call's report.

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* kCodes[] = {
    "customer-ended-call",
    "assistant-ended-call",
    "silence-timed-out",
    "customer-did-not-answer",
    "voicemail",
    "pipeline-error-openai-429-exceeded-quota",
    "call.in-progress.error-vapifault-worker-died",
    "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable",
    "customer-ended-call",
    "assistant-said-end-call-phrase",
    "pipeline-error-eleven-labs-voice-not-found",
    "made-up-code-for-load",
};

// Extra conversation turns of about pad_bytes in all (SERVE_LOAD_REPORT_KB).
std::string padding(std::size_t pad_bytes) {
  std::string turns;
  for (std::size_t k = 0; turns.size() < pad_bytes; ++k)
    turns += std::string(R"({"role": ")") + (k % 2 ? "user" : "bot") +
             R"(", "message": "Sure, let me look that up for you; it may take a moment while I check the )"
             R"(account and the last few orders.", "time": 1719717591000, "secondsFromStart": )" +
             std::to_string(10 + k) + "}, ";
  return turns;
}

std::size_t g_pad_bytes = 0;

std::string report(std::size_t i) {
  const std::size_t ncodes = sizeof kCodes / sizeof kCodes[0];
  const long long t = 1719717574420LL + static_cast<long long>(i) * 1000;
  char head[1024];
  std::snprintf(head, sizeof head,
                R"({"message": {"type": "end-of-call-report", "endedReason": "%s", "cost": %zu.%02zu, )"
                R"("startedAt": %lld, "endedAt": %lld, "call": {"id": "load-%zu", "type": "webCall", )"
                R"("status": "queued", "assistantId": "assistant-%zu", "phoneNumberId": "number-%zu"}, )",
                kCodes[i % ncodes], i % 3, i % 100, t, t + 60000, i, i % 7, i % 5);
  std::string s = head;
  s +=
      R"("artifact": {"messages": [)" + padding(g_pad_bytes) +
      R"({"role": "system", "message": "<system prompt>", "time": 1719717577744, )"
      R"("secondsFromStart": 0}, {"role": "bot", "message": "<greeting>", "time": 1719717579247, "endTime": )"
      R"(1719717582197, "secondsFromStart": 1.36}, {"role": "user", "message": "<utterance>", "time": )"
      R"(1719717583387, "endTime": 1719717584647, "secondsFromStart": 5.5}, {"role": "bot", "message": )"
      R"("<reply>", "time": 1719717585557, "endTime": 1719717590067, "secondsFromStart": 7.67}]}, )"
      R"("transcript": "AI: <greeting>\nUser: <utterance>\nAI: <reply>\n", "analysis": {"summary": )"
      R"("<summary>", "successEvaluation": "true"}, "timestamp": )";
  s += std::to_string(t + 61000);
  s += "}}";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: serve_load PORT REPORTS CLIENTS [ACKED_FILE]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::size_t reports = std::strtoull(argv[2], nullptr, 10);
  const std::size_t clients = std::max<std::size_t>(1, std::strtoull(argv[3], nullptr, 10));
  const char* acked_file = argc > 4 ? argv[4] : nullptr;
  if (const char* kb = std::getenv("SERVE_LOAD_REPORT_KB"))
    g_pad_bytes = std::strtoull(kb, nullptr, 10) * 1024;

  std::atomic<std::size_t> next{0}, acked{0}, failed{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::vector<std::size_t> acked_ids;
  latencies.reserve(reports);
  acked_ids.reserve(reports);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      cli.set_connection_timeout(5);
      cli.set_read_timeout(30);
      std::vector<double> mine;
      std::vector<std::size_t> ids;
      for (;;) {
        const std::size_t i = next++;
        if (i >= reports) break;
        const std::string body = report(i);
        const auto t0 = std::chrono::steady_clock::now();
        auto res = cli.Post("/webhook", body, "application/json");
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (res && res->status >= 200 && res->status < 300) {
          ++acked;
          mine.push_back(ms);
          ids.push_back(i);
        } else {
          // Why, for the first few: a load that loses a report must say how.
          if (failed < 5) {
            std::lock_guard lock(mu);
            if (res)
              std::fprintf(stderr, "serve_load: report %zu: HTTP %d: %s\n", i, res->status,
                           res->body.c_str());
            else
              std::fprintf(stderr, "serve_load: report %zu: no answer (httplib error %d)\n", i,
                           static_cast<int>(res.error()));
          }
          ++failed;
          if (!res) {
            // The server went away (the crash test): stop this client after a few tries.
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (failed > clients * 4) break;
          }
        }
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      acked_ids.insert(acked_ids.end(), ids.begin(), ids.end());
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1,
                              static_cast<std::size_t>(p * static_cast<double>(latencies.size())))];
  };
  if (acked_file) {
    std::ofstream out(acked_file);
    for (std::size_t i : acked_ids) out << "load-" << i << '\n';
  }
  std::printf("reports %zu acknowledged %zu failed %zu seconds %.2f reports/s %.0f p50_ms %.2f p99_ms %.2f\n",
              reports, acked.load(), failed.load(), secs, static_cast<double>(acked.load()) / secs, pct(0.50),
              pct(0.99));
  return acked.load() == reports ? 0 : 1;
}
