#include "w2v/string_table.hpp"

#include <cstring>

namespace w2v {
namespace {

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
}

// The first min(size, 8) bytes, zero-padded; fixed-size copies compile to plain loads.
inline std::uint64_t load_head(const char* data, std::size_t size) {
  std::uint64_t v = 0;
  if (size >= 8) {
    std::memcpy(&v, data, 8);
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

inline std::uint64_t hash_with_head(std::uint64_t head, const char* data, std::size_t size) {
  std::uint64_t h = mix(head ^ 0x9E3779B97F4A7C15ull, 0xA0761D6478BD642Full ^ size);
  for (std::size_t i = 8; i < size; i += 8) {
    h = mix(h ^ load_head(data + i, size - i), 0xE7037ED1A0B428DBull);
  }
  return h;
}

constexpr std::size_t kInitialSlots = 1 << 12;

}  // namespace

std::uint64_t hash_bytes(const char* data, std::size_t size) {
  return hash_with_head(load_head(data, size), data, size);
}

StringTable::Key StringTable::key_of(std::string_view word) {
  Key key;
  key.head = load_head(word.data(), word.size());
  key.hash = hash_with_head(key.head, word.data(), word.size());
  const std::uint32_t length = word.size() < 255 ? static_cast<std::uint32_t>(word.size()) : 255;
  key.tag = static_cast<std::uint32_t>(key.hash >> 40) << 8 | length;
  return key;
}

StringTable::StringTable()
    : slots_(kInitialSlots, Slot{0, 0, kNotFound}), mask_(kInitialSlots - 1) {}

void StringTable::reserve(std::size_t words) {
  offsets_.reserve(words);
  lengths_.reserve(words);
  counts_.reserve(words);
  hashes_.reserve(words);
  while (slots_.size() < 2 * words) grow();
}

std::size_t StringTable::slot_of(std::string_view word, const Key& key) const {
  for (std::size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id == kNotFound) return i;
    if (s.tag == key.tag && s.head == key.head &&
        (word.size() <= 8 ||
         (lengths_[s.id] == word.size() &&
          std::memcmp(arena_.data() + offsets_[s.id], word.data(), word.size()) == 0))) {
      return i;
    }
  }
}

std::uint32_t StringTable::find(std::string_view word) const {
  return slots_[slot_of(word, key_of(word))].id;
}

std::uint32_t StringTable::insert(std::string_view word) { return insert(word, key_of(word)); }

std::uint32_t StringTable::insert(std::string_view word, const Key& key) {
  const std::size_t slot = slot_of(word, key);
  if (slots_[slot].id != kNotFound) return slots_[slot].id;
  const auto id = static_cast<std::uint32_t>(offsets_.size());
  offsets_.push_back(arena_.size());
  lengths_.push_back(static_cast<std::uint32_t>(word.size()));
  counts_.push_back(0);
  hashes_.push_back(key.hash);
  arena_.insert(arena_.end(), word.begin(), word.end());
  slots_[slot] = Slot{key.head, key.tag, id};
  if (2 * offsets_.size() > slots_.size()) grow();
  return id;
}

void StringTable::grow() {
  std::vector<Slot, HugePageAllocator<Slot>> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0, kNotFound});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id == kNotFound) continue;
    std::size_t i = hashes_[s.id] & mask_;
    while (slots_[i].id != kNotFound) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace w2v
