#include "w2v/train_options.hpp"

#include <omp.h>

#include <cmath>
#include <sstream>

#include "w2v/error.hpp"

namespace w2v {
namespace {

template <class T>
std::string str(T value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

template <class T>
void require(bool ok, const char* option, const char* expected, T value) {
  if (!ok) throw UsageError(std::string(option) + " must be " + expected + ", got " + str(value));
}

}  // namespace

InputSide parse_input_side(const std::string& name) {
  if (name == "context") return InputSide::kContext;
  if (name == "center") return InputSide::kCenter;
  throw UsageError("--input-side must be 'context' or 'center', got '" + name + "'");
}

const char* input_side_name(InputSide side) {
  return side == InputSide::kContext ? "context" : "center";
}

void validate(const TrainOptions& o) {
  require(o.dim >= 1 && o.dim <= 100000, "--dim", "between 1 and 100000", o.dim);
  require(o.window >= 1 && o.window <= 1000, "--window", "between 1 and 1000", o.window);
  require(o.negative >= 0 && o.negative <= 1000, "--negative", "between 0 and 1000", o.negative);
  require(std::isfinite(o.ns_exponent), "--ns-exponent", "a finite number", o.ns_exponent);
  require(o.sample >= 0 && std::isfinite(o.sample), "--sample", ">= 0", o.sample);
  require(o.lr > 0 && std::isfinite(o.lr), "--lr", "> 0", o.lr);
  require(o.epochs >= 1, "--epochs", ">= 1", o.epochs);
  require(o.threads >= 1 && o.threads <= 4096, "--threads", "between 1 and 4096", o.threads);
  require(std::isfinite(o.cos_scale), "--cos-scale", "a finite number", o.cos_scale);
  require(std::isfinite(o.cos_bias), "--cos-bias", "a finite number", o.cos_bias);
  require(o.scale_lr >= 0 && std::isfinite(o.scale_lr), "--scale-lr", ">= 0", o.scale_lr);
  require(o.cos_init > 0 && std::isfinite(o.cos_init), "--cos-init", "> 0", o.cos_init);
  require(o.max_norm >= 0 && std::isfinite(o.max_norm), "--max-norm", ">= 0", o.max_norm);
}

int default_thread_count() { return std::max(1, omp_get_num_procs()); }

}  // namespace w2v
