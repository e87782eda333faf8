// gensim_io: gensim (the reference reader of word2vec files) loads what `w2v train`
// writes, text and binary, with the same words (multi-byte UTF-8 included) and the same
// values. Needs /usr/bin/python3 with gensim; fails, never skips, without it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace {

using w2v::test::read_file;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

// Loads a word2vec file with gensim and prints `word<TAB>v1 v2 ...` per word, in the
// file's order, with repr() of each value (exact for float32), after a `count dim` line.
const char* kLoader = R"(import sys
from gensim.models import KeyedVectors
path, binary = sys.argv[1], sys.argv[2] == "bin"
kv = KeyedVectors.load_word2vec_format(path, binary=binary, unicode_errors="strict")
out = ["%d %d" % (len(kv.index_to_key), kv.vector_size)]
for word in kv.index_to_key:
    out.append(word + "\t" + " ".join(repr(float(x)) for x in kv[word]))
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("utf-8"))
)";

struct Entry {
  std::string word;
  std::vector<float> values;
};

// What w2v wrote, read independently of gensim (text or binary word2vec layout).
std::vector<Entry> read_w2v(const std::string& data, bool binary, std::size_t* dim_out) {
  std::vector<Entry> entries;
  const auto eol = data.find('\n');
  REQUIRE(eol != std::string::npos);
  const auto header = w2v::test::split(data.substr(0, eol), ' ');
  REQUIRE(header.size() == 2);
  const std::size_t count = std::stoul(header[0]), dim = std::stoul(header[1]);
  *dim_out = dim;
  std::size_t pos = eol + 1;
  for (std::size_t i = 0; i < count; ++i) {
    Entry e;
    const auto space = data.find(' ', pos);
    REQUIRE(space != std::string::npos);
    e.word = data.substr(pos, space - pos);
    pos = space + 1;
    e.values.resize(dim);
    if (binary) {
      REQUIRE(pos + 4 * dim < data.size());
      std::memcpy(e.values.data(), data.data() + pos, 4 * dim);
      pos += 4 * dim;
      REQUIRE(data[pos] == '\n');
      ++pos;
    } else {
      const auto end = data.find('\n', pos);
      REQUIRE(end != std::string::npos);
      const auto parts = w2v::test::split(data.substr(pos, end - pos), ' ');
      REQUIRE(parts.size() == dim);
      for (std::size_t d = 0; d < dim; ++d) e.values[d] = std::strtof(parts[d].c_str(), nullptr);
      pos = end + 1;
    }
    entries.push_back(std::move(e));
  }
  CHECK(pos == data.size());
  return entries;
}

}  // namespace

TEST_SUITE("gensim_io") {
  TEST_CASE("gensim loads w2v's text and binary vectors with the same words and values") {
    TempDir dir;
    // Multi-byte words of 2, 3 and 4 bytes per character, next to ASCII ones.
    const std::vector<std::string> words = {
        "alpha",
        "beta",
        "gamma",
        "\xC3\xBC"
        "ber",                                               // über
        "na\xC3\xAFve",                                      // naïve
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",              // 日本語
        "\xF0\x9F\x98\x80",                                  // 😀
        "\xCE\xA9\xCE\xBC\xCE\xAD\xCE\xB3\xCE\xB1",          // Ωμέγα
        "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",  // Привет
        "caf\xC3\xA9-au-lait",
        "x"};
    std::string corpus;
    for (int line = 0; line < 200; ++line) {
      for (int i = 0; i < 8; ++i) {
        if (i > 0) corpus += ' ';
        corpus += words[static_cast<std::size_t>(line * 7 + i * (line % 5 + 1)) % words.size()];
      }
      corpus += '\n';
    }
    write_file(dir.file("corpus.txt"), corpus);
    write_file(dir.file("load.py"), kLoader);

    for (const bool binary : {false, true}) {
      CAPTURE(binary);
      const std::string out = dir.file(binary ? "vectors.bin" : "vectors.txt");
      const auto train = w2v::test::run_command(
          shell_quote(W2V_BINARY) + " train " + shell_quote(dir.file("corpus.txt")) +
          " --dim 12 --epochs 2 --min-count 1 --threads 1 -q -o " + shell_quote(out));
      REQUIRE_MESSAGE(train.exit_code == 0, train.err);
      std::size_t dim = 0;
      const auto ours = read_w2v(read_file(out), binary, &dim);
      REQUIRE(ours.size() == words.size());
      REQUIRE(dim == 12);

      const auto loaded =
          w2v::test::run_command("/usr/bin/python3 " + shell_quote(dir.file("load.py")) + " " +
                                 shell_quote(out) + (binary ? " bin" : " text"));
      REQUIRE_MESSAGE(loaded.exit_code == 0,
                      "gensim could not load the file (is gensim installed for /usr/bin/python3?): "
                          << loaded.err);
      const auto lines = w2v::test::lines(loaded.out);
      REQUIRE(lines.size() == ours.size() + 1);
      CHECK(lines[0] == std::to_string(ours.size()) + " 12");
      std::vector<std::string> seen;
      for (std::size_t i = 0; i < ours.size(); ++i) {
        const auto tab = lines[i + 1].find('\t');
        REQUIRE(tab != std::string::npos);
        const std::string word = lines[i + 1].substr(0, tab);
        CHECK(word == ours[i].word);  // same words, same order, same bytes
        seen.push_back(word);
        const auto values = w2v::test::split(lines[i + 1].substr(tab + 1), ' ');
        REQUIRE(values.size() == dim);
        for (std::size_t d = 0; d < dim; ++d) {
          // float32 -> Python float -> repr -> double -> float32 is exact.
          CHECK(static_cast<float>(std::strtod(values[d].c_str(), nullptr)) == ours[i].values[d]);
        }
      }
      // Every corpus word made it, multi-byte ones included.
      for (const auto& w : words) {
        CHECK_MESSAGE(std::find(seen.begin(), seen.end(), w) != seen.end(), w);
      }
    }
  }
}

TEST_SUITE("gensim_io") {
  TEST_CASE("export --format npy loads with numpy.load, tsv row by row, both equal to the file") {
    TempDir dir;
    // Values with exact float32 forms, a multi-byte word.
    const std::string text =
        "3 4\nking 0.5 -0.25 1e-3 7\nqueen -1.5 2 0.125 -3e-5\n\xc3\xa9t\xc3\xa9 0 1 2 3\n";
    write_file(dir.file("v.txt"), text);
    const auto npy = w2v::test::run_command(shell_quote(W2V_BINARY) + " export " +
                                            shell_quote(dir.file("v.txt")) + " -o " +
                                            shell_quote(dir.file("m.npy")) + " -q");
    REQUIRE_MESSAGE(npy.exit_code == 0, npy.err);
    CHECK(read_file(dir.file("m.words.txt")) == "king\nqueen\n\xc3\xa9t\xc3\xa9\n");
    write_file(dir.file("load.py"), R"(import sys, numpy
m = numpy.load(sys.argv[1])
print(m.dtype, m.shape, m.flags["C_CONTIGUOUS"])
for row in m:
    print(" ".join(repr(float(x)) for x in row))
)");
    const auto loaded =
        w2v::test::run_command("/usr/bin/python3 " + shell_quote(dir.file("load.py")) + " " +
                               shell_quote(dir.file("m.npy")));
    REQUIRE_MESSAGE(loaded.exit_code == 0, loaded.err);
    const auto lines = w2v::test::lines(loaded.out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "float32 (3, 4) True");
    CHECK(lines[1] == "0.5 -0.25 " + std::string("0.0010000000474974513") + " 7.0");
    CHECK(lines[3] == "0.0 1.0 2.0 3.0");

    const auto tsv = w2v::test::run_command(shell_quote(W2V_BINARY) + " export " +
                                            shell_quote(dir.file("v.txt")) + " -o " +
                                            shell_quote(dir.file("v.tsv")) + " -q");
    REQUIRE_MESSAGE(tsv.exit_code == 0, tsv.err);
    CHECK(read_file(dir.file("v.tsv")) ==
          "king\t0.5\t-0.25\t0.001\t7\nqueen\t-1.5\t2\t0.125\t-3e-"
          "05\n\xc3\xa9t\xc3\xa9\t0\t1\t2\t3\n");
    // -o and --projector together, or a format the name cannot tell and none given.
    const auto both = w2v::test::run_command(
        shell_quote(W2V_BINARY) + " export " + shell_quote(dir.file("v.txt")) + " -o " +
        shell_quote(dir.file("x.tsv")) + " --projector " + shell_quote(dir.file("p")));
    CHECK(both.exit_code == 2);
    CHECK(!w2v::test::file_exists(dir.file("x.tsv")));
  }

  TEST_CASE("a GloVe file (no header line) reads as the same vectors with its header") {
    TempDir dir;
    const std::string body =
        "the 0.418 0.24968 -0.41242\n, 0.013441 0.23682 -0.16899\n\n"
        "of 0.70853 0.57088 -0.4716\n";
    write_file(dir.file("glove.txt"), body);
    write_file(dir.file("w2v.txt"), "3 3\n" + body);
    const auto a = w2v::test::run_command(shell_quote(W2V_BINARY) + " convert " +
                                          shell_quote(dir.file("glove.txt")) + " -");
    const auto b = w2v::test::run_command(shell_quote(W2V_BINARY) + " convert " +
                                          shell_quote(dir.file("w2v.txt")) + " -");
    REQUIRE_MESSAGE(a.exit_code == 0, a.err);
    REQUIRE_MESSAGE(b.exit_code == 0, b.err);
    CHECK(a.out == b.out);
    CHECK(a.out.rfind("3 3\nthe ", 0) == 0);
    // A first line that is neither a header nor a vector is still a bad header.
    write_file(dir.file("bad.txt"), "hello world\nthe 0.1 0.2\n");
    const auto bad = w2v::test::run_command(shell_quote(W2V_BINARY) + " convert " +
                                            shell_quote(dir.file("bad.txt")) + " -");
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("bad header") != std::string::npos);
  }
}
