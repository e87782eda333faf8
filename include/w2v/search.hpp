#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "w2v/model.hpp"

namespace w2v {

// One answer of a search: a row of the index and its score.
struct Neighbor {
  std::uint32_t row = 0;
  // Cosine similarity, computed as gensim's most_similar computes it (see SearchIndex), or
  // the 3CosMul score.
  float score = 0;
};

// How the terms of a query turn into one score per candidate row x.
enum class Scoring {
  // cos(x, sum_i w_i unit(t_i)): the nearest words to a word or an expression; for
  // b - a + c this is 3CosAdd.
  kCosine,
  // prod_{w_i > 0} (1 + cos(x, t_i)) / 2 divided by prod_{w_i < 0} (1 + cos(x, t_i)) / 2 +
  // 1e-6: 3CosMul (Levy and Goldberg, 2014) as gensim computes it; only the signs of the
  // weights count.
  kCosMul,
};

// "cosadd"/"add" or "cosmul"/"mul"; throws UsageError otherwise.
Scoring parse_scoring(const std::string& name);
const char* scoring_name(Scoring scoring);

struct QueryTerm {
  std::uint32_t row = 0;
  float weight = 1;  // +1 adds the word, -1 subtracts it
};

// A word (one term) or an expression such as king - man + woman. The term rows are never
// among the answers.
struct Query {
  std::vector<QueryTerm> terms;
};

struct SearchOptions {
  std::size_t k = 10;          // answers per query
  std::size_t candidates = 0;  // answers come from the first N rows only; 0: all rows
  Scoring scoring = Scoring::kCosine;
  int threads = 0;  // 0: OpenMP's default
  // When set, search() stops with Interrupted.
  const std::atomic<bool>* cancel = nullptr;
  // Only answers scoring at least this (any number but NaN); -infinity: every answer.
  float min_score = -std::numeric_limits<float>::infinity();
};

// Throws UsageError for k = 0, a negative thread count or a NaN min_score.
void validate(const SearchOptions& options);

// Word vectors stored for batched dot products, with their lengths: rows are grouped in
// panels of 16, each panel transposed (dimension-major), so one vector register holds one
// dimension of 16 rows and a dot product needs no horizontal sum. Immutable once built;
// search() runs on every OpenMP thread.
//
// Cosine scores are gensim's (KeyedVectors.most_similar, numpy on the reference BLAS) to
// the last bit, so that near ties break the same way: |x| is numpy's float32 norm
// (pairwise sum of the squares), a term's unit vector is x / |x| in float32, the query
// vector is the float32 mean of the weighted unit vectors (the positive terms first) made
// unit length in double and rounded to float32, and the score is the float32 dot product
// of x with it, summed in dimension order, divided by |x|. (gensim's numbers depend on
// its BLAS: with OpenBLAS, sums in another order, they may differ in the last bit.)
class SearchIndex {
 public:
  static constexpr std::size_t kPanelRows = 16;

  SearchIndex() = default;
  explicit SearchIndex(const Matrix& vectors);

  std::size_t size() const { return rows_; }
  std::size_t dim() const { return dim_; }
  // Writes the unit vector of `row` to out[0, dim): x / |x| in float32, as gensim's
  // get_vector(norm=True); a zero vector stays zero.
  void copy_unit(std::size_t row, float* out) const;
  // Writes the vector of `row` as stored to out[0, dim): the row as given, or its unit
  // vector where its float32 squares overflow or underflow.
  void copy_row(std::size_t row, float* out) const;
  // Cosine similarity of two rows, computed in double; 0 with a zero vector.
  float similarity(std::size_t a, std::size_t b) const;

  // The best options.k rows for each query, best first (equal scores: lower row first),
  // those scoring below options.min_score left out.
  // A cosine query whose vector sums to zero (king - king) gets no answers. Queries are
  // answered in batches: one pass over the candidate rows computes their dot products with
  // every distinct term of the batch (a matrix product), then each query combines its
  // terms' products and keeps its top k. For a cosine query that fast score only chooses:
  // the rows it puts within its rounding error of the k-th best are scored again the way
  // gensim scores them (see above), and those scores rank and are returned. Throws Error
  // for a term row out of range.
  std::vector<std::vector<Neighbor>> search(const std::vector<Query>& queries,
                                            const SearchOptions& options) const;

 private:
  const float* panel(std::size_t p) const { return panels_.get() + p * dim_ * kPanelRows; }

  // The steps of search() (src/search.cpp).
  struct Batch;
  struct Limits;
  Batch next_batch(const std::vector<Query>& queries, std::size_t begin, const Limits& limits,
                   Scoring scoring) const;
  std::vector<std::vector<Neighbor>> scan(const Batch& batch, const Limits& limits,
                                          const SearchOptions& options) const;
  void rescore(const Batch& batch, const std::vector<Query>& queries, const Limits& limits,
               std::vector<std::vector<Neighbor>>& candidates) const;

  struct Free {
    void operator()(float* p) const;
  };
  // Panel p, dimension d, lane l: row 16 p + l at [(p * dim + d) * 16 + l]; 64-byte aligned.
  // The vectors as given, not normalized.
  std::unique_ptr<float[], Free> panels_;
  std::vector<float> norms_;  // |x| per row, as numpy computes it in float32
  // 1 / |x| per row from a double sum, 0 for a zero vector and the last panel's padding.
  std::vector<float> inverse_;
  std::size_t rows_ = 0, dim_ = 0;
};

// The plain version of SearchIndex::search for one query: rows normalized in double
// precision, every score computed on its own, a full sort. For tests.
std::vector<Neighbor> search_reference(const Matrix& vectors, const Query& query,
                                       const SearchOptions& options);

}  // namespace w2v
