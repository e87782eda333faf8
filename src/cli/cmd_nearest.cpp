#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace w2v::cli {

void register_nearest(CLI::App& app, Context&) { app.add_subcommand("nearest", "(not yet available)"); }

}  // namespace w2v::cli
