// w2v train: corpus in, word vectors out.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/json.hpp"
#include "cli/progress_printer.hpp"
#include "w2v/atomic_file.hpp"
#include "w2v/train_job.hpp"

namespace w2v::cli {
namespace {

struct TrainFlags {
  SamplingFlags sampling;
  std::string format;
  std::string metrics;
  std::string config;
  bool quiet = false;
  bool verbose = false;
};

std::string parameters_json(const TrainJob& job) {
  const TrainOptions& t = job.train;
  std::string inputs = "[";
  for (const auto& in : job.corpus.inputs) {
    if (inputs.size() > 1) inputs += ',';
    append_json_string(inputs, in);
  }
  inputs += ']';
  JsonObject p;
  p.add_raw("corpus", inputs)
      .add("output", job.output)
      .add("format", (job.format.value_or(format_for_path(job.output)) == VectorFormat::kBinary)
                         ? "bin"
                         : "text")
      .add("save_context", job.save_context)
      .add("save_vocab", job.save_vocab)
      .add("add_context", static_cast<double>(context_weight(job)))
      .add("read_vocab", job.corpus.read_vocab)
      .add("min_count", static_cast<long long>(job.corpus.vocab.min_count))
      .add("max_vocab", static_cast<long long>(job.corpus.vocab.max_vocab))
      .add("max_word_bytes", static_cast<long long>(job.corpus.tokenizer.max_word_bytes))
      .add("lowercase", job.corpus.tokenizer.lowercase)
      .add("dim", t.dim)
      .add("window", t.window)
      .add("negative", t.negative)
      .add("ns_exponent", t.ns_exponent)
      .add("sample", t.sample)
      .add("merge", merge_name(t.merge))
      .add("cos_scale", static_cast<double>(t.cos_scale))
      .add("cos_bias", static_cast<double>(t.cos_bias))
      .add("fixed_scale", t.fixed_scale)
      .add("scale_lr", static_cast<double>(t.scale_lr))
      .add("cos_init", static_cast<double>(t.cos_init))
      .add("max_norm", static_cast<double>(t.max_norm))
      .add("lr", t.lr)
      .add("epochs", t.epochs)
      .add("threads", t.threads)
      .add("seed", static_cast<long long>(t.seed))
      .add("batch_negatives", t.batch_negatives ? "on" : "off")
      .add("input_side", input_side_name(t.input_side));
  return p.str();
}

std::string results_json(const TrainReport& r) {
  JsonObject j;
  j.add("vocab_size", static_cast<long long>(r.vocab_size))
      .add("corpus_words", static_cast<long long>(r.corpus_words))
      .add("tokens_read", static_cast<long long>(r.tokens.words))
      .add("bytes_read", static_cast<long long>(r.bytes))
      .add("repaired_words", static_cast<long long>(r.tokens.repaired_words))
      .add("truncated_words", static_cast<long long>(r.tokens.truncated_words))
      .add("tokens_trained", static_cast<long long>(r.train.words))
      .add("pairs", static_cast<long long>(r.train.pairs))
      .add("read_seconds", r.read_seconds)
      .add("train_seconds", r.train.seconds)
      .add("seconds", r.seconds)
      .add("words_per_second", r.train.words_per_second)
      .add("final_loss", r.train.final_loss)
      .add("scale", static_cast<double>(r.train.scale))
      .add("bias", static_cast<double>(r.train.bias));
  return j.str();
}

void write_metrics(const std::string& path, const TrainJob& job, const TrainReport& report) {
  JsonObject root;
  root.add("command", "train")
      .add_raw("parameters", parameters_json(job))
      .add_raw("results", results_json(report));
  AtomicFile file(path);
  file.write(root.str() + "\n");
  file.commit();
}

void log_corpus(const TrainReport& r) {
  spdlog::info("read {} words ({:.1f} MB) in {:.2f} s; vocabulary: {} words, {} tokens in it",
               r.tokens.words, static_cast<double>(r.bytes) / 1e6, r.read_seconds, r.vocab_size,
               r.corpus_words);
  if (r.tokens.repaired_words > 0) {
    spdlog::warn("warning: {} words had invalid UTF-8, repaired with U+FFFD",
                 r.tokens.repaired_words);
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
  apply_sampling_flags(flags.sampling, job.train);
  if (!flags.format.empty()) job.format = parse_vector_format(flags.format);
  ProgressPrinter printer(ProgressPrinter::mode_for_stderr(flags.quiet));
  TrainHooks hooks;
  hooks.cancel = context.interrupted;
  hooks.progress_interval = printer.interval();
  hooks.progress = [&](const TrainProgress& p) { printer.update(p); };
  spdlog::debug("parameters: {}", parameters_json(job));
  const TrainReport report = run_train_job(job, hooks, log_corpus);
  printer.finish();
  log_summary(report);
  if (!flags.metrics.empty()) write_metrics(flags.metrics, job, report);
}

}  // namespace

void register_train(CLI::App& app, Context& context) {
  auto job = std::make_shared<TrainJob>();
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "Train word vectors on a corpus");
  cmd->option_defaults()->always_capture_default();
  add_config_option(*cmd, flags->config);
  add_corpus_options(*cmd, job->corpus);
  cmd->add_option("-o,--output", job->output,
                  "Word vectors: word2vec binary when the name ends in .bin, text otherwise "
                  "(required)");
  cmd->add_option("--format", flags->format, "Force the output format")
      ->check(CLI::IsMember({"bin", "text"}));
  cmd->add_option("--save-context", job->save_context, "Also write the context vectors here");
  cmd->add_option("--add-context", job->add_context,
                  "Write unit word vector + ALPHA x unit context vector for each word; 0 writes "
                  "the raw word vectors (default: 0.5 with --merge cos, 0 with dot)");
  cmd->add_option("--save-vocab", job->save_vocab, "Also write the vocabulary (`word count`)");
  cmd->add_option("--dim", job->train.dim, "Vector size");
  add_sampling_options(*cmd, job->train, flags->sampling);
  cmd->add_option("--merge", flags->sampling.merge,
                  "cos: scaled cosine similarity + sigmoid (Keras Dot(normalize=True)); dot: "
                  "classic SGNS")
      ->check(CLI::IsMember({"cos", "dot"}));
  cmd->add_option("--cos-scale", job->train.cos_scale, "cos: initial scale of the cosine");
  cmd->add_option("--cos-bias", job->train.cos_bias, "cos: initial bias");
  cmd->add_flag("--fixed-scale", job->train.fixed_scale, "cos: do not learn scale and bias");
  cmd->add_option("--scale-lr", job->train.scale_lr,
                  "cos: learning rate of scale and bias, as a fraction of --lr");
  cmd->add_option("--cos-init", job->train.cos_init,
                  "cos: vectors start in random directions with this length");
  cmd->add_option("--max-norm", job->train.max_norm,
                  "cos: after each step, vectors longer than this are scaled back (0: no limit)");
  cmd->add_option("--lr", job->train.lr, "Initial learning rate (falls linearly to lr * 1e-4)");
  cmd->add_option("--epochs", job->train.epochs, "Passes over the corpus");
  cmd->add_option("--threads", job->train.threads, "Training threads (default: every core)");
  cmd->add_option("--metrics", flags->metrics, "Write the run's parameters and results as JSON");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->add_flag("-v,--verbose", flags->verbose, "Print debug messages too");
  cmd->callback([cmd, job, flags, &context] {
    apply_config_file(*cmd, flags->config);
    run(*job, *flags, context);
  });
}

}  // namespace w2v::cli
