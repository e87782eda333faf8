#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace w2v::cli {

// Edit distance with adjacent transpositions counting one (optimal string alignment).
std::size_t edit_distance(const std::string& a, const std::string& b);

// How names compare: without dashes, underscores or case (--min_count, -minCount and
// --min-count are one name).
std::string normalized_name(const std::string& name);

// The candidate closest to `word` when it is close enough to be a typo of it, or "".
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// Whose option names a suggestion is given in.
enum class Dialect { kW2v, kWord2vecC, kFastText };

// What an option of w2v, word2vec.c, fastText or gensim (`word`, any spelling) is in
// `dialect`: "-size" is "--dim" in w2v and "-dim" in fastText. "" when not known. For w2v,
// `w2v_option` (when given) receives the option that must exist for the suggestion to hold.
std::string synonym(const std::string& word, Dialect dialect, std::string* w2v_option = nullptr);

// "did you mean --epochs?" for an option that `command` does not have (a peer's name or a
// near miss of one of its own), or "".
std::string option_hint(const CLI::App& command, const std::string& unknown);

// The message for a failed parse of `app`: CLI11's, with a suggestion for each unknown
// option or command, or "(see --help)" when there is none.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error);

// `args` (without the program name) before parsing: a long name with one dash (-output,
// -size, -window) is not parsed as what it says but as one-letter options (-o utput), so
// it is refused here with a suggestion (UsageError). Drop-in commands are left alone.
void reject_single_dash_names(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace w2v::cli
