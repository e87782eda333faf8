// Helpers shared by the tests: a temporary folder, whole-file I/O, shell commands.
#pragma once
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "w2v/model.hpp"
#include "w2v/output_file.hpp"
#include "w2v/rng.hpp"
#include "w2v/string_table.hpp"
#include "w2v/vectors.hpp"

namespace w2v::test {

// UTF-8 encoding of one code point, written out independently of the library.
inline std::string utf8_encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/w2v_test_XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string operator/(const std::string& name) const { return file(name); }
  // The names of everything in the folder.
  std::set<std::string> list() const { return list_of(path_); }
  // The names of everything in folder `path`.
  static std::set<std::string> list_of(const std::string& path) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

// `s` as one word for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

struct CommandResult {
  int exit_code = -1;  // the exit status, or 128 + signal number
  std::string out;     // standard output
  std::string err;     // standard error
};

// Runs `command` with /bin/sh, capturing its standard output and error through files in
// a scratch folder of its own.
inline CommandResult run_command(const std::string& command) {
  TempDir scratch;
  const std::string out = scratch.file("stdout"), err = scratch.file("stderr");
  const std::string full = "( " + command + " ) >" + shell_quote(out) + " 2>" + shell_quote(err);
  const int status = std::system(full.c_str());
  CommandResult result;
  if (status == -1) throw std::runtime_error("cannot run: " + command);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

// Runs the built w2v with `args` (shell text, quoted where needed), standard input from
// `input`, within two minutes (exit status 124 past them).
inline CommandResult run_w2v(const std::string& args, const std::string& input = "") {
  TempDir scratch;
  write_file(scratch.file("in"), input);
  return run_command("timeout 120 " + shell_quote(W2V_BINARY) + " " + args + " < " +
                     shell_quote(scratch.file("in")));
}

// A command run by /bin/sh in the background (its own process group), standard output and
// error to the given files, standard input from /dev/null or from a pipe the test writes
// to. `exec` in front of the last command makes pid() that command's pid. Killed (the
// whole group, SIGKILL) and reaped on destruction if still running.
class Background {
 public:
  explicit Background(const std::string& command, bool stdin_pipe = false,
                      const std::string& out_path = "/dev/null",
                      const std::string& err_path = "/dev/null") {
    int fds[2] = {-1, -1};
    if (stdin_pipe && ::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    // Everything the child needs is made before fork: it may only call async-signal-safe
    // functions.
    const std::string sh = "/bin/sh";
    std::vector<char*> argv{const_cast<char*>("sh"), const_cast<char*>("-c"),
                            const_cast<char*>(command.c_str()), nullptr};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      struct sigaction dfl {};
      dfl.sa_handler = SIG_DFL;
      sigemptyset(&dfl.sa_mask);
      for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGXFSZ, SIGCHLD}) {
        ::sigaction(sig, &dfl, nullptr);
      }
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      const int in = stdin_pipe ? fds[0] : ::open("/dev/null", O_RDONLY);
      const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || err < 0) ::_exit(126);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::execv(sh.c_str(), argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);  // also here, so that it holds before the child gets to it
    if (stdin_pipe) {
      ::close(fds[0]);
      stdin_ = fds[1];
    }
  }
  ~Background() {
    close_stdin();
    if (running()) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      wait(10);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }

  // True until the process has exited (and then it is reaped).
  bool running() {
    if (done_) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      done_ = true;
      exit_code_ = WIFEXITED(status)     ? WEXITSTATUS(status)
                   : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                         : -1;
    }
    return !done_;
  }

  // Waits up to `seconds` for the exit: the exit status as run_command gives it, or -1 while
  // the process still runs.
  int wait(double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (running()) {
      if (std::chrono::steady_clock::now() >= end) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return exit_code_;
  }

  // Sends `sig` to the process itself (not its group), as `kill -SIG pid` does.
  void signal(int sig) {
    if (!done_) ::kill(pid_, sig);
  }
  void signal_group(int sig) {
    if (!done_) ::kill(-pid_, sig);
  }

  // Writes to the process's standard input; false when the reader is gone (EPIPE). The
  // test process is not killed by SIGPIPE: the signal is blocked and consumed here.
  bool write_stdin(const std::string& data) {
    if (stdin_ < 0) throw std::logic_error("Background: no standard input pipe");
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    bool ok = true;
    for (std::size_t done = 0; done < data.size();) {
      const ssize_t n = ::write(stdin_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ok = false;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    if (!ok) {
      const timespec zero{0, 0};
      ::sigtimedwait(&pipe_set, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
  }
  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  bool done_ = false;
  int exit_code_ = -1;
};

// Polls `condition` every 2 ms for up to `seconds`; whether it became true.
template <class Condition>
bool wait_until(Condition condition, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// A corpus with planted topics: each line draws a topic and 5 to 10 of its `words` words,
// t<topic>w<word>, separated by single spaces.
inline std::string planted_corpus(int lines, std::uint64_t seed, int topics = 8, int words = 6) {
  std::string text;
  std::uint64_t x = seed;
  auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(x >> 33);
  };
  for (int l = 0; l < lines; ++l) {
    const std::uint32_t topic = next() % static_cast<std::uint32_t>(topics);
    const int len = 5 + static_cast<int>(next() % 6);
    for (int i = 0; i < len; ++i) {
      if (i > 0) text += ' ';
      text += "t" + std::to_string(topic) + "w" +
              std::to_string(next() % static_cast<std::uint32_t>(words));
    }
    text += '\n';
  }
  return text;
}

// `text` as one gzip member.
inline std::string gzip_compress(const std::string& text) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

// A table's words in id order.
inline std::vector<std::string> words_of(const StringTable& table) {
  std::vector<std::string> words;
  for (std::uint32_t i = 0; i < table.size(); ++i) words.emplace_back(table.word(i));
  return words;
}

// Splits on '\n'; a final newline does not make an empty last line.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::string::size_type start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) {
      result.push_back(text.substr(start));
      break;
    }
    result.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return result;
}

// Splits on one character.
inline std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (;;) {
    const auto end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// How well vectors group words by topic: for each row i < rows with a topic (topic_of(i)
// not empty), its `k` nearest rows by cosine (brute force) and how many share its topic.
struct TopicNeighbours {
  double share = 0;  // of all those neighbours, the fraction in their row's topic
  int worst = 0;     // the fewest any row got
};
template <class TopicOf>
TopicNeighbours neighbours_in_topic(const Matrix& m, std::size_t rows, TopicOf topic_of,
                                    int k = 5) {
  const std::size_t dim = m.cols();
  std::vector<std::vector<double>> unit(rows, std::vector<double>(dim));
  for (std::size_t i = 0; i < rows; ++i) {
    double norm = 0;
    for (std::size_t d = 0; d < dim; ++d) norm += double(m.row(i)[d]) * m.row(i)[d];
    norm = std::sqrt(std::max(norm, 1e-30));
    for (std::size_t d = 0; d < dim; ++d) unit[i][d] = m.row(i)[d] / norm;
  }
  TopicNeighbours out;
  out.worst = k;
  int same = 0, total = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string topic = topic_of(i);
    if (topic.empty()) continue;
    std::vector<std::pair<double, std::size_t>> sims;
    for (std::size_t j = 0; j < rows; ++j) {
      if (j == i) continue;
      double dot = 0;
      for (std::size_t d = 0; d < dim; ++d) dot += unit[i][d] * unit[j][d];
      sims.emplace_back(dot, j);
    }
    std::partial_sort(sims.begin(), sims.begin() + k, sims.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    int here = 0;
    for (int n = 0; n < k; ++n) here += topic_of(sims[n].second) == topic;
    same += here;
    total += k;
    out.worst = std::min(out.worst, here);
  }
  out.share = total > 0 ? static_cast<double>(same) / total : 0.0;
  return out;
}

// Seeded normal-ish random vectors (sum of uniforms) for words w0, w1, ...
inline Matrix random_matrix(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  Matrix m(rows, dim);
  Rng rng(seed, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t d = 0; d < dim; ++d) {
      m.row(r)[d] = static_cast<float>(rng.uniform() + rng.uniform() + rng.uniform() - 1.5);
    }
  }
  return m;
}

inline std::vector<std::string> numbered_words(std::size_t n, const std::string& prefix = "w") {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < n; ++i) words.push_back(prefix + std::to_string(i));
  return words;
}

inline StringTable table_of(const std::vector<std::string>& words) {
  StringTable table;
  for (const auto& word : words) table.insert(word);
  REQUIRE(table.size() == words.size());
  return table;
}

inline void save_vectors(const std::string& path, VectorFormat format,
                         const std::vector<std::string>& words, const Matrix& m) {
  OutputFile file(path);
  write_vectors(file, format, table_of(words), m);
  file.commit();
}

// A JSON value; enough of JSON to check the CLI's output (RFC 8259 syntax, strict).
struct Json {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject } type = kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  bool has(const std::string& key) const {
    for (const auto& kv : object) {
      if (kv.first == key) return true;
    }
    return false;
  }
  const Json& operator[](const std::string& key) const {
    for (const auto& kv : object) {
      if (kv.first == key) return kv.second;
    }
    throw std::runtime_error("JSON: no member '" + key + "'");
  }
  const Json& operator[](std::size_t i) const { return array.at(i); }
};

class JsonParser {
 public:
  // Throws std::runtime_error unless `text` is exactly one JSON value (whitespace around).
  static Json parse(const std::string& text) {
    JsonParser p(text);
    Json v = p.value();
    p.space();
    if (p.pos_ != text.size()) p.fail("trailing characters");
    return v;
  }

 private:
  explicit JsonParser(const std::string& text) : s_(text) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("JSON: " + why + " at offset " + std::to_string(pos_));
  }
  void space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool take(char c) {
    space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }
  Json value() {
    space();
    if (pos_ >= s_.size()) fail("unexpected end");
    Json v;
    const char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      v.type = Json::kObject;
      if (take('}')) return v;
      do {
        space();
        Json key = string_value();
        expect(':');
        v.object.emplace_back(key.string, value());
      } while (take(','));
      expect('}');
    } else if (c == '[') {
      ++pos_;
      v.type = Json::kArray;
      if (take(']')) return v;
      do {
        v.array.push_back(value());
      } while (take(','));
      expect(']');
    } else if (c == '"') {
      v = string_value();
    } else if (literal("true")) {
      v.type = Json::kBool;
      v.boolean = true;
    } else if (literal("false")) {
      v.type = Json::kBool;
    } else if (literal("null")) {
      v.type = Json::kNull;
    } else {
      v = number_value();
    }
    return v;
  }
  Json string_value() {
    if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string");
    ++pos_;
    Json v;
    v.type = Json::kString;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        v.string += c;
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"':
          v.string += '"';
          break;
        case '\\':
          v.string += '\\';
          break;
        case '/':
          v.string += '/';
          break;
        case 'b':
          v.string += '\b';
          break;
        case 'f':
          v.string += '\f';
          break;
        case 'n':
          v.string += '\n';
          break;
        case 'r':
          v.string += '\r';
          break;
        case 't':
          v.string += '\t';
          break;
        case 'u': {
          if (pos_ + 4 > s_.size()) fail("short \\u escape");
          const unsigned code = static_cast<unsigned>(std::stoul(s_.substr(pos_, 4), nullptr, 16));
          pos_ += 4;
          if (code < 0x80) {
            v.string += static_cast<char>(code);
          } else {
            v.string += '?';  // enough for these tests
          }
          break;
        }
        default:
          fail("bad escape");
      }
    }
    return v;
  }
  Json number_value() {
    const std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      fail("expected a value");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) fail("expected digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) fail("expected exponent digits");
    }
    Json v;
    v.type = Json::kNumber;
    v.number = std::strtod(s_.substr(start, pos_ - start).c_str(), nullptr);
    return v;
  }

  const std::string& s_;
  std::size_t pos_ = 0;
};

}  // namespace w2v::test
