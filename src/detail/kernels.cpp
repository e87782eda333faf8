#include "detail/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace w2v::detail {
namespace {

constexpr float kMinLogit = -87.0f;
constexpr float kMaxLogit = 87.0f;

inline float bits_to_float(std::int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}
inline std::int32_t float_to_bits(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}

// e^x = 2^n e^r with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2], ln 2 split
// in two parts (Cody-Waite) so that r keeps full precision; e^r by its Taylor series to
// degree 7. Branch-free so that loops over it vectorize.
#pragma omp declare simd
inline float exp_approx(float x) {
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  return p * bits_to_float((static_cast<std::int32_t>(n) + 127) << 23);
}

// ln x = k ln 2 + ln m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(y), y = (m-1)/(m+1).
#pragma omp declare simd
inline float log_approx(float x) {
  const std::int32_t bits = float_to_bits(x);
  std::int32_t k = ((bits >> 23) & 0xFF) - 127;
  float m = bits_to_float((bits & 0x007FFFFF) | 0x3F800000);
  const bool high = m > 1.41421356f;
  m = high ? 0.5f * m : m;
  k = high ? k + 1 : k;
  const float y = (m - 1.0f) / (m + 1.0f);
  const float y2 = y * y;
  float p = 1.0f / 9.0f;
  p = p * y2 + 1.0f / 7.0f;
  p = p * y2 + 1.0f / 5.0f;
  p = p * y2 + 1.0f / 3.0f;
  p = p * y2 + 1.0f;
  return static_cast<float>(k) * 0.69314718055994531f + 2.0f * y * p;
}

// Rows are a multiple of kLanes floats long (Matrix pads them), so a dot product keeps
// kLanes partial sums: GCC vectorizes that without -ffast-math, and the summation order,
// hence every result, is the same whatever vector width the build targets.
constexpr int kLanes = 16;

// The steps below are inlined into each ISA clone of the kernels that call them.
#define W2V_ALWAYS_INLINE inline __attribute__((always_inline))

// y - sigmoid(s), the log-likelihood gradient with respect to the logit s, and the pair's
// loss, with s clamped to [kMinLogit, kMaxLogit] (NaN to kMinLogit, so that the exponential
// never sees it). One place for every kernel's sigmoid loop.
struct LogitStep {
  float grad, loss;
};
W2V_ALWAYS_INLINE LogitStep logistic(float raw, float y) {
  const float s = raw > kMaxLogit ? kMaxLogit : raw > kMinLogit ? raw : kMinLogit;
  const float e = exp_approx(-s);
  return {y - 1.0f / (1.0f + e), log_approx(1.0f + e) + (1.0f - y) * s};
}

// Whether rows are held to a norm limit after each step: a cos setting.
inline bool limits_norm(const MergeParams& merge) {
  return merge.merge == Merge::kCos && merge.max_norm > 0.0f;
}

template <class T>
T* sized(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

}  // namespace

float fast_exp(float x) { return exp_approx(x); }
float fast_log(float x) { return log_approx(x); }

namespace {
// The norm limit in double precision, for the references.
void reference_cap(float* row, int dim, const MergeParams& merge) {
  if (!limits_norm(merge)) return;
  const double max_norm = merge.max_norm;
  double sq = 0;
  for (int d = 0; d < dim; ++d) sq += double(row[d]) * row[d];
  if (sq > max_norm * max_norm) {
    for (int d = 0; d < dim; ++d) row[d] = static_cast<float>(row[d] * max_norm / std::sqrt(sq));
  }
}

// One pair of the references: its step (-lr x its gradient) added to du and dv, its loss and
// scale and bias gradients to stats. False, with stats.finite cleared, for a pair that is not
// finite.
bool add_pair_step(const MergeParams& merge, const float* u, const float* v, int dim, int label,
                   float lr, std::vector<double>& du, std::vector<double>& dv, BlockStats& stats) {
  const PairGradient g = merge_gradient(merge, u, v, dim, label);
  if (!std::isfinite(merge_logit(merge, u, v, dim)) || !std::isfinite(g.loss)) {
    stats.finite = false;
    return false;
  }
  for (int d = 0; d < dim; ++d) {
    du[d] -= lr * g.du[d];
    dv[d] -= lr * g.dv[d];
  }
  stats.loss += g.loss;
  stats.pairs += 1;
  stats.scale_ascent -= g.dscale;
  stats.bias_ascent -= g.dbias;
  return true;
}

// 16 spare floats let the start be moved to a 64-byte boundary.
float* aligned_rows(std::vector<float>& storage, int rows, int dim) {
  float* p = sized(storage, static_cast<std::size_t>(rows) * dim + 16);
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  return reinterpret_cast<float*>((addr + 63) & ~std::uintptr_t{63});
}
}  // namespace

void BlockScratch::grow(int m, int n) {
  fitted_m_ = std::max(m, fitted_m_);
  fitted_n_ = std::max(n, fitted_n_);
  // Whole vectors of rows, for the loops over output rows that run over padding.
  const auto rows =
      (static_cast<std::size_t>(std::max(fitted_m_, fitted_n_)) + kLanes - 1) / kLanes * kLanes;
  // The sigmoid loop runs over whole vectors of pairs.
  const auto pairs =
      (static_cast<std::size_t>(fitted_m_) * fitted_n_ + kLanes - 1) / kLanes * kLanes;
  for (auto* v : {&logits, &cosines, &coefficients, &labels}) v->resize(pairs);
  for (auto* v : {&in_inverse_norm, &out_inverse_norm, &in_shrink, &out_shrink, &in_pull, &out_pull,
                  &out_norm_sq, &pair_dots, &out_keep, &out_steps}) {
    v->resize(rows);
  }
}

float* BlockScratch::delta(int m, int dim) { return aligned_rows(delta_storage, m, dim); }
float* BlockScratch::out_delta(int n, int dim) { return aligned_rows(out_delta_storage, n, dim); }
float* BlockScratch::pooled(int dim) { return aligned_rows(pooled_storage, 1, dim); }

#include "detail/vector_clones.hpp"

// The kernels' code, in three copies, one per kind of x86-64 machine, picked at run time:
// - wide, for AVX-512: kLanes floats as one 16-float vector in one register, and CBOW's
//   pooled row held in registers (32 of them);
// - halves, for AVX2: the value as two vectors of 8. GCC keeps a 16-float vector on the
//   stack when registers are 256 bits wide, and training ran 5-6x slower so;
// - baseline, for the rest (SSE2): the 16-float vector. Holding the pooled row in its 16
//   registers cost 8% there.
// Where clones are not built (AddressSanitizer, clang), one copy for the compiler's target,
// with every path, so that the tests cover them (benchmarks.md).
#if W2V_HAS_VECTOR_CLONES
namespace wide {
#define W2V_HALF_LANES 0
#define W2V_REGISTER_BLOCKS 12
#define W2V_KERNEL_TARGET __attribute__((target("arch=x86-64-v4")))
#include "detail/kernel_steps.inc"
}  // namespace wide

namespace halves {
#define W2V_HALF_LANES 1
#define W2V_REGISTER_BLOCKS 0
#define W2V_KERNEL_TARGET __attribute__((target("arch=x86-64-v3")))
#include "detail/kernel_steps.inc"
}  // namespace halves

namespace baseline {
#define W2V_HALF_LANES 0
#define W2V_REGISTER_BLOCKS 0
#define W2V_KERNEL_TARGET
#include "detail/kernel_steps.inc"
}  // namespace baseline
#else
namespace baseline {
#define W2V_HALF_LANES 0
#define W2V_REGISTER_BLOCKS 12
#define W2V_KERNEL_TARGET
#include "detail/kernel_steps.inc"
}  // namespace baseline
namespace wide = baseline;
namespace halves = baseline;
#endif

namespace {
enum class Copy { kWide, kHalves, kBaseline };

// Which copy this machine runs: a property of the machine, read once.
Copy machine_copy() {
#if W2V_HAS_VECTOR_CLONES
  static const Copy copy = __builtin_cpu_supports("x86-64-v4")   ? Copy::kWide
                           : __builtin_cpu_supports("x86-64-v3") ? Copy::kHalves
                                                                 : Copy::kBaseline;
  return copy;
#else
  return Copy::kBaseline;
#endif
}

// The machine's copy of a kernel.
template <class Kernel>
Kernel* pick(Kernel* wide_kernel, Kernel* halves_kernel, Kernel* baseline_kernel) {
  switch (machine_copy()) {
    case Copy::kWide:
      return wide_kernel;
    case Copy::kHalves:
      return halves_kernel;
    case Copy::kBaseline:
      break;
  }
  return baseline_kernel;
}
}  // namespace

void train_block(float* const* in, int m, float* const* out, int n, int positives, int dim,
                 float lr, const MergeParams& merge, BlockScratch& scratch, BlockStats& stats) {
  pick(wide::train_block, halves::train_block, baseline::train_block)(in, m, out, n, positives, dim,
                                                                      lr, merge, scratch, stats);
}

void train_block_in_turn(float* const* in, int m, float* const* out, int n, int positives, int dim,
                         float lr, const MergeParams& merge, BlockScratch& scratch,
                         BlockStats& stats) {
  pick(wide::train_block_in_turn, halves::train_block_in_turn, baseline::train_block_in_turn)(
      in, m, out, n, positives, dim, lr, merge, scratch, stats);
}

void train_pooled_block(float* const* in, int m, bool mean, float* const* out, int n, int positives,
                        int dim, float lr, const MergeParams& merge, BlockScratch& scratch,
                        BlockStats& stats) {
  pick(wide::train_pooled_block, halves::train_pooled_block, baseline::train_pooled_block)(
      in, m, mean, out, n, positives, dim, lr, merge, scratch, stats);
}

void cap_row(float* row, int dim, const MergeParams& merge) {
  if (limits_norm(merge)) baseline::cap_norm(row, dim, merge.max_norm);
}

void train_block_in_turn_reference(float* const* in, int m, float* const* out, int n, int positives,
                                   int dim, float lr, const MergeParams& merge, BlockStats& stats) {
  for (int i = 0; i < m && stats.finite; ++i) {
    train_block_reference(in + i, 1, out, n, positives, dim, lr, merge, stats);
  }
}

void train_pooled_block_reference(float* const* in, int m, bool mean, float* const* out, int n,
                                  int positives, int dim, float lr, const MergeParams& merge,
                                  BlockStats& stats) {
  std::vector<float> h(static_cast<std::size_t>(dim), 0.0f);
  for (int d = 0; d < dim; ++d) {
    double sum = 0;
    for (int i = 0; i < m; ++i) sum += in[i][d];
    h[d] = static_cast<float>(mean ? sum / m : sum);
  }
  std::vector<double> dh(static_cast<std::size_t>(dim), 0.0);
  std::vector<std::vector<double>> dout(n, std::vector<double>(dim, 0.0));
  for (int j = 0; j < n; ++j) {
    if (!add_pair_step(merge, h.data(), out[j], dim, j < positives ? 1 : 0, lr, dh, dout[j],
                       stats)) {
      return;
    }
  }
  // Each place in turn: a row at two places takes the step and the limit twice.
  for (int i = 0; i < m; ++i) {
    for (int d = 0; d < dim; ++d) in[i][d] += static_cast<float>(dh[d]);
    reference_cap(in[i], dim, merge);
  }
  for (int j = 0; j < n; ++j) {
    for (int d = 0; d < dim; ++d) out[j][d] += static_cast<float>(dout[j][d]);
  }
  for (int j = 0; j < n; ++j) reference_cap(out[j], dim, merge);
}

void train_block_reference(float* const* in, int m, float* const* out, int n, int positives,
                           int dim, float lr, const MergeParams& merge, BlockStats& stats) {
  std::vector<std::vector<double>> din(m, std::vector<double>(dim, 0.0));
  std::vector<std::vector<double>> dout(n, std::vector<double>(dim, 0.0));
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      if (!add_pair_step(merge, in[i], out[j], dim, j < positives ? 1 : 0, lr, din[i], dout[j],
                         stats)) {
        return;
      }
    }
  }
  for (int i = 0; i < m; ++i) {
    for (int d = 0; d < dim; ++d) in[i][d] += static_cast<float>(din[i][d]);
  }
  for (int j = 0; j < n; ++j) {
    for (int d = 0; d < dim; ++d) out[j][d] += static_cast<float>(dout[j][d]);
  }
  for (int i = 0; i < m; ++i) reference_cap(in[i], dim, merge);
  for (int j = 0; j < n; ++j) reference_cap(out[j], dim, merge);
}

}  // namespace w2v::detail
