#include "w2v/odd_one_out.hpp"

#include <cmath>
#include <string>

#include "w2v/error.hpp"

namespace w2v {
namespace {

std::vector<double> unit_vector(const SearchIndex& index, std::uint32_t row,
                                std::vector<float>& scratch) {
  index.copy_row(row, scratch.data());
  std::vector<double> unit(scratch.begin(), scratch.end());
  double squares = 0;
  for (const double v : unit) squares += v * v;
  const double length = std::sqrt(squares);
  for (double& v : unit) v = length > 0 ? v / length : 0.0;
  return unit;
}

}  // namespace

OddOneOut doesnt_match(const SearchIndex& index, const std::vector<std::uint32_t>& rows) {
  if (rows.size() < 2) {
    throw UsageError("doesnt_match needs at least two words, got " + std::to_string(rows.size()));
  }
  const std::size_t dim = index.dim();
  std::vector<float> scratch(dim);
  std::vector<std::vector<double>> units;
  std::vector<double> mean(dim, 0.0);
  for (const std::uint32_t row : rows) {
    if (row >= index.size()) {
      throw Error("row " + std::to_string(row) + " is out of range (the index has " +
                  std::to_string(index.size()) + " rows)");
    }
    units.push_back(unit_vector(index, row, scratch));
    for (std::size_t d = 0; d < dim; ++d) mean[d] += units.back()[d];
  }
  double squares = 0;
  for (const double v : mean) squares += v * v;
  const double length = std::sqrt(squares);
  OddOneOut odd;
  for (std::size_t i = 0; i < units.size(); ++i) {
    double dot = 0;
    for (std::size_t d = 0; d < dim; ++d) dot += units[i][d] * mean[d];
    const double cosine = length > 0 ? dot / length : 0.0;
    if (i == 0 || cosine < odd.similarity) odd = {i, cosine};
  }
  return odd;
}

}  // namespace w2v
