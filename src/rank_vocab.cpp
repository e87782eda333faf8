#include "w2v/rank_vocab.hpp"

#include <cstring>
#include <string>

#include "w2v/error.hpp"

namespace w2v {
namespace {

// Words with counts as bytes: per word its length (u32), its bytes and its count (i64).
template <class WordOf, class CountOf>
std::string encode_counts(std::size_t n, WordOf word_of, CountOf count_of) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view word = word_of(i);
    const auto length = static_cast<std::uint32_t>(word.size());
    const std::int64_t count = count_of(i);
    out.append(reinterpret_cast<const char*>(&length), sizeof length);
    out.append(word);
    out.append(reinterpret_cast<const char*>(&count), sizeof count);
  }
  return out;
}

// Calls f(word, count) for each entry of encode_counts's bytes.
template <class F>
void decode_counts(const std::string& bytes, F&& f) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::uint32_t length = 0;
    std::int64_t count = 0;
    if (bytes.size() - at < sizeof length) throw Error("a rank sent damaged counts");
    std::memcpy(&length, bytes.data() + at, sizeof length);
    at += sizeof length;
    if (bytes.size() - at < length + sizeof count) throw Error("a rank sent damaged counts");
    const std::string_view word(bytes.data() + at, length);
    at += length;
    std::memcpy(&count, bytes.data() + at, sizeof count);
    at += sizeof count;
    f(word, count);
  }
}

}  // namespace

StringTable merged_counts(Communicator& comm, const StringTable& mine) {
  const std::vector<std::string> all = comm.gather(encode_counts(
      mine.size(), [&](std::size_t i) { return mine.word(static_cast<std::uint32_t>(i)); },
      [&](std::size_t i) { return mine.count(static_cast<std::uint32_t>(i)); }));
  StringTable merged;
  for (const std::string& bytes : all) {
    decode_counts(bytes, [&](std::string_view word, std::int64_t count) {
      const std::uint32_t id = merged.insert(word);
      std::int64_t total = 0;
      if (__builtin_add_overflow(merged.count(id), count, &total)) {
        throw Error("the counts of a word add up past 2^63");
      }
      merged.add_count(id, count);
    });
  }
  return merged;
}

Vocab broadcast_vocab(Communicator& comm, const Vocab& vocab) {
  std::string bytes;
  if (comm.rank() == 0) {
    bytes = encode_counts(
        vocab.size(), [&](std::size_t i) { return vocab.word(static_cast<std::uint32_t>(i)); },
        [&](std::size_t i) { return vocab.count(static_cast<std::uint32_t>(i)); });
  }
  comm.broadcast(bytes);
  if (comm.rank() == 0) return vocab;
  std::vector<std::string_view> words;
  std::vector<std::int64_t> counts;
  decode_counts(bytes, [&](std::string_view word, std::int64_t count) {
    words.push_back(word);
    counts.push_back(count);
  });
  return Vocab::from_sorted(
      words.size(), [&](std::size_t i) { return words[i]; },
      [&](std::size_t i) { return counts[i]; }, "the vocabulary from rank 0");
}

}  // namespace w2v
