#include "w2v/projection.hpp"

#include <algorithm>
#include <cmath>

#include "w2v/rng.hpp"

namespace w2v {
namespace {

using Vector = std::vector<double>;

double dot(const Vector& a, const Vector& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

void normalize(Vector& v) {
  const double n = std::sqrt(dot(v, v));
  if (n > 0) {
    for (double& x : v) x /= n;
  }
}

// The rows as doubles, each minus the mean row.
std::vector<Vector> centred(const std::vector<const float*>& rows, std::size_t dim) {
  Vector mean(dim, 0.0);
  for (const float* r : rows) {
    for (std::size_t d = 0; d < dim; ++d) mean[d] += r[d];
  }
  for (double& m : mean) m /= static_cast<double>(std::max<std::size_t>(1, rows.size()));
  std::vector<Vector> out(rows.size(), Vector(dim));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t d = 0; d < dim; ++d) out[i][d] = rows[i][d] - mean[d];
  }
  return out;
}

// The leading eigenvector of X^T X orthogonal to `away` (if given), by power iteration.
Vector principal_direction(const std::vector<Vector>& x, std::size_t dim, const Vector* away) {
  Vector v(dim);
  for (std::size_t d = 0; d < dim; ++d) v[d] = 1.0 + 0.01 * static_cast<double>(d % 7);
  for (int it = 0; it < 200; ++it) {
    if (away != nullptr) {
      const double p = dot(v, *away);
      for (std::size_t d = 0; d < dim; ++d) v[d] -= p * (*away)[d];
    }
    normalize(v);
    Vector next(dim, 0.0);
    for (const Vector& row : x) {
      const double p = dot(row, v);
      for (std::size_t d = 0; d < dim; ++d) next[d] += p * row[d];
    }
    v = std::move(next);
  }
  if (away != nullptr) {
    const double p = dot(v, *away);
    for (std::size_t d = 0; d < dim; ++d) v[d] -= p * (*away)[d];
  }
  normalize(v);
  return v;
}

// Unit rows, for cosine distances.
std::vector<Vector> unit_rows(const std::vector<const float*>& rows, std::size_t dim) {
  std::vector<Vector> out(rows.size(), Vector(dim));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t d = 0; d < dim; ++d) out[i][d] = rows[i][d];
    normalize(out[i]);
  }
  return out;
}

// Row i of the affinities P_j|i for one point: Gaussian on the squared distances with the
// bandwidth that gives `perplexity`, found by bisection on beta = 1 / (2 sigma^2).
void conditional_row(const std::vector<double>& distances, std::size_t i, double perplexity,
                     std::vector<double>& p) {
  const double target = std::log(perplexity);
  double beta = 1, low = 0, high = 1e300;
  for (int it = 0; it < 64; ++it) {
    double sum = 0, weighted = 0;
    for (std::size_t j = 0; j < distances.size(); ++j) {
      p[j] = j == i ? 0.0 : std::exp(-beta * distances[j]);
      sum += p[j];
      weighted += p[j] * distances[j];
    }
    if (sum <= 0) sum = 1e-300;
    const double entropy = std::log(sum) + beta * weighted / sum;
    for (double& v : p) v /= sum;
    if (std::abs(entropy - target) < 1e-5) return;
    if (entropy > target) {
      low = beta;
      beta = high >= 1e300 ? beta * 2 : (beta + high) / 2;
    } else {
      high = beta;
      beta = (beta + low) / 2;
    }
  }
}

}  // namespace

std::vector<Point2> project_pca(const std::vector<const float*>& rows, std::size_t dim) {
  std::vector<Point2> points(rows.size());
  if (rows.empty() || dim == 0) return points;
  const std::vector<Vector> x = centred(rows, dim);
  const Vector first = principal_direction(x, dim, nullptr);
  const Vector second = principal_direction(x, dim, &first);
  for (std::size_t i = 0; i < x.size(); ++i) points[i] = {dot(x[i], first), dot(x[i], second)};
  return points;
}

std::vector<Point2> project_tsne(const std::vector<const float*>& rows, std::size_t dim,
                                 const TsneOptions& options) {
  const std::size_t n = rows.size();
  std::vector<Point2> y(n);
  if (n < 2) return y;
  const std::vector<Vector> unit = unit_rows(rows, dim);
  // Joint affinities, symmetrised.
  const double perplexity =
      std::max(1.0, std::min(options.perplexity, (static_cast<double>(n) - 1) / 3));
  std::vector<double> p(n * n, 0.0), distances(n), row(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) distances[j] = 2 - 2 * dot(unit[i], unit[j]);
    conditional_row(distances, i, perplexity, row);
    for (std::size_t j = 0; j < n; ++j) p[i * n + j] = row[j];
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double s = std::max((p[i * n + j] + p[j * n + i]) / (2.0 * n), 1e-12);
      p[i * n + j] = p[j * n + i] = s;
    }
  }
  // Gradient descent with momentum and early exaggeration, as the paper's reference code.
  Rng rng(options.seed, 0);
  for (Point2& point : y) point = {1e-4 * (rng.uniform() - 0.5), 1e-4 * (rng.uniform() - 0.5)};
  // The learning rate that openTSNE and scikit-learn choose: larger ones tear small sets
  // apart once the exaggeration ends.
  const double rate = std::max(static_cast<double>(n) / 12.0 / 4.0, 50.0);
  std::vector<Point2> velocity(n), gains(n, {1, 1}), gradient(n);
  std::vector<double> q(n * n);
  for (int it = 0; it < options.iterations; ++it) {
    const double exaggeration = it < 250 ? 12.0 : 1.0;
    const double momentum = it < 250 ? 0.5 : 0.8;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        const double dx = y[i].x - y[j].x, dy = y[i].y - y[j].y;
        const double v = 1.0 / (1.0 + dx * dx + dy * dy);
        q[i * n + j] = q[j * n + i] = v;
        sum += 2 * v;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      Point2 g;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double w = q[i * n + j];
        const double f = (exaggeration * p[i * n + j] - w / sum) * w;
        g.x += 4 * f * (y[i].x - y[j].x);
        g.y += 4 * f * (y[i].y - y[j].y);
      }
      gradient[i] = g;
    }
    for (std::size_t i = 0; i < n; ++i) {
      auto step = [&](double grad, double& vel, double& gain, double& pos) {
        gain = (grad > 0) != (vel > 0) ? gain + 0.2 : std::max(0.01, gain * 0.8);
        vel = momentum * vel - rate * gain * grad;
        pos += vel;
      };
      step(gradient[i].x, velocity[i].x, gains[i].x, y[i].x);
      step(gradient[i].y, velocity[i].y, gains[i].y, y[i].y);
    }
  }
  return y;
}

}  // namespace w2v
