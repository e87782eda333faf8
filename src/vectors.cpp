#include "w2v/vectors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>

#include "detail/parallel.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/utf8.hpp"
#include "w2v/word.hpp"

namespace w2v {

VectorFormat parse_vector_format(const std::string& name) {
  if (name == "bin" || name == "binary") return VectorFormat::kBinary;
  if (name == "text" || name == "txt") return VectorFormat::kText;
  throw UsageError("--format must be 'bin' or 'text', got '" + name + "'");
}

VectorFormat format_for_path(const std::string& path) {
  const std::string suffix = ".bin";
  const bool bin = path.size() >= suffix.size() &&
                   path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return bin ? VectorFormat::kBinary : VectorFormat::kText;
}

void write_vectors(ByteSink& out, VectorFormat format, const StringTable& words,
                   const Matrix& vectors, const std::atomic<bool>* cancel) {
  const std::size_t dim = vectors.cols();
  out.write(std::to_string(words.size()) + " " + std::to_string(dim) + "\n");
  std::string line;
  char number[32];
  for (std::uint32_t i = 0; i < words.size(); ++i) {
    if ((i & 4095) == 0 && cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      throw Interrupted();
    }
    const float* row = vectors.row(i);
    line.assign(words.word(i));
    if (format == VectorFormat::kBinary) {
      line += ' ';
      static_assert(sizeof(float) == 4, "binary files hold float32");
      // The file is little-endian; so is every machine this builds for (checked below).
      line.append(reinterpret_cast<const char*>(row), dim * sizeof(float));
    } else {
      for (std::size_t d = 0; d < dim; ++d) {
        line += ' ';
        const auto result = std::to_chars(number, number + sizeof number, row[d]);
        line.append(number, result.ptr);
      }
    }
    line += '\n';
    out.write(line);
  }
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "binary vector files assume little-endian");

namespace {

constexpr std::uint64_t kMaxDim = 1u << 20;
// Records tried both ways to tell text from binary.
constexpr std::uint64_t kDetectRecords = 16;
constexpr std::size_t kMaxHeaderBytes = 256;

// Separators inside a line of a text file.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string nth(std::uint64_t i) { return "vector " + std::to_string(i + 1); }

// Parses one number that fills [begin, end). std::from_chars takes no '+' sign and
// reports out_of_range for values beyond float; those become +-inf or a rounded tiny value.
bool parse_float(const char* begin, const char* end, float& value) {
  if (begin < end && *begin == '+') {
    ++begin;
    if (begin < end && (*begin == '-' || *begin == '+')) return false;
  }
  const auto result = std::from_chars(begin, end, value);
  if (result.ptr != end || begin == end) return false;
  if (result.ec == std::errc::result_out_of_range) {
    const std::string token(begin, end);
    value = static_cast<float>(std::strtod(token.c_str(), nullptr));
    return true;
  }
  return result.ec == std::errc();
}

// Parses `word v1 ... vdim` (blank-separated, surrounding blanks ignored) into `row`.
// Returns why the line is not one, or an empty string.
std::string parse_text_record(std::string_view line, std::size_t dim, float* row,
                              std::string_view& word) {
  const char* p = line.data();
  const char* end = p + line.size();
  while (end > p && is_blank(end[-1])) --end;
  while (p < end && is_blank(*p)) ++p;
  const char* word_end = p;
  while (word_end < end && !is_blank(*word_end)) ++word_end;
  word = std::string_view(p, static_cast<std::size_t>(word_end - p));
  std::string problem = word_problem(word);
  if (!problem.empty()) return problem;
  std::size_t values = 0;
  for (const char* q = word_end;;) {
    while (q < end && is_blank(*q)) ++q;
    if (q == end) break;
    const char* token_end = q;
    while (token_end < end && !is_blank(*token_end)) ++token_end;
    if (values < dim) {
      float v;
      const std::string_view token(q, static_cast<std::size_t>(token_end - q));
      if (!parse_float(q, token_end, v)) {
        return "value " + std::to_string(values + 1) + " of " + quoted(word) +
               " is not a number: " + quoted(token, 24);
      }
      if (!std::isfinite(v)) {
        return "value " + std::to_string(values + 1) + " of " + quoted(word) + " is " +
               (std::isnan(v) ? "NaN" : "infinite");
      }
      row[values] = v;
    }
    ++values;
    q = token_end;
  }
  if (values != dim) {
    return "expected " + std::to_string(dim) + " values after " + quoted(word) + ", got " +
           std::to_string(values);
  }
  return {};
}

struct Header {
  std::uint64_t count = 0;
  std::uint64_t dim = 0;
  std::size_t end = 0;  // offset just after the header line
};

Header parse_header(std::string_view data, const std::string& name) {
  if (data.empty()) throw Error(name + ": the file is empty");
  const std::size_t newline = data.substr(0, kMaxHeaderBytes).find('\n');
  const std::string expected = ": expected '<count> <dimension>' on the first line";
  if (newline == std::string_view::npos) {
    throw Error(name + ":1: bad header" + expected + " (no line break in the first " +
                std::to_string(std::min(data.size(), kMaxHeaderBytes)) + " bytes)");
  }
  const std::string_view line = data.substr(0, newline);
  std::uint64_t numbers[2] = {0, 0};
  int found = 0;
  bool ok = true;
  for (std::size_t i = 0; i < line.size() && ok;) {
    if (is_blank(line[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && !is_blank(line[j])) ++j;
    if (found == 2) {
      ok = false;
      break;
    }
    const auto result = std::from_chars(line.data() + i, line.data() + j, numbers[found]);
    ok = result.ec == std::errc() && result.ptr == line.data() + j;
    ++found;
    i = j;
  }
  if (!ok || found != 2) throw Error(name + ":1: bad header " + quoted(line) + expected);
  Header header;
  header.count = numbers[0];
  header.dim = numbers[1];
  header.end = newline + 1;
  if (header.dim == 0 || header.dim > kMaxDim) {
    throw Error(name + ":1: bad header " + quoted(line) + ": the dimension must be 1 to " +
                std::to_string(kMaxDim));
  }
  if (header.count >= StringTable::kNotFound) {
    throw Error(name + ":1: bad header " + quoted(line) + ": more vectors than this tool handles");
  }
  return header;
}

// How many of the first `want` records after `first` read as text lines, stopping at the
// first that does not (blank lines skipped, as read_text does).
std::uint64_t text_records(std::string_view data, std::size_t first, std::size_t dim,
                           std::uint64_t want) {
  std::vector<float> scratch(dim);
  std::string_view word;
  std::uint64_t good = 0;
  for (std::size_t pos = first; good < want && pos < data.size();) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    const std::string_view line = data.substr(pos, end - pos);
    pos = end + 1;
    if (std::all_of(line.begin(), line.end(), is_blank)) continue;
    if (!parse_text_record(line, dim, scratch.data(), word).empty()) break;
    ++good;
  }
  return good;
}

// How many of the first `want` records after `first` read as binary records (see
// read_binary), stopping at the first that does not. When they are all the file's
// `count` records, only line breaks and blanks may follow the last. `newlines` tells
// whether a line break follows each of them (word2vec.c's layout).
std::uint64_t binary_records(std::string_view data, std::size_t first, std::size_t dim,
                             std::uint64_t want, std::uint64_t count, bool& newlines) {
  const std::size_t bytes = dim * sizeof(float);
  std::uint64_t good = 0;
  std::size_t pos = first;
  for (; good < want; ++good) {
    while (pos < data.size() && data[pos] == '\n') ++pos;
    const std::size_t space = data.substr(pos, kMaxWordBytes + 1).find(' ');
    if (space == std::string_view::npos) break;
    if (!word_problem(data.substr(pos, space)).empty()) break;
    const std::size_t values = pos + space + 1;
    if (data.size() - values < bytes) break;
    for (std::size_t d = 0; d < dim; ++d) {
      float v;
      std::memcpy(&v, data.data() + values + 4 * d, 4);
      if (!std::isfinite(v)) return good;
    }
    pos = values + bytes;
    newlines = newlines && pos < data.size() && data[pos] == '\n';
  }
  if (good == count && good > 0) {
    const bool rest_blank = std::all_of(data.begin() + static_cast<std::ptrdiff_t>(pos), data.end(),
                                        [](char c) { return c == '\n' || is_blank(c); });
    if (!rest_blank) --good;
  }
  return good;
}

// The first non-blank line after `first`.
std::string_view first_line(std::string_view data, std::size_t first) {
  for (std::size_t pos = first; pos < data.size();) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    const std::string_view line = data.substr(pos, end - pos);
    if (!std::all_of(line.begin(), line.end(), is_blank)) return line;
    pos = end + 1;
  }
  return {};
}

// The header a GloVe file (text without a header line) would have: its first line is a
// word and `dim` numbers, and every line holding more than blanks is a vector. Nothing when
// the first line is not such a record, or starts with a whole number, signed or not (then
// it is read as a header).
std::optional<Header> headerless_header(std::string_view data) {
  const std::size_t newline = data.find('\n');
  const std::string_view line = data.substr(0, newline);
  std::size_t fields = 0;
  bool in_field = false;
  for (const char c : line) {
    if (is_blank(c)) {
      in_field = false;
    } else if (!in_field) {
      in_field = true;
      ++fields;
    }
  }
  if (fields < 2 || fields - 1 > kMaxDim) return std::nullopt;
  // A line that starts with a whole number is a header, even a broken one: its error is
  // the one to give.
  const std::size_t first = line.find_first_not_of(" \t\r");
  const std::size_t first_end = line.find_first_of(" \t\r", first);
  std::string_view head = line.substr(first, first_end - first);
  if (!head.empty() && (head[0] == '-' || head[0] == '+')) head.remove_prefix(1);
  if (head.find_first_not_of("0123456789") == std::string_view::npos) return std::nullopt;
  std::vector<float> row(fields - 1);
  std::string_view word;
  if (!parse_text_record(line, fields - 1, row.data(), word).empty()) return std::nullopt;
  Header header;
  header.dim = fields - 1;
  header.end = 0;
  for (std::size_t pos = 0; pos < data.size();) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    for (std::size_t i = pos; i < end; ++i) {
      if (!is_blank(data[i])) {
        ++header.count;
        break;
      }
    }
    pos = end + 1;
  }
  return header;
}

// A line that has the shape of a text record, a word and `dim` blank-separated fields
// without control bytes, whether or not the fields are numbers.
bool text_shaped(std::string_view line, std::size_t dim) {
  std::size_t fields = 0;
  bool in_field = false;
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (is_blank(c)) {
      in_field = false;
    } else if (u < 0x20 || u == 0x7F) {
      return false;
    } else if (!in_field) {
      in_field = true;
      ++fields;
    }
  }
  return fields == dim + 1;
}

// Text or binary. Text when the first records all read as text. Binary when they all
// read as binary records each followed by a line break, as word2vec.c and w2v write them:
// the floats of a record can hold blanks and no control byte, so that its line has a text
// record's shape. Otherwise text when (dimension 2 and up) the first line has that shape:
// then an error names its line (a text line with a broken value can, by chance, read as
// a binary record that takes the line break as a float byte). Otherwise binary when the
// records all read as binary. When neither reading gets through them, the look of the
// first record decides which error to report: printable with a digit is text.
VectorFormat detect_format(std::string_view data, std::size_t first, std::size_t dim,
                           std::uint64_t count) {
  const std::uint64_t want = std::min(count, kDetectRecords);
  const std::uint64_t text = text_records(data, first, dim, want);
  if (text == want) return VectorFormat::kText;
  bool newlines = true;
  const bool binary = binary_records(data, first, dim, want, count, newlines) == want;
  if (binary && newlines) return VectorFormat::kBinary;
  const std::string_view line = first_line(data, first);
  if (dim >= 2 && text_shaped(line, dim)) return VectorFormat::kText;
  if (binary) return VectorFormat::kBinary;
  std::size_t rest = 0;
  while (rest < line.size() && !is_blank(line[rest])) ++rest;
  const std::string_view after = line.substr(rest);
  bool printable = !after.empty(), digit = false;
  for (const char c : after) {
    const auto u = static_cast<unsigned char>(c);
    printable = printable && (u >= 0x20 || c == '\t' || c == '\r') && u != 0x7F;
    digit = digit || (c >= '0' && c <= '9');
  }
  return printable && digit ? VectorFormat::kText : VectorFormat::kBinary;
}

// The records as parsed, before duplicates are dropped.
struct Records {
  std::vector<std::string_view> words;
  Matrix vectors;
};

std::size_t line_number(std::string_view data, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(data.begin(), data.begin() + offset, '\n'));
}

std::string short_file(const std::string& name, const Header& header, std::uint64_t read) {
  return name + ": the header says " + std::to_string(header.count) + " vectors, but the file " +
         "ends after " + std::to_string(read);
}

bool cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

Records read_text(std::string_view data, const std::string& name, const Header& header,
                  std::uint64_t want, const std::atomic<bool>* cancel) {
  const std::size_t dim = header.dim;
  // Each record needs a word and dim separated values: at least 1 + 2 * dim bytes.
  const std::uint64_t possible = (data.size() - header.end) / (1 + 2 * dim);
  std::vector<std::pair<std::size_t, std::size_t>> lines;
  lines.reserve(std::min(want, possible));
  std::size_t pos = header.end;
  while (lines.size() < want && pos < data.size()) {
    const void* found = std::memchr(data.data() + pos, '\n', data.size() - pos);
    const std::size_t end =
        found ? static_cast<std::size_t>(static_cast<const char*>(found) - data.data())
              : data.size();
    std::size_t i = pos;
    while (i < end && is_blank(data[i])) ++i;
    if (i < end) lines.emplace_back(pos, end);  // blank lines are skipped
    pos = end + 1;
  }
  // A line shorter than that cannot be a record: parse only the lines before it, so that a
  // header claiming a huge dimension never makes a huge matrix out of short lines.
  std::size_t too_short = 0;
  while (too_short < lines.size() &&
         lines[too_short].second - lines[too_short].first >= 1 + 2 * dim) {
    ++too_short;
  }
  const std::optional<std::pair<std::size_t, std::size_t>> short_line =
      too_short < lines.size() ? std::optional(lines[too_short]) : std::nullopt;
  lines.resize(too_short);
  Records records{std::vector<std::string_view>(lines.size()), Matrix(lines.size(), dim)};
  // Parse on every thread; keep the error of the earliest line.
  std::atomic<std::size_t> first_bad{lines.size()};
  std::string bad_message;
  detail::FirstException failure;
#pragma omp parallel
  {
    std::size_t my_bad = lines.size();
    std::string my_message;
    failure.run([&] {
#pragma omp for schedule(dynamic, 256) nowait
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > first_bad.load(std::memory_order_relaxed) || cancelled(cancel)) continue;
        const auto [begin, end] = lines[i];
        std::string problem = parse_text_record(data.substr(begin, end - begin), dim,
                                                records.vectors.row(i), records.words[i]);
        if (!problem.empty() && i < my_bad) {
          my_bad = i;
          my_message = std::move(problem);
          std::size_t seen = first_bad.load();
          while (i < seen && !first_bad.compare_exchange_weak(seen, i)) {
          }
        }
      }
    });
#pragma omp critical
    if (my_bad < lines.size() && my_bad <= first_bad.load()) bad_message = std::move(my_message);
  }
  failure.rethrow();
  if (cancelled(cancel)) throw Interrupted();
  const std::size_t bad = first_bad.load();
  if (bad < lines.size()) {
    throw Error(name + ":" + std::to_string(line_number(data, lines[bad].first)) + ": " +
                bad_message);
  }
  if (short_line) {
    const auto [begin, end] = *short_line;
    std::vector<float> scratch(dim);
    std::string_view word;
    std::string problem =
        parse_text_record(data.substr(begin, end - begin), dim, scratch.data(), word);
    if (problem.empty()) problem = "the line is too short";  // not reached: it cannot parse
    throw Error(name + ":" + std::to_string(line_number(data, begin)) + ": " + problem);
  }
  if (lines.size() < want) {
    throw Error(short_file(name, header, lines.size()) + " (line " +
                std::to_string(line_number(data, data.size()) - (data.back() == '\n')) + ")");
  }
  return records;
}

Records read_binary(std::string_view data, const std::string& name, const Header& header,
                    std::uint64_t want, const std::atomic<bool>* cancel) {
  const std::size_t dim = header.dim;
  const std::size_t bytes = dim * sizeof(float);
  // Each record needs a word, a space and the floats: at least 2 + 4 * dim bytes.
  const std::uint64_t possible = (data.size() - header.end) / (2 + bytes);
  const std::size_t rows = std::min(want, possible);
  Records records{std::vector<std::string_view>(rows), Matrix(rows, dim)};
  const char* base = data.data();
  const std::size_t size = data.size();
  auto at = [&](std::size_t offset) { return name + ": byte " + std::to_string(offset) + ": "; };
  std::size_t pos = header.end;
  for (std::size_t i = 0; i < want; ++i) {
    if ((i & 65535) == 0 && cancelled(cancel)) throw Interrupted();
    // word2vec.c ends each vector with a newline, gensim does not.
    while (pos < size && base[pos] == '\n') ++pos;
    if (pos == size)
      throw Error(short_file(name, header, i) + " (byte " + std::to_string(pos) + ")");
    const std::size_t window = std::min(size - pos, kMaxWordBytes + 1);
    const void* space = std::memchr(base + pos, ' ', window);
    if (space == nullptr) {
      if (window == size - pos) {
        throw Error(at(pos) + "the file ends inside the word of " + nth(i) + "; the header says " +
                    std::to_string(header.count) + " vectors");
      }
      throw Error(at(pos) + "no space after the word of " + nth(i) + " within " +
                  std::to_string(kMaxWordBytes) + " bytes: is the dimension in the header right?");
    }
    const std::size_t word_end = static_cast<std::size_t>(static_cast<const char*>(space) - base);
    const std::string_view word(base + pos, word_end - pos);
    const std::string problem = word_problem(word);
    if (!problem.empty()) {
      throw Error(at(pos) + nth(i) + ": " + problem + " (is the dimension in the header right?)");
    }
    const std::size_t values = word_end + 1;
    if (size - values < bytes) {
      throw Error(at(values) + "the file ends inside " + nth(i) + " (" + quoted(word) +
                  "): the header says " + std::to_string(header.count) + " vectors of " +
                  std::to_string(dim) + " floats");
    }
    if (i == rows) throw Error(short_file(name, header, i));  // `possible` was exceeded
    float* row = records.vectors.row(i);
    std::memcpy(row, base + values, bytes);
    // Exponent bits all set: NaN or infinite.
    std::uint32_t bad = 0;
    const auto* bits = reinterpret_cast<const std::uint32_t*>(row);
#pragma omp simd reduction(| : bad)
    for (std::size_t d = 0; d < dim; ++d) bad |= (bits[d] & 0x7F800000u) == 0x7F800000u;
    if (bad != 0) {
      std::size_t d = 0;
      while (std::isfinite(row[d])) ++d;
      throw Error(at(values + 4 * d) + "value " + std::to_string(d + 1) + " of " + quoted(word) +
                  " is " + (std::isnan(row[d]) ? "NaN" : "infinite"));
    }
    records.words[i] = word;
    pos = values + bytes;
  }
  return records;
}

// Offset of the first byte after `records` that is not a blank or newline, or npos.
std::size_t trailing_data(std::string_view data, std::string_view last_word,
                          std::size_t record_bytes, VectorFormat format) {
  std::size_t pos = static_cast<std::size_t>(last_word.data() - data.data());
  if (format == VectorFormat::kBinary) {
    pos += last_word.size() + 1 + record_bytes;
  } else {
    pos = data.find('\n', pos);
    if (pos == std::string_view::npos) return pos;
  }
  while (pos < data.size() && (is_blank(data[pos]) || data[pos] == '\n')) ++pos;
  return pos < data.size() ? pos : std::string_view::npos;
}

// A buffer for a whole file. On huge pages when large: on a virtual machine a fault per
// 4 KiB page costs more than the copy itself.
struct FreeBytes {
  void operator()(char* p) const { std::free(p); }
};
std::unique_ptr<char[], FreeBytes> allocate_bytes(std::size_t size) {
  constexpr std::size_t kHuge = 2u << 20;
  const std::size_t align = size >= 2 * kHuge ? kHuge : 64;
  const std::size_t rounded = (std::max<std::size_t>(size, 1) + align - 1) / align * align;
  void* p = std::aligned_alloc(align, rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (align == kHuge) ::madvise(p, rounded, MADV_HUGEPAGE);
  return std::unique_ptr<char[], FreeBytes>(static_cast<char*>(p));
}

// The bytes of an input (see InputFile): a plain file is read whole into memory when all
// of it is needed (faster than mapping it here) and mapped when only a prefix may be
// (--limit) or it is very large; gzip data, pipes and standard input are read through.
class FileBytes {
 public:
  static constexpr std::size_t kMaxReadBytes = std::size_t{1} << 30;
  static constexpr std::size_t kSlice = std::size_t{64} << 20;

  FileBytes(const std::string& path, bool whole, const std::atomic<bool>* cancel) {
    InputFile input(path, cancel);
    const std::int64_t plain = input.plain_size();
    if (plain > 0 && whole && static_cast<std::uint64_t>(plain) <= kMaxReadBytes) {
      const auto file_size = static_cast<std::size_t>(plain);
      buffer_ = allocate_bytes(file_size);
      std::size_t got = 0;
      while (got < file_size) {
        check(cancel);
        const std::size_t want = std::min(file_size - got, kSlice);
        const ssize_t n = ::pread(input.fd(), buffer_.get() + got, want, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path);
        if (n == 0) break;  // the file shrank
        got += static_cast<std::size_t>(n);
      }
      view_ = std::string_view(buffer_.get(), got);
    } else if (plain > 0) {
      size_ = static_cast<std::size_t>(plain);
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, input.fd(), 0);
      if (p == MAP_FAILED) fail(path);
      map_ = static_cast<const char*>(p);
      ::madvise(p, size_, MADV_SEQUENTIAL);
      view_ = std::string_view(map_, size_);
    } else {
      std::size_t got = 0;
      for (std::size_t want = 1 << 16;; want = std::min(2 * want, kSlice)) {
        check(cancel);
        owned_.resize(got + want);
        const std::size_t n = input.read(owned_.data() + got, want);
        got += n;
        if (n < want) break;
      }
      owned_.resize(got);
      view_ = owned_;
    }
  }
  ~FileBytes() {
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
  }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  std::string_view view() const { return view_; }

 private:
  static void check(const std::atomic<bool>* cancel) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw Interrupted();
  }
  [[noreturn]] static void fail(const std::string& path) {
    throw Error("cannot read " + input_name(path) + ": " + std::strerror(errno));
  }

  std::unique_ptr<char[], FreeBytes> buffer_;
  const char* map_ = nullptr;
  std::size_t size_ = 0;
  std::string owned_;
  std::string_view view_;
};

}  // namespace

WordVectors parse_vectors(std::string_view data, const std::string& name,
                          const LoadOptions& options) {
  if (options.limit < 0) {
    throw UsageError("--limit must be 0 (all) or a positive count, got " +
                     std::to_string(options.limit));
  }
  Header header;
  try {
    header = parse_header(data, name);
  } catch (const Error&) {
    // No header line: a GloVe file, when its first line is a vector.
    const std::optional<Header> glove = headerless_header(data);
    if (!glove) throw;
    header = *glove;
  }
  std::uint64_t want = header.count;
  if (options.limit > 0) want = std::min<std::uint64_t>(want, options.limit);
  WordVectors result;
  result.format =
      want == 0 ? VectorFormat::kText : detect_format(data, header.end, header.dim, want);
  Records records = result.format == VectorFormat::kBinary
                        ? read_binary(data, name, header, want, options.cancel)
                        : read_text(data, name, header, want, options.cancel);
  const std::size_t n = records.words.size();
  if (n > 0 && want == header.count && options.warn) {
    const std::size_t extra =
        trailing_data(data, records.words.back(), header.dim * sizeof(float), result.format);
    if (extra != std::string_view::npos) {
      options.warn(name + ": ignoring the data after the " + std::to_string(header.count) +
                   " vectors the header declares (from " +
                   (result.format == VectorFormat::kBinary
                        ? "byte " + std::to_string(extra)
                        : "line " + std::to_string(line_number(data, extra))) +
                   ")");
    }
  }
  // Keep the first vector of a repeated word, as gensim does.
  result.words.reserve(n);
  std::vector<std::size_t> keep;
  keep.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t before = result.words.size();
    result.words.insert(records.words[i]);
    if (result.words.size() > before) {
      keep.push_back(i);
    } else if (options.warn) {
      options.warn(name + ": " + nth(i) + " repeats the word " + quoted(records.words[i]) +
                   "; keeping the first");
    }
  }
  if (keep.size() == n) {
    result.vectors = std::move(records.vectors);
  } else {
    result.vectors = Matrix(keep.size(), header.dim);
    for (std::size_t i = 0; i < keep.size(); ++i) {
      std::memcpy(result.vectors.row(i), records.vectors.row(keep[i]), header.dim * sizeof(float));
    }
  }
  return result;
}

WordVectors load_vectors(const std::string& path, const LoadOptions& options) {
  const FileBytes file(path, options.limit == 0, options.cancel);
  return parse_vectors(file.view(), path == "-" ? "standard input" : path, options);
}

}  // namespace w2v
