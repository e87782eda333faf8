#pragma once
#include <cstddef>
#include <string>

#include "w2v/model.hpp"
#include "w2v/output_file.hpp"

namespace w2v {

// NumPy's .npy format, version 1.0: a header that describes a little-endian float32
// matrix of `rows` x `cols` in C order, padded so that the data starts on a 64-byte
// boundary (numpy.load reads it as it is).
std::string npy_header(std::size_t rows, std::size_t cols);

// The matrix (its columns, not its padding) as an .npy file.
void write_npy(ByteSink& out, const Matrix& m);

}  // namespace w2v
