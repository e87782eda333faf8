#pragma once
#include <cstdint>
#include <vector>

#include "w2v/alias_sampler.hpp"
#include "w2v/huffman.hpp"
#include "w2v/rng.hpp"
#include "w2v/subsampler.hpp"
#include "w2v/train_options.hpp"

namespace w2v {

// One SGD step's worth of pairs: every id of `in` (looked up in the word matrix) against
// every id of `out`. out[0, positives) are labelled 1, the rest 0. An out id below the
// vocabulary size is a word's context row: the observed word (label 1) or a noise word;
// an id v + n (v the vocabulary size) is inner node n of the Huffman tree (hierarchical
// softmax), labelled 1 - the word's code bit there. `pooled` (CBOW): the `in` rows are
// first pooled into one input.
struct PairBlock {
  const std::uint32_t* in;
  int m;
  const std::uint32_t* out;
  int n;
  int positives;
  bool pooled = false;
};

// Turns sentences of ids into the pair blocks that training sees: subsampling, a window
// of 1..window words on each side of each centre word, the predicted word's targets: its
// context row and noise words drawn from counts^ns_exponent (a draw equal to the observed
// word is drawn again) when options.negative > 0, its path's inner nodes when
// options.loss is hierarchical softmax. Shared by the trainer and `w2v pairs`, so that
// both see the same pairs for the same seed. Holds per-thread state; the samplers and the
// tree are shared and read-only.
class PairGenerator {
 public:
  // `tree`: over the same vocabulary; required with hierarchical softmax.
  PairGenerator(const Subsampler& subsampler, const AliasSampler& noise,
                const TrainOptions& options, Rng rng, const HuffmanTree* tree = nullptr);

  // Subsamples `ids` (one sentence, no kSentenceEnd) and calls on_block(const PairBlock&)
  // for each block, in order.
  template <class OnBlock>
  void sentence(const std::uint32_t* ids, std::size_t size, OnBlock&& on_block);

  // The random generator's state, for checkpoints, and setting it to resume.
  std::uint64_t rng_state() const { return rng_.state(); }
  void set_rng_state(std::uint64_t state) { rng_ = Rng::from_state(state); }

 private:
  // A noise word for the observed word `avoid`, or kNone after a few draws that all hit it.
  std::uint32_t draw_noise(std::uint32_t avoid);
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  // Appends what predicting `observed` scores: the labelled-1 targets to out_, the
  // labelled-0 ones to negatives_.
  void add_targets(std::uint32_t observed);
  // Appends the Huffman path of `observed`: branch 0 labelled 1, as word2vec.c does.
  void add_path(std::uint32_t observed);
  // Starts fetching a word's path, which the next centre word reads.
  void prefetch_path(std::uint32_t w) const {
    __builtin_prefetch(tree_->nodes(w));
    __builtin_prefetch(tree_->codes(w));
  }
  // Appends negatives_ to out_; returns the positives, which out_ held before.
  int close_targets();

  const Subsampler& subsampler_;
  const AliasSampler& noise_;
  const HuffmanTree* tree_;
  std::uint32_t node_base_;
  int window_;
  int negative_;
  bool batch_;
  bool cbow_;
  InputSide side_;
  Rng rng_;
  std::vector<std::uint32_t> kept_, in_, out_, negatives_;
};

template <class OnBlock>
void PairGenerator::sentence(const std::uint32_t* ids, std::size_t size, OnBlock&& on_block) {
  // Every word is written and the count advances by the coin toss: a branch on it would
  // be mispredicted for every other frequent word.
  kept_.resize(size);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < size; ++i) {
    kept_[kept] = ids[i];
    kept += subsampler_.keep(ids[i], rng_.next32()) ? 1 : 0;
  }
  kept_.resize(kept);
  const auto len = static_cast<std::ptrdiff_t>(kept);
  for (std::ptrdiff_t i = 0; i < len; ++i) {
    if (tree_ != nullptr && i + 1 < len) prefetch_path(kept_[i + 1]);
    const std::ptrdiff_t b = 1 + rng_.below(static_cast<std::uint32_t>(window_));
    const std::ptrdiff_t lo = i - b < 0 ? 0 : i - b;
    const std::ptrdiff_t hi = i + b + 1 > len ? len : i + b + 1;
    if (hi - lo < 2) continue;
    const std::uint32_t center = kept_[i];
    if (cbow_ || (batch_ && side_ == InputSide::kContext)) {
      // The window's context words against the centre's targets: pooled into one input
      // (CBOW), or each an input of its own sharing the noise words (HogBatch).
      in_.clear();
      for (std::ptrdiff_t c = lo; c < hi; ++c) {
        if (c != i) in_.push_back(kept_[c]);
      }
      out_.clear();
      negatives_.clear();
      add_targets(center);
      const int positives = close_targets();
      PairBlock block{in_.data(), static_cast<int>(in_.size()), out_.data(),
                      static_cast<int>(out_.size()), positives};
      block.pooled = cbow_;
      on_block(block);
    } else if (batch_) {
      // The centre word against its context words' targets.
      in_.assign(1, center);
      out_.clear();
      negatives_.clear();
      for (std::ptrdiff_t c = lo; c < hi; ++c) {
        if (c != i) add_targets(kept_[c]);
      }
      const int positives = close_targets();
      on_block(PairBlock{in_.data(), 1, out_.data(), static_cast<int>(out_.size()), positives});
    } else {
      for (std::ptrdiff_t c = lo; c < hi; ++c) {
        if (c == i) continue;
        const std::uint32_t input = side_ == InputSide::kContext ? kept_[c] : center;
        const std::uint32_t observed = side_ == InputSide::kContext ? center : kept_[c];
        in_.assign(1, input);
        out_.clear();
        negatives_.clear();
        add_targets(observed);
        const int positives = close_targets();
        on_block(PairBlock{in_.data(), 1, out_.data(), static_cast<int>(out_.size()), positives});
      }
    }
  }
}

}  // namespace w2v
