#include "cli/suggestions.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>

#include "w2v/error.hpp"

namespace w2v::cli {
namespace {

// One option as each tool spells it; "" where a tool has none. `w2v_option` must exist in
// the command for `w2v` to be suggested; `others` are more spellings (gensim's, typos).
struct Synonyms {
  const char* w2v_option;
  const char* w2v;
  const char* word2vec_c;
  const char* fasttext;
  std::vector<const char*> others;
};

const std::vector<Synonyms>& synonym_table() {
  static const std::vector<Synonyms> table = {
      {"--dim", "--dim", "-size", "-dim", {"size", "vector_size", "dimension", "dimensions"}},
      {"--window", "--window", "-window", "-ws", {"window_size"}},
      {"--epochs", "--epochs", "-iter", "-epoch", {"iter", "iterations", "epoch"}},
      {"--lr", "--lr", "-alpha", "-lr", {"alpha", "learning_rate"}},
      {"--min-count", "--min-count", "-min-count", "-minCount", {"min_count"}},
      {"--threads", "--threads", "-threads", "-thread", {"workers", "thread"}},
      {"--negative", "--negative", "-negative", "-neg", {"neg", "negatives"}},
      {"--sample", "--sample", "-sample", "-t", {"subsample"}},
      {"--model", "--model cbow", "-cbow 1", "w2v fasttext cbow", {"cbow"}},
      {"--model",
       "--model skipgram or --model cbow",
       "-cbow 0 or -cbow 1",
       "w2v fasttext skipgram",
       {"sg", "skipgram", "skip_gram"}},
      {"--loss", "--loss", "", "-loss", {}},
      {"--loss", "--loss hs", "-hs 1", "-loss hs", {"hs", "hierarchical_softmax"}},
      {"corpus", "corpus", "-train", "-input", {"corpus_file", "corpus"}},
      {"-o", "-o", "-output", "-output", {"out"}},
      {"--seed", "--seed", "", "-seed", {"random_seed"}},
      {"--save-vocab", "--save-vocab", "-save-vocab", "", {}},
      {"--read-vocab", "--read-vocab", "-read-vocab", "", {}},
      {"--format", "--format bin", "-binary 1", "", {"binary"}},
      {"-v", "-q or -v", "-debug", "-verbose", {}},
      {"--max-vocab", "--max-vocab", "", "", {"max_final_vocab"}},
      {"--prune-at", "--prune-at", "", "", {"max_vocab_size"}},
      {"--init-from", "--init-from", "", "-pretrainedVectors", {"pretrained_vectors"}},
      {"--save-context", "--save-context", "", "-saveOutput", {"save_output"}},
  };
  return table;
}

// The name without its leading dashes.
std::string bare(const std::string& name) {
  const std::size_t start = name.find_first_not_of('-');
  return start == std::string::npos ? "" : name.substr(start);
}

// One name in two spellings; a one-letter name keeps its case (-V is not -v).
bool same_name(const std::string& a, const std::string& b) {
  const std::string n = normalized_name(a);
  return n == normalized_name(b) && (n.size() > 1 || bare(a) == bare(b));
}

bool names_one(const Synonyms& s, const std::string& word) {
  std::vector<std::string> names = {s.w2v_option, s.word2vec_c, s.fasttext};
  names.insert(names.end(), s.others.begin(), s.others.end());
  for (std::string name : names) {
    name = name.substr(0, name.find(' '));  // "-cbow 1": the option -cbow
    if (!name.empty() && name != "w2v" && same_name(name, word)) return true;
  }
  return false;
}

// Every name a user may type for the options of `command`: -o, --output, ...
std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& s : option->get_snames()) names.push_back("-" + s);
    for (const std::string& l : option->get_lnames()) names.push_back("--" + l);
  }
  return names;
}

bool has_option(const CLI::App& command, const std::string& name) {
  return command.get_option_no_throw(name) != nullptr;
}

// The names of what `args` left unparsed that look like options (not their values).
std::vector<std::string> unknown_options(const std::vector<std::string>& remaining) {
  std::vector<std::string> out;
  for (const std::string& item : remaining) {
    if (item.size() > 1 && item[0] == '-' && !std::isdigit(static_cast<unsigned char>(item[1])) &&
        item[1] != '.') {
      out.push_back(item.substr(0, item.find('=')));
    }
  }
  return out;
}

// The innermost command the parse recognised (`app` itself when none).
const CLI::App& innermost_command(const CLI::App& app) {
  const CLI::App* command = &app;
  while (!command->get_subcommands().empty()) command = command->get_subcommands().back();
  return *command;
}

// "-size: did you mean --dim?" pieces for each unknown option, and a pointer to the
// drop-in command when the line looks like one of a peer's.
std::string hints_for(const CLI::App& command, const std::vector<std::string>& unknown) {
  std::vector<std::string> hints;
  for (const std::string& u : unknown) {
    const std::string hint = option_hint(command, u);
    if (hint.empty()) continue;
    hints.push_back(unknown.size() == 1 ? hint : u + ": " + hint);
  }
  const auto has = [&](const char* name) {
    return std::find(unknown.begin(), unknown.end(), name) != unknown.end();
  };
  if (command.get_name() == "train" && has("-train")) {
    hints.push_back("a command line of word2vec.c runs as `w2v word2vec -train ...`");
  } else if (command.get_name() == "train" && has("-input")) {
    hints.push_back("a command line of fastText runs as `w2v fasttext skipgram -input ...`");
  }
  std::string out;
  for (const std::string& h : hints) out += (out.empty() ? "" : "; ") + h;
  return out;
}

// The subcommands a user may name.
std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    names.push_back(sub->get_name());
  }
  return names;
}

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string normalized_name(const std::string& name) {
  std::string out;
  for (const char c : name) {
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = normalized_name(word);
  // Short names differ from each other in a letter or two: only longer ones get slack.
  const std::size_t allowed = w.size() <= 2 ? 0 : w.size() <= 5 ? 1 : 2;
  std::string best;
  std::size_t best_distance = allowed + 1;
  for (const std::string& c : candidates) {
    if (w.size() <= 2 && bare(word) != bare(c)) continue;  // -V is not a typo of -v
    const std::size_t d = edit_distance(w, normalized_name(c));
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string synonym(const std::string& word, Dialect dialect, std::string* w2v_option) {
  for (const Synonyms& s : synonym_table()) {
    if (!names_one(s, word)) continue;
    const char* name = dialect == Dialect::kW2v         ? s.w2v
                       : dialect == Dialect::kWord2vecC ? s.word2vec_c
                                                        : s.fasttext;
    if (*name == '\0') continue;
    if (w2v_option != nullptr) *w2v_option = s.w2v_option;
    return name;
  }
  return "";
}

std::string option_hint(const CLI::App& command, const std::string& unknown) {
  std::string needed;
  const std::string peer = synonym(unknown, Dialect::kW2v, &needed);
  if (needed == "corpus" && has_option(command, needed)) {
    return "give the corpus as a plain argument: w2v " + command.get_name() + " CORPUS...";
  }
  if (!peer.empty() && has_option(command, needed) && peer != unknown) {
    return "did you mean " + peer + "?";
  }
  const std::string near = closest_name(unknown, option_names(command));
  return near.empty() ? "" : "did you mean " + near + "?";
}

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error) {
  const std::string what = error.what();
  const CLI::App& command = innermost_command(app);
  // A drop-in command keeps the peer's flags for itself; an error in them is its own.
  if (command.get_prefix_command()) return what + " (see --help)";
  const std::vector<std::string> rest = command.remaining();
  const std::vector<std::string> commands = command_names(command);
  if (!commands.empty() && !rest.empty() && !rest[0].empty() && rest[0][0] != '-') {
    // A command of subcommands recognised none: the first word is a misspelt one.
    const std::string near = closest_name(rest[0], commands);
    return "unknown command '" + rest[0] + "'" +
           (near.empty() ? " (see --help)" : " (did you mean " + near + "?)");
  }
  const std::vector<std::string> unknown = unknown_options(rest);
  const std::string hints = hints_for(command, unknown);
  if (hints.empty()) return what + " (see --help)";
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) return what + " (" + hints + ")";
  std::string listed;
  for (const std::string& u : unknown) listed += " " + u;
  return what + "; not expected:" + listed + " (" + hints + ")";
}

void reject_single_dash_names(const CLI::App& app, const std::vector<std::string>& args) {
  // The innermost command named: the options of `plot map` are map's.
  const CLI::App* command = &app;
  std::size_t first = 0;
  while (first < args.size()) {
    const std::vector<const CLI::App*> named =
        command->get_subcommands([&](const CLI::App* s) { return s->get_name() == args[first]; });
    if (named.empty()) break;
    command = named[0];
    ++first;
  }
  if (command == &app || command->get_prefix_command()) return;
  std::vector<std::string> refused;
  for (std::size_t i = first; i < args.size() && args[i] != "--"; ++i) {
    const std::string& a = args[i];
    if (a.size() <= 2 || a[0] != '-' || a[1] == '-' ||
        std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.') {
      continue;
    }
    const std::string name = a.substr(0, a.find('='));
    // One letter and its value (-o-, -k5) is a short option as CLI11 reads it.
    if (normalized_name(name).size() < 2) continue;
    std::string needed;
    if (!synonym(name, Dialect::kW2v, &needed).empty() || has_option(*command, "-" + name)) {
      refused.push_back(name);
    }
  }
  if (refused.empty()) return;
  std::string message = refused.size() == 1 ? "The following argument was not expected:"
                                            : "The following arguments were not expected:";
  for (const std::string& r : refused) message += " " + r;
  const std::string hints = hints_for(*command, refused);
  throw UsageError(message + (hints.empty() ? " (see --help)" : " (" + hints + ")"));
}

}  // namespace w2v::cli
