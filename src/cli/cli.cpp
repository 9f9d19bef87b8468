// Front end: parses the command line with CLI11 and hands over to one subcommand.

#include "vapidiag/cli.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "commands.hpp"
#include "vapidiag/matcher.hpp"

namespace vapidiag {
namespace {

constexpr const char* kCommands[] = {"explain", "codes", "diagnose", "summary", "check", "completions"};

// Shell completion scripts, written from the CLI definition itself: the commands and each
// command's long and short options.
std::string completions(const CLI::App& app, const std::string& shell) {
  std::vector<std::pair<std::string, std::vector<std::string>>> cmds;
  for (const CLI::App* sub : app.get_subcommands({})) {
    std::vector<std::string> flags;
    for (const CLI::Option* o : sub->get_options()) {
      for (const std::string& l : o->get_lnames()) flags.push_back("--" + l);
      for (const std::string& s : o->get_snames()) flags.push_back("-" + s);
    }
    cmds.emplace_back(sub->get_name(), flags);
  }
  cmds.emplace_back("serve", std::vector<std::string>{"--help"});
  std::string names;
  for (const auto& [n, f] : cmds) names += n + " ";
  names += "help --help --version";
  std::string out;
  if (shell == "fish") {
    out = "# fish completion for vapidiag (vapidiag completions fish)\ncomplete -c vapidiag -f\n";
    for (const auto& [n, flags] : cmds) {
      out += "complete -c vapidiag -n __fish_use_subcommand -a " + n + "\n";
      for (const std::string& f : flags) {
        if (f.starts_with("--"))
          out += "complete -c vapidiag -n '__fish_seen_subcommand_from " + n + "' -l " + f.substr(2) + "\n";
        else
          out += "complete -c vapidiag -n '__fish_seen_subcommand_from " + n + "' -s " + f.substr(1) + "\n";
      }
      if (n != "explain" && n != "codes" && n != "completions" && n != "serve")
        out += "complete -c vapidiag -n '__fish_seen_subcommand_from " + n + "' -F\n";
    }
    return out;
  }
  // bash, and zsh through bashcompinit.
  out = shell == "zsh" ? "#compdef vapidiag\n# zsh completion for vapidiag (vapidiag completions zsh)\n"
                         "autoload -U +X bashcompinit && bashcompinit\n"
                       : "# bash completion for vapidiag (vapidiag completions bash)\n";
  out +=
      "_vapidiag() {\n  local cur=${COMP_WORDS[COMP_CWORD]} opts\n  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
      "    COMPREPLY=($(compgen -W \"" +
      names +
      "\" -- \"$cur\"))\n    return\n  fi\n"
      "  case \"${COMP_WORDS[1]}\" in\n";
  for (const auto& [n, flags] : cmds) {
    out += "    " + n + ") opts=\"";
    for (std::size_t i = 0; i < flags.size(); ++i) out += (i ? " " : "") + flags[i];
    out += "\" ;;\n";
  }
  out += "    help) COMPREPLY=($(compgen -W \"" + names +
         "\" -- \"$cur\")); return ;;\n"
         "    *) opts=\"\" ;;\n  esac\n"
         "  if [[ $cur == -* ]]; then\n    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n  else\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n}\ncomplete -F _vapidiag vapidiag\n";
  return out;
}

constexpr const char* kTopFooter =
    R"(Input: Vapi call JSON (GET /call arrays, single calls, NDJSON, {"results": ...}
exports, webhook payloads). No FILE, or -, reads stdin.

Examples:
  vapidiag explain call.in-progress.error-vapifault-worker-died
  curl -s -H "Authorization: Bearer $VAPI_API_KEY" https://api.vapi.ai/call | vapidiag summary
  vapidiag diagnose calls.json --failures --format csv > failures.csv
  vapidiag check logs/*.ndjson --fail-on vapifault,providerfault --max-rate 2

Exit status (every command): 0 ok; 1 found: an unknown code (explain) or failed
calls (check); 2 usage error; 3 unreadable input; 4 output could not be written.
When several apply, the first of 2, 4, 1, 3, 0. Formats: docs/formats.md.
Colour: on a terminal only; NO_COLOR or --color never turns it off.
`vapidiag COMMAND --help` shows each command's options. `vapidiag serve ...` runs
vapidiag-serve, the webhook receiver (its own program, so that the quick commands never
load HTTP and TLS libraries): `vapidiag serve --help`.)";

}  // namespace

int run_cli(const std::vector<std::string>& args, const CliEnv& env) {
  cli::Context ctx{env, cli::Output(env.out), cli::Output(env.err), {}, {}};

  // `vapidiag help [COMMAND]` is `vapidiag [COMMAND] --help`.
  std::vector<std::string> argv_help;
  if (!args.empty() && args[0] == "help") {
    if (args.size() > 1) argv_help.push_back(args[1]);
    argv_help.emplace_back("--help");
    return run_cli(argv_help, env);
  }
  // --version alone needs no command line defined: answer at once (start-up cost).
  if (args.size() == 1 && (args[0] == "--version" || args[0] == "-V")) {
    ctx.out.line(VAPIDIAG_VERSION);
    return ctx.out.finish() ? kExitOk : kExitOutput;
  }
  // A first word that is not an option must be a command: catch typos before CLI11.
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    bool known = false;
    for (const char* c : kCommands) known = known || args[0] == c;
    if (!known) {
      std::string best;
      int best_d = 3;
      for (const char* c : kCommands) {
        const int d = edit_distance(args[0], c);
        if (d < best_d) best_d = d, best = c;
      }
      std::string msg = "vapidiag: unknown command '" + args[0] + "'";
      if (!best.empty()) msg += "; did you mean '" + best + "'?";
      ctx.err.line(msg);
      ctx.err.line("Run 'vapidiag --help' for the list of commands.");
      ctx.err.finish();
      return kExitUsage;
    }
  }

  CLI::App app{
      "vapidiag: diagnose Vapi call endings offline: what the caller experienced, whose fault it was, "
      "and what to do.",
      "vapidiag"};
  app.set_version_flag("-V,--version", std::string(VAPIDIAG_VERSION));
  app.add_option("--color", ctx.color, "Colour: auto (terminal only, off with NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.require_subcommand(1);
  app.footer(kTopFooter);

  // Only the command being run gets its options defined (defining them all costs more than
  // the rest of `explain`); the others are listed by name for the help. Without a command
  // first (--help, or an option before it) and for completions, every command is defined.
  const std::string first = args.empty() ? std::string() : args[0];
  const bool all = first.empty() || first[0] == '-' || first == "completions";
  auto add = [&](const char* name, const char* what, auto setup, auto& opts) {
    CLI::App* sub = app.add_subcommand(name, what);
    if (all || first == name) setup(*sub, opts);
  };
  cli::ExplainOptions explain_opts;
  cli::CodesOptions codes_opts;
  cli::DiagnoseOptions diag_opts;
  cli::SummaryOptions sum_opts;
  cli::CheckOptions check_opts;
  add("explain", "Explain endedReason codes", cli::setup_explain, explain_opts);
  add("codes", "List the code table", cli::setup_codes, codes_opts);
  add("diagnose", "Diagnose each ended call in call logs", cli::setup_diagnose, diag_opts);
  add("summary", "Summarise call logs", cli::setup_summary, sum_opts);
  add("check", "Rules over the calls: a verdict and an exit status for CI and cron", cli::setup_check,
      check_opts);
  std::string shell;
  CLI::App* comp = app.add_subcommand("completions", "Print a shell completion script (bash, zsh, fish)");
  comp->add_option("shell", shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  comp->footer(R"(Examples:
  vapidiag completions bash > /etc/bash_completion.d/vapidiag
  vapidiag completions zsh > "${fpath[1]}/_vapidiag"
  vapidiag completions fish > ~/.config/fish/completions/vapidiag.fish)");
  for (CLI::App* sub : app.get_subcommands({}))
    sub->add_option("--color", ctx.color, "Colour: auto, always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    ctx.out.write(app.help());
    return ctx.out.finish() ? kExitOk : kExitOutput;
  } catch (const CLI::CallForVersion&) {
    ctx.out.line(VAPIDIAG_VERSION);
    return ctx.out.finish() ? kExitOk : kExitOutput;
  } catch (const CLI::ParseError& e) {
    // Help requested on a subcommand arrives as CallForHelp too; everything else is usage.
    if (e.get_exit_code() == 0) {
      ctx.out.write(app.help());
      return ctx.out.finish() ? kExitOk : kExitOutput;
    }
    std::string where;
    CLI::App* in = &app;
    for (CLI::App* sub : app.get_subcommands()) where = " " + sub->get_name(), in = sub;
    std::string msg = e.what();
    // A mistyped flag: name the nearest one, as for a mistyped command.
    for (const std::string& a : args) {
      if (a.size() < 3 || a.compare(0, 2, "--") != 0) continue;
      const std::string flag = a.substr(2, a.find('=') - 2);
      if (msg.find(a) == std::string::npos && msg.find("--" + flag) == std::string::npos) continue;
      std::string best;
      int best_d = 3;
      for (const CLI::Option* opt : in->get_options())
        for (const std::string& l : opt->get_lnames())
          if (const int d = edit_distance(flag, l); d > 0 && d < best_d) best_d = d, best = l;
      if (!best.empty()) {
        msg += "; did you mean --" + best + "?";
        break;
      }
    }
    ctx.err.line("vapidiag" + where + ": " + msg);
    ctx.err.line("Run 'vapidiag" + where + " --help' for usage.");
    ctx.err.finish();
    return kExitUsage;
  }

  const bool want_color = ctx.color == "always" || (ctx.color == "auto" && !env.no_color);
  ctx.style.on = want_color && (ctx.color == "always" || env.out_is_tty);
  ctx.err_style.on = want_color && (ctx.color == "always" || env.err_is_tty);

  int rc = kExitOk;
  CLI::App* sub = app.get_subcommands().front();
  const std::string name = sub->get_name();
  if (name == "explain")
    rc = cli::run_explain(explain_opts, ctx);
  else if (name == "codes")
    rc = cli::run_codes(codes_opts, ctx);
  else if (name == "diagnose" || name == "summary" || name == "check")
    rc = cli::run_log_command(name, {&diag_opts, &sum_opts, &check_opts}, args, ctx);
  else if (name == "completions")
    ctx.out.write(completions(app, shell));

  // Exit codes: when several apply, the first of 2, 4, 1, 3, 0 (docs/formats.md).
  if (!ctx.out.finish()) {
    ctx.err.line("vapidiag: cannot write output: " + ctx.out.error());
    if (rc != kExitUsage) rc = kExitOutput;
  }
  ctx.err.finish();
  return rc;
}

namespace {

// `vapidiag serve ARGS` runs vapidiag-serve ARGS, as git runs its git-* programs: the one
// beside this executable, else the one on PATH. Returns only when it could not be run.
int exec_serve(int argc, char** argv) {
  cli::exec_companion("vapidiag-serve", std::vector<std::string>(argv + 2, argv + argc));
  std::fprintf(stderr,
               "vapidiag: serve: cannot run vapidiag-serve (%s): install it beside vapidiag or on PATH\n",
               std::strerror(errno));
  return kExitUsage;
}

}  // namespace

int main_with_args(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "serve") return exec_serve(argc, argv);
  if (argc >= 2) {
    const std::string_view command = argv[1];
    if (command == "diagnose" || command == "summary" || command == "check")
      cli::hand_over_log_command(argc, argv);
  }
  // A closed output pipe shows up as EPIPE on write, which we handle by stopping quietly.
  std::signal(SIGPIPE, SIG_IGN);
  CliEnv env;
  env.out_is_tty = isatty(STDOUT_FILENO) != 0;
  if (env.out_is_tty) {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) env.out_columns = ws.ws_col;
  }
  env.err_is_tty = isatty(STDERR_FILENO) != 0;
  env.in_is_tty = isatty(STDIN_FILENO) != 0;
  const char* nc = std::getenv("NO_COLOR");
  env.no_color = nc != nullptr && nc[0] != '\0';
  std::vector<std::string> args(argv + 1, argv + argc);
  return run_cli(args, env);
}

}  // namespace vapidiag
