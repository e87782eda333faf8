#include "w2v/corpus.hpp"

#include <omp.h>

#include <algorithm>

#include "detail/parallel.hpp"
#include "w2v/error.hpp"
#include "w2v/input.hpp"
#include "w2v/vocab.hpp"

namespace w2v {
namespace {

void end_sentence(IdVector& ids) {
  if (!ids.empty() && ids.back() != kSentenceEnd) ids.push_back(kSentenceEnd);
}

// Counts the words of one block into a table. Each word's slot is fetched a few words
// before the word is inserted, so that the cache misses of rare words overlap.
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
    if (size_ == kDepth) resolve_oldest();
    Pending& p = ring_[(first_ + size_) % kDepth];
    p.word = w;
    p.key = StringTable::key_of_padded(w);
    p.position = ids_.size();
    table_.prefetch(p.key);
    ids_.push_back(0);  // filled in by resolve_oldest
    ++size_;
  }
  void sentence_end() { end_sentence(ids_); }
  void flush() {
    while (size_ > 0) resolve_oldest();
  }

 private:
  static constexpr std::size_t kDepth = 8;
  struct Pending {
    std::string_view word;
    StringTable::Key key;
    std::size_t position;
  };
  void resolve_oldest() {
    const Pending& p = ring_[first_];
    ids_[p.position] = table_.add(p.word, p.key);
    first_ = (first_ + 1) % kDepth;
    --size_;
  }

  StringTable& table_;
  IdVector& ids_;
  std::string_view text_;
  Pending ring_[kDepth];
  std::size_t first_ = 0, size_ = 0;
};

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

std::vector<CorpusChunk> make_chunks(const EncodedCorpus& corpus) {
  std::vector<CorpusChunk> chunks;
  for (std::uint32_t b = 0; b < corpus.blocks.size(); ++b) {
    const auto& ids = corpus.blocks[b];
    std::uint32_t begin = 0, words = 0, sentence_words = 0;
    for (std::uint32_t p = 0; p < ids.size(); ++p) {
      bool cut = false;
      if (ids[p] == kSentenceEnd) {
        sentence_words = 0;
        cut = words >= kChunkWords;
      } else {
        ++words;
        cut = ++sentence_words >= kChunkWords;
        if (cut) sentence_words = 0;
      }
      if (cut) {
        chunks.push_back({b, begin, p + 1});
        begin = p + 1;
        words = 0;
      }
    }
    if (begin < ids.size()) chunks.push_back({b, begin, static_cast<std::uint32_t>(ids.size())});
  }
  return chunks;
}

CountedCorpus CountedCorpus::read(const std::vector<std::string>& inputs,
                                  const TokenizerOptions& options, int threads,
                                  const std::atomic<bool>* cancel) {
  validate(options);
  CountedCorpus corpus;
  corpus.tables_.resize(static_cast<std::size_t>(threads));
  std::vector<Tokenizer> tokenizers(static_cast<std::size_t>(threads), Tokenizer(options));
  // Two blocks per thread balance the load; one thread gains nothing from a second buffer.
  std::vector<TextBlock> batch(static_cast<std::size_t>(threads == 1 ? 1 : 2 * threads));

  for (const std::string& path : inputs) {
    InputReader reader(path);
    const std::size_t first_block = corpus.blocks_.size();
    for (;;) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        throw Error("interrupted");
      }
      std::size_t n = 0;
      while (n < batch.size() && reader.next(batch[n])) ++n;
      if (n == 0) break;
      const std::size_t base = corpus.blocks_.size();
      corpus.blocks_.resize(base + n);
      detail::FirstException error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
      for (std::size_t b = 0; b < n; ++b) {
        error.run([&] {
          const int t = omp_get_thread_num();
          StringTable& table = corpus.tables_[static_cast<std::size_t>(t)];
          Block& block = corpus.blocks_[base + b];
          block.table = static_cast<std::uint32_t>(t);
          block.ids.reserve(batch[b].text.size() / 5);
          BlockCounter counter(table, block.ids, batch[b].text);
          tokenizers[static_cast<std::size_t>(t)].tokenize(
              batch[b].text.view(), batch[b].continues_word,
              [&](std::string_view word) { counter.word(word); }, [&] { counter.sentence_end(); });
        });
      }
      error.rethrow();
      for (std::size_t b = 0; b < n; ++b)
        corpus.bytes_ += static_cast<std::int64_t>(batch[b].text.size());
    }
    // The last line of a file ends a sentence even without a newline.
    for (std::size_t b = corpus.blocks_.size(); b > first_block; --b) {
      if (!corpus.blocks_[b - 1].ids.empty()) {
        end_sentence(corpus.blocks_[b - 1].ids);
        break;
      }
    }
  }
  for (const Tokenizer& t : tokenizers) corpus.stats_.add(t.stats());
  if (corpus.tables_.size() > 1) {
    // The first table takes the other tables' counts. Its own ids stay as they are, as
    // new words only append, so its blocks need no remapping.
    StringTable& first = corpus.tables_[0];
    corpus.first_table_ids_.resize(corpus.tables_.size());
    for (std::size_t t = 1; t < corpus.tables_.size(); ++t) {
      const StringTable& table = corpus.tables_[t];
      auto& ids = corpus.first_table_ids_[t];
      ids.resize(table.size());
      for (std::uint32_t id = 0; id < table.size(); ++id) {
        ids[id] = first.add(table.word(id), table.count(id));
      }
    }
  }
  return corpus;
}

std::vector<std::pair<std::string, std::int64_t>> CountedCorpus::word_counts() const {
  const StringTable& table = words();
  std::vector<std::pair<std::string, std::int64_t>> counts;
  counts.reserve(table.size());
  for (std::uint32_t id = 0; id < table.size(); ++id) {
    counts.emplace_back(std::string(table.word(id)), table.count(id));
  }
  return counts;
}

EncodedCorpus CountedCorpus::encode(const Vocab& vocab, int threads,
                                    const std::vector<std::uint32_t>* vocab_ids) && {
  std::vector<std::vector<std::uint32_t>> to_vocab(tables_.size());
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const StringTable& table = tables_[t];
    auto& map = to_vocab[t];
    map.resize(table.size());
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::size_t id = 0; id < table.size(); ++id) {
      if (vocab_ids == nullptr) {
        map[id] = vocab.find(table.word(static_cast<std::uint32_t>(id)));
      } else {
        map[id] = (*vocab_ids)[t == 0 ? id : first_table_ids_[t][id]];
      }
    }
  }
  tables_.clear();
  tables_.shrink_to_fit();
  first_table_ids_.clear();

  EncodedCorpus corpus;
  corpus.blocks.resize(blocks_.size());
  std::int64_t words = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : words)
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    IdVector& ids = blocks_[b].ids;
    const auto& map = to_vocab[blocks_[b].table];
    std::size_t kept = 0;
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

}  // namespace w2v
