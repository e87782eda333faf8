#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "w2v/search.hpp"

namespace w2v {

// The word that does not match the others.
struct OddOneOut {
  std::size_t position = 0;  // into the rows given
  double similarity = 0;     // its cosine with the mean of them all
};

// gensim's KeyedVectors.doesnt_match: the row whose unit vector is least similar to the
// mean of the unit vectors of all `rows` (repeats count as often as they are given),
// computed in double. A zero vector's unit vector is zero. Among exact ties, the first
// given. Throws UsageError for fewer than two rows, Error for a row out of range.
OddOneOut doesnt_match(const SearchIndex& index, const std::vector<std::uint32_t>& rows);

}  // namespace w2v
