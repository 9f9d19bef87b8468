#pragma once
// The command-line front end. run_cli takes its streams and environment so that
// tests can drive it in-process; main_with_args wires it to the real process.

#include <cstdio>
#include <string>
#include <vector>

namespace vapidiag {

// Documented exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFound = 1;  // explain: a code is unknown; check: calls match --fail-on
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInput = 3;   // unreadable input or records
inline constexpr int kExitOutput = 4;  // output could not be written (full disk...)

struct CliEnv {
  std::FILE* in = stdin;
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  int in_fd = 0;
  bool out_is_tty = false;
  bool err_is_tty = false;
  bool in_is_tty = false;
  bool no_color = false;        // NO_COLOR set and non-empty
  std::size_t out_columns = 0;  // the terminal's width when stdout is one, else 0 (no limit)
};

int run_cli(const std::vector<std::string>& args, const CliEnv& env);
int main_with_args(int argc, char** argv);

}  // namespace vapidiag
