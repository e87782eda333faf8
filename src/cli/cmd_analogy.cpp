#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace w2v::cli {

void register_analogy(CLI::App& app, Context&) { app.add_subcommand("analogy", "(not yet available)"); }

}  // namespace w2v::cli
