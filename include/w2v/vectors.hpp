#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "w2v/atomic_file.hpp"
#include "w2v/model.hpp"

namespace w2v {

// word2vec's two file layouts: a header line `<count> <dim>\n`, then per word either
//   text:   `word v1 ... vd\n`
//   binary: `word ` + dim little-endian float32 + `\n`
enum class VectorFormat { kText, kBinary };

// "bin" or "text"; throws UsageError otherwise.
VectorFormat parse_vector_format(const std::string& name);
// Binary when the path ends in ".bin", text otherwise.
VectorFormat format_for_path(const std::string& path);

// Writes rows 0 .. words.size()-1 of `vectors` (first `cols()` floats of each) to `file`.
// Text values are printed with the fewest digits that read back to the same float.
// Throws Error on a write failure; the caller commits the file.
void write_vectors(AtomicFile& file, VectorFormat format, const std::vector<std::string>& words,
                   const Matrix& vectors);

}  // namespace w2v
