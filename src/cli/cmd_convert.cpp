#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace w2v::cli {

void register_convert(CLI::App& app, Context&) { app.add_subcommand("convert", "(not yet available)"); }

}  // namespace w2v::cli
