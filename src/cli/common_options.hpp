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

// Adds `--config FILE`: options read from a TOML file (`key = value`, keys as the long
// option names, optionally under a [command] section). Call apply_config_file from the
// command's callback; options given on the command line win.
void add_config_option(CLI::App& command, std::string& path);
void apply_config_file(CLI::App& command, const std::string& path);

}  // namespace w2v::cli
