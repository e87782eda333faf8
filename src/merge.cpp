#include "w2v/merge.hpp"

#include <algorithm>
#include <cmath>

#include "w2v/error.hpp"

namespace w2v {
namespace {

double dot(const float* a, const float* b, int dim) {
  double s = 0;
  for (int i = 0; i < dim; ++i) s += double(a[i]) * b[i];
  return s;
}

double inverse_norm(const float* x, int dim) {
  return 1.0 / std::sqrt(std::max(dot(x, x, dim), kNormFloor));
}

// log(1 + e^z) without overflow.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

}  // namespace

Merge parse_merge(const std::string& name) {
  if (name == "cos") return Merge::kCos;
  if (name == "dot") return Merge::kDot;
  throw UsageError("--merge must be 'cos' or 'dot', got '" + name + "'");
}

const char* merge_name(Merge merge) { return merge == Merge::kCos ? "cos" : "dot"; }

double merge_logit(const MergeParams& params, const float* u, const float* v, int dim) {
  const double uv = dot(u, v, dim);
  if (params.merge == Merge::kDot) return uv;
  return params.scale * uv * inverse_norm(u, dim) * inverse_norm(v, dim) + params.bias;
}

PairGradient merge_gradient(const MergeParams& params, const float* u, const float* v, int dim,
                            int label) {
  PairGradient g;
  g.du.assign(static_cast<std::size_t>(dim), 0.0);
  g.dv.assign(static_cast<std::size_t>(dim), 0.0);
  const double s = merge_logit(params, u, v, dim);
  // dL/ds = sigmoid(s) - y; loss = softplus(-s) for y = 1, softplus(s) for y = 0.
  const double p = 1.0 / (1.0 + std::exp(-s));
  const double dl_ds = p - label;
  g.loss = label ? softplus(-s) : softplus(s);
  if (params.merge == Merge::kDot) {
    for (int d = 0; d < dim; ++d) {
      g.du[d] = dl_ds * v[d];
      g.dv[d] = dl_ds * u[d];
    }
    return g;
  }
  // cos = (u.v) iu iv with iu = 1/max(|u|, 1e-6): dcos/du = iu iv v - cos iu^2 u while
  // |u|^2 is above the floor; below it iu is constant and the second term vanishes.
  const double uu = dot(u, u, dim), vv = dot(v, v, dim), uv = dot(u, v, dim);
  const double iu = 1.0 / std::sqrt(std::max(uu, kNormFloor));
  const double iv = 1.0 / std::sqrt(std::max(vv, kNormFloor));
  const double cos = uv * iu * iv;
  const double ku = uu > kNormFloor ? cos * iu * iu : 0.0;
  const double kv = vv > kNormFloor ? cos * iv * iv : 0.0;
  const double a = params.scale;
  for (int d = 0; d < dim; ++d) {
    g.du[d] = dl_ds * a * (iu * iv * v[d] - ku * u[d]);
    g.dv[d] = dl_ds * a * (iu * iv * u[d] - kv * v[d]);
  }
  g.dscale = dl_ds * cos;
  g.dbias = dl_ds;
  return g;
}

}  // namespace w2v
