// Helpers for the vector, search, eval and gensim tests: temporary folders, running the
// built binary, seeded random vector files and a small JSON parser.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "w2v/model.hpp"
#include "w2v/output_file.hpp"
#include "w2v/rng.hpp"
#include "w2v/vectors.hpp"

namespace w2v::qtest {

// A fresh folder under the system's temporary folder, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "w2v-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Single quotes for sh.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct RunResult {
  int status = -1;  // exit status; 124 when the timeout hit
  std::string out, err;
};

// Runs `sh -c command` with a time limit, standard input from `input` through a pipe.
inline RunResult run_shell(const std::string& command, const std::string& input = "",
                           int timeout_seconds = 120) {
  TempDir dir;
  write_file(dir / "in", input);
  const std::string full = "cat " + shell_quote(dir / "in") + " | timeout " +
                           std::to_string(timeout_seconds) + " sh -c " + shell_quote(command) +
                           " > " + shell_quote(dir / "out") + " 2> " + shell_quote(dir / "err");
  const int raw = std::system(full.c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(dir / "out");
  r.err = read_file(dir / "err");
  return r;
}

// Runs the built w2v with `args` (already quoted where needed).
inline RunResult run_w2v(const std::string& args, const std::string& input = "") {
  return run_shell(shell_quote(W2V_BINARY) + " " + args, input);
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::vector<std::string> split_on(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
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

}  // namespace w2v::qtest
