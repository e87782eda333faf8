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

// kLanes floats as one value: GCC's vector extension makes each clone use its widest
// registers for the lane-wise sums (left alone, GCC keeps fused loops' sums scalar).
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
// Lanes never cross a call (the helpers are inlined), so the warning about its ABI is moot.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

W2V_ALWAYS_INLINE Lanes load_lanes(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

W2V_ALWAYS_INLINE void store_lanes(float* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

// The lanes summed by halves (lane k + lane k + w, w = 8, 4, 2, 1): four dependent adds
// instead of fifteen, in an order every vector width follows.
W2V_ALWAYS_INLINE float sum_lanes(Lanes v) {
  typedef float Half __attribute__((vector_size(kLanes / 2 * sizeof(float))));
  typedef float Quarter __attribute__((vector_size(kLanes / 4 * sizeof(float))));
  const Half h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                 __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  const Quarter q =
      __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
  return (q[0] + q[2]) + (q[1] + q[3]);
}

inline float dot(const float* __restrict a, const float* __restrict b, int dim) {
  Lanes acc = {};
  for (int d = 0; d < dim; d += kLanes) acc += load_lanes(a + d) * load_lanes(b + d);
  return sum_lanes(acc);
}

inline void axpy(float alpha, const float* __restrict x, float* __restrict y, int dim) {
#pragma omp simd aligned(x, y : 64)
  for (int d = 0; d < dim; ++d) y[d] += alpha * x[d];
}

inline void scale_row(float alpha, float* __restrict y, int dim) {
#pragma omp simd aligned(y : 64)
  for (int d = 0; d < dim; ++d) y[d] *= alpha;
}

// The norm limit for a row whose squared norm sq is known (from the pass that wrote it).
inline void cap_known_norm(float* __restrict y, int dim, float sq, float max_norm) {
  if (sq > max_norm * max_norm) scale_row(max_norm / std::sqrt(sq), y, dim);
}

inline void cap_norm(float* __restrict y, int dim, float max_norm) {
  cap_known_norm(y, dim, dot(y, y, dim), max_norm);
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

void cap_row(float* row, int dim, const MergeParams& merge) {
  if (limits_norm(merge)) cap_norm(row, dim, merge.max_norm);
}

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

namespace {

// a.b, with b.b from the same pass over b; both summed as dot() sums.
W2V_ALWAYS_INLINE float dot_and_norm(const float* a, const float* b, int dim, float& bb) {
  Lanes ab = {}, sq = {};
  for (int d = 0; d < dim; d += kLanes) {
    const Lanes x = load_lanes(a + d), y = load_lanes(b + d);
    ab += x * y;
    sq += y * y;
  }
  bb = sum_lanes(sq);
  return sum_lanes(ab);
}

// y = alpha x + sum_k coefs[k x stride] rows[k] in one pass over y (x may be y), adding
// the rows in order as alpha x and then one axpy per row would. Returns y.y afterwards,
// summed as dot() sums, so that a norm limit checked on it agrees with cap_norm. Passing y
// once instead of once per row halves the loads and stores.
W2V_ALWAYS_INLINE float scale_add_rows(float alpha, const float* x, float* y,
                                       const float* const* rows, int count, const float* coefs,
                                       int stride, int dim) {
  Lanes sq = {};
  for (int d = 0; d < dim; d += kLanes) {
    Lanes v = alpha * load_lanes(x + d);
    for (int k = 0; k < count; ++k) v += coefs[k * stride] * load_lanes(rows[k] + d);
    store_lanes(y + d, v);
    sq += v * v;
  }
  return sum_lanes(sq);
}

// One input row x against distinct output rows, in one pass over them: delta = alpha x +
// sum_j coefs[j] out_j from the rows as they were (summed as scale_add_rows sums), and
// out_j = keep[j] out_j + steps[j] x in place. Each output row is read once, not twice.
W2V_ALWAYS_INLINE void step_one_input(const float* x, float alpha, float* delta, float* const* out,
                                      int n, const float* coefs, const float* keep,
                                      const float* steps, int dim) {
  for (int d = 0; d < dim; d += kLanes) {
    const Lanes xv = load_lanes(x + d);
    Lanes acc = alpha * xv;
    for (int j = 0; j < n; ++j) {
      const Lanes o = load_lanes(out[j] + d);
      acc += coefs[j] * o;
      store_lanes(out[j] + d, keep[j] * o + steps[j] * xv);
    }
    store_lanes(delta + d, acc);
  }
}

// One input row x against distinct output rows, in place: out_j = keep[j] out_j + steps[j] x,
// and x += delta, delta = alpha x + sum_j coefs[j] out_j from the rows before the step
// (summed in that order, as scale_add_rows sums). With next (a row other than x), next.out_j
// after the step goes to next_dots[j] and next.next to *next_sq. Returns x.x after the step.
// Row by row rather than lane block by lane block: each row's pass is a chain of
// independent lane blocks, and only the delta row (scratch, in L1) is read back.
W2V_ALWAYS_INLINE float step_input_in_place(float* x, float alpha, float* delta, float* const* out,
                                            int n, const float* coefs, const float* keep,
                                            const float* steps, const float* next, float* next_dots,
                                            float* next_sq, int dim) {
  for (int d = 0; d < dim; d += kLanes) store_lanes(delta + d, alpha * load_lanes(x + d));
  for (int j = 0; j < n; ++j) {
    float* o_row = out[j];
    const float c = coefs[j], k = keep[j], s = steps[j];
    Lanes carried = {};
    for (int d = 0; d < dim; d += kLanes) {
      const Lanes o = load_lanes(o_row + d);
      store_lanes(delta + d, load_lanes(delta + d) + c * o);
      const Lanes o2 = k * o + s * load_lanes(x + d);
      store_lanes(o_row + d, o2);
      if (next != nullptr) carried += o2 * load_lanes(next + d);
    }
    if (next != nullptr) next_dots[j] = sum_lanes(carried);
  }
  Lanes sq = {}, nsq = {};
  for (int d = 0; d < dim; d += kLanes) {
    const Lanes x2 = load_lanes(x + d) + load_lanes(delta + d);
    store_lanes(x + d, x2);
    sq += x2 * x2;
    if (next != nullptr) {
      const Lanes nv = load_lanes(next + d);
      nsq += nv * nv;
    }
  }
  if (next != nullptr) *next_sq = sum_lanes(nsq);
  return sum_lanes(sq);
}
#pragma GCC diagnostic pop

// Rows updated in place must be distinct: a row that repeats takes each of its steps from
// the row before the step, which only a buffer gives. No early exit: repeats are rare, and
// a branch per compare cost more than the compares (benchmarks.md).
W2V_ALWAYS_INLINE bool any_repeat(float* const* rows, int k) {
  bool repeat = false;
  for (int a = 1; a < k; ++a) {
    const float* row = rows[a];
    for (int b = 0; b < a; ++b) repeat |= rows[b] == row;
  }
  return repeat;
}

// One input row's pairs with n distinct output rows, in whole vectors of output rows: the
// scratch rows below, and the padding that lets every loop over them run to a vector's end.
struct PairRows {
  int padded;
  float* __restrict labels;  // 1 for the first `positives` rows and the padding, else 0
  float* __restrict dots;    // x.out_j, filled by the caller (padding: 0)
  float* __restrict out_sq;  // out_j.out_j, filled by the caller (padding: 1); score_row
                             // leaves there the squared norm after the row's step
  float* __restrict coef;    // the step's coefficients, keeps and steps for
  float* __restrict keep;    // step_one_input and step_input_in_place
  float* __restrict steps;
};

W2V_ALWAYS_INLINE PairRows pair_rows(int n, int positives, BlockScratch& scratch) {
  scratch.fit(1, n);
  PairRows r{(n + kLanes - 1) / kLanes * kLanes,
             scratch.labels.data(),
             scratch.pair_dots.data(),
             scratch.out_norm_sq.data(),
             scratch.coefficients.data(),
             scratch.out_keep.data(),
             scratch.out_steps.data()};
  for (int j = 0; j < r.padded; ++j) {
    r.labels[j] = j < positives || j >= n ? 1.0f : 0.0f;
    r.dots[j] = 0.0f;
    r.out_sq[j] = 1.0f;
  }
  return r;
}

struct RowScore {
  float loss, scale_up, bias_up;
  float alpha;  // the input row's own coefficient in its step (cos's shrink)
  bool finite;
};

// Every pair's arithmetic for an input row x (x.x = x_sq) in one loop over whole vectors of
// output rows, branch-free: padding rows (label 1, dot 0, norm 1) score the largest logit and
// take no step. Not finite: a logit was NaN or infinite, and the rows' coefficients are moot.
W2V_ALWAYS_INLINE RowScore score_row(float x_sq, int n, float lr, const MergeParams& merge,
                                     const PairRows& r) {
  const bool cos = merge.merge == Merge::kCos;
  const bool capped = limits_norm(merge);
  const float max_sq = merge.max_norm * merge.max_norm;
  const float floor = static_cast<float>(kNormFloor);
  float x_inv = 1.0f, x_shrink = 0.0f;
  if (cos) {
    x_inv = 1.0f / std::sqrt(std::max(x_sq, floor));
    x_shrink = x_sq > floor ? x_inv * x_inv : 0.0f;
  }
  const float a = cos ? merge.scale : 1.0f, b = cos ? merge.bias : 0.0f;
  const float max_norm = merge.max_norm;
  const float* __restrict labels = r.labels;
  const float* __restrict dots = r.dots;
  float* __restrict out_sq = r.out_sq;
  float* __restrict coef = r.coef;
  float* __restrict keep = r.keep;
  float* __restrict steps = r.steps;
  float loss = 0.0f, scale_up = 0.0f, bias_up = 0.0f, pull = 0.0f, not_finite = 0.0f;
  for (int base = 0; base < r.padded; base += kLanes) {
#pragma omp simd reduction(+ : loss, scale_up, bias_up, pull, not_finite)
    for (int lane = 0; lane < kLanes; ++lane) {
      const int j = base + lane;
      const float y = labels[j];
      const float o_sq = out_sq[j], o_inv = 1.0f / std::sqrt(std::max(o_sq, floor));
      const float c = cos ? dots[j] * x_inv * o_inv : dots[j];
      const float raw = j < n ? a * c + b : kMaxLogit;
      not_finite += std::fabs(raw) <= 3.0e38f ? 0.0f : 1.0f;
      const LogitStep p = logistic(raw, y);  // a NaN makes the row not finite
      const float grad = j < n ? p.grad : 0.0f;
      loss += p.loss;
      scale_up += grad * c;
      bias_up += grad;
      const float g = lr * a * grad;
      const float gc = g * c;
      pull += gc;
      const float kept = cos && o_sq > floor ? 1.0f - o_inv * o_inv * gc : 1.0f;
      const float step = cos ? g * x_inv * o_inv : g;
      coef[j] = step;
      // The row's norm after its step, ahead of it: |k o + c x|^2 = k^2 |o|^2 + 2 k c o.x +
      // c^2 |x|^2; the limit folds into keep and step.
      const float sq = kept * kept * o_sq + 2.0f * kept * step * dots[j] + step * step * x_sq;
      const float f = capped && sq > max_sq ? max_norm / std::sqrt(sq) : 1.0f;
      keep[j] = f * kept;
      steps[j] = f * step;
      out_sq[j] = f * f * sq;
    }
  }
  return {loss, scale_up, bias_up, -x_shrink * pull, not_finite == 0.0f};
}

// step_outputs for one input row x (x.x = x_sq, needed by cos only) and distinct output
// rows: out_j = keep_j out_j + step_j x in one pass over each row, with the norm limit
// folded into keep and step ahead of it.
W2V_ALWAYS_INLINE float* step_outputs_of_row(const float* x, float x_sq, float* const* out, int n,
                                             int positives, int dim, float lr,
                                             const MergeParams& merge, BlockScratch& scratch,
                                             BlockStats& stats) {
  const PairRows rows = pair_rows(n, positives, scratch);
  for (int j = 0; j < n; ++j) rows.dots[j] = dot_and_norm(x, out[j], dim, rows.out_sq[j]);
  const RowScore score = score_row(x_sq, n, lr, merge, rows);
  if (!score.finite) {
    stats.finite = false;
    return nullptr;
  }
  stats.loss += score.loss;
  stats.pairs += n;
  if (merge.merge == Merge::kCos) {
    stats.scale_ascent += score.scale_up;
    stats.bias_ascent += score.bias_up;
  }
  float* delta = scratch.delta(1, dim);
  step_one_input(x, score.alpha, delta, out, n, rows.coef, rows.keep, rows.steps, dim);
  return delta;
}

// What train_block and train_pooled_block share: scores the m x n pairs, steps (and caps) the
// output rows, and returns the input rows' steps (m rows of scratch, from the rows before the
// step) without applying them. Null when a logit is not finite (stats.finite is then false)
// or m is 0; then nothing changed.
W2V_ALWAYS_INLINE float* step_outputs(float* const* in, int m, float* const* out, int n,
                                      int positives, int dim, float lr, const MergeParams& merge,
                                      BlockScratch& scratch, BlockStats& stats,
                                      const float* in_sq = nullptr) {
  if (m == 0) return nullptr;  // nothing to step (stats stay finite)
  if (m == 1 && !any_repeat(out, n)) {
    const bool cos = merge.merge == Merge::kCos;
    const float sq = !cos ? 0.0f : in_sq != nullptr ? in_sq[0] : dot(in[0], in[0], dim);
    return step_outputs_of_row(in[0], sq, out, n, positives, dim, lr, merge, scratch, stats);
  }
  const int mn = m * n;
  // The sigmoid and loss loop runs over whole vectors: padding pairs with the largest logit
  // and label 1 add exactly 0 to the loss and to the gradients.
  const int padded = (mn + kLanes - 1) / kLanes * kLanes;
  const bool cos = merge.merge == Merge::kCos;
  const bool capped = limits_norm(merge);
  scratch.fit(m, n);
  float* __restrict logits = scratch.logits.data();
  float* __restrict cosines = scratch.cosines.data();
  float* __restrict coef = scratch.coefficients.data();
  float* __restrict labels = scratch.labels.data();
  float* __restrict in_inv = scratch.in_inverse_norm.data();
  float* __restrict out_inv = scratch.out_inverse_norm.data();
  float* __restrict in_shrink = scratch.in_shrink.data();
  float* __restrict out_shrink = scratch.out_shrink.data();

  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) labels[i * n + j] = j < positives ? 1.0f : 0.0f;
  }
  float* __restrict out_sq = scratch.out_norm_sq.data();
  if (cos) {
    // Norms once per row, not once per pair; the output rows' in the first row's pass.
    for (int j = 0; j < n; ++j) {
      float sq;
      logits[j] = dot_and_norm(in[0], out[j], dim, sq);
      out_sq[j] = sq;
    }
    for (int j = 0; j < n; ++j) {
      out_inv[j] = 1.0f / std::sqrt(std::max(out_sq[j], static_cast<float>(kNormFloor)));
      out_shrink[j] = out_sq[j] > static_cast<float>(kNormFloor) ? 1.0f : 0.0f;
    }
    for (int i = 1; i < m; ++i) {
      for (int j = 0; j < n; ++j) logits[i * n + j] = dot(in[i], out[j], dim);
    }
    for (int i = 0; i < m; ++i) {
      const float sq = in_sq != nullptr ? in_sq[i] : dot(in[i], in[i], dim);
      in_inv[i] = 1.0f / std::sqrt(std::max(sq, static_cast<float>(kNormFloor)));
      in_shrink[i] = sq > static_cast<float>(kNormFloor) ? 1.0f : 0.0f;
    }
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        const float c = logits[i * n + j] * in_inv[i] * out_inv[j];
        cosines[i * n + j] = c;
        logits[i * n + j] = merge.scale * c + merge.bias;
      }
    }
  } else {
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) logits[i * n + j] = dot(in[i], out[j], dim);
    }
  }

  bool finite = true;
  for (int k = 0; k < mn; ++k) finite = finite && std::fabs(logits[k]) <= 3.0e38f;
  if (!finite) {
    stats.finite = false;
    return nullptr;
  }
  for (int k = mn; k < padded; ++k) {
    logits[k] = kMaxLogit;
    labels[k] = 1.0f;
  }

  // coef = y - sigmoid(s), the log-likelihood gradient with respect to the logit.
  float loss = 0.0f;
#pragma omp simd reduction(+ : loss)
  for (int k = 0; k < padded; ++k) {
    const LogitStep p = logistic(logits[k], labels[k]);
    coef[k] = p.grad;
    loss += p.loss;
  }
  stats.loss += loss;
  stats.pairs += mn;

  float* delta = scratch.delta(m, dim);
  if (cos) {
    float scale_ascent = 0.0f, bias_ascent = 0.0f;
    for (int k = 0; k < mn; ++k) {
      scale_ascent += coef[k] * cosines[k];
      bias_ascent += coef[k];
    }
    stats.scale_ascent += scale_ascent;
    stats.bias_ascent += bias_ascent;
    // d cos/du = iu iv v - cos iu^2 u: a weighted sum of the other side's rows plus a
    // shrink of the row itself.
    for (int i = 0; i < m; ++i) in_shrink[i] *= in_inv[i] * in_inv[i];
    for (int j = 0; j < n; ++j) out_shrink[j] *= out_inv[j] * out_inv[j];
    float* __restrict ip = scratch.in_pull.data();
    float* __restrict op = scratch.out_pull.data();
    for (int i = 0; i < m; ++i) ip[i] = 0.0f;
    for (int j = 0; j < n; ++j) op[j] = 0.0f;
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        const float g = lr * merge.scale * coef[i * n + j];
        const float c = cosines[i * n + j];
        ip[i] += g * c;
        op[j] += g * c;
        coef[i * n + j] = g * in_inv[i] * out_inv[j];
      }
    }
    for (int i = 0; i < m; ++i) in_shrink[i] *= ip[i];
    for (int j = 0; j < n; ++j) out_shrink[j] *= op[j];
  } else {
    for (int k = 0; k < mn; ++k) coef[k] *= lr;
  }

  // delta_i = sum_j coef_ij out_j - shrink_i in_i, from the rows before the step.
  for (int i = 0; i < m; ++i) {
    const float sh = cos ? -in_shrink[i] : 0.0f;
    scale_add_rows(sh, in[i], delta + static_cast<std::size_t>(i) * dim, out, n, coef + i * n, 1,
                   dim);
  }
  if (!cos) {
    // Plain sums of the input rows, which this step has not changed yet. A repeated output
    // row takes its steps one after the other, each pass reading the last one's result.
    for (int j = 0; j < n; ++j) scale_add_rows(1.0f, out[j], out[j], in, m, coef + j, n, dim);
  } else if (!any_repeat(out, n)) {
    // out_j = (1 - shrink_j) out_j + sum_i coef_ij in_i in place, its norm from the same pass.
    for (int j = 0; j < n; ++j) {
      const float sq =
          scale_add_rows(1.0f - out_shrink[j], out[j], out[j], in, m, coef + j, n, dim);
      if (capped) cap_known_norm(out[j], dim, sq, merge.max_norm);
    }
  } else {
    float* out_delta = scratch.out_delta(n, dim);
    for (int j = 0; j < n; ++j) {
      scale_add_rows(-out_shrink[j], out[j], out_delta + static_cast<std::size_t>(j) * dim, in, m,
                     coef + j, n, dim);
    }
    for (int j = 0; j < n; ++j)
      axpy(1.0f, out_delta + static_cast<std::size_t>(j) * dim, out[j], dim);
    if (capped) {
      for (int j = 0; j < n; ++j) cap_norm(out[j], dim, merge.max_norm);
    }
  }
  return delta;
}

// in_i += its step, the m rows at steps, then the norm limit. A row at several places takes
// its steps summed and then the limit, as train_block_reference does.
W2V_ALWAYS_INLINE void apply_input_steps(float* const* in, int m, const float* steps, int dim,
                                         const MergeParams& merge) {
  const std::size_t stride = static_cast<std::size_t>(dim);
  const bool capped = limits_norm(merge);
  if (capped && !any_repeat(in, m)) {
    for (int i = 0; i < m; ++i) {
      const float* const step[] = {steps + i * stride};
      const float one = 1.0f;
      const float sq = scale_add_rows(1.0f, in[i], in[i], step, 1, &one, 0, dim);
      cap_known_norm(in[i], dim, sq, merge.max_norm);
    }
    return;
  }
  for (int i = 0; i < m; ++i) axpy(1.0f, steps + i * stride, in[i], dim);
  if (capped) {
    for (int i = 0; i < m; ++i) cap_norm(in[i], dim, merge.max_norm);
  }
}

// CBOW's step, the same for every place in the window: each place in turn takes it and then
// the norm limit, in one pass over its row. A row at two places takes both, each followed by
// the limit, as stepping the places one by one would, so there is no check for repeats: a
// quarter of the blocks at window 8 have one, and the check with the two passes per place
// that a repeat took cost 5% of CBOW's time there (benchmarks.md).
W2V_ALWAYS_INLINE void apply_pooled_step(float* const* in, int m, const float* step, int dim,
                                         const MergeParams& merge) {
  if (!limits_norm(merge)) {
    for (int i = 0; i < m; ++i) axpy(1.0f, step, in[i], dim);
    return;
  }
  const float* const rows[] = {step};
  const float one = 1.0f;
  for (int i = 0; i < m; ++i) {
    const float sq = scale_add_rows(1.0f, in[i], in[i], rows, 1, &one, 0, dim);
    cap_known_norm(in[i], dim, sq, merge.max_norm);
  }
}

}  // namespace

W2V_VECTOR_CLONES
void train_block(float* const* in, int m, float* const* out, int n, int positives, int dim,
                 float lr, const MergeParams& merge, BlockScratch& scratch, BlockStats& stats) {
  const float* delta = step_outputs(in, m, out, n, positives, dim, lr, merge, scratch, stats);
  if (delta != nullptr) apply_input_steps(in, m, delta, dim, merge);
}

W2V_VECTOR_CLONES
void train_block_in_turn(float* const* in, int m, float* const* out, int n, int positives, int dim,
                         float lr, const MergeParams& merge, BlockScratch& scratch,
                         BlockStats& stats) {
  if (m == 0) return;
  if (any_repeat(out, n)) {
    for (int i = 0; i < m && stats.finite; ++i) {
      train_block(in + i, 1, out, n, positives, dim, lr, merge, scratch, stats);
    }
    return;
  }
  const bool cos = merge.merge == Merge::kCos;
  const bool capped = limits_norm(merge);
  PairRows rows = pair_rows(n, positives, scratch);
  float* delta = scratch.delta(1, dim);
  float x_sq = 0.0f;
  bool have_dots = false;
  double loss_sum = 0, scale_ascent = 0, bias_ascent = 0;
  int stepped = 0;
  for (int i = 0; i < m; ++i, ++stepped) {
    float* x = in[i];
    if (!have_dots) {
      for (int j = 0; j < n; ++j) rows.dots[j] = dot_and_norm(x, out[j], dim, rows.out_sq[j]);
      x_sq = dot(x, x, dim);
    }
    const RowScore score = score_row(x_sq, n, lr, merge, rows);
    if (!score.finite) {
      stats.finite = false;
      break;
    }
    loss_sum += score.loss;
    if (cos) {
      scale_ascent += score.scale_up;
      bias_ascent += score.bias_up;
    }
    const float* next = i + 1 < m && in[i + 1] != x ? in[i + 1] : nullptr;
    float next_sq = 0.0f;
    const float sq = step_input_in_place(x, score.alpha, delta, out, n, rows.coef, rows.keep,
                                         rows.steps, next, rows.dots, &next_sq, dim);
    if (capped) cap_known_norm(x, dim, sq, merge.max_norm);
    have_dots = next != nullptr;
    x_sq = next_sq;
  }
  stats.loss += loss_sum;
  stats.pairs += static_cast<std::int64_t>(stepped) * n;
  stats.scale_ascent += scale_ascent;
  stats.bias_ascent += bias_ascent;
}

void train_block_in_turn_reference(float* const* in, int m, float* const* out, int n, int positives,
                                   int dim, float lr, const MergeParams& merge, BlockStats& stats) {
  for (int i = 0; i < m && stats.finite; ++i) {
    train_block_reference(in + i, 1, out, n, positives, dim, lr, merge, stats);
  }
}

W2V_VECTOR_CLONES
void train_pooled_block(float* const* in, int m, bool mean, float* const* out, int n, int positives,
                        int dim, float lr, const MergeParams& merge, BlockScratch& scratch,
                        BlockStats& stats) {
  if (m == 0) return;
  float* h = scratch.pooled(dim);
  const float weight = mean ? 1.0f / static_cast<float>(m) : 1.0f;
  const float h_sq = scale_add_rows(weight, in[0], h, in + 1, m - 1, &weight, 0, dim);
  // h is a scratch row: no norm limit applies to it, and its step goes to every input row.
  float* const pooled[] = {h};
  const float* step =
      step_outputs(pooled, 1, out, n, positives, dim, lr, merge, scratch, stats, &h_sq);
  if (step != nullptr) apply_pooled_step(in, m, step, dim, merge);
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
