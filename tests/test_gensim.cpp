// w2v against gensim (/usr/bin/python3) on the same files. These tests fail, not skip,
// when gensim is missing: they are the proof that eval's numbers are gensim's.
#include <doctest/doctest.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/rng.hpp"
#include "w2v/vectors.hpp"

namespace w2v {
namespace {

using test::TempDir;

const std::string kQuestions = W2V_SOURCE_DIR "/data/eval/questions-words.txt";
const std::string kPairs = W2V_SOURCE_DIR "/data/eval/EN-WS-353-ALL.txt";
constexpr int kRestrict = 700;

// Prints one JSON object: gensim's analogy counts per section and word-pair scores for
// argv[1]; also saves gensim's own text and binary copies and checks it reads argv[4]
// (our text copy) as the same vectors.
const char* const kScript = R"PY(
import json, sys, logging
logging.disable(logging.CRITICAL)
import numpy as np
from gensim.models import KeyedVectors
path, questions, pairs, ours_text, out_text, out_bin, restrict = sys.argv[1:8]
kv = KeyedVectors.load_word2vec_format(path, binary=True)
score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=int(restrict))
result = {"sections": [{"name": s["section"], "correct": len(s["correct"]),
                        "seen": len(s["correct"]) + len(s["incorrect"])} for s in sections]}
pearson, spearman, oov = kv.evaluate_word_pairs(pairs, restrict_vocab=len(kv))
result["spearman"] = float(spearman[0])
result["oov_percent"] = float(oov)
kv.save_word2vec_format(out_text, binary=False)
kv.save_word2vec_format(out_bin, binary=True)
text = KeyedVectors.load_word2vec_format(ours_text, binary=False)
result["same_words"] = text.index_to_key == kv.index_to_key
result["max_difference"] = float(np.abs(text.vectors - kv.vectors).max())
result["words"] = len(kv)
# most_similar's answers and float32 scores: b - a + c for questions across the file, and
# single words.
restrict = int(restrict)
def top5(positive, negative=()):
    sims = kv.most_similar(positive=list(positive), negative=list(negative), topn=5,
                           restrict_vocab=restrict)
    return {"words": [w for w, _ in sims], "scores": [float(s) for _, s in sims]}
analogies = []
with open(questions) as f:
    lines = [l.lower().split() for l in f if not l.startswith(":")]
for w in lines[::37]:
    if len(w) == 4 and all(x in kv.key_to_index for x in w[:3]):
        analogies.append(dict(top5([w[1], w[2]], [w[0]]), query=w[:3]))
result["analogy_tops"] = analogies
result["nearest_tops"] = [dict(top5([w]), query=[w]) for w in kv.index_to_key[:300:3]]
print(json.dumps(result))
)PY";

// Sentences that tie each analogy pair (a, b) of a section by a relation word, so that the
// trained vectors get some of the questions right and some wrong; a few words also come
// capitalized, so the file holds case variants (gensim keeps the first of each).
std::string generated_corpus() {
  const std::string questions = test::read_file(kQuestions);
  REQUIRE_MESSAGE(!questions.empty(),
                  "cannot read " << kQuestions << " (the eval sets belong beside the checkout)");
  std::vector<std::vector<std::pair<std::string, std::string>>> sections;
  for (const std::string& line : test::lines(questions)) {
    if (line.rfind(":", 0) == 0) {
      sections.emplace_back();
      continue;
    }
    const auto w = test::split(line, ' ');
    if (w.size() < 4 || sections.empty()) continue;
    auto lower = [](std::string s) {
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    sections.back().emplace_back(lower(w[0]), lower(w[1]));
    sections.back().emplace_back(lower(w[2]), lower(w[3]));
  }
  const std::string ws = test::read_file(kPairs);
  // Words of the first 300 pairs only, so that some of the 353 pairs have unknown words.
  std::vector<std::string> ws_words;
  for (const std::string& line : test::lines(ws)) {
    const auto w = test::split(line, '\t');
    if (w.size() == 3 && ws_words.size() < 600) {
      ws_words.push_back(w[0]);
      ws_words.push_back(w[1]);
    }
  }
  Rng rng(31, 0);
  std::string corpus;
  for (int n = 0; n < 24000; ++n) {
    const auto& section = sections[rng.below(static_cast<std::uint32_t>(sections.size()))];
    const auto& pair = section[rng.below(static_cast<std::uint32_t>(section.size()))];
    const std::string relation = "rel" + std::to_string(&section - &sections[0]);
    std::string a = pair.first;
    if (rng.below(20) == 0)
      a[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(a[0])));
    const std::string& filler = ws_words[rng.below(static_cast<std::uint32_t>(ws_words.size()))];
    const std::string& other = ws_words[rng.below(static_cast<std::uint32_t>(ws_words.size()))];
    corpus += a + " " + relation + " " + pair.second + " " + filler + " " + other + "\n";
  }
  return corpus;
}

}  // namespace

TEST_SUITE("gensim") {
  TEST_CASE("eval gives gensim's analogy counts and Spearman, and files cross over both ways") {
    TempDir dir;
    test::write_file(dir / "corpus.txt", generated_corpus());
    REQUIRE(
        test::run_w2v("train " + dir / "corpus.txt" + " -o " + dir / "v.bin" +
                      " --dim 24 --epochs 3 --window 2 --min-count 2 --merge dot --threads 1 -q")
            .exit_code == 0);
    REQUIRE(test::run_w2v("convert -q " + dir / "v.bin" + " " + dir / "v.txt").exit_code == 0);
    test::write_file(dir / "script.py", kScript);
    const auto py = test::run_command(
        "/usr/bin/python3 " + dir / "script.py" + " " + dir / "v.bin" + " " +
        test::shell_quote(kQuestions) + " " + test::shell_quote(kPairs) + " " + dir / "v.txt" +
        " " + dir / "g.txt" + " " + dir / "g.bin" + " " + std::to_string(kRestrict));
    REQUIRE_MESSAGE(py.exit_code == 0, "gensim (/usr/bin/python3) failed: " << py.err);
    const test::Json g = test::JsonParser::parse(py.out);

    const auto r =
        test::run_w2v("eval " + dir / "v.bin" + " --json --restrict " + std::to_string(kRestrict) +
                      " --analogies " + test::shell_quote(kQuestions) + " --similarity " +
                      test::shell_quote(kPairs));
    REQUIRE(r.exit_code == 0);
    const test::Json w = test::JsonParser::parse(r.out);

    // (Plain blocks, not SUBCASEs: those would train and run gensim again for each.)
    {  // analogies: the same correct and seen counts, section by section
      const auto& ours = w["analogies"]["sections"].array;
      const auto& theirs = g["sections"].array;
      // gensim appends a "Total accuracy" section.
      REQUIRE(ours.size() + 1 == theirs.size());
      CHECK(theirs.back()["name"].string == "Total accuracy");
      double correct = 0, seen = 0;
      for (std::size_t i = 0; i < ours.size(); ++i) {
        CAPTURE(theirs[i]["name"].string);
        CHECK(ours[i]["name"].string == theirs[i]["name"].string);
        CHECK(ours[i]["correct"].number == theirs[i]["correct"].number);
        CHECK(ours[i]["seen"].number == theirs[i]["seen"].number);
        correct += theirs[i]["correct"].number;
        seen += theirs[i]["seen"].number;
      }
      CHECK(w["analogies"]["total"]["correct"].number == correct);
      CHECK(w["analogies"]["total"]["seen"].number == seen);
      CHECK(theirs.back()["correct"].number == correct);
      CHECK(theirs.back()["seen"].number == seen);
      CHECK(w["analogies"]["total"]["total"].number == 19544);
      // A meaningful comparison: some answers right, some wrong, some questions skipped.
      CHECK(correct > 50);
      CHECK(correct < seen);
      CHECK(seen < 19544);
    }
    {  // analogy and nearest: gensim's words and float32 scores to the last bit, so that
       // near ties go the same way
      auto check_tops = [](const test::Json& theirs, const std::string& output) {
        const auto lines = test::lines(output);
        REQUIRE(lines.size() == theirs.array.size());
        int compared = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const test::Json ours = test::JsonParser::parse(lines[i]);
          const test::Json& g = theirs[i];
          CAPTURE(ours["query"].string);
          REQUIRE(ours["results"].array.size() == g["words"].array.size());
          const std::size_t n = g["words"].array.size();
          for (std::size_t j = 0; j < n; ++j) {
            CAPTURE(j);
            CAPTURE(ours["results"][j]["similarity"].number);
            CAPTURE(g["scores"][j].number);
            const auto score = static_cast<float>(g["scores"][j].number);
            CHECK(static_cast<float>(ours["results"][j]["similarity"].number) == score);
            // Equal scores come in numpy's argpartition order, lower rows first here: the
            // words may differ only in a tie (with the next row, not shown, for the last).
            bool tie = j + 1 == n;
            for (std::size_t t = 0; t < n; ++t) {
              tie = tie || (t != j && static_cast<float>(g["scores"][t].number) == score);
            }
            if (!tie) CHECK(ours["results"][j]["word"].string == g["words"][j].string);
            ++compared;
          }
        }
        return compared;
      };
      const test::Json& analogies = g["analogy_tops"];
      std::string questions, expressions;
      for (const test::Json& q : analogies.array) {
        const std::string a = q["query"][0].string, b = q["query"][1].string,
                          c = q["query"][2].string;
        questions += a + " " + b + " " + c + "\n";
        expressions += b + " -" + a + " +" + c + "\n";  // gensim sums b and c, then -a
      }
      const std::string restrict = " --restrict " + std::to_string(kRestrict);
      const auto a =
          test::run_w2v("analogy " + dir / "v.bin" + restrict + " -k 5 --json", questions);
      REQUIRE(a.exit_code == 0);
      CHECK(check_tops(analogies, a.out) > 500);
      const auto e =
          test::run_w2v("nearest " + dir / "v.bin" + restrict + " -k 5 --json", expressions);
      REQUIRE(e.exit_code == 0);
      check_tops(analogies, e.out);
      std::string words;
      for (const test::Json& q : g["nearest_tops"].array) words += q["query"][0].string + "\n";
      const auto n = test::run_w2v("nearest " + dir / "v.bin" + restrict + " -k 5 --json", words);
      REQUIRE(n.exit_code == 0);
      CHECK(check_tops(g["nearest_tops"], n.out) == 500);
    }
    {  // word pairs: the same Spearman to 3 decimals, the same share skipped
      const test::Json& s = w["similarity"][0];
      CHECK(std::round(s["spearman"].number * 1000) == std::round(g["spearman"].number * 1000));
      CHECK(std::fabs(s["spearman"].number - g["spearman"].number) < 5e-4);
      CHECK(s["skipped_share"].number * 100 == doctest::Approx(g["oov_percent"].number));
      CHECK(s["used"].number > 10);
      CHECK(s["used"].number < 353);
    }
    {  // gensim's text and binary files, ours and a hand-written one: the same vectors
      CHECK(g["same_words"].boolean);
      CHECK(g["max_difference"].number == 0);
      const WordVectors ours = load_vectors(dir / "v.bin");
      CHECK(ours.size() == static_cast<std::size_t>(g["words"].number));
      // word2vec.c's text layout: %.9g values (exact for floats), a space before the newline.
      std::string hand = std::to_string(ours.size()) + " " + std::to_string(ours.dim()) + "\n";
      char number[32];
      for (std::uint32_t i = 0; i < ours.size(); ++i) {
        hand += std::string(ours.words.word(i)) + " ";
        for (std::size_t d = 0; d < ours.dim(); ++d) {
          std::snprintf(number, sizeof number, "%.9g ", ours.vectors.row(i)[d]);
          hand += number;
        }
        hand += "\n";
      }
      test::write_file(dir / "hand.txt", hand);
      for (const char* name : {"g.txt", "g.bin", "v.txt", "hand.txt"}) {
        CAPTURE(name);
        const WordVectors other = load_vectors(dir / name);
        REQUIRE(other.size() == ours.size());
        CHECK(other.format ==
              (std::strcmp(name, "g.bin") == 0 ? VectorFormat::kBinary : VectorFormat::kText));
        bool same = true;
        for (std::uint32_t i = 0; i < ours.size(); ++i) {
          same = same && other.words.word(i) == ours.words.word(i) &&
                 std::memcmp(other.vectors.row(i), ours.vectors.row(i),
                             ours.dim() * sizeof(float)) == 0;
        }
        CHECK(same);
      }
    }
  }
}

}  // namespace w2v
