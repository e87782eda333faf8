#include "w2v/search.hpp"

#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <unordered_map>

#include "detail/parallel.hpp"
#include "w2v/error.hpp"
#include "w2v/option_range.hpp"

// The kernels below are plain loops; GCC builds each for baseline x86-64 (SSE2), AVX2+FMA
// and AVX-512 and picks one when the program loads, so a portable build still runs the
// wide version on a machine that has it.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(__SANITIZE_ADDRESS__)
#define W2V_KERNEL __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define W2V_KERNEL
#endif

namespace w2v {
namespace {

constexpr std::size_t kLanes = SearchIndex::kPanelRows;
constexpr std::size_t kBlockPanels = 16;  // rows scored per step: 256
constexpr std::size_t kBlockRows = kBlockPanels * kLanes;
constexpr std::size_t kMaxProbes = 1024;             // distinct term rows per batch
constexpr std::size_t kMaxBatchNeighbors = 1 << 20;  // queries per batch times k
constexpr float kCosMulEpsilon = 0.000001f;          // gensim's most_similar_cosmul
constexpr double kParallelWork = 1 << 25;            // multiply-adds worth a thread team
// Cosine queries: the fast score and gensim's each lie within about (3 dimensions + terms
// + 6) float epsilons (2^-24) times (1 + sum_t |coefficient|) of the exact cosine (the
// usual bound on rounded dot products, unit vectors and lengths: n epsilons times the sum
// of the absolute terms), so gensim's top k have fast scores no lower than the k-th best
// less twice the sum of the two bounds. The margin taken, kMarginUlps (dimensions + terms
// + 8) epsilons times (1 + sum_t |coefficient|), covers that.
constexpr double kMarginUlps = 8;

// out[i * ld + 16 q + l] = probe_i . row (16 q + l) of the block times inverse[16 q + l]
// (1 / the row's length: a cosine for a unit probe), for `count` panels. Four probes at a
// time keep 4 x 16 sums in registers while one panel streams by.
W2V_KERNEL
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
W2V_KERNEL
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
W2V_KERNEL
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
W2V_KERNEL
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

W2V_KERNEL
float max_of(const float* __restrict s, std::size_t n) {
  float best = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : best)
  for (std::size_t j = 0; j < n; ++j) best = std::max(best, s[j]);
  return best;
}

inline bool better(const Neighbor& a, const Neighbor& b) {
  return a.score > b.score || (a.score == b.score && a.row < b.row);
}

// The k best offers so far, heap.front() the worst of them, and the offers that came
// within `margin` below the k-th best (those will be scored again).
class TopK {
 public:
  void reset(std::size_t k, float margin) {
    k_ = k;
    margin_ = margin;
    heap_.clear();
    near_.clear();
    prune_at_ = 2 * k + 64;
  }
  // The k-th best score so far; -infinity while there are fewer than k.
  float kth() const {
    return heap_.size() < k_ ? -std::numeric_limits<float>::infinity() : heap_.front().score;
  }
  void offer(const Neighbor& n) {
    if (heap_.size() < k_) {
      heap_.push_back(n);
      std::push_heap(heap_.begin(), heap_.end(), better);
      return;
    }
    Neighbor out = n;  // the one that is not among the k best
    if (better(n, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      out = heap_.back();
      heap_.back() = n;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
    if (margin_ > 0 && out.score >= kth() - margin_) {
      near_.push_back(out);
      if (near_.size() >= prune_at_) {
        prune();
        prune_at_ = std::max(prune_at_, 2 * near_.size());
      }
    }
  }
  // Appends the k best and those within the margin of the k-th best.
  void collect(std::vector<Neighbor>& to) {
    prune();
    to.insert(to.end(), heap_.begin(), heap_.end());
    to.insert(to.end(), near_.begin(), near_.end());
  }

 private:
  void prune() {
    const float floor = kth() - margin_;
    near_.erase(std::remove_if(near_.begin(), near_.end(),
                               [&](const Neighbor& n) { return n.score < floor; }),
                near_.end());
  }

  std::size_t k_ = 0, prune_at_ = 0;
  float margin_ = 0;
  std::vector<Neighbor> heap_, near_;
};

// A query as the batch sees it: its terms as probe indices with coefficients.
struct Prepared {
  std::size_t first_term = 0, terms = 0;  // into Batch::probe_of_term / coef
  bool answerable = false;
  // Cosine: a bound on how far the fast score and gensim's can lie apart, twice over;
  // the rows that come within it of the k-th best fast score are scored again. 3CosMul: 0.
  float margin = 0;
};

struct Batch {
  std::vector<std::uint32_t> probe_rows;     // distinct term rows
  std::vector<std::uint32_t> probe_of_term;  // per term of every query
  std::vector<std::uint32_t> term_rows;      // per term: the row (excluded from answers)
  std::vector<float> coef;                   // per term
  std::vector<Prepared> queries;
};

}  // namespace

// gensim's arithmetic, operation by operation: no multiply and add may fuse into one FMA
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

// np.linalg.norm of a float32 row; `squares` holds n floats.
float numpy_norm(const float* x, std::size_t n, float* squares) {
  W2V_NO_FMA
  for (std::size_t d = 0; d < n; ++d) squares[d] = x[d] * x[d];
  return std::sqrt(numpy_sum(squares, n));
}

}  // namespace

void SearchIndex::gensim_mean(const Query& query, float* unit, float* out) const {
  W2V_NO_FMA
  // KeyedVectors.get_mean_vector(pre_normalize=True, post_normalize=True): the float32 sum
  // of weight * unit vector, most_similar's positive words first, then the negative ones,
  // divided by the sum of |weight|s ...
  std::fill(out, out + dim_, 0.0f);
  double total = 0;
  for (const bool positive : {true, false}) {
    for (const QueryTerm& t : query.terms) {
      if ((t.weight > 0) != positive) continue;
      copy_unit(t.row, unit);
      for (std::size_t d = 0; d < dim_; ++d) out[d] += t.weight * unit[d];
      total += std::fabs(static_cast<double>(t.weight));
    }
  }
  if (total > 0) {
    const auto divisor = static_cast<float>(total);
    for (std::size_t d = 0; d < dim_; ++d) out[d] /= divisor;
  }
  // ... then matutils.unitvec: dnrm2 and dscal in double, rounded back to float32.
  double squares = 0;
  for (std::size_t d = 0; d < dim_; ++d) squares += static_cast<double>(out[d]) * out[d];
  const double length = std::sqrt(squares);
  if (length > 0) {
    const double scale = 1.0 / length;
    for (std::size_t d = 0; d < dim_; ++d) out[d] = static_cast<float>(out[d] * scale);
  }
}

void SearchIndex::gensim_scores(Neighbor* rows, std::size_t n, const float* mean) const {
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
      x[j] = panel(row / kLanes) + row % kLanes;
      sum[j] = 0.0f;
    }
    for (std::size_t d = 0; d < dim_; ++d) {
      const float m = mean[d];
      for (std::size_t j = 0; j < kGroup; ++j) sum[j] += x[j][d * kLanes] * m;
    }
    for (std::size_t j = 0; j < g; ++j) {
      const float norm = norms_[rows[i + j].row];
      const float score = sum[j] / norm;
      // A zero vector: 0, where gensim has NaN.
      rows[i + j].score = norm > 0 && !std::isnan(score) ? score : 0.0f;
    }
  }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif
#undef W2V_NO_FMA

Scoring parse_scoring(const std::string& name) {
  if (name == "add" || name == "cosadd" || name == "3cosadd") return Scoring::kCosine;
  if (name == "mul" || name == "cosmul" || name == "3cosmul") return Scoring::kCosMul;
  throw UsageError("--method must be 'add' (3CosAdd) or 'cosmul' (3CosMul), got '" + name + "'");
}

const char* scoring_name(Scoring scoring) { return scoring == Scoring::kCosMul ? "cosmul" : "add"; }

void validate(const SearchOptions& options) {
  require_in_range(static_cast<long double>(options.k), ranges::kAnswers, "-k");
  require_in_range(options.threads, ranges::kSearchThreads, "--threads");
}

void SearchIndex::Free::operator()(float* p) const { std::free(p); }

SearchIndex::SearchIndex(const Matrix& vectors) : rows_(vectors.rows()), dim_(vectors.cols()) {
  const std::size_t panels = (rows_ + kLanes - 1) / kLanes;
  const std::size_t bytes = std::max<std::size_t>(panels * dim_ * kLanes * sizeof(float), 64);
  // Every page of a fresh buffer faults on first touch, which costs more than the
  // transposition itself on a virtual machine; huge pages make that 512 times rarer.
  constexpr std::size_t kHuge = 2u << 20;
  const std::size_t align = bytes >= 2 * kHuge ? kHuge : 64;
  void* p = std::aligned_alloc(align, (bytes + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  if (align == kHuge) ::madvise(p, (bytes + align - 1) / align * align, MADV_HUGEPAGE);
  panels_.reset(static_cast<float*>(p));
  norms_.resize(rows_);
  inverse_.assign(panels * kLanes, 0.0f);  // zeros for the padding lanes
  // Each panel is written whole (padding lanes of the last one as zeros) by the thread
  // that will search it first.
#pragma omp parallel
  {
    std::vector<float> squares(dim_), scaled(dim_);
#pragma omp for schedule(static)
    for (std::size_t q = 0; q < panels; ++q) {
      float* out = panels_.get() + q * dim_ * kLanes;
      for (std::size_t l = 0; l < kLanes; ++l) {
        const std::size_t row = q * kLanes + l;
        if (row >= rows_) {
          for (std::size_t d = 0; d < dim_; ++d) out[d * kLanes + l] = 0.0f;
          continue;
        }
        const float* x = vectors.row(row);
        double sum = 0;
        for (std::size_t d = 0; d < dim_; ++d) sum += static_cast<double>(x[d]) * x[d];
        float norm = numpy_norm(x, dim_, squares.data());
        const double exact = std::sqrt(sum);
        if (sum > 0 && !(std::fabs(norm - exact) <= 1e-5 * exact)) {
          // The float32 squares overflow (values near 3.4e38) or underflow (denormals):
          // keep the row's direction as a unit vector, which cosines cannot tell apart.
          for (std::size_t d = 0; d < dim_; ++d) {
            scaled[d] = static_cast<float>(static_cast<double>(x[d]) / exact);
          }
          x = scaled.data();
          sum = 0;
          for (std::size_t d = 0; d < dim_; ++d) sum += static_cast<double>(x[d]) * x[d];
          norm = numpy_norm(x, dim_, squares.data());
        }
        inverse_[row] = sum > 0 ? static_cast<float>(1.0 / std::sqrt(sum)) : 0.0f;
        norms_[row] = norm;
        for (std::size_t d = 0; d < dim_; ++d) out[d * kLanes + l] = x[d];
      }
    }
  }
}

void SearchIndex::copy_unit(std::size_t row, float* out) const {
  const float* p = panel(row / kLanes) + row % kLanes;
  const float norm = norms_[row];
  for (std::size_t d = 0; d < dim_; ++d) out[d] = norm > 0 ? p[d * kLanes] / norm : 0.0f;
}

float SearchIndex::similarity(std::size_t a, std::size_t b) const {
  const float* pa = panel(a / kLanes) + a % kLanes;
  const float* pb = panel(b / kLanes) + b % kLanes;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t d = 0; d < dim_; ++d) {
    const double x = pa[d * kLanes], y = pb[d * kLanes];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? static_cast<float>(ab / std::sqrt(aa * bb)) : 0.0f;
}

std::vector<std::vector<Neighbor>> SearchIndex::search(const std::vector<Query>& queries,
                                                       const SearchOptions& options) const {
  validate(options);
  for (const Query& q : queries) {
    for (const QueryTerm& t : q.terms) {
      if (t.row >= rows_) {
        throw Error("query row " + std::to_string(t.row) + " is out of range (the index has " +
                    std::to_string(rows_) + " rows)");
      }
    }
  }
  const std::size_t candidates =
      options.candidates == 0 ? rows_ : std::min(options.candidates, rows_);
  const std::size_t k = std::min(options.k, std::max<std::size_t>(candidates, 1));
  const std::size_t max_queries = std::max<std::size_t>(1, kMaxBatchNeighbors / k);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const std::size_t blocks = (candidates + kBlockRows - 1) / kBlockRows;
  std::vector<std::vector<Neighbor>> results(queries.size());
  std::vector<double> sum(dim_);
  std::vector<float> unit(dim_);

  auto cancelled = [&] {
    return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
  };
  for (std::size_t begin = 0; begin < queries.size();) {
    if (cancelled()) throw Interrupted();
    // Gather a batch of queries whose distinct terms fit kMaxProbes.
    Batch batch;
    std::unordered_map<std::uint32_t, std::uint32_t> probe_of_row;
    std::size_t end = begin;
    for (; end < queries.size() && end - begin < max_queries; ++end) {
      std::size_t added = 0;
      for (const QueryTerm& t : queries[end].terms) added += probe_of_row.count(t.row) == 0;
      if (end > begin && batch.probe_rows.size() + added > kMaxProbes) break;
      Prepared prepared;
      prepared.first_term = batch.coef.size();
      prepared.terms = queries[end].terms.size();
      for (const QueryTerm& t : queries[end].terms) {
        auto [it, inserted] = probe_of_row.try_emplace(t.row, batch.probe_rows.size());
        if (inserted) batch.probe_rows.push_back(t.row);
        batch.probe_of_term.push_back(it->second);
        batch.term_rows.push_back(t.row);
        batch.coef.push_back(t.weight);
      }
      prepared.answerable = prepared.terms > 0;
      if (prepared.answerable && options.scoring == Scoring::kCosine) {
        // cos(x, v) = x . v / |v| with v = sum_t w_t unit(t): scale the weights by 1 / |v|.
        std::fill(sum.begin(), sum.end(), 0.0);
        for (const QueryTerm& t : queries[end].terms) {
          copy_unit(t.row, unit.data());
          for (std::size_t d = 0; d < dim_; ++d) sum[d] += static_cast<double>(t.weight) * unit[d];
        }
        double norm = 0;
        for (const double v : sum) norm += v * v;
        norm = std::sqrt(norm);
        prepared.answerable = norm > 1e-9;
        double weights = 0;  // sum_t |coefficient|
        for (std::size_t i = 0; i < prepared.terms; ++i) {
          float& c = batch.coef[prepared.first_term + i];
          c = prepared.answerable ? static_cast<float>(c / norm) : 0.0f;
          weights += std::fabs(c);
        }
        // See kMarginUlps.
        prepared.margin =
            static_cast<float>(kMarginUlps * static_cast<double>(dim_ + prepared.terms + 8) *
                               (1.0 + weights) * std::ldexp(1.0, -24));
      }
      batch.queries.push_back(prepared);
    }
    const std::size_t nq = batch.queries.size();
    const std::size_t np = batch.probe_rows.size();
    std::vector<float> probes(np * dim_);
    for (std::size_t i = 0; i < np; ++i) copy_unit(batch.probe_rows[i], probes.data() + i * dim_);

    // A small batch (one query over a few hundred thousand rows: about a millisecond) runs
    // on this thread alone: waking a team can take longer than the work on a busy machine.
    const double work =
        static_cast<double>(np) * static_cast<double>(candidates) * static_cast<double>(dim_);
    const int team = work < kParallelWork ? 1 : threads;
    std::vector<std::vector<Neighbor>> merged(nq);
    std::unique_ptr<std::atomic<float>[]> kth_best(new std::atomic<float>[nq]);
    for (std::size_t qi = 0; qi < nq; ++qi) kth_best[qi] = -std::numeric_limits<float>::infinity();
    detail::FirstException failure;
#pragma omp parallel num_threads(team) if (team > 1)
    failure.run([&] {
      std::vector<float> products(std::max<std::size_t>(np, 1) * kBlockRows);
      std::vector<float> score(kBlockRows), below(kBlockRows);
      std::vector<std::uint32_t> hits(kBlockRows);
      std::vector<const float*> term_products;
      std::vector<TopK> top(nq);
      for (std::size_t qi = 0; qi < nq; ++qi) top[qi].reset(k, batch.queries[qi].margin);
#pragma omp for schedule(dynamic, 1) nowait
      for (std::size_t b = 0; b < blocks; ++b) {
        if (cancelled()) continue;
        const std::size_t row0 = b * kBlockRows;
        const std::size_t n = std::min(kBlockRows, candidates - row0);
        const std::size_t panel0 = row0 / kLanes;
        const std::size_t count = (n + kLanes - 1) / kLanes;
        panel_products(panel(panel0), dim_ * kLanes, count, dim_, inverse_.data() + row0,
                       probes.data(), np, products.data(), kBlockRows);
        for (std::size_t qi = 0; qi < nq; ++qi) {
          const Prepared& q = batch.queries[qi];
          if (!q.answerable) continue;
          term_products.clear();
          for (std::size_t t = 0; t < q.terms; ++t) {
            term_products.push_back(products.data() +
                                    batch.probe_of_term[q.first_term + t] * kBlockRows);
          }
          const float* coef = batch.coef.data() + q.first_term;
          // An answer must beat this thread's k-th best and the k-th best any thread has
          // published, less the margin: otherwise k better answers exist.
          TopK& t = top[qi];
          auto threshold = [&] {
            return std::max(t.kth(), kth_best[qi].load(std::memory_order_relaxed)) - q.margin;
          };
          const float* s;
          float best;
          const bool cosmul = options.scoring == Scoring::kCosMul;
          if (!cosmul && q.terms == 1 && coef[0] == 1.0f) {
            s = term_products[0];
            best = max_of(s, n);
          } else {
            // Most blocks hold nothing better than the k answers so far: find that out
            // without storing the scores.
            const float* const* p = term_products.data();
            const float bound = cosmul ? combine_cosmul(p, coef, q.terms, n, nullptr, nullptr)
                                       : combine_cosine(p, coef, q.terms, n, nullptr);
            if (bound < threshold()) continue;
            best = cosmul ? combine_cosmul(p, coef, q.terms, n, score.data(), below.data())
                          : combine_cosine(p, coef, q.terms, n, score.data());
            s = score.data();
          }
          if (best < threshold()) continue;
          const std::uint32_t* excluded = batch.term_rows.data() + q.first_term;
          const std::size_t found = at_least(s, n, threshold(), hits.data());
          for (std::size_t h = 0; h < found; ++h) {
            const std::uint32_t j = hits[h];
            const auto row = static_cast<std::uint32_t>(row0 + j);
            if (s[j] < threshold()) continue;
            if (std::find(excluded, excluded + q.terms, row) != excluded + q.terms) continue;
            t.offer({row, s[j]});
          }
          // Publish this thread's k-th best.
          const float mine = t.kth();
          float published = kth_best[qi].load(std::memory_order_relaxed);
          while (mine > published && !kth_best[qi].compare_exchange_weak(published, mine)) {
          }
        }
      }
#pragma omp critical
      for (std::size_t qi = 0; qi < nq; ++qi) top[qi].collect(merged[qi]);
    });
    failure.rethrow();
    if (cancelled()) throw Interrupted();
    // Scoring again takes about k + a few rows per query.
    const int rescore_team =
        static_cast<double>(nq) * static_cast<double>(k + 4) * static_cast<double>(dim_) <
                kParallelWork
            ? 1
            : team;
#pragma omp parallel num_threads(rescore_team) if (rescore_team > 1)
    failure.run([&] {
      std::vector<float> mean(dim_), unit(dim_);
#pragma omp for schedule(static)
      for (std::size_t qi = 0; qi < nq; ++qi) {
        std::vector<Neighbor>& m = merged[qi];
        std::sort(m.begin(), m.end(), better);
        const float margin = batch.queries[qi].margin;
        if (margin > 0 && !m.empty()) {
          // The k best fast scores and those within the margin of the k-th: gensim's top k
          // is among them. Score them as gensim does and rank by that.
          if (m.size() > k) {
            const float floor = m[k - 1].score - margin;
            std::size_t keep = k;
            while (keep < m.size() && m[keep].score >= floor) ++keep;
            m.resize(keep);
          }
          gensim_mean(queries[begin + qi], unit.data(), mean.data());
          gensim_scores(m.data(), m.size(), mean.data());
          std::sort(m.begin(), m.end(), better);
        }
        if (m.size() > k) m.resize(k);
        results[begin + qi] = std::move(m);
      }
    });
    failure.rethrow();
    begin = end;
  }
  return results;
}

std::vector<Neighbor> search_reference(const Matrix& vectors, const Query& query,
                                       const SearchOptions& options) {
  validate(options);
  const std::size_t dim = vectors.cols();
  const std::size_t candidates =
      options.candidates == 0 ? vectors.rows() : std::min(options.candidates, vectors.rows());
  auto unit = [&](std::size_t row) {
    std::vector<double> u(vectors.row(row), vectors.row(row) + dim);
    double norm = 0;
    for (const double v : u) norm += v * v;
    norm = std::sqrt(norm);
    for (double& v : u) v = norm > 0 ? v / norm : 0.0;
    return u;
  };
  auto dot = [&](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t d = 0; d < dim; ++d) s += a[d] * b[d];
    return s;
  };
  if (query.terms.empty()) return {};
  std::vector<std::vector<double>> terms;
  std::vector<double> sum(dim, 0.0);
  for (const QueryTerm& t : query.terms) {
    terms.push_back(unit(t.row));
    for (std::size_t d = 0; d < dim; ++d) sum[d] += t.weight * terms.back()[d];
  }
  const double norm = std::sqrt(dot(sum, sum));
  if (options.scoring == Scoring::kCosine && !(norm > 1e-9)) return {};
  std::vector<Neighbor> all;
  for (std::size_t row = 0; row < candidates; ++row) {
    bool excluded = false;
    for (const QueryTerm& t : query.terms) excluded = excluded || t.row == row;
    if (excluded) continue;
    const std::vector<double> x = unit(row);
    double score;
    if (options.scoring == Scoring::kCosine) {
      score = dot(x, sum) / norm;
    } else {
      double above = 1, below = 1;
      bool any_negative = false;
      for (std::size_t i = 0; i < terms.size(); ++i) {
        const double s = (1 + dot(x, terms[i])) / 2;
        if (query.terms[i].weight > 0) {
          above *= s;
        } else {
          below *= s;
          any_negative = true;
        }
      }
      score = above / ((any_negative ? below : 1.0) + kCosMulEpsilon);
    }
    all.push_back({static_cast<std::uint32_t>(row), static_cast<float>(score)});
  }
  std::sort(all.begin(), all.end(), better);
  if (all.size() > options.k) all.resize(options.k);
  return all;
}

}  // namespace w2v
