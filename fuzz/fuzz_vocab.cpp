// libFuzzer target: vocabulary files (`word count` lines, Vocab::parse_counts).
//
// Property: every word parsed passes word_problem(), counts are 0 or more and no word
// repeats; the vocabulary built from them (min_count 0) keeps every word in descending
// count order with the right total, and what Vocab::write writes parses again to the same
// (word, count) set. Only w2v::Error may escape.
#include <map>
#include <string>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/output_file.hpp"
#include "w2v/vocab.hpp"
#include "w2v/word.hpp"

namespace {

using Counts = std::vector<std::pair<std::string, std::int64_t>>;
using w2v::fuzz::escaped;

std::map<std::string, std::int64_t> as_map(const Counts& counts) {
  std::map<std::string, std::int64_t> map;
  for (const auto& [word, count] : counts) {
    W2V_FUZZ_CHECK(map.emplace(word, count).second, "the word " + escaped(word) + " repeats");
  }
  return map;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Counts counts;
  try {
    counts = w2v::Vocab::parse_counts(w2v::fuzz::as_text(data, size), "fuzz");
  } catch (const w2v::Error&) {
    return 0;
  }
  std::int64_t total = 0;
  for (const auto& [word, count] : counts) {
    W2V_FUZZ_CHECK(w2v::word_problem(word).empty(), escaped(word) + ": " + w2v::word_problem(word));
    W2V_FUZZ_CHECK(word.find(' ') == std::string::npos, escaped(word) + " holds a space");
    W2V_FUZZ_CHECK(count >= 0, escaped(word) + " has count " + std::to_string(count));
    W2V_FUZZ_CHECK(!__builtin_add_overflow(total, count, &total), "the counts overflow");
  }
  const auto expected = as_map(counts);
  w2v::VocabOptions options;
  options.min_count = 0;
  const w2v::Vocab vocab = w2v::Vocab::from_counts(counts, options);
  W2V_FUZZ_CHECK(vocab.size() == counts.size(), "the vocabulary lost words");
  W2V_FUZZ_CHECK(vocab.total_count() == total, "total " + std::to_string(vocab.total_count()));
  for (std::uint32_t i = 0; i < vocab.size(); ++i) {
    W2V_FUZZ_CHECK(vocab.find(vocab.word(i)) == i, "id " + std::to_string(i) + " not found");
    W2V_FUZZ_CHECK(i == 0 || vocab.count(i - 1) > vocab.count(i) ||
                       (vocab.count(i - 1) == vocab.count(i) && vocab.word(i - 1) < vocab.word(i)),
                   "ids " + std::to_string(i - 1) + " and " + std::to_string(i) + " out of order");
  }
  w2v::StringSink written;
  vocab.write(written);
  Counts again;
  try {
    again = w2v::Vocab::parse_counts(written.str(), "written");
  } catch (const w2v::Error& e) {
    w2v::fuzz::property_failed("what Vocab::write wrote parses", e.what(), __FILE__, __LINE__);
  }
  W2V_FUZZ_CHECK(as_map(again) == expected, "the counts changed: " + escaped(written.str()));
  return 0;
}
