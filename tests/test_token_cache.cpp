// section_file and token_cache: the container's checks, the cache's round trip against the
// in-memory path, vocabularies as prefixes, stale and damaged caches.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"
#include "w2v/corpus_source.hpp"
#include "w2v/error.hpp"
#include "w2v/section_file.hpp"
#include "w2v/token_cache.hpp"

namespace {

using w2v::test::read_file;
using w2v::test::TempDir;
using w2v::test::write_file;

constexpr w2v::SectionWriter::Magic kMagic = {'T', 'E', 'S', 'T', 'F', 'I', 'L', 'E'};

// A corpus whose words have many different counts, some rare.
std::string make_text(int lines) {
  std::string text;
  std::uint64_t x = 17;
  for (int l = 0; l < lines; ++l) {
    const int n = 3 + l % 9;
    for (int i = 0; i < n; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const auto r = static_cast<unsigned>(x >> 33);
      text += (i ? " " : "") + std::string("w") + std::to_string(r % (1 + r % 300));
    }
    text += '\n';
  }
  return text;
}

// The corpus's sentences as words, through a view and a vocabulary.
std::vector<std::vector<std::string>> sentences(const w2v::CorpusView& view,
                                                const w2v::Vocab& vocab) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::uint32_t> scratch;
  for (const auto& chunk : w2v::make_chunks(view)) {
    w2v::for_each_sentence(view, chunk, scratch, [&](const std::uint32_t* ids, std::size_t n) {
      out.emplace_back();
      for (std::size_t i = 0; i < n; ++i) out.back().emplace_back(vocab.word(ids[i]));
    });
  }
  return out;
}

std::string write_cache(const TempDir& dir, const std::string& text, const std::string& name) {
  write_file(dir.file(name + ".txt"), text);
  w2v::CorpusOptions options;
  options.inputs = {dir.file(name + ".txt")};
  w2v::OutputFile out(dir.file(name + ".w2vc"));
  w2v::write_token_cache(options, 2, out);
  out.commit();
  return dir.file(name + ".w2vc");
}

std::string error_of(const std::string& path) {
  try {
    w2v::TokenCache cache(path);
  } catch (const w2v::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("section_file") {
  TEST_CASE("asking whether a FIFO is a token cache leaves its writer waiting") {
    // Opening the FIFO for a peek would release the writer, which then dies writing to no
    // reader, and the real read finds an empty corpus.
    TempDir dir;
    const std::string fifo = dir.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    std::atomic<bool> opened{false};
    std::thread writer([&] {
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
      opened = true;
      if (fd >= 0) ::close(fd);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the writer waits in open
    CHECK(!w2v::SectionFile::starts_with(fifo, kMagic));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(!opened);
    const int reader =
        ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // lets the writer go
    writer.join();
    if (reader >= 0) ::close(reader);
    CHECK(opened);
  }

  TEST_CASE("sections come back as written, aligned, and each is checked") {
    TempDir dir;
    const std::string path = dir.file("f");
    std::string big(5u << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7919 >> 3);
    {
      w2v::OutputFile out(path);
      w2v::SectionWriter writer(out, kMagic, 3);
      writer.begin("small");
      writer.write("hello");
      writer.end();
      writer.begin("empty");
      writer.end();
      writer.begin("big", 4096);
      writer.write(big.data(), 1000);
      writer.write(big.data() + 1000, big.size() - 1000);
      writer.end();
      writer.finish();
      out.commit();
    }
    {
      const w2v::SectionFile file(path, kMagic, 3, "test file");
      CHECK(file.section("small") == "hello");
      CHECK(file.section("empty").empty());
      CHECK(file.section("big") == big);
      CHECK(reinterpret_cast<std::uintptr_t>(file.section("big").data()) % 4096 == 0);
      CHECK(file.has("small"));
      CHECK(!file.has("none"));
      CHECK_THROWS_WITH_AS(file.section("none"), doctest::Contains("section 'none' is missing"),
                           w2v::Error);
    }
    CHECK(w2v::SectionFile::starts_with(path, kMagic));
    CHECK_THROWS_WITH_AS(w2v::SectionFile(path, kMagic, 4, "test file"),
                         doctest::Contains("format version 3; this w2v reads version 4"),
                         w2v::Error);
    const std::string bytes = read_file(path);
    // A flipped byte in a section names it; in the table or trailer, the table.
    const std::size_t big_at = bytes.find(big.substr(0, 64));
    for (const auto& [offset, expected] :
         std::vector<std::pair<std::size_t, std::string>>{{64, "section 'small' is damaged"},
                                                          {big_at + 3000000, "section 'big'"},
                                                          {bytes.size() - 40, "table"},
                                                          {bytes.size() - 3, "no end marker"},
                                                          {2, "it is not a test file"}}) {
      CAPTURE(offset);
      std::string damaged = bytes;
      damaged[offset] = static_cast<char>(damaged[offset] ^ 0x20);
      write_file(dir.file("d"), damaged);
      CHECK_THROWS_WITH_AS(w2v::SectionFile(dir.file("d"), kMagic, 3, "test file"),
                           doctest::Contains(expected.c_str()), w2v::Error);
    }
    // Cut anywhere: an error, never a crash.
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{10}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
      write_file(dir.file("cut"), bytes.substr(0, cut));
      CHECK_THROWS_AS(w2v::SectionFile(dir.file("cut"), kMagic, 3, "test file"), w2v::Error);
    }
  }
}

TEST_SUITE("token_cache") {
  TEST_CASE("a cache gives the vocabulary and ids the in-memory path gives, for any min_count") {
    TempDir dir;
    const std::string text = make_text(3000);
    const std::string path = write_cache(dir, text, "corpus");
    const w2v::TokenCache cache(path);
    CHECK(cache.info().inputs.size() == 1);
    CHECK(cache.info().inputs[0].size == text.size());
    for (const auto& [min_count, max_vocab] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {0, 0}, {1, 0}, {5, 0}, {40, 0}, {1, 17}}) {
      CAPTURE(min_count);
      CAPTURE(max_vocab);
      w2v::CorpusOptions options;
      options.inputs = {dir.file("corpus.txt")};
      options.vocab = {min_count, max_vocab};
      const w2v::PreparedCorpus memory = w2v::prepare_corpus(options, 2);
      const w2v::Vocab vocab = cache.vocab(options.vocab);
      REQUIRE(vocab.size() == memory.vocab.size());
      for (std::uint32_t i = 0; i < vocab.size(); ++i) {
        CHECK(vocab.word(i) == memory.vocab.word(i));
        CHECK(vocab.count(i) == memory.vocab.count(i));
      }
      const auto v = static_cast<std::uint32_t>(vocab.size());
      CHECK(sentences(cache.view(v), vocab) == sentences(memory.view(), memory.vocab));
      // Cut where the in-memory corpus is cut, word for word.
      const auto a = w2v::make_chunks(cache.view(v));
      const auto b = w2v::make_chunks(memory.view());
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].words == b[i].words);
      // Through prepare_corpus, from the cache.
      options.inputs = {path};
      const w2v::PreparedCorpus mapped = w2v::prepare_corpus(options, 2);
      CHECK(mapped.from_cache);
      CHECK(mapped.words == memory.words);
      CHECK(mapped.tokens.words == memory.tokens.words);
    }
  }

  TEST_CASE("past the memory limit, ids spill to a scratch file and train the same") {
    TempDir dir;
    // Several 2 MB reading blocks, so that some stay in memory and some spill.
    std::string text;
    while (text.size() < (5u << 20)) text += make_text(2000);
    write_file(dir.file("big.txt"), text);
    w2v::CorpusOptions options;
    options.inputs = {dir.file("big.txt")};
    options.vocab = {3, 0};
    const w2v::PreparedCorpus memory = w2v::prepare_corpus(options, 2);
    CHECK(!memory.spilled);
    options.memory_limit = 1 << 20;
    options.spill_dir = dir.path();
    const w2v::PreparedCorpus spilled = w2v::prepare_corpus(options, 2);
    CHECK(spilled.spilled);
    CHECK(spilled.words == memory.words);
    CHECK(sentences(spilled.view(), spilled.vocab) == sentences(memory.view(), memory.vocab));
    // The scratch file has no name: nothing is left in the folder.
    CHECK(dir.list() == std::set<std::string>{"big.txt"});
    // A cache made under the limit is the same file, byte for byte.
    w2v::StringSink unlimited, limited;
    options.memory_limit = 0;
    w2v::write_token_cache(options, 2, unlimited);
    options.memory_limit = 1 << 20;
    w2v::write_token_cache(options, 2, limited);
    CHECK(limited.str() == unlimited.str());
  }

  TEST_CASE("--cache makes a cache once and reuses it until an input changes") {
    TempDir dir;
    std::filesystem::create_directory(dir.file("cache"));
    write_file(dir.file("a.txt"), make_text(200));
    w2v::CorpusOptions options;
    options.inputs = {dir.file("a.txt")};
    options.cache_dir = dir.file("cache");
    options.vocab = {1, 0};
    const std::string first = w2v::cache_path(options);
    CHECK(!w2v::test::file_exists(first));
    const auto made = w2v::prepare_corpus(options, 1);
    CHECK(made.from_cache);
    CHECK(w2v::test::file_exists(first));
    const auto mtime = std::filesystem::last_write_time(first);
    const auto reused = w2v::prepare_corpus(options, 1);
    CHECK(std::filesystem::last_write_time(first) == mtime);  // not made again
    CHECK(reused.words == made.words);
    // Another input size or time, or other tokenizer options: another cache.
    write_file(dir.file("a.txt"), make_text(201));
    const std::string second = w2v::cache_path(options);
    CHECK(second != first);
    const auto changed = w2v::prepare_corpus(options, 1);
    CHECK(changed.words != made.words);
    options.tokenizer.lowercase = true;
    CHECK(w2v::cache_path(options) != second);
    options.inputs = {"-"};
    CHECK_THROWS_AS(w2v::cache_path(options), w2v::UsageError);
  }

  TEST_CASE("a damaged, truncated, foreign or mismatched cache is an error naming it") {
    TempDir dir;
    const std::string path = write_cache(dir, make_text(500), "c");
    const std::string bytes = read_file(path);
    // Each section, damaged in its middle, is named.
    const w2v::SectionFile file(path, w2v::kTokenCacheMagic, w2v::kTokenCacheVersion, "x");
    for (const char* name : {"info", "counts", "word_ends", "words", "ids", "block_ends"}) {
      CAPTURE(std::string(name));
      const std::string_view section = file.section(name);
      REQUIRE(!section.empty());
      std::string damaged = bytes;
      // The first section starts at byte 64 (16 bytes of magic and version, padded).
      const std::size_t at =
          64 + static_cast<std::size_t>(section.data() - file.section("info").data()) +
          section.size() / 2;
      damaged[at] = static_cast<char>(damaged[at] ^ 1);
      write_file(dir.file("d.w2vc"), damaged);
      CHECK(error_of(dir.file("d.w2vc")) == "token cache '" + dir.file("d.w2vc") + "': section '" +
                                                name + "' is damaged (checksum)");
    }
    write_file(dir.file("t.w2vc"), bytes.substr(0, bytes.size() * 2 / 3));
    CHECK(error_of(dir.file("t.w2vc")).find("truncated or damaged") != std::string::npos);
    std::string other = bytes;
    other[8] = 9;  // format version 9
    write_file(dir.file("v.w2vc"), other);
    CHECK(error_of(dir.file("v.w2vc")).find("format version 9; this w2v reads version 1") !=
          std::string::npos);
    // The cache fixes the tokenizer: options given that differ are an error naming both.
    w2v::CorpusOptions options;
    options.inputs = {path};
    options.tokenizer.max_word_bytes = 50;
    options.tokenizer_given = true;
    CHECK_THROWS_WITH_AS(w2v::prepare_corpus(options, 1),
                         doctest::Contains("--max-word-bytes 100, the command line asks for 50"),
                         w2v::UsageError);
    options.tokenizer = {};
    options.read_vocab = dir.file("c.txt");
    CHECK_THROWS_AS(w2v::prepare_corpus(options, 1), w2v::UsageError);
    // A cache among other inputs, or a cache of a cache.
    options.read_vocab.clear();
    options.inputs = {path, dir.file("c.txt")};
    CHECK_THROWS_WITH_AS(w2v::prepare_corpus(options, 1),
                         doctest::Contains("give it as the only input"), w2v::UsageError);
    options.inputs = {path};
    w2v::StringSink sink;
    CHECK_THROWS_AS(w2v::write_token_cache(options, 1, sink), w2v::UsageError);
  }
}

TEST_SUITE("corpus pruning") {
  TEST_CASE("--prune-at drops rare words while counting, and ids and counts stay in step") {
    TempDir dir;
    // Frequent words and a long tail of words seen once or twice, over several blocks.
    std::string text;
    std::uint64_t x = 5;
    for (int line = 0; text.size() < (5u << 20); ++line) {
      for (int i = 0; i < 12; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const auto r = static_cast<unsigned>(x >> 33);
        text += (i ? " " : "") +
                (r % 3 == 0 ? "rare" + std::to_string(r) : "w" + std::to_string(r % 50));
      }
      text += '\n';
    }
    write_file(dir.file("c.txt"), text);
    for (const std::uint64_t budget : {std::uint64_t{0}, std::uint64_t{1} << 20}) {
      for (const int threads : {1, 2}) {
        CAPTURE(budget);
        CAPTURE(threads);
        w2v::ReadOptions read;
        read.prune_at = 5000;
        read.memory_budget = budget == 0 ? UINT64_MAX : budget;
        read.spill_dir = dir.path();
        w2v::CountedCorpus counted = w2v::CountedCorpus::read({dir.file("c.txt")}, read, threads);
        CHECK(counted.pruned() > 0);
        CHECK(counted.words().size() <= 5000);
        w2v::VocabIds vocab_ids;
        const w2v::Vocab vocab =
            w2v::Vocab::from_table(counted.words(), w2v::VocabOptions{0, 0}, &vocab_ids);
        // Every frequent word survives.
        for (int w = 0; w < 50; ++w)
          CHECK(vocab.find("w" + std::to_string(w)) != w2v::Vocab::kNotFound);
        std::vector<std::int64_t> seen(vocab.size(), 0);
        std::move(counted).encode_into(vocab, threads, &vocab_ids, [&](w2v::IdSpan block) {
          for (std::size_t i = 0; i < block.size; ++i) {
            if (block.data[i] != w2v::kSentenceEnd) ++seen[block.data[i]];
          }
        });
        // A pruned word's earlier occurrences went with it: what is counted is what is there.
        for (std::uint32_t i = 0; i < vocab.size(); ++i) CHECK(seen[i] == vocab.count(i));
      }
    }
  }
}
