#include "detail/search_kernels.hpp"

#include <algorithm>
#include <limits>

#include "detail/vector_clones.hpp"

namespace w2v::detail {

// out[i * ld + 16 q + l] = probe_i . row (16 q + l) of the block times inverse[16 q + l]
// (1 / the row's length: a cosine for a unit probe), for `count` panels. Four probes at a
// time keep 4 x 16 sums in registers while one panel streams by.
W2V_VECTOR_CLONES
void panel_products(const float* __restrict panels, std::size_t panel_stride, std::size_t count,
                    std::size_t dim, const float* __restrict inverse,
                    const float* __restrict probes, std::size_t np, float* __restrict out,
                    std::size_t ld) {
  for (std::size_t q = 0; q < count; ++q) {
    const float* __restrict u = panels + q * panel_stride;
    const float* __restrict w = inverse + q * kLanes;
    float* __restrict o = out + q * kLanes;
    std::size_t i = 0;
    for (; i + 4 <= np; i += 4) {
      const float* p0 = probes + i * dim;
      const float* p1 = p0 + dim;
      const float* p2 = p1 + dim;
      const float* p3 = p2 + dim;
      float a0[kLanes] = {}, a1[kLanes] = {}, a2[kLanes] = {}, a3[kLanes] = {};
      for (std::size_t d = 0; d < dim; ++d) {
        const float* ud = u + d * kLanes;
        const float x0 = p0[d], x1 = p1[d], x2 = p2[d], x3 = p3[d];
#pragma omp simd
        for (std::size_t l = 0; l < kLanes; ++l) {
          a0[l] += x0 * ud[l];
          a1[l] += x1 * ud[l];
          a2[l] += x2 * ud[l];
          a3[l] += x3 * ud[l];
        }
      }
#pragma omp simd
      for (std::size_t l = 0; l < kLanes; ++l) {
        o[i * ld + l] = a0[l] * w[l];
        o[(i + 1) * ld + l] = a1[l] * w[l];
        o[(i + 2) * ld + l] = a2[l] * w[l];
        o[(i + 3) * ld + l] = a3[l] * w[l];
      }
    }
    for (; i < np; ++i) {
      const float* p = probes + i * dim;
      float a[kLanes] = {};
      for (std::size_t d = 0; d < dim; ++d) {
        const float x = p[d];
        const float* ud = u + d * kLanes;
#pragma omp simd
        for (std::size_t l = 0; l < kLanes; ++l) a[l] += x * ud[l];
      }
#pragma omp simd
      for (std::size_t l = 0; l < kLanes; ++l) o[i * ld + l] = a[l] * w[l];
    }
  }
}

// sum_t coef_t * s_t[j] for T terms in one pass, stored when kStore; returns the maximum.
template <int T, bool kStore>
__attribute__((always_inline)) inline float fused_sum(const float* const* s, const float* coef,
                                                      std::size_t n, float* __restrict out) {
  const float* __restrict s0 = s[0];
  const float* __restrict s1 = s[T > 1 ? 1 : 0];
  const float* __restrict s2 = s[T > 2 ? 2 : 0];
  const float* __restrict s3 = s[T > 3 ? 3 : 0];
  const float c0 = coef[0], c1 = T > 1 ? coef[1] : 0.0f, c2 = T > 2 ? coef[2] : 0.0f,
              c3 = T > 3 ? coef[3] : 0.0f;
  float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
  for (std::size_t j = 0; j < n; ++j) {
    float v = c0 * s0[j];
    if (T > 1) v += c1 * s1[j];
    if (T > 2) v += c2 * s2[j];
    if (T > 3) v += c3 * s3[j];
    if (kStore) out[j] = v;
    best = std::max(best, v);
  }
  return best;
}

// score[j] = sum_t coef_t * s_t[j], stored in `score` unless it is null; returns max_j.
// Up to four terms (3CosAdd has three) take one pass; more take one pass per term.
W2V_VECTOR_CLONES
float combine_cosine(const float* const* s, const float* coef, std::size_t terms, std::size_t n,
                     float* __restrict score) {
  const bool store = score != nullptr;
  switch (terms) {
    case 1:
      return store ? fused_sum<1, true>(s, coef, n, score) : fused_sum<1, false>(s, coef, n, score);
    case 2:
      return store ? fused_sum<2, true>(s, coef, n, score) : fused_sum<2, false>(s, coef, n, score);
    case 3:
      return store ? fused_sum<3, true>(s, coef, n, score) : fused_sum<3, false>(s, coef, n, score);
    case 4:
      return store ? fused_sum<4, true>(s, coef, n, score) : fused_sum<4, false>(s, coef, n, score);
    default:
      break;
  }
  if (!store) return std::numeric_limits<float>::infinity();  // unknown: do the full pass
  const float* __restrict s0 = s[0];
  const float c0 = coef[0];
#pragma omp simd
  for (std::size_t j = 0; j < n; ++j) score[j] = c0 * s0[j];
  for (std::size_t t = 1; t < terms; ++t) {
    const float* __restrict st = s[t];
    const float c = coef[t];
#pragma omp simd
    for (std::size_t j = 0; j < n; ++j) score[j] += c * st[j];
  }
  float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
  for (std::size_t j = 0; j < n; ++j) best = std::max(best, score[j]);
  return best;
}

// 3CosMul for T terms in one pass, stored when kStore; returns the maximum. Each term's
// (1 + s) / 2 multiplies the part above the fraction (weight > 0) or below it, the other
// part taking a factor 1: a product of the same factors as term by term, so the same
// rounding.
template <int T, bool kStore>
__attribute__((always_inline)) inline float fused_cosmul(const float* const* s, const float* coef,
                                                         std::size_t n, float* __restrict out) {
  const float* __restrict st[4] = {s[0], s[T > 1 ? 1 : 0], s[T > 2 ? 2 : 0], s[T > 3 ? 3 : 0]};
  float up[4], keep[4];  // factor above = x * up + keep; below = x * keep + up
  for (int t = 0; t < 4; ++t) {
    up[t] = t < T && coef[t] > 0 ? 1.0f : 0.0f;
    keep[t] = 1.0f - up[t];
  }
  float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
  for (std::size_t j = 0; j < n; ++j) {
    float above = 1.0f, below = 1.0f;
    for (int t = 0; t < T; ++t) {
      const float x = (1.0f + st[t][j]) * 0.5f;
      above *= x * up[t] + keep[t];
      below *= x * keep[t] + up[t];
    }
    const float v = above / (below + kCosMulEpsilon);
    if (kStore) out[j] = v;
    best = std::max(best, v);
  }
  return best;
}

// score[j] = prod_{w_t > 0} (1 + s_t[j]) / 2 / (prod_{w_t < 0} (1 + s_t[j]) / 2 + 1e-6),
// stored in `score` unless it is null; returns max_j. An empty product is 1, as in gensim.
W2V_VECTOR_CLONES
float combine_cosmul(const float* const* s, const float* coef, std::size_t terms, std::size_t n,
                     float* __restrict score, float* __restrict below) {
  const bool store = score != nullptr;
  switch (terms) {
    case 1:
      return store ? fused_cosmul<1, true>(s, coef, n, score)
                   : fused_cosmul<1, false>(s, coef, n, score);
    case 2:
      return store ? fused_cosmul<2, true>(s, coef, n, score)
                   : fused_cosmul<2, false>(s, coef, n, score);
    case 3:
      return store ? fused_cosmul<3, true>(s, coef, n, score)
                   : fused_cosmul<3, false>(s, coef, n, score);
    case 4:
      return store ? fused_cosmul<4, true>(s, coef, n, score)
                   : fused_cosmul<4, false>(s, coef, n, score);
    default:
      break;
  }
  if (!store) return std::numeric_limits<float>::infinity();  // unknown: do the full pass
#pragma omp simd
  for (std::size_t j = 0; j < n; ++j) {
    score[j] = 1.0f;
    below[j] = 1.0f;
  }
  for (std::size_t t = 0; t < terms; ++t) {
    const float* __restrict st = s[t];
    float* __restrict part = coef[t] > 0 ? score : below;
#pragma omp simd
    for (std::size_t j = 0; j < n; ++j) part[j] *= (1.0f + st[j]) * 0.5f;
  }
  float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
  for (std::size_t j = 0; j < n; ++j) {
    score[j] /= below[j] + kCosMulEpsilon;
    best = std::max(best, score[j]);
  }
  return best;
}

// Writes to `out` the j with s[j] >= threshold, skipping 16 at a time where none is: after
// the first blocks, a block holds only a few answers better than the k found so far.
W2V_VECTOR_CLONES
std::size_t at_least(const float* __restrict s, std::size_t n, float threshold,
                     std::uint32_t* __restrict out) {
  std::size_t count = 0;
  for (std::size_t c = 0; c < n; c += kLanes) {
    const std::size_t e = std::min(n, c + kLanes);
    float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
    for (std::size_t j = c; j < e; ++j) best = std::max(best, s[j]);
    if (best < threshold) continue;
    for (std::size_t j = c; j < e; ++j) {
      if (s[j] >= threshold) out[count++] = static_cast<std::uint32_t>(j);
    }
  }
  return count;
}

W2V_VECTOR_CLONES
float max_of(const float* __restrict s, std::size_t n) {
  float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
  for (std::size_t j = 0; j < n; ++j) best = std::max(best, s[j]);
  return best;
}

}  // namespace w2v::detail
