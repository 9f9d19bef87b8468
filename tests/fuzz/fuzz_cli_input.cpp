// The command line end to end, in-process. Any bytes (their first 4 lines) are the stdin
// of `explain - --format json` and of `explain -` (one code per line); then the first line
// is split into up to 16 argv words, with the remaining lines as stdin, to fuzz option
// parsing and every subcommand (diagnose, summary, check read stdin). Nothing may
// crash, and exit codes stay in 0..4.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "vapidiag/cli.hpp"

using namespace vapidiag;

namespace {

std::FILE* dev_null() {
  static std::FILE* f = std::fopen("/dev/null", "w");
  return f;
}

// A descriptor holding the bytes, for commands that read stdin by descriptor (read_fd).
int bytes_fd(std::string_view bytes) {
  static int fd = memfd_create("fuzz-stdin", 0);
  FUZZ_CHECK(fd >= 0, "memfd_create failed");
  FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate failed");
  FUZZ_CHECK(pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()),
             "pwrite failed");
  FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek failed");
  return fd;
}

int run(const std::vector<std::string>& args, std::string_view stdin_bytes) {
  // fmemopen wants a mutable buffer: give it a copy.
  std::string copy(stdin_bytes);
  copy.push_back('\0');
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(fmemopen(copy.data(), stdin_bytes.size(), "r"),
                                                     &std::fclose);
  FUZZ_CHECK(in != nullptr, "fmemopen failed");
  CliEnv env;
  env.in = in.get();
  env.out = dev_null();
  env.err = dev_null();
  env.in_fd = bytes_fd(stdin_bytes);
  const int rc = run_cli(args, env);
  std::string cmd;
  for (const std::string& a : args) cmd += " '" + a + "'";
  FUZZ_CHECK(rc >= kExitOk && rc <= kExitOutput, "run_cli returned %d for:%s", rc, cmd.c_str());
  return rc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // explain -: one code per line from stdin. Only the first 4 lines: each unknown code
  // costs a suggest() (~80 ms under the sanitizers), and more lines find nothing new.
  std::string_view codes = bytes;
  std::size_t cut = 0;
  for (int n = 0; n < 4 && cut != std::string_view::npos; ++n) {
    cut = codes.find('\n', cut);
    if (cut != std::string_view::npos) ++cut;
  }
  if (cut != std::string_view::npos) codes = codes.substr(0, cut);
  const int rc_json = run({"explain", "-", "--format", "json"}, codes);
  // Without a single non-blank line explain has nothing to do; otherwise 0 or 1.
  FUZZ_CHECK(rc_json == kExitOk || rc_json == kExitFound, "explain - --format json returned %d", rc_json);
  const int rc_text = run({"explain", "-"}, codes);
  FUZZ_CHECK(rc_text == rc_json, "explain - returned %d in text, %d in json", rc_text, rc_json);

  // The first line as argv words (split on blanks, at most 16) and the rest as stdin:
  // "summary --format json\n[{...}]" runs the summary over the JSON that follows.
  const std::size_t nl = bytes.find('\n');
  const std::string_view line = bytes.substr(0, nl);
  const std::string_view rest = nl == std::string_view::npos ? std::string_view{} : bytes.substr(nl + 1);
  // NUL separates words too: a real argv cannot hold one.
  constexpr std::string_view kSeparators(" \t\r\0", 4);
  std::vector<std::string> args;
  std::size_t i = 0;
  while (i < line.size() && args.size() < 16) {
    const std::size_t b = line.find_first_not_of(kSeparators, i);
    if (b == std::string_view::npos) break;
    std::size_t e = line.find_first_of(kSeparators, b);
    if (e == std::string_view::npos) e = line.size();
    std::string w(line.substr(b, e - b));
    // Keep file operands inside the scratch directory run.sh starts us in: no absolute
    // or parent paths (/dev/zero, /dev/stdin...).
    for (char& c : w)
      if (c == '/') c = '_';
    args.push_back(std::move(w));
    i = e;
  }
  run(args, rest);
  return 0;
}
