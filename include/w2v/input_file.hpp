#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace w2v {

// "standard input" for "-", the path quoted otherwise: how messages name an input.
std::string input_name(const std::string& path);

// Checks that `path` can be opened for reading and is a file, a FIFO, a terminal or
// /dev/null, not a directory or another device (/dev/zero would never end). Throws Error naming the
// path. Commands call it for every input before any work.
void check_input(const std::string& path);

// Checks a command's inputs together: each as check_input, and "-" at most once, since
// standard input can be read only once. `options[i]` names inputs[i] in messages.
void check_inputs(const std::vector<std::string>& inputs, const std::vector<std::string>& options);

// One input read from start to end: a file, a FIFO, a terminal or /dev/null, or "-" for
// standard input.
// gzip data (told by its magic bytes, not the name; concatenated members continue the
// stream) is inflated on the fly. Reads that would wait for a pipe or terminal wait in
// slices of 100 ms and throw Interrupted once `cancel` is set, so a signal stops them
// whichever thread it reached.
class InputFile {
 public:
  // Throws Error when the input cannot be opened or is a directory.
  explicit InputFile(const std::string& path, const std::atomic<bool>* cancel = nullptr);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `size` bytes of (inflated) data; fewer only at the end, 0 at the end.
  // Throws Error on a read error or corrupt or truncated gzip data.
  std::size_t read(char* out, std::size_t size);

  // Reads on from byte `offset` of a plain regular file (plain_size() >= 0). Throws Error
  // when the file cannot seek.
  void seek(std::uint64_t offset);

  bool gzip() const { return gzip_; }
  // The file's size when it is a regular file that is not gzip, -1 otherwise.
  std::int64_t plain_size() const { return plain_size_; }
  // The open file descriptor (for mapping a plain regular file).
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::size_t read_raw(char* out, std::size_t size);
  std::size_t inflate_into(char* out, std::size_t size);
  [[noreturn]] void fail(const std::string& why) const;

  struct Inflater;
  std::string path_;
  const std::atomic<bool>* cancel_;
  int fd_ = -1;
  bool owns_fd_ = false;
  bool regular_ = false;
  bool fifo_ = false;  // a named pipe, opened without waiting for its writer
  bool gzip_ = false;
  std::int64_t plain_size_ = -1;
  std::string peeked_;  // bytes read to look for the gzip magic, not yet handed out
  std::unique_ptr<Inflater> inflater_;
};

// The whole content of an input (see InputFile).
std::string read_input(const std::string& path, const std::atomic<bool>* cancel = nullptr);

}  // namespace w2v
