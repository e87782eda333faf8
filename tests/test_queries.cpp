// similarity, doesnt-match, nearest --threshold and --restrict, analogy questions on
// standard input: the library against brute force in double precision, and the CLI.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/odd_one_out.hpp"
#include "w2v/rng.hpp"
#include "w2v/search.hpp"
#include "w2v/vectors.hpp"

namespace w2v {
namespace {

using test::TempDir;

std::vector<double> unit_of(const Matrix& m, std::size_t row) {
  std::vector<double> u(m.row(row), m.row(row) + m.cols());
  double squares = 0;
  for (const double v : u) squares += v * v;
  for (double& v : u) v = squares > 0 ? v / std::sqrt(squares) : 0.0;
  return u;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double brute_cosine(const Matrix& m, std::size_t a, std::size_t b) {
  return dot(unit_of(m, a), unit_of(m, b));
}

// gensim's doesnt_match written out: each unit vector's cosine with the mean of them all.
std::vector<double> brute_match_scores(const Matrix& m, const std::vector<std::uint32_t>& rows) {
  std::vector<double> mean(m.cols(), 0.0);
  for (const std::uint32_t r : rows) {
    const auto u = unit_of(m, r);
    for (std::size_t d = 0; d < mean.size(); ++d) mean[d] += u[d];
  }
  const double length = std::sqrt(dot(mean, mean));
  std::vector<double> scores;
  for (const std::uint32_t r : rows) scores.push_back(dot(unit_of(m, r), mean) / length);
  return scores;
}

std::vector<std::vector<std::string>> tsv_rows(const std::string& output) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : test::lines(output)) rows.push_back(test::split(line, '\t'));
  return rows;
}

struct Fixture {
  TempDir dir;
  Matrix m = test::random_matrix(300, 20, 2024);
  std::vector<std::string> words = test::numbered_words(300);
  std::string file = dir / "v.bin";
  Fixture() { test::save_vectors(file, VectorFormat::kBinary, words, m); }
};

}  // namespace

TEST_SUITE("queries") {
  TEST_CASE("similarity is the cosine computed in double") {
    const Matrix m = test::random_matrix(200, 33, 5);
    const SearchIndex index(m);
    Rng rng(3);
    for (int i = 0; i < 200; ++i) {
      const std::uint32_t a = rng.below(200), b = rng.below(200);
      CAPTURE(a);
      CAPTURE(b);
      CHECK(index.similarity(a, b) == doctest::Approx(brute_cosine(m, a, b)).epsilon(1e-6));
    }
    CHECK(index.similarity(7, 7) == doctest::Approx(1.0).epsilon(1e-7));
  }

  TEST_CASE("doesnt_match finds the unit vector least similar to the mean, as gensim") {
    const Matrix m = test::random_matrix(400, 16, 77);
    const SearchIndex index(m);
    Rng rng(9);
    int checked = 0;
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<std::uint32_t> rows(2 + rng.below(8));
      for (auto& r : rows) r = rng.below(400);
      const std::vector<double> scores = brute_match_scores(m, rows);
      const auto lowest = std::min_element(scores.begin(), scores.end()) - scores.begin();
      const OddOneOut odd = doesnt_match(index, rows);
      CHECK(odd.similarity == doctest::Approx(scores[lowest]).epsilon(1e-12));
      // A row given twice, or two equally far rows: either may come back.
      if (std::count_if(scores.begin(), scores.end(),
                        [&](double s) { return s < scores[lowest] + 1e-9; }) == 1) {
        CHECK(odd.position == static_cast<std::size_t>(lowest));
        ++checked;
      }
    }
    CHECK(checked > 150);
    // A planted odd one: three rows near one direction, one far from it.
    Matrix planted(4, 3);
    const float v[4][3] = {{1, 0.1f, 0}, {1, 0, 0.1f}, {0.1f, 0, -1}, {0.9f, 0.1f, 0.1f}};
    for (int r = 0; r < 4; ++r) std::copy(v[r], v[r] + 3, planted.row(r));
    CHECK(doesnt_match(SearchIndex(planted), {0, 1, 2, 3}).position == 2);
    CHECK_THROWS_AS(doesnt_match(index, {1}), UsageError);
    CHECK_THROWS_AS(doesnt_match(index, {1, 400}), Error);
  }

  TEST_CASE("min_score keeps only the answers at or above it, within k") {
    const Matrix m = test::random_matrix(1003, 12, 31);
    const SearchIndex index(m);
    Rng rng(1);
    for (int trial = 0; trial < 40; ++trial) {
      SearchOptions options;
      options.k = 1 + rng.below(30);
      options.candidates = trial % 2 == 0 ? 0 : 1 + rng.below(1003);
      options.min_score = 0.2f + 0.6f * rng.uniform();
      const Query q{{{rng.below(1003), 1.0f}}};
      SearchOptions all = options;
      all.min_score = -std::numeric_limits<float>::infinity();
      const auto got = index.search({q}, options)[0];
      const auto unfiltered = index.search({q}, all)[0];
      const auto ref = search_reference(m, q, options);
      CAPTURE(trial);
      // The unfiltered answers, cut where they fall below the threshold.
      std::size_t above = 0;
      while (above < unfiltered.size() && unfiltered[above].score >= options.min_score) ++above;
      REQUIRE(got.size() == above);
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].row == unfiltered[i].row);
        CHECK(got[i].score >= options.min_score);
        if (options.candidates > 0) CHECK(got[i].row < options.candidates);
      }
      // The reference agrees but for a score within rounding of the threshold.
      CHECK(std::abs(static_cast<long>(ref.size()) - static_cast<long>(got.size())) <= 1);
      for (const Neighbor& n : ref) CHECK(n.score >= options.min_score);
    }
    SearchOptions nan;
    nan.min_score = std::nanf("");
    CHECK_THROWS_AS(validate(nan), UsageError);
  }

  TEST_CASE_FIXTURE(Fixture, "similarity on the command line and from standard input") {
    const auto r = test::run_w2v("similarity " + file + " w3 w17");
    REQUIRE(r.exit_code == 0);
    // The cosine alone, with 6 decimals.
    REQUIRE(r.out.find('.') != std::string::npos);
    CHECK(r.out.size() - r.out.find('.') == 8);  // ".dddddd\n"
    CHECK(test::lines(r.out).size() == 1);
    CHECK(std::stod(r.out) == doctest::Approx(brute_cosine(m, 3, 17)).epsilon(1e-6));

    // Pairs on standard input: each printed with its cosine; an unknown word or a line
    // without two words is reported for that pair, and the exit status says so.
    const auto piped = test::run_w2v("similarity " + file, "w1 w2\n\nw4 nosuch\nw5\r\nw9 w9\n");
    CHECK(piped.exit_code == 3);
    const auto lines = test::lines(piped.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("w1 w2 ", 0) == 0);
    CHECK(std::stod(lines[0].substr(6)) == doctest::Approx(brute_cosine(m, 1, 2)).epsilon(1e-6));
    CHECK(lines[1] == "w9 w9 1.000000");
    CHECK(piped.err.find("w2v: w4 nosuch: 'nosuch' is not in the vocabulary") != std::string::npos);
    CHECK(piped.err.find("w2v: w5: expected two words, got 1") != std::string::npos);

    const auto tsv = test::run_w2v("similarity " + file + " --tsv", "w10 w20\nw30 w40\n");
    REQUIRE(tsv.exit_code == 0);
    const auto rows = tsv_rows(tsv.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1][0] == "w30");
    CHECK(rows[1][1] == "w40");
    CHECK(std::stod(rows[1][2]) == doctest::Approx(brute_cosine(m, 30, 40)).epsilon(1e-6));

    const auto json = test::run_w2v("similarity " + file + " --json", "w1 w8\nw1 zz\n");
    CHECK(json.exit_code == 3);
    const auto objects = test::lines(json.out);
    REQUIRE(objects.size() == 2);
    const test::Json good = test::JsonParser::parse(objects[0]);
    CHECK(good["query"].string == "w1 w8");
    CHECK(good["words"][1].string == "w8");
    CHECK(good["similarity"].number == doctest::Approx(brute_cosine(m, 1, 8)).epsilon(1e-6));
    const test::Json bad = test::JsonParser::parse(objects[1]);
    CHECK(bad["error"].string == "'zz' is not in the vocabulary");
    CHECK(bad["unknown"][0].string == "zz");
    CHECK_FALSE(bad.has("similarity"));

    // Unknown words on the command line; empty standard input answers nothing.
    const auto unknown = test::run_w2v("similarity " + file + " w1 nope");
    CHECK(unknown.exit_code == 3);
    CHECK(unknown.out.empty());
    CHECK(unknown.err.find("'nope' is not in the vocabulary") != std::string::npos);
    const auto empty = test::run_w2v("similarity " + file, "");
    CHECK(empty.exit_code == 0);
    CHECK(empty.out.empty());
    CHECK(test::run_w2v("similarity " + file + " w1").exit_code == 2);
    CHECK(test::run_w2v("similarity " + dir.path()).exit_code == 1);
  }

  TEST_CASE_FIXTURE(Fixture, "doesnt-match prints the odd word alone") {
    Rng rng(5);
    for (int trial = 0; trial < 10; ++trial) {
      std::vector<std::uint32_t> rows(3 + rng.below(5));
      std::string args;
      for (auto& r : rows) {
        r = rng.below(300);
        args += " w" + std::to_string(r);
      }
      const auto scores = brute_match_scores(m, rows);
      const auto lowest = std::min_element(scores.begin(), scores.end()) - scores.begin();
      const auto r = test::run_w2v("doesnt-match " + file + args);
      CAPTURE(args);
      REQUIRE(r.exit_code == 0);
      CHECK(r.out == words[rows[lowest]] + "\n");
    }
    const auto few = test::run_w2v("doesnt-match " + file + " w1 w2");
    CHECK(few.exit_code == 2);
    CHECK(few.err.find("at least 3 words") != std::string::npos);
    const auto unknown = test::run_w2v("doesnt-match " + file + " w1 xx w2 yy");
    CHECK(unknown.exit_code == 3);
    CHECK(unknown.out.empty());
    CHECK(unknown.err == "w2v: error: 'xx', 'yy' are not in the vocabulary\n");
    CHECK(test::run_w2v("doesnt-match " + dir.path() + " w1 w2 w3").exit_code == 1);
  }

  TEST_CASE_FIXTURE(Fixture, "nearest --threshold and --restrict") {
    const auto r = test::run_w2v("nearest " + file + " --tsv -k 50 --threshold 0.3 w1 w2");
    REQUIRE(r.exit_code == 0);
    for (const std::uint32_t row : {1u, 2u}) {
      SearchOptions options;
      options.k = 50;
      const auto all = search_reference(m, Query{{{row, 1.0f}}}, options);
      std::vector<std::vector<std::string>> mine;
      for (const auto& fields : tsv_rows(r.out)) {
        if (fields.at(0) == words[row]) mine.push_back(fields);
      }
      std::size_t above = 0;
      while (above < all.size() && all[above].score >= 0.3f) ++above;
      CAPTURE(row);
      REQUIRE(mine.size() == above);
      for (std::size_t i = 0; i < above; ++i) {
        CHECK(mine[i][2] == words[all[i].row]);
        CHECK(std::stod(mine[i][3]) >= 0.3);
      }
    }
    // Within -k still, and within the first N words with --restrict.
    const auto k3 = test::run_w2v("nearest " + file + " --tsv -k 3 --threshold -1 w1");
    CHECK(tsv_rows(k3.out).size() == 3);
    const auto restricted =
        test::run_w2v("nearest " + file + " --tsv -k 5 --restrict 40 --threshold 0.1 w100");
    REQUIRE(restricted.exit_code == 0);
    SearchOptions options;
    options.k = 5;
    options.candidates = 40;
    options.min_score = 0.1f;
    const auto ref = search_reference(m, Query{{{100, 1.0f}}}, options);
    const auto rows = tsv_rows(restricted.out);
    REQUIRE(rows.size() == ref.size());
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(rows[i][2] == words[ref[i].row]);
    // Nothing that similar: answered, with no rows.
    const auto none = test::run_w2v("nearest " + file + " --threshold 0.999 w1");
    CHECK(none.exit_code == 0);
    CHECK(none.out == "w1\n  no word is that similar\n");
    const auto json = test::run_w2v("nearest " + file + " --json --threshold 0.999 w1");
    CHECK(json.exit_code == 0);
    CHECK(test::JsonParser::parse(json.out)["results"].array.empty());
    CHECK(test::run_w2v("nearest " + file + " w1 --threshold 1.01").exit_code == 2);
  }

  TEST_CASE_FIXTURE(Fixture, "analogy questions from standard input, one A B C per line") {
    const auto r = test::run_w2v("analogy " + file + " --tsv -k 3", "w1 w2 w3\nw10 w20 w30\n");
    REQUIRE(r.exit_code == 0);
    const auto rows = tsv_rows(r.out);
    REQUIRE(rows.size() == 6);
    const std::uint32_t questions[2][3] = {{1, 2, 3}, {10, 20, 30}};
    for (int q = 0; q < 2; ++q) {
      const auto& [a, b, c] = questions[q];
      SearchOptions options;
      options.k = 3;
      const auto ref = search_reference(m, Query{{{b, 1.0f}, {c, 1.0f}, {a, -1.0f}}}, options);
      for (int i = 0; i < 3; ++i) {
        const auto& fields = rows[q * 3 + i];
        CHECK(fields[0] == words[a] + " " + words[b] + " " + words[c]);
        CHECK(fields[2] == words[ref[i].row]);
      }
    }
    const auto empty = test::run_w2v("analogy " + file, "");
    CHECK(empty.exit_code == 0);
    CHECK(empty.out.empty());
  }
}

}  // namespace w2v
