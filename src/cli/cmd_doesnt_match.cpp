// w2v doesnt-match: which of these words does not go with the others?
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"
#include "w2v/odd_one_out.hpp"

namespace w2v::cli {
namespace {

// With two words each is as far from their mean as the other: no answer to give.
constexpr std::size_t kMinWords = 3;

struct DoesntMatchFlags {
  QueryFlags query;  // the vectors and --limit
  std::vector<std::string> words;
};

void run(const DoesntMatchFlags& flags, Context& context) {
  setup_logging(false, false);
  if (flags.words.size() < kMinWords) {
    throw UsageError("give at least " + std::to_string(kMinWords) + " words; got " +
                     std::to_string(flags.words.size()));
  }
  OutputFile out("-", context.interrupted);
  const QuerySession session = open_session(flags.query, false, context.interrupted);
  std::vector<std::uint32_t> rows;
  std::vector<std::string> unknown;
  for (const std::string& w : flags.words) {
    const std::uint32_t row = session.words.find(w);
    if (row == StringTable::kNotFound) unknown.push_back(w);
    rows.push_back(row);
  }
  if (!unknown.empty()) {
    QueryAnswer a;  // the message nearest gives
    mark_unknown(a, std::move(unknown));
    report_error(a.error);
    context.exit_code = kExitUnanswered;
    return;
  }
  const OddOneOut odd = doesnt_match(session.index, rows);
  out.write(flags.words[odd.position] + "\n");
  out.commit();
}

}  // namespace

void register_doesnt_match(CLI::App& app, Context& context) {
  auto flags = std::make_shared<DoesntMatchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "doesnt-match",
      "The word that does not match the others, as gensim's doesnt_match: the one least "
      "similar to the mean of the unit vectors of all the words. Give at least three words.");
  add_vectors_options(*cmd, flags->query);
  cmd->add_option("words", flags->words, "Three words or more")->required();
  cmd->footer(
      "Exit status: 0 with the word printed, 3 when some word was not in the vocabulary, 1 on "
      "an error, 2 on a bad command line.");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
