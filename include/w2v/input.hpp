#pragma once
#include <cstddef>
#include <memory>
#include <string>

namespace w2v {

// A piece of an input that ends at a word separator, so that blocks can be tokenized
// independently. Only a word longer than a whole block is ever split: then the next
// block has `continues_word` set.
struct TextBlock {
  std::string text;
  bool continues_word = false;
};

// Reads one corpus input sequentially: a file path, or "-" for standard input.
// gzip data (by its magic bytes, not the name) is decompressed on the fly.
class InputReader {
 public:
  static constexpr std::size_t kDefaultBlockBytes = 4 << 20;

  // Throws Error when the input cannot be opened.
  explicit InputReader(const std::string& path, std::size_t block_bytes = kDefaultBlockBytes);
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // Fills `block` with the next block; false at the end of the input. Throws Error on a
  // read error or corrupt gzip data.
  bool next(TextBlock& block);

  const std::string& path() const { return path_; }

 private:
  std::size_t fill();

  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string path_;
  std::size_t block_bytes_;
  std::string buffer_;
  std::size_t buffered_ = 0;
  bool eof_ = false;
  bool in_word_ = false;
};

// Where a block of text may end: just after a separator, preferably a newline; 0 when the
// text holds no separator at all.
std::size_t block_cut(const char* text, std::size_t size);

}  // namespace w2v
