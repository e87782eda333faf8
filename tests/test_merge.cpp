// merge: the logit and loss of a pair, and merge_gradient against central finite
// differences of the loss with respect to u, v, scale and bias.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "w2v/error.hpp"
#include "w2v/merge.hpp"
#include "w2v/rng.hpp"

namespace {

using w2v::Merge;
using w2v::MergeParams;

std::vector<float> random_vector(w2v::Rng& rng, int dim, float range) {
  std::vector<float> x(static_cast<std::size_t>(dim));
  for (auto& v : x) v = (2.0f * rng.uniform() - 1.0f) * range;
  return x;
}

// Random, with norm at least 0.1: the cosine's derivatives grow like 1/|x|^k near zero,
// where no finite difference is accurate.
std::vector<float> random_nonzero(w2v::Rng& rng, int dim, float range) {
  for (;;) {
    auto x = random_vector(rng, dim, range);
    double n = 0;
    for (const float v : x) n += double(v) * v;
    if (n >= 0.01) return x;
  }
}

double loss(const MergeParams& p, const std::vector<float>& u, const std::vector<float>& v,
            int label) {
  return w2v::merge_gradient(p, u.data(), v.data(), static_cast<int>(u.size()), label).loss;
}

// The logit and loss written out independently, in double.
double oracle_logit(const MergeParams& p, const std::vector<float>& u,
                    const std::vector<float>& v) {
  double uv = 0, uu = 0, vv = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    uv += double(u[i]) * v[i];
    uu += double(u[i]) * u[i];
    vv += double(v[i]) * v[i];
  }
  if (p.merge == Merge::kDot) return uv;
  return p.scale * uv / (std::sqrt(std::max(uu, 1e-12)) * std::sqrt(std::max(vv, 1e-12))) + p.bias;
}
double oracle_loss(double s, int label) {
  const double sig = 1.0 / (1.0 + std::exp(-s));
  return label ? -std::log(sig) : -std::log(1.0 - sig);
}

// Central difference of f along a float parameter x, using the step actually taken
// (x + h and x - h rounded to float), so float rounding does not enter the quotient.
template <class F>
double central_difference(float& x, double h, F&& f) {
  const float saved = x;
  x = static_cast<float>(saved + h);
  const double up = x;
  const double f_up = f();
  x = static_cast<float>(saved - h);
  const double down = x;
  const double f_down = f();
  x = saved;
  return (f_up - f_down) / (up - down);
}

// |a - b| within a relative and an absolute tolerance.
bool close(double a, double b, double rel, double abs) {
  return std::fabs(a - b) <= abs + rel * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

TEST_SUITE("merge") {
  TEST_CASE("merge_logit and the loss match the definitions") {
    w2v::Rng rng(1);
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (int trial = 0; trial < 20; ++trial) {
        const int dim = 1 + static_cast<int>(rng.below(60));
        const auto u = random_vector(rng, dim, 1.0f), v = random_vector(rng, dim, 1.0f);
        const MergeParams p{merge, 0.5f + 6.0f * rng.uniform(), 2.0f * rng.uniform() - 1.0f};
        const double s = w2v::merge_logit(p, u.data(), v.data(), dim);
        CHECK(s == doctest::Approx(oracle_logit(p, u, v)).epsilon(1e-12));
        for (const int label : {0, 1}) {
          CHECK(loss(p, u, v, label) == doctest::Approx(oracle_loss(s, label)).epsilon(1e-10));
        }
      }
    }
    SUBCASE("cos is scale * cosine + bias: parallel and opposite vectors") {
      const std::vector<float> u = {1, 2, 3}, v = {2, 4, 6}, w = {-3, -6, -9};
      const MergeParams p{Merge::kCos, 5.0f, 0.5f};
      CHECK(w2v::merge_logit(p, u.data(), v.data(), 3) == doctest::Approx(5.5));
      CHECK(w2v::merge_logit(p, u.data(), w.data(), 3) == doctest::Approx(-4.5));
    }
    SUBCASE("large logits: the loss does not overflow or lose itself") {
      const std::vector<float> u = {10, 10}, v = {10, 10};  // dot: s = 200
      const MergeParams p{Merge::kDot, 1.0f, 0.0f};
      CHECK(loss(p, u, v, 0) == doctest::Approx(200.0));
      CHECK(loss(p, u, v, 1) >= 0.0);
      CHECK(loss(p, u, v, 1) < 1e-80);
      const std::vector<float> w = {-10, -10};
      CHECK(loss(p, u, w, 1) == doctest::Approx(200.0));
    }
  }

  TEST_CASE("merge_gradient equals central finite differences of the loss") {
    w2v::Rng rng(42);
    const double h = 1e-4;
    int checked = 0;
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (int trial = 0; trial < 40; ++trial) {
        const int dim = 2 + static_cast<int>(rng.below(24));
        auto u = random_nonzero(rng, dim, trial % 2 ? 1.0f : 0.2f);
        auto v = random_nonzero(rng, dim, trial % 3 ? 1.0f : 0.3f);
        MergeParams p{merge, (trial % 4 == 3 ? -1.0f : 1.0f) * (0.5f + 6.0f * rng.uniform()),
                      2.0f * rng.uniform() - 1.0f};
        const int label = trial % 2;
        const auto g = w2v::merge_gradient(p, u.data(), v.data(), dim, label);
        REQUIRE(g.du.size() == static_cast<std::size_t>(dim));
        REQUIRE(g.dv.size() == static_cast<std::size_t>(dim));
        auto f = [&] { return loss(p, u, v, label); };
        const std::string merge_name = w2v::merge_name(merge);
        CAPTURE(merge_name);
        CAPTURE(trial);
        CAPTURE(dim);
        for (int d = 0; d < dim; ++d) {
          CAPTURE(d);
          const double fu = central_difference(u[d], h, f), fv = central_difference(v[d], h, f);
          CHECK_MESSAGE(close(g.du[d], fu, 1e-4, 1e-6), "du " << g.du[d] << " vs " << fu);
          CHECK_MESSAGE(close(g.dv[d], fv, 1e-4, 1e-6), "dv " << g.dv[d] << " vs " << fv);
        }
        if (merge == Merge::kCos) {
          const double fs = central_difference(p.scale, h, f),
                       fb = central_difference(p.bias, h, f);
          CHECK_MESSAGE(close(g.dscale, fs, 1e-4, 1e-6), "dscale " << g.dscale << " vs " << fs);
          CHECK_MESSAGE(close(g.dbias, fb, 1e-4, 1e-6), "dbias " << g.dbias << " vs " << fb);
        } else {
          // scale and bias are not part of the dot merge: no gradient, and none is reported.
          CHECK(central_difference(p.scale, h, f) == 0.0);
          CHECK(central_difference(p.bias, h, f) == 0.0);
          CHECK(g.dscale == 0.0);
          CHECK(g.dbias == 0.0);
        }
        ++checked;
      }
    }
    CHECK(checked == 80);
  }

  TEST_CASE("the gradient is not trivially zero and descends the loss") {
    // A small step against the gradient lowers the loss: guards against sign errors the
    // finite-difference check would share with a wrong loss.
    w2v::Rng rng(8);
    for (const Merge merge : {Merge::kCos, Merge::kDot}) {
      for (const int label : {0, 1}) {
        const int dim = 16;
        auto u = random_vector(rng, dim, 1.0f), v = random_vector(rng, dim, 1.0f);
        MergeParams p{merge, 3.0f, 0.1f};
        const auto g = w2v::merge_gradient(p, u.data(), v.data(), dim, label);
        double norm = 0;
        for (int d = 0; d < dim; ++d) norm += g.du[d] * g.du[d] + g.dv[d] * g.dv[d];
        REQUIRE(norm > 1e-8);
        const double before = g.loss;
        for (int d = 0; d < dim; ++d) {
          u[d] -= static_cast<float>(1e-2 * g.du[d]);
          v[d] -= static_cast<float>(1e-2 * g.dv[d]);
        }
        p.scale -= static_cast<float>(1e-2 * g.dscale);
        p.bias -= static_cast<float>(1e-2 * g.dbias);
        CHECK(loss(p, u, v, label) < before);
      }
    }
  }

  TEST_CASE("zero and tiny vectors give finite gradients (cos)") {
    const int dim = 8;
    const std::vector<float> zero(dim, 0.0f);
    const std::vector<float> tiny(dim, 1e-8f);  // |x|^2 = 8e-16, below the 1e-12 floor
    std::vector<float> x(dim);
    for (int d = 0; d < dim; ++d) x[d] = 0.1f * static_cast<float>(d + 1);
    const MergeParams p{Merge::kCos, 5.0f, 0.25f};
    auto all_finite = [](const w2v::PairGradient& g) {
      bool ok = std::isfinite(g.loss) && std::isfinite(g.dscale) && std::isfinite(g.dbias);
      for (const double d : g.du) ok = ok && std::isfinite(d);
      for (const double d : g.dv) ok = ok && std::isfinite(d);
      return ok;
    };
    using Vec = const std::vector<float>*;
    for (const Vec a : {Vec(&zero), Vec(&tiny), Vec(&x)}) {
      for (const Vec b : {Vec(&zero), Vec(&tiny)}) {
        for (const int label : {0, 1}) {
          const auto g1 = w2v::merge_gradient(p, a->data(), b->data(), dim, label);
          const auto g2 = w2v::merge_gradient(p, b->data(), a->data(), dim, label);
          CHECK(all_finite(g1));
          CHECK(all_finite(g2));
        }
      }
    }
    SUBCASE("a zero vector has cosine 0: the logit is the bias") {
      const auto g = w2v::merge_gradient(p, zero.data(), x.data(), dim, 1);
      CHECK(w2v::merge_logit(p, zero.data(), x.data(), dim) == doctest::Approx(0.25));
      CHECK(g.loss == doctest::Approx(oracle_loss(0.25, 1)));
      CHECK(g.dscale == 0.0);
      for (const double d : g.dv) CHECK(d == 0.0);  // v's direction does not matter
      double du_norm = 0;
      for (const double d : g.du) du_norm += d * d;
      CHECK(du_norm > 0);  // u can still move off zero
    }
    SUBCASE("dot with zero vectors: logit 0, finite") {
      const MergeParams d{Merge::kDot, 1.0f, 0.0f};
      const auto g = w2v::merge_gradient(d, zero.data(), zero.data(), dim, 1);
      CHECK(all_finite(g));
      CHECK(g.loss == doctest::Approx(std::log(2.0)));
    }
  }

  TEST_CASE("parse_merge and merge_name") {
    CHECK(w2v::parse_merge("cos") == Merge::kCos);
    CHECK(w2v::parse_merge("dot") == Merge::kDot);
    CHECK(std::string(w2v::merge_name(Merge::kCos)) == "cos");
    CHECK(std::string(w2v::merge_name(Merge::kDot)) == "dot");
    CHECK_THROWS_WITH_AS(w2v::parse_merge("cosine"), doctest::Contains("--merge"), w2v::UsageError);
  }
}
