// pairs: the skip-gram pair blocks PairGenerator hands to training and to `w2v pairs`.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "w2v/alias_sampler.hpp"
#include "w2v/pairs.hpp"
#include "w2v/rng.hpp"
#include "w2v/subsampler.hpp"
#include "w2v/train_options.hpp"

namespace {

using w2v::InputSide;

struct Block {
  std::vector<std::uint32_t> in, out;
  int positives;
  bool operator==(const Block& o) const {
    return in == o.in && out == o.out && positives == o.positives;
  }
};

struct Setup {
  std::vector<std::int64_t> counts;
  w2v::Subsampler subsampler;
  w2v::AliasSampler noise;
  Setup(std::vector<std::int64_t> c, double sample)
      : counts(c), subsampler(counts, sample), noise(counts, 0.75) {}
};

// 40 words of similar counts: noise draws hit the observed word rarely, and never eight
// times in a row in these tests, so every requested noise word is delivered.
std::vector<std::int64_t> flat_counts() {
  std::vector<std::int64_t> c;
  for (int i = 0; i < 40; ++i) c.push_back(100 + 7 * i);
  return c;
}

w2v::TrainOptions options(int window, int negative, bool batch, InputSide side) {
  w2v::TrainOptions o;
  o.window = window;
  o.negative = negative;
  o.batch_negatives = batch;
  o.input_side = side;
  return o;
}

// The blocks of each sentence, from one generator fed the sentences in turn.
std::vector<std::vector<Block>> generate_per_sentence(
    const Setup& s, const w2v::TrainOptions& o, std::uint64_t seed,
    const std::vector<std::vector<std::uint32_t>>& sentences) {
  w2v::PairGenerator gen(s.subsampler, s.noise, o, w2v::Rng(seed, 0));
  std::vector<std::vector<Block>> result;
  for (const auto& sentence : sentences) {
    std::vector<Block> blocks;
    gen.sentence(sentence.data(), sentence.size(), [&](const w2v::PairBlock& b) {
      REQUIRE(b.m >= 1);
      REQUIRE(b.n >= b.positives);
      blocks.push_back(Block{std::vector<std::uint32_t>(b.in, b.in + b.m),
                             std::vector<std::uint32_t>(b.out, b.out + b.n), b.positives});
    });
    result.push_back(std::move(blocks));
  }
  return result;
}

std::vector<Block> generate(const Setup& s, const w2v::TrainOptions& o, std::uint64_t seed,
                            const std::vector<std::vector<std::uint32_t>>& sentences) {
  std::vector<Block> all;
  for (auto& blocks : generate_per_sentence(s, o, seed, sentences)) {
    all.insert(all.end(), blocks.begin(), blocks.end());
  }
  return all;
}

// Sentences of distinct ids (a random selection of the vocabulary), so that an id names
// its position.
std::vector<std::vector<std::uint32_t>> distinct_sentences(int count, std::uint64_t seed) {
  w2v::Rng rng(seed);
  std::vector<std::vector<std::uint32_t>> sentences;
  for (int s = 0; s < count; ++s) {
    std::vector<std::uint32_t> ids(40);
    for (std::uint32_t i = 0; i < 40; ++i) ids[i] = i;
    for (std::size_t i = ids.size() - 1; i > 0; --i) {
      std::swap(ids[i], ids[rng.below(static_cast<std::uint32_t>(i + 1))]);
    }
    ids.resize(1 + rng.below(30));
    sentences.push_back(ids);
  }
  return sentences;
}

// Checks that the contexts of the centre at `center` are exactly the words within b
// positions of it, for some b in 1..window (clipped at the sentence's ends).
void check_window(const std::vector<std::uint32_t>& sentence, std::size_t center,
                  std::vector<std::uint32_t> contexts, int window) {
  std::sort(contexts.begin(), contexts.end());
  bool some_b = false;
  for (int b = 1; b <= window && !some_b; ++b) {
    std::vector<std::uint32_t> expected;
    for (std::size_t p = 0; p < sentence.size(); ++p) {
      const auto dist = p > center ? p - center : center - p;
      if (p != center && dist <= static_cast<std::size_t>(b)) expected.push_back(sentence[p]);
    }
    std::sort(expected.begin(), expected.end());
    some_b = expected == contexts;
  }
  CHECK_MESSAGE(some_b, "contexts of position " << center << " are not a window");
}

// Groups the blocks into (centre, contexts, noise-per-observed) per centre, whatever the
// mode, and checks each block's shape on the way.
struct CenterPairs {
  std::uint32_t center;
  std::vector<std::uint32_t> contexts;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> noise;  // observed, noise
};

std::vector<CenterPairs> group(const std::vector<Block>& blocks, int negative, bool batch,
                               InputSide side) {
  std::vector<CenterPairs> groups;
  for (const Block& b : blocks) {
    if (batch && side == InputSide::kContext) {
      // All context words of one centre against the centre and shared noise words.
      CHECK(b.positives == 1);
      CHECK(b.out.size() == static_cast<std::size_t>(1 + negative));
      groups.push_back({b.out[0], b.in, {{b.out[0], {b.out.begin() + 1, b.out.end()}}}});
    } else if (batch) {
      // The centre against its context words, each with its own noise words after them.
      CHECK(b.in.size() == 1);
      CHECK(b.out.size() == static_cast<std::size_t>(b.positives * (1 + negative)));
      CenterPairs g{b.in[0], {b.out.begin(), b.out.begin() + b.positives}, {}};
      for (int p = 0; p < b.positives; ++p) {
        const auto first = b.out.begin() + b.positives + p * negative;
        g.noise.push_back({b.out[p], {first, first + negative}});
      }
      groups.push_back(g);
    } else {
      // One observed pair and its noise words per block.
      CHECK(b.in.size() == 1);
      CHECK(b.positives == 1);
      CHECK(b.out.size() == static_cast<std::size_t>(1 + negative));
      const std::uint32_t center = side == InputSide::kContext ? b.out[0] : b.in[0];
      const std::uint32_t context = side == InputSide::kContext ? b.in[0] : b.out[0];
      if (groups.empty() || groups.back().center != center) groups.push_back({center, {}, {}});
      groups.back().contexts.push_back(context);
      groups.back().noise.push_back({b.out[0], {b.out.begin() + 1, b.out.end()}});
    }
  }
  return groups;
}

}  // namespace

TEST_SUITE("pairs") {
  TEST_CASE("every mode: windows, noise words and block shapes") {
    const Setup setup(flat_counts(), 0.0);  // sample 0: every word is kept
    const auto sentences = distinct_sentences(300, 3);
    for (const bool batch : {true, false}) {
      for (const InputSide side : {InputSide::kContext, InputSide::kCenter}) {
        for (const int window : {1, 2, 5}) {
          for (const int negative : {0, 1, 5}) {
            CAPTURE(batch);
            CAPTURE(w2v::input_side_name(side));
            CAPTURE(window);
            CAPTURE(negative);
            const auto per_sentence =
                generate_per_sentence(setup, options(window, negative, batch, side), 11, sentences);
            REQUIRE(per_sentence.size() == sentences.size());
            // Every position of every sentence of two or more words is a centre once, in
            // order; the contexts of each are a window around it.
            std::int64_t noise_words = 0, observed = 0;
            for (std::size_t s = 0; s < sentences.size(); ++s) {
              const auto& sentence = sentences[s];
              const auto groups = group(per_sentence[s], negative, batch, side);
              CHECK(groups.size() == (sentence.size() < 2 ? 0 : sentence.size()));
              if (groups.size() != (sentence.size() < 2 ? 0 : sentence.size())) continue;
              for (std::size_t c = 0; c < groups.size(); ++c) {
                const CenterPairs& pairs = groups[c];
                REQUIRE(pairs.center == sentence[c]);
                check_window(sentence, c, pairs.contexts, window);
                for (const auto& [obs, noise] : pairs.noise) {
                  CHECK(noise.size() == static_cast<std::size_t>(negative));
                  for (const auto w : noise) {
                    CHECK(w != obs);  // a noise word is never the observed word
                    CHECK(w < setup.counts.size());
                  }
                  noise_words += static_cast<std::int64_t>(noise.size());
                  ++observed;
                }
              }
            }
            // Noise words per observed pair: one set per context word, except in the
            // HogBatch layout where the window's words share the centre's set.
            CHECK(noise_words == negative * observed);
          }
        }
      }
    }
  }

  TEST_CASE("the observed word of each noise set is the one the noise replaces") {
    // context side: noise replaces the centre; center side: noise replaces the context.
    const Setup setup(flat_counts(), 0.0);
    const auto sentences = distinct_sentences(50, 8);
    for (const bool batch : {true, false}) {
      for (const InputSide side : {InputSide::kContext, InputSide::kCenter}) {
        for (const auto& blocks :
             generate_per_sentence(setup, options(3, 4, batch, side), 5, sentences)) {
          for (const auto& g : group(blocks, 4, batch, side)) {
            for (const auto& [obs, noise] : g.noise) {
              if (side == InputSide::kContext) {
                CHECK(obs == g.center);
              } else {
                CHECK(std::find(g.contexts.begin(), g.contexts.end(), obs) != g.contexts.end());
              }
            }
          }
        }
      }
    }
  }

  TEST_CASE("short sentences: nothing from one word, one pair each way from two") {
    const Setup setup(flat_counts(), 0.0);
    for (const bool batch : {true, false}) {
      for (const InputSide side : {InputSide::kContext, InputSide::kCenter}) {
        const auto o = options(5, 2, batch, side);
        CHECK(generate(setup, o, 1, {{7}}).empty());
        CHECK(generate(setup, o, 1, {{}}).empty());
        const auto blocks = generate(setup, o, 1, {{7, 9}});
        REQUIRE(blocks.size() == 2);
        CHECK(blocks[0].in.size() == 1);
        CHECK(blocks[1].in.size() == 1);
        // in -> out[0]: context side predicts the centre from the context.
        const std::uint32_t first_center =
            side == InputSide::kContext ? blocks[0].out[0] : blocks[0].in[0];
        CHECK(first_center == 7);
        const std::uint32_t first_context =
            side == InputSide::kContext ? blocks[0].in[0] : blocks[0].out[0];
        CHECK(first_context == 9);
      }
    }
  }

  TEST_CASE("the same seed gives the same pairs, another seed does not") {
    const Setup setup(flat_counts(), 1e-2);
    const auto sentences = distinct_sentences(100, 4);
    for (const bool batch : {true, false}) {
      for (const InputSide side : {InputSide::kContext, InputSide::kCenter}) {
        const auto o = options(4, 5, batch, side);
        const auto a = generate(setup, o, 77, sentences);
        const auto b = generate(setup, o, 77, sentences);
        const auto c = generate(setup, o, 78, sentences);
        REQUIRE(!a.empty());
        CHECK(a == b);
        CHECK_FALSE(a == c);
      }
    }
  }

  TEST_CASE("subsampling drops a frequent word at its keep rate") {
    // Word 0 is a million times as frequent as the rest put together allows: keep
    // probability ~0.033 at sample 1e-3; the others are always kept.
    std::vector<std::int64_t> counts = {1000000};
    for (int i = 1; i < 30; ++i) counts.push_back(1000);
    const Setup setup(counts, 1e-3);
    std::int64_t total = 0;
    for (const auto c : counts) total += c;
    const double p0 = w2v::Subsampler::keep_probability(counts[0], total, 1e-3);
    REQUIRE(p0 < 0.05);
    REQUIRE(w2v::Subsampler::keep_probability(counts[1], total, 1e-3) == 1.0);

    std::vector<std::vector<std::uint32_t>> sentences;
    w2v::Rng rng(6);
    for (int s = 0; s < 2000; ++s) {
      std::vector<std::uint32_t> ids;
      for (int i = 0; i < 25; ++i) {
        ids.push_back(0);
        ids.push_back(1 + rng.below(29));
      }
      sentences.push_back(ids);
    }
    const auto groups =
        group(generate(setup, options(3, 0, true, InputSide::kCenter), 9, sentences), 0, true,
              InputSide::kCenter);
    std::int64_t centers0 = 0, centers_other = 0;
    for (const auto& g : groups) (g.center == 0 ? centers0 : centers_other) += 1;
    const double n = 2000.0 * 25;
    CHECK(centers_other == static_cast<std::int64_t>(n));  // every rare word is kept
    const double sigma = std::sqrt(n * p0 * (1 - p0));
    CHECK(std::fabs(static_cast<double>(centers0) - n * p0) <= 5 * sigma);
  }

  TEST_CASE("noise words follow counts^0.75") {
    // Two groups of words whose counts differ 16-fold: noise draws should differ 8-fold.
    std::vector<std::int64_t> counts;
    for (int i = 0; i < 20; ++i) counts.push_back(i < 10 ? 1600 : 100);
    const Setup setup(counts, 0.0);
    std::vector<std::vector<std::uint32_t>> sentences;
    for (int s = 0; s < 500; ++s) sentences.push_back({0, 10, 0, 10, 0, 10, 0, 10});
    std::int64_t frequent = 0, rare = 0;
    for (const auto& b : generate(setup, options(2, 5, false, InputSide::kCenter), 3, sentences)) {
      for (std::size_t j = 1; j < b.out.size(); ++j) {
        if (b.out[j] == 0 || b.out[j] == 10) continue;  // the observed words are excluded
        (b.out[j] < 10 ? frequent : rare) += 1;
      }
    }
    REQUIRE(rare > 1000);
    const double ratio = static_cast<double>(frequent) / static_cast<double>(rare);
    // 9 frequent words at 1600^0.75 against 9 rare ones at 100^0.75: a ratio of 8.
    CHECK(ratio == doctest::Approx(8.0).epsilon(0.1));
  }
}
