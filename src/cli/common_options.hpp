#pragma once
#include <string>

#include "w2v/train_job.hpp"

namespace CLI {
class App;
}

namespace w2v::cli {

// Options that `train` and `pairs` share, bound to the library's option structs.
struct SamplingFlags {
  std::string merge = "cos";
  std::string batch_negatives = "on";
  std::string input_side = "context";
};

void add_corpus_options(CLI::App& command, CorpusOptions& corpus);
void add_sampling_options(CLI::App& command, TrainOptions& train, SamplingFlags& flags);
// Copies the string-valued flags into `train`; throws UsageError on a bad value.
void apply_sampling_flags(const SamplingFlags& flags, TrainOptions& train);

}  // namespace w2v::cli
