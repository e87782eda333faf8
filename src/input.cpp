#include "w2v/input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "w2v/error.hpp"
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
                         const std::atomic<bool>* cancel, LineRange lines)
    : file_(std::make_unique<InputFile>(path, cancel)), block_bytes_(block_bytes) {
  buffer_.resize(block_bytes_);
  if (lines.whole()) return;
  if (file_->plain_size() < 0) {
    throw Error(input_name(path) +
                ": only a plain file (not gzip, not a pipe) can be read in parts");
  }
  end_ = lines.end;
  if (lines.begin >= lines.end) {
    eof_ = true;
    return;
  }
  if (lines.begin > 0) {
    // The line that holds byte begin - 1 is the previous range's.
    file_->seek(lines.begin - 1);
    position_ = lines.begin - 1;
    skip_partial_line();
  }
}

void InputReader::skip_partial_line() {
  for (;;) {
    const std::size_t n = file_->read(buffer_.data(), block_bytes_);
    if (n == 0) {
      eof_ = true;
      return;
    }
    position_ += n;
    const void* newline = std::memchr(buffer_.data(), '\n', n);
    if (newline == nullptr) continue;
    const auto skip =
        static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data()) + 1;
    const std::uint64_t start = position_ - (n - skip);  // where the first kept line starts
    if (start >= end_) {
      eof_ = true;
      return;
    }
    std::memmove(buffer_.data(), buffer_.data() + skip, n - skip);
    position_ = start;
    buffered_ = keep_in_range(buffer_.data(), n - skip);
    return;
  }
}

std::size_t InputReader::keep_in_range(const char* data, std::size_t n) {
  const std::uint64_t from = position_;
  position_ += n;
  if (end_ == UINT64_MAX || n == 0 || from + n < end_) return n;
  // The range's last line ends at the first newline at or past end_ - 1.
  const std::size_t look = end_ - 1 > from ? static_cast<std::size_t>(end_ - 1 - from) : 0;
  const void* newline = std::memchr(data + look, '\n', n - look);
  if (newline == nullptr) return n;
  eof_ = true;
  return static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1;
}

InputReader::~InputReader() = default;

std::size_t InputReader::fill() {
  while (!eof_ && buffered_ < block_bytes_) {
    const std::size_t n = file_->read(buffer_.data() + buffered_, block_bytes_ - buffered_);
    if (n == 0) eof_ = true;
    buffered_ += keep_in_range(buffer_.data() + buffered_, n);
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
