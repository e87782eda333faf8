#include "w2v/string_table.hpp"

#include <cstring>

namespace w2v {
namespace {

constexpr std::size_t kInitialSlots = 1 << 12;

}  // namespace

std::uint64_t StringTable::load_head(const char* data, std::size_t size) {
  // Fixed-size copies compile to plain loads.
  std::uint64_t v = 0;
  if (size >= 8) {
    v = load8(data);
  } else if (size >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, data, 4);
    std::memcpy(&hi, data + size - 4, 4);
    v = lo | (static_cast<std::uint64_t>(hi) << ((size - 4) * 8));
  } else {
    for (std::size_t i = 0; i < size; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[i])) << (8 * i);
  }
  return v;
}

StringTable::Key StringTable::key_of(std::string_view word) {
  const char* p = word.data();
  const std::size_t n = word.size();
  const std::uint64_t head0 = load_head(p, n);
  const std::uint64_t head1 = n > 8 ? load_head(p + 8, n - 8) : 0;
  return finish_key(head0, head1, p, n);
}

StringTable::StringTable()
    : slots_(kInitialSlots, Slot{0, 0, kNotFound}), mask_(kInitialSlots - 1) {}

void StringTable::reserve(std::size_t words, std::size_t bytes) {
  words += entries_.size();
  entries_.reserve(words);
  arena_.reserve(arena_.size() + bytes);
  std::size_t slots = slots_.size();
  while (8 * words > 5 * slots) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

std::uint32_t StringTable::find(std::string_view word) const {
  return slots_[slot_of(word, key_of(word))].id;
}

std::uint32_t StringTable::insert(std::string_view word) { return insert(word, key_of(word)); }

std::uint32_t StringTable::insert_new(std::size_t slot, std::string_view word, const Key& key) {
  const auto id = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back(Entry{arena_.size(), 0, key.head[1], key.length});
  arena_.insert(arena_.end(), word.begin(), word.end());
  slots_[slot] = Slot{key.head[0], key.tag, id};
  if (crowded()) rehash(2 * slots_.size());
  return id;
}

void StringTable::rehash(std::size_t slots) {
  slots_.assign(slots, Slot{0, 0, kNotFound});
  mask_ = slots_.size() - 1;
  // Slots keep no hash, so each word's is computed again; growth happens a few dozen times
  // in a table's life.
  for (std::uint32_t id = 0; id < entries_.size(); ++id) {
    const Key key = key_of(word(id));
    std::size_t i = key.hash & mask_;
    while (slots_[i].id != kNotFound) i = (i + 1) & mask_;
    slots_[i] = Slot{key.head[0], key.tag, id};
  }
}

}  // namespace w2v
