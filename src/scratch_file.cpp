#include "w2v/scratch_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "w2v/error.hpp"

namespace w2v {
namespace {

constexpr std::size_t kBufferBytes = 4 << 20;

}  // namespace

ScratchFile::ScratchFile(const std::string& folder)
    : folder_(folder.empty() ? "." : folder), buffer_(new char[kBufferBytes]) {
  fd_ = ::open(folder_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    // A file system without O_TMPFILE: a named file, unlinked at once.
    std::string pattern = folder_ + "/w2v-scratch.XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ >= 0) ::unlink(name.data());
  }
  if (fd_ < 0) fail("make a scratch file", errno, 0);
}

ScratchFile::~ScratchFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ScratchFile::fail(const std::string& doing, int error, std::uint64_t wanted) const {
  std::string message = "cannot " + doing + " in '" + folder_ + "': " + std::strerror(error);
  if (error == ENOSPC && wanted > 0) {
    message += " (" + std::to_string((wanted + (1u << 20) - 1) >> 20) +
               " MB were needed; --spill-dir puts it elsewhere)";
  }
  throw Error(message);
}

void ScratchFile::write(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    if (buffered_ == kBufferBytes) flush();
    const std::size_t n = std::min(size, kBufferBytes - buffered_);
    std::memcpy(buffer_.get() + buffered_, p, n);
    buffered_ += n;
    size_ += n;
    p += n;
    size -= n;
  }
}

void ScratchFile::flush() {
  const char* p = buffer_.get();
  std::size_t left = buffered_;
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write a scratch file", errno, size_);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  buffered_ = 0;
}

void ScratchFile::read(std::uint64_t offset, void* out, std::size_t size) {
  if (buffered_ > 0) flush();
  char* p = static_cast<char*>(out);
  while (size > 0) {
    const ssize_t n = ::pread(fd_, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("read a scratch file", n < 0 ? errno : EIO, 0);
    p += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

std::string ScratchFile::path() const { return "/proc/self/fd/" + std::to_string(fd_); }

}  // namespace w2v
