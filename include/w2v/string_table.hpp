#pragma once
#include <cstdint>
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

  StringTable();

  // The id of `word`, inserting it with count 0 when new.
  std::uint32_t insert(std::string_view word);
  // Inserts `word` when new and adds `count` to its count; returns its id.
  std::uint32_t add(std::string_view word, std::int64_t count = 1) {
    const std::uint32_t id = insert(word);
    counts_[id] += count;
    return id;
  }
  // The id of `word`, or kNotFound.
  std::uint32_t find(std::string_view word) const;

  std::size_t size() const { return offsets_.size(); }
  std::string_view word(std::uint32_t id) const {
    return {arena_.data() + offsets_[id], lengths_[id]};
  }
  std::int64_t count(std::uint32_t id) const { return counts_[id]; }
  void reserve(std::size_t words);

  // What a probe compares before touching the arena: the first 8 bytes of the word and a
  // tag of hash and length bits. Words of up to 8 bytes are decided by the slot alone, so
  // a lookup costs one cache line.
  struct Key {
    std::uint64_t head;
    std::uint32_t tag;
    std::uint64_t hash;
  };
  static Key key_of(std::string_view word);
  // The same operations with the key computed by the caller, and a hint to fetch the
  // slot a key probes first, so that lookups can be pipelined.
  std::uint32_t insert(std::string_view word, const Key& key);
  std::uint32_t add(std::string_view word, const Key& key) {
    const std::uint32_t id = insert(word, key);
    ++counts_[id];
    return id;
  }
  void prefetch(const Key& key) const { __builtin_prefetch(&slots_[key.hash & mask_]); }

 private:
  struct Slot {
    std::uint64_t head;
    std::uint32_t tag;
    std::uint32_t id;  // kNotFound when empty
  };
  // The slot holding `word`, or the empty slot where it belongs.
  std::size_t slot_of(std::string_view word, const Key& key) const;
  void grow();

  std::vector<char> arena_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint32_t> lengths_;
  std::vector<std::int64_t> counts_;
  std::vector<std::uint64_t> hashes_;  // per id, so growing never rehashes a word
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t mask_ = 0;
};

// A fast 64-bit hash of a byte string.
std::uint64_t hash_bytes(const char* data, std::size_t size);

}  // namespace w2v
