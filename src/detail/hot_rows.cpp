#include "detail/hot_rows.hpp"

#include <algorithm>
#include <cstring>

#include "detail/kernels.hpp"

namespace w2v::detail {
namespace {

void copy_row(float* __restrict to, const float* __restrict from, std::size_t n) {
  std::memcpy(to, from, n * sizeof(float));
}

}  // namespace

HotRows::HotRows(Matrix& shared, std::size_t count, Combine combine)
    : shared_(&shared),
      count_(std::min(count, shared.rows())),
      combine_(combine),
      local_(count_, shared.cols()),
      base_(count_, shared.cols()) {
  for (std::size_t id = 0; id < count_; ++id) {
    copy_row(local_.row(id), shared.row(id), shared.stride());
    copy_row(base_.row(id), shared.row(id), shared.stride());
  }
}

void HotRows::sync(const MergeParams& merge) {
  const std::size_t n = shared_->stride();
  for (std::size_t id = 0; id < count_; ++id) {
    float* __restrict s = shared_->row(id);
    float* __restrict l = local_.row(id);
    float* __restrict b = base_.row(id);
    // A shared row this thread left alone is not written, so the other threads' caches
    // keep it.
    if (std::memcmp(l, b, n * sizeof(float)) != 0) {
      if (combine_ == Combine::kAverage) {
        for (std::size_t d = 0; d < n; ++d) s[d] = 0.5f * (s[d] + l[d]);
      } else {
        for (std::size_t d = 0; d < n; ++d) s[d] += l[d] - b[d];
      }
      cap_row(s, static_cast<int>(n), merge);
    }
    copy_row(l, s, n);
    copy_row(b, l, n);
  }
}

}  // namespace w2v::detail
