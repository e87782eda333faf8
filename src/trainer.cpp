#include "w2v/trainer.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <sstream>
#include <vector>

#include "detail/hot_rows.hpp"
#include "detail/kernels.hpp"
#include "detail/parallel.hpp"
#include "w2v/alias_sampler.hpp"
#include "w2v/error.hpp"
#include "w2v/pairs.hpp"
#include "w2v/subsampler.hpp"

namespace w2v {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kMinLrFraction = 1e-4;

// Threads other than the first train their own copies of this many of the most frequent
// words' context rows (8 MiB per thread at dim 100) and sync them every so many words: at
// most kMaxSyncWords, and at least 16 times per epoch so that a small corpus's threads do
// not drift apart. Measured on the small benchmark corpus, 2 threads, dot: every 100k to
// 300k words kept the analogy score; every 1M words lost half a point.
constexpr std::size_t kHotRows = 8192;
constexpr std::int64_t kMaxSyncWords = 250000;
constexpr std::int64_t kMinSyncWords = 1000;

// What each thread publishes for the others; one cache line each, so no false sharing.
struct alignas(64) ThreadCounters {
  std::atomic<std::int64_t> words{0};
  std::atomic<std::int64_t> pairs{0};
  std::atomic<double> loss{0};
  std::atomic<int> epoch{0};
};

void atomic_add(std::atomic<float>& target, float delta) {
  float old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + delta, std::memory_order_relaxed)) {
  }
}

std::int64_t count_words(const std::vector<CorpusChunk>& chunks) {
  std::int64_t words = 0;
  for (const CorpusChunk& c : chunks) words += c.words;
  return words;
}

// The state all threads share during one training run.
struct SharedRun {
  Model& model;
  const CorpusView& corpus;
  const TrainOptions& options;
  const TrainHooks& hooks;
  Subsampler subsampler;
  AliasSampler noise;
  std::vector<CorpusChunk> chunks;
  // Threads that train: no more than there are chunks, each thread costs memory.
  int team = 1;
  std::vector<ThreadCounters> counters;
  // Per epoch, the next chunk to hand out, so that a faster thread takes more chunks: on a
  // shared host one thread ran up to a third faster than the other, either one, and with
  // fixed shares the run waited for the slower.
  struct alignas(64) NextChunk {
    std::atomic<std::size_t> value{0};
  };
  std::vector<NextChunk> next_chunk;
  std::int64_t words_per_epoch = 0;  // in the vocabulary
  std::int64_t total_words = 0;      // over all epochs
  std::atomic<float> scale, bias;
  std::atomic<bool> stop{false};
  std::atomic<bool> diverged{false};
  Clock::time_point start = Clock::now();
  // Per epoch, for the final loss.
  std::mutex epoch_mutex;
  std::vector<double> epoch_loss;
  std::vector<std::int64_t> epoch_pairs;

  SharedRun(Model& m, const CorpusView& c, const Vocab& vocab, const TrainOptions& o,
            const TrainHooks& h)
      : model(m),
        corpus(c),
        options(o),
        hooks(h),
        subsampler(vocab.counts(), o.sample),
        noise(vocab.counts(), o.ns_exponent),
        chunks(make_chunks(c)),
        team(static_cast<int>(
            std::clamp<std::size_t>(chunks.size(), 1, static_cast<std::size_t>(o.threads)))),
        counters(static_cast<std::size_t>(team)),
        next_chunk(static_cast<std::size_t>(o.epochs)),
        words_per_epoch(count_words(chunks)),
        total_words(words_per_epoch * o.epochs),
        scale(m.merge.scale),
        bias(m.merge.bias),
        epoch_loss(static_cast<std::size_t>(o.epochs), 0.0),
        epoch_pairs(static_cast<std::size_t>(o.epochs), 0) {}

  std::int64_t words_done() const {
    std::int64_t sum = 0;
    for (const auto& c : counters) sum += c.words.load(std::memory_order_relaxed);
    return sum;
  }
  double lr_at(std::int64_t words) const {
    const double left = 1.0 - static_cast<double>(words) / static_cast<double>(total_words + 1);
    return options.lr * std::max(kMinLrFraction, left);
  }

  // Called by one thread at a time: training thread 0, then the caller after the join.
  void maybe_report() {
    if (!hooks.progress) return;
    const Clock::time_point now = Clock::now();
    if (std::chrono::duration<double>(now - last_report).count() >= hooks.progress_interval) {
      report(now);
    }
  }

  void report(Clock::time_point now) {
    if (!hooks.progress) return;
    last_report = now;
    double loss = 0;
    std::int64_t pairs = 0, words = 0;
    int epoch = options.epochs;
    for (const auto& c : counters) {
      loss += c.loss.load(std::memory_order_relaxed);
      pairs += c.pairs.load(std::memory_order_relaxed);
      words += c.words.load(std::memory_order_relaxed);
      epoch = std::min(epoch, c.epoch.load(std::memory_order_relaxed));
    }
    TrainProgress p;
    p.elapsed_seconds = std::chrono::duration<double>(now - start).count();
    p.fraction = std::min(1.0, static_cast<double>(words) /
                                   static_cast<double>(std::max<std::int64_t>(1, total_words)));
    p.epochs = options.epochs;
    p.epoch = std::min(epoch + 1, p.epochs);
    p.words_per_second_per_thread =
        p.elapsed_seconds > 0
            ? static_cast<double>(words) / p.elapsed_seconds / static_cast<double>(counters.size())
            : 0.0;
    p.lr = lr_at(words);
    p.loss = pairs > reported_pairs
                 ? (loss - reported_loss) / static_cast<double>(pairs - reported_pairs)
                 : 0.0;
    p.eta_seconds = p.fraction > 0 ? p.elapsed_seconds * (1.0 - p.fraction) / p.fraction : 0.0;
    reported_loss = loss;
    reported_pairs = pairs;
    hooks.progress(p);
  }

  Clock::time_point last_report = Clock::now();
  double reported_loss = 0;
  std::int64_t reported_pairs = 0;
};

// One training thread: its RNG, buffers and slice of the chunks.
class Worker {
 public:
  Worker(SharedRun& run, int thread)
      : run_(run),
        thread_(thread),
        generator_(run.subsampler, run.noise, run.options,
                   Rng(run.options.seed, static_cast<std::uint64_t>(thread))),
        dim_(static_cast<int>(run.model.words.stride())),
        learn_scale_(run.options.merge == Merge::kCos && !run.options.fixed_scale),
        hot_contexts_(run.model.contexts, thread > 0 ? kHotRows : 0) {
    const std::int64_t share = run.words_per_epoch / static_cast<std::int64_t>(run.counters.size());
    sync_every_ = std::clamp<std::int64_t>(share / 16, kMinSyncWords, kMaxSyncWords);
    next_sync_ = hot_contexts_.count() > 0 ? sync_every_ : std::numeric_limits<std::int64_t>::max();
  }

  void train() {
    const std::size_t n = run_.chunks.size();
    ThreadCounters& mine = run_.counters[static_cast<std::size_t>(thread_)];
    for (int epoch = 0; epoch < run_.options.epochs; ++epoch) {
      mine.epoch.store(epoch, std::memory_order_relaxed);
      const double loss_before = loss_;
      const std::int64_t pairs_before = pairs_;
      std::atomic<std::size_t>& next = run_.next_chunk[static_cast<std::size_t>(epoch)].value;
      for (std::size_t c = next.fetch_add(1); c < n; c = next.fetch_add(1)) {
        if (should_stop()) return;
        train_chunk(run_.chunks[c]);
        if (thread_ == 0) run_.maybe_report();
      }
      std::lock_guard<std::mutex> lock(run_.epoch_mutex);
      run_.epoch_loss[static_cast<std::size_t>(epoch)] += loss_ - loss_before;
      run_.epoch_pairs[static_cast<std::size_t>(epoch)] += pairs_ - pairs_before;
    }
    sync_hot_rows();
    mine.epoch.store(run_.options.epochs, std::memory_order_relaxed);
  }

 private:
  bool should_stop() {
    if (run_.stop.load(std::memory_order_relaxed)) return true;
    if (run_.hooks.cancel != nullptr && run_.hooks.cancel->load(std::memory_order_relaxed)) {
      run_.stop.store(true);
      return true;
    }
    return false;
  }

  void train_chunk(const CorpusChunk& chunk) {
    MergeParams merge = run_.model.merge;
    merge.scale = run_.scale.load(std::memory_order_relaxed);
    merge.bias = run_.bias.load(std::memory_order_relaxed);
    const float scale_start = merge.scale, bias_start = merge.bias;
    for_each_sentence(
        run_.corpus, chunk, sentence_,
        [&](const std::uint32_t* ids, std::size_t size) { train_sentence(ids, size, merge); });
    if (learn_scale_) {
      atomic_add(run_.scale, merge.scale - scale_start);
      atomic_add(run_.bias, merge.bias - bias_start);
    }
    ThreadCounters& mine = run_.counters[static_cast<std::size_t>(thread_)];
    mine.loss.store(loss_, std::memory_order_relaxed);
    mine.pairs.store(pairs_, std::memory_order_relaxed);
    if (!std::isfinite(loss_)) run_.diverged.store(true);
    if (run_.diverged.load(std::memory_order_relaxed)) run_.stop.store(true);
  }

  void sync_hot_rows() {
    if (hot_contexts_.count() == 0) return;
    hot_contexts_.sync(run_.model.merge);
    next_sync_ = words_ + sync_every_;
  }

  // The rows of one block, resolved to pointers.
  struct RowBlock {
    std::vector<float*> in, out;
    int positives = 0;
  };

  void train_sentence(const std::uint32_t* ids, std::size_t size, MergeParams& merge) {
    ThreadCounters& mine = run_.counters[static_cast<std::size_t>(thread_)];
    const std::int64_t words = run_.counters.size() == 1 ? words_ : run_.words_done();
    lr_ = static_cast<float>(run_.lr_at(words));
    // Each block's rows are fetched from memory while the previous block trains.
    bool pending = false;
    generator_.sentence(ids, size, [&](const PairBlock& block) {
      resolve_and_prefetch(block, next_);
      if (pending) train_rows(current_, merge);
      std::swap(current_, next_);
      pending = true;
    });
    if (pending) train_rows(current_, merge);
    words_ += static_cast<std::int64_t>(size);
    if (words_ >= next_sync_) sync_hot_rows();
    mine.words.store(words_, std::memory_order_relaxed);
  }

  void resolve_and_prefetch(const PairBlock& block, RowBlock& rows) {
    rows.in.resize(static_cast<std::size_t>(block.m));
    rows.out.resize(static_cast<std::size_t>(block.n));
    rows.positives = block.positives;
    for (int i = 0; i < block.m; ++i) rows.in[i] = prefetch(run_.model.words.row(block.in[i]));
    for (int j = 0; j < block.n; ++j) rows.out[j] = prefetch(hot_contexts_.row(block.out[j]));
  }

  float* prefetch(float* row) const {
    for (int d = 0; d < dim_; d += 16) __builtin_prefetch(row + d, 1, 3);
    return row;
  }

  void train_rows(const RowBlock& rows, MergeParams& merge) {
    detail::BlockStats stats;
    detail::train_block(rows.in.data(), static_cast<int>(rows.in.size()), rows.out.data(),
                        static_cast<int>(rows.out.size()), rows.positives, dim_, lr_, merge,
                        scratch_, stats);
    if (!stats.finite) {
      run_.diverged.store(true);
      return;
    }
    loss_ += stats.loss;
    pairs_ += stats.pairs;
    if (learn_scale_) {
      const float scale_lr = lr_ * run_.options.scale_lr;
      merge.scale += scale_lr * static_cast<float>(stats.scale_ascent);
      merge.bias += scale_lr * static_cast<float>(stats.bias_ascent);
    }
  }

  SharedRun& run_;
  int thread_;
  PairGenerator generator_;
  int dim_;
  bool learn_scale_;
  detail::HotRows hot_contexts_;  // none for thread 0, which trains the shared rows
  detail::BlockScratch scratch_;
  std::int64_t sync_every_ = 0, next_sync_ = 0;
  RowBlock current_, next_;
  std::vector<std::uint32_t> sentence_;  // the chunk's current sentence, in-vocabulary ids
  float lr_ = 0;
  double loss_ = 0;
  std::int64_t pairs_ = 0;
  std::int64_t words_ = 0;
};

std::string diverged_message(const TrainOptions& options) {
  std::ostringstream out;
  out << "training diverged: the loss or a vector became NaN or infinite; try a lower --lr (now "
      << options.lr << ")";
  return out.str();
}

}  // namespace

Model make_model(std::size_t vocab_size, const TrainOptions& options) {
  MergeParams merge;
  merge.merge = options.merge;
  ModelInit init;
  if (options.merge == Merge::kCos) {
    merge.scale = options.cos_scale;
    merge.bias = options.cos_bias;
    merge.max_norm = options.max_norm;
    init.word_range = options.cos_init;
    init.context_range = options.cos_init;
    init.row_norm = options.cos_init;
  }
  return Model(vocab_size, static_cast<std::size_t>(options.dim), merge, init, options.seed);
}

TrainStats train(Model& model, const CorpusView& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks) {
  validate(options);
  if (corpus.vocab_size > vocab.size()) {
    throw std::logic_error("train: the corpus view's vocabulary is larger than the vocabulary");
  }
  SharedRun run(model, corpus, vocab, options, hooks);
  if (run.words_per_epoch == 0) {
    throw Error("cannot train: the corpus has no words in the vocabulary");
  }
  detail::FirstException error;
#pragma omp parallel num_threads(run.team)
  error.run([&] {
    Worker worker(run, omp_get_thread_num());
    worker.train();
  });
  error.rethrow();
  if (hooks.cancel != nullptr && hooks.cancel->load()) throw Interrupted();
  if (!run.stop.load()) run.report(Clock::now());
  model.merge.scale = run.scale.load();
  model.merge.bias = run.bias.load();
  if (run.diverged.load() || !model.words.all_finite() || !model.contexts.all_finite() ||
      !std::isfinite(model.merge.scale) || !std::isfinite(model.merge.bias)) {
    throw Error(diverged_message(options));
  }
  TrainStats stats;
  stats.seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
  stats.words = run.words_done();
  for (const auto& c : run.counters) stats.pairs += c.pairs.load();
  stats.words_per_second = stats.seconds > 0 ? static_cast<double>(stats.words) / stats.seconds : 0;
  const std::size_t last = static_cast<std::size_t>(options.epochs - 1);
  stats.final_loss = run.epoch_pairs[last] > 0
                         ? run.epoch_loss[last] / static_cast<double>(run.epoch_pairs[last])
                         : 0.0;
  stats.scale = model.merge.scale;
  stats.bias = model.merge.bias;
  return stats;
}

TrainStats train(Model& model, const EncodedCorpus& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks) {
  return train(model, view_of(corpus, static_cast<std::uint32_t>(vocab.size())), vocab, options,
               hooks);
}

}  // namespace w2v
