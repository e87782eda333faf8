// w2v: the command-line front end. main is the single error boundary: parse errors and
// invalid values exit 2, failures exit 1, an interrupt exits 130.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "cli/commands.hpp"
#include "w2v/error.hpp"

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_signal(int) { interrupted.store(true); }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read of standard input returns
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int fail(const char* message, int status) {
  std::fprintf(stderr, "w2v: error: %s\n", message);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  CLI::App app{"w2v: train word embeddings (skip-gram with negative sampling) and query them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "w2v 0.1.0");
  w2v::cli::Context context;
  context.interrupted = &interrupted;
  w2v::cli::register_train(app, context);
  w2v::cli::register_pairs(app, context);
  w2v::cli::register_nearest(app, context);
  w2v::cli::register_analogy(app, context);
  w2v::cli::register_eval(app, context);
  w2v::cli::register_convert(app, context);
  w2v::cli::register_export(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail((std::string(e.what()) + " (see --help)").c_str(), 2);
  } catch (const w2v::UsageError& e) {
    return fail(e.what(), 2);
  } catch (const w2v::Error& e) {
    return fail(e.what(), interrupted.load() ? 130 : 1);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", 1);
  } catch (const std::exception& e) {
    return fail((std::string("internal error: ") + e.what()).c_str(), 1);
  }
  if (interrupted.load()) return fail("interrupted", 130);
  return context.exit_code;
}
