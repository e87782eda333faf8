#include "w2v/vocab.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/option_range.hpp"
#include "w2v/output_file.hpp"
#include "w2v/word.hpp"

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
  require_in_range(static_cast<long double>(options.min_count), ranges::kMinCount, "--min-count");
  require_in_range(static_cast<long double>(options.max_vocab), ranges::kMaxVocab, "--max-vocab");
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

std::size_t Vocab::prefix_size(const std::int64_t* counts, std::size_t n,
                               const VocabOptions& options) {
  // Counts descend: the words that reach min_count come first.
  const std::size_t reach = static_cast<std::size_t>(
      std::partition_point(counts, counts + n,
                           [&](std::int64_t c) { return c >= options.min_count; }) -
      counts);
  if (options.max_vocab > 0) return std::min(reach, static_cast<std::size_t>(options.max_vocab));
  return reach;
}

Vocab Vocab::merged(const Vocab& base, const StringTable& counted, const VocabOptions& options) {
  StringTable all;
  all.reserve(base.size() + counted.size());
  std::int64_t total = 0;
  auto add = [&](std::string_view word, std::int64_t count) {
    if (__builtin_add_overflow(total, count, &total)) {
      throw Error("the counts of the words add up to more than 2^63 - 1");
    }
    all.add(word, count);
  };
  for (std::uint32_t i = 0; i < base.size(); ++i) add(base.word(i), base.count(i));
  for (std::uint32_t i = 0; i < counted.size(); ++i) {
    const std::string_view word = counted.word(i);
    if (base.find(word) != kNotFound || counted.count(i) >= options.min_count) {
      add(word, counted.count(i));
    }
  }
  return from_table(all, VocabOptions{0, 0});
}

StringTable Vocab::table_of(const std::vector<std::pair<std::string, std::int64_t>>& counts) {
  StringTable words;
  words.reserve(counts.size());
  for (const auto& [word, count] : counts) words.add(word, count);
  return words;
}

std::vector<std::pair<std::string, std::int64_t>> Vocab::read_counts(
    const std::string& path, const std::atomic<bool>* cancel) {
  return parse_counts(read_input(path, cancel), path == "-" ? "standard input" : path);
}

std::vector<std::pair<std::string, std::int64_t>> Vocab::parse_counts(std::string_view text,
                                                                      const std::string& name) {
  std::vector<std::pair<std::string, std::int64_t>> counts;
  StringTable seen;
  std::int64_t total = 0;
  std::int64_t line_number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::string where = name + ":" + std::to_string(line_number) + ": ";
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) {
      throw Error(where + "expected 'word count', got " + quoted(line));
    }
    const std::string_view word = line.substr(0, space);
    const std::string problem = word_problem(word);
    if (!problem.empty()) throw Error(where + problem);
    const char* first = line.data() + space + 1;
    const char* last = line.data() + line.size();
    std::int64_t count = 0;
    const auto [ptr, ec] = std::from_chars(first, last, count);
    if (ec != std::errc() || ptr != last || count < 0) {
      throw Error(where + "expected a whole count from 0 to " +
                  std::to_string(std::numeric_limits<std::int64_t>::max()) + " after " +
                  quoted(word));
    }
    if (__builtin_add_overflow(total, count, &total)) {
      throw Error(where + "the counts add up to more than " +
                  std::to_string(std::numeric_limits<std::int64_t>::max()));
    }
    if (seen.find(word) != StringTable::kNotFound) {
      throw Error(where + "duplicate word " + quoted(word));
    }
    seen.insert(word);
    counts.emplace_back(std::string(word), count);
  }
  return counts;
}

void Vocab::save(const std::string& path) const {
  OutputFile file(path);
  write(file);
  file.commit();
}

void Vocab::write(ByteSink& out) const {
  std::string line;
  for (std::uint32_t i = 0; i < size(); ++i) {
    line.assign(word(i));
    line += ' ';
    line += std::to_string(counts_[i]);
    line += '\n';
    out.write(line);
  }
}

}  // namespace w2v
