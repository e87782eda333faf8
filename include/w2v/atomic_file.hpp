#pragma once
#include <cstdio>
#include <string>

namespace w2v {

// Writes a file under a temporary name in the destination folder and renames it into
// place on commit(), so readers never see a partial file and a failed run leaves an
// existing file untouched. Without commit() the temporary file is removed.
class AtomicFile {
 public:
  // Creates the temporary file now, so an unwritable folder fails before any work.
  // Throws Error naming `path`.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() { return file_; }
  // Writes bytes; throws Error on a write failure (disk full).
  void write(const void* data, std::size_t size);
  void write(const std::string& text) { write(text.data(), text.size()); }
  // Flushes, closes and renames over the destination. Throws Error on failure.
  void commit();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
};

}  // namespace w2v
