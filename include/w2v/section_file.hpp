#pragma once
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "w2v/output_file.hpp"

namespace w2v {

// Files of named sections, each with a CRC-32 of its bytes: the layout of token caches
// and checkpoints. A file starts with an 8-byte magic and a format version, so that a
// reader tells what it is from its first bytes; the sections follow one after another
// (each aligned, for mapping); then a table of the sections and a trailer that points at
// it. Integers are little-endian:
//   magic[8] version:u32 zero:u32
//   sections, each at an offset that is a multiple of its alignment (zero padding between)
//   table: per section name[24] (NUL-padded) offset:u64 size:u64 crc32:u32 zero:u32
//   trailer: table offset:u64 sections:u32 table crc32:u32 version:u32 zero:u32 "W2V-END\0"
class SectionWriter {
 public:
  using Magic = std::array<char, 8>;

  // Writes the magic and version to `out` now.
  SectionWriter(ByteSink& out, const Magic& magic, std::uint32_t version);

  // Starts a section at the next multiple of `align` bytes (a power of two).
  void begin(std::string_view name, std::size_t align = 64);
  // Appends to the open section.
  void write(const void* data, std::size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  void end();
  // Writes the table and the trailer. The caller commits `out`.
  void finish();

 private:
  struct Entry {
    std::string name;
    std::uint64_t offset = 0, size = 0;
    std::uint32_t crc = 0;
  };
  void put(const void* data, std::size_t size);

  ByteSink& out_;
  std::uint32_t version_;
  std::uint64_t position_ = 0;
  std::vector<Entry> entries_;
  bool open_ = false;
};

// A section file mapped into memory, read-only, its magic, version, table and every
// section's checksum checked on opening (on every OpenMP thread). Errors name the file,
// what it was taken for (`kind`: "token cache", "checkpoint") and the section at fault.
class SectionFile {
 public:
  SectionFile(const std::string& path, const SectionWriter::Magic& magic, std::uint32_t version,
              const std::string& kind, const std::atomic<bool>* cancel = nullptr);
  ~SectionFile();
  SectionFile(const SectionFile&) = delete;
  SectionFile& operator=(const SectionFile&) = delete;

  bool has(std::string_view name) const;
  // The bytes of section `name`; throws Error when the file has none.
  std::string_view section(std::string_view name) const;
  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }

  // True when the file at `path` starts with `magic` (whatever its version).
  static bool starts_with(const std::string& path, const SectionWriter::Magic& magic);

 private:
  struct Entry {
    std::string name;
    std::uint64_t offset = 0, size = 0;
    std::uint32_t crc = 0;
  };
  [[noreturn]] void fail(const std::string& why) const;

  std::string path_;
  std::string kind_;
  const char* base_ = nullptr;
  std::uint64_t size_ = 0;
  std::vector<Entry> entries_;
};

// Little-endian fields for the small sections.
class ByteWriter {
 public:
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f32(float v);
  void f64(double v);
  void str(std::string_view s);  // u64 length, then the bytes
  void bytes(const void* data, std::size_t size);
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

// Reads what ByteWriter wrote; running past the end throws Error naming `where` (the file
// and section).
class ByteReader {
 public:
  ByteReader(std::string_view data, std::string where) : data_(data), where_(std::move(where)) {}
  std::uint32_t u32();
  std::uint64_t u64();
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  float f32();
  double f64();
  std::string str();
  std::string_view bytes(std::size_t size);
  bool done() const { return pos_ == data_.size(); }
  // Throws Error "<where>: <why>".
  [[noreturn]] void fail(const std::string& why) const;

 private:
  std::string_view data_;
  std::string where_;
  std::size_t pos_ = 0;
};

}  // namespace w2v
