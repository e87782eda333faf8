#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "w2v/output_file.hpp"

namespace w2v {

// A file without a name in a folder (O_TMPFILE): scratch space on disk for data that does
// not fit the memory budget. The system frees it when the process ends however it ends
// (kill -9 included), so it never needs cleaning up. Appends are buffered; reads see what
// was flushed. Throws Error naming the folder when it cannot be made or written (a full
// disk says how many bytes were wanted).
class ScratchFile : public ByteSink {
 public:
  explicit ScratchFile(const std::string& folder);
  ~ScratchFile() override;
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  using ByteSink::write;
  void write(const void* data, std::size_t size) override;
  void flush();
  // Bytes appended so far.
  std::uint64_t size() const { return size_; }
  // Reads `size` bytes at `offset` (flushed first if need be).
  void read(std::uint64_t offset, void* out, std::size_t size);
  // A path that opens this file while it lives (/proc/self/fd/N), for mapping it.
  std::string path() const;

 private:
  [[noreturn]] void fail(const std::string& doing, int error, std::uint64_t wanted) const;

  std::string folder_;
  int fd_ = -1;
  std::unique_ptr<char[]> buffer_;
  std::size_t buffered_ = 0;
  std::uint64_t size_ = 0;
};

}  // namespace w2v
