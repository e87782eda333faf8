#pragma once
#include <string>
#include <vector>

#include "w2v/train_job.hpp"

namespace CLI {
class App;
}

namespace w2v::cli {

struct Context;

// Options that `train` and `pairs` share, bound to the library's option structs.
struct SamplingFlags {
  std::string merge = "cos";
  std::string batch_negatives = "on";
  std::string input_side = "context";
};

void add_corpus_options(CLI::App& command, CorpusOptions& corpus);
// --prune-at, --memory-limit and --spill-dir (add_corpus_options adds them too).
void add_spill_options(CLI::App& command, CorpusOptions& corpus);
// Once the command line (and config file) is parsed: whether tokenizer options were given,
// which a token cache made with others must then match.
void note_tokenizer_options(const CLI::App& command, CorpusOptions& corpus);
void add_sampling_options(CLI::App& command, TrainOptions& train, SamplingFlags& flags);
// Copies the string-valued flags into `train`; throws UsageError on a bad value.
void apply_sampling_flags(const SamplingFlags& flags, TrainOptions& train);

// Adds `--config FILE`: options read from a TOML file (`key = value`, keys as the long
// option names, optionally under a [command] section). Call apply_config_file from the
// command's callback; options given on the command line win.
void add_config_option(CLI::App& command, std::string& path);
void apply_config_file(CLI::App& command, const std::string& path);
// Once the config file is read: standard input serves one input only, so --config - and a
// corpus or --read-vocab of - exclude each other (UsageError).
void check_stdin_once(const std::string& config, const CorpusOptions& corpus);
// The same from the file's text; `name` stands for the file in messages. Throws
// UsageError for text that is not TOML, a section of another command or an unknown key,
// and CLI::Error for a value that its option refuses.
void apply_config_text(CLI::App& command, const std::string& text, const std::string& name);

// What `train` reads besides its TrainJob: the string-valued and logging flags.
struct TrainFlags {
  SamplingFlags sampling;
  std::string model = "skipgram";
  std::string cbow_mean;  // empty: default_cbow_mean for the merge
  std::string loss = "ns";
  std::string format;
  std::string config;
  std::string checkpoint_every;  // an interval (check_interval); empty: the job's default
  std::string resume;            // a checkpoint to finish
  std::string continue_from;     // a checkpoint to train further on new text
  bool quiet = false;
  bool verbose = false;
};

// Adds every option of `train` (--config included, no callback) to `cmd`, bound to `job`
// and `flags`, which must outlive it (cmd_train.cpp).
void add_train_options(CLI::App* cmd, TrainJob* job, TrainFlags* flags);

// Runs `w2v train` with `args` (after the word train): parsed, checked and run as the
// command line's.
void run_train_arguments(const std::vector<std::string>& args, const Context& context);

// A drop-in command: a peer tool's command line, translated into train's arguments.
struct DropIn {
  std::string name;
  std::string description;
  std::string (*usage)();  // printed by the command alone, -h, -help or --help
  std::vector<std::string> (*translate)(const std::vector<std::string>& args);
};
void register_drop_in(CLI::App& app, Context& context, const DropIn& drop_in);

}  // namespace w2v::cli
