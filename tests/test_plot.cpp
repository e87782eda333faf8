// plot: the projections to 2-D (PCA, exact t-SNE), the SVG writer, and `w2v plot map`
// (an SVG that parses as XML and holds every label).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/projection.hpp"
#include "w2v/rng.hpp"
#include "w2v/svg.hpp"

namespace {

using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

double distance(const w2v::Point2& a, const w2v::Point2& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// `clusters` groups of `size` points in `dim` dimensions, each near its own random centre.
std::vector<std::vector<float>> clustered(int clusters, int size, std::size_t dim) {
  w2v::Rng rng(3, 0);
  std::vector<std::vector<float>> rows;
  for (int c = 0; c < clusters; ++c) {
    std::vector<float> centre(dim);
    for (float& x : centre) x = rng.uniform() - 0.5f;
    for (int i = 0; i < size; ++i) {
      std::vector<float> row(centre);
      for (float& x : row) x += 0.05f * (rng.uniform() - 0.5f);
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<const float*> pointers(const std::vector<std::vector<float>>& rows) {
  std::vector<const float*> p;
  for (const auto& r : rows) p.push_back(r.data());
  return p;
}

}  // namespace

TEST_SUITE("plot") {
  TEST_CASE("PCA: points on a plane in 6 dimensions keep their distances") {
    // x = a u + b v for orthonormal u, v: the projection is a rotation of (a, b).
    std::vector<std::vector<float>> rows;
    const float s = 1.0f / std::sqrt(2.0f);
    const std::vector<std::pair<float, float>> ab = {{0, 0}, {3, 0}, {0, 1}, {-2, 0.5f}, {1, -1}};
    for (const auto& [a, b] : ab) {
      rows.push_back({a * s, a * s, 0, b, 0, 0});
    }
    const auto xy = w2v::project_pca(pointers(rows), 6);
    REQUIRE(xy.size() == ab.size());
    for (std::size_t i = 0; i < ab.size(); ++i) {
      for (std::size_t j = 0; j < ab.size(); ++j) {
        const double want = std::hypot(ab[i].first - ab[j].first, ab[i].second - ab[j].second);
        CHECK(distance(xy[i], xy[j]) == doctest::Approx(want).epsilon(1e-6));
      }
    }
    // The first axis carries the larger spread (a varies more than b).
    double vx = 0, vy = 0;
    for (const auto& p : xy) {
      vx += p.x * p.x;
      vy += p.y * p.y;
    }
    CHECK(vx > vy);
  }

  TEST_CASE("t-SNE keeps clusters apart and is a function of its seed") {
    const auto rows = clustered(4, 12, 20);
    w2v::TsneOptions options;
    options.iterations = 500;
    const auto a = w2v::project_tsne(pointers(rows), 20, options);
    const auto b = w2v::project_tsne(pointers(rows), 20, options);
    REQUIRE(a.size() == rows.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].x == b[i].x);
      CHECK(a[i].y == b[i].y);
    }
    // Every point is nearer to each point of its cluster than to any point of another.
    for (std::size_t i = 0; i < a.size(); ++i) {
      double inside = 0, outside = 1e300;
      for (std::size_t j = 0; j < a.size(); ++j) {
        if (j == i) continue;
        const double d = distance(a[i], a[j]);
        if (i / 12 == j / 12) {
          inside = std::max(inside, d);
        } else {
          outside = std::min(outside, d);
        }
      }
      CAPTURE(i);
      CHECK(inside < outside);
    }
  }

  TEST_CASE("the SVG writer escapes text and attributes") {
    w2v::Svg svg(100, 50);
    svg.text(1, 2, "a<b & \"c\" 'd'>", 10, "#000");
    svg.circle(5, 5, 2, "#123456");
    const std::string s = svg.str();
    CHECK(s.find("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;") != std::string::npos);
    CHECK(s.find("<circle cx=\"5.0\" cy=\"5.0\" r=\"2.0\" fill=\"#123456\"/>") !=
          std::string::npos);
    CHECK(s.rfind("<?xml", 0) == 0);
  }

  TEST_CASE("plot map writes an SVG that parses as XML and labels every word once") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(3000, 4, 6, 8) + "a<b&c\n");
    auto r = w2v::test::run_w2v("train " + shell_quote(dir.file("corpus.txt")) + " -o " +
                                shell_quote(dir.file("v.bin")) +
                                " --dim 16 --epochs 3 --min-count 1 --threads 1 -q");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    write_file(dir.file("labels.py"), R"(import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = [t.text for t in root.iter(ns + "text")]
print(len(root.findall(ns + "circle")))
print("\n".join(texts[1:]))
)");
    for (const char* method : {"pca", "tsne"}) {
      CAPTURE(method);
      const std::string svg = dir.file(std::string(method) + ".svg");
      r = w2v::test::run_w2v("plot map " + shell_quote(dir.file("v.bin")) +
                             " t0w0 t1w0 'a<b&c' -k 5 -q --method " + method + " -o " +
                             shell_quote(svg));
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
      const auto parsed = w2v::test::run_command(
          "/usr/bin/python3 " + shell_quote(dir.file("labels.py")) + " " + shell_quote(svg));
      REQUIRE_MESSAGE(parsed.exit_code == 0, parsed.err);
      const auto lines = w2v::test::lines(parsed.out);
      REQUIRE(lines.size() >= 2);
      const std::size_t circles = std::stoul(lines[0]);
      const std::vector<std::string> labels(lines.begin() + 1, lines.end());
      CHECK(labels.size() == circles);  // one label per dot
      CHECK(circles >= 3 + 5);          // the query words and at least one group's neighbours
      CHECK(circles <= 3 + 3 * 5);
      const std::set<std::string> unique(labels.begin(), labels.end());
      CHECK(unique.size() == labels.size());  // every word once
      for (const char* word : {"t0w0", "t1w0", "a<b&c"}) CHECK(unique.count(word) == 1);
      // The neighbours of each query word are labelled.
      const auto nearest =
          w2v::test::run_w2v("nearest " + shell_quote(dir.file("v.bin")) + " t0w0 -k 5 --tsv");
      REQUIRE(nearest.exit_code == 0);
      for (const auto& line : w2v::test::lines(nearest.out)) {
        const auto fields = w2v::test::split(line, '\t');
        if (fields.size() >= 3 && fields[0] == "t0w0") CHECK(unique.count(fields[2]) == 1);
      }
    }
    // An unknown word, or an output that cannot be written: one error, no file.
    r = w2v::test::run_w2v("plot map " + shell_quote(dir.file("v.bin")) + " nosuchword -o " +
                           shell_quote(dir.file("x.svg")));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not in the vocabulary") != std::string::npos);
    CHECK(!w2v::test::file_exists(dir.file("x.svg")));
    r = w2v::test::run_w2v("plot map " + shell_quote(dir.file("v.bin")) + " t0w0 -o " +
                           shell_quote(dir.file("nodir/x.svg")));
    CHECK(r.exit_code != 0);
    CHECK(r.err.rfind("w2v: error: ", 0) == 0);
  }

  TEST_CASE("plot training draws loss, learning rate and words/s from a metrics file") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), w2v::test::planted_corpus(20000, 4, 6, 8));
    auto r = w2v::test::run_w2v("train " + shell_quote(dir.file("corpus.txt")) + " -o " +
                                shell_quote(dir.file("v.bin")) + " --metrics " +
                                shell_quote(dir.file("m.json")) +
                                " --dim 32 --epochs 4 --min-count 1 --threads 1 -q");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    r = w2v::test::run_w2v("plot training " + shell_quote(dir.file("m.json")) + " -q -o " +
                           shell_quote(dir.file("curve.svg")));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    write_file(dir.file("count.py"), R"(import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
print(len(root.findall(ns + "polyline")), min(len(p.get("points").split()) for p in root.findall(ns + "polyline")))
print("|".join(t.text for t in root.iter(ns + "text")))
)");
    const auto parsed =
        w2v::test::run_command("/usr/bin/python3 " + shell_quote(dir.file("count.py")) + " " +
                               shell_quote(dir.file("curve.svg")));
    REQUIRE_MESSAGE(parsed.exit_code == 0, parsed.err);
    const auto lines = w2v::test::lines(parsed.out);
    REQUIRE(lines.size() == 2);
    const auto counts = w2v::test::split(lines[0], ' ');
    CHECK(counts[0] == "3");           // loss, learning rate, words/s
    CHECK(std::stoi(counts[1]) >= 2);  // each a line, not a dot
    CHECK(lines[1].find("4 epochs") != std::string::npos);
    CHECK(lines[1].find("learning rate") != std::string::npos);
    // Not a metrics file: one error, no picture.
    write_file(dir.file("bad.json"), "{\"command\": \"train\"}");
    r = w2v::test::run_w2v("plot training " + shell_quote(dir.file("bad.json")) + " -o " +
                           shell_quote(dir.file("bad.svg")));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not a w2v metrics file") != std::string::npos);
    write_file(dir.file("broken.json"), "{\"results\": [1,}");
    r = w2v::test::run_w2v("plot training " + shell_quote(dir.file("broken.json")) + " -o " +
                           shell_quote(dir.file("bad.svg")));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("broken.json': byte ") != std::string::npos);
    CHECK(!w2v::test::file_exists(dir.file("bad.svg")));
  }
}
