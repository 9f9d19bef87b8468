// The quick front end's run_log_command (commands.hpp): the command line, parsed and found
// valid here, is handed whole to vapidiag-logs, the program that links the log reader
// (simdjson, zlib, zstd). `vapidiag` itself then loads only libc, so explain, codes and
// --version start about as fast as a process can (docs/performance.md). Like `serve`, the
// program is looked for beside this executable, then on PATH.

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "../cli/commands.hpp"

namespace vapidiag::cli {

int run_log_command(const std::string& /*name*/, const LogCommands& /*o*/,
                    const std::vector<std::string>& args, Context& ctx) {
  ctx.out.finish();
  ctx.err.finish();
  std::string prog = "vapidiag-logs";
  std::vector<char*> argv;
  argv.push_back(prog.data());
  std::vector<std::string> copy(args);
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string beside(self, static_cast<std::size_t>(n));
    beside = beside.substr(0, beside.rfind('/') + 1) + prog;
    ::execv(beside.c_str(), argv.data());
  }
  ::execvp(prog.c_str(), argv.data());
  ctx.err.line("vapidiag: cannot run " + prog + " (" + std::strerror(errno) +
               "): it runs diagnose, summary and check; install it beside vapidiag or on PATH");
  return kExitUsage;
}

}  // namespace vapidiag::cli
