// Classifies every published code (and a few unknown ones) in a loop and prints the
// time per classification, per rendering and per suggestion.
//   classify_bench [ROUNDS]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

using namespace vapidiag;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::vector<std::string_view> codes;
  for (const KnownCode& k : known_codes()) codes.push_back(k.code);
  const std::size_t published = codes.size();
  for (std::string_view extra : {"pipeline-error-acme-voice-failed", "call.start.error-brand-new",
                                 "pipeline-error-acme-418-teapot", "not-a-code-at-all"})
    codes.push_back(extra);

  std::size_t sink = 0;
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r)
    for (std::string_view c : codes) sink += static_cast<std::size_t>(classify(c).symptom);
  const double classify_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                             (double(rounds) * double(codes.size()));

  t0 = Clock::now();
  const int render_rounds = std::max(1, rounds / 20);
  for (int r = 0; r < render_rounds; ++r)
    for (std::string_view c : codes) {
      const Classification cl = classify(c);
      sink += render_meaning(cl).size() + render_fix(cl).size();
    }
  const double render_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                           (double(render_rounds) * double(codes.size()));

  const int suggest_rounds = std::max(1, rounds / 100);
  const auto suggest_time_us = [&](std::string_view code) {
    const auto start = Clock::now();
    for (int r = 0; r < suggest_rounds; ++r) sink += suggest(code)[0].size();
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / double(suggest_rounds);
  };
  const double suggest_us = suggest_time_us("customer-hangupp");
  // The worst case: a long code near nothing in the table (the search cannot stop early).
  const std::string long_code =
      "pipeline-error-acme-speech-engine-rejected-the-request-because-the-payload-was-too-large";
  const double suggest_long_us = suggest_time_us(long_code);

  std::printf("codes: %zu published + %zu unpublished, %d rounds\n", published, codes.size() - published,
              rounds);
  std::printf("classify:            %8.0f ns per code (%.2f ms for all %zu codes)\n", classify_ns,
              classify_ns * double(codes.size()) / 1e6, codes.size());
  std::printf("classify + render:   %8.0f ns per code\n", render_ns);
  std::printf("suggest (unknown):   %8.1f us per code\n", suggest_us);
  std::printf("suggest (%zu chars):  %8.1f us per code\n", long_code.size(), suggest_long_us);
  return sink == 42 ? 1 : 0;
}
