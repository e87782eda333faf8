#include "w2v/tokenizer.hpp"

#include <string>

#include "w2v/option_range.hpp"

namespace w2v {

void validate(const TokenizerOptions& options) {
  // Block readers cut very long words into pieces of at least the maximum: a word can
  // never be cut shorter, so one piece is always longer than a word.
  require_in_range(static_cast<long double>(options.max_word_bytes), ranges::kMaxWordBytes,
                   "--max-word-bytes");
}

std::string_view Tokenizer::normalize(std::string_view raw) {
  // Only a bounded head of a long word can reach the output: lowercasing shrinks a
  // character at most by half, so twice the limit is enough. The head ends on a
  // character start so that the cut itself does not look like invalid UTF-8.
  std::string_view head = raw;
  if (head.size() > 2 * options_.max_word_bytes + 4) {
    std::size_t n = 2 * options_.max_word_bytes + 4;
    for (int back = 0; back < 3 && (static_cast<unsigned char>(raw[n]) & 0xC0u) == 0x80u; ++back) {
      --n;
    }
    head = raw.substr(0, n);
  }
  std::string_view word = head;
  repaired_.clear();
  if (!utf8::is_valid(head)) {
    utf8::append_repaired(head, repaired_);
    ++stats_.repaired_words;
    word = repaired_;
  }
  if (options_.lowercase) {
    scratch_.clear();
    utf8::append_lowercase(word, scratch_);
    word = scratch_;
  }
  const std::size_t cut = utf8::cut_length(word, options_.max_word_bytes);
  if (cut < word.size() || head.size() < raw.size()) ++stats_.truncated_words;
  return word.substr(0, cut);
}

}  // namespace w2v
