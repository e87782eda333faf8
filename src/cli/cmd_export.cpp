#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace w2v::cli {

void register_export(CLI::App& app, Context&) { app.add_subcommand("export", "(not yet available)"); }

}  // namespace w2v::cli
