// subsampler: word2vec.c's keep probability, and the rate at which keep() passes words.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "w2v/rng.hpp"
#include "w2v/subsampler.hpp"

namespace {

// word2vec.c: ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn;
// the word is kept when ran > a uniform draw in [0, 1), so with probability min(1, ran).
double word2vec_keep(double count, double total, double sample) {
  const double ran = (std::sqrt(count / (sample * total)) + 1) * (sample * total) / count;
  return ran < 1 ? ran : 1;
}

}  // namespace

TEST_SUITE("subsampler") {
  TEST_CASE("keep_probability is word2vec.c's formula") {
    const std::vector<std::int64_t> counts = {1, 7, 100, 1000, 12345, 100000, 5000000};
    for (const double t : {1e-5, 1e-4, 1e-3, 1e-2}) {
      for (const std::int64_t total : {std::int64_t{1000000}, std::int64_t{50000000}}) {
        for (const std::int64_t c : counts) {
          CAPTURE(t);
          CAPTURE(c);
          CHECK(w2v::Subsampler::keep_probability(c, total, t) ==
                doctest::Approx(word2vec_keep(double(c), double(total), t)).epsilon(1e-12));
        }
      }
    }
    // A word at exactly t * T occurrences has ran = 2: always kept; far above, ~sqrt(tT/c).
    CHECK(w2v::Subsampler::keep_probability(1000, 1000000, 1e-3) == 1.0);
    CHECK(w2v::Subsampler::keep_probability(100000000, 1000000000, 1e-5) ==
          doctest::Approx(std::sqrt(1e-5 * 1e9 / 1e8) + 1e-5 * 1e9 / 1e8));
    SUBCASE("threshold 0 keeps everything") {
      for (const std::int64_t c : counts)
        CHECK(w2v::Subsampler::keep_probability(c, 6000000, 0.0) == 1.0);
    }
  }

  TEST_CASE("threshold 0: keep() passes every word for every draw") {
    const std::vector<std::int64_t> counts = {1000000, 10, 1, 0};
    const w2v::Subsampler s(counts, 0.0);
    for (std::uint32_t id = 0; id < counts.size(); ++id) {
      for (const std::uint32_t r : {0u, 1u, 0x7FFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFFFu}) {
        CHECK(s.keep(id, r));
      }
    }
  }

  TEST_CASE("keep() passes a fraction of the draws equal to keep_probability") {
    // One very frequent word, a few frequent ones and rare ones.
    const std::vector<std::int64_t> counts = {400000, 150000, 60000, 20000, 5000, 900, 50, 1};
    std::int64_t total = 0;
    for (const auto c : counts) total += c;
    const std::vector<double> thresholds = {1e-3, 1e-2, 1e-4};
    SUBCASE("exactly: the largest passing draw sits at p * 2^32") {
      for (const double t : thresholds) {
        const w2v::Subsampler s(counts, t);
        for (std::uint32_t id = 0; id < counts.size(); ++id) {
          const double p = w2v::Subsampler::keep_probability(counts[id], total, t);
          // keep() is monotone in r: find the number of passing draws by bisection.
          std::uint64_t lo = 0, hi = 1ull << 32;  // passes for r < lo; fails for r >= hi
          while (lo < hi) {
            const std::uint64_t mid = lo + (hi - lo) / 2;
            if (s.keep(id, static_cast<std::uint32_t>(mid))) {
              lo = mid + 1;
            } else {
              hi = mid;
            }
          }
          const double fraction = static_cast<double>(lo) / 4294967296.0;
          CAPTURE(id);
          CAPTURE(t);
          CHECK(std::fabs(fraction - p) <= 2.0 / 4294967296.0);
          if (lo < (1ull << 32)) CHECK_FALSE(s.keep(id, static_cast<std::uint32_t>(lo)));
          if (lo > 0) CHECK(s.keep(id, static_cast<std::uint32_t>(lo - 1)));
        }
      }
    }
    SUBCASE("empirically, over 10^6 draws each") {
      for (const double t : thresholds) {
        const w2v::Subsampler s(counts, t);
        w2v::Rng rng(2024);
        const int draws = 1000000;
        for (std::uint32_t id = 0; id < counts.size(); ++id) {
          const double p = w2v::Subsampler::keep_probability(counts[id], total, t);
          int kept = 0;
          for (int i = 0; i < draws; ++i) kept += s.keep(id, rng.next32());
          const double rate = static_cast<double>(kept) / draws;
          // Five binomial standard deviations (plus a hair for p = 1 exactly).
          const double sigma = std::sqrt(p * (1 - p) / draws);
          CAPTURE(id);
          CAPTURE(t);
          CAPTURE(p);
          CHECK(std::fabs(rate - p) <= 5 * sigma + 1e-9);
          if (p == 1.0) CHECK(kept == draws);
        }
      }
    }
    SUBCASE("frequent words are dropped more than rare ones") {
      for (std::size_t i = 1; i < counts.size(); ++i) {
        CHECK(w2v::Subsampler::keep_probability(counts[i - 1], total, 1e-3) <=
              w2v::Subsampler::keep_probability(counts[i], total, 1e-3));
      }
      CHECK(w2v::Subsampler::keep_probability(counts[0], total, 1e-3) < 0.1);
    }
  }
}
