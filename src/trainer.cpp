#include "w2v/trainer.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "detail/hot_rows.hpp"
#include "detail/kernels.hpp"
#include "detail/parallel.hpp"
#include "w2v/alias_sampler.hpp"
#include "w2v/error.hpp"
#include "w2v/huffman.hpp"
#include "w2v/model_sync.hpp"
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
// Hierarchical softmax: every word's path starts at the root, and the nodes near it are on
// most paths, so they get copies too, averaged at each sync rather than added (see
// HotRows::Combine). Node rows are in descending count order.
constexpr std::size_t kHotNodes = 1024;
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
  std::unique_ptr<HuffmanTree> tree;  // hierarchical softmax only
  std::uint32_t node_base;            // out ids from here on are inner nodes
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
  std::int64_t total_words = 0;      // over all epochs, of all ranks
  // With several ranks: their words per epoch, and the words the other ranks trained as
  // of the last sync.
  int ranks = 1;
  std::int64_t all_words_per_epoch = 0;
  std::atomic<std::int64_t> other_words{0};
  std::atomic<float> scale, bias;
  std::atomic<bool> stop{false};
  std::atomic<bool> diverged{false};
  Clock::time_point start = Clock::now();
  // Per epoch, for the final loss.
  std::mutex epoch_mutex;
  std::vector<double> epoch_loss;
  std::vector<std::int64_t> epoch_pairs;
  std::vector<int> epoch_finishers;       // threads done with each epoch
  std::vector<double> epoch_end_seconds;  // when the last of them was
  const TrainState* resume;
  std::int64_t words_at_start = 0;  // restored from a checkpoint
  // Pausing for checkpoints: threads wait at chunk boundaries until the last one in has
  // written it.
  std::mutex pause_mutex;
  std::condition_variable pause_cv;
  std::atomic<bool> pause_requested{false};
  std::atomic<bool> interrupt_requested{false};
  int active;                       // threads still training (under pause_mutex)
  int arrived = 0;                  // threads paused (under pause_mutex)
  std::uint64_t pauses = 0;         // pauses completed (under pause_mutex)
  std::vector<ThreadState> states;  // each thread's, published as it pauses or leaves
  Clock::time_point last_checkpoint = Clock::now();
  std::int64_t next_checkpoint_words = 0;
  std::exception_ptr checkpoint_error;

  SharedRun(Model& m, const CorpusView& c, const Vocab& vocab, const TrainOptions& o,
            const TrainHooks& h, const TrainState* r)
      : model(m),
        corpus(c),
        options(o),
        hooks(h),
        subsampler(vocab.counts(), o.sample),
        noise(vocab.counts(), o.ns_exponent),
        tree(o.loss == Loss::kHierarchicalSoftmax ? std::make_unique<HuffmanTree>(vocab.counts())
                                                  : nullptr),
        node_base(static_cast<std::uint32_t>(vocab.size())),
        chunks(make_chunks(c)),
        team(static_cast<int>(
            std::clamp<std::size_t>(chunks.size(), 1, static_cast<std::size_t>(o.threads)))),
        counters(static_cast<std::size_t>(team)),
        next_chunk(static_cast<std::size_t>(o.epochs)),
        words_per_epoch(count_words(chunks)),
        total_words(words_per_epoch * o.epochs),
        all_words_per_epoch(words_per_epoch),
        scale(m.merge.scale),
        bias(m.merge.bias),
        epoch_loss(static_cast<std::size_t>(o.epochs), 0.0),
        epoch_pairs(static_cast<std::size_t>(o.epochs), 0),
        epoch_finishers(static_cast<std::size_t>(o.epochs), 0),
        epoch_end_seconds(static_cast<std::size_t>(o.epochs), 0.0),
        resume(r),
        active(team),
        states(static_cast<std::size_t>(team)) {
    if (resume != nullptr) restore(*resume);
    next_checkpoint_words = words_done() + h.checkpoint_words;
  }

  // Takes up where a checkpoint left off: chunks handed out, each thread's counters, the
  // epochs' losses.
  void restore(const TrainState& state) {
    if (state.chunks != chunks.size() || state.words_per_epoch != words_per_epoch ||
        state.next_chunk.size() != next_chunk.size() ||
        state.epoch_loss.size() != epoch_loss.size() ||
        state.epoch_pairs.size() != epoch_pairs.size() || state.threads.empty()) {
      throw Error("the checkpoint belongs to another corpus or vocabulary (" +
                  std::to_string(state.chunks) + " chunks of " +
                  std::to_string(state.words_per_epoch) + " words per epoch, this corpus has " +
                  std::to_string(chunks.size()) + " of " + std::to_string(words_per_epoch) + ")");
    }
    for (std::size_t e = 0; e < next_chunk.size(); ++e) {
      next_chunk[e].value =
          static_cast<std::size_t>(std::min<std::uint64_t>(state.next_chunk[e], chunks.size()));
    }
    epoch_loss = state.epoch_loss;
    epoch_pairs = state.epoch_pairs;
    for (std::size_t t = 0; t < counters.size() && t < state.threads.size(); ++t) {
      const ThreadState& mine = restored_thread(state, t);
      counters[t].words = mine.words;
      counters[t].pairs = mine.pairs;
      counters[t].loss = mine.loss;
    }
    words_at_start = words_done();
  }

  // Thread t's state in `state`; thread 0 also takes over the counts of the checkpoint's
  // threads that this run does not have, so that their words still count.
  ThreadState restored_thread(const TrainState& state, std::size_t t) const {
    ThreadState mine = state.threads[t];
    if (t == 0) {
      for (std::size_t other = counters.size(); other < state.threads.size(); ++other) {
        const ThreadState& o = state.threads[other];
        mine.words += o.words;
        mine.pairs += o.pairs;
        mine.loss += o.loss;
        mine.epoch_loss += o.epoch_loss;
        mine.epoch_pairs += o.epoch_pairs;
      }
    }
    return mine;
  }

  // A state for a checkpoint or the caller; every thread has published its own.
  TrainState state() {
    TrainState s;
    s.chunks = chunks.size();
    s.words_per_epoch = words_per_epoch;
    for (const NextChunk& n : next_chunk) {
      s.next_chunk.push_back(std::min<std::uint64_t>(n.value.load(), chunks.size()));
    }
    s.threads = states;
    std::lock_guard<std::mutex> lock(epoch_mutex);
    s.epoch_loss = epoch_loss;
    s.epoch_pairs = epoch_pairs;
    return s;
  }

  // Called by training thread 0 after each chunk.
  void maybe_request_checkpoint() {
    if (!hooks.checkpoint) return;
    const bool time = hooks.checkpoint_seconds > 0 &&
                      std::chrono::duration<double>(Clock::now() - last_checkpoint).count() >=
                          hooks.checkpoint_seconds;
    const bool words = hooks.checkpoint_words > 0 && words_done() >= next_checkpoint_words;
    if (time || words) pause_requested.store(true);
  }

  // A cancel was seen: with checkpoints, pause once for a last one, then stop.
  void on_cancel() {
    if (!hooks.checkpoint || diverged.load()) {
      stop.store(true);
      return;
    }
    if (!interrupt_requested.exchange(true)) {
      if (hooks.interrupted) hooks.interrupted();
      pause_requested.store(true);
    }
  }

  // The last thread to pause (or to leave while others are paused) writes the checkpoint
  // and lets them go on. `lock` holds pause_mutex.
  void complete_pause() {
    if (!diverged.load() && !stop.load()) {
      model.merge.scale = scale.load();
      model.merge.bias = bias.load();
      try {
        hooks.checkpoint(model, state());
      } catch (...) {
        checkpoint_error = std::current_exception();
        stop.store(true);
      }
    }
    last_checkpoint = Clock::now();
    next_checkpoint_words = words_done() + hooks.checkpoint_words;
    if (interrupt_requested.load()) stop.store(true);
    arrived = 0;
    pause_requested.store(false);
    ++pauses;
    pause_cv.notify_all();
  }

  std::int64_t words_done() const {
    std::int64_t sum = 0;
    for (const auto& c : counters) sum += c.words.load(std::memory_order_relaxed);
    return sum;
  }
  std::int64_t other_ranks_words() const { return other_words.load(std::memory_order_relaxed); }
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
    words += other_ranks_words();
    TrainProgress p;
    p.elapsed_seconds = std::chrono::duration<double>(now - start).count();
    p.fraction = std::min(1.0, static_cast<double>(words) /
                                   static_cast<double>(std::max<std::int64_t>(1, total_words)));
    p.epochs = options.epochs;
    p.epoch = std::min(epoch + 1, p.epochs);
    const auto trained = static_cast<double>(words - words_at_start);
    p.ranks = ranks;
    p.words_per_second = p.elapsed_seconds > 0 ? trained / p.elapsed_seconds : 0.0;
    p.words_per_second_per_thread =
        p.words_per_second / static_cast<double>(counters.size() * static_cast<std::size_t>(ranks));
    p.lr = lr_at(words);
    p.loss = pairs > reported_pairs
                 ? (loss - reported_loss) / static_cast<double>(pairs - reported_pairs)
                 : 0.0;
    p.eta_seconds =
        trained > 0 ? p.elapsed_seconds * static_cast<double>(total_words - words) / trained : 0.0;
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
                   Rng(run.options.seed, static_cast<std::uint64_t>(thread)), run.tree.get()),
        dim_(static_cast<int>(run.model.words.stride())),
        learn_scale_(run.options.merge == Merge::kCos && !run.options.fixed_scale),
        hot_contexts_(run.model.contexts, thread > 0 ? kHotRows : 0),
        hot_nodes_(run.model.nodes, thread > 0 ? kHotNodes : 0,
                   detail::HotRows::Combine::kAverage) {
    const std::int64_t share = run.words_per_epoch / static_cast<std::int64_t>(run.counters.size());
    sync_every_ = std::clamp<std::int64_t>(share / 16, kMinSyncWords, kMaxSyncWords);
    if (run.resume != nullptr) restore(*run.resume);
    next_sync_ = hot_contexts_.count() + hot_nodes_.count() > 0
                     ? words_ + sync_every_
                     : std::numeric_limits<std::int64_t>::max();
  }

  void train() {
    const std::size_t n = run_.chunks.size();
    ThreadCounters& mine = run_.counters[static_cast<std::size_t>(thread_)];
    for (; epoch_ < run_.options.epochs; ++epoch_) {
      mine.epoch.store(epoch_, std::memory_order_relaxed);
      if (!resumed_) {
        epoch_loss_start_ = loss_;
        epoch_pairs_start_ = pairs_;
      }
      resumed_ = false;
      std::atomic<std::size_t>& next = run_.next_chunk[static_cast<std::size_t>(epoch_)].value;
      // A pause comes before a chunk is taken, so that every chunk handed out is trained
      // when a checkpoint is written.
      for (;;) {
        if (cancelled()) run_.on_cancel();
        if (run_.pause_requested.load(std::memory_order_relaxed)) pause();
        if (run_.stop.load(std::memory_order_relaxed)) {
          leave();
          return;
        }
        const std::size_t c = next.fetch_add(1);
        if (c >= n) break;
        train_chunk(run_.chunks[c]);
        if (thread_ == 0) {
          run_.maybe_report();
          run_.maybe_request_checkpoint();
        }
      }
      std::lock_guard<std::mutex> lock(run_.epoch_mutex);
      const auto e = static_cast<std::size_t>(epoch_);
      run_.epoch_loss[e] += loss_ - epoch_loss_start_;
      run_.epoch_pairs[e] += pairs_ - epoch_pairs_start_;
      if (++run_.epoch_finishers[e] == run_.team) {
        run_.epoch_end_seconds[e] =
            std::chrono::duration<double>(Clock::now() - run_.start).count();
      }
    }
    sync_hot_rows();
    mine.epoch.store(run_.options.epochs, std::memory_order_relaxed);
    epoch_loss_start_ = loss_;
    epoch_pairs_start_ = pairs_;
    leave();
  }

 private:
  bool cancelled() const {
    return run_.hooks.cancel != nullptr && run_.hooks.cancel->load(std::memory_order_relaxed);
  }

  void restore(const TrainState& state) {
    if (static_cast<std::size_t>(thread_) < state.threads.size()) {
      const ThreadState t = run_.restored_thread(state, static_cast<std::size_t>(thread_));
      generator_.set_rng_state(t.rng);
      epoch_ = t.epoch;
      words_ = t.words;
      pairs_ = t.pairs;
      loss_ = t.loss;
      epoch_loss_start_ = t.epoch_loss;
      epoch_pairs_start_ = t.epoch_pairs;
      resumed_ = true;
    } else {
      // A thread the checkpoint did not have starts where the slowest one was.
      epoch_ = run_.options.epochs;
      for (const ThreadState& t : state.threads) epoch_ = std::min(epoch_, t.epoch);
    }
  }

  ThreadState snapshot() const {
    ThreadState s;
    s.rng = generator_.rng_state();
    s.epoch = epoch_;
    s.words = words_;
    s.pairs = pairs_;
    s.loss = loss_;
    s.epoch_loss = epoch_loss_start_;
    s.epoch_pairs = epoch_pairs_start_;
    return s;
  }

  // Waits at a chunk boundary while a checkpoint is written, this thread's rows synced.
  void pause() {
    sync_hot_rows();
    std::unique_lock<std::mutex> lock(run_.pause_mutex);
    run_.states[static_cast<std::size_t>(thread_)] = snapshot();
    const std::uint64_t pauses = run_.pauses;
    if (++run_.arrived == run_.active) {
      run_.complete_pause();
    } else {
      run_.pause_cv.wait(lock, [&] { return run_.pauses != pauses; });
    }
  }

  // Done (or stopped): no pause waits for this thread any more.
  void leave() {
    std::unique_lock<std::mutex> lock(run_.pause_mutex);
    run_.states[static_cast<std::size_t>(thread_)] = snapshot();
    --run_.active;
    if (run_.pause_requested.load() && run_.arrived > 0 && run_.arrived == run_.active) {
      run_.complete_pause();
    }
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
    if (hot_contexts_.count() + hot_nodes_.count() == 0) return;
    hot_contexts_.sync(run_.model.merge);
    hot_nodes_.sync(run_.model.merge);
    next_sync_ = words_ + sync_every_;
  }

  // The rows of one block, resolved to pointers.
  struct RowBlock {
    std::vector<float*> in, out;
    int positives = 0;
    bool pooled = false;
  };

  void train_sentence(const std::uint32_t* ids, std::size_t size, MergeParams& merge) {
    ThreadCounters& mine = run_.counters[static_cast<std::size_t>(thread_)];
    const std::int64_t words =
        (run_.counters.size() == 1 ? words_ : run_.words_done()) + run_.other_ranks_words();
    lr_ = static_cast<float>(run_.lr_at(words));
    // Each block's rows are fetched from memory while the previous block trains.
    bool pending = false;
    generator_.sentence(ids, size, [&](const PairBlock& block) {
      if (block.n == 0) return;
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
    rows.pooled = block.pooled;
    for (int i = 0; i < block.m; ++i) rows.in[i] = prefetch(run_.model.words.row(block.in[i]));
    for (int j = 0; j < block.n; ++j) {
      const std::uint32_t id = block.out[j];
      rows.out[j] = prefetch(id < run_.node_base ? hot_contexts_.row(id)
                                                 : hot_nodes_.row(id - run_.node_base));
    }
  }

  // Into L2 (locality 2), not L1: the rows still arrive in time, for 6% less CPU per epoch
  // (benchmarks.md).
  float* prefetch(float* row) const {
    for (int d = 0; d < dim_; d += 16) __builtin_prefetch(row + d, 1, 2);
    return row;
  }

  void train_rows(const RowBlock& rows, MergeParams& merge) {
    detail::BlockStats stats;
    const int m = static_cast<int>(rows.in.size()), n = static_cast<int>(rows.out.size());
    if (rows.pooled) {
      detail::train_pooled_block(rows.in.data(), m, run_.options.cbow_mean, rows.out.data(), n,
                                 rows.positives, dim_, lr_, merge, scratch_, stats);
    } else if (run_.options.merge == Merge::kCos && run_.tree == nullptr) {
      // Each input row in turn against the shared noise rows: as good as the one-pair path
      // on WordSim-353 where stepping the block at once lost 0.015. Not measured enough with
      // hierarchical softmax, which keeps the block at once (benchmarks.md).
      detail::train_block_in_turn(rows.in.data(), m, rows.out.data(), n, rows.positives, dim_, lr_,
                                  merge, scratch_, stats);
    } else {
      detail::train_block(rows.in.data(), m, rows.out.data(), n, rows.positives, dim_, lr_, merge,
                          scratch_, stats);
    }
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
  detail::HotRows hot_nodes_;
  detail::BlockScratch scratch_;
  std::int64_t sync_every_ = 0, next_sync_ = 0;
  RowBlock current_, next_;
  std::vector<std::uint32_t> sentence_;  // the chunk's current sentence, in-vocabulary ids
  int epoch_ = 0;
  bool resumed_ = false;  // epoch_loss_start_ and epoch_pairs_start_ came from a checkpoint
  double epoch_loss_start_ = 0;
  std::int64_t epoch_pairs_start_ = 0;
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

// What the sync thread learned: the round that ended it, and what it threw.
struct SyncOutcome {
  ModelSync::Round round;
  std::exception_ptr error;
};

RankStatus local_status(const SharedRun& run, bool team_done, bool team_failed) {
  if (team_failed) return RankStatus::kFailed;
  if (run.diverged.load()) return RankStatus::kDiverged;
  if (run.hooks.cancel != nullptr && run.hooks.cancel->load()) return RankStatus::kInterrupted;
  return team_done ? RankStatus::kDone : RankStatus::kTraining;
}

// The sync thread of a rank: every sync period it exchanges words and status with the
// other ranks and averages some rows (every row when the ranks' words cross an epoch's
// end), until every rank is done (then a last full average) or one stopped (then every
// rank stops, unsynced).
SyncOutcome sync_loop(SharedRun& run, ModelSync& sync, const std::atomic<bool>& team_done,
                      const detail::FirstException& team_error) {
  SyncOutcome outcome;
  try {
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(SyncOptions{}.period_seconds));
    std::int64_t epochs_seen = 0;
    Clock::time_point next = Clock::now() + period;
    // Once this rank has said it is done, it syncs at the pace of the period while the
    // others finish; until then, a change of its status is told at once.
    bool told_done = false;
    for (;;) {
      while (Clock::now() < next &&
             (told_done ||
              local_status(run, team_done.load(), team_error.failed()) == RankStatus::kTraining)) {
        std::this_thread::sleep_for(
            std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(10)));
      }
      next = Clock::now() + period;
      // The status first: once it says done, the words are final.
      const RankStatus status = local_status(run, team_done.load(), team_error.failed());
      const std::int64_t mine = run.words_done();
      told_done = status == RankStatus::kDone;
      const ModelSync::Round round = sync.exchange(mine, status);
      run.other_words.store(round.words - mine, std::memory_order_relaxed);
      outcome.round = round;
      if (round.stopped_rank >= 0) {
        run.stop.store(true);
        return outcome;
      }
      const std::int64_t epochs = round.words / std::max<std::int64_t>(1, run.all_words_per_epoch);
      if (round.all_done || epochs > epochs_seen) {
        sync.sync_all();
        epochs_seen = epochs;
      } else {
        sync.sync_some();
      }
      std::vector<double> merge = {run.scale.load(), run.bias.load()};
      const std::vector<double> was = merge;
      sync.average(merge);
      atomic_add(run.scale, static_cast<float>(merge[0] - was[0]));
      atomic_add(run.bias, static_cast<float>(merge[1] - was[1]));
      if (round.all_done) return outcome;
    }
  } catch (...) {
    outcome.error = std::current_exception();
    run.stop.store(true);
  }
  return outcome;
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
  return Model(vocab_size, static_cast<std::size_t>(options.dim), merge, init, options.seed,
               options.loss == Loss::kHierarchicalSoftmax);
}

TrainStats train(Model& model, const CorpusView& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks, const TrainState* resume,
                 TrainState* final_state) {
  validate(options);
  if (corpus.vocab_size > vocab.size()) {
    throw std::logic_error("train: the corpus view's vocabulary is larger than the vocabulary");
  }
  if (options.loss == Loss::kHierarchicalSoftmax) {
    if (model.nodes.rows() != vocab.size()) {
      throw std::logic_error("train: hierarchical softmax needs a node row per word");
    }
    if (vocab.size() < 2) {
      throw Error(
          "cannot train hierarchical softmax on a vocabulary of one word: lower "
          "--min-count or give more text");
    }
  }
  SharedRun run(model, corpus, vocab, options, hooks, resume);
  std::unique_ptr<ModelSync> sync;
  if (hooks.ranks != nullptr && hooks.ranks->size() > 1) {
    if (hooks.checkpoint || resume != nullptr) {
      throw std::logic_error("train: checkpoints and resumed runs are for one process");
    }
    std::vector<Matrix*> matrices{&model.words, &model.contexts};
    if (model.nodes.rows() > 0) matrices.push_back(&model.nodes);
    SyncOptions sync_options;
    sync_options.change_scale = options.sync_scale;
    sync = std::make_unique<ModelSync>(*hooks.ranks, matrices, sync_options);
    run.ranks = hooks.ranks->size();
    hooks.ranks->sum(&run.all_words_per_epoch, 1);
    run.total_words = run.all_words_per_epoch * options.epochs;
  }
  if (run.all_words_per_epoch == 0) {
    throw Error("cannot train: the corpus has no words in the vocabulary");
  }
  detail::FirstException error;
  std::atomic<bool> team_done{false};
  SyncOutcome outcome;
  std::thread syncer;
  if (sync) syncer = std::thread([&] { outcome = sync_loop(run, *sync, team_done, error); });
#pragma omp parallel num_threads(run.team)
  error.run([&] {
    Worker worker(run, omp_get_thread_num());
    worker.train();
  });
  team_done.store(true);
  if (syncer.joinable()) syncer.join();
  error.rethrow();
  if (outcome.error) std::rethrow_exception(outcome.error);
  const int stopped = outcome.round.stopped_rank;
  if (stopped >= 0) {
    if (outcome.round.stop == RankStatus::kInterrupted) throw Interrupted();
    if (stopped != hooks.ranks->rank() || outcome.round.stop != RankStatus::kDiverged) {
      throw RankStopped("rank " + std::to_string(stopped) +
                        (outcome.round.stop == RankStatus::kDiverged
                             ? ": " + diverged_message(options)
                             : " failed while training"));
    }
  }
  if (run.checkpoint_error) std::rethrow_exception(run.checkpoint_error);
  model.merge.scale = run.scale.load();
  model.merge.bias = run.bias.load();
  if (hooks.cancel != nullptr && hooks.cancel->load()) {
    // A cancel that came after the threads were done: the last checkpoint is the end.
    if (hooks.checkpoint && !run.interrupt_requested.load() && !run.diverged.load()) {
      if (hooks.interrupted) hooks.interrupted();
      hooks.checkpoint(model, run.state());
    }
    throw Interrupted();
  }
  if (!run.stop.load()) run.report(Clock::now());
  if (run.diverged.load() || !model.words.all_finite() || !model.contexts.all_finite() ||
      !model.nodes.all_finite() || !std::isfinite(model.merge.scale) ||
      !std::isfinite(model.merge.bias)) {
    throw Diverged(diverged_message(options));
  }
  TrainStats stats;
  stats.seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
  stats.words = run.words_done() + run.other_ranks_words();
  for (const auto& c : run.counters) stats.pairs += c.pairs.load();
  const std::size_t last = static_cast<std::size_t>(options.epochs - 1);
  stats.final_loss = run.epoch_pairs[last] > 0
                         ? run.epoch_loss[last] / static_cast<double>(run.epoch_pairs[last])
                         : 0.0;
  stats.ranks = run.ranks;
  if (sync) {
    // Every rank got here: the ranks' pairs and loss are the job's.
    double sums[] = {static_cast<double>(stats.pairs), run.epoch_loss[last],
                     static_cast<double>(run.epoch_pairs[last])};
    hooks.ranks->sum(sums, 3);
    stats.pairs = static_cast<std::int64_t>(sums[0]);
    stats.final_loss = sums[2] > 0 ? sums[1] / sums[2] : 0.0;
    stats.sync_bytes = sync->bytes();
    stats.syncs = sync->syncs();
    stats.sync_seconds = sync->seconds();
    stats.sync_cpu_seconds = sync->cpu_seconds();
  }
  stats.words_per_second =
      stats.seconds > 0 ? static_cast<double>(stats.words - run.words_at_start) / stats.seconds : 0;
  stats.scale = model.merge.scale;
  stats.bias = model.merge.bias;
  for (std::size_t e = 0; e < run.epoch_loss.size(); ++e) {
    EpochStats epoch;
    epoch.pairs = run.epoch_pairs[e];
    epoch.loss = epoch.pairs > 0 ? run.epoch_loss[e] / static_cast<double>(epoch.pairs) : 0.0;
    epoch.end_seconds = run.epoch_end_seconds[e];
    epoch.lr = run.lr_at(run.all_words_per_epoch * static_cast<std::int64_t>(e + 1));
    const double began = e > 0 ? run.epoch_end_seconds[e - 1] : 0.0;
    if (epoch.end_seconds > began && (e == 0 || began > 0)) {
      epoch.words_per_second =
          static_cast<double>(run.all_words_per_epoch) / (epoch.end_seconds - began);
    }
    stats.epochs.push_back(epoch);
  }
  if (final_state != nullptr) *final_state = run.state();
  return stats;
}

TrainStats train(Model& model, const EncodedCorpus& corpus, const Vocab& vocab,
                 const TrainOptions& options, const TrainHooks& hooks) {
  return train(model, view_of(corpus, static_cast<std::uint32_t>(vocab.size())), vocab, options,
               hooks, nullptr, nullptr);
}

}  // namespace w2v
