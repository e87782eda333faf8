#include "w2v/train_job.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>

#include "w2v/checkpoint.hpp"
#include "w2v/communicator.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/option_range.hpp"
#include "w2v/output_file.hpp"
#include "w2v/system_memory.hpp"
#include "w2v/train_metrics.hpp"

namespace w2v {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Now as ISO 8601 UTC, to the second: 2026-11-30T08:51:16Z.
std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

void validate(const TrainJob& job) {
  validate(job.corpus);
  validate(job.train);
  if (job.output.empty()) throw UsageError("no output: give -o/--output PATH");
  if (job.add_context) require_in_range(*job.add_context, ranges::kAddContext, "--add-context");
  if (job.train.negative == 0 && job.train.loss == Loss::kNegativeSampling) {
    throw UsageError(
        "--negative 0 with --loss ns learns nothing but to call every pair observed: give "
        "noise words, or --loss hs for hierarchical softmax alone");
  }
  if (job.train.negative == 0) {
    // Hierarchical softmax alone trains no context vectors.
    if (job.add_context && *job.add_context > 0.0f) {
      throw UsageError("--add-context: with --negative 0 there are no context vectors to add");
    }
    if (!job.save_context.empty()) {
      throw UsageError("--save-context: with --negative 0 there are no context vectors to save");
    }
  }
}

float context_weight(const TrainJob& job) {
  if (job.add_context) return *job.add_context;
  if (job.train.negative == 0) return 0.0f;
  return job.train.merge == Merge::kCos ? kDefaultCosContextWeight : 0.0f;
}

VectorFormat output_format(const TrainJob& job) {
  return job.format.value_or(format_for_path(job.output));
}

namespace {

// What a checkpoint records of the inputs: files by path, size and time; "-" as itself.
std::vector<CacheInput> input_identities(const std::vector<std::string>& inputs) {
  std::vector<CacheInput> ids;
  for (const std::string& input : inputs) {
    ids.push_back(input == "-" ? CacheInput{"-", 0, 0} : identify_inputs({input})[0]);
  }
  return ids;
}

std::string absolute(const std::string& path) {
  if (path.empty() || path == "-" || path[0] == '/') return path;
  char* cwd = ::getcwd(nullptr, 0);
  const std::string result = cwd != nullptr ? std::string(cwd) + "/" + path : path;
  std::free(cwd);
  return result;
}

// The job as a checkpoint keeps it: with paths that a run resumed from another folder
// still finds.
TrainJob with_absolute_paths(TrainJob job) {
  for (std::string& input : job.corpus.inputs) input = absolute(input);
  for (std::string* path :
       {&job.corpus.read_vocab, &job.corpus.cache_dir, &job.corpus.spill_dir, &job.output,
        &job.save_context, &job.save_vocab, &job.metrics, &job.checkpoint}) {
    *path = absolute(*path);
  }
  return job;
}

// A resumed run must read the corpus its checkpoint was trained on.
void check_resumed_inputs(const Checkpoint& checkpoint, const std::vector<CacheInput>& now) {
  for (const CacheInput& in : checkpoint.inputs) {
    if (in.path == "-") {
      throw Error(
          "the checkpoint's run read standard input, which cannot be read again: train from "
          "files or a token cache (w2v prepare) to resume");
    }
  }
  if (now.size() != checkpoint.inputs.size()) {
    throw Error("the checkpoint's run read " + std::to_string(checkpoint.inputs.size()) +
                " inputs, this one " + std::to_string(now.size()));
  }
  for (std::size_t i = 0; i < now.size(); ++i) {
    const CacheInput& was = checkpoint.inputs[i];
    if (!(now[i] == was)) {
      throw Error("input '" + was.path + "' changed since the checkpoint (" +
                  std::to_string(was.size) + " bytes then, " + std::to_string(now[i].size) +
                  " now, or another modification time)");
    }
  }
}

// Word rows from `from` (vocabulary `from_words`) for the words of `vocab` that it has.
void copy_rows(const Vocab& vocab, const StringTable& from_words, const Matrix& from, Matrix& to) {
  for (std::uint32_t i = 0; i < vocab.size(); ++i) {
    const std::uint32_t j = from_words.find(vocab.word(i));
    if (j != StringTable::kNotFound) {
      std::copy(from.row(j), from.row(j) + from.cols(), to.row(i));
    }
  }
}

// The model a run starts from: a checkpoint's, or fresh with rows from a continued run or
// a vector file.
Model starting_model(const TrainJob& job, const Vocab& vocab, TrainStart start,
                     const std::atomic<bool>* cancel) {
  if (start.resume != nullptr) {
    return Model(std::move(start.resume->words), std::move(start.resume->contexts),
                 std::move(start.resume->nodes), start.resume->merge);
  }
  Model model = make_model(vocab.size(), job.train);
  const auto dim = static_cast<std::size_t>(job.train.dim);
  if (start.grow != nullptr) {
    const Checkpoint& grow = *start.grow;
    if (grow.words.cols() != dim || grow.merge.merge != job.train.merge) {
      throw UsageError("--continue: the checkpoint's run has --dim " +
                       std::to_string(grow.words.cols()) + " and --merge " +
                       merge_name(grow.merge.merge) + ", this one --dim " + std::to_string(dim) +
                       " and --merge " + merge_name(job.train.merge));
    }
    copy_rows(vocab, grow.vocab.words(), grow.words, model.words);
    copy_rows(vocab, grow.vocab.words(), grow.contexts, model.contexts);
    // Inner nodes belong to the old vocabulary's tree: they start afresh.
    model.merge.scale = grow.merge.scale;
    model.merge.bias = grow.merge.bias;
  }
  if (!job.init_from.empty()) {
    LoadOptions options;
    options.cancel = cancel;
    const WordVectors init = load_vectors(job.init_from, options);
    if (init.dim() != dim) {
      throw UsageError("--init-from '" + job.init_from + "' holds vectors of dimension " +
                       std::to_string(init.dim()) + ", --dim is " + std::to_string(dim));
    }
    copy_rows(vocab, init.words, init.vectors, model.words);
  }
  return model;
}

// What a job of several ranks cannot do yet; UsageError.
void check_shared_job(const TrainJob& job, const TrainStart& start) {
  const auto refuse = [](const std::string& what) {
    throw UsageError(what + " is for one process: run it without mpirun");
  };
  if (!job.checkpoint.empty()) refuse("--checkpoint");
  if (start.resume != nullptr) refuse("--resume");
  if (start.grow != nullptr) refuse("--continue");
  if (!job.corpus.cache_dir.empty()) {
    refuse("--cache (make a token cache with w2v prepare and train the ranks from it)");
  }
}

}  // namespace

TrainReport run_train_job(const TrainJob& job, const TrainHooks& hooks,
                          const std::function<void(const TrainReport&)>& on_corpus,
                          TrainStart start) {
  SingleProcess alone;
  Communicator& ranks = hooks.ranks != nullptr ? *hooks.ranks : alone;
  const bool shared = ranks.size() > 1;
  // Rank 0 writes every output; the others write nothing.
  const bool writer = ranks.rank() == 0;
  const Clock::time_point started = Clock::now();
  std::vector<OutputPath> paths(5);
  std::vector<CacheInput> inputs;
  run_on_every_rank(ranks, [&] {
    validate(job);
    if (shared) check_shared_job(job, start);
    if (writer) {
      paths = check_outputs({{"-o", job.output},
                             {"--save-context", job.save_context},
                             {"--save-vocab", job.save_vocab},
                             {"--metrics", job.metrics},
                             {"--checkpoint", job.checkpoint}},
                            job.corpus.inputs);
      const VectorFormat format = output_format(job);
      const VectorFormat context_format = format_for_path(job.save_context);
      for (const auto& [path, binary] :
           {std::pair{paths[0], format == VectorFormat::kBinary},
            std::pair{paths[1], context_format == VectorFormat::kBinary},
            std::pair{paths[4], true}}) {
        if (binary && path.terminal) {
          throw UsageError("will not write binary data to a terminal (" + path.path +
                           "): redirect standard output, or give --format text");
        }
      }
    }
    if (!job.init_from.empty()) check_input(job.init_from);
    if (!shared) inputs = input_identities(job.corpus.inputs);
    if (start.resume != nullptr) check_resumed_inputs(*start.resume, inputs);
  });
  TrainReport report;
  report.started = utc_now();
  // How the run ended: its time, end and memory.
  const auto close_report = [&] {
    report.seconds = seconds_since(started);
    report.ended = utc_now();
    report.peak_memory = peak_resident_memory();
  };
  // The run's record, whatever ends it.
  const auto record = [&](const char* status, const std::string& error) {
    if (!writer || job.metrics.empty()) return;
    report.status = status;
    report.error = error;
    close_report();
    try {
      OutputFile metrics(paths[3]);
      metrics.write(metrics_json(job, report));
      metrics.commit();
    } catch (const Error&) {
      // The error that ended the run is the one to report.
    }
  };
  const auto run = [&] {
    const VectorFormat format = output_format(job);
    const VectorFormat context_format = format_for_path(job.save_context);

    CorpusOptions corpus = job.corpus;
    if (corpus.spill_dir.empty()) corpus.spill_dir = writer ? paths[0].folder() : ".";
    if (start.resume != nullptr) {
      corpus.fixed_vocab = std::make_shared<const Vocab>(std::move(start.resume->vocab));
    }
    if (start.grow != nullptr) {
      corpus.base_vocab = std::make_shared<const Vocab>(start.grow->vocab);
    }
    PreparedCorpus prepared =
        prepare_corpus(corpus, job.train.threads, hooks.cancel, shared ? &ranks : nullptr);
    report.ranks = ranks.size();
    report.vocab_size = prepared.vocab.size();
    report.corpus_words = prepared.words;
    report.tokens = prepared.tokens;
    report.bytes = prepared.bytes;
    report.read_seconds = prepared.read_seconds;
    report.spilled = prepared.spilled;
    report.pruned = prepared.pruned;
    if (prepared.cache && !prepared.spilled) report.cache = prepared.cache->path();
    if (on_corpus) on_corpus(report);

    std::optional<Model> started_model;
    run_on_every_rank(ranks, [&] {
      started_model.emplace(starting_model(job, prepared.vocab, start, hooks.cancel));
    });
    Model& model = *started_model;
    TrainHooks with_checkpoints = hooks;
    // A progress sample for the record every 0.2 s, thinned to every other one past 1000;
    // the caller's callback at its own pace, and at the end.
    double last_passed = -1e300;
    std::size_t stride = 1, calls = 0;
    with_checkpoints.progress_interval = std::min(hooks.progress_interval, 0.2);
    with_checkpoints.progress = [&](const TrainProgress& p) {
      if (calls++ % stride == 0) {
        report.progress.push_back(
            {p.elapsed_seconds, p.fraction, p.lr, p.loss, p.words_per_second});
        if (report.progress.size() >= 1000) {
          std::vector<ProgressSample> kept;
          for (std::size_t i = 0; i < report.progress.size(); i += 2) {
            kept.push_back(report.progress[i]);
          }
          report.progress = std::move(kept);
          stride *= 2;
        }
      }
      if (hooks.progress &&
          (p.fraction >= 1.0 || p.elapsed_seconds - last_passed >= hooks.progress_interval)) {
        last_passed = p.elapsed_seconds;
        hooks.progress(p);
      }
    };
    // A checkpoint is written through its own output, which a signal does not abandon: it
    // is what the signal asks for.
    const TrainJob saved = with_absolute_paths(job);
    auto write_state = [&](const Model& m, const TrainState& state) {
      auto file = std::make_unique<OutputFile>(paths[4]);
      write_checkpoint(*file, saved, inputs, prepared.vocab, m, state);
      return file;
    };
    if (!job.checkpoint.empty()) {
      with_checkpoints.checkpoint = [&](const Model& m, const TrainState& state) {
        write_state(m, state)->commit();
      };
      with_checkpoints.checkpoint_seconds = job.checkpoint_words > 0 ? 0 : job.checkpoint_seconds;
      with_checkpoints.checkpoint_words = job.checkpoint_words;
    }
    TrainState final_state;
    run_on_every_rank(ranks, [&] {
      report.train = train(model, prepared.view(), prepared.vocab, job.train, with_checkpoints,
                           start.resume != nullptr ? &start.resume->state : nullptr, &final_state);
    });
    if (!writer) {
      // Learns whether rank 0 wrote the outputs, to fail with it.
      run_on_every_rank(ranks, [] {});
      return;
    }

    run_on_every_rank(ranks, [&] {
      // The final state, before the published vectors change the word rows.
      std::unique_ptr<OutputFile> checkpoint_output;
      if (!job.checkpoint.empty()) checkpoint_output = write_state(model, final_state);
      try {
        const float weight = context_weight(job);
        std::unique_ptr<OutputFile> context_output, vocab_output, metrics_output;
        // The context vectors are written as trained; the word vectors as published.
        if (!job.save_context.empty()) {
          context_output = std::make_unique<OutputFile>(paths[1], hooks.cancel);
          write_vectors(*context_output, context_format, prepared.vocab.words(), model.contexts,
                        hooks.cancel);
        }
        if (weight > 0.0f) add_unit_rows(model.words, model.contexts, weight);
        OutputFile output(paths[0], hooks.cancel);
        write_vectors(output, format, prepared.vocab.words(), model.words, hooks.cancel);
        if (!job.save_vocab.empty()) {
          vocab_output = std::make_unique<OutputFile>(paths[2], hooks.cancel);
          prepared.vocab.write(*vocab_output);
        }
        close_report();
        if (!job.metrics.empty()) {
          metrics_output = std::make_unique<OutputFile>(paths[3], hooks.cancel);
          metrics_output->write(metrics_json(job, report));
        }
        commit_together({&output, context_output.get(), vocab_output.get(), metrics_output.get(),
                         checkpoint_output.get()},
                        hooks.cancel);
      } catch (const Interrupted&) {
        // Training is done: what an interrupt keeps is a checkpoint to write the outputs from.
        if (checkpoint_output) checkpoint_output->commit();
        throw;
      }
    });
  };
  try {
    run();
  } catch (const Interrupted&) {
    record("interrupted", "");
    throw;
  } catch (const Diverged& e) {
    record("diverged", e.what());
    throw;
  } catch (const std::exception& e) {
    record("failed", e.what());
    throw;
  }
  return report;
}

}  // namespace w2v
