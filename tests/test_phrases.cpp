// phrases: scores against hand-computed values, greedy joining, passes, the delimiter, the
// phrase file, train --phrases, bad options, and gensim's Phrases + FrozenPhrases on the
// same text (/usr/bin/python3; fails, never skips, when gensim is missing).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/corpus.hpp"
#include "w2v/error.hpp"
#include "w2v/phrases.hpp"

namespace w2v {
namespace {

using test::CommandResult;
using test::read_file;
using test::shell_quote;
using test::TempDir;
using test::write_file;

// Runs `w2v ARGS` in `dir` (ARGS is shell text).
CommandResult w2v_in(const TempDir& dir, const std::string& args) {
  return test::run_command("cd " + shell_quote(dir.path()) + " && timeout 120 " +
                           shell_quote(W2V_BINARY) + " " + args);
}

// The joined text and the phrase table of `text`.
struct Found {
  std::string text;
  PhraseModel model;
};

Found find(const std::string& text, const PhraseOptions& options, int threads = 2) {
  TempDir dir;
  write_file(dir / "in.txt", text);
  CorpusOptions corpus;
  corpus.inputs = {dir / "in.txt"};
  StringSink out;
  PhrasesReport report = find_and_join_phrases(corpus, options, threads, out);
  return {out.str(), std::move(report.model)};
}

PhraseOptions options_of(PhraseScoring scoring, std::int64_t min_count, double threshold,
                         int passes = 1) {
  PhraseOptions o;
  o.scoring = scoring;
  o.min_count = min_count;
  o.threshold = threshold;
  o.passes = passes;
  return o;
}

// "first second" -> score, of one pass.
std::map<std::string, double> scores_of(const std::vector<Phrase>& pass) {
  std::map<std::string, double> scores;
  for (const Phrase& p : pass) scores[p.first + " " + p.second] = p.score;
  return scores;
}

// N = 10 tokens; a 3, b 3, c 2, d 2; ab 3, bc 1, bd 1, cd 1: 4 words and 4 pairs.
const char* const kTiny = "a b c\na b d\na b\nc d\n";

TEST_CASE("phrases: word2phrase scores are (c(ab) - min_count) / (c(a) c(b)) x tokens") {
  const Found f = find(kTiny, options_of(PhraseScoring::kWord2Phrase, 1, 1));
  const auto scores = scores_of(f.model.passes.at(0));
  REQUIRE(scores.size() == 1);
  CHECK(scores.at("a b") == doctest::Approx(2.0 / 9.0 * 10.0).epsilon(1e-12));
  CHECK(f.text == "a_b c\na_b d\na_b\nc d\n");
  // min_count 2: (3 - 2) / 9 x 10; c d is seen once, under min_count.
  const Found g = find(kTiny, options_of(PhraseScoring::kWord2Phrase, 2, 1));
  CHECK(scores_of(g.model.passes.at(0)).at("a b") == doctest::Approx(10.0 / 9.0).epsilon(1e-12));
  // Above the threshold only: 10/9 is not above 10/9 + a little.
  CHECK(find(kTiny, options_of(PhraseScoring::kWord2Phrase, 2, 1.12)).model.passes[0].empty());
  // A word under min_count never joins, whatever the score.
  CHECK(find("a b\na b\na b\nc d\n", options_of(PhraseScoring::kWord2Phrase, 2, 1e-9)).text ==
        "a_b\na_b\na_b\nc d\n");
}

TEST_CASE("phrases: gensim scores use the distinct words and pairs, npmi the probabilities") {
  const Found g = find(kTiny, options_of(PhraseScoring::kGensim, 1, 1));
  const auto gensim = scores_of(g.model.passes.at(0));
  REQUIRE(gensim.size() == 1);
  CHECK(gensim.at("a b") == doctest::Approx(2.0 / 9.0 * 8.0).epsilon(1e-12));
  // gensim compares the pair's count with min_count through the score only: at min_count 3
  // a b scores 0, never above a positive threshold.
  CHECK(find(kTiny, options_of(PhraseScoring::kGensim, 3, 1e-9)).model.passes[0].empty());

  const Found n = find(kTiny, options_of(PhraseScoring::kNpmi, 1, 0.3));
  const auto npmi = scores_of(n.model.passes.at(0));
  REQUIRE(npmi.size() == 2);
  CHECK(npmi.at("a b") == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(npmi.at("c d") == doctest::Approx(std::log(0.1 / 0.04) / -std::log(0.1)).epsilon(1e-12));
  CHECK(n.text == "a_b c\na_b d\na_b\nc_d\n");
  // b c: log(0.1 / 0.06) / -log(0.1) = 0.22 joins at a threshold of 0.2, after a b has taken b.
  const Found m = find(kTiny, options_of(PhraseScoring::kNpmi, 1, 0.2));
  CHECK(scores_of(m.model.passes.at(0)).at("b c") ==
        doctest::Approx(std::log(0.1 / 0.06) / -std::log(0.1)).epsilon(1e-12));
  CHECK(m.text == "a_b c\na_b d\na_b\nc_d\n");
  // npmi's pairs must reach min_count.
  CHECK(scores_of(find(kTiny, options_of(PhraseScoring::kNpmi, 2, -1)).model.passes.at(0)).size() ==
        1);
}

TEST_CASE("phrases: joining is greedy left to right and a second pass makes trigrams") {
  std::string text;
  for (int i = 0; i < 5; ++i) text += "a b c\n";
  // a b and b c both score (5 - 1) / 25 x 15 = 2.4; a b comes first.
  const Found one = find(text, options_of(PhraseScoring::kWord2Phrase, 1, 1, 1));
  CHECK(scores_of(one.model.passes.at(0)).size() == 2);
  CHECK(one.text.substr(0, 6) == "a_b c\n");
  const Found two = find(text, options_of(PhraseScoring::kWord2Phrase, 1, 1, 2));
  REQUIRE(two.model.passes.size() == 2);
  // Pass 2: 10 tokens, a_b 5, c 5, (a_b, c) 5: (5 - 1) / 25 x 10 = 1.6.
  CHECK(scores_of(two.model.passes[1]).at("a_b c") == doctest::Approx(1.6).epsilon(1e-12));
  CHECK(two.text.substr(0, 6) == "a_b_c\n");
  // Overlapping pairs of one word: a a a -> a_a a.
  CHECK(find("a a a\na a a\na a a\n", options_of(PhraseScoring::kWord2Phrase, 1, 1e-9)).text ==
        "a_a a\na_a a\na_a a\n");
  // The joiner that train uses replays the same.
  const PhraseJoiner joiner(two.model);
  std::vector<std::string> sentence{"x", "a", "b", "c", "a", "b"};
  joiner.join(sentence);
  CHECK(sentence == std::vector<std::string>{"x", "a_b_c", "a_b"});
}

TEST_CASE("phrases: the delimiter joins the words and the phrase file round-trips") {
  PhraseOptions o = options_of(PhraseScoring::kWord2Phrase, 1, 1, 2);
  o.delimiter = "\xC2\xB7";  // a middle dot, two bytes of UTF-8
  std::string text;
  for (int i = 0; i < 5; ++i) text += "a b c\n";
  const Found f = find(text, o);
  CHECK(f.text.substr(0, 8) ==
        "a\xC2\xB7"
        "b\xC2\xB7"
        "c\n");
  StringSink file;
  write_phrase_model(f.model, file);
  const PhraseModel back = parse_phrase_model(file.str(), "p.txt");
  CHECK(back.options.delimiter == o.delimiter);
  CHECK(back.options.scoring == PhraseScoring::kWord2Phrase);
  REQUIRE(back.passes.size() == 2);
  CHECK(scores_of(back.passes[0]) == scores_of(f.model.passes[0]));
  CHECK(scores_of(back.passes[1]) == scores_of(f.model.passes[1]));
  // A damaged file names its line.
  std::string bad = file.str();
  bad.replace(bad.find("pass 2"), 6, "pass 3");
  CHECK_THROWS_WITH_AS(parse_phrase_model(bad, "p.txt"), doctest::Contains("p.txt:"), Error);
  CHECK_THROWS_AS(parse_phrase_model("hello\n", "p.txt"), Error);
}

TEST_CASE("phrases: options out of range are refused") {
  const TokenizerOptions t;
  PhraseOptions o;
  CHECK_NOTHROW(validate(o, t));
  o.delimiter = "";
  CHECK_THROWS_AS(validate(o, t), UsageError);
  o.delimiter = "a b";
  CHECK_THROWS_AS(validate(o, t), UsageError);
  o.delimiter = "\t";
  CHECK_THROWS_AS(validate(o, t), UsageError);
  o.delimiter = "\xFF";
  CHECK_THROWS_AS(validate(o, t), UsageError);
  TokenizerOptions lower;
  lower.lowercase = true;
  o.delimiter = "X";
  CHECK_THROWS_AS(validate(o, lower), UsageError);
  o = PhraseOptions();
  o.scoring = PhraseScoring::kNpmi;
  o.threshold = 1.5;
  CHECK_THROWS_AS(validate(o, t), UsageError);
  o.threshold = -1;
  CHECK_NOTHROW(validate(o, t));
  o = PhraseOptions();
  o.threshold = 0;
  CHECK_THROWS_AS(validate(o, t), UsageError);
  o = PhraseOptions();
  o.min_count = 0;
  CHECK_THROWS_AS(validate(o, t), UsageError);
  o = PhraseOptions();
  o.passes = 11;
  CHECK_THROWS_AS(validate(o, t), UsageError);
}

// Sentences of random words with planted pairs and triples, a few words holding the
// delimiter already.
std::string collocation_text(int lines, std::uint64_t seed) {
  std::uint64_t s = seed;
  const auto next = [&](std::uint64_t n) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return (s >> 33) % n;
  };
  // Some first and last words alone too: gensim's frozen model scores a pair by the first
  // and last word of its joined string, which must then be seen alone.
  // "x y" joins into the word "x_y" of the text: one count for both, as gensim keys them.
  const std::vector<std::string> planted = {"new",
                                            "san",
                                            "city",
                                            "bay",
                                            "new york",
                                            "new york city",
                                            "machine learning",
                                            "san francisco bay",
                                            "ice cream",
                                            "of the",
                                            "x y",
                                            "x_y z",
                                            "new_york times"};
  std::string text;
  for (int l = 0; l < lines; ++l) {
    const std::uint64_t words = 3 + next(12);
    for (std::uint64_t w = 0; w < words; ++w) {
      if (w > 0) text += ' ';
      if (next(10) == 0) {
        text += planted[next(planted.size())];
      } else {
        // Skewed: low numbers are frequent.
        text += "w" + std::to_string(next(1 + next(3000)));
      }
    }
    text += '\n';
  }
  return text;
}

// Applies gensim's Phrases + freeze pass after pass; prints each pass's phrasegrams as JSON
// and writes the joined text.
const char* const kGensimScript = R"PY(
import sys, json, logging
logging.disable(logging.CRITICAL)
from gensim.models.phrases import Phrases
path, out, passes, min_count, threshold, delimiter = sys.argv[1:7]
with open(path, encoding='utf-8') as f:
    sentences = [l.split() for l in f]
sentences = [s for s in sentences if s]
tables = []
for p in range(int(passes)):
    model = Phrases(sentences, min_count=int(min_count), threshold=float(threshold),
                    delimiter=delimiter)
    frozen = model.freeze()
    tables.append(frozen.phrasegrams)
    sentences = [frozen[s] for s in sentences]
with open(out, 'w', encoding='utf-8') as f:
    for s in sentences:
        f.write(' '.join(s) + '\n')
print(json.dumps(tables))
)PY";

// The phrasegrams of the script's output: per pass, "joined" -> score.
std::vector<std::map<std::string, double>> parse_tables(const std::string& json) {
  std::vector<std::map<std::string, double>> tables;
  std::size_t p = 0;
  const auto skip = [&] {
    while (p < json.size() && (json[p] == ' ' || json[p] == ',' || json[p] == '\n')) ++p;
  };
  REQUIRE(json.at(p++) == '[');
  for (skip(); json.at(p) == '{'; skip()) {
    ++p;
    auto& table = tables.emplace_back();
    for (skip(); json.at(p) != '}'; skip()) {
      REQUIRE(json.at(p++) == '"');
      const std::size_t end = json.find('"', p);
      const std::string key = json.substr(p, end - p);
      p = json.find(':', end) + 1;
      std::size_t used = 0;
      table[key] = std::stod(json.substr(p), &used);
      p += used;
    }
    ++p;
  }
  return tables;
}

TEST_CASE("phrases: --scoring gensim finds gensim's phrases and writes gensim's text") {
  TempDir dir;
  write_file(dir / "corpus.txt", collocation_text(3000, 7));
  write_file(dir / "reference.py", kGensimScript);
  struct Case {
    int passes;
    int min_count;
    double threshold;
    std::string delimiter;
  };
  for (const Case& c :
       {Case{1, 5, 10, "_"}, Case{2, 5, 10, "_"}, Case{2, 3, 50, "_"}, Case{2, 5, 5, "--"}}) {
    CAPTURE(c.passes);
    CAPTURE(c.min_count);
    CAPTURE(c.threshold);
    CAPTURE(c.delimiter);
    const std::string args = std::to_string(c.passes) + " " + std::to_string(c.min_count) + " " +
                             std::to_string(c.threshold) + " " + shell_quote(c.delimiter);
    const CommandResult py =
        test::run_command("cd " + shell_quote(dir.path()) +
                          " && /usr/bin/python3 reference.py corpus.txt g.txt " + args);
    REQUIRE_MESSAGE(py.exit_code == 0,
                    "gensim (/usr/bin/python3 with python3-gensim) failed: " << py.err);
    const CommandResult ours = w2v_in(
        dir, "phrases corpus.txt -o w.txt -q --scoring gensim --save-phrases p.txt --passes " +
                 std::to_string(c.passes) + " --min-count " + std::to_string(c.min_count) +
                 " --threshold " + std::to_string(c.threshold) +
                 " --delimiter=" + shell_quote(c.delimiter));
    REQUIRE_MESSAGE(ours.exit_code == 0, ours.err);
    CHECK(read_file(dir / "w.txt") == read_file(dir / "g.txt"));
    const auto gensim = parse_tables(py.out);
    const PhraseModel model = read_phrase_model(dir / "p.txt");
    REQUIRE(gensim.size() == static_cast<std::size_t>(c.passes));
    REQUIRE(model.passes.size() == static_cast<std::size_t>(c.passes));
    for (int p = 0; p < c.passes; ++p) {
      CAPTURE(p);
      CHECK(!model.passes[p].empty());
      // Each of ours is gensim's, with gensim's score. gensim's table also scores words
      // that hold the delimiter, which no pair of the text joins into.
      std::size_t pairs_without_delimiter = 0;
      for (const Phrase& phrase : model.passes[p]) {
        const std::string joined = phrase.first + c.delimiter + phrase.second;
        CAPTURE(joined);
        REQUIRE(gensim[p].count(joined) == 1);
        CHECK(phrase.score == doctest::Approx(gensim[p].at(joined)).epsilon(1e-12));
        if (phrase.first.find(c.delimiter) == std::string::npos &&
            phrase.second.find(c.delimiter) == std::string::npos) {
          ++pairs_without_delimiter;
        }
      }
      std::size_t gensim_two_words = 0;
      for (const auto& [joined, score] : gensim[p]) {
        std::size_t at = joined.find(c.delimiter), n = 0;
        for (; at != std::string::npos; at = joined.find(c.delimiter, at + c.delimiter.size())) ++n;
        gensim_two_words += n == 1 ? 1 : 0;
      }
      CHECK(pairs_without_delimiter <= gensim_two_words);
    }
  }
}

TEST_CASE("phrases: train --phrases counts the words train counts on phrases's output") {
  TempDir dir;
  write_file(dir / "corpus.txt", collocation_text(2000, 3));
  const CommandResult p = w2v_in(dir,
                                 "phrases corpus.txt -o joined.txt --save-phrases p.txt -q "
                                 "--min-count 3 --threshold 20 --threads 2");
  REQUIRE_MESSAGE(p.exit_code == 0, p.err);
  const std::string common = " --dim 8 --epochs 1 --min-count 2 --threads 1 -q";
  const CommandResult a =
      w2v_in(dir, "train corpus.txt --phrases p.txt -o a.vec --save-vocab a.vocab" + common);
  REQUIRE_MESSAGE(a.exit_code == 0, a.err);
  const CommandResult b = w2v_in(dir, "train joined.txt -o b.vec --save-vocab b.vocab" + common);
  REQUIRE_MESSAGE(b.exit_code == 0, b.err);
  const std::string vocab = read_file(dir / "a.vocab");
  CHECK(vocab == read_file(dir / "b.vocab"));
  CHECK(vocab.find("new_york_city ") != std::string::npos);
  // The same through the library: the corpus as ids.
  ReadOptions with;
  with.phrases = std::make_shared<const PhraseJoiner>(read_phrase_model(dir / "p.txt"));
  CountedCorpus x = CountedCorpus::read({dir / "corpus.txt"}, with, 2);
  CountedCorpus y = CountedCorpus::read({dir / "joined.txt"}, ReadOptions(), 2);
  const Vocab vx = Vocab::from_table(x.words(), VocabOptions{1, 0});
  const Vocab vy = Vocab::from_table(y.words(), VocabOptions{1, 0});
  REQUIRE(vx.size() == vy.size());
  for (std::uint32_t i = 0; i < vx.size(); ++i) REQUIRE(vx.word(i) == vy.word(i));
  const EncodedCorpus ex = std::move(x).encode(vx, 2), ey = std::move(y).encode(vy, 2);
  std::vector<std::uint32_t> ix, iy;
  for (const auto& block : ex.blocks) ix.insert(ix.end(), block.begin(), block.end());
  for (const auto& block : ey.blocks) iy.insert(iy.end(), block.begin(), block.end());
  CHECK(ix == iy);
  // Ids past --memory-limit spill to a scratch file: the same text, no file left behind.
  write_file(dir / "long.txt", collocation_text(40000, 5));
  const std::string phrases = "phrases long.txt --passes 2 --min-count 3 --threshold 20 -q";
  REQUIRE(w2v_in(dir, phrases + " -o in-memory.txt").exit_code == 0);
  const auto before = dir.list();
  REQUIRE(w2v_in(dir, phrases + " -o spilled.txt --memory-limit 1M").exit_code == 0);
  CHECK(read_file(dir / "spilled.txt") == read_file(dir / "in-memory.txt"));
  CHECK(dir.list().size() == before.size() + 1);
  // Past --prune-at distinct pairs the rarest are dropped; frequent phrases still join.
  const CommandResult pruned =
      w2v_in(dir, "phrases long.txt -o pruned.txt --passes 1 --min-count 3 --prune-at 1000");
  REQUIRE_MESSAGE(pruned.exit_code == 0, pruned.err);
  CHECK(pruned.err.find("rare ones dropped") != std::string::npos);
  CHECK(read_file(dir / "pruned.txt").find("machine_learning") != std::string::npos);
  // A token cache's words are fixed.
  REQUIRE(w2v_in(dir, "prepare corpus.txt -o c.w2vc -q").exit_code == 0);
  const CommandResult c = w2v_in(dir, "train c.w2vc --phrases p.txt -o c.vec" + common);
  CHECK(c.exit_code == 2);
  CHECK(c.err.find("--phrases") != std::string::npos);
}

TEST_CASE("phrases cli: inputs as train reads them, bad options and outputs refused") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 6; ++i) text += "new york is big\n";
  write_file(dir / "t.txt", text);
  write_file(dir / "t.gz", test::gzip_compress(text));
  const std::string common = " --min-count 2 --threshold 1 --passes 1 -q";
  const CommandResult plain = w2v_in(dir, "phrases t.txt -o out.txt" + common);
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  const std::string joined = read_file(dir / "out.txt");
  CHECK(joined.substr(0, 16) == "new_york is_big\n");
  // gzip, standard input, several files, standard output.
  CHECK(w2v_in(dir, "phrases t.gz -o - " + common).out == joined);
  CHECK(w2v_in(dir, "phrases - -o - < t.txt" + common).out == joined);
  const CommandResult two = w2v_in(dir, "phrases t.txt t.gz -o - " + common);
  CHECK(two.out == joined + joined);

  struct Bad {
    const char* args;
    const char* says;
  };
  for (const Bad& bad :
       {Bad{"--min-count -1", "--min-count"}, Bad{"--min-count 0", "--min-count"},
        Bad{"--min-count 99999999999999999999", "--min-count"},
        Bad{"--scoring npmi --threshold 2", "--threshold"}, Bad{"--threshold 0", "--threshold"},
        Bad{"--threshold -3", "--threshold"}, Bad{"--delimiter ''", "--delimiter"},
        Bad{"--delimiter 'a b'", "--delimiter"}, Bad{"--passes 0", "--passes"},
        Bad{"--passes 11", "--passes"}, Bad{"--scoring bigram", "--scoring"},
        Bad{"--threads 0", "--threads"}}) {
    CAPTURE(bad.args);
    const CommandResult r = w2v_in(dir, std::string("phrases t.txt -o bad.txt -q ") + bad.args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(bad.says) != std::string::npos);
    CHECK(!test::file_exists(dir / "bad.txt"));
  }
  // The input as output, directly or through a link: refused, the input untouched.
  const CommandResult same = w2v_in(dir, "phrases t.txt -o t.txt -q");
  CHECK(same.exit_code == 2);
  CHECK(same.err.find("input") != std::string::npos);
  REQUIRE(
      test::run_command("cd " + shell_quote(dir.path()) + " && ln -s t.txt link.txt").exit_code ==
      0);
  CHECK(w2v_in(dir, "phrases t.txt -o link.txt -q").exit_code == 2);
  CHECK(w2v_in(dir, "phrases t.txt -o out.txt --save-phrases t.txt -q").exit_code == 2);
  CHECK(w2v_in(dir, "phrases t.txt -o out.txt --save-phrases out.txt -q").exit_code == 2);
  CHECK(read_file(dir / "t.txt") == text);
  // Missing input, empty input: one error line, exit 1, no output.
  const CommandResult missing = w2v_in(dir, "phrases nope.txt -o m.txt -q");
  CHECK(missing.exit_code != 0);
  CHECK(!test::file_exists(dir / "m.txt"));
  write_file(dir / "empty.txt", "\n\n");
  const CommandResult empty = w2v_in(dir, "phrases empty.txt -o m.txt -q");
  CHECK(empty.exit_code == 1);
  CHECK(!test::file_exists(dir / "m.txt"));
  // A bad phrase file for train.
  write_file(dir / "bad-phrases.txt", "w2v-phrases 1 scoring=gensim\n");
  const CommandResult t = w2v_in(dir, "train t.txt --phrases bad-phrases.txt -o v.vec -q");
  CHECK(t.exit_code == 1);
  CHECK(t.err.find("bad-phrases.txt:1") != std::string::npos);
}

}  // namespace
}  // namespace w2v
