// The pieces of SearchIndex::search: the top-k heap (detail/top_k.hpp) and the vector
// kernels of its fast pass (detail/search_kernels.hpp) against plain scalar loops.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "detail/search_kernels.hpp"
#include "detail/top_k.hpp"
#include "w2v/rng.hpp"

namespace w2v {
namespace {

using detail::kLanes;

std::vector<float> uniform(Rng& rng, std::size_t n, float low, float high) {
  std::vector<float> v(n);
  for (float& x : v) x = low + (high - low) * static_cast<float>(rng.uniform());
  return v;
}

// Terms' products s_t[j] (cosines in [-1, 1]) and coefficients with random signs.
struct Terms {
  std::vector<std::vector<float>> products;
  std::vector<const float*> pointers;
  std::vector<float> coef;
  Terms(Rng& rng, std::size_t terms, std::size_t n) {
    for (std::size_t t = 0; t < terms; ++t) {
      products.push_back(uniform(rng, n, -1.0f, 1.0f));
      coef.push_back((rng.below(2) == 0 ? -1.0f : 1.0f) * (0.25f + static_cast<float>(t)));
    }
    for (const auto& p : products) pointers.push_back(p.data());
  }
};

}  // namespace

TEST_SUITE("search parts") {
  TEST_CASE("the top-k heap keeps the k best and those within the margin of the k-th") {
    Rng rng(7);
    for (const std::size_t k : {1u, 3u, 10u, 100u}) {
      for (const float margin : {0.0f, 0.01f, 0.2f}) {
        CAPTURE(k);
        CAPTURE(margin);
        detail::TopK top;
        top.reset(k, margin);
        CHECK(top.kth() == -std::numeric_limits<float>::infinity());
        std::vector<Neighbor> all;
        for (std::uint32_t row = 0; row < 2000; ++row) {
          // Scores drift upwards, so the k-th best rises while offers come in.
          const float score = static_cast<float>(rng.uniform()) + row * 0.0002f;
          all.push_back({row, score});
          top.offer(all.back());
          if (all.size() < k) CHECK(top.kth() == -std::numeric_limits<float>::infinity());
        }
        std::sort(all.begin(), all.end(), detail::better);
        CHECK(top.kth() == all[k - 1].score);
        std::vector<Neighbor> got;
        top.collect(got);
        std::sort(got.begin(), got.end(), detail::better);
        // Exactly the offers no lower than the k-th best less the margin, best first.
        std::size_t expected = 0;
        while (expected < all.size() && all[expected].score >= all[k - 1].score - margin) {
          ++expected;
        }
        REQUIRE(got.size() == (margin > 0 ? expected : k));
        for (std::size_t i = 0; i < got.size(); ++i) {
          CHECK(got[i].row == all[i].row);
          CHECK(got[i].score == all[i].score);
        }
      }
    }
  }

  TEST_CASE("search order: the higher score first, then the lower row") {
    CHECK(detail::better({5, 0.5f}, {1, 0.25f}));
    CHECK(detail::better({1, 0.5f}, {5, 0.5f}));
    CHECK_FALSE(detail::better({5, 0.5f}, {1, 0.5f}));
    CHECK_FALSE(detail::better({1, 0.5f}, {1, 0.5f}));
  }

  TEST_CASE("panel products equal the scalar dot products") {
    Rng rng(11);
    for (const std::size_t dim : {1u, 7u, 37u, 100u}) {
      for (const std::size_t np : {1u, 3u, 4u, 5u, 9u}) {
        CAPTURE(dim);
        CAPTURE(np);
        const std::size_t count = 3;  // panels
        const std::size_t ld = count * kLanes + 5;
        const std::vector<float> panels = uniform(rng, count * dim * kLanes, -1.0f, 1.0f);
        const std::vector<float> inverse = uniform(rng, count * kLanes, 0.5f, 2.0f);
        const std::vector<float> probes = uniform(rng, np * dim, -1.0f, 1.0f);
        std::vector<float> out(np * ld, 12345.0f);
        detail::panel_products(panels.data(), dim * kLanes, count, dim, inverse.data(),
                               probes.data(), np, out.data(), ld);
        for (std::size_t i = 0; i < np; ++i) {
          for (std::size_t row = 0; row < count * kLanes; ++row) {
            const std::size_t q = row / kLanes, l = row % kLanes;
            double dot = 0, size = 0;
            for (std::size_t d = 0; d < dim; ++d) {
              const double x = panels[(q * dim + d) * kLanes + l];
              dot += x * probes[i * dim + d];
              size += std::fabs(x * probes[i * dim + d]);
            }
            const double want = dot * inverse[row];
            CHECK(std::fabs(out[i * ld + row] - want) <= 1e-6 * (1 + size) * inverse[row]);
          }
          for (std::size_t j = count * kLanes; j < ld; ++j) CHECK(out[i * ld + j] == 12345.0f);
        }
      }
    }
  }

  TEST_CASE("combined cosine and 3CosMul scores equal the scalar ones, and so do their maxima") {
    Rng rng(13);
    for (std::size_t terms = 1; terms <= 6; ++terms) {
      for (const std::size_t n : {1u, 17u, 256u}) {
        CAPTURE(terms);
        CAPTURE(n);
        Terms t(rng, terms, n);
        std::vector<double> cosine(n), cosmul(n);
        for (std::size_t j = 0; j < n; ++j) {
          double sum = 0, above = 1, below = 1;
          for (std::size_t i = 0; i < terms; ++i) {
            sum += static_cast<double>(t.coef[i]) * t.products[i][j];
            const double x = (1.0 + t.products[i][j]) / 2;
            (t.coef[i] > 0 ? above : below) *= x;
          }
          cosine[j] = sum;
          cosmul[j] = above / (below + detail::kCosMulEpsilon);
        }
        std::vector<float> score(n), below(n);
        const float best =
            detail::combine_cosine(t.pointers.data(), t.coef.data(), terms, n, score.data());
        const float bound =
            detail::combine_cosine(t.pointers.data(), t.coef.data(), terms, n, nullptr);
        for (std::size_t j = 0; j < n; ++j) CHECK(std::fabs(score[j] - cosine[j]) < 1e-5);
        CHECK(best == *std::max_element(score.begin(), score.end()));
        // Without storing: the same maximum, or +infinity (unknown) beyond four terms.
        CHECK(bound == (terms <= 4 ? best : std::numeric_limits<float>::infinity()));

        const float best_mul = detail::combine_cosmul(t.pointers.data(), t.coef.data(), terms, n,
                                                      score.data(), below.data());
        const float bound_mul =
            detail::combine_cosmul(t.pointers.data(), t.coef.data(), terms, n, nullptr, nullptr);
        for (std::size_t j = 0; j < n; ++j) {
          CHECK(std::fabs(score[j] - cosmul[j]) <= 1e-5 * std::max(1.0, cosmul[j]));
        }
        CHECK(best_mul == *std::max_element(score.begin(), score.end()));
        CHECK(bound_mul == (terms <= 4 ? best_mul : std::numeric_limits<float>::infinity()));
      }
    }
  }

  TEST_CASE("at_least and max_of equal the scalar loops") {
    Rng rng(17);
    for (const std::size_t n : {0u, 1u, 15u, 16u, 33u, 256u}) {
      CAPTURE(n);
      const std::vector<float> s = uniform(rng, n, -1.0f, 1.0f);
      const float top =
          n == 0 ? -std::numeric_limits<float>::infinity() : *std::max_element(s.begin(), s.end());
      CHECK(detail::max_of(s.data(), n) == top);
      for (const float threshold : {-2.0f, 0.0f, 0.9f, top}) {
        std::vector<std::uint32_t> hits(n + 1);
        const std::size_t found = detail::at_least(s.data(), n, threshold, hits.data());
        std::vector<std::uint32_t> want;
        for (std::size_t j = 0; j < n; ++j) {
          if (s[j] >= threshold) want.push_back(static_cast<std::uint32_t>(j));
        }
        REQUIRE(found == want.size());
        CHECK(std::equal(want.begin(), want.end(), hits.begin()));
      }
    }
  }
}

}  // namespace w2v
