#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace w2v {

// A point of a 2-D picture.
struct Point2 {
  double x = 0, y = 0;
};

// The rows (n vectors of `dim` floats) on their first two principal components: centred,
// projected on the two directions of largest variance (power iteration, deterministic).
std::vector<Point2> project_pca(const std::vector<const float*>& rows, std::size_t dim);

struct TsneOptions {
  double perplexity = 10;  // in [2, 100]; lowered to (n - 1) / 3 for few points
  int iterations = 1000;
  std::uint64_t seed = 1;
};

// Exact t-SNE (van der Maaten and Hinton, 2008) of the rows on cosine distances: O(n^2)
// per iteration, meant for up to a few thousand points. Deterministic for a seed.
std::vector<Point2> project_tsne(const std::vector<const float*>& rows, std::size_t dim,
                                 const TsneOptions& options);

}  // namespace w2v
