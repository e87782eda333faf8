#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "w2v/model.hpp"
#include "w2v/output_file.hpp"
#include "w2v/string_table.hpp"

namespace w2v {

// word2vec's two file layouts: a header line `<count> <dim>\n`, then per word either
//   text:   `word v1 ... vd\n`
//   binary: `word ` + dim little-endian float32 + `\n`
enum class VectorFormat { kText, kBinary };

// "bin" or "text"; throws UsageError otherwise.
VectorFormat parse_vector_format(const std::string& name);
// Binary when the path ends in ".bin", text otherwise.
VectorFormat format_for_path(const std::string& path);

// Writes rows 0 .. words.size()-1 of `vectors` (first `cols()` floats of each) to `out`,
// row i under words.word(i).
// Text values are printed with the fewest digits that read back to the same float.
// Throws Error on a write failure, Interrupted once `cancel` is set; the caller commits.
void write_vectors(ByteSink& out, VectorFormat format, const StringTable& words,
                   const Matrix& vectors, const std::atomic<bool>* cancel = nullptr);

// Word vectors read from a file: row i of `vectors` belongs to `words.word(i)`, in file
// order (a frequency-sorted file keeps the most frequent words first).
struct WordVectors {
  StringTable words;                          // word -> row; counts unused
  Matrix vectors;                             // the values as stored, not normalized
  VectorFormat format = VectorFormat::kText;  // the file's layout, as detected

  std::size_t size() const { return vectors.rows(); }
  std::size_t dim() const { return vectors.cols(); }
};

struct LoadOptions {
  // Read only the first `limit` vectors of the file (duplicates count); 0 reads them all.
  std::int64_t limit = 0;
  // Receives one line per problem that does not stop the load: a duplicate word (the
  // first vector is kept) or data after the vectors the header declares. May be empty.
  std::function<void(const std::string&)> warn;
  // When set, loading stops with Interrupted.
  const std::atomic<bool>* cancel = nullptr;
};

// Reads a word2vec file ("-": standard input): text (word2vec.c, fastText .vec, gensim) or
// binary (word2vec.c, gensim with or without a newline after each vector), told apart by
// which reading fits the first records, gzip data decompressed. Throws Error naming the
// file and the line (text) or byte offset (binary) for a bad header, a short file, a wrong
// number of values, a value that is not a finite number, or a bad word (see word.hpp).
// Reads binary in bulk and parses text on every OpenMP thread.
WordVectors load_vectors(const std::string& path, const LoadOptions& options = {});

// The same from bytes in memory; `name` stands for the file in messages.
WordVectors parse_vectors(std::string_view data, const std::string& name,
                          const LoadOptions& options = {});

}  // namespace w2v
