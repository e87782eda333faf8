#include "w2v/pairs.hpp"

#include <stdexcept>

namespace w2v {

namespace {
// Redraws before a noise word equal to the observed word is given up (tiny vocabularies).
constexpr int kNoiseDraws = 8;
}  // namespace

PairGenerator::PairGenerator(const Subsampler& subsampler, const AliasSampler& noise,
                             const TrainOptions& options, Rng rng, const HuffmanTree* tree)
    : subsampler_(subsampler),
      noise_(noise),
      tree_(options.loss == Loss::kHierarchicalSoftmax ? tree : nullptr),
      node_base_(tree != nullptr ? static_cast<std::uint32_t>(tree->words()) : 0),
      window_(options.window),
      negative_(options.negative),
      batch_(options.batch_negatives),
      cbow_(options.model == Architecture::kCbow),
      side_(options.input_side),
      rng_(rng) {
  if (options.loss == Loss::kHierarchicalSoftmax && tree == nullptr) {
    throw std::logic_error("PairGenerator: hierarchical softmax without a tree");
  }
}

void PairGenerator::add_targets(std::uint32_t observed) {
  // Hierarchical softmax alone has no context rows; `w2v pairs --negative 0` lists the
  // observed pairs alone.
  if (negative_ > 0 || tree_ == nullptr) out_.push_back(observed);
  if (tree_ != nullptr) add_path(observed);
  for (int k = 0; k < negative_; ++k) {
    const std::uint32_t noise = draw_noise(observed);
    if (noise != kNone) negatives_.push_back(noise);
  }
}

void PairGenerator::add_path(std::uint32_t observed) {
  // Each node is written to both lists and only the one its branch picks advances: the
  // branches are coin tosses, and a branch on them was mispredicted half the time.
  const std::uint32_t* nodes = tree_->nodes(observed);
  const std::uint8_t* codes = tree_->codes(observed);
  const auto n = static_cast<std::size_t>(tree_->length(observed));
  const std::size_t positives = out_.size(), negatives = negatives_.size();
  out_.resize(positives + n);
  negatives_.resize(negatives + n);
  std::uint32_t* to_positive = out_.data() + positives;
  std::uint32_t* to_negative = negatives_.data() + negatives;
  std::size_t left = 0, right = 0;
  for (std::size_t l = 0; l < n; ++l) {
    const std::uint32_t node = node_base_ + nodes[l];
    to_positive[left] = node;
    to_negative[right] = node;
    const std::size_t code = codes[l];
    left += 1 - code;
    right += code;
  }
  out_.resize(positives + left);
  negatives_.resize(negatives + right);
}

int PairGenerator::close_targets() {
  const int positives = static_cast<int>(out_.size());
  out_.insert(out_.end(), negatives_.begin(), negatives_.end());
  return positives;
}

std::uint32_t PairGenerator::draw_noise(std::uint32_t avoid) {
  for (int attempt = 0; attempt < kNoiseDraws; ++attempt) {
    const std::uint32_t w = noise_.draw(rng_.next());
    if (w != avoid) return w;
  }
  return kNone;
}

}  // namespace w2v
