// w2v _man and w2v _completion SHELL: hidden subcommands that print the man page and the
// shell completions from the app itself (the build generates and installs them).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/app_reference.hpp"
#include "cli/commands.hpp"
#include "w2v/output_file.hpp"

namespace w2v::cli {

void register_reference(CLI::App& app, Context& context, const std::string& version) {
  CLI::App* man = app.add_subcommand("_man", "Print the man page (roff)");
  man->group("");
  man->callback([&app, &context, version] {
    OutputFile out("-", context.interrupted);
    out.write(man_page(app, version));
    out.commit();
  });
  auto shell = std::make_shared<std::string>();
  CLI::App* completion = app.add_subcommand("_completion", "Print a shell completion script");
  completion->group("");
  completion->add_option("shell", *shell, "bash or zsh")->required();
  completion->callback([&app, &context, shell] {
    OutputFile out("-", context.interrupted);
    out.write(completion_script(app, *shell));
    out.commit();
  });
}

}  // namespace w2v::cli
