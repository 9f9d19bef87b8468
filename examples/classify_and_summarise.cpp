// The library without the command line: classify a code, then summarise a call log.
//   classify_and_summarise CODE [LOG]
#include <cstdio>
#include <string>
#include <vapidiag/logs.hpp>
#include <vapidiag/matcher.hpp>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: classify_and_summarise CODE [LOG]\n");
    return 2;
  }
  // Classified owns the code: its views stay valid whatever becomes of argv[1].
  const vapidiag::Classified classified(argv[1]);
  const vapidiag::Classification& c = classified.get();
  std::printf("%s: %s, %s (%s)\n", argv[1], std::string(vapidiag::to_string(c.symptom)).c_str(),
              std::string(vapidiag::to_string(c.fault)).c_str(), std::string(c.component).c_str());
  if (argc < 3) return 0;
  vapidiag::LogReadOptions options;  // defaults: one thread, no filters, dedupe window 120 s
  vapidiag::LogEvents quiet;         // messages about bad records: none here
  const vapidiag::Summary s = vapidiag::summarize_logs({argv[2]}, options, quiet);
  std::printf("%s: %llu ended calls, %llu failed\n", argv[2], static_cast<unsigned long long>(s.calls()),
              static_cast<unsigned long long>(s.failures()));
  return 0;
}
