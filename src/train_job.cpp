#include "w2v/train_job.hpp"

#include <chrono>
#include <cmath>
#include <memory>

#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/option_range.hpp"
#include "w2v/output_file.hpp"
#include "w2v/train_metrics.hpp"

namespace w2v {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

void validate(const TrainJob& job) {
  validate(job.corpus);
  validate(job.train);
  if (job.output.empty()) throw UsageError("no output: give -o/--output PATH");
  if (job.add_context) require_in_range(*job.add_context, ranges::kAddContext, "--add-context");
}

float context_weight(const TrainJob& job) {
  if (job.add_context) return *job.add_context;
  return job.train.merge == Merge::kCos ? kDefaultCosContextWeight : 0.0f;
}

VectorFormat output_format(const TrainJob& job) {
  return job.format.value_or(format_for_path(job.output));
}

TrainReport run_train_job(const TrainJob& job, const TrainHooks& hooks,
                          const std::function<void(const TrainReport&)>& on_corpus) {
  validate(job);
  const Clock::time_point start = Clock::now();
  const std::vector<OutputPath> paths = check_outputs({{"-o", job.output},
                                                       {"--save-context", job.save_context},
                                                       {"--save-vocab", job.save_vocab},
                                                       {"--metrics", job.metrics}});
  const VectorFormat format = output_format(job);
  const VectorFormat context_format = format_for_path(job.save_context);
  for (const auto& [path, binary] :
       {std::pair{paths[0], format == VectorFormat::kBinary},
        std::pair{paths[1], context_format == VectorFormat::kBinary}}) {
    if (binary && path.terminal) {
      throw UsageError("will not write binary vectors to a terminal (" + path.path +
                       "): redirect standard output, or give --format text");
    }
  }

  CorpusOptions corpus = job.corpus;
  if (corpus.spill_dir.empty()) corpus.spill_dir = paths[0].folder();
  PreparedCorpus prepared = prepare_corpus(corpus, job.train.threads, hooks.cancel);
  TrainReport report;
  report.vocab_size = prepared.vocab.size();
  report.corpus_words = prepared.words;
  report.tokens = prepared.tokens;
  report.bytes = prepared.bytes;
  report.read_seconds = prepared.read_seconds;
  report.spilled = prepared.spilled;
  if (prepared.cache && !prepared.spilled) report.cache = prepared.cache->path();
  if (on_corpus) on_corpus(report);

  Model model = make_model(prepared.vocab.size(), job.train);
  report.train = train(model, prepared.view(), prepared.vocab, job.train, hooks);

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
  report.seconds = seconds_since(start);
  if (!job.metrics.empty()) {
    metrics_output = std::make_unique<OutputFile>(paths[3], hooks.cancel);
    metrics_output->write(metrics_json(job, report));
  }
  commit_together({&output, context_output.get(), vocab_output.get(), metrics_output.get()},
                  hooks.cancel);
  return report;
}

}  // namespace w2v
