#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "w2v/corpus.hpp"
#include "w2v/corpus_source.hpp"
#include "w2v/tokenizer.hpp"
#include "w2v/train_options.hpp"
#include "w2v/trainer.hpp"
#include "w2v/vectors.hpp"
#include "w2v/vocab.hpp"

namespace w2v {

struct Checkpoint;

// The whole `w2v train` job.
struct TrainJob {
  CorpusOptions corpus;
  TrainOptions train;
  std::string output;                  // word vectors
  std::optional<VectorFormat> format;  // default: from the output name
  std::string save_context;            // context vectors too, when set
  std::string save_vocab;              // `word count` lines, when set
  std::string metrics;                 // the run as JSON (see train_metrics.hpp), when set
  // Publish unit word vector + this times unit context vector; 0 publishes the raw word
  // vectors. Unset: kDefaultCosContextWeight for the cos merge, 0 for dot.
  std::optional<float> add_context;
  // The whole training state goes here (checkpoint.hpp) every checkpoint_seconds of
  // training or checkpoint_words words, on an interrupt, and at the end, when set.
  std::string checkpoint;
  double checkpoint_seconds = 1800;
  std::int64_t checkpoint_words = 0;
  // Start the word vectors of the words in this vector file from it (any format the loader
  // reads; its dimension must be train.dim); the other words start random.
  std::string init_from;
};

// Where a run starts besides fresh vectors.
struct TrainStart {
  // Finish this interrupted run: its vocabulary, model and state (moved from).
  Checkpoint* resume = nullptr;
  // Train further from this run on the job's corpus: its words, counts grown by the
  // corpus's and joined by the corpus's new words that reach min_count, keep their rows
  // (moved from); new words start random.
  Checkpoint* grow = nullptr;
};

// With the cos merge only directions are trained and both sides carry meaning: adding
// half the context direction gained 1.4 analogy points on the full benchmark corpus. With
// the dot merge it lost 1.8, so dot publishes the word vectors alone.
inline constexpr float kDefaultCosContextWeight = 0.5f;

// The weight of the context vectors in the published vectors (see TrainJob::add_context).
float context_weight(const TrainJob& job);
// The format of the word vectors: TrainJob::format, else by the output name.
VectorFormat output_format(const TrainJob& job);

void validate(const TrainJob& job);

// A point of the training's progress, as the metrics file records it.
struct ProgressSample {
  double seconds = 0;   // since training began
  double fraction = 0;  // of all epochs
  double lr = 0;
  double loss = 0;  // since the previous sample
  double words_per_second = 0;
};

struct TrainReport {
  // finished, diverged, interrupted or failed (with `error`)
  std::string status = "finished";
  std::string error;
  std::string started;  // ISO 8601 UTC, to the second
  std::string ended;
  std::uint64_t peak_memory = 0;         // bytes resident at most (VmHWM)
  std::vector<ProgressSample> progress;  // every few seconds of training, at most 1000
  int ranks = 1;                         // processes of the job; the counts are the whole job's
  std::size_t vocab_size = 0;
  std::int64_t corpus_words = 0;  // in-vocabulary words of one epoch
  TokenizerStats tokens;
  std::int64_t bytes = 0;
  double read_seconds = 0;
  std::string cache;        // the token cache the corpus was mapped from, if any
  bool spilled = false;     // the ids went to a scratch file (--memory-limit)
  std::int64_t pruned = 0;  // distinct words dropped while counting (--prune-at)
  TrainStats train;
  double seconds = 0;  // the whole job
};

// Validates the options and checks every input and output path (see check_outputs) before
// any work, reads, trains, writes every output and commits them together: they appear
// only when everything succeeded, and once hooks.cancel is set (Interrupted) never. The
// metrics file is the exception: once the paths are checked it is written in every case,
// as the run's record with its status (finished, diverged, interrupted or failed).
// `on_corpus` is called once the corpus is read, before training.
// `start`: see TrainStart (Error when a resumed run's inputs changed since).
// With hooks.ranks of several processes (collective): every rank reads and trains its share
// (prepare_corpus, train); rank 0 alone checks and writes the outputs; an error on any
// rank fails every rank with it (run_on_every_rank). Not with checkpoints, --resume,
// --continue or a cache folder (UsageError).
TrainReport run_train_job(const TrainJob& job, const TrainHooks& hooks,
                          const std::function<void(const TrainReport&)>& on_corpus = {},
                          TrainStart start = {});

}  // namespace w2v
