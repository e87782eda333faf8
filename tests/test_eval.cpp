#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/eval.hpp"
#include "w2v/search.hpp"
#include "w2v/vectors.hpp"

namespace w2v {
namespace {

using test::TempDir;

// Four analogy words and a few others in 3-d, so that every answer can be worked out by
// hand. WOMAN, a case variant of woman, points exactly along king - man + woman: it is the
// best answer to "man king woman ?" but, being woman again, must be passed over.
const char* const kAnalogyVectors =
    "8 3\n"
    "man 1 0 0\n"
    "woman 0 1 0\n"
    "king 1 0 1\n"
    "queen 0 1 1\n"
    "WOMAN -0.29289322 1 0.70710678\n"
    "prince 0 0 1\n"
    "apple 0 -1 0\n"
    "pear -1 0 0\n";

// family: right (the case variant is skipped), right, wrong (queen, not prince).
// gram-test: skipped (unknown word), right.
const char* const kQuestions =
    ": family\n"
    "MAN KING WOMAN QUEEN\n"
    "king man queen woman\n"
    "man woman king prince\n"
    "\n"
    ": gram-test\n"
    "man woman unknownword queen\n"
    "king queen man woman\n";

// Cosines: a.c = 0.7071, a.b = 0, a.e = -1, c.d = 0.9487, b.d = 0.8944: ranks 3 2 1 5 4.
// Human ranks: 4 2 1 5 3. Spearman = 1 - 6 * (1 + 1) / (5 * 24) = 0.9.
const char* const kSimilarityVectors =
    "5 2\n"
    "a 1 0\n"
    "b 0 1\n"
    "c 1 1\n"
    "d 1 2\n"
    "e -1 0\n";
const char* const kPairs =
    "# word1 word2 score\n"
    "A\tc\t8\n"
    "a b 3.0\n"
    "\n"
    "a  e\t1\n"
    "c\td\t9\n"
    "b d 7\n"
    "x a 5\n";

// A bundled WordSim-353 file as parse_similarity reads it.
std::vector<SimilarityPair> bundled_pairs(const std::string& name) {
  const std::string path = std::string(W2V_SOURCE_DIR) + "/data/eval/" + name;
  return parse_similarity(test::read_file(path), path);
}

using ScoredPair = std::tuple<std::string, std::string, double>;

std::set<ScoredPair> scored_pairs(const std::vector<SimilarityPair>& pairs) {
  std::set<ScoredPair> out;
  for (const SimilarityPair& p : pairs) out.emplace(p.words[0], p.words[1], p.score);
  return out;
}

struct Loaded {
  WordVectors vectors;
  SearchIndex index;
  explicit Loaded(const std::string& text)
      : vectors(parse_vectors(text, "test")), index(vectors.vectors) {}
};

}  // namespace

TEST_SUITE("eval") {
  TEST_CASE("average ranks and Spearman, ties included (scipy's values)") {
    CHECK(average_ranks({10, 30, 20, 20}) == std::vector<double>{1, 4, 2.5, 2.5});
    CHECK(spearman({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}) == doctest::Approx(0.820782681668123));
    CHECK(spearman({1, 2, 3, 4}, {1, 1, 2, 2}) == doctest::Approx(0.894427190999916));
    CHECK(spearman({1, 2, 3}, {3, 2, 1}) == doctest::Approx(-1.0));
    CHECK(std::isnan(spearman({1}, {1})));
    CHECK(std::isnan(spearman({1, 2}, {3, 3})));
  }

  TEST_CASE("similarity: a 5-pair file worked out by hand") {
    TempDir dir;
    test::write_file(dir / "pairs.txt", kPairs);
    const Loaded l(kSimilarityVectors);
    const SimilarityReport r = evaluate_similarity(l.vectors.words, l.index, dir / "pairs.txt");
    CHECK(r.pairs == 6);
    CHECK(r.used == 5);
    CHECK(r.skipped_share() == doctest::Approx(1.0 / 6));
    CHECK(r.spearman == doctest::Approx(0.9));
    SimilarityOptions exact;
    exact.case_sensitive = true;  // "A" is unknown now
    const SimilarityReport s =
        evaluate_similarity(l.vectors.words, l.index, dir / "pairs.txt", exact);
    CHECK(s.used == 4);
  }

  TEST_CASE("similarity: malformed lines are errors naming the line") {
    TempDir dir;
    const Loaded l(kSimilarityVectors);
    test::write_file(dir / "p.txt", "a b 1\na b\n");
    CHECK_THROWS_WITH_AS(evaluate_similarity(l.vectors.words, l.index, dir / "p.txt"),
                         doctest::Contains("p.txt:2: expected 'word1 word2 score', got 2"), Error);
    test::write_file(dir / "p.txt", "a b high\n");
    CHECK_THROWS_WITH_AS(evaluate_similarity(l.vectors.words, l.index, dir / "p.txt"),
                         doctest::Contains("p.txt:1: the score 'high' is not a number"), Error);
    CHECK_THROWS_WITH_AS(evaluate_similarity(l.vectors.words, l.index, dir / "none.txt"),
                         doctest::Contains("none.txt"), Error);
  }

  TEST_CASE("analogies: a small file worked out by hand") {
    TempDir dir;
    test::write_file(dir / "q.txt", kQuestions);
    const Loaded l(kAnalogyVectors);
    const AnalogyReport r = evaluate_analogies(l.vectors.words, l.index, dir / "q.txt");
    REQUIRE(r.sections.size() == 2);
    CHECK(r.sections[0].name == "family");
    CHECK(r.sections[0].correct == 2);
    CHECK(r.sections[0].seen == 3);
    CHECK(r.sections[0].total == 3);
    CHECK(r.sections[1].name == "gram-test");
    CHECK(r.sections[1].correct == 1);
    CHECK(r.sections[1].seen == 1);
    CHECK(r.sections[1].total == 2);
    CHECK(r.semantic.correct == 2);
    CHECK(r.semantic.accuracy() == doctest::Approx(2.0 / 3));
    CHECK(r.syntactic.accuracy() == doctest::Approx(1.0));
    CHECK(r.overall.correct == 3);
    CHECK(r.overall.seen == 4);
    CHECK(r.overall.total == 5);

    SUBCASE("restricted to the first four words") {
      AnalogyOptions options;
      options.restrict_vocab = 4;
      const AnalogyReport s = evaluate_analogies(l.vectors.words, l.index, dir / "q.txt", options);
      CHECK(s.overall.correct == 3);  // prince is out: its question is skipped
      CHECK(s.overall.seen == 3);
    }
    SUBCASE("case-sensitive: WOMAN is a word of its own") {
      AnalogyOptions options;
      options.case_sensitive = true;
      const AnalogyReport s = evaluate_analogies(l.vectors.words, l.index, dir / "q.txt", options);
      CHECK(s.overall.seen == 3);  // MAN and KING are unknown
      CHECK(s.overall.correct == 2);
    }
    SUBCASE("3CosMul") {
      // pear = -man: for "man king woman ?" its (1 + cos(pear, man)) / 2 is 0, so only the
      // 1e-6 is left below the fraction and pear wins, as it does in gensim.
      AnalogyOptions options;
      options.method = Scoring::kCosMul;
      const AnalogyReport s = evaluate_analogies(l.vectors.words, l.index, dir / "q.txt", options);
      CHECK(s.overall.seen == 4);
      CHECK(s.overall.correct == 2);
      CHECK(s.sections[1].correct == 1);
    }
  }

  TEST_CASE("analogies: malformed files are errors naming the line") {
    TempDir dir;
    const Loaded l(kAnalogyVectors);
    test::write_file(dir / "q.txt", ": s\nman king woman queen\nman king woman\n");
    CHECK_THROWS_WITH_AS(evaluate_analogies(l.vectors.words, l.index, dir / "q.txt"),
                         doctest::Contains("q.txt:3: expected 4 words, got 3"), Error);
    test::write_file(dir / "q.txt", "man king woman queen\n");
    CHECK_THROWS_WITH_AS(evaluate_analogies(l.vectors.words, l.index, dir / "q.txt"),
                         doctest::Contains("q.txt:1: a question before the first"), Error);
    test::write_file(dir / "q.txt", ": s\nman king woman qu\xE9\x65n\n");
    CHECK_THROWS_WITH_AS(evaluate_analogies(l.vectors.words, l.index, dir / "q.txt"),
                         doctest::Contains("q.txt:2: the line is not valid UTF-8"), Error);
  }
}

TEST_SUITE("eval cli") {
  TEST_CASE("w2v eval --json: the hand-worked numbers") {
    TempDir dir;
    test::write_file(dir / "q.txt", kQuestions);
    test::write_file(dir / "p.txt", kPairs);
    test::write_file(dir / "a.txt", kAnalogyVectors);
    test::write_file(dir / "s.txt", kSimilarityVectors);
    auto r = test::run_w2v("eval " + dir / "a.txt" + " --analogies " + dir / "q.txt" + " --json");
    REQUIRE(r.exit_code == 0);
    test::Json j = test::JsonParser::parse(r.out);
    const test::Json& a = j["analogies"];
    CHECK(a["method"].string == "add");
    CHECK(a["restrict"].number == 8);
    CHECK(a["sections"][0]["name"].string == "family");
    CHECK(a["sections"][0]["correct"].number == 2);
    CHECK(a["semantic"]["seen"].number == 3);
    CHECK(a["syntactic"]["accuracy"].number == 1);
    CHECK(a["total"]["correct"].number == 3);
    CHECK(a["total"]["seen"].number == 4);
    CHECK(a["total"]["total"].number == 5);

    r = test::run_w2v("eval " + dir / "s.txt" + " --similarity " + dir / "p.txt" + " " +
                      dir / "p.txt" + " --json");
    REQUIRE(r.exit_code == 0);
    j = test::JsonParser::parse(r.out);
    REQUIRE(j["similarity"].array.size() == 2);
    CHECK(j["similarity"][1]["spearman"].number == doctest::Approx(0.9));
    CHECK(j["similarity"][1]["skipped_share"].number == doctest::Approx(1.0 / 6));
    CHECK_FALSE(j.has("analogies"));

    r = test::run_w2v("eval " + dir / "a.txt" + " --analogies " + dir / "q.txt");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("questions seen: 4 of 5") != std::string::npos);
    CHECK(r.out.find("family") != std::string::npos);
  }

  TEST_CASE("w2v eval: usage and file errors") {
    TempDir dir;
    test::write_file(dir / "a.txt", kAnalogyVectors);
    test::write_file(dir / "q.txt", ": s\nman king\n");
    const auto r = test::run_w2v("eval " + dir / "a.txt" + " --analogies " + dir / "q.txt");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("q.txt:2: expected 4 words, got 2") != std::string::npos);
  }

  TEST_CASE("bundled WordSim-353: 353 pairs, and its similarity and relatedness halves") {
    const auto all = bundled_pairs("EN-WS-353-ALL.txt");
    const auto sim = bundled_pairs("EN-WS-353-SIM.txt");
    const auto rel = bundled_pairs("EN-WS-353-REL.txt");
    CHECK(all.size() == 353);
    CHECK(sim.size() == 203);  // Agirre et al. 2009's counts
    CHECK(rel.size() == 252);
    // Every pair of each half is a pair of ALL with ALL's score (money-cash is in ALL twice,
    // 9.15 and 9.08: a set of (pair, score) keeps both).
    const std::set<ScoredPair> all_set = scored_pairs(all);
    for (const SimilarityPair& p : sim) {
      INFO("SIM: ", p.words[0], " ", p.words[1]);
      CHECK(all_set.count({p.words[0], p.words[1], p.score}) == 1);
    }
    for (const SimilarityPair& p : rel) {
      INFO("REL: ", p.words[0], " ", p.words[1]);
      CHECK(all_set.count({p.words[0], p.words[1], p.score}) == 1);
    }
    // The halves share only the 103 unrelated pairs, and together cover all of ALL but
    // money-cash's second line.
    std::size_t shared = 0;
    const std::set<ScoredPair> rel_set = scored_pairs(rel);
    for (const ScoredPair& p : scored_pairs(sim)) shared += rel_set.count(p);
    CHECK(shared == 103);
    CHECK(sim.size() + rel.size() - shared == all_set.size() - 1);
  }
}

}  // namespace w2v
