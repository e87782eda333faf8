#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "w2v/merge.hpp"

namespace w2v {

// A row-major float matrix whose rows start on 64-byte boundaries. `stride` (floats per
// row) is `cols` rounded up to 16; the padding is zero and kernels may run over it.
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols);  // zero-filled

  float* row(std::size_t i) { return data_.get() + i * stride_; }
  const float* row(std::size_t i) const { return data_.get() + i * stride_; }
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t stride() const { return stride_; }
  // True when no entry is NaN or infinite.
  bool all_finite() const;

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float[], Free> data_;
  std::size_t rows_ = 0, cols_ = 0, stride_ = 0;
};

// How the two matrices start.
struct ModelInit {
  // Word vectors: uniform in [-word_range, word_range] / dim per coordinate.
  float word_range = 0.5f;
  // Context vectors: same law; 0 gives word2vec.c's all-zero context vectors.
  float context_range = 0.0f;
  // Then scale every nonzero row to this length; 0 keeps the uniform law.
  float row_norm = 0.0f;
};

// Scales every nonzero row to length `norm`.
void set_row_norms(Matrix& m, float norm);

// Turns `words` into the vectors to publish for each word: its word row at unit length
// plus `context_weight` times its context row at unit length (GloVe publishes W + C). In
// place, so that no third matrix is held. Zero rows stay zero.
void add_unit_rows(Matrix& words, const Matrix& contexts, float context_weight);

// The trainable state: input (word) and output (context) vectors, the inner-node vectors
// of hierarchical softmax, and the cos merge's scale and bias.
struct Model {
  // `with_nodes`: also a node matrix, started like the context vectors.
  Model(std::size_t vocab_size, std::size_t dim, const MergeParams& merge, const ModelInit& init,
        std::uint64_t seed, bool with_nodes = false);
  // A model as it stood (a checkpoint's).
  Model(Matrix words_, Matrix contexts_, Matrix nodes_, const MergeParams& merge_)
      : words(std::move(words_)),
        contexts(std::move(contexts_)),
        nodes(std::move(nodes_)),
        merge(merge_) {}

  Matrix words;
  Matrix contexts;
  // Hierarchical softmax: row n is inner node n of the HuffmanTree (huffman.hpp); as many
  // rows as words (one spare), so that every matrix has the same rows. Empty otherwise.
  Matrix nodes;
  MergeParams merge;
};

}  // namespace w2v
