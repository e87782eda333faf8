// hot_rows: a training thread's own copies of the most frequent words' context rows, and
// the sync that adds their changes to the shared rows; then, through train(), that what
// the threads learn in their copies reaches the model.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "detail/hot_rows.hpp"
#include "w2v/corpus.hpp"
#include "w2v/model.hpp"
#include "w2v/rng.hpp"
#include "w2v/trainer.hpp"
#include "w2v/vocab.hpp"

namespace {

using w2v::Matrix;
using w2v::detail::HotRows;

constexpr std::size_t kCols = 5;

Matrix numbered(std::size_t rows) {
  Matrix m(rows, kCols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < kCols; ++c) m.row(r)[c] = static_cast<float>(r) + 0.1f * c;
  }
  return m;
}

std::vector<float> row_of(const float* row) { return {row, row + kCols}; }

double length(const float* row, std::size_t cols = kCols) {
  double sq = 0;
  for (std::size_t c = 0; c < cols; ++c) sq += double(row[c]) * row[c];
  return std::sqrt(sq);
}

}  // namespace

TEST_SUITE("hot rows") {
  TEST_CASE("the first rows are copies, the others and all rows with count 0 are shared") {
    Matrix shared = numbered(6);
    HotRows none(shared, 0);
    CHECK(none.count() == 0);
    for (std::uint32_t id = 0; id < 6; ++id) CHECK(none.row(id) == shared.row(id));

    HotRows hot(shared, 4);
    CHECK(hot.count() == 4);
    for (std::uint32_t id = 0; id < 4; ++id) {
      CHECK(hot.row(id) != shared.row(id));
      CHECK(row_of(hot.row(id)) == row_of(shared.row(id)));
    }
    CHECK(hot.row(4) == shared.row(4));
    CHECK(hot.row(5) == shared.row(5));
    CHECK(HotRows(shared, 100).count() == 6);
  }

  TEST_CASE("sync adds this thread's changes to the others' and hands back the sum") {
    Matrix shared = numbered(3);
    HotRows hot(shared, 3);
    for (int round = 1; round <= 2; ++round) {
      const std::vector<float> before0 = row_of(shared.row(0)), before1 = row_of(shared.row(1)),
                               before2 = row_of(shared.row(2));
      for (std::size_t c = 0; c < kCols; ++c) {
        hot.row(0)[c] += 1.0f;     // this thread
        shared.row(0)[c] += 2.0f;  // another thread, same row
        shared.row(1)[c] += 3.0f;  // another thread alone
      }
      hot.sync(w2v::MergeParams{w2v::Merge::kDot});
      for (std::size_t c = 0; c < kCols; ++c) {
        // Each round adds only what changed since the last sync.
        CHECK(shared.row(0)[c] == doctest::Approx(before0[c] + 3.0f));
        CHECK(shared.row(1)[c] == doctest::Approx(before1[c] + 3.0f));
        CHECK(shared.row(2)[c] == before2[c]);
      }
      for (std::uint32_t id = 0; id < 3; ++id) {
        CHECK(row_of(hot.row(id)) == row_of(shared.row(id)));
      }
    }
  }

  TEST_CASE("an averaging sync sets a changed row to the mean of copy and shared row") {
    Matrix shared = numbered(3);
    HotRows hot(shared, 3, HotRows::Combine::kAverage);
    const std::vector<float> before0 = row_of(shared.row(0)), before1 = row_of(shared.row(1));
    for (std::size_t c = 0; c < kCols; ++c) {
      hot.row(0)[c] += 1.0f;     // this thread
      shared.row(0)[c] += 3.0f;  // another thread, same row
      shared.row(1)[c] += 3.0f;  // another thread alone: this copy did not change
    }
    hot.sync(w2v::MergeParams{w2v::Merge::kDot});
    for (std::size_t c = 0; c < kCols; ++c) {
      CHECK(shared.row(0)[c] == doctest::Approx(before0[c] + 2.0f));
      CHECK(shared.row(1)[c] == doctest::Approx(before1[c] + 3.0f));
    }
    for (std::uint32_t id = 0; id < 3; ++id) {
      CHECK(row_of(hot.row(id)) == row_of(shared.row(id)));
    }
  }

  TEST_CASE("sync caps the length of the rows it changed, and only those") {
    Matrix shared = numbered(3);  // rows 1 and 2 are longer than 2
    HotRows hot(shared, 3);
    const std::vector<float> untouched = row_of(shared.row(2));
    hot.row(1)[0] += 1.0f;
    w2v::MergeParams cos;
    cos.merge = w2v::Merge::kCos;
    cos.max_norm = 2.0f;
    hot.sync(cos);
    CHECK(length(shared.row(1)) == doctest::Approx(2.0).epsilon(1e-6));
    CHECK(row_of(hot.row(1)) == row_of(shared.row(1)));
    CHECK(row_of(shared.row(2)) == untouched);
  }
}

TEST_SUITE("learning") {
  // Threads take chunks as they go, so which words a thread trains is not fixed; what is
  // fixed is how much all of them train. With a small rate and one epoch, the context rows
  // (zero at the start in the dot merge) move about linearly in the number of updates: if
  // the threads' changes to their copies were lost, two threads would move them about half
  // as far as one.
  TEST_CASE("two threads: what a thread trains in its copies reaches the model") {
    constexpr std::uint32_t kWords = 30;
    std::vector<std::vector<std::uint32_t>> sentences;
    w2v::Rng rng(11);
    for (int s = 0; s < 20000; ++s) {
      // Ten topics of three words: a word's contexts are always the same few words, so
      // its context row moves in one direction rather than at random.
      const std::uint32_t topic = rng.below(kWords / 3);
      std::vector<std::uint32_t> sentence;
      for (int w = 0; w < 10; ++w) sentence.push_back(3 * topic + rng.below(3));
      sentences.push_back(std::move(sentence));
    }
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (std::uint32_t w = 0; w < kWords; ++w) counts.emplace_back("w" + std::to_string(w), 1000);
    const w2v::Vocab vocab = w2v::Vocab::from_counts(counts, w2v::VocabOptions{1, 0});
    const w2v::EncodedCorpus corpus = w2v::encode_sentences(sentences);
    REQUIRE(w2v::make_chunks(corpus).size() >= 16);

    auto context_movement = [&](int threads) {
      w2v::TrainOptions options;
      options.merge = w2v::Merge::kDot;
      options.dim = 16;
      options.epochs = 1;
      options.lr = 0.0005;
      options.threads = threads;
      options.sample = 0;
      options.seed = 5;
      w2v::Model model = w2v::make_model(vocab.size(), options);
      w2v::train(model, corpus, vocab, options);
      double sum = 0;
      for (std::size_t r = 0; r < vocab.size(); ++r)
        sum += length(model.contexts.row(r), model.contexts.cols());
      return sum;
    };
    const double one = context_movement(1), two = context_movement(2);
    MESSAGE("context rows' total length: 1 thread " << one << ", 2 threads " << two);
    REQUIRE(one > 0);
    CHECK(two / one > 0.85);
    CHECK(two / one < 1.15);
  }
}
