#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "w2v/huge_page_allocator.hpp"
#include "w2v/string_table.hpp"
#include "w2v/tokenizer.hpp"
#include "w2v/vocab.hpp"

namespace w2v {

class PhraseJoiner;

// A run of word ids.
using IdVector = std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>>;

// Marks the end of a sentence in an id sequence.
inline constexpr std::uint32_t kSentenceEnd = 0xFFFFFFFFu;
// A word outside every vocabulary (vocabularies hold fewer words).
inline constexpr std::uint32_t kNoWord = 0xFFFFFFFEu;

// The corpus as vocabulary ids, held in memory so that no epoch re-reads the text.
// Words outside the vocabulary are gone; sentences end with kSentenceEnd and never
// cross a block. Blocks keep their order in the input.
struct EncodedCorpus {
  std::vector<IdVector> blocks;
  std::int64_t words = 0;  // ids, not counting sentence ends
};

// A run of ids that some other object owns: a block of an EncodedCorpus or of a mapped
// token cache.
struct IdSpan {
  const std::uint32_t* data = nullptr;
  std::size_t size = 0;
};

// What training reads: blocks of sentences as ids, in memory or mapped from a token cache,
// and the size of the vocabulary in use. Ids at or past it (words that only a larger
// vocabulary keeps, as a token cache holds every word) are skipped as if absent.
struct CorpusView {
  std::vector<IdSpan> blocks;
  std::uint32_t vocab_size = kSentenceEnd;
  // When set, ids are first mapped through it (remap_size entries; kNoWord for a word the
  // vocabulary in use lacks): a token cache's ids onto a vocabulary that is not a prefix
  // of the cache's (a continued run's).
  const std::uint32_t* remap = nullptr;
  std::size_t remap_size = 0;

  // The id in the vocabulary in use of the corpus's `id`: kSentenceEnd stays, and a word
  // the vocabulary lacks is kNoWord (never below vocab_size).
  std::uint32_t map(std::uint32_t id) const {
    if (remap == nullptr || id == kSentenceEnd) return id;
    return id < remap_size ? remap[id] : kNoWord;
  }
};

// Share `index` of `count` of the view: its ids cut into `count` runs of about equal
// length, each cut moved to just after a sentence end where its block has one later.
CorpusView share_of(const CorpusView& view, int index, int count);

// A view of every block of `corpus`.
CorpusView view_of(const EncodedCorpus& corpus, std::uint32_t vocab_size = kSentenceEnd);

// A unit of training work: whole sentences of one block, about kChunkWords words, or a
// piece of a sentence longer than that (windows do not cross chunks).
struct CorpusChunk {
  std::uint32_t block;
  std::uint32_t begin, end;  // positions in the block
  std::uint32_t words = 0;   // in the vocabulary in use
};
inline constexpr std::uint32_t kChunkWords = 10000;

// The corpus cut into chunks, in corpus order; chunks without a word in the vocabulary are
// left out. Skipped ids do not count, so a view of a larger vocabulary's ids cuts where
// the same corpus encoded with only the vocabulary in use would.
std::vector<CorpusChunk> make_chunks(const CorpusView& corpus);
inline std::vector<CorpusChunk> make_chunks(const EncodedCorpus& corpus) {
  return make_chunks(view_of(corpus));
}

// Calls f(const std::uint32_t* ids, std::size_t size) for each sentence of `chunk`, the
// ids past the vocabulary in use left out (gathered in `scratch`); empty sentences are
// skipped.
template <class F>
void for_each_sentence(const CorpusView& corpus, const CorpusChunk& chunk,
                       std::vector<std::uint32_t>& scratch, F&& f) {
  const std::uint32_t* ids = corpus.blocks[chunk.block].data;
  const std::uint32_t limit = corpus.vocab_size;
  scratch.clear();
  for (std::uint32_t p = chunk.begin; p < chunk.end; ++p) {
    const std::uint32_t id = corpus.map(ids[p]);
    if (id < limit) {
      scratch.push_back(id);
    } else if (id == kSentenceEnd && !scratch.empty()) {
      f(static_cast<const std::uint32_t*>(scratch.data()), scratch.size());
      scratch.clear();
    }
  }
  if (!scratch.empty()) f(static_cast<const std::uint32_t*>(scratch.data()), scratch.size());
}

// The same over an EncodedCorpus, whose ids are all in its vocabulary.
template <class F>
void for_each_sentence(const EncodedCorpus& corpus, const CorpusChunk& chunk, F&& f) {
  const std::uint32_t* ids = corpus.blocks[chunk.block].data();
  std::uint32_t start = chunk.begin;
  for (std::uint32_t p = chunk.begin; p < chunk.end; ++p) {
    if (ids[p] == kSentenceEnd) {
      if (p > start) f(ids + start, static_cast<std::size_t>(p - start));
      start = p + 1;
    }
  }
  if (chunk.end > start) f(ids + start, static_cast<std::size_t>(chunk.end - start));
}

// Builds an EncodedCorpus from ids given per sentence (for tests and small inputs).
EncodedCorpus encode_sentences(const std::vector<std::vector<std::uint32_t>>& sentences);

// How the inputs are read.
struct ReadOptions {
  TokenizerOptions tokenizer;
  // Bytes of ids kept in memory while reading; blocks past it go to a scratch file in
  // spill_dir ("." when empty), so that memory stays flat whatever the corpus length.
  std::uint64_t memory_budget = UINT64_MAX;
  std::string spill_dir;
  // When a reading thread's table holds more distinct words than this, its rare words are
  // dropped (word2vec.c's ReduceVocab: counts up to 1, then 2, ... at each pruning), their
  // occurrences so far with them; 0: never. The merged table is cut the same way.
  std::uint64_t prune_at = 0;
  // This process reads only share `share_index` of `share_count` (one rank's of a job):
  // the lines of the plain files in byte ranges of equal size over all of them, and every
  // share_count-th block of a gzip file. Every input must then be a regular file.
  int share_index = 0;
  int share_count = 1;
  // When set, each sentence's words are joined into phrases before they are counted, as
  // `w2v phrases` would have written them (phrases.hpp).
  std::shared_ptr<const PhraseJoiner> phrases;
};

class ScratchFile;

// What one pass over the inputs found: every distinct word with its count, and every
// token as a provisional id, ready to be mapped onto a vocabulary.
class CountedCorpus {
 public:
  // Reads `inputs` ("-" is standard input) once, tokenizing and counting in parallel on
  // `threads` threads. Stops with Interrupted when *cancel becomes true. Throws Error when
  // an input cannot be read, or the scratch file cannot be written.
  static CountedCorpus read(const std::vector<std::string>& inputs, const ReadOptions& options,
                            int threads, const std::atomic<bool>* cancel = nullptr);
  static CountedCorpus read(const std::vector<std::string>& inputs, const TokenizerOptions& options,
                            int threads, const std::atomic<bool>* cancel = nullptr) {
    ReadOptions read_options;
    read_options.tokenizer = options;
    return read(inputs, read_options, threads, cancel);
  }
  // Every distinct word with its total count.
  const StringTable& words() const { return tables_[0]; }
  // Maps each token to its id in `vocab`, dropping the others; frees this corpus. Only
  // for a corpus that did not spill. `vocab_ids`, when given, holds the vocabulary id of
  // each entry of words() (as Vocab::from_table reports it), which spares looking every
  // word up again.
  EncodedCorpus encode(const Vocab& vocab, int threads, const VocabIds* vocab_ids = nullptr) &&;
  // The same, block by block in corpus order, handing each to `sink` (valid during the
  // call), so that only a few blocks are in memory at once; frees this corpus.
  void encode_into(const Vocab& vocab, int threads, const VocabIds* vocab_ids,
                   const std::function<void(IdSpan)>& sink,
                   const std::atomic<bool>* cancel = nullptr) &&;

  // True when some blocks went to the scratch file.
  bool spilled() const { return spill_ != nullptr; }
  // Bytes of ids of the whole corpus (sentence ends included).
  std::uint64_t id_bytes() const { return id_bytes_; }
  const TokenizerStats& stats() const { return stats_; }
  std::int64_t bytes() const { return bytes_; }
  // Distinct words dropped by pruning (ReadOptions::prune_at), counted at each pruning.
  std::int64_t pruned() const { return pruned_; }

 private:
  struct Block {
    std::uint32_t table = 0;       // which thread's table the ids refer to
    std::uint32_t generation = 0;  // the table's, when the ids were taken (see remaps_)
    IdVector ids;                  // in memory, unless spilled
    std::uint64_t spill_offset = UINT64_MAX;
    std::uint32_t spill_count = 0;
    bool end_sentence = false;  // a sentence end follows the ids (the input's last line)
  };
  // Per table, per generation: the map of its ids onto `vocab` (backed by `storage`).
  std::vector<std::vector<const std::uint32_t*>> table_maps(const Vocab& vocab, int threads,
                                                            const VocabIds* vocab_ids,
                                                            std::vector<VocabIds>& storage);
  // One per reading thread; after reading, the first holds every word and the total counts.
  std::vector<StringTable> tables_;
  // Per table after the first: id -> id of the same word in the first table.
  std::vector<std::vector<std::uint32_t>> first_table_ids_;
  // Per table, per pruning: ids before it -> ids after it (kNoWord: pruned).
  std::vector<std::vector<std::vector<std::uint32_t>>> remaps_;
  std::int64_t pruned_ = 0;
  std::vector<Block> blocks_;
  std::shared_ptr<ScratchFile> spill_;  // shared by copies (tests copy unspilled corpora)
  std::uint64_t id_bytes_ = 0;
  TokenizerStats stats_;
  std::int64_t bytes_ = 0;
};

}  // namespace w2v
