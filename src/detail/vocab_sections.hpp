#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "w2v/section_file.hpp"
#include "w2v/vocab.hpp"

namespace w2v::detail {

// A vocabulary as three sections of a section file: "<prefix>counts" (i64 per word),
// "<prefix>word_ends" (u64 per word: where its bytes end) and "<prefix>words" (the bytes),
// in vocabulary order. Token caches and checkpoints both hold one.
void write_vocab_sections(SectionWriter& writer, const std::string& prefix, const Vocab& vocab);

// The sections mapped and checked for shape (sizes agree, words end in order).
class VocabSections {
 public:
  VocabSections(const SectionFile& file, const std::string& prefix, const std::string& where);

  std::size_t size() const { return n_; }
  const std::int64_t* counts() const { return counts_; }
  std::string_view word(std::size_t i) const {
    const std::uint64_t begin = i == 0 ? 0 : ends_[i - 1];
    return {bytes_ + begin, static_cast<std::size_t>(ends_[i] - begin)};
  }
  // The first n words as a vocabulary; throws Error for a word no file may hold or words
  // out of vocabulary order.
  Vocab build(std::size_t n) const;

 private:
  std::string where_;
  std::size_t n_ = 0;
  const std::int64_t* counts_ = nullptr;
  const std::uint64_t* ends_ = nullptr;
  const char* bytes_ = nullptr;
};

}  // namespace w2v::detail
