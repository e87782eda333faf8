#pragma once
#include <cstdint>
#include <vector>

namespace w2v {

// A Huffman tree over a vocabulary, for hierarchical softmax: each word is a leaf, and
// predicting it is the chain of binary choices at the inner nodes on its path from the
// root. Built as word2vec.c builds it (the two least frequent of the words and nodes
// merged first; on a tie, the node made earlier), so that frequent words have short paths.
// Inner nodes are numbered by count, the root 0: node n's row in a model is row n, and
// the rows most used come first, as the words' do.
class HuffmanTree {
 public:
  HuffmanTree() = default;
  // `counts` in any order; at least one word.
  explicit HuffmanTree(const std::vector<std::int64_t>& counts);

  std::size_t words() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // words() - 1 (none for a single word).
  std::size_t inner_nodes() const { return words() > 0 ? words() - 1 : 0; }

  // Word w's path: length(w) inner nodes from the root down, and the branch taken at
  // each (word2vec.c's code bits: 0 or 1). Hierarchical softmax's label at node i is
  // 1 - code(w)[i].
  int length(std::uint32_t w) const { return static_cast<int>(offsets_[w + 1] - offsets_[w]); }
  const std::uint32_t* nodes(std::uint32_t w) const { return nodes_.data() + offsets_[w]; }
  const std::uint8_t* codes(std::uint32_t w) const { return codes_.data() + offsets_[w]; }
  int max_length() const { return max_length_; }

 private:
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint32_t> nodes_;
  std::vector<std::uint8_t> codes_;
  int max_length_ = 0;
};

}  // namespace w2v
