#include "w2v/huffman.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace w2v {

HuffmanTree::HuffmanTree(const std::vector<std::int64_t>& counts) {
  const std::size_t v = counts.size();
  if (v == 0) throw std::invalid_argument("HuffmanTree: no words");
  // Leaves by descending count; then inner nodes in the order they are made, which is
  // ascending count: two queues whose fronts are the least frequent.
  std::vector<std::uint32_t> order(v);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return counts[a] > counts[b]; });
  std::vector<std::int64_t> count(2 * v - 1);
  for (std::size_t i = 0; i < v; ++i) count[i] = counts[order[i]];
  std::vector<std::size_t> parent(2 * v - 1, 0);
  std::vector<std::uint8_t> branch(2 * v - 1, 0);
  std::ptrdiff_t leaf = static_cast<std::ptrdiff_t>(v) - 1;  // next least frequent leaf
  std::size_t node = v;                                      // next least frequent node
  const auto take_least = [&](std::size_t made) {
    // word2vec.c: a leaf only when strictly less frequent than the oldest unmerged node.
    if (leaf >= 0 && (node >= made || count[static_cast<std::size_t>(leaf)] < count[node])) {
      return static_cast<std::size_t>(leaf--);
    }
    return node++;
  };
  for (std::size_t a = 0; a + 1 < v; ++a) {
    const std::size_t made = v + a;
    const std::size_t first = take_least(made);
    const std::size_t second = take_least(made);
    count[made] = count[first] + count[second];
    parent[first] = made;
    parent[second] = made;
    branch[second] = 1;
  }
  // Inner node v + a becomes row v - 2 - a: the root (made last) is row 0. Parents are
  // made after their children, so depths fill from the root down.
  const std::size_t root = 2 * v - 2;
  std::vector<std::uint32_t> depth(2 * v - 1, 0);
  for (std::size_t x = root; x-- > 0;) depth[x] = depth[parent[x]] + 1;
  offsets_.assign(v + 1, 0);
  for (std::size_t i = 0; i < v; ++i) offsets_[order[i] + 1] = depth[i];
  for (std::size_t w = 0; w < v; ++w) {
    max_length_ = std::max(max_length_, static_cast<int>(offsets_[w + 1]));
    offsets_[w + 1] += offsets_[w];
  }
  nodes_.resize(offsets_[v]);
  codes_.resize(offsets_[v]);
  for (std::size_t i = 0; i < v; ++i) {
    // From the leaf up, written from the path's end back.
    std::uint64_t at = offsets_[order[i] + 1];
    for (std::size_t x = i; x != root; x = parent[x]) {
      --at;
      codes_[at] = branch[x];
      nodes_[at] = static_cast<std::uint32_t>(root - parent[x]);
    }
  }
}

}  // namespace w2v
