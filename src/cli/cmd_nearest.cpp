// w2v nearest: the words closest to a word or to an expression such as king -man +woman.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"

namespace w2v::cli {
namespace {

struct NearestFlags {
  QueryFlags query;
  std::optional<float> threshold;  // in ranges::kThreshold
  std::vector<std::string> words;
};

void run(const NearestFlags& nearest, Context& context) {
  setup_logging(false, false);
  const QueryFlags& flags = nearest.query;
  const std::vector<std::string>& args = nearest.words;
  SearchOptions options;
  options.k = flags.k;
  options.candidates = flags.restrict_vocab;
  if (nearest.threshold) options.min_score = *nearest.threshold;
  options.threads = flags.threads;
  options.cancel = context.interrupted;
  validate(options);
  OutputFile out("-", context.interrupted);
  AnswerPrinter printer(output_format(flags), out);
  const QuerySession session = open_session(flags, args.empty(), context.interrupted);
  const AnswerBatch answer = [&](const std::vector<std::string>& lines) {
    std::vector<QueryAnswer> answers(lines.size());
    std::vector<Query> queries;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      QueryAnswer& a = answers[i];
      a.query = join_words(split_words(lines[i]));  // one space apart: safe in TSV
      Expression e = parse_expression(lines[i], session.words);
      if (!e.unknown.empty()) {
        mark_unknown(a, std::move(e.unknown));
      } else if (e.query.terms.empty()) {
        a.error = "no word to search for";
      } else {
        queries.push_back(std::move(e.query));
        which.push_back(i);
      }
    }
    search_into(session, queries, which, options, answers);
    return answers;
  };
  const bool all = args.empty()
                       ? answer_lines(answer, printer, context,
                                      "Word or expression (king -man +woman; exit to quit): ")
                       : answer_arguments(group_arguments(args, session.words), answer, printer);
  out.commit();
  context.exit_code = all ? 0 : kExitUnanswered;
}

}  // namespace

void register_nearest(CLI::App& app, Context& context) {
  auto flags = std::make_shared<NearestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "nearest",
      "The nearest words by cosine similarity to each WORD, or to an expression such as "
      "\"king -man +woman\" (quoted, or after --). Without words: one query per line of "
      "standard input (a prompt on a terminal).");
  add_query_options(*cmd, flags->query);
  cmd->add_option("--threshold", flags->threshold,
                  "Only answers whose cosine similarity is at least this (still at most -k of "
                  "them)")
      ->transform(range_validator(ranges::kThreshold, true))
      ->type_name("FLOAT in " + ranges::kThreshold.describe());
  cmd->add_option("words", flags->words, "Words or expressions to look up");
  cmd->footer(
      "Exit status: 0 when every query was answered, 3 when some word was not in the "
      "vocabulary, 1 on an error, 2 on a bad command line.");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
