#include "w2v/string_table.hpp"

#include <cstring>

namespace w2v {
namespace {

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
}

constexpr std::size_t kInitialSlots = 1024;

}  // namespace

std::uint64_t hash_bytes(const char* data, std::size_t size) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (size * 0xA0761D6478BD642Full);
  while (size >= 8) {
    std::uint64_t v;
    std::memcpy(&v, data, 8);
    h = mix(h ^ v, 0xE7037ED1A0B428DBull);
    data += 8;
    size -= 8;
  }
  std::uint64_t v = 0;
  std::memcpy(&v, data, size);
  return mix(h ^ v, 0x8EBC6AF09C88C6E3ull) ^ h;
}

StringTable::StringTable() : slots_(kInitialSlots, kNotFound), mask_(kInitialSlots - 1) {}

void StringTable::reserve(std::size_t words) {
  offsets_.reserve(words);
  lengths_.reserve(words);
  hashes_.reserve(words);
  counts_.reserve(words);
  while (slots_.size() < 2 * words) grow();
}

std::uint64_t StringTable::slot_of(std::string_view word, std::uint64_t hash) const {
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    const std::uint32_t id = slots_[i];
    if (id == kNotFound) return i;
    if (hashes_[id] == tag && lengths_[id] == word.size() &&
        std::memcmp(arena_.data() + offsets_[id], word.data(), word.size()) == 0) {
      return i;
    }
  }
}

std::uint32_t StringTable::find(std::string_view word) const {
  return slots_[slot_of(word, hash_bytes(word.data(), word.size()))];
}

std::uint32_t StringTable::insert(std::string_view word) {
  const std::uint64_t hash = hash_bytes(word.data(), word.size());
  const std::uint64_t slot = slot_of(word, hash);
  if (slots_[slot] != kNotFound) return slots_[slot];
  const auto id = static_cast<std::uint32_t>(offsets_.size());
  offsets_.push_back(arena_.size());
  lengths_.push_back(static_cast<std::uint32_t>(word.size()));
  hashes_.push_back(static_cast<std::uint32_t>(hash >> 32));
  counts_.push_back(0);
  arena_.insert(arena_.end(), word.begin(), word.end());
  slots_[slot] = id;
  if (2 * offsets_.size() > slots_.size()) grow();
  return id;
}

void StringTable::grow() {
  std::vector<std::uint32_t> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, kNotFound);
  mask_ = slots_.size() - 1;
  for (std::uint32_t id = 0; id < offsets_.size(); ++id) {
    const std::uint64_t hash = hash_bytes(arena_.data() + offsets_[id], lengths_[id]);
    std::uint64_t i = hash & mask_;
    while (slots_[i] != kNotFound) i = (i + 1) & mask_;
    slots_[i] = id;
  }
}

}  // namespace w2v
