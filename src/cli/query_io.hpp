#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "w2v/output_file.hpp"
#include "w2v/query_expression.hpp"
#include "w2v/search.hpp"
#include "w2v/vectors.hpp"

namespace CLI {
class App;
}

namespace w2v::cli {

// Exit status of nearest and analogy when some query got no answer (an unknown word);
// 1 stays "the command failed" and 2 "bad command line".
constexpr int kExitUnanswered = 3;

enum class OutputFormat { kTable, kJson, kTsv };

// Options that nearest and analogy share.
struct QueryFlags {
  std::string vectors;
  std::uint64_t k = 10;
  std::int64_t limit = 0;
  std::uint64_t restrict_vocab = 0;
  bool json = false;
  bool tsv = false;
  int threads = 0;
};

// The vector file and --limit, which every query command reads.
void add_vectors_options(CLI::App& command, QueryFlags& flags);
// --json and --tsv; `tsv_help` says what a TSV line holds.
void add_format_options(CLI::App& command, QueryFlags& flags, const std::string& tsv_help);
// All of QueryFlags: the above, -k, --restrict and --threads.
void add_query_options(CLI::App& command, QueryFlags& flags);
OutputFormat output_format(const QueryFlags& flags);

// Loads a vector file, printing its warnings on standard error, with a cap on how many.
WordVectors load_with_warnings(const std::string& path, std::int64_t limit,
                               const std::atomic<bool>* cancel);

// Words and their search index.
struct QuerySession {
  StringTable words;
  SearchIndex index;
};
// Loads and normalizes; says how long it took when standard input is a terminal. Throws
// UsageError when the vectors would come from standard input while the queries do too.
QuerySession open_session(const QueryFlags& flags, bool queries_from_stdin,
                          const std::atomic<bool>* cancel);

// One query's answer, ready to print.
struct QueryAnswer {
  std::string query;                 // as the user wrote it
  std::string title;                 // heading of the human table
  std::vector<std::string> unknown;  // query words not in the vocabulary
  std::string error;                 // why there is no answer; empty when answered
  std::vector<std::pair<std::string, float>> results;  // best first
  bool answered() const { return error.empty(); }
};

// Marks `answer` unanswered because these query words are not in the vocabulary.
void mark_unknown(QueryAnswer& answer, std::vector<std::string> unknown);

// Runs `queries` as one batch and gives answers[which[j]] the words found for queries[j]; a
// query with none gets the reason (no other word among the candidates, or a zero vector).
void search_into(const QuerySession& session, const std::vector<Query>& queries,
                 const std::vector<std::size_t>& which, const SearchOptions& options,
                 std::vector<QueryAnswer>& answers);

// Writes answers to standard output: an aligned table per query, one JSON object per
// query (JSON Lines), or `query<TAB>rank<TAB>word<TAB>similarity` lines. An unanswered
// query is a line in the table, an "error" member in JSON, and a message on standard
// error for TSV.
class AnswerPrinter {
 public:
  AnswerPrinter(OutputFormat format, OutputFile& out) : format_(format), out_(out) {}
  void print(const QueryAnswer& answer);
  // Hands what was printed to standard output now.
  void flush() { out_.flush(); }

 private:
  OutputFormat format_;
  OutputFile& out_;
  bool first_ = true;
};

using AnswerBatch = std::function<std::vector<QueryAnswer>(const std::vector<std::string>&)>;

// Answers a batch of query lines and prints the answers; true when all were answered.
using LineBatch = std::function<bool(const std::vector<std::string>&)>;

// The query loop over standard input (see answer_lines) for any output: `flush` hands what
// was printed to standard output.
bool read_query_lines(const LineBatch& answer, const std::function<void()>& flush,
                      const Context& context, const char* prompt);

// Answers one query per line of standard input. On a terminal: a prompt before each line,
// ending at end of input or `exit`. Otherwise every line is a query and the loop ends at
// end of input; lines already waiting are answered together as one batch, while a
// producer that waits for each answer still gets it at once. Returns true when every
// query was answered; throws Interrupted on a signal.
bool answer_lines(const AnswerBatch& answer, AnswerPrinter& printer, const Context& context,
                  const char* prompt);

// Answers each query given on the command line; returns true when all were answered.
bool answer_arguments(const std::vector<std::string>& queries, const AnswerBatch& answer,
                      AnswerPrinter& printer);

// The words with one space between them.
std::string join_words(const std::vector<std::string>& words);
// "'a'" or "'a', 'b'" and so on, for messages.
std::string quote_list(const std::vector<std::string>& words);
// The words as a JSON array.
std::string json_list(const std::vector<std::string>& words);
// Why a query in TSV or another line format got no answer: "w2v: QUERY: ERROR" on standard
// error, after what `out` holds so far.
void report_unanswered(OutputFile& out, const std::string& query, const std::string& error);
// "w2v: error: MESSAGE" on standard error, as main prints errors, for a command that fails
// with its own exit status.
void report_error(const std::string& message);
// The shortest text that reads back as `value`.
std::string format_float(float value);

}  // namespace w2v::cli
