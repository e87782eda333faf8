// libFuzzer target: word similarity files (WordSim-353 format, parse_similarity).
//
// Property: every pair has two non-empty words without tabs or surrounding blanks (the
// first not starting a comment) and a finite score; the pairs written back as
// `word1<TAB>word2<TAB>score` lines, the score in the shortest form that reads back,
// parse to the same words and bit-identical scores. Only w2v::Error may escape.
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/eval.hpp"
#include "w2v/utf8.hpp"

namespace {

using w2v::fuzz::escaped;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

bool good_word(const std::string& w) {
  return !w.empty() && !is_blank(w.front()) && !is_blank(w.back()) &&
         w.find_first_of("\t\n") == std::string::npos && w2v::utf8::is_valid(w);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<w2v::SimilarityPair> pairs;
  try {
    pairs = w2v::parse_similarity(w2v::fuzz::as_text(data, size), "fuzz");
  } catch (const w2v::Error&) {
    return 0;
  }
  std::string written;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const w2v::SimilarityPair& p = pairs[i];
    W2V_FUZZ_CHECK(good_word(p.words[0]) && good_word(p.words[1]),
                   "pair " + std::to_string(i) + ": words " + escaped(p.words[0]) + ", " +
                       escaped(p.words[1]));
    W2V_FUZZ_CHECK(p.words[0][0] != '#', "a pair starts with '#'");
    W2V_FUZZ_CHECK(std::isfinite(p.score), "pair " + std::to_string(i) + ": score not finite");
    char number[64];
    const auto end = std::to_chars(number, number + sizeof number, p.score).ptr;
    written += p.words[0] + "\t" + p.words[1] + "\t" + std::string(number, end) + "\n";
  }
  std::vector<w2v::SimilarityPair> again;
  try {
    again = w2v::parse_similarity(written, "written");
  } catch (const w2v::Error& e) {
    w2v::fuzz::property_failed("the pairs written back parse", e.what(), __FILE__, __LINE__);
  }
  W2V_FUZZ_CHECK(again.size() == pairs.size(), "the pairs changed: " + escaped(written));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    W2V_FUZZ_CHECK(again[i].words[0] == pairs[i].words[0] &&
                       again[i].words[1] == pairs[i].words[1] &&
                       std::memcmp(&again[i].score, &pairs[i].score, sizeof(double)) == 0,
                   "pair " + std::to_string(i) + " changed: " + escaped(written));
  }
  return 0;
}
