#pragma once
#include <cstdint>
#include <vector>

namespace w2v {

// Draws word ids from counts^power in O(1) per draw with Walker's alias method
// (Vose's construction): 8 bytes per word, not word2vec.c's 10^8-entry table.
class AliasSampler {
 public:
  AliasSampler() = default;
  // Throws Error when no count is positive.
  AliasSampler(const std::vector<std::int64_t>& counts, double power);

  // One draw from a uniform 64-bit random number.
  std::uint32_t draw(std::uint64_t r) const {
    const auto i = static_cast<std::uint32_t>(((r >> 32) * size_) >> 32);
    const Cell& cell = cells_[i];
    // Without a branch: the comparison is a coin toss, and a mispredicted branch stalls
    // the draws after it instead of overlapping their table loads.
    const std::uint32_t keep =
        0u - static_cast<std::uint32_t>(static_cast<std::uint32_t>(r) < cell.keep);
    return (i & keep) | (cell.alias & ~keep);
  }
  // Probability of drawing `id` (for tests).
  double probability(std::uint32_t id) const { return probabilities_[id]; }
  std::size_t size() const { return cells_.size(); }

 private:
  struct Cell {
    std::uint32_t keep;  // draw i when the low 32 bits are below this, else alias
    std::uint32_t alias;
  };
  std::vector<Cell> cells_;
  std::vector<double> probabilities_;
  std::uint64_t size_ = 0;
};

}  // namespace w2v
