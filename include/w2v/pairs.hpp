#pragma once
#include <cstdint>
#include <vector>

#include "w2v/alias_sampler.hpp"
#include "w2v/rng.hpp"
#include "w2v/subsampler.hpp"
#include "w2v/train_options.hpp"

namespace w2v {

// One SGD step's worth of skip-gram pairs: every id of `in` (looked up in the word
// matrix) against every id of `out` (looked up in the context matrix). out[0, positives)
// were observed together with the `in` words; the rest are noise words.
struct PairBlock {
  const std::uint32_t* in;
  int m;
  const std::uint32_t* out;
  int n;
  int positives;
};

// Turns sentences of ids into the pair blocks that training sees: subsampling, a window
// of 1..window words on each side of each centre word, and noise words drawn from
// counts^ns_exponent (a draw equal to the observed word is drawn again). Shared by the
// trainer and `w2v pairs`, so that both see the same pairs for the same seed. Holds
// per-thread state; the samplers are shared and read-only.
class PairGenerator {
 public:
  PairGenerator(const Subsampler& subsampler, const AliasSampler& noise,
                const TrainOptions& options, Rng rng);

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

  const Subsampler& subsampler_;
  const AliasSampler& noise_;
  int window_;
  int negative_;
  bool batch_;
  InputSide side_;
  Rng rng_;
  std::vector<std::uint32_t> kept_, in_, out_;
};

template <class OnBlock>
void PairGenerator::sentence(const std::uint32_t* ids, std::size_t size, OnBlock&& on_block) {
  kept_.clear();
  for (std::size_t i = 0; i < size; ++i) {
    if (subsampler_.keep(ids[i], rng_.next32())) kept_.push_back(ids[i]);
  }
  const auto len = static_cast<std::ptrdiff_t>(kept_.size());
  for (std::ptrdiff_t i = 0; i < len; ++i) {
    const std::ptrdiff_t b = 1 + rng_.below(static_cast<std::uint32_t>(window_));
    const std::ptrdiff_t lo = i - b < 0 ? 0 : i - b;
    const std::ptrdiff_t hi = i + b + 1 > len ? len : i + b + 1;
    if (hi - lo < 2) continue;
    const std::uint32_t center = kept_[i];
    auto add_noise = [&](std::uint32_t observed) {
      for (int k = 0; k < negative_; ++k) {
        const std::uint32_t noise = draw_noise(observed);
        if (noise != kNone) out_.push_back(noise);
      }
    };
    if (batch_ && side_ == InputSide::kContext) {
      // HogBatch: the window's context words against the centre and shared noise words.
      in_.clear();
      out_.clear();
      for (std::ptrdiff_t c = lo; c < hi; ++c) {
        if (c != i) in_.push_back(kept_[c]);
      }
      out_.push_back(center);
      add_noise(center);
      on_block(PairBlock{in_.data(), static_cast<int>(in_.size()), out_.data(),
                         static_cast<int>(out_.size()), 1});
    } else if (batch_) {
      // The centre word against its context words, each with its own noise words.
      in_.assign(1, center);
      out_.clear();
      for (std::ptrdiff_t c = lo; c < hi; ++c) {
        if (c != i) out_.push_back(kept_[c]);
      }
      const int positives = static_cast<int>(out_.size());
      for (int p = 0; p < positives; ++p) add_noise(out_[p]);
      on_block(PairBlock{in_.data(), 1, out_.data(), static_cast<int>(out_.size()), positives});
    } else {
      for (std::ptrdiff_t c = lo; c < hi; ++c) {
        if (c == i) continue;
        const std::uint32_t input = side_ == InputSide::kContext ? kept_[c] : center;
        const std::uint32_t observed = side_ == InputSide::kContext ? center : kept_[c];
        in_.assign(1, input);
        out_.assign(1, observed);
        add_noise(observed);
        on_block(PairBlock{in_.data(), 1, out_.data(), static_cast<int>(out_.size()), 1});
      }
    }
  }
}

}  // namespace w2v
