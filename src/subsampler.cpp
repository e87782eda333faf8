#include "w2v/subsampler.hpp"

#include <cmath>
#include <numeric>

namespace w2v {

double Subsampler::keep_probability(std::int64_t count, std::int64_t total, double threshold) {
  if (threshold <= 0 || count <= 0) return 1.0;
  const double tt = threshold * static_cast<double>(total);
  const double c = static_cast<double>(count);
  return std::min(1.0, (std::sqrt(c / tt) + 1.0) * tt / c);
}

Subsampler::Subsampler(const std::vector<std::int64_t>& counts, double threshold)
    : keep_below_(counts.size()) {
  const std::int64_t total = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  for (std::size_t i = 0; i < counts.size(); ++i) {
    // keep() passes r <= keep_below_, which has probability (keep_below_ + 1) / 2^32.
    const double p = keep_probability(counts[i], total, threshold);
    const double scaled = std::floor(p * 4294967296.0) - 1.0;
    keep_below_[i] = scaled >= 4294967295.0 ? 0xFFFFFFFFu
                     : scaled <= 0.0        ? 0u
                                            : static_cast<std::uint32_t>(scaled);
  }
}

}  // namespace w2v
