// kernels: the batched SGD steps train_block and train_pooled_block (CBOW) against their
// scalar, double-precision references, and the accuracy of fast_exp and fast_log.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "detail/kernels.hpp"
#include "w2v/model.hpp"
#include "w2v/rng.hpp"

namespace {

using w2v::Matrix;
using w2v::Merge;
using w2v::MergeParams;

constexpr std::size_t kDim = 100;  // columns; Matrix pads rows to a stride of 112
constexpr int kStride = 112;       // what the trainer passes as dim

void fill(Matrix& m, std::uint64_t seed, float range) {
  w2v::Rng rng(seed);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    for (std::size_t c = 0; c < m.cols(); ++c) m.row(r)[c] = (2.0f * rng.uniform() - 1.0f) * range;
  }
}

// Two identical copies of the word and context rows, one for each kernel.
struct Rows {
  Matrix words_a, contexts_a, words_b, contexts_b;
  Rows(std::size_t word_rows, std::size_t context_rows, std::uint64_t seed, float word_range,
       float context_range, std::size_t cols = kDim)
      : words_a(word_rows, cols),
        contexts_a(context_rows, cols),
        words_b(word_rows, cols),
        contexts_b(context_rows, cols) {
    fill(words_a, seed, word_range);
    fill(words_b, seed, word_range);
    fill(contexts_a, seed + 1, context_range);
    fill(contexts_b, seed + 1, context_range);
  }
};

std::vector<float*> pointers(Matrix& m, const std::vector<std::uint32_t>& ids) {
  std::vector<float*> p;
  for (const auto id : ids) {
    REQUIRE(id < m.rows());
    p.push_back(m.row(id));
    REQUIRE(reinterpret_cast<std::uintptr_t>(p.back()) % 64 == 0);
  }
  return p;
}

// Largest |a - b| over every float of every row, padding included.
double max_difference(const Matrix& a, const Matrix& b) {
  double worst = 0;
  for (std::size_t r = 0; r < a.rows(); ++r) {
    for (std::size_t c = 0; c < a.stride(); ++c) {
      const double diff = std::fabs(double(a.row(r)[c]) - b.row(r)[c]);
      if (!(diff <= worst))
        worst = std::isnan(diff) ? std::numeric_limits<double>::infinity() : diff;
    }
  }
  return worst;
}

bool padding_is_zero(const Matrix& m) {
  for (std::size_t r = 0; r < m.rows(); ++r) {
    for (std::size_t c = m.cols(); c < m.stride(); ++c) {
      if (m.row(r)[c] != 0.0f) return false;
    }
  }
  return true;
}

enum Repeats { kDistinct = 0, kInputRepeats = 1, kOutputRepeats = 2, kBothRepeat = 3 };
struct Case {
  int m, n, positives;
  int repeats;  // which side's rows repeat within the block
};

// Runs both kernels on the same seeded rows and checks that they agree.
// variant 1 uses other merge parameters and larger vectors; variant 2 (cos) caps row norms
// near their typical length, so that some updated rows are scaled back and some are not.
// The kernel under test: train_block, CBOW's pooled step (the mean of the input rows when
// `mean`, else the sum) or the input rows stepped in turn.
enum class Kernel { kBlock, kPooled, kInTurn };
void compare_kernels(Merge merge, int variant, float lr, const Case& c, std::uint64_t seed,
                     w2v::detail::BlockScratch& scratch, Kernel kernel = Kernel::kBlock,
                     bool mean = true, std::size_t cols = kDim) {
  const bool pooled = kernel == Kernel::kPooled;
  // Contexts random too (not word2vec.c's zeros), so every term of the update is exercised.
  const float range = variant == 1 ? 0.8f : 0.5f;
  Rows rows(32, 64, seed, range, range, cols);
  REQUIRE((cols != kDim || rows.words_a.stride() == static_cast<std::size_t>(kStride)));
  w2v::Rng pick(seed);
  std::vector<std::uint32_t> in_ids, out_ids;
  for (int i = 0; i < c.m; ++i) in_ids.push_back((c.repeats & kInputRepeats) ? pick.below(4) : i);
  for (int j = 0; j < c.n; ++j) {
    out_ids.push_back((c.repeats & kOutputRepeats) ? pick.below(5) : 2 * j);
  }
  MergeParams params{merge, 1.0f, 0.0f};
  if (merge == Merge::kCos) {
    params.scale = variant == 1 ? -3.0f : 5.0f;
    params.bias = variant == 1 ? 1.2f : -0.5f;
    if (variant == 2) params.max_norm = 2.9f;
  }
  const int dim = static_cast<int>(rows.words_a.stride());

  auto in_a = pointers(rows.words_a, in_ids), out_a = pointers(rows.contexts_a, out_ids);
  auto in_b = pointers(rows.words_b, in_ids), out_b = pointers(rows.contexts_b, out_ids);
  w2v::detail::BlockStats fast, ref;
  if (pooled) {
    w2v::detail::train_pooled_block(in_a.data(), c.m, mean, out_a.data(), c.n, c.positives, dim, lr,
                                    params, scratch, fast);
    w2v::detail::train_pooled_block_reference(in_b.data(), c.m, mean, out_b.data(), c.n,
                                              c.positives, dim, lr, params, ref);
  } else if (kernel == Kernel::kInTurn) {
    w2v::detail::train_block_in_turn(in_a.data(), c.m, out_a.data(), c.n, c.positives, dim, lr,
                                     params, scratch, fast);
    w2v::detail::train_block_in_turn_reference(in_b.data(), c.m, out_b.data(), c.n, c.positives,
                                               dim, lr, params, ref);
  } else {
    w2v::detail::train_block(in_a.data(), c.m, out_a.data(), c.n, c.positives, dim, lr, params,
                             scratch, fast);
    w2v::detail::train_block_reference(in_b.data(), c.m, out_b.data(), c.n, c.positives, dim, lr,
                                       params, ref);
  }
  const std::string merge_name = w2v::merge_name(merge);
  CAPTURE(merge_name);
  CAPTURE(variant);
  CAPTURE(lr);
  CAPTURE(c.m);
  CAPTURE(c.n);
  CAPTURE(c.positives);
  CAPTURE(c.repeats);
  CAPTURE(pooled);
  CAPTURE(mean);
  CAPTURE(cols);
  REQUIRE(fast.finite);
  REQUIRE(ref.finite);
  // The step did something: the rows moved from their start.
  Rows start(32, 64, seed, range, range, cols);
  CHECK(max_difference(rows.words_a, start.words_a) > 1e-4);
  CHECK(max_difference(rows.contexts_a, start.contexts_a) > 1e-4);
  // Updated rows equal to 1e-5 (untouched rows are compared too).
  CHECK(max_difference(rows.words_a, rows.words_b) <= 1e-5);
  CHECK(max_difference(rows.contexts_a, rows.contexts_b) <= 1e-5);
  CHECK(padding_is_zero(rows.words_a));
  CHECK(padding_is_zero(rows.contexts_a));
  CHECK(fast.pairs == static_cast<std::int64_t>(pooled ? 1 : c.m) * c.n);
  CHECK(ref.pairs == fast.pairs);
  // Loss and gradients summed over the block: 1e-5 per pair.
  const double mn = static_cast<double>(fast.pairs);
  CHECK(std::fabs(fast.loss - ref.loss) <= 1e-5 * mn);
  CHECK(std::fabs(fast.scale_ascent - ref.scale_ascent) <= 1e-5 * mn);
  CHECK(std::fabs(fast.bias_ascent - ref.bias_ascent) <= 1e-5 * mn);
  if (merge == Merge::kDot) {
    CHECK(fast.scale_ascent == 0.0);
    CHECK(fast.bias_ascent == 0.0);
  }
}

const std::vector<Case>& all_cases() {
  static const std::vector<Case> cases = {
      {1, 1, 1, kDistinct},       {1, 1, 0, kDistinct},       {1, 6, 1, kDistinct},
      {1, 12, 2, kDistinct},      {4, 6, 1, kDistinct},       {10, 6, 1, kDistinct},
      {3, 24, 4, kDistinct},      {1, 30, 5, kDistinct},      {8, 11, 1, kDistinct},
      {2, 3, 3, kDistinct},       {6, 11, 1, kInputRepeats},  {9, 4, 1, kInputRepeats},
      {6, 11, 1, kOutputRepeats}, {1, 18, 3, kOutputRepeats}, {9, 9, 2, kBothRepeat}};
  return cases;
}

// check(merge, bad) for both merges, with NaN and with infinity as the bad value.
template <class Check>
void for_each_merge_and_bad_value(Check check) {
  for (const Merge merge : {Merge::kCos, Merge::kDot}) {
    for (const float bad :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
      const std::string merge_name = w2v::merge_name(merge);
      CAPTURE(merge_name);
      CAPTURE(bad);
      check(merge, bad);
    }
  }
}

}  // namespace

TEST_SUITE("kernels") {
  TEST_CASE("train_block matches train_block_reference") {
    // One scratch for every block, as a training thread uses it: buffers grow and are
    // reused with smaller blocks.
    w2v::detail::BlockScratch scratch;
    int blocks = 0;
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (const int variant : {0, 1, 2}) {
        if (merge == Merge::kDot && variant == 2) continue;  // max_norm is a cos setting
        for (const float lr : {0.025f, 0.2f}) {
          for (std::size_t k = 0; k < all_cases().size(); ++k) {
            const Case& c = all_cases()[k];
            // Checked separately below.
            if (merge == Merge::kCos && (c.repeats & kOutputRepeats)) continue;
            compare_kernels(merge, variant, lr, c, 1000 * k + 10 * variant + (merge == Merge::kCos),
                            scratch);
            ++blocks;
          }
        }
      }
    }
    CHECK(blocks == 3 * 2 * (15 - 3) + 2 * 2 * 15);
  }

  TEST_CASE("train_pooled_block (CBOW, mean and sum) matches its reference") {
    w2v::detail::BlockScratch scratch;
    int blocks = 0;
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (const int variant : {0, 1, 2}) {
        if (merge == Merge::kDot && variant == 2) continue;
        for (const bool mean : {true, false}) {
          for (const float lr : {0.05f, 0.2f}) {
            for (std::size_t k = 0; k < all_cases().size(); ++k) {
              compare_kernels(merge, variant, lr, all_cases()[k],
                              1000 * k + 10 * variant + (merge == Merge::kCos) + 5 * mean, scratch,
                              Kernel::kPooled, mean);
              ++blocks;
            }
          }
        }
      }
    }
    CHECK(blocks == 5 * 2 * 2 * 15);
  }

  TEST_CASE("train_pooled_block matches its reference at every row length") {
    // Rows of up to 12 lane blocks (192 floats) are held in registers on AVX-512 machines,
    // longer ones are not; both ways, and rows of one lane block.
    w2v::detail::BlockScratch scratch;
    int blocks = 0;
    for (const std::size_t cols : {10, 50, 128, 190, 200, 300}) {
      for (const Merge merge : {Merge::kCos, Merge::kDot}) {
        for (const int variant : {0, 2}) {
          if (merge == Merge::kDot && variant == 2) continue;
          for (std::size_t k = 0; k < all_cases().size(); ++k) {
            compare_kernels(merge, variant, 0.05f, all_cases()[k],
                            1000 * k + 10 * variant + (merge == Merge::kCos) + cols, scratch,
                            Kernel::kPooled, k % 2 == 0, cols);
            ++blocks;
          }
        }
      }
    }
    CHECK(blocks == 6 * 3 * 15);
  }

  TEST_CASE("train_block_in_turn matches its reference, rows repeating or not") {
    w2v::detail::BlockScratch scratch;
    int blocks = 0;
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (const int variant : {0, 1, 2}) {
        if (merge == Merge::kDot && variant == 2) continue;
        for (const float lr : {0.025f, 0.2f}) {
          for (std::size_t k = 0; k < all_cases().size(); ++k) {
            compare_kernels(merge, variant, lr, all_cases()[k],
                            1000 * k + 10 * variant + (merge == Merge::kCos) + 7, scratch,
                            Kernel::kInTurn);
            ++blocks;
          }
        }
      }
    }
    CHECK(blocks == 5 * 2 * 15);
  }

  TEST_CASE("train_block_in_turn differs from train_block: row i sees rows 0 .. i-1's steps") {
    // The same rows stepped both ways: with several input rows the order shows.
    Rows rows(8, 8, 5, 0.5f, 0.5f);
    const std::vector<std::uint32_t> in_ids = {0, 1, 2, 3}, out_ids = {0, 1, 2};
    auto in_a = pointers(rows.words_a, in_ids), out_a = pointers(rows.contexts_a, out_ids);
    auto in_b = pointers(rows.words_b, in_ids), out_b = pointers(rows.contexts_b, out_ids);
    const MergeParams params{Merge::kCos, 5.0f, 0.0f};
    w2v::detail::BlockScratch scratch;
    w2v::detail::BlockStats turn, block;
    w2v::detail::train_block_in_turn(in_a.data(), 4, out_a.data(), 3, 1, kStride, 0.2f, params,
                                     scratch, turn);
    w2v::detail::train_block(in_b.data(), 4, out_b.data(), 3, 1, kStride, 0.2f, params, scratch,
                             block);
    // Row 0's step is the same both ways; row 3's is not.
    CHECK(std::fabs(rows.words_a.row(0)[0] - rows.words_b.row(0)[0]) <= 1e-6);
    double diff = 0;
    for (std::size_t c = 0; c < kDim; ++c)
      diff += std::fabs(double(rows.words_a.row(3)[c]) - rows.words_b.row(3)[c]);
    CHECK(diff > 1e-4);
  }

  TEST_CASE("cos: repeated output rows (a noise word drawn twice) match the reference") {
    // The header allows rows to repeat within a side and calls train_block_reference the
    // same step; a noise word drawn twice for one centre is an everyday case.
    w2v::detail::BlockScratch scratch;
    for (const int variant : {0, 1, 2}) {
      for (const float lr : {0.025f, 0.2f}) {
        for (std::size_t k = 0; k < all_cases().size(); ++k) {
          const Case& c = all_cases()[k];
          if (!(c.repeats & kOutputRepeats)) continue;
          compare_kernels(Merge::kCos, variant, lr, c, 1000 * k + 10 * variant + 1, scratch);
        }
      }
    }
  }

  TEST_CASE("train_block with word2vec.c's zero context vectors (dot)") {
    Rows rows(8, 8, 77, 0.005f, 0.0f);
    const std::vector<std::uint32_t> in_ids = {0, 1, 2, 3}, out_ids = {0, 1, 2, 3, 4, 5};
    auto in_a = pointers(rows.words_a, in_ids), out_a = pointers(rows.contexts_a, out_ids);
    auto in_b = pointers(rows.words_b, in_ids), out_b = pointers(rows.contexts_b, out_ids);
    const MergeParams params{Merge::kDot, 1.0f, 0.0f};
    w2v::detail::BlockScratch scratch;
    w2v::detail::BlockStats fast, ref;
    w2v::detail::train_block(in_a.data(), 4, out_a.data(), 6, 1, kStride, 0.025f, params, scratch,
                             fast);
    w2v::detail::train_block_reference(in_b.data(), 4, out_b.data(), 6, 1, kStride, 0.025f, params,
                                       ref);
    // All logits are 0: loss ln 2 per pair; the word rows do not move yet.
    CHECK(fast.loss == doctest::Approx(24 * std::log(2.0)).epsilon(1e-5));
    CHECK(ref.loss == doctest::Approx(24 * std::log(2.0)).epsilon(1e-9));
    CHECK(max_difference(rows.words_a, rows.words_b) <= 1e-5);
    CHECK(max_difference(rows.contexts_a, rows.contexts_b) <= 1e-5);
    Rows start(8, 8, 77, 0.005f, 0.0f);
    CHECK(max_difference(rows.words_a, start.words_a) == 0.0);
    CHECK(max_difference(rows.contexts_a, start.contexts_a) > 0.0);
  }

  TEST_CASE("a block without input rows changes nothing and counts no pair") {
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (const bool pooled : {false, true}) {
        Rows rows(4, 4, 9, 0.5f, 0.5f);
        auto out = pointers(rows.contexts_a, {0, 1, 2});
        const MergeParams params{merge, 5.0f, 0.0f};
        w2v::detail::BlockScratch scratch;
        w2v::detail::BlockStats stats;
        if (pooled) {
          w2v::detail::train_pooled_block(nullptr, 0, true, out.data(), 3, 1, kStride, 0.025f,
                                          params, scratch, stats);
        } else {
          w2v::detail::train_block(nullptr, 0, out.data(), 3, 1, kStride, 0.025f, params, scratch,
                                   stats);
        }
        CHECK(stats.finite);
        CHECK(stats.pairs == 0);
        CHECK(max_difference(rows.contexts_a, rows.contexts_b) == 0.0);
      }
    }
  }

  TEST_CASE("a NaN or infinite row stops the step before anything changes") {
    for_each_merge_and_bad_value([](Merge merge, float bad) {
      Rows rows(4, 4, 5, 0.5f, 0.5f);
      rows.contexts_a.row(2)[7] = bad;
      rows.contexts_b.row(2)[7] = bad;
      Rows start(4, 4, 5, 0.5f, 0.5f);
      const std::vector<std::uint32_t> in_ids = {0, 1}, out_ids = {0, 1, 2};
      auto in_a = pointers(rows.words_a, in_ids), out_a = pointers(rows.contexts_a, out_ids);
      auto in_b = pointers(rows.words_b, in_ids), out_b = pointers(rows.contexts_b, out_ids);
      const MergeParams params{merge, 5.0f, 0.0f};
      w2v::detail::BlockScratch scratch;
      w2v::detail::BlockStats fast, ref;
      w2v::detail::train_block(in_a.data(), 2, out_a.data(), 3, 1, kStride, 0.025f, params, scratch,
                               fast);
      w2v::detail::train_block_reference(in_b.data(), 2, out_b.data(), 3, 1, kStride, 0.025f,
                                         params, ref);
      CHECK_FALSE(fast.finite);
      CHECK_FALSE(ref.finite);
      CHECK(max_difference(rows.words_a, start.words_a) == 0.0);
      CHECK(max_difference(rows.words_b, start.words_b) == 0.0);
      for (const std::uint32_t r : {0u, 1u, 3u}) {
        for (std::size_t d = 0; d < kDim; ++d) {
          CHECK(rows.contexts_a.row(r)[d] == start.contexts_a.row(r)[d]);
        }
      }
    });
  }

  TEST_CASE("in turn, a NaN or infinite input row stops the block there") {
    for_each_merge_and_bad_value([](Merge merge, float bad) {
      Rows rows(4, 4, 5, 0.5f, 0.5f);
      rows.words_a.row(1)[7] = bad;
      Rows start(4, 4, 5, 0.5f, 0.5f);
      start.words_a.row(1)[7] = bad;
      const std::vector<std::uint32_t> in_ids = {0, 1, 2}, out_ids = {0, 1, 2};
      auto in = pointers(rows.words_a, in_ids), out = pointers(rows.contexts_a, out_ids);
      const MergeParams params{merge, 5.0f, 0.0f};
      w2v::detail::BlockScratch scratch;
      w2v::detail::BlockStats stats;
      w2v::detail::train_block_in_turn(in.data(), 3, out.data(), 3, 1, kStride, 0.025f, params,
                                       scratch, stats);
      CHECK_FALSE(stats.finite);
      CHECK(stats.pairs == 3);  // row 0's pairs only
      bool row0_moved = false, rows12_kept = true;
      for (std::size_t d = 0; d < kDim; ++d) {
        row0_moved = row0_moved || rows.words_a.row(0)[d] != start.words_a.row(0)[d];
        for (const std::uint32_t r : {1u, 2u}) {
          const float now = rows.words_a.row(r)[d], was = start.words_a.row(r)[d];
          rows12_kept = rows12_kept && (now == was || (std::isnan(now) && std::isnan(was)));
        }
      }
      CHECK(row0_moved);
      CHECK(rows12_kept);
    });
  }

  TEST_CASE("fast_exp: relative error below 2e-7 on [-87, 88]") {
    double worst = 0, worst_x = 0;
    const int steps = 1000000;
    for (int i = 0; i <= steps; ++i) {
      const float x = -87.0f + 175.0f * static_cast<float>(i) / steps;
      const double exact = std::exp(static_cast<double>(x));
      const double rel = std::fabs(w2v::detail::fast_exp(x) - exact) / exact;
      if (rel > worst) {
        worst = rel;
        worst_x = x;
      }
    }
    for (const float x : {-87.0f, -1.0f, 0.0f, 1.0f, 88.0f}) {
      const double exact = std::exp(static_cast<double>(x));
      worst = std::max(worst, std::fabs(w2v::detail::fast_exp(x) - exact) / exact);
    }
    CAPTURE(worst_x);
    CHECK(worst < 2e-7);
    CHECK(w2v::detail::fast_exp(0.0f) == doctest::Approx(1.0).epsilon(1e-7));
  }

  TEST_CASE("fast_log: absolute error below 1e-6 where a float can hold it") {
    // The header promises 1e-6 absolute for every x >= 1e-30, but a float near
    // ln(1e-30) = -69 is spaced 7.6e-6 apart, so no float result can meet that there.
    // Checked here: 1e-6 absolute while |ln x| < 8 (float spacing below 1e-6), and
    // everywhere on [1e-30, 1e30] within max(1e-6, two float spacings of ln x).
    double worst_abs = 0, worst_ratio = 0;
    const int steps = 1000000;
    for (int i = 0; i <= steps; ++i) {
      const double e = -30.0 + 60.0 * i / steps;
      const float x = static_cast<float>(std::pow(10.0, e));
      if (!(x >= 1e-30f)) continue;
      const double exact = std::log(static_cast<double>(x));
      const float got = w2v::detail::fast_log(x);
      const double error = std::fabs(got - exact);
      const float f = static_cast<float>(exact);
      const double spacing =
          std::nextafter(std::fabs(f), std::numeric_limits<float>::infinity()) - std::fabs(f);
      if (std::fabs(exact) < 8) worst_abs = std::max(worst_abs, error);
      worst_ratio = std::max(worst_ratio, error / std::max(1e-6, 2 * spacing));
    }
    // 1 + e^-s for the logits the kernel sees: the loss term log(1 + e).
    for (int i = 0; i <= steps; ++i) {
      const float x = 1.0f + static_cast<float>(std::exp(-87.0 + 174.0 * i / steps));
      const double exact = std::log(static_cast<double>(x));
      if (std::fabs(exact) < 8) {
        worst_abs = std::max(worst_abs, std::fabs(w2v::detail::fast_log(x) - exact));
      }
    }
    CHECK(worst_abs < 1e-6);
    CHECK(worst_ratio <= 1.0);
    CHECK(w2v::detail::fast_log(1.0f) == doctest::Approx(0.0));
  }
}
