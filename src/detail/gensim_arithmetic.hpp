#pragma once
// gensim's KeyedVectors.most_similar to the last bit (numpy on the reference BLAS: no FMA,
// sums in numpy's order), so that SearchIndex's cosine scores and near ties are gensim's.
#include <cstddef>

#include "w2v/search.hpp"

namespace w2v::detail {

// np.linalg.norm of a float32 row of n values (numpy's pairwise float32 sum of the
// squares); `squares` is scratch space for n floats.
float numpy_norm(const float* x, std::size_t n, float* squares);

// gensim's query vector for `query` (unit length; zeros for an empty sum) to
// out[0, index.dim()): get_mean_vector of the weighted unit vectors, the positive terms
// first, then unitvec in double. `unit` is scratch space for dim floats.
void gensim_mean(const SearchIndex& index, const Query& query, float* unit, float* out);

// Sets each score of rows[0, n) to gensim's cosine of its row with the query vector `mean`:
// the float32 dot product summed in dimension order, divided by the row's numpy norm.
// `panels` and `norms` are SearchIndex's layout (panels of 16 rows, dimension-major).
void gensim_scores(const float* panels, const float* norms, std::size_t dim, Neighbor* rows,
                   std::size_t n, const float* mean);

}  // namespace w2v::detail
