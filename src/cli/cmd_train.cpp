// w2v train: corpus in, word vectors out.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "w2v/train_job.hpp"

namespace w2v::cli {
namespace {

void log_corpus(const TrainReport& r) {
  if (!r.cache.empty()) {
    spdlog::info("mapped the token cache {} in {:.2f} s; vocabulary: {} words, {} tokens in it",
                 r.cache, r.read_seconds, r.vocab_size, r.corpus_words);
    return;
  }
  spdlog::info("read {} words ({:.1f} MB) in {:.2f} s{}; vocabulary: {} words, {} tokens in it",
               r.tokens.words, static_cast<double>(r.bytes) / 1e6, r.read_seconds,
               r.spilled ? ", the ids past --memory-limit spilled to a scratch file" : "",
               r.vocab_size, r.corpus_words);
  if (r.tokens.repaired_words > 0) {
    spdlog::warn("warning: {} words had invalid UTF-8, repaired with U+FFFD",
                 r.tokens.repaired_words);
  }
  if (r.tokens.control_bytes > 0) {
    spdlog::warn("warning: {} control bytes (0x00-0x1F, 0x7F) were read as spaces",
                 r.tokens.control_bytes);
  }
  if (r.tokens.truncated_words > 0) {
    spdlog::debug("{} words were cut to --max-word-bytes", r.tokens.truncated_words);
  }
}

void log_summary(const TrainReport& r) {
  spdlog::info(
      "vocabulary {} words; trained {} tokens in {:.2f} s ({:.0f} words/s); final loss {:.4f}; "
      "total {:.2f} s",
      r.vocab_size, r.train.words, r.train.seconds, r.train.words_per_second, r.train.final_loss,
      r.seconds);
}

void run(TrainJob job, const TrainFlags& flags, const Context& context) {
  setup_logging(flags.quiet, flags.verbose);
  check_stdin_once(flags.config, job.corpus);
  apply_sampling_flags(flags.sampling, job.train);
  if (!flags.format.empty()) job.format = parse_vector_format(flags.format);
  ProgressPrinter printer(ProgressPrinter::mode_for_stderr(flags.quiet));
  TrainHooks hooks;
  hooks.cancel = context.interrupted;
  hooks.progress_interval = printer.interval();
  hooks.progress = [&](const TrainProgress& p) { printer.update(p); };
  const TrainReport report = run_train_job(job, hooks, log_corpus);
  printer.finish();
  log_summary(report);
}

}  // namespace

void add_train_options(CLI::App* cmd, TrainJob* job, TrainFlags* flags) {
  cmd->option_defaults()->always_capture_default();
  add_config_option(*cmd, flags->config);
  add_corpus_options(*cmd, job->corpus);
  cmd->add_option("-o,--output", job->output,
                  "Word vectors: word2vec binary when the name ends in .bin, text otherwise; "
                  "- writes standard output (required)");
  cmd->add_option("--format", flags->format, "Force the output format")
      ->check(CLI::IsMember({"bin", "text"}));
  cmd->add_option("--save-context", job->save_context, "Also write the context vectors here");
  cmd->add_option("--add-context", job->add_context,
                  "Write unit word vector + ALPHA x unit context vector for each word; 0 writes "
                  "the raw word vectors (default: 0.5 with --merge cos, 0 with dot)")
      ->transform(range_validator(ranges::kAddContext, true))
      ->type_name("FLOAT in " + ranges::kAddContext.describe());
  cmd->add_option("--save-vocab", job->save_vocab, "Also write the vocabulary (`word count`)");
  add_number_option(*cmd, "--dim", job->train.dim, ranges::kDim, "Vector size");
  add_sampling_options(*cmd, job->train, flags->sampling);
  cmd->add_option("--merge", flags->sampling.merge,
                  "cos: scaled cosine similarity + sigmoid (Keras Dot(normalize=True)); dot: "
                  "classic SGNS")
      ->check(CLI::IsMember({"cos", "dot"}));
  add_number_option(*cmd, "--cos-scale", job->train.cos_scale, ranges::kCosScale,
                    "cos: initial scale of the cosine");
  add_number_option(*cmd, "--cos-bias", job->train.cos_bias, ranges::kCosBias, "cos: initial bias");
  cmd->add_flag("--fixed-scale", job->train.fixed_scale, "cos: do not learn scale and bias");
  add_number_option(*cmd, "--scale-lr", job->train.scale_lr, ranges::kScaleRate,
                    "cos: learning rate of scale and bias, as a fraction of --lr");
  add_number_option(*cmd, "--cos-init", job->train.cos_init, ranges::kCosInit,
                    "cos: vectors start in random directions with this length");
  add_number_option(*cmd, "--max-norm", job->train.max_norm, ranges::kMaxNorm,
                    "cos: after each step, vectors longer than this are scaled back (0: no "
                    "limit)");
  add_number_option(*cmd, "--lr", job->train.lr, ranges::kLearningRate,
                    "Initial learning rate (falls linearly to lr * 1e-4)");
  add_number_option(*cmd, "--epochs", job->train.epochs, ranges::kEpochs, "Passes over the corpus");
  add_number_option(*cmd, "--threads", job->train.threads, ranges::kThreads,
                    "Training threads (default: every core)");
  cmd->add_option("--metrics", job->metrics, "Write the run's parameters and results as JSON");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->add_flag("-v,--verbose", flags->verbose, "Print debug messages too");
}

void register_train(CLI::App& app, Context& context) {
  auto job = std::make_shared<TrainJob>();
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "Train word vectors on a corpus");
  add_train_options(cmd, job.get(), flags.get());
  cmd->callback([cmd, job, flags, &context] {
    apply_config_file(*cmd, flags->config);
    note_tokenizer_options(*cmd, job->corpus);
    run(*job, *flags, context);
  });
}

}  // namespace w2v::cli
