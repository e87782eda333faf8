// w2v analogy: A is to B as C is to what?
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"

namespace w2v::cli {
namespace {

struct AnalogyFlags {
  QueryFlags query;
  std::string method = "add";
  std::vector<std::string> words;
};

void run(const AnalogyFlags& flags, Context& context) {
  setup_logging(false, false);
  if (!flags.words.empty() && flags.words.size() != 3) {
    throw UsageError("give three words A B C, or none to read them from standard input; got " +
                     std::to_string(flags.words.size()));
  }
  SearchOptions options;
  options.k = flags.query.k;
  options.candidates = flags.query.restrict_vocab;
  options.threads = flags.query.threads;
  options.scoring = parse_scoring(flags.method);
  options.cancel = context.interrupted;
  validate(options);
  OutputFile out("-", context.interrupted);
  AnswerPrinter printer(output_format(flags.query), out);
  const QuerySession session = open_session(flags.query, flags.words.empty(), context.interrupted);
  const AnswerBatch answer = [&](const std::vector<std::string>& lines) {
    std::vector<QueryAnswer> answers(lines.size());
    std::vector<Query> queries;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      QueryAnswer& a = answers[i];
      const std::vector<std::string> w = split_words(lines[i]);
      a.query = join_words(w);  // one space apart: safe in TSV
      if (w.size() != 3) {
        a.error = "expected three words A B C, got " + std::to_string(w.size());
        continue;
      }
      a.title = w[0] + " : " + w[1] + " :: " + w[2] + " : ?";
      std::uint32_t row[3];
      std::vector<std::string> unknown;
      for (int j = 0; j < 3; ++j) {
        row[j] = session.words.find(w[j]);
        if (row[j] == StringTable::kNotFound) unknown.push_back(w[j]);
      }
      if (!unknown.empty()) {
        mark_unknown(a, std::move(unknown));
        continue;
      }
      // b - a + c
      queries.push_back(Query{{{row[1], 1.0f}, {row[2], 1.0f}, {row[0], -1.0f}}});
      which.push_back(i);
    }
    search_into(session, queries, which, options, answers);
    return answers;
  };
  const std::string joined = join_words(flags.words);
  const bool all =
      flags.words.empty()
          ? answer_lines(answer, printer, context, "A B C (A is to B as C is to ?; exit to quit): ")
          : answer_arguments({joined}, answer, printer);
  out.commit();
  context.exit_code = all ? 0 : kExitUnanswered;
}

}  // namespace

void register_analogy(CLI::App& app, Context& context) {
  auto flags = std::make_shared<AnalogyFlags>();
  CLI::App* cmd = app.add_subcommand(
      "analogy",
      "A is to B as C is to what? The words nearest to B - A + C, the three excluded. "
      "Without words: one question per line of standard input (a prompt on a terminal).");
  add_query_options(*cmd, flags->query);
  cmd->add_option("words", flags->words, "A B C");
  cmd->add_option("--method", flags->method,
                  "add: 3CosAdd, cosine to B - A + C; cosmul: 3CosMul (Levy and Goldberg)")
      ->check(CLI::IsMember({"add", "cosmul"}))
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 when every question was answered, 3 when some word was not in the "
      "vocabulary, 1 on an error, 2 on a bad command line.");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
