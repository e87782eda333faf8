#include "w2v/section_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "detail/parallel.hpp"
#include "w2v/error.hpp"

namespace w2v {
namespace {

constexpr std::size_t kNameBytes = 24;
constexpr std::size_t kEntryBytes = kNameBytes + 24;
constexpr std::size_t kLeadBytes = 16;
constexpr std::size_t kTrailerBytes = 32;
constexpr char kEnd[8] = {'W', '2', 'V', '-', 'E', 'N', 'D', '\0'};
// Checksums are computed in pieces this big, on every thread, and combined.
constexpr std::uint64_t kPieceBytes = std::uint64_t{16} << 20;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "section files are little-endian");

std::uint32_t crc_of(const char* data, std::uint64_t size, std::uint32_t crc = 0) {
  while (size > 0) {
    const auto n = static_cast<uInt>(std::min<std::uint64_t>(size, 1u << 30));
    crc = static_cast<std::uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(data), n));
    data += n;
    size -= n;
  }
  return crc;
}

template <class T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

SectionWriter::SectionWriter(ByteSink& out, const Magic& magic, std::uint32_t version)
    : out_(out), version_(version) {
  put(magic.data(), magic.size());
  const std::uint32_t words[2] = {version, 0};
  put(words, sizeof words);
}

void SectionWriter::put(const void* data, std::size_t size) {
  out_.write(data, size);
  position_ += size;
}

void SectionWriter::begin(std::string_view name, std::size_t align) {
  if (open_ || name.empty() || name.size() >= kNameBytes) {
    throw std::logic_error("SectionWriter::begin: bad section");
  }
  static const char zeros[4096] = {};
  const std::uint64_t padded = (position_ + align - 1) / align * align;
  while (position_ < padded) put(zeros, std::min<std::uint64_t>(padded - position_, sizeof zeros));
  entries_.push_back({std::string(name), position_, 0, 0});
  open_ = true;
}

void SectionWriter::write(const void* data, std::size_t size) {
  if (!open_) throw std::logic_error("SectionWriter::write outside a section");
  Entry& e = entries_.back();
  e.crc = crc_of(static_cast<const char*>(data), size, e.crc);
  e.size += size;
  put(data, size);
}

void SectionWriter::end() {
  if (!open_) throw std::logic_error("SectionWriter::end outside a section");
  open_ = false;
}

void SectionWriter::finish() {
  if (open_) throw std::logic_error("SectionWriter::finish with a section open");
  const std::uint64_t table = position_;
  std::string bytes;
  for (const Entry& e : entries_) {
    char name[kNameBytes] = {};
    std::memcpy(name, e.name.data(), e.name.size());
    bytes.append(name, kNameBytes);
    const std::uint64_t where[2] = {e.offset, e.size};
    bytes.append(reinterpret_cast<const char*>(where), sizeof where);
    const std::uint32_t check[2] = {e.crc, 0};
    bytes.append(reinterpret_cast<const char*>(check), sizeof check);
  }
  put(bytes.data(), bytes.size());
  const std::uint64_t offset = table;
  put(&offset, sizeof offset);
  const std::uint32_t words[4] = {static_cast<std::uint32_t>(entries_.size()),
                                  crc_of(bytes.data(), bytes.size()), version_, 0};
  put(words, sizeof words);
  put(kEnd, sizeof kEnd);
}

SectionFile::SectionFile(const std::string& path, const SectionWriter::Magic& magic,
                         std::uint32_t version, const std::string& kind,
                         const std::atomic<bool>* cancel)
    : path_(path), kind_(kind) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + kind + " '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("cannot read " + kind + " '" + path + "': it is not a regular file");
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  if (size_ < kLeadBytes + kTrailerBytes) {
    ::close(fd);
    fail("the file is too short (" + std::to_string(size_) + " bytes)");
  }
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  const int error = errno;
  ::close(fd);
  if (p == MAP_FAILED) {
    throw Error("cannot read " + kind + " '" + path + "': " + std::strerror(error));
  }
  base_ = static_cast<const char*>(p);
  try {
    if (std::memcmp(base_, magic.data(), magic.size()) != 0) fail("it is not a " + kind);
    const auto file_version = load<std::uint32_t>(base_ + 8);
    if (file_version != version) {
      fail("format version " + std::to_string(file_version) + "; this w2v reads version " +
           std::to_string(version) + " (make it again)");
    }
    const char* trailer = base_ + size_ - kTrailerBytes;
    if (std::memcmp(trailer + 24, kEnd, sizeof kEnd) != 0) {
      fail("the file is truncated or damaged (no end marker)");
    }
    const auto table = load<std::uint64_t>(trailer);
    const auto count = load<std::uint32_t>(trailer + 8);
    const auto table_crc = load<std::uint32_t>(trailer + 12);
    if (load<std::uint32_t>(trailer + 16) != file_version ||
        load<std::uint32_t>(trailer + 20) != 0 || load<std::uint32_t>(base_ + 12) != 0) {
      fail("the file is damaged (its header or trailer)");
    }
    const std::uint64_t table_end = size_ - kTrailerBytes;
    if (table < kLeadBytes || table > table_end || (table_end - table) / kEntryBytes != count ||
        (table_end - table) % kEntryBytes != 0) {
      fail("the section table is damaged");
    }
    if (crc_of(base_ + table, table_end - table) != table_crc) {
      fail("the section table is damaged (checksum)");
    }
    for (std::uint32_t i = 0; i < count; ++i) {
      const char* e = base_ + table + i * kEntryBytes;
      Entry entry;
      entry.name.assign(e, strnlen(e, kNameBytes));
      entry.offset = load<std::uint64_t>(e + kNameBytes);
      entry.size = load<std::uint64_t>(e + kNameBytes + 8);
      entry.crc = load<std::uint32_t>(e + kNameBytes + 16);
      if (entry.offset < kLeadBytes || entry.offset > table || entry.size > table - entry.offset ||
          load<std::uint32_t>(e + kNameBytes + 20) != 0) {
        fail("section '" + entry.name + "' lies outside the file");
      }
      entries_.push_back(std::move(entry));
    }
    // What lies between the sections is padding, all zero: a damaged byte anywhere in the
    // file is found, not only one inside a section.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
    for (const Entry& e : entries_) spans.emplace_back(e.offset, e.offset + e.size);
    std::sort(spans.begin(), spans.end());
    std::uint64_t at = kLeadBytes;
    for (const auto& [begin, end] : spans) {
      if (begin < at) fail("sections overlap");
      if (std::any_of(base_ + at, base_ + begin, [](char c) { return c != 0; })) {
        fail("the file is damaged (between sections)");
      }
      at = end;
    }
    if (std::any_of(base_ + at, base_ + table, [](char c) { return c != 0; })) {
      fail("the file is damaged (between sections)");
    }
    // Every section's checksum, in pieces on every thread, then combined.
    struct Piece {
      std::size_t entry;
      std::uint64_t offset, size;
      std::uint32_t crc;
    };
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      const std::uint64_t n = std::max<std::uint64_t>(1, (e.size + kPieceBytes - 1) / kPieceBytes);
      for (std::uint64_t k = 0; k < n; ++k) {
        const std::uint64_t at = k * kPieceBytes;
        pieces.push_back({i, e.offset + at, std::min(kPieceBytes, e.size - at), 0});
      }
    }
    std::atomic<bool> stopped{false};
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        stopped.store(true);
        continue;
      }
      pieces[i].crc = crc_of(base_ + pieces[i].offset, pieces[i].size);
    }
    if (stopped.load()) throw Interrupted();
    std::vector<std::uint32_t> crcs(entries_.size(), 0);
    for (const Piece& piece : pieces) {
      crcs[piece.entry] = static_cast<std::uint32_t>(
          ::crc32_combine(crcs[piece.entry], piece.crc, static_cast<z_off_t>(piece.size)));
    }
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (crcs[i] != entries_[i].crc) {
        fail("section '" + entries_[i].name + "' is damaged (checksum)");
      }
    }
  } catch (...) {
    ::munmap(const_cast<char*>(base_), size_);
    base_ = nullptr;
    throw;
  }
}

SectionFile::~SectionFile() {
  if (base_ != nullptr) ::munmap(const_cast<char*>(base_), size_);
}

void SectionFile::fail(const std::string& why) const {
  throw Error(kind_ + " '" + path_ + "': " + why);
}

bool SectionFile::has(std::string_view name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.name == name; });
}

std::string_view SectionFile::section(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return {base_ + e.offset, static_cast<std::size_t>(e.size)};
  }
  fail("section '" + std::string(name) + "' is missing");
}

bool SectionFile::starts_with(const std::string& path, const SectionWriter::Magic& magic) {
  // Opening a FIFO for reading, even for a moment, lets its writer start, and writing
  // to no reader kills it: only a regular file is opened.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  char head[8] = {};
  const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                  ::pread(fd, head, sizeof head, 0) == static_cast<ssize_t>(sizeof head) &&
                  std::memcmp(head, magic.data(), sizeof head) == 0;
  ::close(fd);
  return ok;
}

void ByteWriter::u32(std::uint32_t v) { bytes(&v, sizeof v); }
void ByteWriter::u64(std::uint64_t v) { bytes(&v, sizeof v); }
void ByteWriter::f32(float v) { bytes(&v, sizeof v); }
void ByteWriter::f64(double v) { bytes(&v, sizeof v); }
void ByteWriter::str(std::string_view s) {
  u64(s.size());
  bytes(s.data(), s.size());
}
void ByteWriter::bytes(const void* data, std::size_t size) {
  data_.append(static_cast<const char*>(data), size);
}

void ByteReader::fail(const std::string& why) const { throw Error(where_ + ": " + why); }

std::string_view ByteReader::bytes(std::size_t size) {
  if (size > data_.size() - pos_) fail("the section ends too soon");
  const std::string_view out = data_.substr(pos_, size);
  pos_ += size;
  return out;
}
std::uint32_t ByteReader::u32() { return load<std::uint32_t>(bytes(4).data()); }
std::uint64_t ByteReader::u64() { return load<std::uint64_t>(bytes(8).data()); }
float ByteReader::f32() { return load<float>(bytes(4).data()); }
double ByteReader::f64() { return load<double>(bytes(8).data()); }
std::string ByteReader::str() {
  const std::uint64_t n = u64();
  if (n > data_.size() - pos_) fail("the section ends too soon");
  return std::string(bytes(static_cast<std::size_t>(n)));
}

}  // namespace w2v
