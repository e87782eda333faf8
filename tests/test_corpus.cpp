// corpus: counting words from files (plain and gzip), encoding to vocabulary ids, and
// cutting the encoded corpus into chunks of whole sentences.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/corpus.hpp"
#include "w2v/error.hpp"
#include "w2v/input.hpp"
#include "w2v/rng.hpp"
#include "w2v/vocab.hpp"

namespace {

using Sentences = std::vector<std::vector<std::string>>;
using Counts = std::map<std::string, std::int64_t>;

// A corpus whose words are separated by single spaces and lines by '\n', so that a naive
// split is the exact oracle. Zipf-like word frequencies, some multi-byte words.
std::string make_text(std::uint64_t seed, int lines, Sentences* sentences) {
  w2v::Rng rng(seed);
  const std::vector<std::string> stems = {"w", "\xC3\xA9t\xC3\xA9", "\xE6\x97\xA5",
                                          "k\xF0\x9F\x98\x80"};
  std::string text;
  for (int l = 0; l < lines; ++l) {
    std::vector<std::string> sentence;
    const int len = 1 + static_cast<int>(rng.below(20));
    for (int i = 0; i < len; ++i) {
      // Roughly Zipf: id = floor(2000^u) - 1.
      const auto id = static_cast<int>(std::pow(2000.0, rng.uniform())) - 1;
      sentence.push_back(stems[static_cast<std::size_t>(id) % stems.size()] + std::to_string(id));
    }
    for (std::size_t i = 0; i < sentence.size(); ++i) {
      if (i > 0) text += ' ';
      text += sentence[i];
    }
    text += '\n';
    if (sentences != nullptr) sentences->push_back(std::move(sentence));
  }
  return text;
}

Counts naive_counts(const Sentences& sentences) {
  Counts counts;
  for (const auto& s : sentences) {
    for (const auto& w : s) ++counts[w];
  }
  return counts;
}

Counts as_map(const w2v::StringTable& words) {
  Counts map;
  for (std::uint32_t id = 0; id < words.size(); ++id) {
    const std::string w(words.word(id));
    CHECK_MESSAGE(map.count(w) == 0, "word listed twice: " << w);
    map[w] = words.count(id);
  }
  return map;
}

// The sentences of an encoded corpus as words, through make_chunks and for_each_sentence.
Sentences decode(const w2v::EncodedCorpus& corpus, const w2v::Vocab& vocab) {
  Sentences sentences;
  for (const auto& chunk : w2v::make_chunks(corpus)) {
    w2v::for_each_sentence(corpus, chunk, [&](const std::uint32_t* ids, std::size_t size) {
      std::vector<std::string> s;
      for (std::size_t i = 0; i < size; ++i) s.emplace_back(vocab.word(ids[i]));
      sentences.push_back(std::move(s));
    });
  }
  return sentences;
}

Sentences filter(const Sentences& sentences, const w2v::Vocab& vocab) {
  Sentences kept;
  for (const auto& s : sentences) {
    std::vector<std::string> k;
    for (const auto& w : s) {
      if (vocab.find(w) != w2v::Vocab::kNotFound) k.push_back(w);
    }
    if (!k.empty()) kept.push_back(std::move(k));
  }
  return kept;
}

void write_gzip(const std::string& path, const std::vector<std::string>& members) {
  // Each part becomes a gzip member of its own; readers must treat them as one stream.
  std::string all;
  w2v::test::TempDir scratch;
  for (const auto& part : members) {
    const std::string member = scratch.file("member.gz");
    gzFile f = gzopen(member.c_str(), "wb6");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, part.data(), static_cast<unsigned>(part.size())) ==
            static_cast<int>(part.size()));
    REQUIRE(gzclose(f) == Z_OK);
    all += w2v::test::read_file(member);
  }
  w2v::test::write_file(path, all);
}

w2v::TokenizerOptions default_tokenizer() { return w2v::TokenizerOptions{}; }

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("CountedCorpus::read counts every word like a naive count") {
    w2v::test::TempDir dir;
    Sentences sentences;
    const std::string text = make_text(11, 3000, &sentences);
    const std::string path = dir.file("corpus.txt");
    w2v::test::write_file(path, text);
    const Counts expected = naive_counts(sentences);
    std::int64_t tokens = 0;
    for (const auto& [w, c] : expected) tokens += c;

    for (const int threads : {1, 2}) {
      CAPTURE(threads);
      const auto counted = w2v::CountedCorpus::read({path}, default_tokenizer(), threads);
      CHECK(as_map(counted.words()) == expected);
      CHECK(counted.stats().words == tokens);
      CHECK(counted.stats().repaired_words == 0);
      CHECK(counted.bytes() == static_cast<std::int64_t>(text.size()));
    }
  }

  TEST_CASE("gzip input reads like the plain text, whatever its name") {
    w2v::test::TempDir dir;
    Sentences first, second;
    const std::string a = make_text(21, 800, &first);
    const std::string b = make_text(22, 800, &second);
    w2v::test::write_file(dir.file("plain.txt"), a + b);
    write_gzip(dir.file("corpus.gz"), {a + b});
    write_gzip(dir.file("two_members.txt"), {a, b});  // gzip found by its magic bytes

    const auto plain = w2v::CountedCorpus::read({dir.file("plain.txt")}, default_tokenizer(), 1);
    const auto plain_counts = as_map(plain.words());
    const auto vocab = w2v::Vocab::from_table(plain.words(), w2v::VocabOptions{2, 0});
    const auto plain_encoded = w2v::CountedCorpus(plain).encode(vocab, 1);
    for (const char* name : {"corpus.gz", "two_members.txt"}) {
      CAPTURE(name);
      auto gz = w2v::CountedCorpus::read({dir.file(name)}, default_tokenizer(), 2);
      CHECK(as_map(gz.words()) == plain_counts);
      CHECK(gz.stats().words == plain.stats().words);
      CHECK(gz.bytes() == static_cast<std::int64_t>(a.size() + b.size()));
      const auto encoded = std::move(gz).encode(vocab, 2);
      CHECK(encoded.words == plain_encoded.words);
      CHECK(encoded.blocks == plain_encoded.blocks);
    }
  }

  TEST_CASE("corrupt or truncated gzip data is an error naming the input") {
    w2v::test::TempDir dir;
    write_gzip(dir.file("good.gz"), {make_text(5, 2000, nullptr)});
    const std::string good = w2v::test::read_file(dir.file("good.gz"));
    REQUIRE(good.size() > 100);
    SUBCASE("truncated") {
      const std::string path = dir.file("truncated.gz");
      w2v::test::write_file(path, good.substr(0, good.size() / 2));
      CHECK_THROWS_WITH_AS(w2v::CountedCorpus::read({path}, default_tokenizer(), 1),
                           doctest::Contains((path).c_str()), w2v::Error);
    }
    SUBCASE("corrupt") {
      const std::string path = dir.file("corrupt.gz");
      std::string bad = good;
      for (std::size_t i = 20; i < 60; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5A);
      w2v::test::write_file(path, bad);
      CHECK_THROWS_WITH_AS(w2v::CountedCorpus::read({path}, default_tokenizer(), 1),
                           doctest::Contains((path).c_str()), w2v::Error);
    }
  }

  TEST_CASE("several inputs: counts add up and the last line of a file ends its sentence") {
    w2v::test::TempDir dir;
    w2v::test::write_file(dir.file("a.txt"), "x y z\nx y");  // no final newline
    w2v::test::write_file(dir.file("empty.txt"), "");
    w2v::test::write_file(dir.file("b.txt"), "z x\n\n\ny\n");
    write_gzip(dir.file("c.gz"), {"y z"});
    const std::vector<std::string> inputs = {dir.file("a.txt"), dir.file("empty.txt"),
                                             dir.file("b.txt"), dir.file("c.gz")};
    for (const int threads : {1, 2}) {
      auto counted = w2v::CountedCorpus::read(inputs, default_tokenizer(), threads);
      CHECK(as_map(counted.words()) == Counts{{"x", 3}, {"y", 4}, {"z", 3}});
      CHECK(counted.stats().words == 10);
      const auto vocab = w2v::Vocab::from_table(counted.words(), w2v::VocabOptions{0, 0});
      const auto encoded = std::move(counted).encode(vocab, threads);
      CHECK(encoded.words == 10);
      CHECK(decode(encoded, vocab) ==
            Sentences{{"x", "y", "z"}, {"x", "y"}, {"z", "x"}, {"y"}, {"y", "z"}});
    }
  }

  TEST_CASE("encode through from_table's vocabulary ids equals encode by looking words up") {
    // The ids spare the lookups; with 2 threads they pass through the first thread's table.
    w2v::test::TempDir dir;
    w2v::test::write_file(dir.file("c.txt"), make_text(5, 3000, nullptr));
    for (const int threads : {1, 2}) {
      for (const std::int64_t min_count : {1, 4}) {
        CAPTURE(threads);
        CAPTURE(min_count);
        auto looked_up =
            w2v::CountedCorpus::read({dir.file("c.txt")}, default_tokenizer(), threads);
        auto mapped = w2v::CountedCorpus::read({dir.file("c.txt")}, default_tokenizer(), threads);
        w2v::VocabIds vocab_ids;
        const auto vocab =
            w2v::Vocab::from_table(mapped.words(), w2v::VocabOptions{min_count, 0}, &vocab_ids);
        REQUIRE(vocab_ids.size() == mapped.words().size());
        const auto expected = std::move(looked_up).encode(vocab, threads);
        const auto encoded = std::move(mapped).encode(vocab, threads, &vocab_ids);
        CHECK(encoded.words == expected.words);
        CHECK(encoded.blocks == expected.blocks);
        CHECK(encoded.words > 0);
      }
    }
  }

  TEST_CASE("encode keeps the sentences, drops out-of-vocabulary words and empty sentences") {
    w2v::test::TempDir dir;
    Sentences sentences;
    w2v::test::write_file(dir.file("c.txt"), make_text(3, 2000, &sentences));
    for (const std::int64_t min_count : {1, 3, 40}) {
      auto counted = w2v::CountedCorpus::read({dir.file("c.txt")}, default_tokenizer(), 2);
      const auto vocab = w2v::Vocab::from_table(counted.words(), w2v::VocabOptions{min_count, 0});
      REQUIRE(!vocab.empty());
      const auto encoded = std::move(counted).encode(vocab, 2);
      const Sentences expected = filter(sentences, vocab);
      std::int64_t words = 0;
      for (const auto& s : expected) words += static_cast<std::int64_t>(s.size());
      CAPTURE(min_count);
      CHECK(encoded.words == words);
      CHECK(decode(encoded, vocab) == expected);
      for (const auto& block : encoded.blocks) {
        CHECK(!block.empty());
        CHECK(block.back() == w2v::kSentenceEnd);
        for (std::size_t i = 0; i < block.size(); ++i) {
          if (block[i] == w2v::kSentenceEnd) {
            CHECK(i > 0);
            CHECK((i == 0 || block[i - 1] != w2v::kSentenceEnd));  // no empty sentence
          } else {
            CHECK(block[i] < vocab.size());
          }
        }
      }
    }
  }

  TEST_CASE("1 and 2 threads read a multi-block corpus identically") {
    // Several reader blocks, so that both threads tokenize some.
    w2v::test::TempDir dir;
    Sentences sentences;
    std::string text;
    for (std::uint64_t part = 0;
         text.size() < 2 * w2v::InputReader::kDefaultBlockBytes + (1u << 20); ++part) {
      text += make_text(100 + part, 20000, &sentences);
    }
    w2v::test::write_file(dir.file("big.txt"), text);
    const Counts expected = naive_counts(sentences);

    auto one = w2v::CountedCorpus::read({dir.file("big.txt")}, default_tokenizer(), 1);
    auto two = w2v::CountedCorpus::read({dir.file("big.txt")}, default_tokenizer(), 2);
    CHECK(as_map(one.words()) == expected);
    CHECK(as_map(two.words()) == expected);
    CHECK(one.stats().words == two.stats().words);
    CHECK(one.bytes() == two.bytes());
    const auto vocab = w2v::Vocab::from_table(one.words(), w2v::VocabOptions{5, 0});
    // Two threads' vocabulary, ids through the first thread's table, against one thread's
    // lookups.
    w2v::VocabIds vocab_ids;
    const auto vocab_two = w2v::Vocab::from_table(two.words(), w2v::VocabOptions{5, 0}, &vocab_ids);
    CHECK(w2v::test::words_of(vocab_two.words()) == w2v::test::words_of(vocab.words()));
    const auto e1 = std::move(one).encode(vocab, 1);
    const auto e2 = std::move(two).encode(vocab_two, 2, &vocab_ids);
    CHECK(e1.blocks.size() >= 3);
    CHECK(e1.blocks == e2.blocks);
    CHECK(e1.words == e2.words);
    CHECK(decode(e2, vocab) == filter(sentences, vocab));
  }

  TEST_CASE("any number of reading threads: their tables merge into the same vocabulary") {
    // Each input is a block of its own, so with several threads several tables fill, and
    // each input adds words no other input has; every table merges into the first.
    w2v::test::TempDir dir;
    std::vector<std::string> inputs;
    Sentences sentences;
    for (int f = 0; f < 9; ++f) {
      std::string text = make_text(300 + static_cast<std::uint64_t>(f), 200, &sentences);
      std::vector<std::string> own;
      for (int i = 0; i < 40; ++i) {
        own.push_back("only" + std::to_string(f) + "x" + std::to_string(i));
        text += own.back() + (i + 1 < 40 ? " " : "\n");
      }
      sentences.push_back(own);
      inputs.push_back(dir.file("in" + std::to_string(f) + ".txt"));
      w2v::test::write_file(inputs.back(), text);
    }
    const Counts expected = naive_counts(sentences);
    auto reference = w2v::CountedCorpus::read(inputs, default_tokenizer(), 1);
    const auto vocab = w2v::Vocab::from_table(reference.words(), w2v::VocabOptions{1, 0});
    const auto encoded = std::move(reference).encode(vocab, 1);
    REQUIRE(decode(encoded, vocab) == sentences);
    for (const int threads : {2, 3, 5, 8}) {
      CAPTURE(threads);
      auto counted = w2v::CountedCorpus::read(inputs, default_tokenizer(), threads);
      CHECK(as_map(counted.words()) == expected);
      w2v::VocabIds vocab_ids;
      const auto merged =
          w2v::Vocab::from_table(counted.words(), w2v::VocabOptions{1, 0}, &vocab_ids);
      CHECK(w2v::test::words_of(merged.words()) == w2v::test::words_of(vocab.words()));
      const auto e = std::move(counted).encode(merged, threads, &vocab_ids);
      CHECK(e.blocks == encoded.blocks);
    }
  }

  TEST_CASE("read errors: a missing input, a directory, cancellation") {
    w2v::test::TempDir dir;
    w2v::test::write_file(dir.file("ok.txt"), "a b c\n");
    w2v::test::write_file(dir.file("empty.txt"), "");
    const std::string missing = dir.file("missing.txt");
    for (const int threads : {1, 2}) {
      CAPTURE(threads);
      CHECK_THROWS_WITH_AS(
          w2v::CountedCorpus::read({dir.file("ok.txt"), missing}, default_tokenizer(), threads),
          doctest::Contains((missing).c_str()), w2v::Error);
      CHECK_THROWS_WITH_AS(w2v::CountedCorpus::read({dir.path()}, default_tokenizer(), threads),
                           doctest::Contains((dir.path()).c_str()), w2v::Error);
      std::atomic<bool> cancel{true};
      for (const char* name : {"ok.txt", "empty.txt"}) {
        CHECK_THROWS_WITH_AS(
            w2v::CountedCorpus::read({dir.file(name)}, default_tokenizer(), threads, &cancel),
            doctest::Contains("interrupted"), w2v::Error);
      }
    }
    w2v::TokenizerOptions bad;
    bad.max_word_bytes = 1;
    CHECK_THROWS_AS(w2v::CountedCorpus::read({dir.file("ok.txt")}, bad, 1), w2v::UsageError);
  }

  TEST_CASE("make_chunks and for_each_sentence cover every word once, in order") {
    w2v::Rng rng(5);
    std::vector<std::vector<std::uint32_t>> sentences;
    std::uint32_t next = 0;  // distinct ids, so order and coverage are visible
    auto add = [&](std::size_t len) {
      std::vector<std::uint32_t> s(len);
      for (auto& id : s) id = next++;
      sentences.push_back(std::move(s));
    };
    for (int i = 0; i < 3000; ++i) add(1 + rng.below(40));
    add(w2v::kChunkWords - 1);
    add(w2v::kChunkWords);
    add(w2v::kChunkWords + 1);
    add(25000);
    for (int i = 0; i < 500; ++i) add(1 + rng.below(40));
    sentences.emplace_back();  // empty: dropped
    const w2v::EncodedCorpus corpus = w2v::encode_sentences(sentences);
    CHECK(corpus.words == static_cast<std::int64_t>(next));

    const auto chunks = w2v::make_chunks(corpus);
    REQUIRE(!chunks.empty());
    // The chunks tile each block, in order.
    std::uint32_t block = 0, pos = 0;
    for (const auto& c : chunks) {
      if (c.block != block) {
        CHECK(pos == corpus.blocks[block].size());
        CHECK(c.block == block + 1);
        block = c.block;
        pos = 0;
      }
      CHECK(c.begin == pos);
      CHECK(c.end > c.begin);
      pos = c.end;
      std::uint32_t words = 0;
      for (std::uint32_t p = c.begin; p < c.end; ++p)
        words += corpus.blocks[c.block][p] != w2v::kSentenceEnd;
      CHECK(words < 2 * w2v::kChunkWords);
    }
    CHECK(block + 1 == corpus.blocks.size());
    CHECK(pos == corpus.blocks[block].size());

    // Every id exactly once and in order; short sentences whole; long ones in pieces of
    // at most kChunkWords.
    std::vector<std::uint32_t> seen;
    std::vector<std::vector<std::uint32_t>> pieces;
    for (const auto& c : chunks) {
      w2v::for_each_sentence(corpus, c, [&](const std::uint32_t* ids, std::size_t size) {
        CHECK(size > 0);
        CHECK(size <= w2v::kChunkWords);
        pieces.emplace_back(ids, ids + size);
        seen.insert(seen.end(), ids, ids + size);
      });
    }
    REQUIRE(seen.size() == next);
    for (std::uint32_t i = 0; i < next; ++i) REQUIRE(seen[i] == i);
    std::size_t p = 0;
    for (const auto& s : sentences) {
      if (s.empty()) continue;
      if (s.size() <= w2v::kChunkWords) {
        REQUIRE(p < pieces.size());
        CHECK(pieces[p] == s);
        ++p;
      } else {
        std::size_t covered = 0;
        while (covered < s.size()) {
          REQUIRE(p < pieces.size());
          CHECK(pieces[p].front() == s[covered]);
          covered += pieces[p].size();
          ++p;
        }
        CHECK(covered == s.size());
      }
    }
    CHECK(p == pieces.size());
  }

  TEST_CASE("for_each_sentence on a chunk that starts or ends mid-block") {
    w2v::EncodedCorpus corpus;
    const auto E = w2v::kSentenceEnd;
    corpus.blocks = {{1, 2, E, 3, E}, {4, 5, 6, E}};
    corpus.words = 6;
    std::vector<std::vector<std::uint32_t>> got;
    auto collect = [&](const std::uint32_t* ids, std::size_t n) { got.emplace_back(ids, ids + n); };
    w2v::for_each_sentence(corpus, w2v::CorpusChunk{0, 0, 5}, collect);
    w2v::for_each_sentence(corpus, w2v::CorpusChunk{1, 1, 3}, collect);  // no end marker
    CHECK(got == std::vector<std::vector<std::uint32_t>>{{1, 2}, {3}, {5, 6}});
    const auto chunks = w2v::make_chunks(corpus);
    REQUIRE(chunks.size() == 2);
    CHECK(chunks[0].block == 0);
    CHECK(chunks[0].end == 5);
    CHECK(chunks[1].block == 1);
    CHECK(chunks[1].end == 4);
  }
}
