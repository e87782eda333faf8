#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "w2v/huge_page_allocator.hpp"
#include "w2v/input_file.hpp"

namespace w2v {

// Bytes followed by kPadding zero bytes that are not part of the text, so that a word
// near the end can still be loaded 16 bytes at a time. Large buffers sit on huge pages:
// a fresh 2 MB block costs one page fault instead of 512.
class TextBuffer {
 public:
  static constexpr std::size_t kPadding = 16;

  TextBuffer() { resize(0); }
  explicit TextBuffer(std::string_view text) {
    resize(text.size());
    std::memcpy(data(), text.data(), text.size());
  }

  char* data() { return storage_.data(); }
  const char* data() const { return storage_.data(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {storage_.data(), size_}; }
  // New bytes are unspecified; the storage only grows, so a reused buffer is not cleared.
  void resize(std::size_t size) {
    if (size + kPadding > storage_.size()) storage_.resize(size + kPadding);
    size_ = size;
    std::memset(storage_.data() + size, 0, kPadding);
  }
  void swap(TextBuffer& other) noexcept {
    storage_.swap(other.storage_);
    std::swap(size_, other.size_);
  }

 private:
  std::vector<char, HugePageAllocator<char>> storage_;
  std::size_t size_ = 0;
};

// A piece of an input that ends at a word separator, so that blocks can be tokenized
// independently. Only a word longer than a whole block is ever split: then the next
// block has `continues_word` set.
struct TextBlock {
  TextBuffer text;
  bool continues_word = false;
};

// The lines of a plain file that one reader takes: those that start at a byte offset in
// [begin, end). Readers of adjacent ranges take every line once.
struct LineRange {
  std::uint64_t begin = 0;
  std::uint64_t end = UINT64_MAX;
  bool whole() const { return begin == 0 && end == UINT64_MAX; }
};

// Reads one corpus input in blocks (see InputFile: a file or "-", gzip inflated).
class InputReader {
 public:
  // With the padding, a block's buffer fills one huge page exactly. Small, so that an
  // input of a few dozen MB still shares out evenly between the reading threads.
  static constexpr std::size_t kDefaultBlockBytes = (2 << 20) - TextBuffer::kPadding;

  // Throws Error when the input cannot be opened; reads throw Interrupted once `cancel`
  // is set.
  // `lines`: only those lines, of a plain regular file (Error for another input).
  explicit InputReader(const std::string& path, std::size_t block_bytes = kDefaultBlockBytes,
                       const std::atomic<bool>* cancel = nullptr, LineRange lines = {});
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // Fills `block` with the next block; false at the end of the input. Throws Error on a
  // read error or corrupt gzip data.
  bool next(TextBlock& block);

  const std::string& path() const { return file_->path(); }

 private:
  std::size_t fill();
  // Skips to the first line that starts at or past the range's begin.
  void skip_partial_line();
  // Of `n` bytes just read (at position_), how many are the range's: those up to the
  // newline that ends its last line, where reading stops.
  std::size_t keep_in_range(const char* data, std::size_t n);

  std::unique_ptr<InputFile> file_;
  std::size_t block_bytes_;
  TextBuffer buffer_;
  std::size_t buffered_ = 0;
  bool eof_ = false;
  bool in_word_ = false;
  std::uint64_t position_ = 0;      // of the next byte read from the file
  std::uint64_t end_ = UINT64_MAX;  // of the LineRange, when there is one
};

// Where a block of text may end: just after a separator, preferably a newline; 0 when the
// text holds no separator at all.
std::size_t block_cut(const char* text, std::size_t size);

}  // namespace w2v
