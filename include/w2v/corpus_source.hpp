#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2v/communicator.hpp"
#include "w2v/corpus.hpp"
#include "w2v/output_file.hpp"
#include "w2v/token_cache.hpp"
#include "w2v/tokenizer.hpp"
#include "w2v/vocab.hpp"

namespace w2v {

// Where the words come from and which of them count.
struct CorpusOptions {
  // Text files ("-" is standard input), or one token cache (told by its first bytes).
  std::vector<std::string> inputs;
  TokenizerOptions tokenizer;
  // Set when the tokenizer options were given rather than defaulted: a token cache made
  // with others is then an error instead of the cache's options applying.
  bool tokenizer_given = false;
  VocabOptions vocab;
  std::string read_vocab;  // take the vocabulary and counts from this file instead
  // Make and reuse a token cache of the text inputs in this folder, keyed by the inputs'
  // paths, sizes and modification times and the tokenizer options.
  std::string cache_dir;
  // Bytes of the corpus's ids kept in memory; past it, text is read into a scratch file in
  // spill_dir and the corpus trained from a token cache made there, mapped. 0: half of the
  // memory this process may use (system_memory.hpp).
  std::uint64_t memory_limit = 0;
  std::string spill_dir;  // "." when empty
  // Distinct words counted at most; past it the rarest are dropped while reading (see
  // ReadOptions::prune_at). fastText's cap.
  std::uint64_t prune_at = 30000000;
  // A phrase file of `w2v phrases --save-phrases`: its phrases are joined while reading.
  std::string phrases;
  // The vocabulary is given rather than counted (a resumed run's, from its checkpoint):
  // the corpus's other words are dropped; min_count and max_vocab do not apply.
  std::shared_ptr<const Vocab> fixed_vocab;
  // The vocabulary grows from this one (a continued run's): see Vocab::merged.
  std::shared_ptr<const Vocab> base_vocab;
};

// Throws UsageError for an option out of range or standard input given twice; Error for an
// input that cannot be opened.
void validate(const CorpusOptions& options);

// The corpus ready to train on: the vocabulary in use and the ids, in memory or mapped
// from a token cache.
struct PreparedCorpus {
  Vocab vocab;
  EncodedCorpus corpus;                     // in memory; empty when `cache` holds the ids
  std::shared_ptr<const TokenCache> cache;  // the mapped corpus, when there is one
  // The cache's ids onto the vocabulary, when it is not a prefix of the cache's.
  std::vector<std::uint32_t> remap;
  TokenizerStats tokens;    // everything read, in or out of the vocabulary
  std::int64_t bytes = 0;   // of text read
  std::int64_t words = 0;   // tokens in the vocabulary
  std::int64_t pruned = 0;  // distinct words dropped while counting
  double read_seconds = 0;  // reading, counting and encoding (or mapping)
  bool from_cache = false;  // read from a token cache rather than text
  bool spilled = false;     // the ids outgrew the memory limit: mapped from a scratch file
  // This rank's share of a token cache (share_of), in a job of several ranks.
  int share_index = 0;
  int share_count = 1;

  // What training reads.
  CorpusView view() const;
};

// Reads the inputs once and builds the vocabulary and the encoded corpus, or maps a token
// cache (an input that is one, or options.cache_dir's). Throws Error for unreadable input,
// an empty corpus, no word reaching min_count, or a damaged or mismatched cache.
// With `ranks` of several processes (collective): each reads and encodes its own share of
// the text (ReadOptions::share_index) or of the token cache, with the vocabulary of the
// whole corpus (rank_vocab.hpp); the counts and `words` in the result are the whole
// corpus's. Not with options.cache_dir, fixed_vocab or base_vocab.
PreparedCorpus prepare_corpus(const CorpusOptions& options, int threads,
                              const std::atomic<bool>* cancel = nullptr,
                              Communicator* ranks = nullptr);

// `w2v prepare`: reads the text inputs once and writes a token cache of them to `out` (the
// caller commits it). Returns what the cache's header holds.
TokenCacheInfo write_token_cache(const CorpusOptions& options, int threads, ByteSink& out,
                                 const std::atomic<bool>* cancel = nullptr);

// The file in options.cache_dir that holds the token cache of these inputs and tokenizer
// options.
std::string cache_path(const CorpusOptions& options);

}  // namespace w2v
