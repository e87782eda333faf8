#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace w2v::cli {

void register_eval(CLI::App& app, Context&) { app.add_subcommand("eval", "(not yet available)"); }

}  // namespace w2v::cli
