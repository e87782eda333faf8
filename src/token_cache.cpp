#include "w2v/token_cache.hpp"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <cstring>

#include "detail/vocab_sections.hpp"
#include "w2v/error.hpp"

namespace w2v {
namespace {

void write_info(ByteWriter& w, const TokenCacheInfo& info) {
  w.u64(info.tokenizer.max_word_bytes);
  w.u32(info.tokenizer.lowercase ? 1 : 0);
  w.u64(info.inputs.size());
  for (const CacheInput& in : info.inputs) {
    w.str(in.path);
    w.u64(in.size);
    w.i64(in.mtime_ns);
  }
  w.i64(info.tokens.words);
  w.i64(info.tokens.repaired_words);
  w.i64(info.tokens.truncated_words);
  w.i64(info.tokens.control_bytes);
  w.i64(info.bytes);
  w.i64(info.pruned);
  w.u64(info.prune_at);
}

TokenCacheInfo read_info(ByteReader& r) {
  TokenCacheInfo info;
  info.tokenizer.max_word_bytes = r.u64();
  info.tokenizer.lowercase = r.u32() != 0;
  const std::uint64_t inputs = r.u64();
  for (std::uint64_t i = 0; i < inputs; ++i) {
    if (r.done()) r.fail("the section ends too soon");
    CacheInput in;
    in.path = r.str();
    in.size = r.u64();
    in.mtime_ns = r.i64();
    info.inputs.push_back(std::move(in));
  }
  info.tokens.words = r.i64();
  info.tokens.repaired_words = r.i64();
  info.tokens.truncated_words = r.i64();
  info.tokens.control_bytes = r.i64();
  info.bytes = r.i64();
  info.pruned = r.i64();
  info.prune_at = r.u64();
  if (!r.done()) r.fail("unexpected bytes at the end");
  return info;
}

template <class T>
const T* array_of(std::string_view bytes, std::size_t n, const std::string& where) {
  if (bytes.size() != n * sizeof(T)) {
    throw Error(where + ": holds " + std::to_string(bytes.size()) + " bytes, expected " +
                std::to_string(n * sizeof(T)));
  }
  return reinterpret_cast<const T*>(bytes.data());
}

}  // namespace

std::vector<CacheInput> identify_inputs(const std::vector<std::string>& inputs) {
  std::vector<CacheInput> out;
  for (const std::string& path : inputs) {
    if (path == "-") {
      throw UsageError("a token cache cannot be keyed by standard input: give the corpus as files");
    }
    struct stat st {};
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr || ::stat(real, &st) != 0) {
      std::free(real);
      throw Error("cannot look at input '" + path + "': " + std::strerror(errno));
    }
    CacheInput in;
    in.path = real;
    std::free(real);
    in.size = static_cast<std::uint64_t>(st.st_size);
    in.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.push_back(std::move(in));
  }
  return out;
}

TokenCacheWriter::TokenCacheWriter(ByteSink& out, const TokenCacheInfo& info, const Vocab& vocab)
    : writer_(out, kTokenCacheMagic, kTokenCacheVersion) {
  ByteWriter w;
  write_info(w, info);
  writer_.begin("info");
  writer_.write(w.data());
  writer_.end();
  detail::write_vocab_sections(writer_, "", vocab);
  // Page-aligned, so that the mapped ids are too.
  writer_.begin("ids", 4096);
}

void TokenCacheWriter::add_block(IdSpan ids) {
  writer_.write(ids.data, ids.size * sizeof(std::uint32_t));
  ids_ += ids.size;
  block_ends_.push_back(ids_);
}

void TokenCacheWriter::finish() {
  writer_.end();
  writer_.begin("block_ends");
  writer_.write(block_ends_.data(), block_ends_.size() * sizeof(std::uint64_t));
  writer_.end();
  writer_.finish();
}

TokenCache::~TokenCache() = default;

bool TokenCache::is_cache(const std::string& path) {
  return SectionFile::starts_with(path, kTokenCacheMagic);
}

TokenCache::TokenCache(const std::string& path, const std::atomic<bool>* cancel)
    : file_(std::make_unique<SectionFile>(path, kTokenCacheMagic, kTokenCacheVersion, "token cache",
                                          cancel)) {
  const std::string where = "token cache '" + path + "': section '";
  ByteReader info(file_->section("info"), where + "info'");
  info_ = read_info(info);
  vocab_ = std::make_unique<detail::VocabSections>(*file_, "", "token cache '" + path + "'");
  const std::string_view ids = file_->section("ids");
  if (ids.size() % sizeof(std::uint32_t) != 0) throw Error(where + "ids': a partial id");
  const std::string_view ends_bytes = file_->section("block_ends");
  const std::size_t blocks = ends_bytes.size() / sizeof(std::uint64_t);
  const auto* ends = array_of<std::uint64_t>(ends_bytes, blocks, where + "block_ends'");
  const auto* data = reinterpret_cast<const std::uint32_t*>(ids.data());
  std::uint64_t begin = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    // A block's positions are 32-bit (CorpusChunk).
    if (ends[b] < begin || ends[b] * sizeof(std::uint32_t) > ids.size() ||
        ends[b] - begin > UINT32_MAX) {
      throw Error(where + "block_ends': block " + std::to_string(b + 1) + " ends out of place");
    }
    blocks_.push_back({data + begin, static_cast<std::size_t>(ends[b] - begin)});
    begin = ends[b];
  }
  if (begin * sizeof(std::uint32_t) != ids.size()) {
    throw Error(where + "ids': holds ids no block owns");
  }
}

std::size_t TokenCache::words() const { return vocab_->size(); }
std::string_view TokenCache::word(std::size_t i) const { return vocab_->word(i); }
std::int64_t TokenCache::count(std::size_t i) const { return vocab_->counts()[i]; }

Vocab TokenCache::vocab(const VocabOptions& options) const {
  validate(options);
  return vocab_->build(Vocab::prefix_size(vocab_->counts(), vocab_->size(), options));
}

CorpusView TokenCache::view(std::uint32_t vocab_size) const {
  CorpusView view;
  view.blocks = blocks_;
  view.vocab_size = vocab_size;
  return view;
}

}  // namespace w2v
