// The log commands run in this process: the definition of run_log_command linked into
// vapidiag-logs and the tests (commands.hpp). Not in the vapidiag_cli library, so that the
// quick front end can link its own (src/front/logs_elsewhere.cpp).

#include "commands.hpp"

namespace vapidiag::cli {

void hand_over_log_command(int /*argc*/, char** /*argv*/) {}

int run_log_command(const std::string& name, const LogCommands& o, const std::vector<std::string>& /*args*/,
                    Context& ctx) {
  if (name == "diagnose") return run_diagnose(*o.diagnose, ctx);
  if (name == "summary") return run_summary(*o.summary, ctx);
  return run_check(*o.check, ctx);
}

}  // namespace vapidiag::cli
