// cli: runs the built `w2v` binary (`w2v train`, `w2v pairs`) in a temporary folder:
// determinism, inputs (files, gzip, standard input), options from a config file, metrics,
// vocabulary files, output formats, and what each kind of bad input does.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/alias_sampler.hpp"
#include "w2v/pairs.hpp"
#include "w2v/subsampler.hpp"
#include "w2v/train_job.hpp"

namespace {

using w2v::test::CommandResult;
using w2v::test::read_file;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

// Runs `w2v ARGS` in `dir` (ARGS is shell text).
CommandResult w2v_in(const TempDir& dir, const std::string& args) {
  return w2v::test::run_command("cd " + shell_quote(dir.path()) + " && " + shell_quote(W2V_BINARY) +
                                " " + args);
}

std::map<std::string, std::int64_t> count_words(const std::string& text) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& line : w2v::test::lines(text)) {
    for (const auto& w : w2v::test::split(line, ' ')) {
      if (!w.empty()) ++counts[w];
    }
  }
  return counts;
}

struct Vectors {
  std::size_t count = 0, dim = 0;
  std::vector<std::string> words;
  std::vector<std::vector<float>> values;
};

// Parses word2vec text: a `count dim` header, then `word v1 ... vd` lines.
Vectors parse_text(const std::string& data) {
  Vectors v;
  const auto lines = w2v::test::lines(data);
  REQUIRE(!lines.empty());
  const auto header = w2v::test::split(lines[0], ' ');
  REQUIRE(header.size() == 2);
  v.count = std::stoul(header[0]);
  v.dim = std::stoul(header[1]);
  REQUIRE(lines.size() == v.count + 1);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto parts = w2v::test::split(lines[i], ' ');
    REQUIRE(parts.size() == v.dim + 1);
    v.words.push_back(parts[0]);
    std::vector<float> row;
    for (std::size_t d = 1; d < parts.size(); ++d)
      row.push_back(std::strtof(parts[d].c_str(), nullptr));
    v.values.push_back(row);
  }
  return v;
}

// Parses word2vec binary: a `count dim\n` header, then `word ` + dim float32 + `\n`.
Vectors parse_binary(const std::string& data) {
  Vectors v;
  const auto eol = data.find('\n');
  REQUIRE(eol != std::string::npos);
  const auto header = w2v::test::split(data.substr(0, eol), ' ');
  REQUIRE(header.size() == 2);
  v.count = std::stoul(header[0]);
  v.dim = std::stoul(header[1]);
  std::size_t pos = eol + 1;
  for (std::size_t i = 0; i < v.count; ++i) {
    const auto space = data.find(' ', pos);
    REQUIRE(space != std::string::npos);
    v.words.push_back(data.substr(pos, space - pos));
    pos = space + 1;
    REQUIRE(pos + 4 * v.dim + 1 <= data.size());
    std::vector<float> row(v.dim);
    std::memcpy(row.data(), data.data() + pos, 4 * v.dim);
    pos += 4 * v.dim;
    REQUIRE(data[pos] == '\n');
    ++pos;
    v.values.push_back(row);
  }
  CHECK(pos == data.size());
  return v;
}

bool is_binary(const std::string& data) {
  // Text files hold only printable ASCII, spaces and newlines for these corpora.
  for (const char c : data) {
    const auto u = static_cast<unsigned char>(c);
    if (u != '\n' && (u < 0x20 || u >= 0x7F)) return true;
  }
  return false;
}

// A one-line error message: "w2v: error: ...\n" and nothing else.
void check_one_line_error(const CommandResult& r, const std::string& needle) {
  CAPTURE(r.err);
  CHECK(r.err.rfind("w2v: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(!r.err.empty());
  CHECK(r.err.back() == '\n');
  CHECK(r.err.find(needle) != std::string::npos);
}

const std::string kQuick = "--dim 8 --epochs 2 --threads 1";
const std::string kFast = kQuick + " --min-count 1";

// `args` plus small, quick settings for the options it does not set itself (an option
// given twice is a parse error).
std::string with_fast_defaults(std::string args) {
  for (const auto& [option, value] :
       {std::pair<std::string, std::string>{"--dim", "4"}, {"--epochs", "1"}, {"--threads", "1"}}) {
    if (args.find(option + " ") == std::string::npos) args += " " + option + " " + value;
  }
  return args;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("train --threads 1 twice gives byte-identical files") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(400, 1));
    for (const char* merge : {"cos", "dot"}) {
      CAPTURE(merge);
      for (const char* run : {"1", "2"}) {
        const std::string args = std::string("train corpus.txt ") + kFast + " --merge " + merge +
                                 " -o out" + run + ".txt --save-context ctx" + run +
                                 ".bin --save-vocab vocab" + run + ".txt";
        const auto r = w2v_in(dir, args);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        const auto rb = w2v_in(dir, std::string("train corpus.txt ") + kFast + " --merge " + merge +
                                        " -q -o out" + run + ".bin");
        REQUIRE_MESSAGE(rb.exit_code == 0, rb.err);
        CHECK(rb.err.empty());  // -q: errors only
      }
      for (const char* f : {"out%.txt", "ctx%.bin", "vocab%.txt", "out%.bin"}) {
        std::string a = f, b = f;
        a.replace(a.find('%'), 1, "1");
        b.replace(b.find('%'), 1, "2");
        CAPTURE(a);
        const std::string x = read_file(dir.file(a)), y = read_file(dir.file(b));
        CHECK(x.size() > 100);
        CHECK(x == y);
      }
      // A different seed gives different vectors.
      const auto r = w2v_in(dir, std::string("train corpus.txt ") + kFast + " --merge " + merge +
                                     " --seed 2 -q -o seed2.txt");
      REQUIRE(r.exit_code == 0);
      CHECK(read_file(dir.file("seed2.txt")) != read_file(dir.file("out1.txt")));
    }
    // Only the files asked for; no temporary left behind.
    CHECK(dir.list() == std::set<std::string>{"corpus.txt", "out1.txt", "out2.txt", "ctx1.bin",
                                              "ctx2.bin", "vocab1.txt", "vocab2.txt", "out1.bin",
                                              "out2.bin", "seed2.txt"});
  }

  TEST_CASE("train: bad inputs exit with a one-line message and write nothing") {
    struct Case {
      std::string name;
      std::string args;  // "{in}" is the corpus; the output is out.txt unless args say
      int exit_code;
      std::string needle;  // the message names this
    };
    const std::vector<Case> cases = {
        {"missing input", "train missing.txt -o out.txt", 1, "missing.txt"},
        {"input is a directory", "train adir -o out.txt", 1, "adir"},
        {"corrupt gzip input", "train bad.gz -o out.txt", 1, "bad.gz"},
        {"truncated gzip input", "train short.gz -o out.txt", 1, "short.gz"},
        {"empty corpus", "train empty.txt -o out.txt", 1, "empty"},
        {"blank corpus", "train blank.txt -o out.txt", 1, "empty"},
        {"no word reaches --min-count", "train corpus.txt --min-count 100000 -o out.txt", 1,
         "--min-count"},
        {"missing --read-vocab file", "train corpus.txt --read-vocab nov.txt -o out.txt", 1,
         "nov.txt"},
        {"malformed --read-vocab file", "train corpus.txt --read-vocab badvocab.txt -o out.txt", 1,
         "badvocab.txt:2:"},
        {"--dim 0", "train corpus.txt --dim 0 -o out.txt", 2, "--dim"},
        {"--dim -3", "train corpus.txt --dim -3 -o out.txt", 2, "--dim"},
        {"--window 0", "train corpus.txt --window 0 -o out.txt", 2, "--window"},
        {"--epochs 0", "train corpus.txt --epochs 0 -o out.txt", 2, "--epochs"},
        {"--threads 0", "train corpus.txt --threads 0 -o out.txt", 2, "--threads"},
        {"--negative -1", "train corpus.txt --negative -1 -o out.txt", 2, "--negative"},
        {"--lr 0", "train corpus.txt --lr 0 -o out.txt", 2, "--lr"},
        {"--lr -0.1", "train corpus.txt --lr -0.1 -o out.txt", 2, "--lr"},
        {"--sample -0.001", "train corpus.txt --sample -0.001 -o out.txt", 2, "--sample"},
        {"--min-count -1", "train corpus.txt --min-count -1 -o out.txt", 2, "--min-count"},
        {"--max-word-bytes 2", "train corpus.txt --max-word-bytes 2 -o out.txt", 2,
         "--max-word-bytes"},
        {"--add-context -1", "train corpus.txt --add-context -1 -o out.txt", 2, "--add-context"},
        {"output folder missing", "train corpus.txt -o nodir/out.txt", 1, "nodir/out.txt"},
        {"context folder missing", "train corpus.txt -o out.txt --save-context nodir/c.txt", 1,
         "nodir/c.txt"},
        {"vocab folder missing", "train corpus.txt -o out.txt --save-vocab nodir/v.txt", 1,
         "nodir/v.txt"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      for (const bool existing : {false, true}) {
        CAPTURE(existing);
        TempDir dir;
        write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(50, 2));
        write_file(dir.file("empty.txt"), "");
        write_file(dir.file("blank.txt"), "  \n\t\n\r\n");
        write_file(dir.file("badvocab.txt"), "t0w0 5\nt0w1 five\n");
        std::filesystem::create_directory(dir.file("adir"));
        {
          gzFile f = gzopen(dir.file("good.gz").c_str(), "wb");
          REQUIRE(f != nullptr);
          const std::string text = w2v::test::planted_corpus(300, 3);
          gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
          gzclose(f);
          std::string gz = read_file(dir.file("good.gz"));
          write_file(dir.file("short.gz"), gz.substr(0, gz.size() / 2));
          for (std::size_t i = 20; i < 40; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x33);
          write_file(dir.file("bad.gz"), gz);
          std::filesystem::remove(dir.file("good.gz"));
        }
        if (existing) {
          write_file(dir.file("out.txt"), "sentinel: must survive\n");
          write_file(dir.file("c.txt"), "context sentinel\n");
        }
        const auto before = dir.list();
        const auto r = w2v_in(dir, with_fast_defaults(c.args));
        CHECK(r.exit_code == c.exit_code);
        check_one_line_error(r, c.needle);
        CHECK(r.out.empty());
        CHECK(dir.list() == before);  // nothing created, no temporary left behind
        if (existing) {
          CHECK(read_file(dir.file("out.txt")) == "sentinel: must survive\n");
          CHECK(read_file(dir.file("c.txt")) == "context sentinel\n");
        }
      }
    }
  }

  TEST_CASE("train: command-line parse errors exit 2, name the option and write nothing") {
    // These come from CLI11's parser, before the library sees any value.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"train corpus.txt --dim abc -o out.txt", "--dim"},
        {"train corpus.txt --merge cosine -o out.txt", "--merge"},
        {"train corpus.txt --batch-negatives maybe -o out.txt", "--batch-negatives"},
        {"train corpus.txt --epochs 1 --epochs 2 -o out.txt", "--epochs"},
        {"train corpus.txt --no-such-option 1 -o out.txt", "--no-such-option"},
        {"train corpus.txt", "--output"},
    };
    for (const auto& [args, needle] : cases) {
      CAPTURE(args);
      TempDir dir;
      write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(50, 2));
      const auto before = dir.list();
      const auto r = w2v_in(dir, args);
      CHECK(r.exit_code == 2);
      check_one_line_error(r, needle);
      CHECK(r.out.empty());
      CHECK(dir.list() == before);
    }
  }

  TEST_CASE("train reads standard input and gzip like a plain file") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(300, 4);
    write_file(dir.file("corpus.txt"), text);
    {
      gzFile f = gzopen(dir.file("corpus.txt.gz").c_str(), "wb");
      REQUIRE(f != nullptr);
      REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) ==
              static_cast<int>(text.size()));
      REQUIRE(gzclose(f) == Z_OK);
    }
    std::filesystem::copy_file(dir.file("corpus.txt.gz"), dir.file("gzip_named_txt.txt"));
    auto run = [&](const std::string& input, const std::string& out) {
      const auto r = w2v_in(dir, "train " + input + " " + kFast + " -q -o " + out);
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      return read_file(dir.file(out));
    };
    const std::string plain = run("corpus.txt", "plain.txt");
    CHECK(run("- < corpus.txt", "stdin.txt") == plain);
    CHECK(run("- < corpus.txt.gz", "stdin_gz.txt") == plain);
    CHECK(run("corpus.txt.gz", "gz.txt") == plain);
    CHECK(run("gzip_named_txt.txt", "gz2.txt") == plain);
    SUBCASE("several inputs count as their concatenation") {
      const auto lines = w2v::test::lines(text);
      std::string first, second;
      for (std::size_t i = 0; i < lines.size(); ++i) (i < 120 ? first : second) += lines[i] + "\n";
      write_file(dir.file("a.txt"), first);
      write_file(dir.file("b.txt"), second);
      CHECK(run("a.txt b.txt", "ab.txt") == plain);
      CHECK(run("a.txt - < b.txt", "a_stdin.txt") == plain);
    }
  }

  TEST_CASE("train --config FILE sets options, and the command line wins") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(200, 5));
    write_file(dir.file("run.toml"),
               "# a run\ndim = 7\nepochs = 1\nmin-count = 1\nwindow = 2\nmerge = \"dot\"\n"
               "threads = 1\nnegative = 3\n");
    auto r = w2v_in(dir, "train corpus.txt --config run.toml -q -o a.txt --metrics a.json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(w2v::test::lines(read_file(dir.file("a.txt")))[0] == "48 7");
    r = w2v_in(dir, "train corpus.txt --config run.toml --dim 5 -q -o b.txt --metrics b.json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(w2v::test::lines(read_file(dir.file("b.txt")))[0] == "48 5");
    // The metrics record what the config set.
    const auto p = w2v::test::run_command(
        "/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[\"parameters\"]; "
        "print(d[\"dim\"], d[\"window\"], d[\"merge\"], d[\"negative\"], d[\"epochs\"], "
        "d[\"min_count\"])' " +
        shell_quote(dir.file("a.json")));
    REQUIRE_MESSAGE(p.exit_code == 0, p.err);
    CHECK(p.out == "7 2 dot 3 1 1\n");
    SUBCASE("an unknown key in the config is an error") {
      write_file(dir.file("bad.toml"), "dimension = 7\n");
      const auto bad = w2v_in(dir, "train corpus.txt --config bad.toml -o c.txt");
      CHECK(bad.exit_code == 2);
      CHECK(!w2v::test::file_exists(dir.file("c.txt")));
    }
  }

  TEST_CASE("train --metrics writes the parameters and results as JSON") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(300, 6) + "rare\n";
    write_file(dir.file("corpus.txt"), text);
    const auto r = w2v_in(dir,
                          "train corpus.txt --dim 6 --epochs 3 --min-count 2 --threads 1 "
                          "--window 3 --negative 4 --seed 9 --merge cos -o v.txt --metrics m.json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto counts = count_words(text);
    std::int64_t tokens = 0, in_vocab = 0, vocab_size = 0;
    for (const auto& [w, c] : counts) {
      tokens += c;
      if (c >= 2) {
        in_vocab += c;
        ++vocab_size;
      }
    }
    REQUIRE(vocab_size == static_cast<std::int64_t>(counts.size()) - 1);  // "rare" dropped
    const auto p = w2v::test::run_command(
        "/usr/bin/python3 -c 'import json,sys,math\n"
        "d=json.load(open(sys.argv[1]))\n"
        "p=d[\"parameters\"]; r=d[\"results\"]\n"
        "print(d[\"command\"], p[\"corpus\"][0], p[\"output\"], p[\"format\"], p[\"dim\"], "
        "p[\"window\"], p[\"negative\"], p[\"seed\"], p[\"merge\"], p[\"epochs\"], p[\"threads\"], "
        "p[\"min_count\"])\n"
        "print(r[\"vocab_size\"], r[\"corpus_words\"], r[\"tokens_read\"], r[\"bytes_read\"], "
        "r[\"tokens_trained\"], r[\"pairs\"] > 0, math.isfinite(r[\"final_loss\"]), "
        "r[\"final_loss\"] > 0, r[\"seconds\"] >= 0)' " +
        shell_quote(dir.file("m.json")));
    REQUIRE_MESSAGE(p.exit_code == 0, p.err);
    const auto lines = w2v::test::lines(p.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "train corpus.txt v.txt text 6 3 4 9 cos 3 1 2");
    CHECK(lines[1] == std::to_string(vocab_size) + " " + std::to_string(in_vocab) + " " +
                          std::to_string(tokens) + " " + std::to_string(text.size()) + " " +
                          std::to_string(3 * in_vocab) + " True True True True");
    CHECK(w2v::test::lines(read_file(dir.file("v.txt")))[0] == std::to_string(vocab_size) + " 6");
  }

  TEST_CASE("train: the model's defaults for --lr, --merge and --cbow-mean, unless given") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(200, 2));
    struct Case {
      std::string args, expected;  // model loss merge lr cbow_mean
    };
    for (const Case& c :
         {Case{"", "skipgram ns cos 0.025 off"}, Case{"--model cbow", "cbow ns cos 0.05 off"},
          Case{"--loss hs", "skipgram hs dot 0.025 on"},
          Case{"--model cbow --loss hs --negative 0", "cbow hs dot 0.05 on"},
          Case{"--loss hs --merge cos --lr 0.01", "skipgram hs cos 0.01 off"},
          Case{"--model cbow --merge dot --lr 0.1", "cbow ns dot 0.1 on"},
          Case{"--model cbow --merge dot", "cbow ns dot 0.05 on"},
          Case{"--model cbow --cbow-mean on", "cbow ns cos 0.05 on"},
          Case{"--model cbow --merge dot --cbow-mean off", "cbow ns dot 0.05 off"}}) {
      CAPTURE(c.args);
      const auto r =
          w2v_in(dir, "train corpus.txt " + kFast + " -o v.txt --metrics m.json " + c.args);
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      const auto p = w2v::test::run_command(
          "/usr/bin/python3 -c 'import json,sys\n"
          "p=json.load(open(sys.argv[1]))[\"parameters\"]\n"
          "print(p[\"model\"], p[\"loss\"], p[\"merge\"], p[\"lr\"], p[\"cbow_mean\"])' " +
          shell_quote(dir.file("m.json")));
      REQUIRE_MESSAGE(p.exit_code == 0, p.err);
      CHECK(w2v::test::lines(p.out)[0] == c.expected);
    }
  }

  TEST_CASE("train --metrics records the run in every case: status, times, epochs, progress") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(2000, 6));
    write_file(dir.file("read.py"), R"(import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
print(d["version"], r["status"], r.get("error", "-"), r["started"][:2], r["ended"][-1],
      r["peak_memory_bytes"] > 0, len(r["epochs"]), len(r["progress"]) > 0,
      d["parameters"]["lr"], d["parameters"]["sample"], d["parameters"]["max_norm"])
for e in r["epochs"]:
    print(e["epoch"], e["loss"] > 0, e["lr"] > 0, e["words_per_second"] > 0)
)");
    const auto read = [&] {
      const auto p = w2v::test::run_command("/usr/bin/python3 " + shell_quote(dir.file("read.py")) +
                                            " " + shell_quote(dir.file("m.json")));
      REQUIRE_MESSAGE(p.exit_code == 0, p.err);
      return w2v::test::lines(p.out);
    };
    auto r = w2v_in(dir,
                    "train corpus.txt --dim 8 --epochs 2 --threads 1 --lr 0.01 --sample 1e-4 "
                    "--max-norm 2.5 -o v.txt --metrics m.json -q");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto lines = read();
    REQUIRE(lines.size() == 3);
    // Options as given, not as the nearest double of a float.
    CHECK(lines[0] == std::string(W2V_VERSION) + " finished - 20 Z True 2 True 0.01 0.0001 2.5");
    CHECK(lines[1] == "1 True True True");
    CHECK(lines[2] == "2 True True True");

    // A run that fails after reading still leaves its record; the vectors stay as they were.
    write_file(dir.file("v.txt"), "old\n");
    r = w2v_in(dir, "train corpus.txt --min-count 100000 -o v.txt --metrics m.json -q");
    CHECK(r.exit_code == 1);
    lines = read();
    REQUIRE(!lines.empty());
    CHECK(lines[0].find(" failed ") != std::string::npos);
    CHECK(lines[0].find("min-count") != std::string::npos);
    CHECK(read_file(dir.file("v.txt")) == "old\n");

    // So does a diverged one.
    r = w2v_in(dir, "train corpus.txt --merge dot --lr 10 --epochs 3 -o v.txt --metrics m.json -q");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("diverged") != std::string::npos);
    lines = read();
    REQUIRE(!lines.empty());
    CHECK(lines[0].find(" diverged ") != std::string::npos);
    CHECK(read_file(dir.file("v.txt")) == "old\n");
  }

  TEST_CASE("train --save-vocab and --read-vocab") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(300, 7) + "once\n";
    write_file(dir.file("corpus.txt"), text);
    auto r = w2v_in(
        dir, "train corpus.txt " + kQuick + " --min-count 2 -q -o a.txt --save-vocab vocab.txt");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    // `word count` lines, count descending then bytes ascending, min-count applied.
    std::vector<std::pair<std::string, std::int64_t>> expected;
    for (const auto& [w, c] : count_words(text)) {
      if (c >= 2) expected.emplace_back(w, c);
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string expected_text;
    for (const auto& [w, c] : expected) expected_text += w + " " + std::to_string(c) + "\n";
    CHECK(read_file(dir.file("vocab.txt")) == expected_text);
    // The output lists the same words in the same order.
    const Vectors a = parse_text(read_file(dir.file("a.txt")));
    REQUIRE(a.words.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(a.words[i] == expected[i].first);

    // Training from the saved vocabulary gives the same vectors.
    r = w2v_in(dir,
               "train corpus.txt " + kQuick + " --min-count 2 -q -o b.txt --read-vocab vocab.txt");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(read_file(dir.file("b.txt")) == read_file(dir.file("a.txt")));

    // A smaller vocabulary file restricts the output to its words, in its order.
    std::string small;
    for (std::size_t i = 0; i < 10; ++i)
      small += expected[i].first + " " + std::to_string(expected[i].second) + "\n";
    write_file(dir.file("small.txt"), small);
    r = w2v_in(dir,
               std::string("train corpus.txt ") + kFast + " -q -o c.txt --read-vocab small.txt");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const Vectors c = parse_text(read_file(dir.file("c.txt")));
    REQUIRE(c.words.size() == 10);
    for (std::size_t i = 0; i < 10; ++i) CHECK(c.words[i] == expected[i].first);
  }

  TEST_CASE("train --save-context writes context vectors for the same words") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(300, 8));
    const auto r =
        w2v_in(dir, std::string("train corpus.txt ") + kFast + " -q -o w.txt --save-context c.txt");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const Vectors w = parse_text(read_file(dir.file("w.txt")));
    const Vectors c = parse_text(read_file(dir.file("c.txt")));
    CHECK(c.count == w.count);
    CHECK(c.dim == 8);
    CHECK(c.words == w.words);
    CHECK(c.values != w.values);
    // Trained: context vectors are not all zero (dot would start them at zero).
    double norm = 0;
    for (const auto& row : c.values) {
      for (const float x : row) norm += double(x) * x;
    }
    CHECK(norm > 0);
  }

  TEST_CASE(
      "train --add-context: unit word + ALPHA x unit context, default 0.5 for cos, 0 for dot") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(300, 9));
    const std::string base = std::string("train corpus.txt ") + kFast + " -q";
    auto unit = [](const std::vector<float>& row) {
      double sq = 0;
      for (const float x : row) sq += double(x) * x;
      std::vector<double> u(row.size());
      for (std::size_t i = 0; i < row.size(); ++i) u[i] = row[i] / std::sqrt(sq);
      return u;
    };
    for (const std::string merge : {"cos", "dot"}) {
      CAPTURE(merge);
      const auto raw = w2v_in(
          dir, base + " --merge " + merge + " --add-context 0 -o raw.bin --save-context c.bin");
      REQUIRE_MESSAGE(raw.exit_code == 0, raw.err);
      const auto dflt = w2v_in(dir, base + " --merge " + merge + " -o default.bin");
      const auto half = w2v_in(dir, base + " --merge " + merge + " --add-context 0.5 -o half.bin");
      REQUIRE_MESSAGE(dflt.exit_code == 0, dflt.err);
      REQUIRE_MESSAGE(half.exit_code == 0, half.err);
      const Vectors w = parse_binary(read_file(dir.file("raw.bin")));
      const Vectors c = parse_binary(read_file(dir.file("c.bin")));
      const Vectors h = parse_binary(read_file(dir.file("half.bin")));
      REQUIRE(h.words == w.words);
      double max_error = 0;
      for (std::size_t r = 0; r < w.values.size(); ++r) {
        const auto uw = unit(w.values[r]), uc = unit(c.values[r]);
        for (std::size_t k = 0; k < uw.size(); ++k) {
          max_error = std::max(max_error, std::abs(uw[k] + 0.5 * uc[k] - h.values[r][k]));
        }
      }
      CHECK(max_error < 1e-5);
      const std::string expected = merge == "cos" ? "half.bin" : "raw.bin";
      CHECK(read_file(dir.file("default.bin")) == read_file(dir.file(expected)));
    }
  }

  TEST_CASE("train: text or word2vec binary by the output name or --format") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(300, 9));
    auto run = [&](const std::string& extra) {
      const auto r = w2v_in(dir, std::string("train corpus.txt ") + kFast + " -q " + extra);
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    };
    run("-o v.txt");
    run("-o v.bin");
    run("-o v_forced.bin --format text");
    run("-o v_forced.txt --format bin");
    run("-o v_noext");
    const std::string text = read_file(dir.file("v.txt"));
    const std::string bin = read_file(dir.file("v.bin"));
    CHECK_FALSE(is_binary(text));
    CHECK(is_binary(bin));
    CHECK(read_file(dir.file("v_forced.bin")) == text);
    CHECK(read_file(dir.file("v_forced.txt")) == bin);
    CHECK(read_file(dir.file("v_noext")) == text);
    const Vectors t = parse_text(text), b = parse_binary(bin);
    CHECK(t.count == b.count);
    CHECK(t.dim == 8);
    CHECK(b.dim == 8);
    CHECK(t.words == b.words);
    // Text prints the shortest digits that read back to the same float: equal bit for bit.
    CHECK(t.values == b.values);
    // The binary layout has exactly the size it should.
    std::size_t size = std::to_string(b.count).size() + 1 + 1 + 1;  // "N 8\n"
    for (const auto& word : b.words) size += word.size() + 1 + 4 * 8 + 1;
    CHECK(bin.size() == size);
    SUBCASE("an unknown --format is a usage error") {
      const auto r =
          w2v_in(dir, std::string("train corpus.txt ") + kFast + " -o x.txt --format csv");
      CHECK(r.exit_code == 2);
      CHECK(!w2v::test::file_exists(dir.file("x.txt")));
    }
  }

  TEST_CASE("pairs writes target<TAB>context<TAB>label lines, as the library generates them") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(150, 10);
    write_file(dir.file("corpus.txt"), text);
    const std::string opts = "--min-count 1 --window 3 --negative 4 --seed 5";
    const auto all = w2v_in(dir, "pairs corpus.txt " + opts);
    REQUIRE_MESSAGE(all.exit_code == 0, all.err);
    const auto lines = w2v::test::lines(all.out);
    REQUIRE(lines.size() > 1000);
    const auto counts = count_words(text);
    std::int64_t positives = 0, negatives = 0;
    for (const auto& line : lines) {
      const auto parts = w2v::test::split(line, '\t');
      REQUIRE(parts.size() == 3);
      CHECK(counts.count(parts[0]) == 1);
      CHECK(counts.count(parts[1]) == 1);
      REQUIRE((parts[2] == "1" || parts[2] == "0"));
      (parts[2] == "1" ? positives : negatives) += 1;
    }
    CHECK(negatives == 4 * positives);

    // The same lines from the library: prepare_corpus and PairGenerator with the seed.
    w2v::CorpusOptions corpus;
    corpus.inputs = {dir.file("corpus.txt")};
    corpus.vocab.min_count = 1;
    w2v::TrainOptions train;
    train.window = 3;
    train.negative = 4;
    train.seed = 5;
    const auto prepared = w2v::prepare_corpus(corpus, 1);
    const w2v::Subsampler subsampler(prepared.vocab.counts(), train.sample);
    const w2v::AliasSampler noise(prepared.vocab.counts(), train.ns_exponent);
    w2v::PairGenerator generator(subsampler, noise, train, w2v::Rng(train.seed, 0));
    std::string expected;
    for (const auto& chunk : w2v::make_chunks(prepared.corpus)) {
      w2v::for_each_sentence(prepared.corpus, chunk, [&](const std::uint32_t* ids, std::size_t n) {
        generator.sentence(ids, n, [&](const w2v::PairBlock& b) {
          for (int i = 0; i < b.m; ++i) {
            for (int j = 0; j < b.n; ++j) {
              expected += std::string(prepared.vocab.word(b.in[i])) + "\t" +
                          std::string(prepared.vocab.word(b.out[j])) +
                          (j < b.positives ? "\t1\n" : "\t0\n");
            }
          }
        });
      });
    }
    CHECK(all.out == expected);

    SUBCASE("--limit stops after that many lines; the same seed repeats itself") {
      const auto some = w2v_in(dir, "pairs corpus.txt " + opts + " --limit 25");
      REQUIRE(some.exit_code == 0);
      const auto first = w2v::test::lines(some.out);
      REQUIRE(first.size() == 25);
      for (std::size_t i = 0; i < 25; ++i) CHECK(first[i] == lines[i]);
      const auto zero = w2v_in(dir, "pairs corpus.txt " + opts + " --limit 0");
      CHECK(zero.out == all.out);
      const auto other = w2v_in(dir,
                                "pairs corpus.txt --min-count 1 --window 3 --negative 4 "
                                "--seed 6 --limit 200");
      CHECK(other.out != w2v_in(dir, "pairs corpus.txt " + opts + " --limit 200").out);
    }
    SUBCASE("input side and batch switch the layout") {
      const auto center =
          w2v_in(dir, "pairs corpus.txt " + opts + " --input-side center --limit 50");
      REQUIRE(center.exit_code == 0);
      CHECK(w2v::test::lines(center.out).size() == 50);
      CHECK(center.out != w2v_in(dir, "pairs corpus.txt " + opts + " --limit 50").out);
      const auto off = w2v_in(dir, "pairs corpus.txt " + opts + " --batch-negatives off");
      REQUIRE(off.exit_code == 0);
      // One observed pair and its 4 noise words per group of five lines.
      const auto off_lines = w2v::test::lines(off.out);
      REQUIRE(off_lines.size() % 5 == 0);
      for (std::size_t i = 0; i < off_lines.size(); ++i) {
        const auto label = w2v::test::split(off_lines[i], '\t')[2];
        CHECK(label == (i % 5 == 0 ? "1" : "0"));
      }
    }
    SUBCASE("errors") {
      auto r = w2v_in(dir, "pairs corpus.txt --limit -1");
      CHECK(r.exit_code == 2);
      check_one_line_error(r, "--limit");
      CHECK(r.out.empty());
      r = w2v_in(dir, "pairs missing.txt");
      CHECK(r.exit_code == 1);
      check_one_line_error(r, "missing.txt");
      r = w2v_in(dir, "pairs corpus.txt --window 0");
      CHECK(r.exit_code == 2);
      check_one_line_error(r, "--window");
    }
  }
}

TEST_SUITE("cli") {
  TEST_CASE("the man page and the completions name every command and every option") {
    TempDir dir;
    const auto man = w2v_in(dir, "_man");
    REQUIRE_MESSAGE(man.exit_code == 0, man.err);
    const auto bash = w2v_in(dir, "_completion bash");
    REQUIRE_MESSAGE(bash.exit_code == 0, bash.err);
    const auto zsh = w2v_in(dir, "_completion zsh");
    REQUIRE_MESSAGE(zsh.exit_code == 0, zsh.err);
    CHECK(man.out.rfind(".TH W2V 1", 0) == 0);
    CHECK(zsh.out.rfind("#compdef w2v", 0) == 0);
    for (const char* command : {"train", "prepare", "pairs", "nearest", "analogy", "similarity",
                                "doesnt-match", "eval", "convert", "export"}) {
      CAPTURE(command);
      std::string title;  // every '-' escaped in roff
      for (const char c : std::string(command)) title += c == '-' ? "\\-" : std::string(1, c);
      CHECK(man.out.find(".SH \"W2V " + title + "\"") != std::string::npos);
      CHECK(bash.out.find("    " + std::string(command) + ") opts=") != std::string::npos);
      CHECK(zsh.out.find("    '" + std::string(command) + ":") != std::string::npos);
      // Every option --help lists is in all three.
      const auto help = w2v_in(dir, std::string(command) + " --help");
      REQUIRE(help.exit_code == 0);
      for (const auto& line : w2v::test::lines(help.out)) {
        const std::size_t dash = line.find("--");
        if (line.rfind("  ", 0) != 0 || dash == std::string::npos || dash > 8) continue;
        const std::string option = line.substr(dash, line.find_first_of(" ,=", dash) - dash);
        CAPTURE(option);
        std::string in_roff;  // every '-' escaped
        for (const char c : option) in_roff += c == '-' ? std::string("\\-") : std::string(1, c);
        CHECK(man.out.find(in_roff) != std::string::npos);
        CHECK(bash.out.find(" " + option) != std::string::npos);
        CHECK(zsh.out.find("'" + option + "[") != std::string::npos);
      }
    }
    // The hidden commands stay out of the texts, and of --help.
    CHECK(man.out.find("_man") == std::string::npos);
    CHECK(w2v_in(dir, "--help").out.find("_completion") == std::string::npos);
    const auto fish = w2v_in(dir, "_completion fish");
    CHECK(fish.exit_code == 2);
    CHECK(fish.err == "w2v: error: no completion for the shell 'fish': bash or zsh\n");
  }

  TEST_CASE("eval with no sets scores the bundled analogy set and WordSim-353, totals only") {
    TempDir dir;
    write_file(dir.file("v.txt"), "3 2\nking 0.5 0.25\nqueen 0.5 0.3\nman 0.1 0.9\n");
    const auto r = w2v_in(dir, "eval v.txt");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("questions-words.txt") != std::string::npos);
    CHECK(r.out.find("EN-WS-353-ALL.txt") != std::string::npos);
    CHECK(r.out.find("semantic") != std::string::npos);
    CHECK(r.out.find("syntactic") != std::string::npos);
    CHECK(r.out.find("questions seen") != std::string::npos);
    CHECK(r.out.find("capital-common-countries") == std::string::npos);  // no sections

    // A copy of the binary with no sets beside it (no ../share/w2v/eval, no build folder).
    std::filesystem::create_directory(dir.file("bin"));
    std::filesystem::copy_file(W2V_BINARY, dir.file("bin/w2v"));
    const auto alone = w2v::test::run_command(shell_quote(dir.file("bin/w2v")) + " eval " +
                                              shell_quote(dir.file("v.txt")));
    CHECK(alone.exit_code == 2);
    CHECK(alone.err.find("nothing to evaluate") != std::string::npos);
  }
}

TEST_SUITE("suite") {
  TEST_CASE("every test case can run under ctest: no semicolon in a test case name") {
    // doctest_discover_tests hands each name to CMake, where ';' splits a list: the ctest
    // entry then filters for a truncated name, matches no test case and passes silently.
    std::vector<std::string> bad;
    int names = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(W2V_SOURCE_DIR) + "/tests")) {
      if (entry.path().extension() != ".cpp") continue;
      const std::string text = read_file(entry.path().string());
      for (std::size_t pos = text.find("TEST_CASE(\""); pos != std::string::npos;
           pos = text.find("TEST_CASE(\"", pos + 1)) {
        const std::size_t start = pos + 11;
        const std::size_t end = text.find("\")", start);
        REQUIRE(end != std::string::npos);
        const std::string name = text.substr(start, end - start);
        ++names;
        if (name.find(';') != std::string::npos) {
          bad.push_back(entry.path().filename().string() + ": " + name);
        }
      }
    }
    CHECK(names > 50);
    std::string list;
    for (const auto& b : bad) list += "\n  " + b;
    CHECK_MESSAGE(bad.empty(), "test case names with ';':" << list);
  }
}
