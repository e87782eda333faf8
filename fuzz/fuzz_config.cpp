// libFuzzer target: `--config` TOML files (apply_config_text, src/cli/common_options.cpp)
// applied to a `train` subcommand with every option of the real one (add_train_options).
//
// As in `w2v train --dim 7 --config FILE`, the command line is parsed first and the file
// applied from the callback's place. Property: applying the text throws CLI::Error or
// w2v::Error, or every option value afterwards is one the library accepts: the string
// flags parse (apply_sampling_flags, --format), validate() passes for TrainOptions,
// TokenizerOptions and VocabOptions, --add-context is in its range, and --dim is still
// the command line's 7. Nothing else may escape.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/common_options.hpp"
#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/option_range.hpp"
#include "w2v/train_job.hpp"
#include "w2v/vectors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(w2v::fuzz::as_text(data, size));
  CLI::App app("w2v");
  CLI::App* train = app.add_subcommand("train", "Train word vectors on a corpus");
  w2v::TrainJob job;
  w2v::cli::TrainFlags flags;
  w2v::cli::add_train_options(train, &job, &flags);
  app.parse("train --dim 7", false);
  try {
    w2v::cli::apply_config_text(*train, text, "fuzz.toml");
  } catch (const CLI::Error&) {
    return 0;
  } catch (const w2v::Error&) {
    return 0;
  }
  W2V_FUZZ_CHECK(job.train.dim == 7, "the config overrode --dim 7: " + w2v::fuzz::escaped(text));
  try {
    w2v::cli::apply_sampling_flags(flags.sampling, job.train);
    if (!flags.format.empty()) job.format = w2v::parse_vector_format(flags.format);
    w2v::validate(job.train);
    w2v::validate(job.corpus.tokenizer);
    w2v::validate(job.corpus.vocab);
    if (job.add_context) {
      w2v::require_in_range(*job.add_context, w2v::ranges::kAddContext, "--add-context");
    }
  } catch (const w2v::Error& e) {
    w2v::fuzz::property_failed("the config's values pass validate()",
                               e.what() + std::string(" after ") + w2v::fuzz::escaped(text),
                               __FILE__, __LINE__);
  }
  return 0;
}
