#pragma once
#include <cstdint>

namespace w2v {

// SplitMix64: a tiny, fast generator with good statistical quality, one per thread.
// Streams for different (seed, stream) pairs are independent for practical purposes.
class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0)
      : state_(seed * 0x9E3779B97F4A7C15ull + stream * 0xD1B54A32D192ED03ull +
               0x632BE59BD9B4E019ull) {
    next();
  }
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint32_t next32() { return static_cast<std::uint32_t>(next() >> 32); }
  // Uniform in [0, n) by multiply-shift (Lemire), for n < 2^32.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next32()) * n) >> 32);
  }
  // Uniform in [0, 1).
  float uniform() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }

  // The whole state, and a generator that continues from one (checkpoints).
  std::uint64_t state() const { return state_; }
  static Rng from_state(std::uint64_t state) {
    Rng rng(0);
    rng.state_ = state;
    return rng;
  }

 private:
  std::uint64_t state_;
};

}  // namespace w2v
