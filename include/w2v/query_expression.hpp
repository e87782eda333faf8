#pragma once
#include <string>
#include <vector>

#include "w2v/search.hpp"
#include "w2v/string_table.hpp"

namespace w2v {

// A query of `nearest` as words found and words unknown.
struct Expression {
  Query query;                       // the known words with their signs
  std::vector<std::string> unknown;  // words not in the vocabulary, in order
};

// Parses "king -man +woman": words add up; a word after '-' (alone or glued to it) is
// subtracted, and '-' '-' cancel. A glued sign is read as part of the word only when the
// whole token is a word and the rest is not (-LRB-). Words are split at ASCII blanks.
Expression parse_expression(const std::string& text, const StringTable& words);

// Command-line words: each starts a query, except that a signed word (or one after a lone
// operator) continues the one before, so `-- king -man +woman` is one expression.
std::vector<std::string> group_arguments(const std::vector<std::string>& args,
                                         const StringTable& words);

// Splits a line into words at ASCII blanks (space, tab, carriage return).
std::vector<std::string> split_words(const std::string& line);

}  // namespace w2v
