#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "w2v/huge_page_allocator.hpp"

namespace w2v::detail {

// An open-addressing hash map from a pair of 32-bit ids (one 64-bit key) to a value, for
// counting bigrams: keys and values side by side, so that a lookup touches one cache line.
// Not thread safe.
template <class Value>
class PairMap {
 public:
  static std::uint64_t key(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::uint64_t>(a) << 32 | b;
  }

  PairMap() { rehash(16); }

  std::size_t size() const { return size_; }

  // The value of `key`, inserted as Value{} when new.
  Value& operator[](std::uint64_t key) {
    std::size_t i = home(key);
    for (;; i = next(i)) {
      Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == kEmpty) break;
    }
    if (crowded(size_ + 1, slots_.size())) {
      rehash(slots_.size() + slots_.size() / 2);
      return (*this)[key];
    }
    ++size_;
    slots_[i].key = key;
    slots_[i].value = Value{};
    return slots_[i].value;
  }

  const Value* find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = next(i)) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == kEmpty) return nullptr;
    }
  }

  void prefetch(std::uint64_t key) const { __builtin_prefetch(&slots_[home(key)], 1); }

  // Empties the map, keeping its slots (their pages are already there).
  void clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
  }

  // Room for `n` keys without growing.
  void reserve(std::size_t n) {
    if (crowded(n, slots_.size())) rehash(n + n / 3 + 16);
  }

  // f(key, value) for each entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.key != kEmpty) f(s.key, s.value);
    }
  }

  // Drops the entries for which drop(key, value) holds.
  template <class Drop>
  void remove_if(Drop&& drop) {
    std::vector<Slot, HugePageAllocator<Slot>> old;
    old.swap(slots_);
    std::size_t kept = 0;
    for (const Slot& s : old) kept += s.key != kEmpty && !drop(s.key, s.value) ? 1 : 0;
    rebuild(old, kept + kept / 3 + 16, [&](const Slot& s) { return !drop(s.key, s.value); });
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // ids never reach 2^32 - 1
  struct Slot {
    std::uint64_t key = kEmpty;
    Value value{};
  };

  // Up to 3/4 full: fresh pages cost more than the longer probes (a probe reads 16-byte
  // slots, four to a cache line).
  static bool crowded(std::size_t size, std::size_t slots) { return 4 * size > 3 * slots; }

  // Any number of slots, so that a table sized from a guess need not double: the hash's
  // high bits scaled to the size.
  std::size_t home(std::uint64_t key) const {
    const std::uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * slots_.size()) >> 64);
  }
  std::size_t next(std::size_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }

  void rehash(std::size_t slots) {
    std::vector<Slot, HugePageAllocator<Slot>> old;
    old.swap(slots_);
    rebuild(old, slots, [](const Slot&) { return true; });
  }

  template <class Keep>
  void rebuild(const std::vector<Slot, HugePageAllocator<Slot>>& old, std::size_t slots,
               Keep&& keep) {
    slots_.assign(slots, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key == kEmpty || !keep(s)) continue;
      std::size_t i = home(s.key);
      while (slots_[i].key != kEmpty) i = next(i);
      slots_[i] = s;
      ++size_;
    }
  }

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t size_ = 0;
};

}  // namespace w2v::detail
