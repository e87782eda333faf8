// libFuzzer target: `nearest` query expressions (parse_expression, group_arguments in
// src/query_expression.cpp).
//
// Input: vocabulary words, one per line, then a NUL byte, then the expression; the
// expression's lines are also the command-line arguments given to group_arguments.
// Property: every non-operator token gives one known word or one unknown word, in order:
// the token, or the token without its glued sign when the whole token is not a word or
// the rest is; unknown words are exactly those not in the table, term rows are in range
// and a term's weight is +1 or -1, the product of the signs before it. group_arguments
// loses and reorders nothing, and starts a new query only where a query may start.
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/query_expression.hpp"
#include "w2v/string_table.hpp"

namespace {

using w2v::fuzz::escaped;

std::vector<std::string> split_at(std::string_view text, char separator) {
  std::vector<std::string> parts;
  for (std::size_t pos = 0;;) {
    const std::size_t end = text.find(separator, pos);
    parts.emplace_back(text.substr(pos, end == std::string_view::npos ? end : end - pos));
    if (end == std::string_view::npos) return parts;
    pos = end + 1;
  }
}

bool known(const w2v::StringTable& words, const std::string& w) {
  return words.find(w) != w2v::StringTable::kNotFound;
}

void check_expression(const std::string& text, const w2v::StringTable& words) {
  const w2v::Expression e = w2v::parse_expression(text, words);
  std::size_t term = 0, unknown = 0;
  float sign = 1;
  for (const std::string& token : w2v::split_words(text)) {
    W2V_FUZZ_CHECK(!token.empty() && token.find_first_of(" \t\r") == std::string::npos,
                   "token " + escaped(token));
    if (token == "+" || token == "-") {
      if (token == "-") sign = -sign;
      continue;
    }
    std::string word = token;
    float weight = sign;
    sign = 1;
    if (token.size() > 1 && (token[0] == '+' || token[0] == '-') &&
        (!known(words, token) || known(words, token.substr(1)))) {
      word = token.substr(1);
      if (token[0] == '-') weight = -weight;
    }
    if (known(words, word)) {
      W2V_FUZZ_CHECK(term < e.query.terms.size(), "missing term for " + escaped(word));
      const auto& t = e.query.terms[term++];
      W2V_FUZZ_CHECK(t.row < words.size(), "row " + std::to_string(t.row) + " out of range");
      W2V_FUZZ_CHECK(words.word(t.row) == word,
                     "term " + escaped(words.word(t.row)) + " instead of " + escaped(word));
      W2V_FUZZ_CHECK(t.weight == weight && (t.weight == 1.0f || t.weight == -1.0f),
                     "weight " + std::to_string(t.weight) + " for " + escaped(word));
    } else {
      W2V_FUZZ_CHECK(unknown < e.unknown.size() && e.unknown[unknown] == word,
                     "unknown word " + escaped(word) + " not reported");
      ++unknown;
    }
  }
  W2V_FUZZ_CHECK(term == e.query.terms.size(), "extra terms in " + escaped(text));
  W2V_FUZZ_CHECK(unknown == e.unknown.size(), "extra unknown words in " + escaped(text));
}

void check_grouping(const std::vector<std::string>& args, const w2v::StringTable& words) {
  const std::vector<std::string> queries = w2v::group_arguments(args, words);
  std::string joined_args, joined_queries;
  for (std::size_t i = 0; i < args.size(); ++i) joined_args += (i == 0 ? "" : " ") + args[i];
  for (std::size_t i = 0; i < queries.size(); ++i) {
    joined_queries += (i == 0 ? "" : " ") + queries[i];
  }
  W2V_FUZZ_CHECK(queries.size() <= args.size() && (args.empty() || !queries.empty()),
                 std::to_string(queries.size()) + " queries from " + std::to_string(args.size()) +
                     " arguments");
  // Arguments joined with single spaces: where they separate queries or words of one,
  // the text is the same, so nothing is lost or reordered.
  W2V_FUZZ_CHECK(joined_args.size() == joined_queries.size() && joined_args == joined_queries,
                 escaped(joined_queries) + " instead of " + escaped(joined_args));
  // Where each query starts: a new query after an argument that is not a lone operator,
  // at an argument that neither is one nor is a signed word outside the table.
  std::size_t q = 0;
  std::string current;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool op = a == "+" || a == "-";
    const bool signed_unknown = !a.empty() && (a[0] == '+' || a[0] == '-') && !known(words, a);
    const bool after_op = i > 0 && (args[i - 1] == "+" || args[i - 1] == "-");
    const bool starts = i == 0 || !(op || signed_unknown || after_op);
    if (starts && i > 0) {
      W2V_FUZZ_CHECK(queries[q] == current, "query " + std::to_string(q) + " is " +
                                                escaped(queries[q]) + ", expected " +
                                                escaped(current));
      ++q;
      current.clear();
    }
    current += (starts ? "" : " ") + a;
  }
  if (!args.empty()) {
    W2V_FUZZ_CHECK(q + 1 == queries.size() && queries[q] == current,
                   "last query " + escaped(current));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = w2v::fuzz::as_text(data, size);
  const std::size_t nul = input.find('\0');
  w2v::StringTable words;
  std::string_view expression = input;
  if (nul != std::string_view::npos) {
    for (const std::string& w : split_at(input.substr(0, nul), '\n')) words.insert(w);
    expression = input.substr(nul + 1);
  }
  try {
    check_expression(std::string(expression), words);
    for (const std::string& line : split_at(expression, '\n')) check_expression(line, words);
    check_grouping(split_at(expression, '\n'), words);
  } catch (const w2v::Error&) {
  }
  return 0;
}
