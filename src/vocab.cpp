#include "w2v/vocab.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "w2v/atomic_file.hpp"
#include "w2v/error.hpp"
#include "w2v/utf8.hpp"

namespace w2v {
namespace {

struct SortKey {
  std::int64_t count;
  std::uint64_t leading;
  std::string_view word;
  std::uint32_t id;
};

// The first 8 bytes, zero-padded, as a number that orders like the words: two words whose
// numbers differ compare as their numbers do.
std::uint64_t leading_bytes(std::string_view word) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    v = (v << 8) | (i < word.size() ? static_cast<unsigned char>(word[i]) : 0u);
  }
  return v;
}

}  // namespace

void validate(const VocabOptions& options) {
  if (options.min_count < 0) {
    throw UsageError("--min-count must be >= 0, got " + std::to_string(options.min_count));
  }
  if (options.max_vocab < 0) {
    throw UsageError("--max-vocab must be >= 0, got " + std::to_string(options.max_vocab));
  }
}

Vocab Vocab::from_table(const StringTable& words, const VocabOptions& options,
                        VocabIds* vocab_ids) {
  // Most words of a corpus are rare, so they are dropped before anything is sorted or
  // copied. The keys carry what the sort and the index need, so that neither goes back to
  // the table's entries in sorted order, which is random order in memory. They sit on huge
  // pages: fresh small pages cost more here than the sort.
  std::size_t n = 0;
  for (std::uint32_t id = 0; id < words.size(); ++id) n += words.count(id) >= options.min_count;
  std::vector<SortKey, HugePageAllocator<SortKey>> kept;
  kept.reserve(n);
  std::size_t bytes = 0;
  for (std::uint32_t id = 0; id < words.size(); ++id) {
    const std::int64_t count = words.count(id);
    if (count < options.min_count) continue;
    const std::string_view word = words.word(id);
    kept.push_back({count, leading_bytes(word), word, id});
    bytes += word.size();
  }
  std::sort(kept.begin(), kept.end(), [](const SortKey& a, const SortKey& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.leading != b.leading) return a.leading < b.leading;
    return a.word < b.word;
  });
  if (options.max_vocab > 0 && kept.size() > static_cast<std::size_t>(options.max_vocab)) {
    kept.resize(static_cast<std::size_t>(options.max_vocab));
  }
  Vocab vocab;
  vocab.counts_.reserve(kept.size());
  vocab.index_.reserve(kept.size(), bytes);
  if (vocab_ids != nullptr) vocab_ids->assign(words.size(), kNotFound);
  // The index keeps no counts of its own; the vocabulary ids are the index's ids.
  vocab.index_.add_each(
      kept.size(), [&](std::size_t i) { return kept[i].word; }, [](std::size_t) { return 0; },
      [&](std::size_t i, std::uint32_t id) {
        const SortKey& k = kept[i];
        if (vocab_ids != nullptr) (*vocab_ids)[k.id] = id;
        vocab.counts_.push_back(k.count);
        vocab.total_ += k.count;
      });
  return vocab;
}

StringTable Vocab::table_of(const std::vector<std::pair<std::string, std::int64_t>>& counts) {
  StringTable words;
  words.reserve(counts.size());
  for (const auto& [word, count] : counts) words.add(word, count);
  return words;
}

std::vector<std::pair<std::string, std::int64_t>> Vocab::read_counts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open vocabulary '" + path + "'");
  std::vector<std::pair<std::string, std::int64_t>> counts;
  StringTable seen;
  std::string line;
  std::int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string::npos) {
      throw Error(where + "expected 'word count', got '" + line + "'");
    }
    std::string word = line.substr(0, space);
    const char* first = line.data() + space + 1;
    const char* last = line.data() + line.size();
    std::int64_t count = 0;
    const auto [ptr, ec] = std::from_chars(first, last, count);
    if (ec != std::errc() || ptr != last || count < 0) {
      throw Error(where + "expected a non-negative whole count after '" + word + "'");
    }
    if (!utf8::is_valid(word)) throw Error(where + "the word is not valid UTF-8");
    if (seen.find(word) != StringTable::kNotFound) {
      throw Error(where + "duplicate word '" + word + "'");
    }
    seen.insert(word);
    counts.emplace_back(std::move(word), count);
  }
  if (in.bad()) throw Error("cannot read vocabulary '" + path + "'");
  return counts;
}

void Vocab::save(const std::string& path) const {
  AtomicFile file(path);
  write(file);
  file.commit();
}

void Vocab::write(AtomicFile& file) const {
  std::string line;
  for (std::uint32_t i = 0; i < size(); ++i) {
    line.assign(word(i));
    line += ' ';
    line += std::to_string(counts_[i]);
    line += '\n';
    file.write(line);
  }
}

}  // namespace w2v
