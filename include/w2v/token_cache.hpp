#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "w2v/corpus.hpp"
#include "w2v/section_file.hpp"
#include "w2v/tokenizer.hpp"
#include "w2v/vocab.hpp"

namespace w2v {
namespace detail {
class VocabSections;
}

// A corpus read and counted once, kept on disk for the runs that follow (`w2v prepare`,
// `train --cache`): every distinct word with its count in vocabulary order (count
// descending), so that the vocabulary of any --min-count or --max-vocab is a prefix of it,
// and the corpus as ids of those words in blocks of sentences, mapped at training time
// rather than copied. A section file (section_file.hpp) with the sections "info",
// "counts" (i64 per word), "word_ends" (u64 per word: where its bytes end in "words"),
// "words", "block_ends" (u64 per block: where its ids end in "ids") and "ids" (u32 per
// token, kSentenceEnd between sentences).
inline constexpr SectionWriter::Magic kTokenCacheMagic = {'W', '2', 'V', 'C', 'A', 'C', 'H', 'E'};
inline constexpr std::uint32_t kTokenCacheVersion = 1;

// An input the cache was made from, as it was then.
struct CacheInput {
  std::string path;  // absolute
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const CacheInput& o) const {
    return path == o.path && size == o.size && mtime_ns == o.mtime_ns;
  }
};

// The inputs' identities now; throws Error for one that cannot be looked at, and for "-"
// (standard input has no identity).
std::vector<CacheInput> identify_inputs(const std::vector<std::string>& inputs);

struct TokenCacheInfo {
  TokenizerOptions tokenizer;
  std::vector<CacheInput> inputs;
  TokenizerStats tokens;       // everything read
  std::int64_t bytes = 0;      // of text read
  std::int64_t pruned = 0;     // distinct words dropped while counting (--prune-at)
  std::uint64_t prune_at = 0;  // the limit counting ran under; 0: none
};

// Writes a token cache to `out` (the caller commits it): `vocab` holds every word the ids
// refer to, in vocabulary order; blocks are added in corpus order.
class TokenCacheWriter {
 public:
  TokenCacheWriter(ByteSink& out, const TokenCacheInfo& info, const Vocab& vocab);
  void add_block(IdSpan ids);
  void finish();

 private:
  SectionWriter writer_;
  std::vector<std::uint64_t> block_ends_;
  std::uint64_t ids_ = 0;
};

// A token cache, mapped and checked (magic, version, every section's checksum).
class TokenCache {
 public:
  ~TokenCache();
  // True when `path` starts like a token cache (whatever its version).
  static bool is_cache(const std::string& path);

  // Throws Error naming the file and the section at fault.
  explicit TokenCache(const std::string& path, const std::atomic<bool>* cancel = nullptr);

  const TokenCacheInfo& info() const { return info_; }
  // Distinct words in the cache, and each one's text and count, in vocabulary order.
  std::size_t words() const;
  std::string_view word(std::size_t i) const;
  std::int64_t count(std::size_t i) const;
  // The vocabulary that min_count and max_vocab give: a prefix of the cached words.
  Vocab vocab(const VocabOptions& options) const;
  // The corpus over the first `vocab_size` words (the others are skipped).
  CorpusView view(std::uint32_t vocab_size) const;
  const std::string& path() const { return file_->path(); }

 private:
  std::unique_ptr<SectionFile> file_;
  TokenCacheInfo info_;
  std::unique_ptr<const detail::VocabSections> vocab_;
  std::vector<IdSpan> blocks_;
};

}  // namespace w2v
