#include "cli/app_reference.hpp"

#include <CLI/CLI.hpp>

#include "w2v/error.hpp"

namespace w2v::cli {
namespace {

// Text safe in roff: backslashes escaped, no line that starts a request.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// A description as one line of plain words for a completion menu: its first sentence,
// without the characters that zsh's specs and single quotes give a meaning to.
std::string menu_text(const std::string& description) {
  std::string first = description.substr(0, description.find(". "));
  std::string out;
  for (const char c : first) {
    if (c == '\'' || c == '[' || c == ']' || c == ':' || c == '\\' || c == '`' || c == '$' ||
        c == '"' || c == '\n') {
      out += c == '[' ? '(' : c == ']' ? ')' : ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

}  // namespace

namespace {

CommandInfo describe(const CLI::App& command, const std::string& name) {
  CommandInfo info;
  info.name = name;
  info.description = command.get_description();
  for (const CLI::Option* opt : command.get_options()) {
    if (opt->get_group().empty()) continue;
    OptionInfo o;
    o.positional = !opt->nonpositional();
    if (o.positional) {
      o.names.push_back(opt->get_name(true));
    } else {
      for (const std::string& s : opt->get_snames()) o.names.push_back("-" + s);
      for (const std::string& l : opt->get_lnames()) o.names.push_back("--" + l);
    }
    if (opt->get_expected_max() > 0 && opt->get_type_size_max() > 0) {
      o.value = opt->get_type_name();
    }
    o.description = opt->get_description();
    o.default_value = opt->get_default_str();
    info.options.push_back(std::move(o));
  }
  return info;
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

}  // namespace

std::vector<CommandInfo> describe_commands(const CLI::App& app) {
  std::vector<CommandInfo> commands;
  for (const CLI::App* sub : visible_subcommands(app)) {
    const auto nested = visible_subcommands(*sub);
    if (nested.empty()) {
      commands.push_back(describe(*sub, sub->get_name()));
    } else {
      // A group such as `plot`: one entry per subcommand, "plot map".
      for (const CLI::App* leaf : nested) {
        commands.push_back(describe(*leaf, sub->get_name() + " " + leaf->get_name()));
      }
    }
  }
  return commands;
}

std::string man_page(const CLI::App& app, const std::string& version) {
  const std::vector<CommandInfo> commands = describe_commands(app);
  std::string about = app.get_description();
  if (about.rfind("w2v: ", 0) == 0) about = about.substr(5);
  std::string m = ".TH W2V 1 \"\" \"" + roff(version) + "\" \"User Commands\"\n";
  m += ".SH NAME\nw2v \\- " + roff(about) + "\n";
  m += ".SH SYNOPSIS\n";
  for (const CommandInfo& c : commands) {
    m += ".B w2v " + roff(c.name) + "\n";
    std::string args;
    for (const OptionInfo& o : c.options) {
      if (o.positional) args += " \\fI" + roff(o.names[0]) + "\\fR";
    }
    m += "[\\fIOPTIONS\\fR]" + args + "\n.br\n";
  }
  m += ".SH DESCRIPTION\nw2v: " + roff(about) +
       ". Every command has \\fB\\-\\-help\\fR. Numeric options state their ranges.\n";
  for (const CommandInfo& c : commands) {
    m += ".SH \"W2V " + roff(c.name) + "\"\n" + roff(c.description) + "\n";
    for (const OptionInfo& o : c.options) {
      m += ".TP\n\\fB" + roff(joined(o.names, ", ")) + "\\fR";
      if (!o.value.empty()) m += " \\fI" + roff(o.value) + "\\fR";
      m += "\n" + roff(o.description);
      if (!o.default_value.empty()) m += " (default: " + roff(o.default_value) + ")";
      m += "\n";
    }
  }
  m += ".SH \"EXIT STATUS\"\n"
       ".TP\n0\nsuccess\n"
       ".TP\n1\na failure: an input that cannot be read, a full disk, a diverged run\n"
       ".TP\n2\nan invalid command line or option value\n"
       ".TP\n3\nnearest, analogy, similarity or doesnt-match: some query word is not in the "
       "vocabulary\n"
       ".TP\n130\ninterrupted by SIGINT or SIGTERM; no output was touched\n"
       ".TP\n141\nstandard output was closed (as a program killed by SIGPIPE)\n";
  m += ".SH FILES\n.TP\n\\fIshare/w2v/eval/\\fR\nthe evaluation sets \\fBw2v eval\\fR uses "
       "when given none\n";
  return m;
}

std::string completion_script(const CLI::App& app, const std::string& shell) {
  // Per first word: its subcommands (for `plot map`) and every option after it.
  struct Completion {
    std::string name, description;
    std::vector<std::string> subcommands;
    std::vector<OptionInfo> options;
  };
  std::vector<Completion> commands;
  for (const CommandInfo& c : describe_commands(app)) {
    const std::size_t space = c.name.find(' ');
    const std::string first = c.name.substr(0, space);
    if (commands.empty() || commands.back().name != first) {
      commands.push_back({first, space == std::string::npos ? c.description : "", {}, {}});
    }
    Completion& entry = commands.back();
    if (space != std::string::npos) {
      entry.subcommands.push_back(c.name.substr(space + 1));
      if (entry.description.empty()) entry.description = c.description;
    }
    entry.options.insert(entry.options.end(), c.options.begin(), c.options.end());
  }
  std::vector<std::string> names;
  for (const Completion& c : commands) names.push_back(c.name);
  if (shell == "bash") {
    std::string s =
        "# bash completion for w2v, generated by `w2v _completion bash`.\n"
        "_w2v() {\n"
        "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" opts=\"\"\n"
        "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
        "    COMPREPLY=($(compgen -W \"" +
        joined(names, " ") +
        " --help --version\" -- \"$cur\"))\n"
        "    return\n"
        "  fi\n"
        "  case \"$COMP_CWORD ${COMP_WORDS[1]}\" in\n";
    for (const Completion& c : commands) {
      if (c.subcommands.empty()) continue;
      s += "    \"2 " + c.name + "\") COMPREPLY=($(compgen -W \"" + joined(c.subcommands, " ") +
           "\" -- \"$cur\")); return ;;\n";
    }
    s += "  esac\n"
         "  case \"${COMP_WORDS[1]}\" in\n";
    for (const Completion& c : commands) {
      std::vector<std::string> flags;
      for (const OptionInfo& o : c.options) {
        if (!o.positional) flags.insert(flags.end(), o.names.begin(), o.names.end());
      }
      s += "    " + c.name + ") opts=\"" + joined(flags, " ") + "\" ;;\n";
    }
    s += "  esac\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -o filenames -o bashdefault -F _w2v w2v\n";
    return s;
  }
  if (shell == "zsh") {
    std::string s =
        "#compdef w2v\n# zsh completion for w2v, generated by `w2v _completion zsh`.\n"
        "_w2v() {\n"
        "  local -a commands\n"
        "  commands=(\n";
    for (const Completion& c : commands) {
      s += "    '" + c.name + ":" + menu_text(c.description) + "'\n";
    }
    s += "  )\n"
         "  if (( CURRENT == 2 )); then\n"
         "    _describe 'command' commands\n"
         "    return\n"
         "  fi\n"
         "  case $words[2] in\n";
    for (const Completion& c : commands) {
      s += "    " + c.name + ")\n      _arguments -s";
      if (!c.subcommands.empty())
        s += " \\\n        '1:command:(" + joined(c.subcommands, " ") + ")'";
      for (const OptionInfo& o : c.options) {
        if (o.positional) continue;
        const std::string help = "[" + menu_text(o.description) + "]";
        const std::string value = o.value.empty() ? "" : ":value:_files";
        for (const std::string& n : o.names) s += " \\\n        '" + n + help + value + "'";
      }
      s += " \\\n        '*:file:_files' ;;\n";
    }
    s += "  esac\n"
         "}\n"
         "_w2v \"$@\"\n";
    return s;
  }
  throw UsageError("no completion for the shell '" + shell + "': bash or zsh");
}

}  // namespace w2v::cli
