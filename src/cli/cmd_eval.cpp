// w2v eval: score a vector file on word analogy and word similarity test sets.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <memory>

#include "cli/bundled_data.hpp"
#include "cli/commands.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"
#include "w2v/eval.hpp"
#include "w2v/input_file.hpp"
#include "w2v/json.hpp"
#include "w2v/output_file.hpp"

namespace w2v::cli {
namespace {

struct EvalFlags {
  std::string vectors;
  std::string analogies;
  std::vector<std::string> similarity;
  std::uint64_t restrict_vocab = 30000;
  std::string method = "add";
  bool case_sensitive = false;
  std::int64_t limit = 0;
  int threads = 0;
  bool json = false;
  bool brief = false;  // the bundled sets: totals only
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string base_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string count_json(const AnalogyCount& c) {
  JsonObject o;
  o.add("name", c.name)
      .add("correct", static_cast<long long>(c.correct))
      .add("seen", static_cast<long long>(c.seen))
      .add("total", static_cast<long long>(c.total))
      .add("accuracy", c.accuracy());
  return o.str();
}

std::string percent(double share) {
  if (!std::isfinite(share)) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", 100.0 * share);
  return buffer;
}

std::string count_row(const AnalogyCount& c) {
  char line[160];
  std::snprintf(line, sizeof line, "  %-28s %8lld %8lld %8lld %9s\n", c.name.c_str(),
                static_cast<long long>(c.correct), static_cast<long long>(c.seen),
                static_cast<long long>(c.total), percent(c.accuracy()).c_str());
  return line;
}

// Every input of the command, checked before the vectors are loaded.
void check_eval_inputs(const EvalFlags& flags) {
  std::vector<std::string> paths{flags.vectors}, names{"the vectors"};
  if (!flags.analogies.empty()) {
    paths.push_back(flags.analogies);
    names.push_back("--analogies");
  }
  for (const std::string& path : flags.similarity) {
    paths.push_back(path);
    names.push_back("--similarity");
  }
  check_inputs(paths, names);
}

// With no sets given: the bundled ones, and the short table.
EvalFlags with_bundled_sets(EvalFlags flags) {
  const std::string dir = bundled_eval_dir();
  if (dir.empty()) {
    throw UsageError(
        "nothing to evaluate: give --analogies FILE and/or --similarity FILE (the bundled "
        "sets are not installed beside this w2v, in ../share/w2v/eval)");
  }
  flags.analogies = dir + "/questions-words.txt";
  flags.similarity = {dir + "/EN-WS-353-ALL.txt"};
  flags.brief = true;
  return flags;
}

void run(EvalFlags flags, const Context& context) {
  setup_logging(false, false);
  if (flags.analogies.empty() && flags.similarity.empty()) flags = with_bundled_sets(flags);
  check_eval_inputs(flags);
  OutputFile out("-", context.interrupted);
  AnalogyOptions analogy;
  analogy.restrict_vocab = flags.restrict_vocab;
  analogy.method = parse_scoring(flags.method);
  analogy.case_sensitive = flags.case_sensitive;
  analogy.threads = flags.threads;
  analogy.cancel = context.interrupted;
  SimilarityOptions similarity;
  similarity.case_sensitive = flags.case_sensitive;

  const Clock::time_point load_start = Clock::now();
  WordVectors loaded = load_with_warnings(flags.vectors, flags.limit, context.interrupted);
  const SearchIndex index(loaded.vectors);
  loaded.vectors = Matrix();
  const double load_seconds = seconds_since(load_start);

  JsonObject root;
  root.add("vectors", flags.vectors)
      .add("words", static_cast<long long>(index.size()))
      .add("dim", static_cast<long long>(index.dim()))
      .add("load_seconds", load_seconds);
  std::string table;
  char line[256];
  std::snprintf(line, sizeof line, "%s: %zu words, %zu dimensions, loaded in %.2f s\n",
                flags.vectors.c_str(), index.size(), index.dim(), load_seconds);
  table += line;

  if (!flags.analogies.empty()) {
    const Clock::time_point start = Clock::now();
    const AnalogyReport r = evaluate_analogies(loaded.words, index, flags.analogies, analogy);
    const double seconds = seconds_since(start);
    const std::size_t candidates =
        flags.restrict_vocab == 0 ? index.size() : std::min(flags.restrict_vocab, index.size());
    std::string sections = "[";
    for (const AnalogyCount& s : r.sections) {
      sections += (sections.size() > 1 ? "," : "") + count_json(s);
    }
    JsonObject a;
    a.add("file", flags.analogies)
        .add("method", scoring_name(analogy.method))
        .add("restrict", static_cast<long long>(candidates))
        .add_raw("sections", sections + "]")
        .add_raw("semantic", count_json(r.semantic))
        .add_raw("syntactic", count_json(r.syntactic))
        .add_raw("total", count_json(r.overall))
        .add("seconds", seconds);
    root.add_raw("analogies", a.str());

    table += "\nAnalogies: " + base_name(flags.analogies) + " (" +
             (analogy.method == Scoring::kCosMul ? "3CosMul" : "3CosAdd") + ", answers among the " +
             std::to_string(candidates) + " first words)\n";
    std::snprintf(line, sizeof line, "  %-28s %8s %8s %8s %9s\n", "section", "correct", "seen",
                  "total", "accuracy");
    table += line;
    if (!flags.brief) {
      for (const AnalogyCount& s : r.sections) table += count_row(s);
      table += "\n";
    }
    table += count_row(r.semantic) + count_row(r.syntactic) + count_row(r.overall);
    std::snprintf(line, sizeof line, "  questions seen: %lld of %lld (%s); %.2f s\n",
                  static_cast<long long>(r.overall.seen), static_cast<long long>(r.overall.total),
                  percent(r.overall.total > 0 ? static_cast<double>(r.overall.seen) /
                                                    static_cast<double>(r.overall.total)
                                              : NAN)
                      .c_str(),
                  seconds);
    table += line;
  }

  if (!flags.similarity.empty()) {
    std::string list = "[";
    table += "\nSimilarity (Spearman correlation of cosine similarity with the human scores)\n";
    std::snprintf(line, sizeof line, "  %-28s %8s %8s %9s %9s\n", "file", "pairs", "used",
                  "skipped", "spearman");
    table += line;
    for (const std::string& path : flags.similarity) {
      const Clock::time_point start = Clock::now();
      const SimilarityReport r = evaluate_similarity(loaded.words, index, path, similarity);
      JsonObject s;
      s.add("file", path)
          .add("pairs", static_cast<long long>(r.pairs))
          .add("used", static_cast<long long>(r.used))
          .add("skipped", static_cast<long long>(r.pairs - r.used))
          .add("skipped_share", r.skipped_share())
          .add("spearman", r.spearman)
          .add("seconds", seconds_since(start));
      list += (list.size() > 1 ? "," : "") + s.str();
      char rho[32] = "n/a";
      if (std::isfinite(r.spearman)) std::snprintf(rho, sizeof rho, "%.4f", r.spearman);
      std::snprintf(line, sizeof line, "  %-28s %8lld %8lld %9s %9s\n", base_name(path).c_str(),
                    static_cast<long long>(r.pairs), static_cast<long long>(r.used),
                    percent(r.skipped_share()).c_str(), rho);
      table += line;
    }
    root.add_raw("similarity", list + "]");
  }
  out.write(flags.json ? root.str() + "\n" : table);
  out.commit();
}

}  // namespace

void register_eval(CLI::App& app, Context& context) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Score word vectors on analogy questions and word similarity ratings");
  cmd->add_option("vectors", flags->vectors,
                  "Word vectors in word2vec text or binary format; - reads standard input")
      ->required();
  cmd->add_option("--analogies", flags->analogies,
                  "Analogy questions in the questions-words.txt format (': section' lines, "
                  "then 'a b c d' lines). With neither --analogies nor --similarity: the "
                  "Google analogy set and WordSim-353 that come with w2v, totals only");
  cmd->add_option("--similarity", flags->similarity,
                  "Word pairs with a human score ('word1 word2 score', tab- or "
                  "space-separated, '#' comments); several files may follow");
  add_number_option(*cmd, "--restrict", flags->restrict_vocab, ranges::kLimit,
                    "Analogies: questions and answers among the first N words of the file (the "
                    "most frequent); 0: all")
      ->capture_default_str();
  cmd->add_option("--method", flags->method, "Analogies: add (3CosAdd) or cosmul (3CosMul)")
      ->check(CLI::IsMember({"add", "cosmul"}))
      ->capture_default_str();
  cmd->add_flag("--case-sensitive", flags->case_sensitive,
                "Match test words exactly (default: any case, the first variant of a word in "
                "the file standing for all)");
  add_number_option(*cmd, "--limit", flags->limit, ranges::kLimit,
                    "Read only the first N vectors of the file (0: all)");
  add_number_option(*cmd, "--threads", flags->threads, ranges::kSearchThreads,
                    "Threads (0: every core)");
  cmd->add_flag("--json", flags->json, "Write the results as one JSON object");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
