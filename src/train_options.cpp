#include "w2v/train_options.hpp"

#include <omp.h>

#include <algorithm>

#include "w2v/error.hpp"
#include "w2v/option_range.hpp"

namespace w2v {

InputSide parse_input_side(const std::string& name) {
  if (name == "context") return InputSide::kContext;
  if (name == "center") return InputSide::kCenter;
  throw UsageError("--input-side must be 'context' or 'center', got '" + name + "'");
}

const char* input_side_name(InputSide side) {
  return side == InputSide::kContext ? "context" : "center";
}

Architecture parse_architecture(const std::string& name) {
  if (name == "skipgram") return Architecture::kSkipgram;
  if (name == "cbow") return Architecture::kCbow;
  throw UsageError("--model must be 'skipgram' or 'cbow', got '" + name + "'");
}

const char* architecture_name(Architecture model) {
  return model == Architecture::kSkipgram ? "skipgram" : "cbow";
}

Loss parse_loss(const std::string& name) {
  if (name == "ns") return Loss::kNegativeSampling;
  if (name == "hs") return Loss::kHierarchicalSoftmax;
  throw UsageError("--loss must be 'ns' or 'hs', got '" + name + "'");
}

const char* loss_name(Loss loss) { return loss == Loss::kNegativeSampling ? "ns" : "hs"; }

double default_lr(Architecture model) {
  return model == Architecture::kCbow ? kCbowLr : kSkipgramLr;
}

bool default_cbow_mean(Merge merge) { return merge == Merge::kDot; }

Merge default_merge(Loss loss) {
  return loss == Loss::kHierarchicalSoftmax ? Merge::kDot : Merge::kCos;
}

void validate(const TrainOptions& o) {
  require_in_range(o.dim, ranges::kDim, "--dim");
  require_in_range(o.window, ranges::kWindow, "--window");
  require_in_range(o.negative, ranges::kNegative, "--negative");
  require_in_range(o.ns_exponent, ranges::kNsExponent, "--ns-exponent");
  require_in_range(o.sample, ranges::kSample, "--sample");
  require_in_range(o.lr, ranges::kLearningRate, "--lr");
  require_in_range(o.epochs, ranges::kEpochs, "--epochs");
  require_in_range(o.threads, ranges::kThreads, "--threads");
  require_in_range(o.cos_scale, ranges::kCosScale, "--cos-scale");
  require_in_range(o.cos_bias, ranges::kCosBias, "--cos-bias");
  require_in_range(o.scale_lr, ranges::kScaleRate, "--scale-lr");
  require_in_range(o.cos_init, ranges::kCosInit, "--cos-init");
  require_in_range(o.max_norm, ranges::kMaxNorm, "--max-norm");
  require_in_range(o.sync_scale, ranges::kSyncScale, "--sync-scale");
  if (o.model == Architecture::kCbow && o.input_side == InputSide::kCenter) {
    throw UsageError(
        "--input-side center is for --model skipgram: cbow's input is always its pooled "
        "context words");
  }
}

int default_thread_count() {
  return std::clamp(omp_get_num_procs(), 1, static_cast<int>(ranges::kThreads.max));
}

}  // namespace w2v
