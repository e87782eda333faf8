// libFuzzer target: the gzip reading of InputFile (input_file.cpp), through a memfd.
//
// The first byte picks a mode, the next bytes its parameters, the rest is the payload:
//   even: the payload is compressed by zlib (one or two members, a level, zero padding at
//         the end, optionally stored members large enough to cross InputFile's 64 KiB
//         reads); reading gives back exactly the payload, and load_vectors on the gzip
//         data gives what parse_vectors gives on the payload (the same error or the same
//         vectors). With trailing bytes that are not zero, reading fails with w2v::Error.
//   odd:  the payload is the file as it is; reading it gives what a one-shot reference
//         inflater gives (identical bytes for data that is not gzip), or w2v::Error where
//         the reference fails.
// Reads go in slices whose size the input picks. Only w2v::Error may escape.
#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/vectors.hpp"

namespace {

const w2v::fuzz::MemFile& memfile() {
  static const w2v::fuzz::MemFile file("w2v-fuzz-gzip");
  return file;
}

using w2v::fuzz::escaped;

// One gzip member of `data` at `level` (0: stored blocks).
std::string gzip_member(std::string_view data, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The reference: the whole file inflated at once, members in a row, then only zero bytes.
// nullopt where the data is corrupt or truncated.
std::optional<std::string> reference_read(std::string_view file) {
  if (file.size() < 2 || static_cast<unsigned char>(file[0]) != 0x1F ||
      static_cast<unsigned char>(file[1]) != 0x8B) {
    return std::string(file);
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < file.size()) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) std::abort();
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(file.data() + pos));
    z.avail_in = static_cast<uInt>(file.size() - pos);
    int status = Z_OK;
    char buffer[4096];
    while (status == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      status = inflate(&z, Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - z.avail_out);
      if (status == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated
    }
    const std::size_t used = file.size() - pos - z.avail_in;
    inflateEnd(&z);
    if (status != Z_STREAM_END) return std::nullopt;
    pos += used;
    while (pos < file.size() && file[pos] == 0) ++pos;
    if (pos < file.size() && static_cast<unsigned char>(file[pos]) != 0x1F) return std::nullopt;
  }
  return out;
}

// Reads the memfd through InputFile in slices of `slice` bytes.
std::string read_all(std::size_t slice) {
  w2v::InputFile input(memfile().path());
  std::string out;
  std::vector<char> buffer(slice);
  for (;;) {
    const std::size_t n = input.read(buffer.data(), slice);
    W2V_FUZZ_CHECK(n <= slice, "read more than asked");
    out.append(buffer.data(), n);
    if (n < slice) {
      W2V_FUZZ_CHECK(input.read(buffer.data(), slice) == 0, "data after a short read");
      return out;
    }
  }
}

// parse_vectors and load_vectors of the same bytes agree: the same error or the same data.
void check_load_vectors(std::string_view payload) {
  std::string parse_error, load_error;
  w2v::WordVectors parsed, loaded;
  try {
    parsed = w2v::parse_vectors(payload, memfile().path());
  } catch (const w2v::Error& e) {
    parse_error = e.what();
  }
  try {
    loaded = w2v::load_vectors(memfile().path());
  } catch (const w2v::Error& e) {
    load_error = e.what();
  }
  W2V_FUZZ_CHECK(parse_error == load_error,
                 "parse_vectors: '" + parse_error + "', load_vectors: '" + load_error + "'");
  if (!parse_error.empty()) return;
  W2V_FUZZ_CHECK(parsed.size() == loaded.size() && parsed.dim() == loaded.dim() &&
                     parsed.format == loaded.format,
                 "load_vectors read other vectors than parse_vectors");
  for (std::uint32_t i = 0; i < parsed.size(); ++i) {
    W2V_FUZZ_CHECK(parsed.words.word(i) == loaded.words.word(i) &&
                       std::memcmp(parsed.vectors.row(i), loaded.vectors.row(i),
                                   parsed.dim() * sizeof(float)) == 0,
                   "row " + std::to_string(i) + " differs");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  omp_set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const unsigned mode = data[0], p1 = data[1], p2 = data[2];
  const std::string_view payload = w2v::fuzz::as_text(data + 3, size - 3);
  // 1 .. 256 bytes, or 64 KiB and a little more.
  const std::size_t slice = (p2 & 0x80) ? (1u << 16) + (p2 & 0x7F) : 1 + (p2 & 0x7F) * 2;
  if (mode % 2 == 1) {
    memfile().set(std::string(payload));
    const std::optional<std::string> expected = reference_read(payload);
    std::string got;
    std::string error;
    try {
      got = read_all(slice);
    } catch (const w2v::Error& e) {
      error = e.what();
    }
    W2V_FUZZ_CHECK(expected.has_value() == error.empty(),
                   expected ? "InputFile failed on data the reference reads: " + error
                            : "InputFile read data the reference refuses: " + escaped(payload));
    if (expected) {
      W2V_FUZZ_CHECK(got == *expected, "read " + escaped(got) + ", expected " + escaped(*expected));
    }
    return 0;
  }
  // Valid gzip made by zlib: stored members repeat the payload to cross 64 KiB reads.
  const bool big = (mode & 0x06) == 0x06;
  std::string plain(payload);
  if (big && !payload.empty()) {
    while (plain.size() < (std::size_t{70} << 10) + p1 * 257) plain += payload;
  }
  const int level = big ? 0 : static_cast<int>(p1 % 10);
  const std::size_t split = (mode & 0x08) ? (p1 * 131u) % (plain.size() + 1) : plain.size();
  std::string file = gzip_member(std::string_view(plain).substr(0, split), level);
  if (split < plain.size()) file += gzip_member(std::string_view(plain).substr(split), level);
  const std::size_t zeros = (mode & 0x10) ? ((mode & 0x20) ? 70000 + p1 : p1 % 17) : 0;
  file.append(zeros, '\0');
  const bool garbage = (mode & 0xC0) == 0xC0;
  if (garbage) file += static_cast<char>(1 + p1 % 255);
  memfile().set(file);
  std::string got;
  try {
    got = read_all(slice);
  } catch (const w2v::Error& e) {
    W2V_FUZZ_CHECK(garbage, std::string("reading valid gzip data failed: ") + e.what());
    return 0;
  }
  W2V_FUZZ_CHECK(!garbage, "a byte after the gzip data was not refused");
  W2V_FUZZ_CHECK(got == plain, "read " + std::to_string(got.size()) + " bytes " + escaped(got) +
                                   ", expected " + std::to_string(plain.size()) + " " +
                                   escaped(plain));
  W2V_FUZZ_CHECK(w2v::read_input(memfile().path()) == plain, "read_input differs from the payload");
  if (!big) check_load_vectors(plain);
  return 0;
}
