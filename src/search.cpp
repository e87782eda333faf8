// SearchIndex: rows stored in panels, and search() in its steps: gather a batch of
// queries, one fast pass over the candidate rows (detail/search_kernels, detail/top_k),
// then gensim's scores for the rows near the k-th best (detail/gensim_arithmetic).
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

#include "detail/gensim_arithmetic.hpp"
#include "detail/parallel.hpp"
#include "detail/search_kernels.hpp"
#include "detail/top_k.hpp"
#include "w2v/error.hpp"
#include "w2v/option_range.hpp"

namespace w2v {
namespace {

using detail::kLanes;
constexpr std::size_t kBlockPanels = 16;  // rows scored per step: 256
constexpr std::size_t kBlockRows = kBlockPanels * kLanes;
constexpr std::size_t kMaxProbes = 1024;             // distinct term rows per batch
constexpr std::size_t kMaxBatchNeighbors = 1 << 20;  // queries per batch times k
constexpr double kParallelWork = 1 << 25;            // multiply-adds worth a thread team
// Cosine queries: the fast score and gensim's each lie within about (3 dimensions + terms
// + 6) float epsilons (2^-24) times (1 + sum_t |coefficient|) of the exact cosine (the
// usual bound on rounded dot products, unit vectors and lengths: n epsilons times the sum
// of the absolute terms), so gensim's top k have fast scores no lower than the k-th best
// less twice the sum of the two bounds. The margin taken, kMarginUlps (dimensions + terms
// + 8) epsilons times (1 + sum_t |coefficient|), covers that.
constexpr double kMarginUlps = 8;

void check_term_rows(const std::vector<Query>& queries, std::size_t rows) {
  for (const Query& q : queries) {
    for (const QueryTerm& t : q.terms) {
      if (t.row >= rows) {
        throw Error("query row " + std::to_string(t.row) + " is out of range (the index has " +
                    std::to_string(rows) + " rows)");
      }
    }
  }
}

}  // namespace

// What every batch of one search shares.
struct SearchIndex::Limits {
  std::size_t candidates = 0;   // answers come from rows [0, candidates)
  std::size_t k = 0;            // answers per query, at most `candidates` (at least 1)
  std::size_t max_queries = 0;  // queries per batch
  int threads = 0;
  const std::atomic<bool>* cancel = nullptr;
  bool cancelled() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
};

// Queries [begin, end) of a search, their terms as probes (the distinct term rows, as
// unit vectors) with coefficients.
struct SearchIndex::Batch {
  // A query as the batch sees it.
  struct Prepared {
    std::size_t first_term = 0, terms = 0;  // into probe_of_term / coef
    bool answerable = false;
    // Cosine: a bound on how far the fast score and gensim's can lie apart, twice over;
    // the rows that come within it of the k-th best fast score are scored again. 3CosMul: 0.
    float margin = 0;
  };
  std::size_t begin = 0, end = 0;
  std::vector<std::uint32_t> probe_rows;     // distinct term rows
  std::vector<std::uint32_t> probe_of_term;  // per term of every query
  std::vector<std::uint32_t> term_rows;      // per term: the row (excluded from answers)
  std::vector<float> coef;                   // per term
  std::vector<Prepared> queries;
  std::vector<float> probes;  // the unit vectors of probe_rows, dim floats each
  int team = 1;               // threads for the pass over the rows
};

Scoring parse_scoring(const std::string& name) {
  if (name == "add" || name == "cosadd" || name == "3cosadd") return Scoring::kCosine;
  if (name == "mul" || name == "cosmul" || name == "3cosmul") return Scoring::kCosMul;
  throw UsageError("--method must be 'add' (3CosAdd) or 'cosmul' (3CosMul), got '" + name + "'");
}

const char* scoring_name(Scoring scoring) { return scoring == Scoring::kCosMul ? "cosmul" : "add"; }

void validate(const SearchOptions& options) {
  require_in_range(static_cast<long double>(options.k), ranges::kAnswers, "-k");
  require_in_range(options.threads, ranges::kSearchThreads, "--threads");
  if (std::isnan(options.min_score)) throw UsageError("--threshold must be a number, got NaN");
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
        float norm = detail::numpy_norm(x, dim_, squares.data());
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
          norm = detail::numpy_norm(x, dim_, squares.data());
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

void SearchIndex::copy_row(std::size_t row, float* out) const {
  const float* p = panel(row / kLanes) + row % kLanes;
  for (std::size_t d = 0; d < dim_; ++d) out[d] = p[d * kLanes];
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
  check_term_rows(queries, rows_);
  Limits limits;
  limits.candidates = options.candidates == 0 ? rows_ : std::min(options.candidates, rows_);
  limits.k = std::min(options.k, std::max<std::size_t>(limits.candidates, 1));
  limits.max_queries = std::max<std::size_t>(1, kMaxBatchNeighbors / limits.k);
  limits.threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  limits.cancel = options.cancel;
  std::vector<std::vector<Neighbor>> results(queries.size());
  for (std::size_t begin = 0; begin < queries.size();) {
    if (limits.cancelled()) throw Interrupted();
    const Batch batch = next_batch(queries, begin, limits, options.scoring);
    std::vector<std::vector<Neighbor>> found = scan(batch, limits, options);
    if (limits.cancelled()) throw Interrupted();
    rescore(batch, queries, limits, found);
    for (std::size_t qi = 0; qi < found.size(); ++qi) {
      std::vector<Neighbor>& m = found[qi];
      while (!m.empty() && m.back().score < options.min_score) m.pop_back();
      results[begin + qi] = std::move(m);
    }
    begin = batch.end;
  }
  return results;
}

// Gathers the queries from `begin` on whose distinct terms fit kMaxProbes, at most
// limits.max_queries of them.
SearchIndex::Batch SearchIndex::next_batch(const std::vector<Query>& queries, std::size_t begin,
                                           const Limits& limits, Scoring scoring) const {
  Batch batch;
  batch.begin = begin;
  std::unordered_map<std::uint32_t, std::uint32_t> probe_of_row;
  std::vector<double> sum(dim_);
  std::vector<float> unit(dim_);
  std::size_t end = begin;
  for (; end < queries.size() && end - begin < limits.max_queries; ++end) {
    std::size_t added = 0;
    for (const QueryTerm& t : queries[end].terms) added += probe_of_row.count(t.row) == 0;
    if (end > begin && batch.probe_rows.size() + added > kMaxProbes) break;
    Batch::Prepared prepared;
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
    if (prepared.answerable && scoring == Scoring::kCosine) {
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
  batch.end = end;
  const std::size_t np = batch.probe_rows.size();
  batch.probes.resize(np * dim_);
  for (std::size_t i = 0; i < np; ++i) {
    copy_unit(batch.probe_rows[i], batch.probes.data() + i * dim_);
  }
  // A small batch (one query over a few hundred thousand rows: about a millisecond) runs
  // on this thread alone: waking a team can take longer than the work on a busy machine.
  const double work =
      static_cast<double>(np) * static_cast<double>(limits.candidates) * static_cast<double>(dim_);
  batch.team = work < kParallelWork ? 1 : limits.threads;
  return batch;
}

// The fast pass: for each query of the batch, the k best rows by fast score and those
// within its margin of the k-th best, unsorted. One pass over the candidate rows computes
// their dot products with every probe (a matrix product, block by block), then each query
// combines its terms' products and offers the rows that may be among its best.
std::vector<std::vector<Neighbor>> SearchIndex::scan(const Batch& batch, const Limits& limits,
                                                     const SearchOptions& options) const {
  const std::size_t nq = batch.queries.size();
  const std::size_t np = batch.probe_rows.size();
  const std::size_t candidates = limits.candidates;
  const std::size_t blocks = (candidates + kBlockRows - 1) / kBlockRows;
  const bool cosmul = options.scoring == Scoring::kCosMul;
  std::vector<std::vector<Neighbor>> merged(nq);
  std::unique_ptr<std::atomic<float>[]> kth_best(new std::atomic<float>[nq]);
  for (std::size_t qi = 0; qi < nq; ++qi) kth_best[qi] = -std::numeric_limits<float>::infinity();
  detail::FirstException failure;
#pragma omp parallel num_threads(batch.team) if (batch.team > 1)
  failure.run([&] {
    std::vector<float> products(std::max<std::size_t>(np, 1) * kBlockRows);
    std::vector<float> score(kBlockRows), below(kBlockRows);
    std::vector<std::uint32_t> hits(kBlockRows);
    std::vector<const float*> term_products;
    std::vector<detail::TopK> top(nq);
    for (std::size_t qi = 0; qi < nq; ++qi) top[qi].reset(limits.k, batch.queries[qi].margin);
#pragma omp for schedule(dynamic, 1) nowait
    for (std::size_t b = 0; b < blocks; ++b) {
      if (limits.cancelled()) continue;
      const std::size_t row0 = b * kBlockRows;
      const std::size_t n = std::min(kBlockRows, candidates - row0);
      const std::size_t panel0 = row0 / kLanes;
      const std::size_t count = (n + kLanes - 1) / kLanes;
      detail::panel_products(panel(panel0), dim_ * kLanes, count, dim_, inverse_.data() + row0,
                             batch.probes.data(), np, products.data(), kBlockRows);
      for (std::size_t qi = 0; qi < nq; ++qi) {
        const Batch::Prepared& q = batch.queries[qi];
        if (!q.answerable) continue;
        term_products.clear();
        for (std::size_t t = 0; t < q.terms; ++t) {
          term_products.push_back(products.data() +
                                  batch.probe_of_term[q.first_term + t] * kBlockRows);
        }
        const float* coef = batch.coef.data() + q.first_term;
        // An answer must beat this thread's k-th best and the k-th best any thread has
        // published, less the margin: otherwise k better answers exist.
        detail::TopK& t = top[qi];
        auto threshold = [&] {
          return std::max(t.kth(), kth_best[qi].load(std::memory_order_relaxed)) - q.margin;
        };
        const float* s;
        float best;
        if (!cosmul && q.terms == 1 && coef[0] == 1.0f) {
          s = term_products[0];
          best = detail::max_of(s, n);
        } else {
          // Most blocks hold nothing better than the k answers so far: find that out
          // without storing the scores.
          const float* const* p = term_products.data();
          const float bound = cosmul ? detail::combine_cosmul(p, coef, q.terms, n, nullptr, nullptr)
                                     : detail::combine_cosine(p, coef, q.terms, n, nullptr);
          if (bound < threshold()) continue;
          best = cosmul ? detail::combine_cosmul(p, coef, q.terms, n, score.data(), below.data())
                        : detail::combine_cosine(p, coef, q.terms, n, score.data());
          s = score.data();
        }
        if (best < threshold()) continue;
        const std::uint32_t* excluded = batch.term_rows.data() + q.first_term;
        const std::size_t found = detail::at_least(s, n, threshold(), hits.data());
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
  return merged;
}

// Ranks what scan() found and keeps the k best per query. For a cosine query the fast
// score only chooses: the k best fast scores and those within the margin of the k-th hold
// gensim's top k; they are scored again as gensim scores them, and those scores rank.
void SearchIndex::rescore(const Batch& batch, const std::vector<Query>& queries,
                          const Limits& limits, std::vector<std::vector<Neighbor>>& found) const {
  const std::size_t nq = batch.queries.size();
  const std::size_t k = limits.k;
  // Scoring again takes about k + a few rows per query.
  const int team =
      static_cast<double>(nq) * static_cast<double>(k + 4) * static_cast<double>(dim_) <
              kParallelWork
          ? 1
          : batch.team;
  detail::FirstException failure;
#pragma omp parallel num_threads(team) if (team > 1)
  failure.run([&] {
    std::vector<float> mean(dim_), unit(dim_);
#pragma omp for schedule(static)
    for (std::size_t qi = 0; qi < nq; ++qi) {
      std::vector<Neighbor>& m = found[qi];
      std::sort(m.begin(), m.end(), detail::better);
      const float margin = batch.queries[qi].margin;
      if (margin > 0 && !m.empty()) {
        if (m.size() > k) {
          const float floor = m[k - 1].score - margin;
          std::size_t keep = k;
          while (keep < m.size() && m[keep].score >= floor) ++keep;
          m.resize(keep);
        }
        detail::gensim_mean(*this, queries[batch.begin + qi], unit.data(), mean.data());
        detail::gensim_scores(panels_.get(), norms_.data(), dim_, m.data(), m.size(), mean.data());
        std::sort(m.begin(), m.end(), detail::better);
      }
      if (m.size() > k) m.resize(k);
    }
  });
  failure.rethrow();
}

}  // namespace w2v
