// w2v similarity: the cosine similarity of two words, or of each pair on standard input.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"
#include "w2v/json.hpp"

namespace w2v::cli {
namespace {

struct SimilarityFlags {
  QueryFlags query;  // the vectors, --limit, --json, --tsv
  std::vector<std::string> words;
};

// One pair's answer.
struct PairAnswer {
  std::vector<std::string> words;    // as given
  std::vector<std::string> unknown;  // words not in the vocabulary
  std::string error;                 // why there is no cosine; empty when answered
  float cosine = 0;
};

PairAnswer answer_pair(const QuerySession& session, const std::vector<std::string>& words) {
  PairAnswer a;
  a.words = words;
  if (words.size() != 2) {
    a.error = "expected two words, got " + std::to_string(words.size());
    return a;
  }
  std::uint32_t row[2];
  for (int i = 0; i < 2; ++i) {
    row[i] = session.words.find(words[i]);
    if (row[i] == StringTable::kNotFound) a.unknown.push_back(words[i]);
  }
  if (!a.unknown.empty()) {
    QueryAnswer q;  // the message nearest gives
    mark_unknown(q, a.unknown);
    a.error = q.error;
    return a;
  }
  a.cosine = session.index.similarity(row[0], row[1]);
  return a;
}

// Table: the cosine alone for the words of the command line, "A B COSINE" for a pair read
// from standard input (6 decimals); TSV: A<TAB>B<TAB>COSINE; JSON: one object per pair.
// A pair without a cosine: a message on standard error, an "error" member in JSON.
void print_pair(const PairAnswer& a, OutputFormat format, bool with_words, OutputFile& out) {
  const std::string query = join_words(a.words);
  if (format == OutputFormat::kJson) {
    JsonObject o;
    o.add("query", query).add_raw("words", json_list(a.words));
    if (a.error.empty()) {
      o.add_raw("similarity", format_float(a.cosine));
    } else {
      o.add("error", a.error);
      if (!a.unknown.empty()) o.add_raw("unknown", json_list(a.unknown));
    }
    out.write(o.str() + "\n");
    return;
  }
  if (!a.error.empty()) {
    report_unanswered(out, query, a.error);
    return;
  }
  if (format == OutputFormat::kTsv) {
    out.write(a.words[0] + "\t" + a.words[1] + "\t" + format_float(a.cosine) + "\n");
    return;
  }
  char number[32];
  std::snprintf(number, sizeof number, "%.6f", static_cast<double>(a.cosine));
  out.write((with_words ? query + " " : std::string()) + number + "\n");
}

void run(const SimilarityFlags& flags, Context& context) {
  setup_logging(false, false);
  if (!flags.words.empty() && flags.words.size() != 2) {
    throw UsageError("give two words, or none to read pairs from standard input; got " +
                     std::to_string(flags.words.size()));
  }
  const OutputFormat format = output_format(flags.query);
  OutputFile out("-", context.interrupted);
  const QuerySession session = open_session(flags.query, flags.words.empty(), context.interrupted);
  bool all = true;
  if (!flags.words.empty()) {
    const PairAnswer a = answer_pair(session, flags.words);
    print_pair(a, format, false, out);
    all = a.error.empty();
  } else {
    const LineBatch answer = [&](const std::vector<std::string>& lines) {
      bool answered = true;
      for (const std::string& line : lines) {
        const PairAnswer a = answer_pair(session, split_words(line));
        print_pair(a, format, true, out);
        answered = answered && a.error.empty();
      }
      return answered;
    };
    all = read_query_lines(
        answer, [&] { out.flush(); }, context, "A B (two words; exit to quit): ");
  }
  out.commit();
  context.exit_code = all ? 0 : kExitUnanswered;
}

}  // namespace

void register_similarity(CLI::App& app, Context& context) {
  auto flags = std::make_shared<SimilarityFlags>();
  CLI::App* cmd = app.add_subcommand(
      "similarity",
      "The cosine similarity of two words. Without words: one pair per line of standard input "
      "(a prompt on a terminal), each printed with its cosine.");
  add_vectors_options(*cmd, flags->query);
  cmd->add_option("words", flags->words, "A B");
  add_format_options(*cmd, flags->query, "A<TAB>B<TAB>similarity lines");
  cmd->footer(
      "Exit status: 0 when every pair was answered, 3 when some word was not in the "
      "vocabulary (or a line did not hold two words), 1 on an error, 2 on a bad command line.");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
