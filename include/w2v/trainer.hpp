#pragma once
#include <atomic>
#include <cstdint>
#include <functional>

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
};

struct TrainHooks {
  // Called from one training thread every `progress_interval` seconds and once at the
  // end. Must be quick and must not throw.
  std::function<void(const TrainProgress&)> progress;
  double progress_interval = 1.0;
  // Training stops with Error("interrupted") soon after this becomes true.
  const std::atomic<bool>* cancel = nullptr;
};

struct TrainStats {
  std::int64_t words = 0;  // corpus words processed over all epochs, before subsampling
  std::int64_t pairs = 0;  // pairs scored, observed and noise
  double seconds = 0;
  double words_per_second = 0;
  double final_loss = 0;  // mean binary cross-entropy per pair over the last epoch
  float scale = 0, bias = 0;
};

// A model initialised for `options.merge`: dot starts like word2vec.c (small random word
// vectors, zero context vectors); cos starts both matrices random (options.cos_init).
Model make_model(std::size_t vocab_size, const TrainOptions& options);

// Trains `model` on `corpus` by lock-free SGD on options.threads threads, each on its own
// slice of the corpus. The view's vocabulary is `vocab` or a prefix of it; ids past it
// are skipped. With one thread the result is a function of the inputs and the
// seed. Throws Error when the loss or a vector stops being finite (suggesting a lower
// --lr) or when cancelled.
TrainStats train(Model& model, const CorpusView& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks = {});
TrainStats train(Model& model, const EncodedCorpus& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks = {});

}  // namespace w2v
