#include "w2v/input_file.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "w2v/error.hpp"

namespace w2v {
namespace {

// zlib's input is read in slices this big: fresh pages are dear in a virtual machine.
constexpr std::size_t kCompressedSlice = 1 << 16;
constexpr int kWaitMilliseconds = 100;

bool is_set(const std::atomic<bool>* flag) {
  return flag != nullptr && flag->load(std::memory_order_relaxed);
}

bool gzip_magic(const char* p) {
  return static_cast<unsigned char>(p[0]) == 0x1F && static_cast<unsigned char>(p[1]) == 0x8B;
}

bool is_dev_null(const struct stat& st) {
  struct stat null {};
  return ::stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) && null.st_rdev == st.st_rdev;
}

// Opens `path` read-only ("-": standard input, not owned). Throws Error for a directory or
// a device. A FIFO is opened without waiting for its writer (reads wait for it instead, so
// that the wait can be cut short).
int open_checked(const std::string& path, bool& owned, struct stat& st) {
  int fd = 0;
  owned = path != "-";
  if (owned) {
    if (path.empty()) throw Error("an input path is empty");
    const bool fifo = ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
    if (fd < 0) throw Error("cannot open " + input_name(path) + ": " + std::strerror(errno));
  }
  if (::fstat(fd, &st) != 0) {
    const int saved = errno;
    if (owned) ::close(fd);
    throw Error("cannot read " + input_name(path) + ": " + std::strerror(saved));
  }
  const char* refused =
      S_ISDIR(st.st_mode) ? "it is a directory"
      // Devices other than terminals and /dev/null: /dev/zero would never
      // end.
      : (S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && !::isatty(fd) && !is_dev_null(st)))
          ? "it is a device, not a file"
          : nullptr;
  if (refused != nullptr) {
    if (owned) ::close(fd);
    throw Error("cannot read " + input_name(path) + ": " + refused);
  }
  return fd;
}

}  // namespace

std::string input_name(const std::string& path) {
  return path == "-" ? "standard input" : "'" + path + "'";
}

void check_input(const std::string& path) {
  struct stat st {};
  if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) {
    // Opening and closing a FIFO would end its writer with SIGPIPE.
    if (::access(path.c_str(), R_OK) != 0) {
      throw Error("cannot open " + input_name(path) + ": " + std::strerror(errno));
    }
    return;
  }
  bool owned = false;
  const int fd = open_checked(path, owned, st);
  if (owned) ::close(fd);
}

void check_inputs(const std::vector<std::string>& inputs, const std::vector<std::string>& options) {
  std::size_t first_stdin = inputs.size();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == "-") {
      if (first_stdin < inputs.size()) {
        const std::string& a = options[first_stdin];
        const std::string& b = options[i];
        throw UsageError(
            a == b ? "standard input (-) is given twice as " + a + "; it can be read only once"
                   : a + " and " + b + " both read standard input (-); it can be read only once");
      }
      first_stdin = i;
    }
  }
  for (const std::string& path : inputs) check_input(path);
}

struct InputFile::Inflater {
  z_stream z{};
  std::unique_ptr<char[]> in{new char[kCompressedSlice]};
  bool member_done = false;  // the last member ended; more members may follow
  Inflater() {
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~Inflater() { inflateEnd(&z); }
};

InputFile::InputFile(const std::string& path, const std::atomic<bool>* cancel)
    : path_(path), cancel_(cancel) {
  struct stat st {};
  fd_ = open_checked(path, owns_fd_, st);
  regular_ = S_ISREG(st.st_mode);
  fifo_ = owns_fd_ && S_ISFIFO(st.st_mode);
  // Two bytes tell gzip data from text; a short read at the end is not an error.
  char head[2];
  std::size_t got = 0;
  while (got < 2) {
    const std::size_t n = read_raw(head + got, 2 - got);
    if (n == 0) break;
    got += n;
  }
  peeked_.assign(head, got);
  gzip_ = got == 2 && gzip_magic(head);
  if (gzip_) inflater_ = std::make_unique<Inflater>();
  if (regular_ && !gzip_) plain_size_ = static_cast<std::int64_t>(st.st_size);
}

InputFile::~InputFile() {
  if (owns_fd_) ::close(fd_);
}

void InputFile::fail(const std::string& why) const {
  throw Error("cannot read " + input_name(path_) + ": " + why);
}

std::size_t InputFile::read_raw(char* out, std::size_t size) {
  if (size == 0) return 0;
  if (!peeked_.empty()) {
    const std::size_t n = std::min(size, peeked_.size());
    std::memcpy(out, peeked_.data(), n);
    peeked_.erase(0, n);
    return n;
  }
  for (;;) {
    // A FIFO opened without waiting reads as ended until its writer comes: wait for it.
    // Waits are in slices, so that a signal delivered to another thread still stops this one.
    if (fifo_ || (!regular_ && cancel_ != nullptr)) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, cancel_ != nullptr ? kWaitMilliseconds : -1);
      if (is_set(cancel_)) throw Interrupted();
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
      if (ready < 0) fail(std::strerror(errno));
    }
    const ssize_t n = ::read(fd_, out, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN) continue;
    if (errno != EINTR) fail(std::strerror(errno));
    if (is_set(cancel_)) throw Interrupted();
  }
}

std::size_t InputFile::inflate_into(char* out, std::size_t size) {
  z_stream& z = inflater_->z;
  std::size_t produced = 0;
  while (produced < size) {
    if (z.avail_in == 0) {
      const std::size_t n = read_raw(inflater_->in.get(), kCompressedSlice);
      if (n == 0) {
        if (!inflater_->member_done) fail("truncated gzip data");
        break;
      }
      z.next_in = reinterpret_cast<Bytef*>(inflater_->in.get());
      z.avail_in = static_cast<uInt>(n);
    }
    if (inflater_->member_done) {
      // More bytes after a member: another member, or padding zeros; anything else is not
      // part of the stream.
      if (z.next_in[0] == 0) {
        Bytef* end = z.next_in + z.avail_in;
        Bytef* p = std::find_if(z.next_in, end, [](Bytef b) { return b != 0; });
        z.avail_in = static_cast<uInt>(end - p);
        z.next_in = p;
        continue;
      }
      if (z.next_in[0] != 0x1F) fail("unexpected data after the end of the gzip data");
      inflateReset(&z);
      inflater_->member_done = false;
    }
    const std::size_t room = std::min<std::size_t>(size - produced, 1u << 30);
    z.next_out = reinterpret_cast<Bytef*>(out + produced);
    z.avail_out = static_cast<uInt>(room);
    const int status = ::inflate(&z, Z_NO_FLUSH);
    produced += room - z.avail_out;
    if (status == Z_STREAM_END) {
      inflater_->member_done = true;
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      fail("corrupt gzip data");
    }
  }
  return produced;
}

void InputFile::seek(std::uint64_t offset) {
  if (plain_size_ < 0) throw std::logic_error("InputFile::seek: not a plain regular file");
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) fail(std::strerror(errno));
  peeked_.clear();
}

std::size_t InputFile::read(char* out, std::size_t size) {
  if (gzip_) return inflate_into(out, size);
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = read_raw(out + got, size - got);
    if (n == 0) break;
    got += n;
  }
  return got;
}

std::string read_input(const std::string& path, const std::atomic<bool>* cancel) {
  InputFile input(path, cancel);
  std::string text;
  if (input.plain_size() > 0) text.reserve(static_cast<std::size_t>(input.plain_size()));
  constexpr std::size_t kSlice = 1 << 16;
  for (;;) {
    const std::size_t before = text.size();
    text.resize(before + kSlice);
    const std::size_t n = input.read(text.data() + before, kSlice);
    text.resize(before + n);
    if (n < kSlice) break;
    if (is_set(cancel)) throw Interrupted();
  }
  return text;
}

}  // namespace w2v
