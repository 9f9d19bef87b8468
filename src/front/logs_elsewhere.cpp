// The quick front end's side of the log commands (commands.hpp): a command line that starts
// with diagnose, summary or check is handed whole to vapidiag-logs, the program that links
// the log reader (simdjson, zlib, zstd), before it is parsed here. `vapidiag` itself then
// loads only libc, so explain, codes and --version start about as fast as a process can
// (docs/performance.md). Like `serve`, the program is looked for beside this executable,
// then on PATH.

#include <cerrno>
#include <cstring>

#include "../cli/commands.hpp"

namespace vapidiag::cli {

// Parsing here too would only repeat what vapidiag-logs does (about half a millisecond).
void hand_over_log_command(int argc, char** argv) {
  exec_companion("vapidiag-logs", std::vector<std::string>(argv + 1, argv + argc));
}

int run_log_command(const std::string& /*name*/, const LogCommands& /*o*/,
                    const std::vector<std::string>& args, Context& ctx) {
  ctx.out.finish();
  ctx.err.finish();
  const std::string prog = "vapidiag-logs";
  exec_companion(prog, args);
  ctx.err.line("vapidiag: cannot run " + prog + " (" + std::strerror(errno) +
               "): it runs diagnose, summary and check; install it beside vapidiag or on PATH");
  return kExitUsage;
}

}  // namespace vapidiag::cli
