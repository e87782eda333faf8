#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace w2v {

// What a word may hold, wherever w2v reads or writes one (the tokenizer, vocabulary files,
// vector files): 1 to kMaxWordBytes bytes of valid UTF-8 without control characters (bytes
// 0x00-0x1F and 0x7F) or blanks, so that what w2v writes, w2v and gensim read back.
inline constexpr std::size_t kMaxWordBytes = std::size_t{1} << 16;

// True for the bytes no word may hold: 0x00-0x1F and 0x7F.
inline bool is_control_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

// Why `word` cannot be a word (empty, too long, a control character, invalid UTF-8); empty
// when it can. Blanks are the caller's to split at.
std::string word_problem(std::string_view word);

// `s` quoted for a message: cut to about `max_bytes`, invalid UTF-8 repaired and control
// characters shown as '?'.
std::string quoted(std::string_view s, std::size_t max_bytes = 40);

}  // namespace w2v
