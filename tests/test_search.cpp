#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/rng.hpp"
#include "w2v/search.hpp"
#include "w2v/vectors.hpp"

namespace w2v {
namespace {

using test::TempDir;

// The fast answers must be the reference's: same rows in the same order, scores within
// 1e-5. Two rows may only trade places when the reference scores them within 1e-5 of each
// other (float and double rounding differ); with these seeds none do.
void check_matches(const std::vector<Neighbor>& got, const Matrix& m, const Query& q,
                   const SearchOptions& options) {
  SearchOptions more = options;
  more.k = options.k + 5;
  const std::vector<Neighbor> ref = search_reference(m, q, more);
  REQUIRE(got.size() == std::min(options.k, ref.size()));
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(std::fabs(got[i].score - ref[i].score) < 1e-5);
    if (got[i].row != ref[i].row) {
      float ref_score = -1e30f;
      for (const Neighbor& n : ref) {
        if (n.row == got[i].row) ref_score = n.score;
      }
      CHECK(std::fabs(ref_score - ref[i].score) < 1e-5);
    }
  }
}

Query random_query(Rng& rng, std::size_t rows, int terms, bool signs) {
  Query q;
  for (int t = 0; t < terms; ++t) {
    const float weight = signs && rng.below(2) == 0 ? -1.0f : 1.0f;
    q.terms.push_back({rng.below(static_cast<std::uint32_t>(rows)), weight});
  }
  return q;
}

// gensim's most_similar, operation by operation as numpy and the reference BLAS do it
// (see SearchIndex): no FMA, no reordered sums.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
#if defined(__clang__)
#define NO_FMA _Pragma("clang fp contract(off)")
#else
#define NO_FMA
#endif

float numpy_sum(const float* a, std::size_t n) {  // numpy's pairwise_sum
  NO_FMA
  if (n < 8) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n > 128) {
    const std::size_t half = n / 2 - n / 2 % 8;
    return numpy_sum(a, half) + numpy_sum(a + half, n - half);
  }
  float r[8];
  for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
  std::size_t i = 8;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
  }
  float sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; ++i) sum += a[i];
  return sum;
}

std::vector<Neighbor> gensim_most_similar(const Matrix& m, const Query& q, std::size_t k,
                                          std::size_t candidates) {
  NO_FMA
  const std::size_t dim = m.cols();
  std::vector<float> norms(m.rows()), squares(dim);
  for (std::size_t r = 0; r < m.rows(); ++r) {  // np.linalg.norm(vectors, axis=1)
    for (std::size_t d = 0; d < dim; ++d) squares[d] = m.row(r)[d] * m.row(r)[d];
    norms[r] = std::sqrt(numpy_sum(squares.data(), dim));
  }
  std::vector<float> mean(dim, 0.0f);  // get_mean_vector: positive words first
  for (const bool positive : {true, false}) {
    for (const QueryTerm& t : q.terms) {
      if ((t.weight > 0) != positive) continue;
      for (std::size_t d = 0; d < dim; ++d) mean[d] += t.weight * (m.row(t.row)[d] / norms[t.row]);
    }
  }
  for (float& v : mean) v /= static_cast<float>(q.terms.size());
  double length = 0;  // matutils.unitvec: dnrm2, dscal
  for (const float v : mean) length += static_cast<double>(v) * v;
  length = std::sqrt(length);
  for (float& v : mean) v = static_cast<float>(v * (1.0 / length));
  std::vector<Neighbor> all;
  for (std::uint32_t r = 0; r < candidates; ++r) {
    bool term = false;
    for (const QueryTerm& t : q.terms) term = term || t.row == r;
    if (term) continue;
    float dot = 0.0f;  // sgemv
    for (std::size_t d = 0; d < dim; ++d) dot += m.row(r)[d] * mean[d];
    all.push_back({r, dot / norms[r]});
  }
  std::sort(all.begin(), all.end(), [](const Neighbor& a, const Neighbor& b) {
    return a.score > b.score || (a.score == b.score && a.row < b.row);
  });
  all.resize(std::min(k, all.size()));
  return all;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// Runs a CLI command on `file` and returns its TSV lines split into fields.
std::vector<std::vector<std::string>> tsv_rows(const std::string& output) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : test::lines(output)) rows.push_back(test::split(line, '\t'));
  return rows;
}

}  // namespace

TEST_SUITE("search") {
  TEST_CASE("nearest, expressions and analogies match the brute-force reference") {
    // 1003 rows: the last panel is partly empty; 37 dimensions: no multiple of anything.
    const Matrix m = test::random_matrix(1003, 37, 42);
    const SearchIndex index(m);
    REQUIRE(index.size() == 1003);
    Rng rng(7, 0);
    SUBCASE("single words, k = 10") {
      SearchOptions options;
      for (int i = 0; i < 40; ++i) {
        const Query q = random_query(rng, m.rows(), 1, false);
        check_matches(index.search({q}, options)[0], m, q, options);
      }
    }
    SUBCASE("expressions with + and -, 3CosAdd") {
      SearchOptions options;
      options.k = 7;
      for (int i = 0; i < 40; ++i) {
        const Query q = random_query(rng, m.rows(), 2 + static_cast<int>(rng.below(3)), true);
        check_matches(index.search({q}, options)[0], m, q, options);
      }
    }
    SUBCASE("3CosMul analogies") {
      SearchOptions options;
      options.scoring = Scoring::kCosMul;
      options.k = 5;
      for (int i = 0; i < 40; ++i) {
        Query q = random_query(rng, m.rows(), 3, false);
        q.terms[2].weight = -1;  // b + c - a
        check_matches(index.search({q}, options)[0], m, q, options);
      }
    }
    SUBCASE("candidates limited to the first rows, and k beyond them") {
      SearchOptions options;
      options.candidates = 300;
      options.k = 20;
      for (int i = 0; i < 20; ++i) {
        const Query q = random_query(rng, m.rows(), 3, true);
        const auto got = index.search({q}, options)[0];
        for (const Neighbor& n : got) CHECK(n.row < 300);
        check_matches(got, m, q, options);
      }
      options.candidates = 5;
      options.k = 50;
      const Query q{{{0, 1.0f}}};
      const auto got = index.search({q}, options)[0];
      CHECK(got.size() == 4);  // rows 1..4; row 0 is the query
      check_matches(got, m, q, options);
    }
    SUBCASE("a batch gives what one query at a time gives, on any thread count") {
      std::vector<Query> queries;
      for (int i = 0; i < 300; ++i) {
        queries.push_back(random_query(rng, m.rows(), 1 + static_cast<int>(rng.below(3)), true));
      }
      SearchOptions options;
      options.k = 8;
      options.threads = 2;
      const auto batch = index.search(queries, options);
      options.threads = 1;
      const auto single_thread = index.search(queries, options);
      for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto alone = index.search({queries[i]}, options)[0];
        REQUIRE(batch[i].size() == alone.size());
        for (std::size_t j = 0; j < alone.size(); ++j) {
          CHECK(batch[i][j].row == alone[j].row);
          CHECK(batch[i][j].score == alone[j].score);
          CHECK(single_thread[i][j].row == alone[j].row);
        }
        if (i % 10 == 0) check_matches(batch[i], m, queries[i], options);
      }
    }
  }

  TEST_CASE("cosine scores are gensim's to the last bit, near ties included") {
    for (const std::size_t dim : {std::size_t{37}, std::size_t{300}}) {
      CAPTURE(dim);
      // Rows 0..99 random; the others scaled copies of rows 0..6, each with one value moved
      // by an ulp or two: cosines equal but for rounding, whose order only gensim's own
      // arithmetic reproduces.
      Matrix m = test::random_matrix(700, dim, 11);
      for (std::size_t r = 100; r < m.rows(); ++r) {
        for (std::size_t d = 0; d < dim; ++d) {
          m.row(r)[d] = m.row(r % 7)[d] * (0.25f + 0.125f * static_cast<float>(r % 11));
        }
        float& v = m.row(r)[r % dim];
        for (std::size_t step = 0; step < r % 3; ++step) v = std::nextafter(v, 2.0f * v);
      }
      const SearchIndex index(m);
      Rng rng(3, 0);
      std::vector<Query> queries;
      for (int i = 0; i < 60; ++i) {
        queries.push_back(random_query(rng, m.rows(), 1 + static_cast<int>(rng.below(3)), true));
        queries.back().terms[0].weight = 1.0f;
      }
      for (const std::size_t k : {std::size_t{1}, std::size_t{5}, std::size_t{40}}) {
        CAPTURE(k);
        SearchOptions options;
        options.k = k;
        options.candidates = 650;
        for (const int threads : {1, 2}) {
          options.threads = threads;
          const auto got = index.search(queries, options);
          for (std::size_t i = 0; i < queries.size(); ++i) {
            CAPTURE(i);
            const auto want = gensim_most_similar(m, queries[i], k, options.candidates);
            REQUIRE(got[i].size() == want.size());
            for (std::size_t j = 0; j < want.size(); ++j) {
              CHECK(got[i][j].row == want[j].row);
              CHECK(got[i][j].score == want[j].score);
            }
          }
        }
      }
    }
  }

  TEST_CASE("more distinct words than one batch holds") {
    const Matrix m = test::random_matrix(3000, 16, 5);
    const SearchIndex index(m);
    std::vector<Query> queries;
    for (std::uint32_t r = 0; r < 3000; r += 2) queries.push_back(Query{{{r, 1.0f}}});
    SearchOptions options;
    options.k = 3;
    const auto got = index.search(queries, options);
    for (std::size_t i = 0; i < queries.size(); i += 97) {
      check_matches(got[i], m, queries[i], options);
    }
  }

  TEST_CASE("the query words never come back, and a zero query has no answer") {
    Matrix m(4, 2);
    const float rows[4][2] = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0, 0}};
    for (int r = 0; r < 4; ++r) {
      m.row(r)[0] = rows[r][0];
      m.row(r)[1] = rows[r][1];
    }
    const SearchIndex index(m);
    SearchOptions options;
    options.k = 3;
    const auto got =
        index.search({Query{{{0, 1.0f}}}, Query{{{0, 1.0f}, {0, -1.0f}}}, Query{}}, options);
    REQUIRE(got[0].size() == 3);
    CHECK(got[0][0].row == 1);
    CHECK(got[0][1].row == 2);  // cosine 0, ahead of the zero row (also 0) by row order
    CHECK(got[0][1].score == doctest::Approx(0.0));
    CHECK(got[0][2].row == 3);
    CHECK(got[0][2].score == 0.0f);  // a zero vector is not NaN
    CHECK(got[1].empty());
    CHECK(got[2].empty());
    CHECK(index.similarity(0, 1) == doctest::Approx(0.9 / std::sqrt(0.82)));
    CHECK(index.similarity(0, 3) == 0.0f);
    CHECK_THROWS_AS(index.search({Query{{{4, 1.0f}}}}, options), Error);
    options.k = 0;
    CHECK_THROWS_AS(index.search({}, options), UsageError);
  }
}

TEST_SUITE("search") {
  TEST_CASE("rows near the float limit and denormal rows keep their direction") {
    // Row 0 points as row 2 and row 1 as row 3, at scales whose float32 squares overflow or
    // vanish; row 4 is ordinary.
    Matrix m(5, 3);
    const float dir_a[3] = {3, 4, 0}, dir_b[3] = {0, 1, 1};
    for (int d = 0; d < 3; ++d) {
      m.row(0)[d] = dir_a[d] * 6e37f;
      m.row(1)[d] = dir_b[d] * 1e-40f;
      m.row(2)[d] = dir_a[d];
      m.row(3)[d] = dir_b[d] * 2;
      m.row(4)[d] = d == 0 ? 1.0f : -1.0f;
    }
    const SearchIndex index(m);
    SearchOptions options;
    options.k = 1;
    const auto got =
        index.search({Query{{{0, 1.0f}}}, Query{{{1, 1.0f}}}, Query{{{2, 1.0f}}}}, options);
    REQUIRE(got[0].size() == 1);
    CHECK(got[0][0].row == 2);
    CHECK(got[0][0].score == doctest::Approx(1.0));
    REQUIRE(got[1].size() == 1);
    CHECK(got[1][0].row == 3);
    CHECK(got[1][0].score == doctest::Approx(1.0));
    CHECK(got[2][0].row == 0);  // the huge row answers too
    CHECK(index.similarity(0, 2) == doctest::Approx(1.0));
    CHECK(index.similarity(1, 3) == doctest::Approx(1.0));
    std::vector<float> unit(3);
    index.copy_unit(0, unit.data());
    CHECK(unit[0] == doctest::Approx(0.6));
    CHECK(unit[1] == doctest::Approx(0.8));
  }

  TEST_CASE("a set cancel flag stops a search with Interrupted") {
    const Matrix m = test::random_matrix(300, 8, 5);
    const SearchIndex index(m);
    std::atomic<bool> cancel{true};
    SearchOptions options;
    options.cancel = &cancel;
    CHECK_THROWS_AS(index.search({Query{{{0, 1.0f}}}}, options), Interrupted);
  }
}

TEST_SUITE("query cli") {
  struct Fixture {
    TempDir dir;
    Matrix m = test::random_matrix(500, 24, 99);
    std::vector<std::string> words = test::numbered_words(500);
    std::string file = dir / "v.bin";
    Fixture() { test::save_vectors(file, VectorFormat::kBinary, words, m); }
    std::uint32_t row(const std::string& w) const { return std::stoul(w.substr(1)); }
    // The CLI's TSV answers for one query must be the reference's.
    void check_tsv(const std::vector<std::vector<std::string>>& rows, const std::string& query,
                   const Query& q, const SearchOptions& options) const {
      const auto ref = search_reference(m, q, options);
      std::vector<std::vector<std::string>> mine;
      for (const auto& r : rows) {
        if (r.at(0) == query) mine.push_back(r);
      }
      REQUIRE(mine.size() == ref.size());
      for (std::size_t i = 0; i < ref.size(); ++i) {
        REQUIRE(mine[i].size() == 4);
        CHECK(mine[i][1] == std::to_string(i + 1));
        CHECK(mine[i][2] == words[ref[i].row]);
        CHECK(std::stod(mine[i][3]) == doctest::Approx(ref[i].score).epsilon(1e-5));
      }
    }
  };

  TEST_CASE_FIXTURE(Fixture, "nearest on the command line: words and expressions") {
    const auto r = test::run_w2v("nearest " + file + " -k 6 --tsv -- w5 w17 w3 -w8 +w9 w2 - w4");
    REQUIRE(r.exit_code == 0);
    const auto rows = tsv_rows(r.out);
    SearchOptions options;
    options.k = 6;
    check_tsv(rows, "w5", Query{{{5, 1.0f}}}, options);
    check_tsv(rows, "w17", Query{{{17, 1.0f}}}, options);
    check_tsv(rows, "w3 -w8 +w9", Query{{{3, 1.0f}, {8, -1.0f}, {9, 1.0f}}}, options);
    check_tsv(rows, "w2 - w4", Query{{{2, 1.0f}, {4, -1.0f}}}, options);
    CHECK(rows.size() == 24);
  }

  TEST_CASE_FIXTURE(Fixture, "analogy on the command line: 3CosAdd and 3CosMul") {
    const Query q{{{20, 1.0f}, {30, 1.0f}, {10, -1.0f}}};  // w10 : w20 :: w30 : ?
    for (const char* method : {"add", "cosmul"}) {
      CAPTURE(method);
      const auto r =
          test::run_w2v("analogy " + file + " w10 w20 w30 --tsv -k 4 --method " + method);
      REQUIRE(r.exit_code == 0);
      SearchOptions options;
      options.k = 4;
      options.scoring = parse_scoring(method);
      check_tsv(tsv_rows(r.out), "w10 w20 w30", q, options);
    }
    CHECK(test::run_w2v("analogy " + file + " w10 w20").exit_code == 2);
    CHECK(test::run_w2v("analogy " + file + " w1 w2 w3 --method nope").exit_code == 2);
  }

  TEST_CASE_FIXTURE(Fixture, "piped standard input: one query per line, stops at end of input") {
    // No final line break, blank lines, CRLF: still three queries, then exit.
    const auto r = test::run_w2v("nearest " + file + " --json -k 3", "w1\n\nw2 +w3\r\n  \nw4");
    REQUIRE(r.exit_code == 0);
    const auto lines = test::lines(r.out);
    REQUIRE(lines.size() == 3);
    const char* queries[3] = {"w1", "w2 +w3", "w4"};
    for (int i = 0; i < 3; ++i) {
      const test::Json j = test::JsonParser::parse(lines[i]);
      CHECK(j["query"].string == queries[i]);
      CHECK_FALSE(j.has("error"));
      REQUIRE(j["results"].array.size() == 3);
      CHECK(j["results"][0]["rank"].number == 1);
      CHECK(j["results"][2]["rank"].number == 3);
    }
    const test::Json first = test::JsonParser::parse(lines[0]);
    const auto ref = search_reference(m, Query{{{1, 1.0f}}}, SearchOptions{});
    CHECK(first["results"][0]["word"].string == words[ref[0].row]);
    CHECK(first["results"][0]["similarity"].number == doctest::Approx(ref[0].score).epsilon(1e-5));

    // Many lines at once are answered in batches, in order.
    std::string input;
    for (int i = 0; i < 500; ++i) input += "w" + std::to_string(i) + "\n";
    const auto many = test::run_w2v("nearest " + file + " --tsv -k 1", input);
    REQUIRE(many.exit_code == 0);
    const auto rows = tsv_rows(many.out);
    REQUIRE(rows.size() == 500);
    for (int i = 0; i < 500; i += 50) {
      CHECK(rows[i][0] == "w" + std::to_string(i));
      check_tsv(rows, rows[i][0], Query{{{static_cast<std::uint32_t>(i), 1.0f}}},
                SearchOptions{1, 0, Scoring::kCosine, 0});
    }

    // A question per line for analogy; a line without three words is not answered.
    const auto a = test::run_w2v("analogy " + file + " --json -k 2", "w1 w2 w3\nw1 w2\n");
    CHECK(a.exit_code == 3);
    const auto alines = test::lines(a.out);
    REQUIRE(alines.size() == 2);
    CHECK(test::JsonParser::parse(alines[0])["results"].array.size() == 2);
    CHECK(test::JsonParser::parse(alines[1])["error"].string.find("three words") !=
          std::string::npos);
  }

  TEST_CASE_FIXTURE(Fixture, "a word not in the vocabulary: reported, exit status 3") {
    const auto r = test::run_w2v("nearest " + file + " --json -k 2 w1 nosuchword w2");
    CHECK(r.exit_code == 3);
    const auto lines = test::lines(r.out);
    REQUIRE(lines.size() == 3);
    const test::Json bad = test::JsonParser::parse(lines[1]);
    CHECK(bad["query"].string == "nosuchword");
    CHECK(bad["unknown"][0].string == "nosuchword");
    CHECK(bad["error"].string == "'nosuchword' is not in the vocabulary");
    CHECK(bad["results"].array.empty());
    CHECK(test::JsonParser::parse(lines[2])["results"].array.size() == 2);

    const auto table = test::run_w2v("nearest " + file + " nosuchword", "");
    CHECK(table.exit_code == 3);
    CHECK(table.out.find("'nosuchword' is not in the vocabulary") != std::string::npos);
    const auto tsv = test::run_w2v("nearest " + file + " --tsv", "w1\nzzz\n");
    CHECK(tsv.exit_code == 3);
    CHECK(tsv.err.find("zzz") != std::string::npos);
    CHECK(tsv_rows(tsv.out).size() == 10);
    const auto analogy = test::run_w2v("analogy " + file + " w1 w2 nope --json");
    CHECK(analogy.exit_code == 3);
    CHECK(test::JsonParser::parse(analogy.out)["unknown"][0].string == "nope");
  }

  TEST_CASE_FIXTURE(Fixture, "the human table is aligned") {
    const auto r = test::run_w2v("nearest " + file + " w7 -k 4");
    REQUIRE(r.exit_code == 0);
    const auto lines = test::lines(r.out);
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "w7");
    const std::size_t column = lines[1].find("similarity");
    REQUIRE(column != std::string::npos);
    for (int i = 2; i < 6; ++i) {
      CHECK(lines[i].size() == lines[1].size());
      CHECK(lines[i][column + 5] == '.');  // "    0.1234" under "similarity"
    }
  }

  TEST_CASE_FIXTURE(Fixture, "errors: a bad file exits 1, bad options exit 2") {
    test::write_file(dir / "bad.txt", "2 3\na 1 2 3\n");
    const auto r = test::run_w2v("nearest " + dir / "bad.txt" + " a");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("bad.txt") != std::string::npos);
    CHECK(test::run_w2v("nearest " + file + " w1 -k 0").exit_code == 2);
    CHECK(test::run_w2v("nearest " + file + " w1 --json --tsv").exit_code == 2);
  }
}

}  // namespace w2v
