#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "w2v/communicator.hpp"
#include "w2v/corpus.hpp"
#include "w2v/model.hpp"
#include "w2v/train_options.hpp"
#include "w2v/vocab.hpp"

namespace w2v {

// A snapshot of a running training, handed to the progress callback.
struct TrainProgress {
  double fraction = 0;  // of all epochs, 0..1
  int epoch = 1;        // 1-based, of the slowest thread
  int epochs = 1;
  double words_per_second_per_thread = 0;
  double lr = 0;
  double loss = 0;  // mean binary cross-entropy per pair since the previous report
  double elapsed_seconds = 0;
  double eta_seconds = 0;
  int ranks = 1;                // processes of the job (words and rates count them all)
  double words_per_second = 0;  // of all threads of all ranks
};

// One training thread's part of a run's state.
struct ThreadState {
  std::uint64_t rng = 0;   // its pair generator's random state
  int epoch = 0;           // the epoch it is in (options.epochs once done)
  std::int64_t words = 0;  // corpus words it trained
  std::int64_t pairs = 0;  // pairs it scored
  double loss = 0;         // their summed loss
  // pairs and loss when its current epoch began
  std::int64_t epoch_pairs = 0;
  double epoch_loss = 0;
};

// Where a training run stands, besides the model: enough to resume it. Chunks are handed
// out per epoch in order; every chunk handed out has been trained.
struct TrainState {
  std::uint64_t chunks = 0;               // per epoch: the corpus the state belongs to
  std::int64_t words_per_epoch = 0;       // in the vocabulary
  std::vector<std::uint64_t> next_chunk;  // per epoch: chunks handed out
  std::vector<ThreadState> threads;
  std::vector<double> epoch_loss;  // per epoch, of the threads that finished it
  std::vector<std::int64_t> epoch_pairs;

  // True when every chunk of every epoch has been trained.
  bool finished() const {
    for (const std::uint64_t n : next_chunk) {
      if (n < chunks) return false;
    }
    return true;
  }
};

struct TrainHooks {
  // Called from one training thread every `progress_interval` seconds and once at the
  // end. Must be quick and must not throw.
  std::function<void(const TrainProgress&)> progress;
  double progress_interval = 1.0;
  // Training stops with Interrupted soon after this becomes true.
  const std::atomic<bool>* cancel = nullptr;
  // Checkpoints, when set: every checkpoint_seconds of training and every
  // checkpoint_words words (each 0 for never), and once `cancel` becomes true before
  // training stops, the threads finish the chunks they hold, sync their copies of rows and
  // pause while one of them calls `checkpoint` with the complete model (scale and bias
  // included) and the state to resume from. What it throws stops training and is rethrown.
  std::function<void(const Model&, const TrainState&)> checkpoint;
  double checkpoint_seconds = 0;
  std::int64_t checkpoint_words = 0;
  // Called, when `checkpoint` is set, as a cancel is seen and before its checkpoint.
  std::function<void()> interrupted;
  // Data-parallel training with the other ranks of a job, each on its own share of the
  // corpus, their models kept close by a ModelSync (model_sync.hpp) on a thread of its own;
  // the learning rate follows the words of all ranks. Null or one rank: this process
  // alone. Not with checkpoints or a resumed state.
  Communicator* ranks = nullptr;
};

// One epoch of a run, as its last thread finished it.
struct EpochStats {
  double loss = 0;  // mean binary cross-entropy per pair over the epoch
  std::int64_t pairs = 0;
  double end_seconds = 0;       // since training began; 0 when this run did not see it end
  double lr = 0;                // at the epoch's end
  double words_per_second = 0;  // of all threads (and ranks) over the epoch
};

struct TrainStats {
  std::int64_t words = 0;  // corpus words processed over all epochs, before subsampling
  std::int64_t pairs = 0;  // pairs scored, observed and noise
  double seconds = 0;
  double words_per_second = 0;
  double final_loss = 0;  // mean binary cross-entropy per pair over the last epoch
  float scale = 0, bias = 0;
  int ranks = 1;                 // words and words_per_second count every rank's
  std::uint64_t sync_bytes = 0;  // of rows and values this rank contributed to averages
  std::uint64_t syncs = 0;
  double sync_seconds = 0;      // this rank's sync thread spent averaging rows
  double sync_cpu_seconds = 0;  // of them on a CPU
  std::vector<EpochStats> epochs;
};

// A model initialised for `options.merge`: dot starts like word2vec.c (small random word
// vectors, zero context vectors); cos starts both matrices random (options.cos_init).
Model make_model(std::size_t vocab_size, const TrainOptions& options);

// Trains `model` on `corpus` by lock-free SGD on options.threads threads, each on its own
// slice of the corpus. The view's vocabulary is `vocab` or a prefix of it; ids past it
// are skipped. `resume`: continue from a checkpoint's state (Error when it belongs to
// another corpus); with one thread, a run resumed from any checkpoint trains the same
// vectors as one never stopped. `final_state` receives the state at the end. With one thread the
// result is a function of the inputs and the seed. Throws Error when the loss or a vector stops
// being finite (suggesting a lower
// --lr) or when cancelled.
TrainStats train(Model& model, const CorpusView& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks = {},
                 const TrainState* resume = nullptr, TrainState* final_state = nullptr);
TrainStats train(Model& model, const EncodedCorpus& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks = {});

}  // namespace w2v
