#include "w2v/vocab.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "w2v/atomic_file.hpp"
#include "w2v/error.hpp"
#include "w2v/utf8.hpp"

namespace w2v {

void validate(const VocabOptions& options) {
  if (options.min_count < 0) {
    throw UsageError("--min-count must be >= 0, got " + std::to_string(options.min_count));
  }
  if (options.max_vocab < 0) {
    throw UsageError("--max-vocab must be >= 0, got " + std::to_string(options.max_vocab));
  }
}

Vocab Vocab::from_table(const StringTable& words, const VocabOptions& options,
                        std::vector<std::uint32_t>* vocab_ids) {
  // Most words of a corpus are rare, so they are dropped before anything is sorted or copied.
  std::vector<std::uint32_t> kept;
  for (std::uint32_t id = 0; id < words.size(); ++id) {
    if (words.count(id) >= options.min_count) kept.push_back(id);
  }
  std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
    const std::int64_t ca = words.count(a), cb = words.count(b);
    return ca != cb ? ca > cb : words.word(a) < words.word(b);
  });
  if (options.max_vocab > 0 && kept.size() > static_cast<std::size_t>(options.max_vocab)) {
    kept.resize(static_cast<std::size_t>(options.max_vocab));
  }
  Vocab vocab;
  vocab.words_.reserve(kept.size());
  vocab.counts_.reserve(kept.size());
  vocab.index_.reserve(kept.size());
  if (vocab_ids != nullptr) vocab_ids->assign(words.size(), kNotFound);
  for (const std::uint32_t id : kept) {
    if (vocab_ids != nullptr) (*vocab_ids)[id] = static_cast<std::uint32_t>(vocab.words_.size());
    vocab.index_.insert(words.word(id));
    vocab.words_.emplace_back(words.word(id));
    vocab.counts_.push_back(words.count(id));
    vocab.total_ += words.count(id);
  }
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
  for (std::size_t i = 0; i < words_.size(); ++i) {
    line.assign(words_[i]);
    line += ' ';
    line += std::to_string(counts_[i]);
    line += '\n';
    file.write(line);
  }
}

}  // namespace w2v
