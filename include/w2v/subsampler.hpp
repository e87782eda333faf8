#pragma once
#include <cstdint>
#include <vector>

namespace w2v {

// Subsampling of frequent words (Mikolov et al. 2013, as in word2vec.c): a word with
// count c among T tokens is kept with probability min(1, (sqrt(c / (t T)) + 1) t T / c)
// for threshold t. Probabilities are computed once, as 32-bit thresholds.
class Subsampler {
 public:
  // threshold 0 keeps every word.
  Subsampler(const std::vector<std::int64_t>& counts, double threshold);

  // Keep probability of word `id` by the formula (for tests and reports).
  static double keep_probability(std::int64_t count, std::int64_t total, double threshold);
  // True when word `id` is kept for the uniform 32-bit draw `r`.
  bool keep(std::uint32_t id, std::uint32_t r) const { return r <= keep_below_[id]; }

 private:
  std::vector<std::uint32_t> keep_below_;
};

}  // namespace w2v
