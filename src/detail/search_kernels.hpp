#pragma once
// The fast pass of SearchIndex::search: dot products of panels of rows with the query
// terms' unit vectors, and the scores that combine them. Plain loops that GCC vectorizes,
// each built once per vector ISA (vector_clones.hpp); tests check them against scalar loops.
#include <cstddef>
#include <cstdint>

#include "w2v/search.hpp"

namespace w2v::detail {

constexpr std::size_t kLanes = SearchIndex::kPanelRows;  // rows per panel
constexpr float kCosMulEpsilon = 0.000001f;              // gensim's most_similar_cosmul

// out[i * ld + 16 q + l] = probe_i . row (16 q + l) of the panels times inverse[16 q + l]
// (1 / the row's length: a cosine for a unit probe), for `count` panels of `dim`
// dimensions, panel_stride floats apart; probes are np rows of dim floats.
void panel_products(const float* panels, std::size_t panel_stride, std::size_t count,
                    std::size_t dim, const float* inverse, const float* probes, std::size_t np,
                    float* out, std::size_t ld);

// score[j] = sum_t coef_t * s_t[j] for j < n, stored in `score` unless it is null; returns
// the maximum (+infinity when not stored and there are more than four terms: unknown).
float combine_cosine(const float* const* s, const float* coef, std::size_t terms, std::size_t n,
                     float* score);

// 3CosMul: score[j] = prod_{w_t > 0} (1 + s_t[j]) / 2 / (prod_{w_t < 0} (1 + s_t[j]) / 2 +
// 1e-6), stored in `score` unless it is null; returns the maximum as combine_cosine does.
// `below` is scratch space for n floats.
float combine_cosmul(const float* const* s, const float* coef, std::size_t terms, std::size_t n,
                     float* score, float* below);

// Writes to `out` the j < n with s[j] >= threshold, in increasing order; returns how many.
std::size_t at_least(const float* s, std::size_t n, float threshold, std::uint32_t* out);

// max_j s[j] for j < n; -infinity for n = 0.
float max_of(const float* s, std::size_t n);

}  // namespace w2v::detail
