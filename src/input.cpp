#include "w2v/input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "w2v/utf8.hpp"
#include "w2v/word.hpp"

namespace w2v {

namespace {

// What the tokenizer splits at among single bytes: blanks, line breaks and the control
// bytes no word may hold, so that a block never ends inside what it reads as one word.
bool is_separator_byte(char c) { return c == ' ' || is_control_byte(c); }

// Bytes at the end of text[0, size) that start a UTF-8 character without completing it.
std::size_t incomplete_tail(const char* text, std::size_t size) {
  for (std::size_t back = 1; back <= 4 && back <= size; ++back) {
    const auto c = static_cast<unsigned char>(text[size - back]);
    if ((c & 0xC0u) == 0x80u) continue;  // a continuation byte: keep looking for the lead
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

}  // namespace

std::size_t block_cut(const char* text, std::size_t size) {
  // A line is a sentence, and training never lets a window cross a block, so cut at a
  // newline when one is in the second half of the block.
  for (std::size_t i = size; i > size / 2; --i) {
    if (text[i - 1] == '\n') return i;
  }
  for (std::size_t i = size; i > 0; --i) {
    if (is_separator_byte(text[i - 1])) return i;
  }
  std::size_t last = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t n = utf8::unicode_space_length(text + i, size - i);
    if (n != 0) {
      last = i + n;
      i += n - 1;
    }
  }
  return last;
}

InputReader::InputReader(const std::string& path, std::size_t block_bytes,
                         const std::atomic<bool>* cancel)
    : file_(std::make_unique<InputFile>(path, cancel)), block_bytes_(block_bytes) {
  buffer_.resize(block_bytes_);
}

InputReader::~InputReader() = default;

std::size_t InputReader::fill() {
  while (!eof_ && buffered_ < block_bytes_) {
    const std::size_t n = file_->read(buffer_.data() + buffered_, block_bytes_ - buffered_);
    if (n == 0) eof_ = true;
    buffered_ += n;
  }
  return buffered_;
}

bool InputReader::next(TextBlock& block) {
  fill();
  if (buffered_ == 0) return false;
  block.continues_word = in_word_;
  std::size_t cut = eof_ ? buffered_ : block_cut(buffer_.data(), buffered_);
  if (cut == 0) {
    // One word fills the whole block: hand out this piece, skip the rest of the word.
    // The piece ends on a character boundary: a character cut in two would look like
    // invalid UTF-8 (a spurious U+FFFD and repair count), and a Unicode space cut in two
    // would be skipped as part of the word, losing the word after it.
    cut = buffered_ - incomplete_tail(buffer_.data(), buffered_);
    if (cut == 0) cut = buffered_;
    in_word_ = true;
  } else {
    in_word_ = false;
  }
  // The block takes the buffer and hands back its old storage, so only the carried-over
  // tail is copied, not the whole block.
  block.text.swap(buffer_);
  const std::size_t carry = buffered_ - cut;
  buffer_.resize(block_bytes_);
  std::memcpy(buffer_.data(), block.text.data() + cut, carry);
  block.text.resize(cut);
  buffered_ = carry;
  return true;
}

}  // namespace w2v
