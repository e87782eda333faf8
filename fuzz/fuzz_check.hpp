// What the fuzz targets share: a property check that stops the run with a message, so that
// libFuzzer saves the input as a crash.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace w2v::fuzz {

// A file in memory (memfd) that the library opens by path, /proc/self/fd/N.
class MemFile {
 public:
  explicit MemFile(const char* name) : fd_(::memfd_create(name, MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  // Makes `bytes` the whole file.
  void set(std::string_view bytes) const {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n =
          ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

[[noreturn]] inline void property_failed(const char* condition, const std::string& detail,
                                         const char* file, int line) {
  std::fprintf(stderr, "\nPROPERTY FAILED at %s:%d: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::abort();
}

// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Bytes shown with C escapes, cut to `max` bytes, for messages.
inline std::string escaped(std::string_view s, std::size_t max = 120) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out + (s.size() > max ? "\"..." : "\"");
}

}  // namespace w2v::fuzz

// Checks a property of what a parser returned; `detail` (a std::string expression) is only
// built when the check fails.
#define W2V_FUZZ_CHECK(condition, detail)                                     \
  do {                                                                        \
    if (!(condition)) {                                                       \
      ::w2v::fuzz::property_failed(#condition, (detail), __FILE__, __LINE__); \
    }                                                                         \
  } while (0)
