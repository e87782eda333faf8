// tokenizer and input: word and sentence boundaries, UTF-8 repair and cutting, case
// folding, and reading an input in blocks (including words longer than a block).
#include <doctest/doctest.h>

#include <ios>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/input.hpp"
#include "w2v/rng.hpp"
#include "w2v/tokenizer.hpp"
#include "w2v/utf8.hpp"

namespace {

using w2v::Tokenizer;
using w2v::TokenizerOptions;
using w2v::TokenizerStats;

// A sentence end shows up as this token.
const std::string kEnd = "<EOS>";

using w2v::test::utf8_encode;

const std::vector<char32_t> kUnicodeSpaces = {
    0x85,   0xA0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
    0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};

// Feeds `pieces` to one tokenizer in turn; the tokens, with kEnd for each sentence end.
std::vector<std::string> tokenize_pieces(const std::vector<w2v::TextBlock>& pieces,
                                         TokenizerOptions options = {},
                                         TokenizerStats* stats = nullptr) {
  Tokenizer tokenizer(options);
  std::vector<std::string> tokens;
  for (const auto& piece : pieces) {
    tokenizer.tokenize(
        piece.text.view(), piece.continues_word,
        [&](std::string_view word) { tokens.emplace_back(word); }, [&] { tokens.push_back(kEnd); });
  }
  if (stats != nullptr) *stats = tokenizer.stats();
  return tokens;
}

std::vector<std::string> tokenize(const std::string& text, TokenizerOptions options = {},
                                  TokenizerStats* stats = nullptr) {
  return tokenize_pieces({w2v::TextBlock{w2v::TextBuffer(text), false}}, options, stats);
}

using Tokens = std::vector<std::string>;

// Every block `path` reads as, with block size `block_bytes`.
std::vector<w2v::TextBlock> read_blocks(const std::string& path, std::size_t block_bytes) {
  w2v::InputReader reader(path, block_bytes);
  std::vector<w2v::TextBlock> blocks;
  w2v::TextBlock block;
  while (reader.next(block)) blocks.push_back(block);
  return blocks;
}

}  // namespace

TEST_SUITE("tokenizer") {
  TEST_CASE("ASCII whitespace separates words") {
    for (const char* sep : {" ", "\t", "\r", "\v", "\f", "  \t ", "\r\t\v\f "}) {
      CAPTURE(std::string(sep));
      CHECK(tokenize(std::string("alpha") + sep + "beta" + sep) == Tokens{"alpha", "beta"});
      CHECK(tokenize(std::string(sep) + "alpha" + sep + sep + "beta") == Tokens{"alpha", "beta"});
    }
    // Other printable ASCII bytes belong to words.
    CHECK(tokenize("a,b.c;d~!") == Tokens{"a,b.c;d~!"});
  }

  TEST_CASE("control bytes no word may hold separate words and are counted") {
    // Every byte 0x00-0x1F that is not a blank, and 0x7F: at the start, inside, at the end
    // of a word, alone and in runs, on the fast path (8 bytes at a time) and the slow one.
    for (int c = 0; c < 0x80; ++c) {
      if (!(c < 0x20 || c == 0x7F) || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
          c == '\v' || c == '\f') {
        continue;
      }
      CAPTURE(c);
      const std::string b(1, static_cast<char>(c));
      TokenizerStats stats;
      CHECK(tokenize("alphabetagamma" + b + "delta" + b + b + "x" + b, {}, &stats) ==
            Tokens{"alphabetagamma", "delta", "x"});
      CHECK(stats.control_bytes == 4);
      CHECK(stats.words == 3);
      CHECK(tokenize(b + "ab" + b + "\xC3\xA9t\xC3\xA9" + b, {}, &stats) ==
            Tokens{"ab", "\xC3\xA9t\xC3\xA9"});
      CHECK(stats.control_bytes == 3);
      CHECK(tokenize(b + b) == Tokens{});
    }
    // Nothing a tokenizer hands out holds one, whatever the bytes around it.
    w2v::Rng rng(7, 0);
    std::string noise;
    for (int i = 0; i < 20000; ++i) noise += static_cast<char>(rng.next32() & 0xFF);
    for (const auto& word : tokenize(noise, {}, nullptr)) {
      if (word == kEnd) continue;
      for (const char ch : word) {
        const auto u = static_cast<unsigned char>(ch);
        CHECK_MESSAGE(!(u < 0x20 || u == 0x7F), word);
      }
      CHECK(w2v::utf8::is_valid(word));
    }
  }

  TEST_CASE("each Unicode space separates words, other multi-byte characters do not") {
    SUBCASE("every documented space") {
      for (const char32_t c : kUnicodeSpaces) {
        const std::string sp = utf8_encode(c);
        CAPTURE(static_cast<unsigned>(c));
        CHECK(tokenize("alpha" + sp + "beta") == Tokens{"alpha", "beta"});
        CHECK(tokenize(sp + "alpha" + sp + sp + "\xC3\xA9t\xC3\xA9" + sp) ==
              Tokens{"alpha", "\xC3\xA9t\xC3\xA9"});
        CHECK(tokenize("\xE6\x97\xA5" + sp + "\xE6\x9C\xAC") ==
              Tokens{"\xE6\x97\xA5", "\xE6\x9C\xAC"});
      }
    }
    SUBCASE("no other character of the code space") {
      std::int64_t checked = 0;
      for (char32_t c = 0x80; c <= 0x10FFFF; c += (c < 0x10000 ? 1 : 61)) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        bool space = false;
        for (const char32_t s : kUnicodeSpaces) space = space || s == c;
        if (space) continue;
        const std::string word = "a" + utf8_encode(c) + "b";
        REQUIRE_MESSAGE(tokenize(word) == Tokens{word},
                        "U+" << std::hex << static_cast<unsigned>(c));
        ++checked;
      }
      CHECK(checked > 60000);
    }
    SUBCASE("near misses of the space encodings") {
      // Same lead bytes as spaces, different characters: U+0084, U+00A1, U+1681, U+200B,
      // U+2027, U+202A, U+2030, U+205E, U+2060, U+3001.
      for (const char32_t c :
           {0x84u, 0xA1u, 0x1681u, 0x200Bu, 0x2027u, 0x202Au, 0x2030u, 0x205Eu, 0x2060u, 0x3001u}) {
        const std::string word = "x" + utf8_encode(c) + "y";
        CHECK(tokenize(word) == Tokens{word});
      }
    }
  }

  TEST_CASE("newlines end sentences") {
    SUBCASE("plain lines") {
      CHECK(tokenize("a b\nc d\n") == Tokens{"a", "b", kEnd, "c", "d", kEnd});
    }
    SUBCASE("CRLF: the CR is a space, not part of a word") {
      CHECK(tokenize("a b\r\nc\r\n") == Tokens{"a", "b", kEnd, "c", kEnd});
    }
    SUBCASE("empty and blank lines still report their newline") {
      CHECK(tokenize("\n\na\n \t\n\nb\n") == Tokens{kEnd, kEnd, "a", kEnd, kEnd, kEnd, "b", kEnd});
    }
    SUBCASE("no final newline: the last word still comes out") {
      CHECK(tokenize("a b\nc") == Tokens{"a", "b", kEnd, "c"});
      CHECK(tokenize("word") == Tokens{"word"});
    }
    SUBCASE("nothing at all") {
      TokenizerStats stats;
      CHECK(tokenize("", {}, &stats).empty());
      CHECK(stats.words == 0);
      CHECK(tokenize(" \t\r", {}, &stats).empty());
      CHECK(stats.words == 0);
    }
    SUBCASE("the U+2028 line separator is only a space") {
      CHECK(tokenize("a" + utf8_encode(0x2028) + "b\n") == Tokens{"a", "b", kEnd});
    }
  }

  TEST_CASE("words longer than max_word_bytes are cut on a character boundary") {
    TokenizerOptions options;
    SUBCASE("ASCII") {
      options.max_word_bytes = 4;
      TokenizerStats stats;
      CHECK(tokenize("abcdefgh abcd abc", options, &stats) == Tokens{"abcd", "abcd", "abc"});
      CHECK(stats.words == 3);
      CHECK(stats.truncated_words == 1);
      CHECK(stats.repaired_words == 0);
    }
    SUBCASE("never inside a character, for every limit") {
      // 2-, 3- and 4-byte characters mixed with ASCII.
      const std::string word =
          "\xC3\xA9"
          "a\xE2\x82\xAC\xF0\x9F\x98\x80\xC3\xA9\xE2\x82\xAC"
          "bb\xF0\x9F\x98\x80\xE6\x97\xA5";
      for (std::size_t max = 4; max <= word.size() + 2; ++max) {
        options.max_word_bytes = max;
        TokenizerStats stats;
        const Tokens tokens = tokenize("x " + word + " y", options, &stats);
        REQUIRE(tokens.size() == 3);
        const std::string& cut = tokens[1];
        CAPTURE(max);
        CHECK(cut.size() <= max);
        CHECK(w2v::utf8::is_valid(cut));
        CHECK(word.compare(0, cut.size(), cut) == 0);  // a prefix
        // The longest such prefix: the next character would not fit.
        CHECK(cut.size() == w2v::utf8::cut_length(word, max));
        if (cut.size() < word.size()) {
          std::size_t next = cut.size() + 1;
          while (next < word.size() && (static_cast<unsigned char>(word[next]) & 0xC0u) == 0x80u) {
            ++next;
          }
          CHECK(next > max);
        }
        CHECK(stats.truncated_words == (word.size() > max ? 1 : 0));
        CHECK(tokens[0] == "x");
        CHECK(tokens[2] == "y");
      }
    }
    SUBCASE("a very long word") {
      options.max_word_bytes = 10;
      const std::string word(100000, 'z');
      TokenizerStats stats;
      CHECK(tokenize(word + "\n" + word, options, &stats) ==
            Tokens{std::string(10, 'z'), kEnd, std::string(10, 'z')});
      CHECK(stats.truncated_words == 2);
    }
    SUBCASE("validate rejects limits out of range") {
      options.max_word_bytes = 3;
      CHECK_THROWS_AS(w2v::validate(options), w2v::UsageError);
      options.max_word_bytes = 4;
      CHECK_NOTHROW(w2v::validate(options));
      options.max_word_bytes = 1u << 16;
      CHECK_NOTHROW(w2v::validate(options));
      options.max_word_bytes = (1u << 16) + 1;
      CHECK_THROWS_WITH_AS(w2v::validate(options), doctest::Contains("--max-word-bytes"),
                           w2v::UsageError);
    }
  }

  TEST_CASE("invalid UTF-8 is repaired with U+FFFD and counted") {
    const std::string fffd = "\xEF\xBF\xBD";
    TokenizerStats stats;
    const Tokens tokens = tokenize(
        "ok a\xFF"
        "b \xC3\xA9 \xE2\x82 \xED\xA0\x80x\nfine \xC0\xAF",
        {}, &stats);
    REQUIRE(tokens.size() == 8);
    CHECK(tokens[0] == "ok");
    CHECK(tokens[1] == "a" + fffd + "b");
    CHECK(tokens[2] == "\xC3\xA9");
    CHECK(tokens[3].find(fffd) != std::string::npos);
    CHECK(tokens[4].find(fffd) != std::string::npos);
    CHECK(tokens[4].back() == 'x');
    CHECK(tokens[5] == kEnd);
    CHECK(tokens[6] == "fine");
    CHECK(tokens[7].find(fffd) != std::string::npos);
    for (const auto& t : tokens) CHECK(w2v::utf8::is_valid(t));
    CHECK(stats.words == 7);
    CHECK(stats.repaired_words == 4);
    CHECK(stats.truncated_words == 0);

    SUBCASE("repair happens before the cut, so the cut word is valid") {
      TokenizerOptions options;
      options.max_word_bytes = 5;
      TokenizerStats s;
      const Tokens t = tokenize("ab\xFF\xFF\xFF", options, &s);
      REQUIRE(t.size() == 1);
      CHECK(t[0] == "ab" + fffd);  // one more U+FFFD would make 8 bytes
      CHECK(s.repaired_words == 1);
      CHECK(s.truncated_words == 1);
    }
  }

  TEST_CASE("lowercase folds ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic") {
    TokenizerOptions options;
    options.lowercase = true;
    CHECK(tokenize("Hello WORLD \xC3\x80\xC3\x89T\xC3\x89 \xC4\x8C\xC5\xBD "
                   "\xCE\x9B\xCF\x8C\xCE\xB3\xCE\x9F\xCE\xA3 \xD0\x9C\xD0\x98\xD0\xA0 "
                   "\xE6\x97\xA5\xE6\x9C\xAC A\xEF\xBC\xA1",
                   options) ==
          Tokens{"hello", "world", "\xC3\xA0\xC3\xA9t\xC3\xA9", "\xC4\x8D\xC5\xBE",
                 "\xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x83", "\xD0\xBC\xD0\xB8\xD1\x80",
                 "\xE6\x97\xA5\xE6\x9C\xAC", "a\xEF\xBC\xA1"});
    SUBCASE("off by default") { CHECK(tokenize("Hello \xC3\x80") == Tokens{"Hello", "\xC3\x80"}); }
    SUBCASE("the cut applies to the lowercased word") {
      options.max_word_bytes = 4;
      TokenizerStats stats;
      // İ (2 bytes) folds to i (1 byte): "İİİİ" is 8 bytes but "iiii" fits.
      CHECK(tokenize("\xC4\xB0\xC4\xB0\xC4\xB0\xC4\xB0", options, &stats) == Tokens{"iiii"});
      CHECK(stats.truncated_words == 0);
      CHECK(tokenize("ABCDEF", options, &stats) == Tokens{"abcd"});
      CHECK(stats.truncated_words == 1);
    }
  }

  TEST_CASE("continues_word skips the tail of a word whose head was handed out") {
    Tokenizer tokenizer(TokenizerOptions{});
    auto run = [&](const std::string& text, bool continues) {
      Tokens tokens;
      tokenizer.tokenize(
          text, continues, [&](std::string_view w) { tokens.emplace_back(w); },
          [&] { tokens.push_back(kEnd); });
      return tokens;
    };
    CHECK(run("tail next", true) == Tokens{"next"});
    CHECK(run("tail next", false) == Tokens{"tail", "next"});
    CHECK(run("tail", true).empty());
    CHECK(run("tail\nnext", true) == Tokens{kEnd, "next"});
    CHECK(run(" next", true) == Tokens{"next"});
    CHECK(run("t\xC3\xA9il" + utf8_encode(0x3000) + "next", true) == Tokens{"next"});
    CHECK(run("\xA9il" + utf8_encode(0x00A0) + "next", true) == Tokens{"next"});
  }
}

TEST_SUITE("input") {
  TEST_CASE("block_cut prefers a newline in the second half, then any separator") {
    using w2v::block_cut;
    auto cut = [](const std::string& s) { return block_cut(s.data(), s.size()); };
    CHECK(cut("aaaa bbbb\ncc dd") == 10);     // newline in the second half
    CHECK(cut("a\nbbbbbbbbbbbbb cc") == 16);  // newline too early: last space
    CHECK(cut("abc\t") == 4);
    CHECK(cut("abcdefgh") == 0);                         // no separator at all
    CHECK(cut("ab" + utf8_encode(0x3000) + "cd") == 5);  // only a Unicode space
    CHECK(cut("ab" + utf8_encode(0x85) + "cd" + utf8_encode(0x2009) + "e") == 9);
    CHECK(cut("ab\xE3\x80") == 0);  // a space cut short is not one
    // The control bytes the tokenizer splits at are cut points too.
    CHECK(cut(std::string("n\x01i\0zs", 6)) == 4);
    CHECK(cut("abc\x7f"
              "def") == 4);
  }

  TEST_CASE("InputReader: missing inputs and directories are errors naming the path") {
    w2v::test::TempDir dir;
    const std::string missing = dir.file("no_such_file.txt");
    auto open = [](const std::string& path) { w2v::InputReader reader(path); };
    CHECK_THROWS_WITH_AS(open(missing), doctest::Contains(missing.c_str()), w2v::Error);
    CHECK_THROWS_WITH_AS(open(dir.path()), doctest::Contains(dir.path().c_str()), w2v::Error);
  }

  TEST_CASE("InputReader: blocks end at separators, so tokens do not depend on the block size") {
    w2v::test::TempDir dir;
    // Short and long words (one longer than every block below), multi-byte characters,
    // every kind of separator, and no final newline.
    w2v::Rng rng(7);
    std::string text;
    const std::vector<std::string> pieces = {
        "a",
        "bb",
        "w\xC3\xA9rd",
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
        "\xF0\x9F\x98\x80x",
        std::string(150, 'L'),
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
        "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"};
    std::vector<std::string> seps = {" ", " ", " ", "\t", "\n", "\r\n", "\n\n"};
    for (const char32_t c : kUnicodeSpaces) seps.push_back(utf8_encode(c));
    for (int i = 0; i < 600; ++i) {
      text += pieces[rng.below(static_cast<std::uint32_t>(pieces.size()))];
      text += seps[rng.below(static_cast<std::uint32_t>(seps.size()))];
    }
    text += "last";
    const std::string path = dir.file("corpus.txt");
    w2v::test::write_file(path, text);

    TokenizerOptions options;
    options.max_word_bytes = 6;
    TokenizerStats whole_stats;
    const Tokens whole = tokenize(text, options, &whole_stats);
    REQUIRE(whole.size() > 600);
    REQUIRE(whole_stats.truncated_words > 0);

    for (std::size_t block = 10; block <= 140; block += (block < 40 ? 1 : 13)) {
      CAPTURE(block);
      const auto blocks = read_blocks(path, block);
      std::string joined;
      bool split_word = false;
      for (const auto& b : blocks) {
        CHECK(b.text.size() <= block);
        CHECK(!b.text.empty());
        joined += b.text.view();
        split_word = split_word || b.continues_word;
      }
      CHECK(joined == text);  // nothing lost, nothing repeated
      CHECK(split_word);      // the 150-byte word never fits in a block
      TokenizerStats stats;
      CHECK(tokenize_pieces(blocks, options, &stats) == whole);
      CHECK(stats.words == whole_stats.words);
      CHECK(stats.truncated_words == whole_stats.truncated_words);
      CHECK(stats.repaired_words == 0);
    }
  }

  TEST_CASE("InputReader: a line with no newline longer than a block streams in pieces") {
    w2v::test::TempDir dir;
    const std::string path = dir.file("one_word.txt");
    const std::string word(1000, 'q');
    w2v::test::write_file(path, word + " tail");
    const auto blocks = read_blocks(path, 64);
    REQUIRE(blocks.size() >= 16);
    CHECK_FALSE(blocks.front().continues_word);
    for (std::size_t i = 1; i < blocks.size(); ++i) CHECK(blocks[i].continues_word);
    TokenizerOptions options;
    options.max_word_bytes = 8;
    TokenizerStats stats;
    CHECK(tokenize_pieces(blocks, options, &stats) == Tokens{"qqqqqqqq", "tail"});
    CHECK(stats.words == 2);
    CHECK(stats.truncated_words == 1);

    SUBCASE("multi-byte characters and a Unicode space at a block's end") {
      // 2-byte characters, then a 3-byte space straddling the first block boundary.
      const std::string e = "\xC3\xA9";
      for (std::size_t pad = 0; pad < 3; ++pad) {
        std::string text = std::string(pad, 'x');
        while (text.size() + 2 <= 62) text += e;
        text += utf8_encode(0x3000) + "next" + utf8_encode(0x3000) + "one\n";
        w2v::test::write_file(path, text);
        TokenizerStats s;
        const Tokens got = tokenize_pieces(read_blocks(path, 64), options, &s);
        CAPTURE(pad);
        REQUIRE(got.size() == 4);
        CHECK(w2v::utf8::is_valid(got[0]));
        CHECK(got[0] == tokenize(text, options)[0]);
        CHECK(got[1] == "next");
        CHECK(got[2] == "one");
        CHECK(got[3] == kEnd);
        CHECK(s.repaired_words == 0);
      }
    }
  }

  TEST_CASE("InputReader reads an empty file as no blocks") {
    w2v::test::TempDir dir;
    w2v::test::write_file(dir.file("empty"), "");
    CHECK(read_blocks(dir.file("empty"), 16).empty());
  }
}
