#include "w2v/corpus.hpp"

#include <omp.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "detail/parallel.hpp"
#include "w2v/error.hpp"
#include "w2v/input.hpp"
#include "w2v/phrases.hpp"
#include "w2v/scratch_file.hpp"
#include "w2v/vocab.hpp"

namespace w2v {
namespace {

void end_sentence(IdVector& ids) {
  if (!ids.empty() && ids.back() != kSentenceEnd) ids.push_back(kSentenceEnd);
}

// A first-in first-out queue of at most N items, held in place.
template <class T, std::size_t N>
class FixedQueue {
 public:
  bool full() const { return size_ == N; }
  bool empty() const { return size_ == 0; }
  // The new last item, to be filled in.
  T& push() { return items_[(first_ + size_++) % N]; }
  const T& front() const { return items_[first_]; }
  void pop() {
    first_ = (first_ + 1) % N;
    --size_;
  }

 private:
  T items_[N];
  std::size_t first_ = 0, size_ = 0;
};

// Counts the words of one block into a table. Each word's slot is fetched a few words
// before the word is inserted, and its entry a few words before its count goes up, so
// that the cache misses of rare words overlap.
class BlockCounter {
 public:
  static_assert(TextBuffer::kPadding >= StringTable::kKeyPadding);
  // The buffer's padding lets words inside it take the padded key.
  BlockCounter(StringTable& table, IdVector& ids, const TextBuffer& text)
      : table_(table), ids_(ids), text_(text.view()) {}
  ~BlockCounter() { flush(); }

  void word(std::string_view w) {
    // A word the tokenizer had to rewrite lives in its scratch buffer until the next word.
    if (w.data() < text_.data() || w.data() >= text_.data() + text_.size()) {
      flush();
      ids_.push_back(table_.add(w));
      return;
    }
    if (pending_.full()) resolve_oldest();
    Pending& p = pending_.push();
    p.word = w;
    p.key = StringTable::key_of_padded(w);
    p.position = ids_.size();
    table_.prefetch(p.key);
    ids_.push_back(0);  // filled in by resolve_oldest
  }
  void sentence_end() { end_sentence(ids_); }
  void flush() {
    while (!pending_.empty()) resolve_oldest();
    while (!uncounted_.empty()) count_oldest();
  }

 private:
  static constexpr std::size_t kDepth = 8;
  struct Pending {
    std::string_view word;
    StringTable::Key key;
    std::size_t position;
  };
  void resolve_oldest() {
    const Pending& p = pending_.front();
    const std::uint32_t id = table_.insert(p.word, p.key);
    ids_[p.position] = id;
    pending_.pop();
    if (uncounted_.full()) count_oldest();
    table_.prefetch_count(id);
    uncounted_.push() = id;
  }
  void count_oldest() {
    table_.add_count(uncounted_.front(), 1);
    uncounted_.pop();
  }

  StringTable& table_;
  IdVector& ids_;
  std::string_view text_;
  FixedQueue<Pending, kDepth> pending_;          // words whose slot is being fetched
  FixedQueue<std::uint32_t, kDepth> uncounted_;  // ids whose entry is being fetched
};

// How one share of the inputs is read (ReadOptions::share_index).
struct InputShare {
  bool skip = false;       // no line of this input is the share's
  bool by_blocks = false;  // every share_count-th block (gzip), else `lines`
  LineRange lines;
};

// The share of every input, or nothing when the inputs are not shared.
std::vector<InputShare> share_inputs(const std::vector<std::string>& inputs,
                                     const ReadOptions& options, const std::atomic<bool>* cancel) {
  if (options.share_count <= 1) return {};
  std::vector<InputShare> shares(inputs.size());
  std::vector<std::int64_t> sizes(inputs.size(), -1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    struct stat st {};
    if (inputs[i] == "-" || ::stat(inputs[i].c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      throw UsageError(input_name(inputs[i]) +
                       " cannot be shared between ranks: give regular files (plain or gzip)");
    }
    const InputFile file(inputs[i], cancel);
    sizes[i] = file.plain_size();
    shares[i].by_blocks = sizes[i] < 0;
    if (sizes[i] > 0) total += static_cast<std::uint64_t>(sizes[i]);
  }
  const auto n = static_cast<unsigned __int128>(options.share_count);
  const auto k = static_cast<unsigned __int128>(options.share_index);
  const auto begin = static_cast<std::uint64_t>(total * k / n);
  const auto end = static_cast<std::uint64_t>(total * (k + 1) / n);
  std::uint64_t offset = 0;  // of the input among the plain ones
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (shares[i].by_blocks) continue;
    const auto size = static_cast<std::uint64_t>(sizes[i]);
    const std::uint64_t from = std::clamp(begin, offset, offset + size) - offset;
    const std::uint64_t to = std::clamp(end, offset, offset + size) - offset;
    shares[i].skip = from >= to;
    shares[i].lines = LineRange{from, to};
    if (from == 0 && to == size) shares[i].lines = LineRange{};
    offset += size;
  }
  return shares;
}

// Hands out the inputs' blocks in order, one at a time, to whichever reading thread asks
// next: reading a block overlaps counting others, and no thread waits for a batch.
class BlockQueue {
 public:
  struct Ticket {
    std::size_t sequence = 0;  // the block's place among all inputs' blocks
    std::size_t input = 0;
  };

  BlockQueue(const std::vector<std::string>& inputs, const ReadOptions& options,
             const std::atomic<bool>* cancel)
      : inputs_(inputs),
        cancel_(cancel),
        shares_(share_inputs(inputs, options, cancel)),
        share_index_(static_cast<std::size_t>(options.share_index)),
        share_count_(static_cast<std::size_t>(std::max(1, options.share_count))) {}

  // Fills `block` with the next block; false when every input is read. Throws Error
  // when an input cannot be read.
  bool next(TextBlock& block, Ticket& ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (input_ < inputs_.size()) {
      const InputShare* share = shares_.empty() ? nullptr : &shares_[input_];
      if (!reader_) {
        if (share != nullptr && share->skip) {
          ++input_;
          continue;
        }
        reader_ =
            std::make_unique<InputReader>(inputs_[input_], InputReader::kDefaultBlockBytes, cancel_,
                                          share != nullptr ? share->lines : LineRange{});
        block_in_input_ = 0;
      }
      while (reader_->next(block)) {
        const bool mine = share == nullptr || !share->by_blocks ||
                          block_in_input_++ % share_count_ == share_index_;
        if (mine) {
          ticket = {sequence_++, input_};
          return true;
        }
      }
      reader_.reset();
      ++input_;
    }
    return false;
  }

 private:
  std::mutex mutex_;
  const std::vector<std::string>& inputs_;
  const std::atomic<bool>* cancel_;
  std::vector<InputShare> shares_;
  std::size_t share_index_, share_count_;
  std::size_t input_ = 0;
  std::unique_ptr<InputReader> reader_;
  std::size_t block_in_input_ = 0;
  std::size_t sequence_ = 0;
};

// One reading thread's table, tokenizer and blocks, on cache lines of their own: what a
// thread writes per word must share no line with another thread's, or the line moves
// between their cores on every write (when the blocks' id vectors lay side by side, that
// doubled the pass's time with two threads).
struct alignas(64) ReadingThread {
  explicit ReadingThread(const TokenizerOptions& options) : tokenizer(options) {}
  StringTable table;
  Tokenizer tokenizer;
  std::vector<std::pair<BlockQueue::Ticket, IdVector>> blocks;
  // Blocks that went to the scratch file: where, and how many ids.
  std::vector<std::pair<BlockQueue::Ticket, std::pair<std::uint64_t, std::uint32_t>>> spilled;
  // The table's generation of each block's ids, by ticket sequence.
  std::vector<std::pair<std::size_t, std::uint32_t>> generations;
  std::vector<std::vector<std::uint32_t>> remaps;  // one per pruning
  std::int64_t min_reduce = 1;
  std::int64_t pruned = 0;
  std::int64_t bytes = 0;
};

// Counts a block with the phrases joined, a sentence at a time (the last one may run on
// into the next block, where its pair across the cut is not joined).
void count_joined_block(ReadingThread& reader, const PhraseJoiner& phrases, const TextBlock& text,
                        IdVector& ids) {
  BlockCounter counter(reader.table, ids, text.text);
  std::vector<std::string> sentence;
  const auto flush = [&] {
    phrases.join(sentence);
    for (const std::string& word : sentence) counter.word(word);
    sentence.clear();
  };
  reader.tokenizer.tokenize(
      text.text.view(), text.continues_word,
      [&](std::string_view word) { sentence.emplace_back(word); },
      [&] {
        flush();
        counter.sentence_end();
      });
  flush();
}

// Drops from `table` the words counted `min_reduce` times or fewer; returns their old ids
// -> new ids (kNoWord for a dropped word) and adds how many went to `pruned`.
std::vector<std::uint32_t> prune_table(StringTable& table, std::int64_t min_reduce,
                                       std::int64_t& pruned) {
  std::vector<std::uint32_t> remap(table.size(), kNoWord);
  StringTable kept;
  for (std::uint32_t id = 0; id < table.size(); ++id) {
    if (table.count(id) > min_reduce) remap[id] = kept.add(table.word(id), table.count(id));
  }
  pruned += static_cast<std::int64_t>(table.size() - kept.size());
  table = std::move(kept);
  return remap;
}

// Where the reading threads' blocks go: memory up to the budget, then the scratch file.
class BlockStore {
 public:
  BlockStore(std::uint64_t budget, std::string folder)
      : budget_(budget), folder_(std::move(folder)) {}

  // Keeps `ids` in memory (returns true) or appends them to the scratch file, setting
  // `offset`.
  bool keep(const IdVector& ids, std::uint64_t& offset) {
    const std::uint64_t bytes = ids.size() * sizeof(std::uint32_t);
    total_.fetch_add(bytes, std::memory_order_relaxed);
    if (in_memory_.fetch_add(bytes) + bytes <= budget_) return true;
    in_memory_.fetch_sub(bytes);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!scratch_) scratch_ = std::make_unique<ScratchFile>(folder_);
    offset = scratch_->size();
    scratch_->write(ids.data(), bytes);
    return false;
  }
  std::unique_ptr<ScratchFile> take_scratch() { return std::move(scratch_); }
  std::uint64_t total() const { return total_.load(); }

 private:
  std::uint64_t budget_;
  std::string folder_;
  std::atomic<std::uint64_t> in_memory_{0}, total_{0};
  std::mutex mutex_;
  std::unique_ptr<ScratchFile> scratch_;
};

// Reading threads worth starting: no more than the inputs have blocks (a thread costs a
// table and its pages), as far as their sizes tell; standard input, pipes and gzip files
// are taken to have blocks for every thread.
int reading_threads(const std::vector<std::string>& inputs, int threads) {
  std::uint64_t blocks = 0;
  for (const std::string& path : inputs) {
    struct stat st {};
    if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0)) {
      return threads;
    }
    blocks += static_cast<std::uint64_t>(st.st_size) / InputReader::kDefaultBlockBytes + 1;
  }
  return static_cast<int>(
      std::clamp<std::uint64_t>(blocks, 1, static_cast<std::uint64_t>(threads)));
}

}  // namespace

EncodedCorpus encode_sentences(const std::vector<std::vector<std::uint32_t>>& sentences) {
  EncodedCorpus corpus;
  corpus.blocks.emplace_back();
  for (const auto& sentence : sentences) {
    if (sentence.empty()) continue;
    corpus.blocks[0].insert(corpus.blocks[0].end(), sentence.begin(), sentence.end());
    corpus.blocks[0].push_back(kSentenceEnd);
    corpus.words += static_cast<std::int64_t>(sentence.size());
  }
  return corpus;
}

CorpusView view_of(const EncodedCorpus& corpus, std::uint32_t vocab_size) {
  CorpusView view;
  view.vocab_size = vocab_size;
  view.blocks.reserve(corpus.blocks.size());
  for (const IdVector& ids : corpus.blocks) view.blocks.push_back({ids.data(), ids.size()});
  return view;
}

CorpusView share_of(const CorpusView& view, int index, int count) {
  if (count <= 1) return view;
  std::uint64_t total = 0;
  for (const IdSpan& b : view.blocks) total += b.size;
  // The place in the corpus of cut k: block and position.
  const auto cut = [&](int k) -> std::pair<std::size_t, std::size_t> {
    std::uint64_t target =
        static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) *
                                   static_cast<unsigned>(k) / static_cast<unsigned>(count));
    for (std::size_t b = 0; b < view.blocks.size(); ++b) {
      const IdSpan& block = view.blocks[b];
      if (target < block.size || (target == block.size && b + 1 == view.blocks.size())) {
        std::size_t p = static_cast<std::size_t>(target);
        if (p == 0) return {b, 0};
        while (p < block.size && block.data[p - 1] != kSentenceEnd) ++p;
        return p < block.size ? std::pair{b, p} : std::pair{b + 1, std::size_t{0}};
      }
      target -= block.size;
    }
    return {view.blocks.size(), 0};
  };
  const auto [first_block, first_pos] = cut(index);
  const auto [last_block, last_pos] = cut(index + 1);
  CorpusView share = view;
  share.blocks.clear();
  for (std::size_t b = first_block; b < view.blocks.size() && b <= last_block; ++b) {
    const std::size_t begin = b == first_block ? first_pos : 0;
    const std::size_t end = b == last_block ? last_pos : view.blocks[b].size;
    if (end > begin) share.blocks.push_back({view.blocks[b].data + begin, end - begin});
  }
  return share;
}

std::vector<CorpusChunk> make_chunks(const CorpusView& corpus) {
  std::vector<CorpusChunk> chunks;
  const std::uint32_t limit = corpus.vocab_size;
  for (std::uint32_t b = 0; b < corpus.blocks.size(); ++b) {
    const std::uint32_t* ids = corpus.blocks[b].data;
    const auto size = static_cast<std::uint32_t>(corpus.blocks[b].size);
    std::uint32_t begin = 0, words = 0, sentence_words = 0;
    for (std::uint32_t p = 0; p < size; ++p) {
      bool cut = false;
      const std::uint32_t id = corpus.map(ids[p]);
      if (id == kSentenceEnd) {
        sentence_words = 0;
        cut = words >= kChunkWords;
      } else if (id < limit) {
        ++words;
        cut = ++sentence_words >= kChunkWords;
        if (cut) sentence_words = 0;
      }
      if (cut) {
        chunks.push_back({b, begin, p + 1, words});
        begin = p + 1;
        words = 0;
      }
    }
    if (words > 0) chunks.push_back({b, begin, size, words});
  }
  return chunks;
}

CountedCorpus CountedCorpus::read(const std::vector<std::string>& inputs,
                                  const ReadOptions& options, int threads,
                                  const std::atomic<bool>* cancel) {
  validate(options.tokenizer);
  CountedCorpus corpus;
  threads = reading_threads(inputs, threads);
  std::vector<ReadingThread> readers(static_cast<std::size_t>(threads),
                                     ReadingThread(options.tokenizer));
  BlockQueue queue(inputs, options, cancel);
  BlockStore store(options.memory_budget, options.spill_dir);
  detail::FirstException error;
#pragma omp parallel num_threads(threads)
  error.run([&] {
    ReadingThread& reader = readers[static_cast<std::size_t>(omp_get_thread_num())];
    TextBlock text;
    BlockQueue::Ticket ticket;
    while (!error.failed()) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        throw Interrupted();
      }
      if (!queue.next(text, ticket)) break;
      IdVector ids;
      ids.reserve(text.text.size() / 5);
      if (options.phrases) {
        count_joined_block(reader, *options.phrases, text, ids);
      } else {
        BlockCounter counter(reader.table, ids, text.text);
        reader.tokenizer.tokenize(
            text.text.view(), text.continues_word,
            [&](std::string_view word) { counter.word(word); }, [&] { counter.sentence_end(); });
      }
      reader.generations.push_back(
          {ticket.sequence, static_cast<std::uint32_t>(reader.remaps.size())});
      if (options.prune_at > 0 && reader.table.size() > options.prune_at) {
        reader.remaps.push_back(prune_table(reader.table, reader.min_reduce++, reader.pruned));
      }
      std::uint64_t offset = 0;
      if (store.keep(ids, offset)) {
        reader.blocks.emplace_back(ticket, std::move(ids));
      } else {
        reader.spilled.push_back({ticket, {offset, static_cast<std::uint32_t>(ids.size())}});
      }
      reader.bytes += static_cast<std::int64_t>(text.text.size());
    }
  });
  error.rethrow();

  std::vector<std::pair<BlockQueue::Ticket, Block>> blocks;
  for (std::size_t t = 0; t < readers.size(); ++t) {
    const auto table = static_cast<std::uint32_t>(t);
    ReadingThread& reader = readers[t];
    std::sort(reader.generations.begin(), reader.generations.end());
    const auto generation = [&](const BlockQueue::Ticket& ticket) {
      return std::lower_bound(reader.generations.begin(), reader.generations.end(),
                              std::pair<std::size_t, std::uint32_t>{ticket.sequence, 0})
          ->second;
    };
    for (auto& [ticket, ids] : reader.blocks) {
      Block block;
      block.table = table;
      block.generation = generation(ticket);
      block.ids = std::move(ids);
      blocks.push_back({ticket, std::move(block)});
    }
    for (const auto& [ticket, where] : reader.spilled) {
      Block block;
      block.table = table;
      block.generation = generation(ticket);
      block.spill_offset = where.first;
      block.spill_count = where.second;
      blocks.push_back({ticket, std::move(block)});
    }
    corpus.bytes_ += reader.bytes;
    corpus.pruned_ += reader.pruned;
    corpus.remaps_.push_back(std::move(reader.remaps));
  }
  corpus.spill_ = store.take_scratch();
  corpus.id_bytes_ = store.total();
  std::sort(blocks.begin(), blocks.end(),
            [](const auto& a, const auto& b) { return a.first.sequence < b.first.sequence; });
  // The last line of a file ends a sentence even without a newline. Backwards, the first
  // block of an input that holds words is its last.
  std::size_t ended_input = inputs.size();
  for (std::size_t b = blocks.size(); b-- > 0;) {
    Block& block = blocks[b].second;
    const bool words =
        block.spill_offset == UINT64_MAX ? !block.ids.empty() : block.spill_count > 0;
    if (blocks[b].first.input != ended_input && words) {
      if (block.spill_offset == UINT64_MAX) {
        end_sentence(block.ids);
      } else {
        block.end_sentence = true;
      }
      ended_input = blocks[b].first.input;
    }
  }
  corpus.blocks_.reserve(blocks.size());
  for (auto& block : blocks) corpus.blocks_.push_back(std::move(block.second));
  for (ReadingThread& reader : readers) {
    corpus.stats_.add(reader.tokenizer.stats());
    corpus.tables_.push_back(std::move(reader.table));
  }
  if (corpus.tables_.size() > 1) {
    // The first table takes the other tables' counts. Its own ids stay as they are, as
    // new words only append, so its blocks need no remapping.
    StringTable& first = corpus.tables_[0];
    corpus.first_table_ids_.resize(corpus.tables_.size());
    for (std::size_t t = 1; t < corpus.tables_.size(); ++t) {
      const StringTable& table = corpus.tables_[t];
      auto& ids = corpus.first_table_ids_[t];
      ids.resize(table.size());
      first.add_each(
          table.size(), [&](std::size_t i) { return table.word(static_cast<std::uint32_t>(i)); },
          [&](std::size_t i) { return table.count(static_cast<std::uint32_t>(i)); },
          [&](std::size_t i, std::uint32_t id) { ids[i] = id; });
    }
  }
  // The merged table is held to the limit too: one more pruning of the first table, with
  // the other tables' links to it remapped.
  if (options.prune_at > 0 && corpus.tables_[0].size() > options.prune_at) {
    std::int64_t min_reduce = 1;
    for (const ReadingThread& reader : readers)
      min_reduce = std::max(min_reduce, reader.min_reduce);
    StringTable& first = corpus.tables_[0];
    std::vector<std::uint32_t> remap(first.size());
    for (std::uint32_t id = 0; id < remap.size(); ++id) remap[id] = id;
    while (first.size() > options.prune_at) {
      const std::vector<std::uint32_t> step = prune_table(first, min_reduce++, corpus.pruned_);
      for (std::uint32_t& id : remap) id = id == kNoWord ? kNoWord : step[id];
    }
    for (std::size_t t = 1; t < corpus.first_table_ids_.size(); ++t) {
      for (std::uint32_t& id : corpus.first_table_ids_[t]) id = remap[id];
    }
    corpus.remaps_[0].push_back(std::move(remap));
  }
  return corpus;
}

std::vector<std::vector<const std::uint32_t*>> CountedCorpus::table_maps(
    const Vocab& vocab, int threads, const VocabIds* vocab_ids, std::vector<VocabIds>& storage) {
  // Per table, table id -> vocabulary id; the first table's is vocab_ids itself. Then per
  // pruning of the table, backwards: ids before it -> vocabulary id.
  const std::size_t tables = tables_.size();
  std::size_t generations = 0;
  for (const auto& r : remaps_) generations += r.size();
  storage.assign(tables + generations, VocabIds());
  std::vector<std::vector<const std::uint32_t*>> maps(tables);
  std::size_t next = tables;
  for (std::size_t t = 0; t < tables; ++t) {
    const std::uint32_t* current = nullptr;
    if (t == 0 && vocab_ids != nullptr) {
      current = vocab_ids->data();
    } else {
      const StringTable& table = tables_[t];
      auto& map = storage[t];
      map.resize(table.size());
#pragma omp parallel for schedule(static) num_threads(threads)
      for (std::size_t id = 0; id < table.size(); ++id) {
        if (vocab_ids == nullptr) {
          map[id] = vocab.find(table.word(static_cast<std::uint32_t>(id)));
        } else {
          const std::uint32_t first = first_table_ids_[t][id];
          map[id] = first == kNoWord ? Vocab::kNotFound : (*vocab_ids)[first];
        }
      }
      current = map.data();
    }
    const auto& remaps =
        t < remaps_.size() ? remaps_[t] : std::vector<std::vector<std::uint32_t>>{};
    maps[t].assign(remaps.size() + 1, nullptr);
    maps[t][remaps.size()] = current;
    for (std::size_t g = remaps.size(); g-- > 0;) {
      auto& map = storage[next++];
      map.resize(remaps[g].size());
      for (std::size_t id = 0; id < map.size(); ++id) {
        map[id] = remaps[g][id] == kNoWord ? Vocab::kNotFound : current[remaps[g][id]];
      }
      maps[t][g] = current = map.data();
    }
  }
  tables_.clear();
  tables_.shrink_to_fit();
  first_table_ids_.clear();
  remaps_.clear();
  return maps;
}

namespace {

// Maps a block's table ids onto vocabulary ids in place, dropping words outside the
// vocabulary and sentences left empty; returns how many words stay.
std::int64_t map_block(IdVector& ids, const std::uint32_t* map) {
  std::size_t kept = 0;
  std::int64_t words = 0;
  for (const std::uint32_t id : ids) {
    if (id == kSentenceEnd) {
      if (kept > 0 && ids[kept - 1] != kSentenceEnd) ids[kept++] = kSentenceEnd;
      continue;
    }
    const std::uint32_t v = map[id];
    if (v != Vocab::kNotFound) {
      ids[kept++] = v;
      ++words;
    }
  }
  ids.resize(kept);
  return words;
}

}  // namespace

EncodedCorpus CountedCorpus::encode(const Vocab& vocab, int threads, const VocabIds* vocab_ids) && {
  if (spilled()) throw std::logic_error("CountedCorpus::encode: the corpus spilled");
  std::vector<VocabIds> to_vocab;
  const auto maps = table_maps(vocab, threads, vocab_ids, to_vocab);

  EncodedCorpus corpus;
  corpus.blocks.resize(blocks_.size());
  std::int64_t words = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : words)
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    IdVector& ids = blocks_[b].ids;
    words += map_block(ids, maps[blocks_[b].table][blocks_[b].generation]);
    const std::size_t kept = ids.size();
    // Copying into a right-sized vector costs fresh pages; it pays only when a lot of the
    // block was dropped.
    if (ids.capacity() > 2 * kept) ids.shrink_to_fit();
    corpus.blocks[b] = std::move(ids);
  }
  blocks_.clear();
  corpus.blocks.erase(std::remove_if(corpus.blocks.begin(), corpus.blocks.end(),
                                     [](const auto& ids) { return ids.empty(); }),
                      corpus.blocks.end());
  corpus.words = words;
  return corpus;
}

void CountedCorpus::encode_into(const Vocab& vocab, int threads, const VocabIds* vocab_ids,
                                const std::function<void(IdSpan)>& sink,
                                const std::atomic<bool>* cancel) && {
  std::vector<VocabIds> to_vocab;
  const auto maps = table_maps(vocab, threads, vocab_ids, to_vocab);
  if (spill_) spill_->flush();
  // A few blocks at a time, mapped on every thread, handed on in order.
  const std::size_t batch = 2 * static_cast<std::size_t>(std::max(threads, 1));
  std::vector<IdVector> work(batch);
  for (std::size_t first = 0; first < blocks_.size(); first += batch) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw Interrupted();
    const std::size_t n = std::min(batch, blocks_.size() - first);
    detail::FirstException error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t i = 0; i < n; ++i) {
      error.run([&] {
        Block& block = blocks_[first + i];
        IdVector& ids = work[i];
        if (block.spill_offset == UINT64_MAX) {
          ids.swap(block.ids);
        } else {
          ids.resize(block.spill_count);
          spill_->read(block.spill_offset, ids.data(), ids.size() * sizeof(std::uint32_t));
          if (block.end_sentence) end_sentence(ids);
        }
        map_block(ids, maps[block.table][block.generation]);
      });
    }
    error.rethrow();
    for (std::size_t i = 0; i < n; ++i) {
      sink({work[i].data(), work[i].size()});
      IdVector().swap(work[i]);
    }
  }
  blocks_.clear();
  spill_.reset();
}

}  // namespace w2v
