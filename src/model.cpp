#include "w2v/model.hpp"

#include <sys/mman.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "w2v/rng.hpp"

namespace w2v {
namespace {

constexpr std::size_t kAlignFloats = 16;  // 64 bytes
constexpr std::size_t kHugePage = std::size_t{2} << 20;

double squared_norm(const float* row, std::size_t n) {
  double sq = 0;
  for (std::size_t c = 0; c < n; ++c) sq += double(row[c]) * row[c];
  return sq;
}

// 1 / |row|, or 0 for a zero row.
float inverse_norm(const float* row, std::size_t n) {
  const double sq = squared_norm(row, n);
  return sq > 0 ? static_cast<float>(1.0 / std::sqrt(sq)) : 0.0f;
}

void fill_uniform(Matrix& m, float range, std::uint64_t seed, std::uint64_t stream) {
  if (range == 0.0f) return;
  const float half_width = range / static_cast<float>(m.cols());
  // Each row has its own stream, so the values do not depend on the thread count.
#pragma omp parallel for schedule(static)
  for (std::size_t r = 0; r < m.rows(); ++r) {
    Rng rng(seed, stream + 2 * r);
    float* row = m.row(r);
    for (std::size_t c = 0; c < m.cols(); ++c) row[c] = (2.0f * rng.uniform() - 1.0f) * half_width;
  }
}

}  // namespace

void Matrix::Free::operator()(float* p) const { std::free(p); }

Matrix::Matrix(std::size_t rows, std::size_t cols)
    : rows_(rows), cols_(cols), stride_((cols + kAlignFloats - 1) / kAlignFloats * kAlignFloats) {
  const std::size_t bytes = std::max<std::size_t>(rows_ * stride_ * sizeof(float), 64);
  // Training and search touch rows at random: on 2 MiB pages the TLB covers a whole
  // matrix, and the kernel maps and zeroes it in far fewer faults.
  const std::size_t align = bytes >= kHugePage ? kHugePage : 64;
  const std::size_t size = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, size);
  if (p == nullptr) throw std::bad_alloc();
  if (align == kHugePage) ::madvise(p, size, MADV_HUGEPAGE);
  std::memset(p, 0, bytes);
  data_.reset(static_cast<float*>(p));
}

bool Matrix::all_finite() const {
  bool finite = true;
#pragma omp parallel for schedule(static) reduction(&& : finite)
  for (std::size_t r = 0; r < rows_; ++r) {
    const float* x = row(r);
    for (std::size_t c = 0; c < cols_; ++c) finite = finite && std::isfinite(x[c]);
  }
  return finite;
}

void set_row_norms(Matrix& m, float norm) {
#pragma omp parallel for schedule(static)
  for (std::size_t r = 0; r < m.rows(); ++r) {
    float* row = m.row(r);
    const double sq = squared_norm(row, m.cols());
    if (sq > 0) {
      const float inv = static_cast<float>(norm / std::sqrt(sq));
      for (std::size_t c = 0; c < m.cols(); ++c) row[c] *= inv;
    }
  }
}

void add_unit_rows(Matrix& words, const Matrix& contexts, float context_weight) {
#pragma omp parallel for schedule(static)
  for (std::size_t r = 0; r < words.rows(); ++r) {
    float* w = words.row(r);
    const float* c = contexts.row(r);
    const float wi = inverse_norm(w, words.cols());
    const float ci = context_weight * inverse_norm(c, words.cols());
    for (std::size_t k = 0; k < words.cols(); ++k) w[k] = wi * w[k] + ci * c[k];
  }
}

Model::Model(std::size_t vocab_size, std::size_t dim, const MergeParams& merge_params,
             const ModelInit& init, std::uint64_t seed, bool with_nodes)
    : words(vocab_size, dim),
      contexts(vocab_size, dim),
      nodes(with_nodes ? vocab_size : 0, dim),
      merge(merge_params) {
  fill_uniform(words, init.word_range, seed, 0);
  fill_uniform(contexts, init.context_range, seed, 1);
  // Streams 2r and 2r + 1 are the words' and contexts': the nodes draw from another seed.
  fill_uniform(nodes, init.context_range, ~seed, 0);
  if (init.row_norm > 0.0f) {
    set_row_norms(words, init.row_norm);
    set_row_norms(contexts, init.row_norm);
    set_row_norms(nodes, init.row_norm);
  }
}

}  // namespace w2v
