#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "w2v/search.hpp"
#include "w2v/string_table.hpp"

namespace w2v {

// Word analogy test sets in the questions-words.txt format: `: section` lines, then one
// question per line, `a b c d` meaning a is to b as c is to d.
struct AnalogyOptions {
  // Question words and answers come from the first N rows (the most frequent words of a
  // frequency-sorted file); 0: all rows.
  std::size_t restrict_vocab = 30000;
  Scoring method = Scoring::kCosine;  // 3CosAdd; kCosMul for 3CosMul
  // Off: words match whatever their case, and each lowercased form stands for its first
  // (most frequent) row, as in gensim.
  bool case_sensitive = false;
  int threads = 0;                            // 0: every core
  const std::atomic<bool>* cancel = nullptr;  // when set, evaluation stops with Interrupted
};

// A parsed analogy file: the section names in file order and every question in it.
struct AnalogyQuestion {
  std::size_t section = 0;
  std::string words[4];  // a b c d: a is to b as c is to d
};
struct AnalogySet {
  std::vector<std::string> sections;
  std::vector<AnalogyQuestion> questions;
};

// Parses the questions-words.txt format. Throws Error naming `name` and the line for a
// line that is not valid UTF-8, neither a header nor four words, or a question before any
// header.
AnalogySet parse_analogies(std::string_view text, const std::string& name);

struct AnalogyCount {
  std::string name;
  std::int64_t correct = 0;
  std::int64_t seen = 0;   // questions whose four words are known (the others are skipped)
  std::int64_t total = 0;  // questions in the file
  // correct / seen; NaN when nothing was seen.
  double accuracy() const {
    return seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen)
                    : std::numeric_limits<double>::quiet_NaN();
  }
};

struct AnalogyReport {
  std::vector<AnalogyCount> sections;  // in file order
  AnalogyCount semantic{"semantic"};   // sections whose name does not start with "gram"
  AnalogyCount syntactic{"syntactic"};
  AnalogyCount overall{"total"};
};

// Answers every question with a known a, b, c and d: the best row for b - a + c among the
// candidate rows, the three query words excluded. Matches gensim's
// evaluate_word_analogies: a question is right when the first of the five best answers
// that is not a case variant of a, b or c is d.
AnalogyReport evaluate_analogies(const StringTable& words, const SearchIndex& index,
                                 const AnalogySet& set, const AnalogyOptions& options = {});
// The same for a file ("-": standard input), read and parsed as parse_analogies does.
AnalogyReport evaluate_analogies(const StringTable& words, const SearchIndex& index,
                                 const std::string& path, const AnalogyOptions& options = {});

// Word similarity test sets: `word1 word2 score` lines, tab- or space-separated (three
// tab-separated fields may hold spaces), with `#` comment lines.
struct SimilarityPair {
  std::string words[2];
  double score = 0;
};

// Throws Error naming `name` and the line for a line that is not valid UTF-8 or not
// `word word number` with a finite number.
std::vector<SimilarityPair> parse_similarity(std::string_view text, const std::string& name);

struct SimilarityOptions {
  std::size_t restrict_vocab = 0;  // words must be among the first N rows; 0: all rows
  bool case_sensitive = false;
};

struct SimilarityReport {
  std::int64_t pairs = 0;  // in the file
  std::int64_t used = 0;   // with both words known
  // Spearman rank correlation between the cosine similarities and the human scores over
  // the pairs used; NaN with fewer than two pairs or a constant side.
  double spearman = std::numeric_limits<double>::quiet_NaN();
  double skipped_share() const {
    return pairs > 0 ? static_cast<double>(pairs - used) / static_cast<double>(pairs) : 0.0;
  }
};

SimilarityReport evaluate_similarity(const StringTable& words, const SearchIndex& index,
                                     const std::vector<SimilarityPair>& pairs,
                                     const SimilarityOptions& options = {});
// The same for a file ("-": standard input), read and parsed as parse_similarity does.
SimilarityReport evaluate_similarity(const StringTable& words, const SearchIndex& index,
                                     const std::string& path,
                                     const SimilarityOptions& options = {});

// Ranks 1..n, tied values sharing the average of their ranks.
std::vector<double> average_ranks(const std::vector<double>& values);
// Pearson correlation of the average ranks (scipy.stats.spearmanr); NaN when undefined.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace w2v
