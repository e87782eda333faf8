#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/rng.hpp"
#include "w2v/vectors.hpp"

namespace w2v {
namespace {

using test::TempDir;

std::string binary_record(const std::string& word, const std::vector<float>& values, bool newline) {
  std::string s = word + " ";
  s.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  if (newline) s += '\n';
  return s;
}

// The message of the Error that parsing `data` throws; fails the test when none is thrown.
std::string load_error(const std::string& data, const std::string& name = "v.txt") {
  try {
    parse_vectors(data, name);
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no error for " << name);
  return "";
}

void check_same(const WordVectors& v, const std::vector<std::string>& words, const Matrix& m) {
  REQUIRE(v.size() == words.size());
  REQUIRE(v.dim() == m.cols());
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    CHECK(v.words.word(i) == words[i]);
    CHECK(std::memcmp(v.vectors.row(i), m.row(i), m.cols() * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_SUITE("vectors") {
  TEST_CASE("write then load gives back the same words and floats, in both formats") {
    TempDir dir;
    const Matrix m = test::random_matrix(50, 19, 7);
    std::vector<std::string> words = test::numbered_words(50);
    words[3] = "naïve";
    words[4] = "日本";
    for (const VectorFormat format : {VectorFormat::kBinary, VectorFormat::kText}) {
      // The name says nothing: the format comes from the content.
      const std::string path = dir / "vectors.data";
      test::save_vectors(path, format, words, m);
      const WordVectors v = load_vectors(path);
      CHECK(v.format == format);
      check_same(v, words, m);
      CHECK(v.words.find("日本") == 4);
    }
  }

  TEST_CASE("text as word2vec.c, fastText and by hand: blanks, CRLF, signs, exponents") {
    const std::string text =
        "3 4 \r\n"
        "alpha 1 -2 0.5 1e-3 \r\n"
        "\n"
        "beta\t+3\t4.25  5 -6E+1\n"
        "gamma 0 0 0 0";  // no final line break
    std::vector<std::string> warnings;
    LoadOptions options;
    options.warn = [&](const std::string& w) { warnings.push_back(w); };
    const WordVectors v = parse_vectors(text, "hand.vec", options);
    REQUIRE(v.size() == 3);
    CHECK(v.format == VectorFormat::kText);
    CHECK(v.words.word(1) == "beta");
    const float expected[3][4] = {{1, -2, 0.5f, 1e-3f}, {3, 4.25f, 5, -60}, {0, 0, 0, 0}};
    for (int r = 0; r < 3; ++r) {
      for (int d = 0; d < 4; ++d) CHECK(v.vectors.row(r)[d] == expected[r][d]);
    }
    CHECK(warnings.empty());
  }

  TEST_CASE("binary as word2vec.c (newline after each vector) and gensim (none)") {
    const std::vector<float> a = {1.5f, -2, 3}, b = {0.25f, 0, -1e-20f};
    for (const bool newline : {true, false}) {
      const std::string data =
          "2 3\n" + binary_record("a", a, newline) + binary_record("bé", b, newline);
      const WordVectors v = parse_vectors(data, "v.bin");
      REQUIRE(v.size() == 2);
      CHECK(v.format == VectorFormat::kBinary);
      CHECK(v.words.word(1) == "bé");
      for (int d = 0; d < 3; ++d) {
        CHECK(v.vectors.row(0)[d] == a[d]);
        CHECK(v.vectors.row(1)[d] == b[d]);
      }
    }
  }

  TEST_CASE("a vector whose bytes hold newlines and spaces still reads as binary") {
    // 0x0A and 0x20 bytes inside the floats must not be taken for separators.
    float tricky;
    const unsigned char bytes[4] = {0x0A, 0x20, 0x0A, 0x3F};
    std::memcpy(&tricky, bytes, 4);
    const std::vector<float> a = {tricky, tricky, 1, tricky, tricky};
    const std::string data = "2 5\n" + binary_record("x", a, false) + binary_record("y", a, false);
    const WordVectors v = parse_vectors(data, "v.bin");
    REQUIRE(v.size() == 2);
    CHECK(v.format == VectorFormat::kBinary);
    CHECK(v.vectors.row(1)[0] == tricky);
  }

  TEST_CASE("binary of dimension 1 loads as binary, even when some floats look like digits") {
    // Floats whose four bytes read as a number ("0123" is 4.1e-8) and one that does not.
    std::vector<float> digits;
    for (const char* bytes : {"0123", "1.25", "9999", "-1e5"}) {
      float v;
      std::memcpy(&v, bytes, 4);
      digits.push_back(v);
    }
    for (const float other : {1.0f, -0.37f, 1.1f}) {
      for (const bool newline : {true, false}) {
        for (std::size_t at = 0; at <= digits.size(); ++at) {
          CAPTURE(other);
          CAPTURE(newline);
          CAPTURE(at);
          std::vector<float> values = digits;
          values.insert(values.begin() + static_cast<std::ptrdiff_t>(at), other);
          std::string data = std::to_string(values.size()) + " 1\n";
          for (std::size_t i = 0; i < values.size(); ++i) {
            data += binary_record("w" + std::to_string(i), {values[i]}, newline);
          }
          const WordVectors v = parse_vectors(data, "v.bin");
          CHECK(v.format == VectorFormat::kBinary);
          REQUIRE(v.size() == values.size());
          for (std::size_t i = 0; i < values.size(); ++i) {
            CHECK(std::memcmp(v.vectors.row(i), &values[i], 4) == 0);
          }
        }
      }
    }
    // Records that are all digits both ways are valid text, and read as text.
    std::string data =
        "2 1\n" + binary_record("a", {digits[0]}, true) + binary_record("b", {digits[1]}, true);
    const WordVectors v = parse_vectors(data, "v");
    CHECK(v.format == VectorFormat::kText);
    CHECK(v.vectors.row(0)[0] == 123.0f);
  }

  TEST_CASE("text with a byte above 0x7F in a value is text, its error naming the line") {
    CHECK(load_error("2 3\na 0.1 0.2\xC3 0.3\nb 1 2 3\n")
              .find("v.txt:2: value 2 of 'a' is not a number") == 0);
    CHECK(load_error("1 3\na 0.1 0.2 0.\xFF\n").find("v.txt:2: value 3 of 'a'") == 0);
    CHECK(load_error("1 1\nw 0.12\xC3\n").find("v.txt:2: value 1 of 'w'") == 0);
    CHECK(load_error("2 2\nw \xE2\x82\xAC"
                     "1 2\nx 1 2\n")
              .find("v.txt:2:") == 0);
  }

  TEST_CASE("words up to 64 KiB travel both ways, longer ones are an error naming the line") {
    const std::string longest(65536, 'w');
    Matrix m(2, 3);
    for (std::size_t i = 0; i < 6; ++i) m.row(i / 3)[i % 3] = static_cast<float>(i) + 0.5f;
    StringTable words;
    words.insert(longest);
    words.insert("short");
    for (const VectorFormat format : {VectorFormat::kText, VectorFormat::kBinary}) {
      StringSink sink;
      write_vectors(sink, format, words, m);
      const WordVectors v = parse_vectors(sink.str(), "v");
      CHECK(v.format == format);
      check_same(v, {longest, "short"}, m);
    }
    const std::string too_long = "1 1\n" + std::string(65537, 'w') + " 1\n";
    CHECK(load_error(too_long).find("v.txt:2: the word 'www") == 0);
    CHECK(load_error(too_long).find("is longer than 65536 bytes") != std::string::npos);
  }

  TEST_CASE("--limit reads only the first vectors") {
    const Matrix m = test::random_matrix(10, 5, 3);
    const auto words = test::numbered_words(10);
    TempDir dir;
    for (const VectorFormat format : {VectorFormat::kBinary, VectorFormat::kText}) {
      test::save_vectors(dir / "v", format, words, m);
      // What follows the limit is not even looked at.
      test::write_file(dir / "v", test::read_file(dir / "v") + "garbage \xff\xfe");
      LoadOptions options;
      options.limit = 4;
      const WordVectors v = load_vectors(dir / "v", options);
      REQUIRE(v.size() == 4);
      CHECK(v.words.word(3) == "w3");
      CHECK(v.vectors.row(3)[4] == m.row(3)[4]);
      options.limit = -1;
      CHECK_THROWS_AS(load_vectors(dir / "v", options), UsageError);
    }
  }

  TEST_CASE("duplicate words: a warning, the first vector kept") {
    std::vector<std::string> warnings;
    LoadOptions options;
    options.warn = [&](const std::string& w) { warnings.push_back(w); };
    const WordVectors v = parse_vectors("4 1\na 1\nb 2\na 3\nc 4\n", "dup.txt", options);
    REQUIRE(v.size() == 3);
    CHECK(v.words.word(2) == "c");
    CHECK(v.vectors.row(0)[0] == 1);
    CHECK(v.vectors.row(2)[0] == 4);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("dup.txt") != std::string::npos);
    CHECK(warnings[0].find("vector 3 repeats the word 'a'") != std::string::npos);
  }

  TEST_CASE("data after the declared vectors: a warning") {
    std::vector<std::string> warnings;
    LoadOptions options;
    options.warn = [&](const std::string& w) { warnings.push_back(w); };
    parse_vectors("1 1\na 1\nb 2\n", "extra.txt", options);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("extra.txt") != std::string::npos);
    CHECK(warnings[0].find("line 3") != std::string::npos);
  }

  TEST_CASE("each malformed file has its own error, naming the file and where") {
    const std::vector<float> ok = {1, 2};
    const float nan = std::nanf(""), inf = HUGE_VALF;
    struct Case {
      const char* what;
      std::string data;
      const char* message;
    };
    const std::vector<Case> cases = {
        {"empty", "", "v.txt: the file is empty"},
        {"header words", "abc def\na 1\n", "v.txt:1: bad header 'abc def'"},
        {"header one number", "3\n", "v.txt:1: bad header '3'"},
        {"header three numbers", "1 2 3\n", "v.txt:1: bad header"},
        {"header negative", "-1 2\n", "v.txt:1: bad header"},
        {"zero dimension", "1 0\na\n", "the dimension must be"},
        {"no line break", std::string(300, '1'), "v.txt:1: bad header"},
        {"text: fewer vectors", "3 2\na 1 2\nb 3 4\n",
         "v.txt: the header says 3 vectors, but the file ends after 2"},
        {"text: too few values", "2 3\na 1 2 3\nb 1 2\n",
         "v.txt:3: expected 3 values after 'b', got 2"},
        {"text: too many values", "2 3\na 1 2 3\nb 1 2 3 4\n", "v.txt:3: expected 3 values"},
        {"text: first line wrong", "2 3\na 1 2\nb 1 2 3\n",
         "v.txt:2: expected 3 values after 'a', got 2"},
        {"text: not a number", "2 2\na 1 2\nb 1 x2\n",
         "v.txt:3: value 2 of 'b' is not a number: 'x2'"},
        {"text: first line not a number", "1 3\na 1 2,5 3\n", "v.txt:2: value 2 of 'a'"},
        {"text: a huge dimension in the header", "2 1000000\na 1 2\nb 3 4\n",
         "v.txt:2: expected 1000000 values after 'a', got 2"},
        {"binary: a huge dimension in the header", "1 1000000\n" + binary_record("a", ok, false),
         "the file ends inside vector 1 ('a')"},
        {"text: NaN", "2 2\na 1 2\nb nan 1\n", "v.txt:3: value 1 of 'b' is NaN"},
        {"text: infinite", "1 2\na 1 1e39\n", "v.txt:2: value 2 of 'a' is infinite"},
        {"text: bad UTF-8", "2 2\na 1 2\n\xC3\x28 1 2\n", "v.txt:3: the word '"},
        {"text: control character", "1 2\na\x01z 1 2\n", "holds a control character"},
        {"binary: fewer vectors", "3 2\n" + binary_record("a", ok, true),
         "v.txt: the header says 3 vectors, but the file ends after 1"},
        {"binary: cut inside a vector",
         "2 2\n" + binary_record("a", ok, true) + binary_record("b", ok, false).substr(0, 5),
         "the file ends inside vector 2 ('b')"},
        {"binary: NaN", "2 2\n" + binary_record("a", ok, true) + binary_record("b", {1, nan}, true),
         "v.txt: byte 21: value 2 of 'b' is NaN"},
        {"binary: infinite", "1 2\n" + binary_record("a", {inf, 1}, false),
         "v.txt: byte 6: value 1 of 'a' is infinite"},
        {"binary: bad UTF-8",
         "2 2\n" + binary_record("a", ok, true) + binary_record("\xFF\xFE", ok, true),
         "v.txt: byte 15: vector 2: the word"},
    };
    for (const Case& c : cases) {
      CAPTURE(std::string(c.what));
      const std::string message = load_error(c.data);
      CHECK_MESSAGE(message.find(c.message) != std::string::npos, message);
    }
  }

  TEST_CASE("no crash and no hang on damaged files: only w2v::Error") {
    const Matrix m = test::random_matrix(12, 6, 11);
    const auto words = test::numbered_words(12);
    TempDir dir;
    Rng rng(2024, 0);
    for (const VectorFormat format : {VectorFormat::kBinary, VectorFormat::kText}) {
      test::save_vectors(dir / "v", format, words, m);
      const std::string good = test::read_file(dir / "v");
      int errors = 0, loads = 0;
      auto attempt = [&](const std::string& data) {
        try {
          const WordVectors v = parse_vectors(data, "fuzz");
          CHECK(v.vectors.all_finite());
          ++loads;
        } catch (const Error&) {
          ++errors;
        }
      };
      for (std::size_t cut = 0; cut < good.size(); ++cut) attempt(good.substr(0, cut));
      for (int trial = 0; trial < 3000; ++trial) {
        std::string data = good;
        const int edits = 1 + static_cast<int>(rng.below(4));
        for (int e = 0; e < edits; ++e) {
          const std::uint32_t at = rng.below(static_cast<std::uint32_t>(data.size()));
          switch (rng.below(3)) {
            case 0:
              data[at] = static_cast<char>(rng.below(256));
              break;
            case 1:
              data.erase(at, 1 + rng.below(8));
              break;
            default:
              data.insert(at, std::string(1 + rng.below(3), static_cast<char>(rng.below(256))));
          }
        }
        attempt(data);
      }
      CHECK(errors > 0);
      CHECK(loads + errors == static_cast<int>(good.size()) + 3000);
    }
  }

  TEST_CASE("gzip files are read through") {
    TempDir dir;
    const Matrix m = test::random_matrix(5, 3, 1);
    const auto words = test::numbered_words(5);
    test::save_vectors(dir / "v.txt", VectorFormat::kText, words, m);
    REQUIRE(std::system(("gzip -c " + dir / "v.txt" + " > " + dir / "v.txt.gz").c_str()) == 0);
    check_same(load_vectors(dir / "v.txt.gz"), words, m);
    test::write_file(dir / "bad.gz", test::read_file(dir / "v.txt.gz").substr(0, 20));
    CHECK_THROWS_WITH_AS(load_vectors(dir / "bad.gz"), doctest::Contains("gzip"), Error);
  }

  TEST_CASE("a missing file or a folder is an Error naming it") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(load_vectors(dir / "nope"), doctest::Contains("nope"), Error);
    CHECK_THROWS_WITH_AS(load_vectors(dir.path()), doctest::Contains("directory"), Error);
  }
}

TEST_SUITE("vectors cli") {
  TEST_CASE("train's output, text and binary, load to the same vectors") {
    TempDir dir;
    std::string corpus;
    Rng rng(5, 0);
    for (int line = 0; line < 400; ++line) {
      for (int w = 0; w < 12; ++w) corpus += "t" + std::to_string(rng.below(40)) + " ";
      corpus += "\n";
    }
    test::write_file(dir / "corpus.txt", corpus);
    const std::string train = "train " + dir / "corpus.txt" + " --dim 8 --epochs 1 --threads 1 " +
                              "--min-count 1 -q --merge dot -o ";
    REQUIRE(test::run_w2v(train + dir / "v.bin").exit_code == 0);
    REQUIRE(test::run_w2v(train + dir / "v.txt").exit_code == 0);
    const WordVectors bin = load_vectors(dir / "v.bin");
    const WordVectors text = load_vectors(dir / "v.txt");
    CHECK(bin.format == VectorFormat::kBinary);
    CHECK(text.format == VectorFormat::kText);
    REQUIRE(bin.size() == 40);
    check_same(text, w2v::test::words_of(bin.words), bin.vectors);
  }

  TEST_CASE("convert: binary -> text -> binary is lossless, with --limit and --format") {
    TempDir dir;
    const Matrix m = test::random_matrix(30, 7, 9);
    const auto words = test::numbered_words(30);
    test::save_vectors(dir / "a.bin", VectorFormat::kBinary, words, m);
    REQUIRE(test::run_w2v("convert -q " + dir / "a.bin" + " " + dir / "a.txt").exit_code == 0);
    REQUIRE(test::run_w2v("convert -q " + dir / "a.txt" + " " + dir / "b.bin").exit_code == 0);
    CHECK(test::read_file(dir / "a.bin") == test::read_file(dir / "b.bin"));
    CHECK(load_vectors(dir / "a.txt").format == VectorFormat::kText);

    const auto r = test::run_w2v("convert " + dir / "a.txt" + " " + dir / "c.vec --format bin " +
                                 "--limit 10");
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("10 vectors of 7 dimensions") != std::string::npos);
    const WordVectors c = load_vectors(dir / "c.vec");
    CHECK(c.format == VectorFormat::kBinary);
    CHECK(c.size() == 10);

    // In place.
    REQUIRE(test::run_w2v("convert -q " + dir / "a.txt" + " " + dir / "a.txt").exit_code == 0);
    check_same(load_vectors(dir / "a.txt"), words, m);

    const auto bad = test::run_w2v("convert " + dir / "missing.txt" + " " + dir / "x.txt");
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("missing.txt") != std::string::npos);
    CHECK(test::run_w2v("convert " + dir / "a.txt" + " " + dir / "x --format csv").exit_code == 2);
  }

  TEST_CASE("export --projector writes vectors.tsv and metadata.tsv") {
    TempDir dir;
    const Matrix m = test::random_matrix(20, 4, 2);
    const auto words = test::numbered_words(20);
    test::save_vectors(dir / "a.bin", VectorFormat::kBinary, words, m);
    const auto r =
        test::run_w2v("export -q --projector " + dir / "out/proj " + dir / "a.bin" + " --limit 15");
    REQUIRE(r.exit_code == 0);
    const auto vectors = test::lines(test::read_file(dir / "out/proj/vectors.tsv"));
    const auto metadata = test::lines(test::read_file(dir / "out/proj/metadata.tsv"));
    REQUIRE(vectors.size() == 15);
    REQUIRE(metadata.size() == 15);
    CHECK(metadata[14] == "w14");
    const auto values = test::split(vectors[14], '\t');
    REQUIRE(values.size() == 4);
    for (int d = 0; d < 4; ++d) CHECK(std::stof(values[d]) == m.row(14)[d]);
  }
}

}  // namespace w2v
