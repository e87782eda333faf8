#pragma once
#include <string>
#include <vector>

namespace w2v {

// How a word vector u and a context vector v become the logit s of a pair.
//   dot: s = u . v                                   (classic SGNS)
//   cos: s = scale * cos(u, v) + bias                 (Keras Dot(normalize=True), then
//                                                      Dense(1, sigmoid))
// cos normalises like Keras' l2_normalize, u / sqrt(max(|u|^2, 1e-12)), so a zero vector
// has cosine 0 and finite gradients.
enum class Merge { kCos, kDot };

// Parses "cos" or "dot"; throws UsageError otherwise.
Merge parse_merge(const std::string& name);
const char* merge_name(Merge merge);

struct MergeParams {
  Merge merge = Merge::kCos;
  float scale = 1.0f;  // cos only: the Dense layer's weight
  float bias = 0.0f;   // cos only: the Dense layer's bias
  // cos only, training: after every step, rows longer than this are scaled back to it
  // (a max-norm constraint; the cosine itself does not depend on the length); 0: none.
  float max_norm = 0.0f;
};

// The floor under |x|^2 when normalising, as in Keras' l2_normalize.
inline constexpr double kNormFloor = 1e-12;

// The logit of one pair, in double precision.
double merge_logit(const MergeParams& params, const float* u, const float* v, int dim);

// The binary cross-entropy of one pair with label y (1 observed, 0 noise),
// -[y log sigmoid(s) + (1 - y) log(1 - sigmoid(s))], and its exact gradient with respect
// to u, v, scale and bias, in double precision. The reference every kernel is tested
// against.
struct PairGradient {
  double loss = 0;
  std::vector<double> du, dv;
  double dscale = 0, dbias = 0;
};
PairGradient merge_gradient(const MergeParams& params, const float* u, const float* v, int dim,
                            int label);

}  // namespace w2v
