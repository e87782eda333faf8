#include "w2v/query_expression.hpp"

namespace w2v {
namespace {

bool is_operator(const std::string& token) { return token == "+" || token == "-"; }

}  // namespace

Expression parse_expression(const std::string& text, const StringTable& words) {
  Expression e;
  float sign = 1;
  for (const std::string& token : split_words(text)) {
    if (is_operator(token)) {
      sign = token == "-" ? -sign : sign;
      continue;
    }
    std::string word = token;
    float weight = sign;
    sign = 1;
    if (token.size() > 1 && (token[0] == '+' || token[0] == '-')) {
      const std::string rest = token.substr(1);
      const bool whole_is_word = words.find(token) != StringTable::kNotFound;
      if (!whole_is_word || words.find(rest) != StringTable::kNotFound) {
        word = rest;
        if (token[0] == '-') weight = -weight;
      }
    }
    const std::uint32_t row = words.find(word);
    if (row == StringTable::kNotFound) {
      e.unknown.push_back(word);
    } else {
      e.query.terms.push_back({row, weight});
    }
  }
  return e;
}

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

std::vector<std::string> group_arguments(const std::vector<std::string>& args,
                                         const StringTable& words) {
  std::vector<std::string> queries;
  bool continues = false;
  for (const std::string& arg : args) {
    const bool signed_word = !arg.empty() && (arg[0] == '+' || arg[0] == '-') &&
                             words.find(arg) == StringTable::kNotFound;
    if (!queries.empty() && (continues || signed_word || is_operator(arg))) {
      queries.back() += " " + arg;
    } else {
      queries.push_back(arg);
    }
    continues = is_operator(arg);
  }
  return queries;
}

}  // namespace w2v
