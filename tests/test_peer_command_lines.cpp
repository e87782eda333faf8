// peer command lines: word2vec.c's and fastText's flags translated into w2v train's (a
// table of every flag, with the peers' defaults), "did you mean" suggestions, and the
// drop-in commands, bare `w2v` and `w2v -V` run through the built binary.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/peer_command_lines.hpp"
#include "cli/suggestions.hpp"
#include "test_util.hpp"
#include "w2v/error.hpp"

namespace {

using w2v::cli::Dialect;
using w2v::test::CommandResult;
using w2v::test::read_file;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

std::vector<std::string> words(const std::string& text) { return w2v::test::split(text, ' '); }

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

std::string word2vec(const std::string& args) {
  return joined(w2v::cli::word2vec_c_to_train(words(args)));
}

std::string fasttext(const std::string& args) {
  return joined(w2v::cli::fasttext_to_train(words(args)));
}

// The UsageError message of a translation that must fail.
template <class Translate>
std::string error_of(Translate translate, const std::string& args) {
  try {
    translate(words(args));
  } catch (const w2v::UsageError& e) {
    return e.what();
  }
  FAIL("no error for: " << args);
  return "";
}

CommandResult w2v_in(const TempDir& dir, const std::string& args) {
  return w2v::test::run_command("cd " + shell_quote(dir.path()) + " && " + shell_quote(W2V_BINARY) +
                                " " + args);
}

}  // namespace

TEST_SUITE("peer command lines") {
  TEST_CASE("word2vec.c: the defaults are word2vec.c's") {
    CHECK(word2vec("-train c.txt -output v.bin") ==
          "c.txt -o v.bin --format text --merge dot --model cbow --dim 100 --window 5 --sample "
          "1e-3 --negative 5 --epochs 5 --min-count 5 --lr 0.05");
    // Skip-gram's learning rate is 0.025; the output is text whatever its name.
    CHECK(word2vec("-train c.txt -output v.bin -cbow 0") ==
          "c.txt -o v.bin --format text --merge dot --dim 100 --window 5 --sample 1e-3 "
          "--negative 5 --epochs 5 --min-count 5 --lr 0.025");
  }

  TEST_CASE("word2vec.c: every flag is mapped") {
    struct Case {
      std::string flags;     // after -train c.txt -output v.txt
      std::string expected;  // in the translation
    };
    const std::vector<Case> cases = {
        {"-size 200", "--dim 200"},
        {"-window 8", "--window 8"},
        {"-sample 1e-4", "--sample 1e-4"},
        {"-sample 0", "--sample 0"},
        {"-hs 1", "--loss hs"},
        {"-hs 1 -negative 0", "--loss hs --dim 100 --window 5 --sample 1e-3 --negative 0"},
        {"-negative 25", "--negative 25"},
        {"-threads 20", "--threads 20"},
        {"-iter 15", "--epochs 15"},
        {"-min-count 1", "--min-count 1"},
        {"-alpha 0.1", "--lr 0.1"},
        {"-alpha 0.1 -cbow 0", "--lr 0.1"},
        {"-classes 0", "--lr 0.05"},
        {"-debug 0", "--lr 0.05 -q"},
        {"-debug 3", "--lr 0.05 -v"},
        {"-binary 1", "--format bin"},
        {"-binary 0", "--format text"},
        {"-save-vocab v.txt", "--save-vocab v.txt"},
        {"-read-vocab r.txt", "--read-vocab r.txt"},
        {"-cbow 1", "--model cbow"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.flags);
      const std::string t = word2vec("-train c.txt -output v.txt " + c.flags);
      CAPTURE(t);
      CHECK(t.find(c.expected) != std::string::npos);
    }
    // Levels 1 and 2 (the default) log as w2v does; no -threads: every core.
    for (const char* level : {"1", "2"}) {
      const std::string t = word2vec(std::string("-train c.txt -output v.txt -debug ") + level);
      CHECK(t.find(" -q") == std::string::npos);
      CHECK(t.find(" -v") == std::string::npos);
      CHECK(t.find("--threads") == std::string::npos);
    }
    CHECK(word2vec("-train c.txt -output v.txt -cbow 0").find("--model") == std::string::npos);
    CHECK(word2vec("-train c.txt -output v.txt").find("--loss") == std::string::npos);
    // The command line, flags in any order.
    CHECK(word2vec("-output vec.bin -train corpus.txt -size 200 -window 8 -negative 25 -hs 0 "
                   "-sample 1e-4 -threads 20 -binary 1 -iter 15 -cbow 1 -min-count 5 -alpha "
                   "0.05 -save-vocab v.txt -read-vocab v.txt -debug 2") ==
          "corpus.txt -o vec.bin --format bin --merge dot --model cbow --dim 200 --window 8 "
          "--sample 1e-4 --negative 25 --epochs 15 --min-count 5 --lr 0.05 --threads 20 "
          "--save-vocab v.txt --read-vocab v.txt");
  }

  TEST_CASE("word2vec.c: bad command lines name the flag as written") {
    const auto w2c = [](const std::vector<std::string>& a) {
      return w2v::cli::word2vec_c_to_train(a);
    };
    const std::string base = "-train c.txt -output v.txt ";
    CHECK(error_of(w2c, base + "-size abc") ==
          "-size: must be a whole number in [1, 100000], got 'abc'");
    CHECK(error_of(w2c, base + "-size 1e2").find("-size: must be a whole number") == 0);
    CHECK(error_of(w2c, base + "-alpha x").find("-alpha: must be a number") == 0);
    CHECK(error_of(w2c, base + "-window 0").find("-window: ") == 0);
    CHECK(error_of(w2c, base + "-iter -1").find("-iter: ") == 0);
    CHECK(error_of(w2c, base + "-binary 2").find("-binary: ") == 0);
    CHECK(error_of(w2c, base + "-cbow yes").find("-cbow: ") == 0);
    CHECK(error_of(w2c, base + "-classes 500").find("-classes: not supported") == 0);
    CHECK(error_of(w2c, base + "-negative 0").find("-negative 0 with -hs 0") == 0);
    CHECK(error_of(w2c, base + "-size") == "-size: expected a value");
    CHECK(error_of(w2c, base + "-size -window 5") == "-size: expected a value");
    CHECK(error_of(w2c, base + "-size 5 -size 6") == "-size: given twice");
    CHECK(error_of(w2c, "-output v.txt").find("-train FILE") == 0);
    CHECK(error_of(w2c, "-train c.txt").find("-output FILE") == 0);
    CHECK(error_of(w2c, base + "stray").find("'stray'") == 0);
    CHECK(error_of(w2c, base + "-").find("word2vec.c has no option -") == 0);
    CHECK(error_of(w2c, base + "--").find("word2vec.c has no option --") == 0);
    // Unknown flags: the word2vec.c name of another tool's option, or a near one.
    CHECK(error_of(w2c, base + "-dim 5") == "word2vec.c has no option -dim (did you mean -size?)");
    CHECK(error_of(w2c, base + "-epoch 5").find("(did you mean -iter?)") != std::string::npos);
    CHECK(error_of(w2c, base + "--min_count 5").find("(did you mean -min-count?)") !=
          std::string::npos);
    CHECK(error_of(w2c, base + "-windw 5").find("(did you mean -window?)") != std::string::npos);
    CHECK(error_of(w2c, base + "-loss hs").find("(did you mean -hs 1?)") != std::string::npos);
    CHECK(error_of(w2c, base + "-zzzzzz 1").find("did you mean") == std::string::npos);
  }

  TEST_CASE("fastText: the defaults and every word-level flag") {
    CHECK(fasttext("skipgram -input c.txt -output model") ==
          "c.txt -o model.vec --format text --merge dot --input-side center --dim 100 --window 5 "
          "--epochs 5 --negative 5 --min-count 5 --sample 1e-4 --lr 0.05");
    CHECK(fasttext("cbow -input c.txt -output model") ==
          "c.txt -o model.vec --format text --merge dot --model cbow --dim 100 --window 5 "
          "--epochs 5 --negative 5 --min-count 5 --sample 1e-4 --lr 0.05");
    struct Case {
      std::string flags;     // after skipgram -input c.txt -output m
      std::string expected;  // in the translation
    };
    const std::vector<Case> cases = {
        {"-dim 300", "--dim 300"},
        {"-ws 8", "--window 8"},
        {"-epoch 10", "--epochs 10"},
        {"-neg 15", "--negative 15"},
        {"-minCount 2", "--min-count 2"},
        {"-thread 4", "--threads 4"},
        {"-t 1e-5", "--sample 1e-5"},
        {"-lr 0.1", "--lr 0.1"},
        {"-loss ns", "--negative 5"},
        {"-loss hs", "--loss hs --dim 100 --window 5 --epochs 5 --negative 0"},
        {"-loss hs -neg 10", "--negative 0"},
        {"-seed 7", "--seed 7"},
        {"-verbose 0", " -q"},
        {"-verbose 3", " -v"},
        {"-pretrainedVectors p.vec", "--init-from p.vec"},
        {"-saveOutput", "--save-context m.output"},
        {"-lrUpdateRate 50", "--lr 0.05"},
        {"-minn 0 -maxn 0 -bucket 0 -wordNgrams 1", "--lr 0.05"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.flags);
      const std::string t = fasttext("skipgram -input c.txt -output m " + c.flags);
      CAPTURE(t);
      CHECK(t.find(c.expected) != std::string::npos);
    }
    CHECK(fasttext("skipgram -input c.txt -output m -verbose 2").find(" -q") == std::string::npos);
  }

  TEST_CASE("fastText: subwords, labels, other losses and commands are refused clearly") {
    const auto ft = [](const std::vector<std::string>& a) {
      return w2v::cli::fasttext_to_train(a);
    };
    const std::string base = "skipgram -input c.txt -output m ";
    for (const char* flags : {"-minn 3", "-maxn 6", "-bucket 2000000", "-wordNgrams 2"}) {
      CAPTURE(flags);
      const std::string e = error_of(ft, base + flags);
      CHECK(e.find(words(flags)[0] + " ") == 0);
      CHECK(e.find("not supported: w2v learns whole words only") != std::string::npos);
    }
    CHECK(error_of(ft, base + "-loss softmax").find("-loss softmax: not supported") == 0);
    CHECK(error_of(ft, base + "-loss ova").find("-loss ova: not supported") == 0);
    CHECK(error_of(ft, base + "-loss xx").find("-loss: expected ns or hs") == 0);
    CHECK(error_of(ft, base + "-label __l__").find("-label: not supported") == 0);
    CHECK(error_of(ft, base + "-qnorm").find("-qnorm: not supported") == 0);
    CHECK(error_of(ft, base + "-dim abc") ==
          "-dim: must be a whole number in [1, 100000], got 'abc'");
    CHECK(error_of(ft, base + "-neg 0").find("-neg 0 with -loss ns") == 0);
    CHECK(error_of(ft, base + "-size 5") == "fastText has no option -size (did you mean -dim?)");
    CHECK(error_of(ft, base + "-min-count 5").find("(did you mean -minCount?)") !=
          std::string::npos);
    CHECK(error_of(ft, "supervised -input c.txt -output m")
              .find("fasttext supervised: not "
                    "supported") == 0);
    CHECK(error_of(ft, "nn m.bin").find("w2v nearest") != std::string::npos);
    CHECK(error_of(ft, "skipgramm -input c.txt").find("(did you mean skipgram?)") !=
          std::string::npos);
    CHECK(error_of(ft, "-input c.txt -output m").find("give the command first") !=
          std::string::npos);
    CHECK(error_of(ft, "skipgram -output m").find("-input FILE") == 0);
  }

  TEST_CASE("suggestions: edit distance, peers' names, near misses") {
    CHECK(w2v::cli::edit_distance("", "abc") == 3);
    CHECK(w2v::cli::edit_distance("kitten", "sitting") == 3);
    CHECK(w2v::cli::edit_distance("simlarity", "similarity") == 1);
    CHECK(w2v::cli::edit_distance("ab", "ba") == 1);  // a transposition
    CHECK(w2v::cli::closest_name("similarty", {"nearest", "similarity", "analogy"}) ==
          "similarity");
    CHECK(w2v::cli::closest_name("--min_count", {"--dim", "--min-count"}) == "--min-count");
    CHECK(w2v::cli::closest_name("--xyzzy", {"--dim", "--lr"}).empty());
    CHECK(w2v::cli::closest_name("-x", {"-k", "-q"}).empty());  // short names: exact only
    CHECK(w2v::cli::closest_name("-V", {"-v"}).empty());
    CHECK(w2v::cli::closest_name("--", {"-k"}).empty());
    CHECK(w2v::cli::closest_name("", {"-k"}).empty());
    CHECK(w2v::cli::closest_name("--k", {"-k"}) == "-k");
    struct Case {
      std::string word, w2v, word2vec_c, fasttext;
    };
    const std::vector<Case> cases = {
        {"-size", "--dim", "-size", "-dim"},
        {"--vector_size", "--dim", "-size", "-dim"},
        {"--vector-size", "--dim", "-size", "-dim"},
        {"--iter", "--epochs", "-iter", "-epoch"},
        {"--epochs", "--epochs", "-iter", "-epoch"},
        {"-epoch", "--epochs", "-iter", "-epoch"},
        {"--alpha", "--lr", "-alpha", "-lr"},
        {"-min-count", "--min-count", "-min-count", "-minCount"},
        {"--minCount", "--min-count", "-min-count", "-minCount"},
        {"--min_count", "--min-count", "-min-count", "-minCount"},
        {"--workers", "--threads", "-threads", "-thread"},
        {"-thread", "--threads", "-threads", "-thread"},
        {"-cbow", "--model cbow", "-cbow 1", "w2v fasttext cbow"},
        {"--sg", "--model skipgram or --model cbow", "-cbow 0 or -cbow 1", "w2v fasttext skipgram"},
        {"--hs", "--loss hs", "-hs 1", "-loss hs"},
        {"-ws", "--window", "-window", "-ws"},
        {"-neg", "--negative", "-negative", "-neg"},
        {"-t", "--sample", "-sample", "-t"},
        {"-train", "corpus", "-train", "-input"},
        {"-input", "corpus", "-train", "-input"},
        {"-output", "-o", "-output", "-output"},
        {"-binary", "--format bin", "-binary 1", ""},
        {"-debug", "-q or -v", "-debug", "-verbose"},
        {"--max_vocab_size", "--prune-at", "", ""},
        {"--no-such-option", "", "", ""},
        {"-V", "", "", ""},
    };
    for (const Case& c : cases) {
      CAPTURE(c.word);
      CHECK(w2v::cli::synonym(c.word, Dialect::kW2v) == c.w2v);
      CHECK(w2v::cli::synonym(c.word, Dialect::kWord2vecC) == c.word2vec_c);
      CHECK(w2v::cli::synonym(c.word, Dialect::kFastText) == c.fasttext);
    }
  }

  TEST_CASE("cli: misspelt options and commands get a did-you-mean on one line") {
    TempDir dir;
    write_file(dir.file("c.txt"), "a b c\n");
    struct Case {
      std::string args;
      std::string message;  // the whole line after "w2v: error: "
    };
    const std::vector<Case> cases = {
        {"train c.txt -o v.txt --iter 5",
         "The following argument was not expected: --iter (did you mean --epochs?)"},
        {"train c.txt -o v.txt --vector_size 5",
         "The following argument was not expected: --vector_size (did you mean --dim?)"},
        {"train c.txt -o v.txt --dimm 5",
         "The following argument was not expected: --dimm (did you mean --dim?)"},
        {"train c.txt -o v.txt --min_count 5",
         "The following argument was not expected: --min_count (did you mean --min-count?)"},
        {"train c.txt -o v.txt --workers 2",
         "The following argument was not expected: --workers (did you mean --threads?)"},
        {"train c.txt -o v.txt --alpha 0.1",
         "The following argument was not expected: --alpha (did you mean --lr?)"},
        // A long name with one dash, which CLI11 would read as -o utput, or -v -e -r ...
        {"train c.txt -output v.txt",
         "The following argument was not expected: -output (did you mean -o?)"},
        {"train c.txt -o v.txt -window 5",
         "The following argument was not expected: -window (did you mean --window?)"},
        {"train c.txt -o v.txt -verbose 2",
         "The following argument was not expected: -verbose (did you mean -q or -v?)"},
        {"train -train c.txt -o v.txt",
         "The following argument was not expected: -train (give the corpus as a plain "
         "argument: w2v train CORPUS...; a command line of word2vec.c runs as `w2v word2vec "
         "-train ...`)"},
        {"train c.txt -o v.txt --xyzzy 5",
         "The following argument was not expected: --xyzzy (see --help)"},
        {"plot map v.txt -method pca",
         "The following argument was not expected: -method (did you mean --method?)"},
        {"plot mapp v.txt", "unknown command 'mapp' (did you mean map?)"},
        {"nearset v.txt king", "unknown command 'nearset' (did you mean nearest?)"},
        {"word2vek -train c.txt", "unknown command 'word2vek' (did you mean word2vec?)"},
        {"qwertyuiop", "unknown command 'qwertyuiop' (see --help)"},
        {"word2vec -train c.txt -output v.txt -dim 5",
         "word2vec.c has no option -dim (did you mean -size?)"},
        {"fasttext skipgram -input c.txt -output m -minn 3",
         "-minn 3: not supported: w2v learns whole words only (no subwords)"},
        {"word2vec -train c.txt -output v.txt -cbow 0 -size abc",
         "-size: must be a whole number in [1, 100000], got 'abc'"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.args);
      const CommandResult r = w2v_in(dir, c.args);
      CHECK(r.exit_code == 2);
      CHECK(r.err == "w2v: error: " + c.message + "\n");
    }
    // Keys of a config file too.
    write_file(dir.file("bad.toml"), "vector_size = 7\n");
    const CommandResult config = w2v_in(dir, "train c.txt --config bad.toml -o v.txt");
    CHECK(config.exit_code == 2);
    CHECK(config.err ==
          "w2v: error: config 'bad.toml': unknown option 'vector_size' (did you mean --dim?)\n");
    CHECK(dir.list() == std::set<std::string>{"c.txt", "bad.toml"});  // nothing written
  }

  TEST_CASE("cli: bare w2v prints the usage and exits 0, -V the version") {
    const CommandResult bare = w2v::test::run_w2v("");
    CHECK(bare.exit_code == 0);
    CHECK(bare.err.empty());
    CHECK(bare.out.find("Usage:") != std::string::npos);
    for (const char* command : {"train", "nearest", "word2vec", "fasttext"}) {
      CHECK(bare.out.find(command) != std::string::npos);
    }
    const CommandResult v = w2v::test::run_w2v("-V");
    CHECK(v.exit_code == 0);
    CHECK(v.out == std::string("w2v ") + W2V_VERSION + "\n");
    CHECK(w2v::test::run_w2v("--version").out == v.out);
    // The drop-ins alone or with -h print their usage, as word2vec.c alone does.
    for (const char* args :
         {"word2vec", "word2vec -h", "word2vec --help", "word2vec -train x -help"}) {
      CAPTURE(args);
      const CommandResult r = w2v::test::run_w2v(args);
      CHECK(r.exit_code == 0);
      CHECK(r.out == w2v::cli::word2vec_c_usage());
    }
    for (const char* args : {"fasttext", "fasttext --help", "fasttext skipgram -h"}) {
      CAPTURE(args);
      const CommandResult r = w2v::test::run_w2v(args);
      CHECK(r.exit_code == 0);
      CHECK(r.out == w2v::cli::fasttext_usage());
    }
  }

  TEST_CASE("cli: a word2vec.c or fastText command line trains as w2v train does") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(300, 1));
    const std::string common = "-size 8 -iter 1 -threads 1 -min-count 1 -cbow 0 -hs 0";
    SUBCASE("word2vec: text by default whatever the name, binary with -binary 1") {
      const auto text = w2v_in(dir, "word2vec -train corpus.txt -output v.bin -debug 0 " + common +
                                        " -save-vocab vocab.txt");
      REQUIRE_MESSAGE(text.exit_code == 0, text.err);
      CHECK(text.err.empty());  // -debug 0: quiet
      // word2vec text: a `count 8` line, then a word and 8 numbers on each line.
      const std::vector<std::string> lines = w2v::test::lines(read_file(dir.file("v.bin")));
      REQUIRE(lines.size() > 10);
      CHECK(lines[0] == std::to_string(lines.size() - 1) + " 8");
      for (std::size_t i = 1; i < lines.size(); ++i) {
        CHECK(w2v::test::split(lines[i], ' ').size() == 9);
      }
      CHECK(read_file(dir.file("vocab.txt")).size() > 10);
      const auto bin =
          w2v_in(dir, "word2vec -train corpus.txt -output b.txt -binary 1 -debug 0 " + common);
      REQUIRE_MESSAGE(bin.exit_code == 0, bin.err);
      // The same as w2v train with the translated options.
      const auto same = w2v_in(dir,
                               "train corpus.txt -o t.txt --format bin --merge dot --dim 8 "
                               "--window 5 --sample 1e-3 --negative 5 --epochs 1 --min-count 1 "
                               "--lr 0.025 --threads 1 -q");
      REQUIRE_MESSAGE(same.exit_code == 0, same.err);
      CHECK(read_file(dir.file("b.txt")) == read_file(dir.file("t.txt")));
    }
    SUBCASE("word2vec: CBOW (its default) and hierarchical softmax train as w2v train does") {
      for (const auto& [peer, ours] : std::vector<std::pair<std::string, std::string>>{
               {"-cbow 1 -hs 0", "--model cbow --lr 0.05"},
               {"-cbow 1 -hs 1 -negative 0", "--model cbow --lr 0.05 --loss hs --negative 0"},
               {"-cbow 0 -hs 1", "--loss hs"}}) {
        CAPTURE(peer);
        const auto r = w2v_in(dir,
                              "word2vec -train corpus.txt -output p.bin -binary 1 -debug 0 "
                              "-size 8 -iter 1 -threads 1 -min-count 1 " +
                                  peer);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        const auto same = w2v_in(dir,
                                 "train corpus.txt -o t.bin --merge dot --dim 8 --epochs 1 "
                                 "--min-count 1 --threads 1 -q " +
                                     ours);
        REQUIRE_MESSAGE(same.exit_code == 0, same.err);
        CHECK(read_file(dir.file("p.bin")) == read_file(dir.file("t.bin")));
      }
    }
    SUBCASE("fasttext cbow with hierarchical softmax writes NAME.vec") {
      const auto r = w2v_in(dir,
                            "fasttext cbow -input corpus.txt -output model -dim 8 -epoch 1 "
                            "-thread 1 -minCount 1 -verbose 0 -loss hs");
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      CHECK(dir.list() == std::set<std::string>{"corpus.txt", "model.vec"});
    }
    SUBCASE("fasttext skipgram writes NAME.vec") {
      const auto r = w2v_in(dir,
                            "fasttext skipgram -input corpus.txt -output model -dim 8 -epoch 1 "
                            "-thread 1 -minCount 1 -verbose 0");
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      CHECK(dir.list() == std::set<std::string>{"corpus.txt", "model.vec"});
      CHECK(read_file(dir.file("model.vec")).find(" 8\n") != std::string::npos);
    }
    SUBCASE("train's own checks apply: a missing corpus fails with exit 1") {
      const auto r = w2v_in(dir, "word2vec -train missing.txt -output v.txt " + common);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("missing.txt") != std::string::npos);
      CHECK(!w2v::test::file_exists(dir.file("v.txt")));
    }
  }
}
