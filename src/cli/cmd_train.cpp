// w2v train: corpus in, word vectors out.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <set>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/number_options.hpp"
#include "cli/peer_command_lines.hpp"
#include "cli/progress_printer.hpp"
#include "w2v/checkpoint.hpp"
#include "w2v/job_options.hpp"
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
  log_reading_warnings(r.tokens, r.pruned);
}

void log_summary(const TrainReport& r) {
  if (r.ranks > 1) {
    const double seconds = std::max(r.train.seconds, 1e-9);
    spdlog::info(
        "{} ranks: each sent {:.1f} MB of rows in {} syncs ({:.1f} MB/s), syncing {:.1f}% of "
        "the time ({:.1f}% on a CPU)",
        r.ranks, static_cast<double>(r.train.sync_bytes) / 1e6, r.train.syncs,
        static_cast<double>(r.train.sync_bytes) / 1e6 / seconds,
        100.0 * r.train.sync_seconds / seconds, 100.0 * r.train.sync_cpu_seconds / seconds);
  }
  spdlog::info(
      "vocabulary {} words; trained {} tokens in {:.2f} s ({:.0f} words/s); final loss {:.4f}; "
      "total {:.2f} s",
      r.vocab_size, r.train.words, r.train.seconds, r.train.words_per_second, r.train.final_loss,
      r.seconds);
}

std::uint64_t chunks_done(const TrainState& state) {
  std::uint64_t done = 0;
  for (const std::uint64_t n : state.next_chunk) done += n;
  return done;
}

// Options a resumed run may change: where and how it publishes, and how it runs.
bool may_change_on_resume(const std::string& name) {
  static const std::set<std::string> names = {"output",
                                              "format",
                                              "save-context",
                                              "save-vocab",
                                              "metrics",
                                              "add-context",
                                              "checkpoint",
                                              "checkpoint-seconds",
                                              "checkpoint-words",
                                              "threads",
                                              "memory-limit",
                                              "spill-dir",
                                              "cache"};
  return names.count(name) > 0;
}

// The command line's name of a job option.
std::string option_name(const std::string& name) {
  if (name == "corpus") return "corpus";
  if (name == "checkpoint-seconds" || name == "checkpoint-words") return "--checkpoint-every";
  return "--" + name;
}

// The checkpoint's job with what the command line gave: the same values, or new ones
// where a resumed run may change them (UsageError naming the option and both values).
TrainJob resumed_job(const TrainJob& saved, const TrainJob& asked, const CLI::App& command) {
  const std::vector<JobOption> was = job_options(saved), now = job_options(asked);
  TrainJob job = saved;
  std::set<std::string> seen;
  for (const JobOption& option : now) {
    if (!seen.insert(option.name).second || command.count(option_name(option.name)) == 0) {
      continue;
    }
    const std::string a = option_text(was, option.name), b = option_text(now, option.name);
    if (a == b) continue;
    if (!may_change_on_resume(option.name)) {
      throw UsageError(option_name(option.name) + ": the checkpoint's run has '" + a +
                       "', the command line '" + b + "'; a resumed run goes on as it began");
    }
    set_job_option(job, option.name, b);
  }
  return job;
}

// A continued run's job: the checkpoint's options, but the command line's corpus, outputs
// and whatever else it gives; it starts from no --read-vocab or --init-from of its own.
TrainJob continued_job(const TrainJob& saved, const TrainJob& asked, const CLI::App& command) {
  if (asked.corpus.inputs.empty()) {
    throw UsageError("--continue trains on new text: give the corpus to train on");
  }
  static const std::set<std::string> from_command_line = {
      "output",     "format",     "save-context", "save-vocab",         "metrics",
      "checkpoint", "cache",      "memory-limit", "checkpoint-seconds", "checkpoint-words",
      "spill-dir",  "read-vocab", "init-from"};
  TrainJob job = saved;
  job.corpus.inputs = asked.corpus.inputs;
  const std::vector<JobOption> now = job_options(asked);
  std::set<std::string> seen;
  for (const JobOption& option : now) {
    if (option.name == "corpus" || !seen.insert(option.name).second) continue;
    if (from_command_line.count(option.name) > 0 || command.count(option_name(option.name)) > 0) {
      set_job_option(job, option.name, option_text(now, option.name));
    }
  }
  return job;
}

void run(TrainJob job, const TrainFlags& flags, const CLI::App& command, const Context& context) {
  // Rank 0 alone logs in a job of several ranks.
  const bool quiet = flags.quiet || (context.ranks != nullptr && context.ranks->rank() != 0);
  setup_logging(quiet, flags.verbose && !quiet);
  if (context.ranks != nullptr && context.ranks->rank() != 0) spdlog::set_level(spdlog::level::off);
  check_stdin_once(flags.config, job.corpus);
  apply_sampling_flags(flags.sampling, job.train);
  job.train.model = parse_architecture(flags.model);
  job.train.loss = parse_loss(flags.loss);
  if (command.count("--merge") == 0) job.train.merge = default_merge(job.train.loss);
  job.train.cbow_mean = command.count("--cbow-mean") == 0 ? default_cbow_mean(job.train.merge)
                                                          : flags.cbow_mean == "on";
  if (command.count("--lr") == 0) job.train.lr = default_lr(job.train.model);
  if (!flags.format.empty()) job.format = parse_vector_format(flags.format);
  if (!flags.checkpoint_every.empty()) {
    const CheckedInterval every = check_interval(flags.checkpoint_every);
    job.checkpoint_seconds = every.seconds;
    job.checkpoint_words = every.words;
  }
  std::optional<Checkpoint> checkpoint;
  TrainStart start;
  if (!flags.resume.empty() && !flags.continue_from.empty()) {
    throw UsageError("--resume and --continue exclude each other");
  }
  if (!flags.resume.empty()) {
    if (!job.init_from.empty()) throw UsageError("--resume and --init-from exclude each other");
    checkpoint = read_checkpoint(flags.resume, context.interrupted);
    job = resumed_job(checkpoint->job, job, command);
    start.resume = &*checkpoint;
    spdlog::info("resuming the run of {}: {} of {} chunks trained", flags.resume,
                 chunks_done(checkpoint->state), checkpoint->state.chunks * job.train.epochs);
  } else if (!flags.continue_from.empty()) {
    if (!job.init_from.empty()) throw UsageError("--continue and --init-from exclude each other");
    checkpoint = read_checkpoint(flags.continue_from, context.interrupted);
    job = continued_job(checkpoint->job, job, command);
    start.grow = &*checkpoint;
  } else if (!job.init_from.empty() && command.count("--dim") == 0) {
    // --dim defaults to the file's.
    LoadOptions first;
    first.limit = 1;
    job.train.dim = static_cast<int>(load_vectors(job.init_from, first).dim());
  }
  ProgressPrinter printer(ProgressPrinter::mode_for_stderr(quiet));
  TrainHooks hooks;
  hooks.cancel = context.interrupted;
  hooks.ranks = context.ranks;
  hooks.progress_interval = printer.interval();
  hooks.progress = [&](const TrainProgress& p) { printer.update(p); };
  hooks.interrupted = [&] {
    printer.finish();
    spdlog::warn(
        "interrupted: writing the checkpoint {} before stopping (this may take a few seconds; "
        "a second signal stops at once)",
        job.checkpoint);
  };
  const TrainReport report = run_train_job(job, hooks, log_corpus, start);
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
  cmd->add_option("--phrases", job->corpus.phrases,
                  "Join the phrases of this file (w2v phrases --save-phrases) while reading "
                  "the corpus, as if training on w2v phrases's output");
  add_number_option(*cmd, "--dim", job->train.dim, ranges::kDim, "Vector size");
  cmd->add_option("--model", flags->model,
                  "skipgram: each context word predicts the centre word; cbow: the mean of "
                  "the window's context words predicts it (word2vec.c's -cbow 1)")
      ->check(CLI::IsMember({"skipgram", "cbow"}));
  cmd->add_option("--cbow-mean", flags->cbow_mean,
                  "cbow: pool the context vectors by their mean (on) or sum (off); default: "
                  "on with --merge dot, off with cos (which scores both alike)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--loss", flags->loss,
                  "ns: negative sampling; hs: hierarchical softmax over a Huffman tree (with "
                  "--negative 0 alone, otherwise both)")
      ->check(CLI::IsMember({"ns", "hs"}));
  add_sampling_options(*cmd, job->train, flags->sampling);
  cmd->add_option("--merge", flags->sampling.merge,
                  "cos: scaled cosine similarity + sigmoid (Keras Dot(normalize=True)); dot: "
                  "classic SGNS (default: cos, dot with --loss hs)")
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
                    "Initial learning rate, falling linearly to lr * 1e-4 (default: 0.025, "
                    "0.05 with --model cbow)");
  add_number_option(*cmd, "--epochs", job->train.epochs, ranges::kEpochs, "Passes over the corpus");
  add_number_option(*cmd, "--threads", job->train.threads, ranges::kThreads,
                    "Training threads (default: every core)");
  add_number_option(*cmd, "--sync-scale", job->train.sync_scale, ranges::kSyncScale,
                    "mpirun -np N: a sync sets a row to its last synced value plus this share "
                    "of the N ranks' summed changes (0: 1/N, their average; 1: their sum; "
                    "other than 1/N, each rank keeps a copy of the model)");
  cmd->add_option("--metrics", job->metrics, "Write the run's parameters and results as JSON");
  cmd->add_option("--checkpoint", job->checkpoint,
                  "Keep the whole training state here, written every --checkpoint-every, on "
                  "Ctrl-C or SIGTERM (then exit 130), and at the end; --resume or --continue "
                  "take it up");
  cmd->add_option("--checkpoint-every", flags->checkpoint_every,
                  "A duration (90s, 30m, 2h) or a count of words (500M; K, M, G: powers of 1000)")
      ->transform(interval_validator())
      ->type_name("INTERVAL")
      ->default_str("30m");
  cmd->add_option("--continue", flags->continue_from,
                  "Train further from this checkpoint on the corpus given: its options unless "
                  "given again, its words and vectors, new words that reach --min-count added "
                  "(counts merged)");
  cmd->add_option("--init-from", job->init_from,
                  "Start the vectors of the words in this vector file from it (--dim defaults "
                  "to its dimension); other words start random");
  cmd->add_option("--resume", flags->resume,
                  "Finish the interrupted run of this checkpoint: its corpus, options and "
                  "outputs, unless given again (only outputs, --threads and the like may "
                  "change)");
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
    run(*job, *flags, *cmd, context);
  });
}

void run_train_arguments(const std::vector<std::string>& args, const Context& context) {
  TrainJob job;
  TrainFlags flags;
  CLI::App command{"Train word vectors on a corpus", "train"};
  add_train_options(&command, &job, &flags);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  command.parse(reversed);
  note_tokenizer_options(command, job.corpus);
  run(job, flags, command, context);
}

void register_drop_in(CLI::App& app, Context& context, const DropIn& drop_in) {
  CLI::App* cmd = app.add_subcommand(drop_in.name, drop_in.description);
  // Every argument is the peer's, kept for the translation: none is parsed here, not even
  // -h or --help (-hs would read as -h -s).
  cmd->prefix_command();
  cmd->set_help_flag();
  cmd->callback([cmd, drop_in, &context] {
    const std::vector<std::string> args = cmd->remaining();
    if (args.empty() || asks_for_help(args)) {
      std::cout << drop_in.usage();
      return;
    }
    run_train_arguments(drop_in.translate(args), context);
  });
}

}  // namespace w2v::cli
