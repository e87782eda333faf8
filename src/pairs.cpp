#include "w2v/pairs.hpp"

namespace w2v {

namespace {
// Redraws before a noise word equal to the observed word is given up (tiny vocabularies).
constexpr int kNoiseDraws = 8;
}  // namespace

PairGenerator::PairGenerator(const Subsampler& subsampler, const AliasSampler& noise,
                             const TrainOptions& options, Rng rng)
    : subsampler_(subsampler),
      noise_(noise),
      window_(options.window),
      negative_(options.negative),
      batch_(options.batch_negatives),
      side_(options.input_side),
      rng_(rng) {}

std::uint32_t PairGenerator::draw_noise(std::uint32_t avoid) {
  for (int attempt = 0; attempt < kNoiseDraws; ++attempt) {
    const std::uint32_t w = noise_.draw(rng_.next());
    if (w != avoid) return w;
  }
  return kNone;
}

}  // namespace w2v
