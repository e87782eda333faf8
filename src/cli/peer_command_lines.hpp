#pragma once
#include <string>
#include <vector>

namespace w2v::cli {

// Drop-in command lines: a peer tool's arguments (after its program name) translated into
// `w2v train`'s, which then parses and checks them as its own. Each throws UsageError that
// names the peer's flag as written: an unknown flag (with a suggestion), a missing or
// malformed value, a value out of w2v's range, a feature w2v does not have.

// word2vec.c 0.1c's `word2vec` (-train FILE -output FILE -size 200 -cbow 0 ...), with its
// defaults: CBOW, 100 dimensions, text output unless -binary 1.
std::vector<std::string> word2vec_c_to_train(const std::vector<std::string>& args);

// fastText's `fasttext skipgram|cbow -input FILE -output NAME ...` (the command first), for
// its word-level options; writes NAME.vec.
std::vector<std::string> fasttext_to_train(const std::vector<std::string>& args);

// Whether `args` ask for the usage (-h, -help or --help among them).
bool asks_for_help(const std::vector<std::string>& args);

// The usage texts of the two drop-in commands: every flag, its default and what it does.
std::string word2vec_c_usage();
std::string fasttext_usage();

}  // namespace w2v::cli
