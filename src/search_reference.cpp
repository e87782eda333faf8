// The plain search: every score on its own, in double precision, and a full sort; the
// answers SearchIndex::search must give, for tests.
#include <algorithm>
#include <cmath>

#include "detail/search_kernels.hpp"
#include "detail/top_k.hpp"
#include "w2v/search.hpp"

namespace w2v {

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
      score = above / ((any_negative ? below : 1.0) + detail::kCosMulEpsilon);
    }
    all.push_back({static_cast<std::uint32_t>(row), static_cast<float>(score)});
  }
  std::sort(all.begin(), all.end(), detail::better);
  if (all.size() > options.k) all.resize(options.k);
  while (!all.empty() && all.back().score < options.min_score) all.pop_back();
  return all;
}

}  // namespace w2v
