// gensim's arithmetic (numpy on the reference BLAS), operation by operation; see
// gensim_arithmetic.hpp.
#include "detail/gensim_arithmetic.hpp"

#include <algorithm>
#include <cmath>

#include "detail/search_kernels.hpp"

// Operation by operation: no multiply and add may fuse into one FMA
// (GCC fuses across statements unless told not to), and no sum is reordered.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
#if defined(__clang__)
#define W2V_NO_FMA _Pragma("clang fp contract(off)")
#else
#define W2V_NO_FMA
#endif

namespace w2v::detail {
namespace {

// numpy's float32 sum (pairwise_sum: eight running sums over blocks of up to 128 values,
// halves above that), as in np.linalg.norm(x, axis=1) = sqrt(add.reduce(x * x, axis=1)).
float numpy_sum(const float* a, std::size_t n) {
  W2V_NO_FMA
  if (n < 8) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n <= 128) {
    float r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    float sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i];
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return numpy_sum(a, half) + numpy_sum(a + half, n - half);
}

}  // namespace

float numpy_norm(const float* x, std::size_t n, float* squares) {
  W2V_NO_FMA
  for (std::size_t d = 0; d < n; ++d) squares[d] = x[d] * x[d];
  return std::sqrt(numpy_sum(squares, n));
}

void gensim_mean(const SearchIndex& index, const Query& query, float* unit, float* out) {
  W2V_NO_FMA
  const std::size_t dim = index.dim();
  // KeyedVectors.get_mean_vector(pre_normalize=True, post_normalize=True): the float32 sum
  // of weight * unit vector, most_similar's positive words first, then the negative ones,
  // divided by the sum of |weight|s ...
  std::fill(out, out + dim, 0.0f);
  double total = 0;
  for (const bool positive : {true, false}) {
    for (const QueryTerm& t : query.terms) {
      if ((t.weight > 0) != positive) continue;
      index.copy_unit(t.row, unit);
      for (std::size_t d = 0; d < dim; ++d) out[d] += t.weight * unit[d];
      total += std::fabs(static_cast<double>(t.weight));
    }
  }
  if (total > 0) {
    const auto divisor = static_cast<float>(total);
    for (std::size_t d = 0; d < dim; ++d) out[d] /= divisor;
  }
  // ... then matutils.unitvec: dnrm2 and dscal in double, rounded back to float32.
  double squares = 0;
  for (std::size_t d = 0; d < dim; ++d) squares += static_cast<double>(out[d]) * out[d];
  const double length = std::sqrt(squares);
  if (length > 0) {
    const double scale = 1.0 / length;
    for (std::size_t d = 0; d < dim; ++d) out[d] = static_cast<float>(out[d] * scale);
  }
}

void gensim_scores(const float* panels, const float* norms, std::size_t dim, Neighbor* rows,
                   std::size_t n, const float* mean) {
  W2V_NO_FMA
  // dot(vectors, mean) / norms: sgemv sums each row's products in order. Eight rows at a
  // time, each its own chain of additions, so that they overlap.
  constexpr std::size_t kGroup = 8;
  for (std::size_t i = 0; i < n; i += kGroup) {
    const std::size_t g = std::min(kGroup, n - i);
    const float* x[kGroup];
    float sum[kGroup];
    for (std::size_t j = 0; j < kGroup; ++j) {
      const std::size_t row = rows[i + std::min(j, g - 1)].row;
      x[j] = panels + row / kLanes * dim * kLanes + row % kLanes;
      sum[j] = 0.0f;
    }
    for (std::size_t d = 0; d < dim; ++d) {
      const float m = mean[d];
      for (std::size_t j = 0; j < kGroup; ++j) sum[j] += x[j][d * kLanes] * m;
    }
    for (std::size_t j = 0; j < g; ++j) {
      const float norm = norms[rows[i + j].row];
      const float score = sum[j] / norm;
      // A zero vector: 0, where gensim has NaN.
      rows[i + j].score = norm > 0 && !std::isnan(score) ? score : 0.0f;
    }
  }
}

}  // namespace w2v::detail

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif
#undef W2V_NO_FMA
