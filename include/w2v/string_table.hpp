#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "w2v/huge_page_allocator.hpp"

namespace w2v {

// An open-addressing hash table that gives each distinct word a dense id (0, 1, 2, ...
// in order of first insertion) and keeps a count per id. Words live in one arena, so a
// table of a million words is a few large allocations. Not thread safe; the corpus
// reader keeps one per thread.
class StringTable {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
  // Readable bytes a caller of key_of_padded guarantees after the word.
  static constexpr std::size_t kKeyPadding = 16;

  StringTable();

  // The id of `word`, inserting it with count 0 when new.
  std::uint32_t insert(std::string_view word);
  // Inserts `word` when new and adds `count` to its count; returns its id.
  std::uint32_t add(std::string_view word, std::int64_t count = 1) {
    return add(word, key_of(word), count);
  }
  // The id of `word`, or kNotFound.
  std::uint32_t find(std::string_view word) const;

  std::size_t size() const { return entries_.size(); }
  std::string_view word(std::uint32_t id) const {
    return {arena_.data() + entries_[id].offset, entries_[id].length};
  }
  std::int64_t count(std::uint32_t id) const { return entries_[id].count; }
  // Room for `words` more words of `bytes` bytes in all, so that filling grows nothing.
  void reserve(std::size_t words, std::size_t bytes = 0);

  // A word's first 16 bytes (zero-padded), length and hash. The slot compares the first
  // 8 bytes and a tag of hash and length bits; the entry the id leads to, which a count
  // touches anyway, holds the next 8. Only words longer than 16 bytes reach the arena.
  struct Key {
    std::uint64_t head[2];
    std::uint64_t hash;
    std::uint32_t length;
    std::uint32_t tag;
  };
  static Key key_of(std::string_view word);
  // The same key without a branch on the length: the caller guarantees kKeyPadding
  // readable bytes after the word. Inline, so that the key stays in registers.
  static Key key_of_padded(std::string_view word) {
    const char* p = word.data();
    const std::size_t n = word.size();
    return finish_key(keep_low_bytes(load8(p), n), keep_low_bytes(load8(p + 8), n > 8 ? n - 8 : 0),
                      p, n);
  }
  // The same operations with the key computed by the caller, and a hint to fetch the
  // slot a key probes first, so that lookups can be pipelined.
  std::uint32_t insert(std::string_view word, const Key& key) {
    const std::size_t slot = slot_of(word, key);
    const std::uint32_t id = slots_[slot].id;
    return id != kNotFound ? id : insert_new(slot, word, key);
  }
  std::uint32_t add(std::string_view word, const Key& key, std::int64_t count = 1) {
    const std::uint32_t id = insert(word, key);
    add_count(id, count);
    return id;
  }
  void prefetch(const Key& key) const { __builtin_prefetch(&slots_[key.hash & mask_]); }
  // Adds to the count of an existing id. With prefetch_count a few words earlier, the
  // entry is in cache by then.
  void add_count(std::uint32_t id, std::int64_t count) { entries_[id].count += count; }
  void prefetch_count(std::uint32_t id) const { __builtin_prefetch(&entries_[id].count, 1); }

  // Adds words word_of(0) .. word_of(n - 1) with counts count_of(i) and calls
  // on_id(i, id) for each, in order. A word's bytes are fetched kAhead words before its
  // key is made, and the key's slot kAhead words before the insert, so that the cache
  // misses of words met in random order overlap.
  template <class WordOf, class CountOf, class OnId>
  void add_each(std::size_t n, WordOf word_of, CountOf count_of, OnId on_id) {
    constexpr std::size_t kAhead = 8;
    Key keys[kAhead];
    for (std::size_t i = 0; i < n + kAhead; ++i) {
      if (i >= kAhead) {
        const std::size_t j = i - kAhead;
        on_id(j, add(word_of(j), keys[j % kAhead], count_of(j)));
      }
      if (i + kAhead < n) __builtin_prefetch(word_of(i + kAhead).data());
      if (i < n) {
        keys[i % kAhead] = key_of(word_of(i));
        prefetch(keys[i % kAhead]);
      }
    }
  }

 private:
  struct Slot {
    std::uint64_t head;
    std::uint32_t tag;
    std::uint32_t id;  // kNotFound when empty
  };
  struct Entry {
    std::uint64_t offset;  // in the arena
    std::int64_t count;
    std::uint64_t head;  // bytes 8 to 15 of the word, zero-padded
    std::uint32_t length;
  };

  static std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
    return static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
  }
  static std::uint64_t load8(const char* data) {
    std::uint64_t v;
    std::memcpy(&v, data, 8);
    return v;
  }
  // The first min(size, 8) bytes at data, zero-padded, reading no further.
  static std::uint64_t load_head(const char* data, std::size_t size);
  // The low min(bytes, 8) bytes of v.
  static std::uint64_t keep_low_bytes(std::uint64_t v, std::size_t bytes) {
    return bytes >= 8 ? v : v & ((std::uint64_t{1} << (8 * bytes)) - 1);
  }
  // Both key functions end here, so a word gets the same key whichever loaded its head.
  static Key finish_key(std::uint64_t head0, std::uint64_t head1, const char* data,
                        std::size_t size) {
    Key key;
    key.head[0] = head0;
    key.head[1] = head1;
    key.length = static_cast<std::uint32_t>(size);
    std::uint64_t h = mix(head0 ^ 0x9E3779B97F4A7C15ull, head1 ^ 0xA0761D6478BD642Full ^ size);
    for (std::size_t i = 16; i < size; i += 8) {
      h = mix(h ^ load_head(data + i, size - i), 0xE7037ED1A0B428DBull);
    }
    key.hash = h;
    key.tag = static_cast<std::uint32_t>(h >> 40) << 8 | (size < 255 ? size : 255);
    return key;
  }

  // The slot holding `word`, or the empty slot where it belongs.
  std::size_t slot_of(std::string_view word, const Key& key) const {
    for (std::size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNotFound) return i;
      if (s.tag == key.tag && s.head == key.head[0] &&
          (key.length <= 8 || rest_matches(s.id, word, key))) {
        return i;
      }
    }
  }
  // Whether word `id`, whose first 8 bytes and tag match, is `word`.
  bool rest_matches(std::uint32_t id, std::string_view word, const Key& key) const {
    const Entry& e = entries_[id];
    return e.head == key.head[1] && e.length == key.length &&
           (key.length <= 16 ||
            std::memcmp(arena_.data() + e.offset + 16, word.data() + 16, word.size() - 16) == 0);
  }
  // Puts a word that is not in the table into the empty `slot`.
  std::uint32_t insert_new(std::size_t slot, std::string_view word, const Key& key);
  // Grows when more than 5/8 of the slots are taken (a probe then reads 1.5 slots on
  // average, and slots are 16 bytes, four to a cache line).
  bool crowded() const { return 8 * entries_.size() > 5 * slots_.size(); }
  void rehash(std::size_t slots);

  // Everything grows on huge pages: in a fresh process, page faults cost more than the
  // counting itself.
  std::vector<char, HugePageAllocator<char>> arena_;
  std::vector<Entry, HugePageAllocator<Entry>> entries_;
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t mask_ = 0;
};

}  // namespace w2v
