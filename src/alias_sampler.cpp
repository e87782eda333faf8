#include "w2v/alias_sampler.hpp"

#include <cmath>

#include "w2v/error.hpp"

namespace w2v {

AliasSampler::AliasSampler(const std::vector<std::int64_t>& counts, double power)
    : cells_(counts.size()), probabilities_(counts.size()), size_(counts.size()) {
  double total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    probabilities_[i] = counts[i] > 0 ? std::pow(static_cast<double>(counts[i]), power) : 0.0;
    total += probabilities_[i];
  }
  if (!(total > 0)) throw Error("cannot sample noise words: no word has a positive count");
  const double n = static_cast<double>(counts.size());
  std::vector<double> scaled(counts.size());
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    probabilities_[i] /= total;
    scaled[i] = probabilities_[i] * n;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  auto keep_threshold = [](double p) {
    const double t = std::round(p * 4294967296.0);
    return t >= 4294967295.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(t);
  };
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    cells_[s] = {keep_threshold(scaled[s]), l};
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left has probability one up to rounding.
  for (const std::uint32_t i : large) cells_[i] = {0xFFFFFFFFu, i};
  for (const std::uint32_t i : small) cells_[i] = {0xFFFFFFFFu, i};
}

}  // namespace w2v
