#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "w2v/error.hpp"
#include "w2v/huge_page_allocator.hpp"
#include "w2v/output_file.hpp"
#include "w2v/string_table.hpp"

namespace w2v {

struct VocabOptions {
  std::int64_t min_count = 5;  // words seen fewer times are dropped
  std::int64_t max_vocab = 0;  // keep only the N most frequent words; 0 keeps all
};

void validate(const VocabOptions& options);

// A word table's ids mapped to vocabulary ids (Vocab::kNotFound for a dropped word). On
// huge pages: it has an entry for every distinct word of the corpus.
using VocabIds = std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>>;

// The training vocabulary: words in descending count order, ties in byte order, so the
// order (and every id) is a function of the counts alone. Immutable once built.
class Vocab {
 public:
  static constexpr std::uint32_t kNotFound = StringTable::kNotFound;

  Vocab() = default;
  // Builds from the words of a table and their counts, applying min_count and max_vocab.
  // `vocab_ids`, when given, receives each table id's vocabulary id (or kNotFound).
  static Vocab from_table(const StringTable& words, const VocabOptions& options,
                          VocabIds* vocab_ids = nullptr);
  // The same from (word, count) pairs; counts of a repeated word add up.
  static Vocab from_counts(const std::vector<std::pair<std::string, std::int64_t>>& counts,
                           const VocabOptions& options) {
    return from_table(table_of(counts), options);
  }
  // Builds from words already in vocabulary order (count descending, ties in byte order),
  // word_of(i) and count_of(i) for i < n. Throws Error("<where>: ...") when they are not
  // in that order or a word repeats, which a damaged file would show.
  template <class WordOf, class CountOf>
  static Vocab from_sorted(std::size_t n, WordOf word_of, CountOf count_of,
                           const std::string& where);
  // How many of the first words of a vocabulary whose counts are `counts` (descending)
  // min_count and max_vocab keep: the vocabulary they give is always that prefix.
  static std::size_t prefix_size(const std::int64_t* counts, std::size_t n,
                                 const VocabOptions& options);
  // A continued run's vocabulary: every word of `base`, its count plus its count in
  // `counted`, and the words of `counted` not in `base` that reach options.min_count; in
  // vocabulary order.
  static Vocab merged(const Vocab& base, const StringTable& counted, const VocabOptions& options);
  // The pairs as a table, counts of a repeated word added up.
  static StringTable table_of(const std::vector<std::pair<std::string, std::int64_t>>& counts);
  // Reads `word count` lines (word2vec.c's -save-vocab layout; "-": standard input). Throws
  // Error naming the file and line of a malformed entry, a bad word (see word.hpp), a
  // duplicate word, or counts whose sum exceeds 2^63 - 1.
  static std::vector<std::pair<std::string, std::int64_t>> read_counts(
      const std::string& path, const std::atomic<bool>* cancel = nullptr);
  // The same from text in memory; `name` stands for the file in messages.
  static std::vector<std::pair<std::string, std::int64_t>> parse_counts(std::string_view text,
                                                                        const std::string& name);
  // Writes `word count` lines in vocabulary order, atomically.
  void save(const std::string& path) const;
  // The same into an open output; the caller commits it.
  void write(ByteSink& out) const;

  std::size_t size() const { return index_.size(); }
  bool empty() const { return index_.size() == 0; }
  std::string_view word(std::uint32_t id) const { return index_.word(id); }
  // The words in vocabulary order: id i is word i.
  const StringTable& words() const { return index_; }
  std::int64_t count(std::uint32_t id) const { return counts_[id]; }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  // Sum of the counts of all words in the vocabulary.
  std::int64_t total_count() const { return total_; }
  // The id of `word`, or kNotFound.
  std::uint32_t find(std::string_view word) const { return index_.find(word); }

 private:
  std::vector<std::int64_t> counts_;
  std::int64_t total_ = 0;
  StringTable index_;
};

template <class WordOf, class CountOf>
Vocab Vocab::from_sorted(std::size_t n, WordOf word_of, CountOf count_of,
                         const std::string& where) {
  Vocab vocab;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < n; ++i) bytes += word_of(i).size();
  vocab.counts_.reserve(n);
  vocab.index_.reserve(n, bytes);
  bool ordered = true;
  vocab.index_.add_each(
      n, word_of, [](std::size_t) { return 0; },
      [&](std::size_t i, std::uint32_t id) {
        const std::int64_t count = count_of(i);
        if (id != i || count < 0 ||
            (i > 0 && (count > count_of(i - 1) ||
                       (count == count_of(i - 1) && !(word_of(i - 1) < word_of(i)))))) {
          ordered = false;
        }
        vocab.counts_.push_back(count);
        if (__builtin_add_overflow(vocab.total_, count, &vocab.total_)) ordered = false;
      });
  if (!ordered) {
    throw Error(where + ": the words are not in vocabulary order, repeat, or count past 2^63");
  }
  return vocab;
}

}  // namespace w2v
