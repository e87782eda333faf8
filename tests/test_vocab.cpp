// vocab and string_table: counting, pruning, ordering, the `word count` file.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/rng.hpp"
#include "w2v/string_table.hpp"
#include "w2v/vocab.hpp"

namespace {

using Counts = std::vector<std::pair<std::string, std::int64_t>>;

// The vocabulary order by its definition: count descending, then bytes ascending
// (compared as unsigned bytes, which std::string does with char_traits<char>).
Counts sorted(Counts counts) {
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return std::lexicographical_compare(
        a.first.begin(), a.first.end(), b.first.begin(), b.first.end(), [](char x, char y) {
          return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
        });
  });
  return counts;
}

Counts entries(const w2v::Vocab& vocab) {
  Counts c;
  for (std::uint32_t i = 0; i < vocab.size(); ++i) c.emplace_back(vocab.word(i), vocab.count(i));
  return c;
}

}  // namespace

TEST_SUITE("vocab") {
  TEST_CASE("from_counts orders by count, then by bytes, and indexes every word") {
    const Counts counts = {{"b", 3}, {"a", 3}, {"zz", 10}, {"\xC3\xA9", 3},
                           {"c", 1}, {"A", 3}, {"ab", 3},  {"y", 7}};
    const auto vocab = w2v::Vocab::from_counts(counts, w2v::VocabOptions{0, 0});
    CHECK(entries(vocab) == Counts{{"zz", 10},
                                   {"y", 7},
                                   {"A", 3},
                                   {"a", 3},
                                   {"ab", 3},
                                   {"b", 3},
                                   {"\xC3\xA9", 3},
                                   {"c", 1}});
    CHECK(vocab.total_count() == 33);
    CHECK(vocab.size() == 8);
    CHECK(vocab.words().size() == 8);
    CHECK(vocab.counts().size() == 8);
    for (std::uint32_t i = 0; i < vocab.size(); ++i) CHECK(vocab.find(vocab.word(i)) == i);
    CHECK(vocab.find("missing") == w2v::Vocab::kNotFound);
    CHECK(vocab.find("") == w2v::Vocab::kNotFound);

    SUBCASE("the order depends on the counts alone, not on their input order") {
      w2v::Rng rng(3);
      Counts shuffled = counts;
      for (int round = 0; round < 20; ++round) {
        for (std::size_t i = shuffled.size() - 1; i > 0; --i) {
          std::swap(shuffled[i], shuffled[rng.below(static_cast<std::uint32_t>(i + 1))]);
        }
        CHECK(entries(w2v::Vocab::from_counts(shuffled, w2v::VocabOptions{0, 0})) ==
              entries(vocab));
      }
    }
  }

  TEST_CASE("min_count and max_vocab") {
    w2v::Rng rng(9);
    Counts counts;
    for (int i = 0; i < 500; ++i) {
      counts.emplace_back("w" + std::to_string(i), static_cast<std::int64_t>(rng.below(30)));
    }
    for (const std::int64_t min_count : {0, 1, 5, 29, 30}) {
      for (const std::int64_t max_vocab : {0, 1, 7, 100, 1000}) {
        CAPTURE(min_count);
        CAPTURE(max_vocab);
        Counts expected;
        for (const auto& wc : sorted(counts)) {
          if (wc.second >= min_count) expected.push_back(wc);
        }
        if (max_vocab > 0 && expected.size() > static_cast<std::size_t>(max_vocab)) {
          expected.resize(static_cast<std::size_t>(max_vocab));
        }
        const auto vocab = w2v::Vocab::from_counts(counts, w2v::VocabOptions{min_count, max_vocab});
        CHECK(entries(vocab) == expected);
        std::int64_t total = 0;
        for (const auto& wc : expected) total += wc.second;
        CHECK(vocab.total_count() == total);
        CHECK(vocab.empty() == expected.empty());
      }
    }
    CHECK_THROWS_WITH_AS(w2v::validate(w2v::VocabOptions{-1, 0}), doctest::Contains("--min-count"),
                         w2v::UsageError);
    CHECK_THROWS_WITH_AS(w2v::validate(w2v::VocabOptions{5, -1}), doctest::Contains("--max-vocab"),
                         w2v::UsageError);
    CHECK_NOTHROW(w2v::validate(w2v::VocabOptions{0, 0}));
  }

  TEST_CASE("save and read_counts round trip") {
    w2v::test::TempDir dir;
    const Counts counts = {{"the", 1000},
                           {"\xE6\x97\xA5\xE6\x9C\xAC", 20},
                           {"caf\xC3\xA9", 20},
                           {"\xF0\x9F\x98\x80", 3},
                           {"x", 1},
                           {"big", 5000000000LL}};
    const auto vocab = w2v::Vocab::from_counts(counts, w2v::VocabOptions{1, 0});
    const std::string path = dir.file("vocab.txt");
    vocab.save(path);
    // word2vec.c's layout: `word count` per line, in vocabulary order.
    std::string expected_text;
    for (const auto& [w, c] : entries(vocab)) expected_text += w + " " + std::to_string(c) + "\n";
    CHECK(w2v::test::read_file(path) == expected_text);
    CHECK(dir.list() == std::set<std::string>{"vocab.txt"});  // no temporary left behind

    const Counts read = w2v::Vocab::read_counts(path);
    CHECK(read == entries(vocab));
    CHECK(entries(w2v::Vocab::from_counts(read, w2v::VocabOptions{1, 0})) == entries(vocab));

    SUBCASE("CRLF line ends and blank lines are accepted") {
      w2v::test::write_file(path, "a 3\r\n\r\n\nb 2\r\nc 0\n");
      CHECK(w2v::Vocab::read_counts(path) == Counts{{"a", 3}, {"b", 2}, {"c", 0}});
    }
    SUBCASE("saving over an existing file replaces it") {
      w2v::test::write_file(path, "old content that is longer than the new one\n");
      w2v::Vocab::from_counts({{"q", 2}}, w2v::VocabOptions{1, 0}).save(path);
      CHECK(w2v::test::read_file(path) == "q 2\n");
    }
  }

  TEST_CASE("read_counts names file:line of a malformed entry") {
    w2v::test::TempDir dir;
    const std::string path = dir.file("bad vocab.txt");
    struct Case {
      std::string text;
      int line;
      std::string what;
    };
    const std::vector<Case> cases = {
        {"a 1\nb\n", 2, "expected"},                       // no count
        {"a 1\nb two\n", 2, "count"},                      // not a number
        {"a 1\nb 2\nc -4\n", 3, "count"},                  // negative
        {"a 1\nb 2 3\n", 2, "count"},                      // trailing field
        {"a 1\nb 2x\n", 2, "count"},                       // trailing garbage
        {"a 1\n 5\n", 2, "expected"},                      // no word
        {"a 1\nb \n", 2, "count"},                         // empty count
        {"a 1\nb 99999999999999999999999\n", 2, "count"},  // overflow
        {"a 1\n\nb 2\na 3\n", 4, "duplicate"},             // duplicate word
        {"a 1\nb\xFF 2\n", 2, "UTF-8"},                    // invalid UTF-8
    };
    for (const auto& c : cases) {
      CAPTURE(c.text);
      w2v::test::write_file(path, c.text);
      std::string message;
      try {
        w2v::Vocab::read_counts(path);
      } catch (const w2v::Error& e) {
        message = e.what();
      }
      CHECK(message.find(path + ":" + std::to_string(c.line) + ":") != std::string::npos);
      CHECK(message.find(c.what) != std::string::npos);
      CHECK(message.find('\n') == std::string::npos);
    }
    const std::string missing = dir.file("missing.txt");
    CHECK_THROWS_WITH_AS(w2v::Vocab::read_counts(missing), doctest::Contains((missing).c_str()),
                         w2v::Error);
  }

  TEST_CASE("parse_counts refuses words no file may hold and counts that overflow") {
    auto error = [](const std::string& text) {
      try {
        w2v::Vocab::parse_counts(text, "v.txt");
      } catch (const w2v::Error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    };
    CHECK(error("a 1\nb\x01"
                "c 2\n") == "v.txt:2: the word 'b?c' holds a control character (byte 0x01)");
    CHECK(error("a\x7f 1\n").find("v.txt:1: the word") == 0);
    CHECK(error("a 1\n\xC3\x28 2\n") == "v.txt:2: the word '\xEF\xBF\xBD(' is not valid UTF-8");
    CHECK(error("a 9223372036854775807\nb 1\n") ==
          "v.txt:2: the counts add up to more than 9223372036854775807");
    CHECK(error("a 9223372036854775808\n").find("v.txt:1: expected a whole count from 0 to") == 0);
    CHECK(error("a -1\n").find("v.txt:1: expected a whole count") == 0);
    CHECK(error("a 1\na 2\n") == "v.txt:2: duplicate word 'a'");
    // The largest total that fits is fine.
    const auto counts = w2v::Vocab::parse_counts("a 9223372036854775806\nb 1\n\r\n", "v");
    REQUIRE(counts.size() == 2);
    CHECK(counts[1].second == 1);
  }

  TEST_CASE("save into a folder that does not exist fails and writes nothing") {
    w2v::test::TempDir dir;
    const auto vocab = w2v::Vocab::from_counts({{"a", 1}}, w2v::VocabOptions{1, 0});
    const std::string path = dir.file("no/such/dir/vocab.txt");
    CHECK_THROWS_WITH_AS(vocab.save(path), doctest::Contains((path).c_str()), w2v::Error);
    CHECK(dir.list().empty());
  }
}

TEST_SUITE("string_table") {
  TEST_CASE("dense ids in insertion order, counts, and growth") {
    w2v::StringTable table;
    std::map<std::string, std::uint32_t> ids;
    w2v::Rng rng(17);
    std::vector<std::string> order;
    for (int i = 0; i < 50000; ++i) {
      // Many repeats, lengths 1..30 crossing the 8-byte hashing steps.
      const std::uint32_t k = rng.below(20000);
      std::string w =
          "k" + std::to_string(k) + std::string(k % 24, static_cast<char>('a' + k % 26));
      const auto id = table.add(w, 2);
      const auto it = ids.find(w);
      if (it == ids.end()) {
        REQUIRE(id == order.size());  // dense, in order of first insertion
        ids[w] = id;
        order.push_back(w);
      } else {
        REQUIRE(id == it->second);
      }
    }
    CHECK(table.size() == order.size());
    std::map<std::string, std::int64_t> expected;
    w2v::Rng replay(17);
    for (int i = 0; i < 50000; ++i) {
      const std::uint32_t k = replay.below(20000);
      expected["k" + std::to_string(k) + std::string(k % 24, static_cast<char>('a' + k % 26))] += 2;
    }
    for (std::uint32_t id = 0; id < table.size(); ++id) {
      REQUIRE(table.word(id) == order[id]);
      REQUIRE(table.find(order[id]) == id);
      REQUIRE(table.count(id) == expected[order[id]]);
    }
    CHECK(table.find("not there") == w2v::StringTable::kNotFound);
    CHECK(table.find("k1") == w2v::StringTable::kNotFound);  // a prefix of k1b is not k1b
    CHECK(table.insert(order[5]) == 5);                      // insert finds, adds no count
    CHECK(table.count(5) == expected[order[5]]);
  }

  TEST_CASE("words that differ only after the first 8 bytes, in length, or by a NUL byte") {
    w2v::StringTable table;
    const std::vector<std::string> words = {"abcdefgh",
                                            "abcdefghi",
                                            "abcdefgh"
                                            "abcdefgh",
                                            "abcdefgh"
                                            "abcdefgX",
                                            std::string("abcdefgh\0", 9),
                                            std::string("a\0", 2),
                                            "a",
                                            "b"};
    for (std::size_t i = 0; i < words.size(); ++i) CHECK(table.add(words[i]) == i);
    for (std::size_t i = 0; i < words.size(); ++i) {
      CHECK(table.find(words[i]) == i);
      CHECK(table.word(static_cast<std::uint32_t>(i)) == words[i]);
      CHECK(table.count(static_cast<std::uint32_t>(i)) == 1);
    }
    CHECK(w2v::StringTable::key_of("abcdefgh").hash != w2v::StringTable::key_of("abcdefghi").hash);
  }

  TEST_CASE("words that differ only after the first 16 bytes keep their own ids") {
    w2v::StringTable table;
    const std::string base(16, 'q');
    const std::vector<std::string> words = {base,
                                            base + "a",
                                            base + "b",
                                            base + "ab",
                                            base + std::string(20, 'z'),
                                            base + std::string(21, 'z')};
    for (std::size_t i = 0; i < words.size(); ++i) CHECK(table.add(words[i]) == i);
    for (std::size_t i = 0; i < words.size(); ++i) CHECK(table.find(words[i]) == i);
    CHECK(table.find(base + "c") == w2v::StringTable::kNotFound);
  }

  TEST_CASE("the padded key equals the plain key whatever bytes follow the word") {
    // The tokenizer's fast path reads past a word's end; the bytes there must not leak
    // into the key, or one word would get two ids.
    for (std::size_t length = 0; length <= 40; ++length) {
      std::string word;
      for (std::size_t i = 0; i < length; ++i) word += static_cast<char>(1 + (i * 37) % 255);
      for (const char after : {'\0', 'x', '\xff'}) {
        const std::string buffer = word + std::string(w2v::StringTable::kKeyPadding, after);
        const auto plain = w2v::StringTable::key_of(word);
        const auto padded =
            w2v::StringTable::key_of_padded(std::string_view(buffer.data(), length));
        CAPTURE(length);
        CHECK(padded.hash == plain.hash);
        CHECK(padded.head[0] == plain.head[0]);
        CHECK(padded.head[1] == plain.head[1]);
        CHECK(padded.length == plain.length);
      }
    }
  }
}
