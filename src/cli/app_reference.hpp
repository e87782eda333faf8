#pragma once
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace w2v::cli {

// What the command-line app declares, for the texts generated from it (the man page and
// the shell completions), so that they never drift from --help.
struct OptionInfo {
  std::vector<std::string> names;  // "-o", "--output"; the name of a positional
  std::string value;               // what it takes ("INT in [1, 10000]"); empty for a flag
  std::string description;
  std::string default_value;
  bool positional = false;
};

struct CommandInfo {
  std::string name;
  std::string description;
  std::vector<OptionInfo> options;  // in declaration order, --help included
};

// The app's visible subcommands (those with a group), in declaration order.
std::vector<CommandInfo> describe_commands(const CLI::App& app);

// w2v's man page, in roff (man 7 groff_man), from `app`.
std::string man_page(const CLI::App& app, const std::string& version);

// A completion script for `shell` ("bash" or "zsh"); Error for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace w2v::cli
