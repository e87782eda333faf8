// huffman: word2vec.c's tree, checked on a vocabulary worked by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "w2v/huffman.hpp"

namespace {

std::string path_of(const w2v::HuffmanTree& tree, std::uint32_t w) {
  std::string s;
  for (int l = 0; l < tree.length(w); ++l) {
    s += std::to_string(tree.nodes(w)[l]) + ":" + std::to_string(tree.codes(w)[l]) + " ";
  }
  return s;
}

}  // namespace

TEST_SUITE("huffman") {
  TEST_CASE("codes and nodes of a small vocabulary, worked by hand") {
    // Counts 10 8 4 2 1 (ids 0..4). word2vec.c merges the two least frequent first, the
    // first taken gets code 0, the second 1:
    //   node a0 = {1 (id 4), 2 (id 3)} = 3: id 4 code 0, id 3 code 1
    //   node a1 = {a0 = 3, 4 (id 2)}: leaf 4 is not < node 3, so a0 first (0), then id 2 (1)
    //   node a2 = {a1 = 7, 8 (id 1)}: a1 (0), id 1 (1)
    //   node a3 = {a2 = 15, 10 (id 0)}: leaf 10 < 15: id 0 (0), a2 (1)
    // Rows count down from the root: a3 -> 0, a2 -> 1, a1 -> 2, a0 -> 3.
    const w2v::HuffmanTree tree({10, 8, 4, 2, 1});
    CHECK(tree.words() == 5);
    CHECK(tree.inner_nodes() == 4);
    CHECK(path_of(tree, 0) == "0:0 ");
    CHECK(path_of(tree, 1) == "0:1 1:1 ");
    CHECK(path_of(tree, 2) == "0:1 1:0 2:1 ");
    CHECK(path_of(tree, 3) == "0:1 1:0 2:0 3:1 ");
    CHECK(path_of(tree, 4) == "0:1 1:0 2:0 3:0 ");
    CHECK(tree.max_length() == 4);
  }

  TEST_CASE("the same tree whatever order the counts come in") {
    const w2v::HuffmanTree sorted({10, 8, 4, 2, 1});
    const w2v::HuffmanTree shuffled({2, 10, 1, 8, 4});  // ids 3 0 4 1 2 of the sorted
    const std::vector<std::uint32_t> same = {3, 0, 4, 1, 2};
    for (std::uint32_t w = 0; w < 5; ++w) {
      CAPTURE(w);
      CHECK(path_of(shuffled, w) == path_of(sorted, same[w]));
    }
  }

  TEST_CASE("every word a distinct leaf, paths prefix-free, short for frequent words") {
    std::vector<std::int64_t> counts;
    std::uint64_t x = 7;
    for (int i = 0; i < 500; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      counts.push_back(1 + static_cast<std::int64_t>((x >> 33) % 1000));
    }
    const w2v::HuffmanTree tree(counts);
    std::set<std::string> codes;
    double weighted = 0, total = 0;
    for (std::uint32_t w = 0; w < counts.size(); ++w) {
      std::string code;
      for (int l = 0; l < tree.length(w); ++l) {
        code += static_cast<char>('0' + tree.codes(w)[l]);
        CHECK(tree.nodes(w)[l] < tree.inner_nodes());
      }
      CHECK(tree.nodes(w)[0] == 0);  // every path starts at the root
      codes.insert(code);
      weighted += static_cast<double>(counts[w]) * tree.length(w);
      total += static_cast<double>(counts[w]);
    }
    CHECK(codes.size() == counts.size());
    for (const std::string& a : codes) {
      for (const std::string& b : codes) {
        if (a != b) CHECK(b.compare(0, a.size(), a) != 0);
      }
    }
    // A Huffman code is within one bit of the entropy.
    double entropy = 0;
    for (const std::int64_t c : counts) {
      const double p = static_cast<double>(c) / total;
      entropy -= p * std::log2(p);
    }
    CHECK(weighted / total >= entropy);
    CHECK(weighted / total < entropy + 1);
  }

  TEST_CASE("a single word has an empty path") {
    const w2v::HuffmanTree tree({42});
    CHECK(tree.words() == 1);
    CHECK(tree.inner_nodes() == 0);
    CHECK(tree.length(0) == 0);
  }
}
