#include "w2v/vectors.hpp"

#include <charconv>
#include <cstring>

#include "w2v/error.hpp"

namespace w2v {

VectorFormat parse_vector_format(const std::string& name) {
  if (name == "bin" || name == "binary") return VectorFormat::kBinary;
  if (name == "text" || name == "txt") return VectorFormat::kText;
  throw UsageError("--format must be 'bin' or 'text', got '" + name + "'");
}

VectorFormat format_for_path(const std::string& path) {
  const std::string suffix = ".bin";
  const bool bin = path.size() >= suffix.size() &&
                   path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return bin ? VectorFormat::kBinary : VectorFormat::kText;
}

void write_vectors(AtomicFile& file, VectorFormat format, const std::vector<std::string>& words,
                   const Matrix& vectors) {
  const std::size_t dim = vectors.cols();
  file.write(std::to_string(words.size()) + " " + std::to_string(dim) + "\n");
  std::string line;
  char number[32];
  for (std::size_t i = 0; i < words.size(); ++i) {
    const float* row = vectors.row(i);
    line.assign(words[i]);
    if (format == VectorFormat::kBinary) {
      line += ' ';
      static_assert(sizeof(float) == 4, "binary files hold float32");
      // The file is little-endian; so is every machine this builds for (checked below).
      line.append(reinterpret_cast<const char*>(row), dim * sizeof(float));
    } else {
      for (std::size_t d = 0; d < dim; ++d) {
        line += ' ';
        const auto result = std::to_chars(number, number + sizeof number, row[d]);
        line.append(number, result.ptr);
      }
    }
    line += '\n';
    file.write(line);
  }
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "binary vector files assume little-endian");

}  // namespace w2v
