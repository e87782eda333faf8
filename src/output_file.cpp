#include "w2v/output_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "w2v/error.hpp"
#include "w2v/input_file.hpp"

namespace w2v {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
// Write-back of a file is started every this many bytes, so that the sync at the commit
// waits only for the tail instead of the whole file.
constexpr std::uint64_t kWriteBackBytes = 8 << 20;
constexpr const char* kTempMarker = ".w2v-tmp.";
constexpr int kMaxSymlinks = 40;

std::string output_name(const std::string& path) {
  return path == "-" ? "standard output" : "'" + path + "'";
}

[[noreturn]] void cannot_write(const std::string& path, const std::string& why) {
  throw Error("cannot write " + output_name(path) + ": " + why);
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The name a dangling symlink chain ends at (the file to create), or `path` itself when it
// is not a symlink.
std::string follow_symlinks(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < kMaxSymlinks; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::string link(PATH_MAX, '\0');
    const ssize_t n = ::readlink(p.c_str(), link.data(), link.size());
    if (n < 0) cannot_write(path, std::strerror(errno));
    link.resize(static_cast<std::size_t>(n));
    p = !link.empty() && link[0] == '/' ? link : folder_of(p) + "/" + link;
  }
  cannot_write(path, std::strerror(ELOOP));
}

void require_writable_folder(const std::string& path, const std::string& folder, struct stat& st) {
  if (::stat(folder.c_str(), &st) != 0) {
    if (errno == ENOENT) cannot_write(path, "the folder '" + folder + "' does not exist");
    cannot_write(path, std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) cannot_write(path, "'" + folder + "' is not a folder");
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    cannot_write(path, "the folder '" + folder + "': " + std::strerror(errno));
  }
}

std::uint64_t random_bits() {
  std::uint64_t x = 0;
  if (::getentropy(&x, sizeof x) != 0) {
    x = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (static_cast<std::uint64_t>(::getpid()) << 32);
  }
  return x;
}

// `<name>.w2v-tmp.<pid>.<six letters or digits>`: the pid of the writer, or 0 when `name`
// is not such a temporary.
long temporary_writer(const std::string& name) {
  const std::size_t marker = name.rfind(kTempMarker);
  if (marker == std::string::npos) return 0;
  const std::size_t digits = marker + std::strlen(kTempMarker);
  const std::size_t dot = name.find('.', digits);
  if (dot == std::string::npos || dot == digits || name.size() - dot != 7) return 0;
  long pid = 0;
  for (std::size_t i = digits; i < dot; ++i) {
    if (name[i] < '0' || name[i] > '9' || pid > 1L << 40) return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  for (std::size_t i = dot + 1; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
  }
  return pid;
}

bool process_alive(long pid) {
  if (pid <= 0 || pid > INT_MAX) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

std::string OutputPath::folder() const {
  return kind == OutputKind::kFile ? folder_of(target) : std::string();
}

OutputPath check_output(const std::string& path) {
  if (path.empty()) throw UsageError("an output path is empty");
  OutputPath out;
  out.path = path;
  struct stat st {};
  if (path == "-") {
    out.kind = OutputKind::kStandardOutput;
    if (::fstat(STDOUT_FILENO, &st) != 0) cannot_write(path, "it is closed");
    out.terminal = ::isatty(STDOUT_FILENO) != 0;
  } else if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) cannot_write(path, "it is a directory");
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      out.kind = OutputKind::kStream;
      if (::access(path.c_str(), W_OK) != 0) cannot_write(path, std::strerror(errno));
      if (S_ISCHR(st.st_mode)) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) {
          out.terminal = ::isatty(fd) != 0;
          ::close(fd);
        }
      }
    } else if (S_ISREG(st.st_mode)) {
      out.kind = OutputKind::kFile;
      char* real = ::realpath(path.c_str(), nullptr);
      if (real == nullptr) cannot_write(path, std::strerror(errno));
      out.target = real;
      std::free(real);
      struct stat folder {};
      require_writable_folder(path, folder_of(out.target), folder);
      if (::access(out.target.c_str(), W_OK) != 0) cannot_write(path, std::strerror(errno));
    } else {
      cannot_write(path, "it is not a regular file, character device or FIFO");
    }
  } else if (errno == ENOENT) {
    out.kind = OutputKind::kFile;
    out.target = follow_symlinks(path);
    require_writable_folder(path, folder_of(out.target), st);
    out.new_name = name_of(out.target);
    if (out.new_name.empty()) cannot_write(path, "it names no file");
  } else {
    cannot_write(path, std::strerror(errno));
  }
  out.device = static_cast<std::uint64_t>(st.st_dev);
  out.inode = static_cast<std::uint64_t>(st.st_ino);
  return out;
}

std::vector<OutputPath> check_outputs(
    const std::vector<std::pair<std::string, std::string>>& named_paths,
    const std::vector<std::string>& inputs) {
  std::vector<OutputPath> checked;
  std::vector<std::string> names;
  for (const auto& [name, path] : named_paths) {
    if (path.empty()) {
      checked.emplace_back();
      names.push_back(name);
      continue;
    }
    OutputPath p = check_output(path);
    for (std::size_t i = 0; i < checked.size(); ++i) {
      const OutputPath& q = checked[i];
      if (q.path.empty()) continue;
      if (p.device == q.device && p.inode == q.inode && p.new_name == q.new_name) {
        throw UsageError(names[i] + " and " + name + " both write " +
                         (p.path == q.path ? output_name(p.path)
                                           : output_name(q.path) + " and " + output_name(p.path) +
                                                 ", the same file") +
                         ": give each output its own path");
      }
    }
    checked.push_back(std::move(p));
    names.push_back(name);
  }
  for (std::size_t i = 0; i < checked.size(); ++i) check_not_an_input(checked[i], names[i], inputs);
  return checked;
}

void check_not_an_input(const OutputPath& output, const std::string& option,
                        const std::vector<std::string>& inputs) {
  if (output.path.empty() || output.kind != OutputKind::kFile || !output.new_name.empty()) return;
  for (const std::string& input : inputs) {
    struct stat st {};
    if (input == "-" || ::stat(input.c_str(), &st) != 0) continue;
    if (static_cast<std::uint64_t>(st.st_dev) == output.device &&
        static_cast<std::uint64_t>(st.st_ino) == output.inode) {
      throw UsageError(option + " '" + output.path + "' is the input " + input_name(input) +
                       ": give the output its own path");
    }
  }
}

OutputFile::OutputFile(const std::string& path, const std::atomic<bool>* cancel)
    : OutputFile(check_output(path), cancel) {}

OutputFile::OutputFile(const OutputPath& checked, const std::atomic<bool>* cancel)
    : checked_(checked), cancel_(cancel), buffer_(new char[kBufferBytes]) {
  switch (checked_.kind) {
    case OutputKind::kStandardOutput:
      fd_ = STDOUT_FILENO;
      break;
    case OutputKind::kStream:
      open_stream();
      break;
    case OutputKind::kFile:
      open_temporary();
      break;
  }
}

void OutputFile::open_stream() {
  for (;;) {
    // Blocks until a FIFO has a reader, as `echo > fifo` does; a signal ends the wait.
    fd_ = ::open(checked_.path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd_ >= 0) return;
    if (errno != EINTR) fail(errno);
    check_cancel();
  }
}

void OutputFile::open_temporary() {
  const std::string folder = folder_of(checked_.target);
  sweep_stale_temporaries(folder);
  const std::string pid = std::to_string(::getpid());
  std::string base = name_of(checked_.target);
  const std::size_t room = NAME_MAX - std::strlen(kTempMarker) - pid.size() - 7;
  if (base.size() > room) base.resize(room);
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0;; ++attempt) {
    std::uint64_t bits = random_bits();
    std::string suffix(6, 'a');
    for (char& c : suffix) {
      c = kLetters[bits % 62];
      bits /= 62;
    }
    temp_path_ = folder + "/" + base + kTempMarker + pid + "." + suffix;
    // 0666 less the umask, as for any new file.
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) break;
    const int error = errno;
    temp_path_.clear();
    if (error != EEXIST || attempt > 100) fail(error);
  }
  // Held until the file is renamed or this process dies: how a sweep tells a live writer.
  while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
  }
  struct stat old {};
  if (checked_.new_name.empty() && ::stat(checked_.target.c_str(), &old) == 0) {
    ::fchmod(fd_, old.st_mode & 07777);
    if (old.st_uid != ::geteuid() || old.st_gid != ::getegid()) {
      // Allowed for root only; others give the file their own owner, as any writer does.
      if (::fchown(fd_, old.st_uid, old.st_gid) == 0) ::fchmod(fd_, old.st_mode & 07777);
    }
  }
}

OutputFile::~OutputFile() {
  if (checked_.kind != OutputKind::kStandardOutput && fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void OutputFile::check_cancel() const {
  if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) throw Interrupted();
}

void OutputFile::fail(int error) const {
  if (error == EPIPE && checked_.kind == OutputKind::kStandardOutput) throw BrokenPipe();
  std::string why = std::strerror(error);
  if (error == ENOSPC || error == EFBIG) {
    const auto mb = [](std::uint64_t bytes) {
      return std::to_string((bytes + (1 << 20) - 1) >> 20);
    };
    why += expected_ > 0
               ? " (the file needs " + mb(expected_) + " MB, " + mb(written_) + " MB were written)"
               : " (after " + mb(written_) + " MB)";
  }
  cannot_write(checked_.path, why);
}

void OutputFile::write_out(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno != EINTR) fail(errno);
      check_cancel();
      continue;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
#ifdef SYNC_FILE_RANGE_WRITE
  if (checked_.kind == OutputKind::kFile && written_ - synced_ >= kWriteBackBytes) {
    ::sync_file_range(fd_, static_cast<off_t>(synced_), static_cast<off_t>(written_ - synced_),
                      SYNC_FILE_RANGE_WRITE);
    synced_ = written_;
  }
#endif
}

void OutputFile::write(const void* data, std::size_t size) {
  check_cancel();
  if (prepared_) throw std::logic_error("OutputFile::write after commit");
  const char* p = static_cast<const char*>(data);
  if (buffered_ + size <= kBufferBytes) {
    std::memcpy(buffer_.get() + buffered_, p, size);
    buffered_ += size;
    return;
  }
  flush();
  if (size >= kBufferBytes) {
    write_out(p, size);
  } else {
    std::memcpy(buffer_.get(), p, size);
    buffered_ = size;
  }
}

void OutputFile::flush() {
  if (buffered_ == 0) return;
  const std::size_t n = buffered_;
  buffered_ = 0;
  write_out(buffer_.get(), n);
}

void OutputFile::prepare() {
  if (prepared_) return;
  check_cancel();
  flush();
  if (checked_.kind == OutputKind::kFile) {
    while (::fsync(fd_) != 0) {
      if (errno != EINTR) fail(errno);
    }
  }
  prepared_ = true;
}

void OutputFile::publish() {
  if (committed_) return;
  if (!prepared_) throw std::logic_error("OutputFile::publish before prepare");
  committed_ = true;
  if (checked_.kind != OutputKind::kFile) return;
  if (::rename(temp_path_.c_str(), checked_.target.c_str()) != 0) {
    cannot_write(checked_.path, std::string("cannot rename the finished file into place: ") +
                                    std::strerror(errno));
  }
  temp_path_.clear();
  ::close(fd_);
  fd_ = -1;
  // The rename itself lasts only once the folder is synced.
  const int folder = ::open(folder_of(checked_.target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    const bool synced = ::fsync(folder) == 0 || errno == EINVAL || errno == EROFS;
    const int error = errno;
    ::close(folder);
    if (!synced)
      cannot_write(checked_.path, std::string("syncing its folder: ") + std::strerror(error));
  }
}

void OutputFile::commit() { commit_together({this}, cancel_); }

void commit_together(const std::vector<OutputFile*>& files, const std::atomic<bool>* cancel) {
  for (OutputFile* f : files) {
    if (f != nullptr) f->prepare();
  }
  if (cancel != nullptr && cancel->load()) throw Interrupted();
  for (OutputFile* f : files) {
    if (f != nullptr) f->publish();
  }
}

int sweep_stale_temporaries(const std::string& folder) {
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) return 0;
  const int dir_fd = ::dirfd(dir);
  int removed = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    const long pid = temporary_writer(name);
    if (pid == 0) continue;
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat held {
    }, now{};
    // A live writer holds the lock; a writer between creating its file and locking it is
    // alive by its pid.
    if (::fstat(fd, &held) == 0 && S_ISREG(held.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        !process_alive(pid) && ::fstatat(dir_fd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 &&
        now.st_dev == held.st_dev && now.st_ino == held.st_ino &&
        ::unlinkat(dir_fd, name.c_str(), 0) == 0) {
      ++removed;
    }
    ::close(fd);
  }
  ::closedir(dir);
  return removed;
}

}  // namespace w2v
