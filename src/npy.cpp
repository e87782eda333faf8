#include "w2v/npy.hpp"

#include <cstdint>

namespace w2v {

std::string npy_header(std::size_t rows, std::size_t cols) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
                     ", " + std::to_string(cols) + "), }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n', a multiple of 64.
  const std::size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  const auto length = static_cast<std::uint16_t>(dict.size());
  std::string header = "\x93NUMPY";
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(length & 0xFF);
  header += static_cast<char>(length >> 8);
  return header + dict;
}

void write_npy(ByteSink& out, const Matrix& m) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the data is written as '<f4'");
  out.expect_size(128 + m.rows() * m.cols() * sizeof(float));
  out.write(npy_header(m.rows(), m.cols()));
  for (std::size_t i = 0; i < m.rows(); ++i) out.write(m.row(i), m.cols() * sizeof(float));
}

}  // namespace w2v
