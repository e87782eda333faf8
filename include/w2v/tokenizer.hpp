#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "w2v/utf8.hpp"

namespace w2v {

struct TokenizerOptions {
  std::size_t max_word_bytes = 100;  // longer words are cut at a UTF-8 character boundary
  bool lowercase = false;            // see utf8::append_lowercase for what is folded
};

// Throws UsageError when an option is out of range.
void validate(const TokenizerOptions& options);

struct TokenizerStats {
  std::int64_t words = 0;
  std::int64_t repaired_words = 0;   // words with invalid UTF-8, repaired with U+FFFD
  std::int64_t truncated_words = 0;  // words cut to max_word_bytes
  std::int64_t control_bytes = 0;    // bytes 0x00-0x1F (but blanks) and 0x7F, read as spaces
  void add(const TokenizerStats& other) {
    words += other.words;
    repaired_words += other.repaired_words;
    truncated_words += other.truncated_words;
    control_bytes += other.control_bytes;
  }
};

// Splits text into words and sentence ends. Words are separated by ASCII whitespace, the
// Unicode spaces of utf8::unicode_space_length and the control bytes no word may hold
// (word.hpp; counted in the stats); '\n' ends a sentence. Every word handed out is valid
// UTF-8 of at most max_word_bytes bytes. One instance per thread.
class Tokenizer {
 public:
  explicit Tokenizer(TokenizerOptions options) : options_(options) {}

  // Calls on_word(std::string_view) for each word and on_sentence_end() for each '\n'.
  // `continues_word`: text starts inside a word whose head was already handed out (a
  // word longer than a whole read block), so its tail is skipped. The view passed to
  // on_word is valid until the next call.
  template <class OnWord, class OnSentenceEnd>
  void tokenize(std::string_view text, bool continues_word, OnWord&& on_word,
                OnSentenceEnd&& on_sentence_end);

  const TokenizerStats& stats() const { return stats_; }

 private:
  enum ByteClass : std::uint8_t { kWordByte, kSpace, kNewline, kControl, kHighByte };
  static ByteClass byte_class(unsigned char c) {
    if (c >= 0x80) return kHighByte;
    if (c == '\n') return kNewline;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') return kSpace;
    if (c < 0x20 || c == 0x7F) return kControl;
    return kWordByte;
  }
  // Length of the separator at p, 0 when p starts a word byte.
  static std::size_t separator_length(const char* p, const char* end) {
    const ByteClass c = byte_class(static_cast<unsigned char>(*p));
    if (c == kSpace || c == kNewline || c == kControl) return 1;
    if (c == kHighByte) return utf8::unicode_space_length(p, static_cast<std::size_t>(end - p));
    return 0;
  }
  // The first byte at or after p that is not printable ASCII (a separator, a control or
  // a non-ASCII byte), eight bytes at a time.
  static const char* skip_plain_bytes(const char* p, const char* end) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    while (end - p >= 8) {
      std::uint64_t x;
      std::memcpy(&x, p, 8);
      // High bit of each byte below 0x21 or above 0x7E; the lowest flagged byte is exact
      // (a borrow or carry only flags bytes above one flagged already).
      const std::uint64_t stop = ((x - kOnes * 0x21) & ~x & kHigh) | ((x | (x + kOnes)) & kHigh);
      if (stop != 0) return p + (__builtin_ctzll(stop) >> 3);
      p += 8;
    }
    while (p<end&& static_cast<unsigned char>(*p)> 0x20 && static_cast<unsigned char>(*p) < 0x7F) {
      ++p;
    }
    return p;
  }
  std::string_view normalize(std::string_view raw);

  TokenizerOptions options_;
  TokenizerStats stats_;
  std::string repaired_;
  std::string scratch_;
};

template <class OnWord, class OnSentenceEnd>
void Tokenizer::tokenize(std::string_view text, bool continues_word, OnWord&& on_word,
                         OnSentenceEnd&& on_sentence_end) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (continues_word) {
    while (p < end && separator_length(p, end) == 0) ++p;
  }
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    const ByteClass cls = byte_class(c);
    if (cls == kNewline) {
      on_sentence_end();
      ++p;
      continue;
    }
    if (cls == kSpace) {
      ++p;
      continue;
    }
    if (cls == kControl) {
      ++stats_.control_bytes;
      ++p;
      continue;
    }
    if (cls == kHighByte) {
      const std::size_t n = utf8::unicode_space_length(p, static_cast<std::size_t>(end - p));
      if (n != 0) {
        p += n;
        continue;
      }
    }
    const char* start = p;
    bool plain = cls == kWordByte;
    ++p;
    for (;;) {
      p = skip_plain_bytes(p, end);
      if (p == end) break;
      const ByteClass k = byte_class(static_cast<unsigned char>(*p));
      if (k == kWordByte) {
        ++p;
      } else if (k == kHighByte &&
                 utf8::unicode_space_length(p, static_cast<std::size_t>(end - p)) == 0) {
        plain = false;
        ++p;
      } else {
        break;
      }
    }
    const std::string_view raw(start, static_cast<std::size_t>(p - start));
    ++stats_.words;
    if (plain && !options_.lowercase && raw.size() <= options_.max_word_bytes) {
      on_word(raw);
    } else {
      on_word(normalize(raw));
    }
  }
}

}  // namespace w2v
