// learning: end-to-end training on a generated corpus with planted structure. 20 topics
// of 10 words; each sentence draws its words mostly from one topic, the rest from 20
// noise words. Whatever the merge, thread count or update path, the trained vectors must
// put a word's nearest neighbours in its own topic.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test_util.hpp"
#include "thread_ranks.hpp"
#include "w2v/corpus.hpp"
#include "w2v/rng.hpp"
#include "w2v/trainer.hpp"
#include "w2v/vocab.hpp"

namespace {

constexpr int kTopics = 20;
constexpr int kWordsPerTopic = 10;
constexpr int kNoiseWords = 20;
constexpr int kNeighbours = 5;

std::string topic_word(int topic, int k) {
  return "t" + std::to_string(topic) + "_w" + std::to_string(k);
}

struct Planted {
  std::vector<std::vector<std::string>> sentences;
};

Planted make_corpus(int sentences, std::uint64_t seed) {
  w2v::Rng rng(seed);
  Planted p;
  for (int s = 0; s < sentences; ++s) {
    const int topic = static_cast<int>(rng.below(kTopics));
    const int len = 8 + static_cast<int>(rng.below(8));
    std::vector<std::string> words;
    for (int i = 0; i < len; ++i) {
      if (rng.uniform() < 0.1f) {
        words.push_back("noise" + std::to_string(rng.below(kNoiseWords)));
      } else {
        words.push_back(topic_word(topic, static_cast<int>(rng.below(kWordsPerTopic))));
      }
    }
    p.sentences.push_back(std::move(words));
  }
  return p;
}

// The topic of a word, or -1 for noise words.
int topic_of(std::string_view word) {
  if (word[0] != 't') return -1;
  return std::stoi(std::string(word.substr(1, word.find('_') - 1)));
}

struct Outcome {
  double neighbours_in_topic = 0;  // fraction over all topic words' 5 nearest neighbours
  int worst_word = kNeighbours;    // fewest same-topic neighbours of any word
  w2v::TrainStats stats;
  std::int64_t corpus_words = 0;
  double seconds = 0;
};

// The planted corpus of the learning tests, its vocabulary and ids.
struct Encoded {
  w2v::Vocab vocab;
  w2v::EncodedCorpus corpus;
};

Encoded encode_planted() {
  const Planted corpus = make_corpus(8000, 2024);
  std::vector<std::pair<std::string, std::int64_t>> counts;
  {
    std::map<std::string, std::int64_t> c;
    for (const auto& s : corpus.sentences) {
      for (const auto& w : s) ++c[w];
    }
    counts.assign(c.begin(), c.end());
  }
  const w2v::Vocab vocab = w2v::Vocab::from_counts(counts, w2v::VocabOptions{1, 0});
  REQUIRE(vocab.size() == kTopics * kWordsPerTopic + kNoiseWords);
  std::vector<std::vector<std::uint32_t>> ids;
  for (const auto& s : corpus.sentences) {
    std::vector<std::uint32_t> sentence;
    for (const auto& w : s) sentence.push_back(vocab.find(w));
    ids.push_back(std::move(sentence));
  }
  return {vocab, w2v::encode_sentences(ids)};
}

w2v::TrainOptions learning_options(w2v::Merge merge, int threads, bool batch) {
  w2v::TrainOptions options;
  options.dim = 32;
  options.epochs = 5;
  options.threads = threads;
  options.merge = merge;
  options.batch_negatives = batch;
  options.seed = 7;
  return options;
}

// How well `model` puts each topic word's nearest neighbours in its topic.
void score(const w2v::Model& model, const w2v::Vocab& vocab, Outcome& out) {
  REQUIRE(model.words.all_finite());
  const auto scored = w2v::test::neighbours_in_topic(
      model.words, vocab.size(),
      [&](std::size_t i) {
        const int topic = topic_of(vocab.word(static_cast<std::uint32_t>(i)));
        return topic < 0 ? std::string() : std::to_string(topic);
      },
      kNeighbours);
  out.neighbours_in_topic = scored.share;
  out.worst_word = scored.worst;
}

// The model and loss of a run besides skip-gram with negative sampling.
struct Variant {
  w2v::Architecture model = w2v::Architecture::kSkipgram;
  w2v::Loss loss = w2v::Loss::kNegativeSampling;
  int negative = 5;
  double sync_scale = 0.5;  // several ranks: TrainOptions::sync_scale
};

w2v::TrainOptions with_variant(w2v::TrainOptions options, const Variant& v) {
  options.model = v.model;
  options.loss = v.loss;
  options.negative = v.negative;
  options.sync_scale = v.sync_scale;
  if (v.model == w2v::Architecture::kCbow) {
    options.lr = w2v::default_lr(v.model);
    options.cbow_mean = w2v::default_cbow_mean(options.merge);
  }
  return options;
}

std::string variant_name(const Variant& v) {
  return std::string(w2v::architecture_name(v.model)) + " " + w2v::loss_name(v.loss) +
         " negative " + std::to_string(v.negative);
}

Outcome train_and_score(w2v::Merge merge, int threads, bool batch, const Variant& variant) {
  const auto start = std::chrono::steady_clock::now();
  const Encoded planted = encode_planted();
  const w2v::TrainOptions options = with_variant(learning_options(merge, threads, batch), variant);
  w2v::Model model = w2v::make_model(planted.vocab.size(), options);
  Outcome out;
  out.corpus_words = planted.corpus.words;
  out.stats = w2v::train(model, planted.corpus, planted.vocab, options);
  score(model, planted.vocab, out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

void check_learns(w2v::Merge merge, int threads, bool batch, const Variant& variant = {}) {
  const Outcome o = train_and_score(merge, threads, batch, variant);
  CAPTURE(variant_name(variant));
  CAPTURE(o.neighbours_in_topic);
  CAPTURE(o.worst_word);
  CAPTURE(o.stats.final_loss);
  CAPTURE(o.seconds);
  MESSAGE(variant_name(variant) << ", " << std::string(w2v::merge_name(merge)) << ", " << threads
                                << " thread(s), batch_negatives "
                                << std::string(batch ? "on" : "off") << ": "
                                << o.neighbours_in_topic * 100
                                << "% of neighbours in topic (worst word " << o.worst_word
                                << "/5), final loss " << o.stats.final_loss << ", " << o.seconds
                                << " s");
  CHECK(o.neighbours_in_topic >= 0.9);
  CHECK(std::isfinite(o.stats.final_loss));
  CHECK(o.stats.pairs > 0);
  CHECK(o.stats.words == 5 * o.corpus_words);  // every word of every epoch
  if (merge == w2v::Merge::kDot) {
    CHECK(o.stats.scale == 1.0f);  // dot has no scale or bias to learn
    CHECK(o.stats.bias == 0.0f);
  } else {
    CHECK(o.stats.scale != 5.0f);  // cos learns them
  }
}

// Trains on a small planted corpus; the word vectors' bytes.
std::vector<float> train_small(w2v::Merge merge, bool batch, std::uint64_t seed) {
  const Planted corpus = make_corpus(300, 5);
  std::map<std::string, std::int64_t> c;
  for (const auto& s : corpus.sentences) {
    for (const auto& w : s) ++c[w];
  }
  const w2v::Vocab vocab = w2v::Vocab::from_counts({c.begin(), c.end()}, w2v::VocabOptions{1, 0});
  std::vector<std::vector<std::uint32_t>> ids;
  for (const auto& s : corpus.sentences) {
    ids.emplace_back();
    for (const auto& w : s) ids.back().push_back(vocab.find(w));
  }
  w2v::TrainOptions options;
  options.dim = 16;
  options.epochs = 2;
  options.threads = 1;
  options.merge = merge;
  options.batch_negatives = batch;
  options.seed = seed;
  w2v::Model model = w2v::make_model(vocab.size(), options);
  w2v::train(model, w2v::encode_sentences(ids), vocab, options);
  std::vector<float> all;
  for (std::size_t i = 0; i < vocab.size(); ++i) {
    all.insert(all.end(), model.words.row(i), model.words.row(i) + model.words.cols());
  }
  return all;
}

// Trains the planted corpus on `ranks` ranks (threads standing for processes), each on its
// share, one thread each; checks what every rank must agree on and scores rank 0's model.
Outcome train_on_ranks(int ranks, w2v::Merge merge, const Variant& variant = {}) {
  const Encoded planted = encode_planted();
  const w2v::TrainOptions options = with_variant(learning_options(merge, 1, true), variant);
  const auto vocab_size = static_cast<std::uint32_t>(planted.vocab.size());
  const w2v::CorpusView whole = w2v::view_of(planted.corpus, vocab_size);
  std::vector<w2v::Model> models;
  for (int r = 0; r < ranks; ++r) models.push_back(w2v::make_model(vocab_size, options));
  std::vector<w2v::TrainStats> stats(static_cast<std::size_t>(ranks));
  w2v::test::ThreadRanks group(ranks);
  group.run([&](w2v::Communicator& comm) {
    w2v::TrainHooks hooks;
    hooks.ranks = &comm;
    const auto r = static_cast<std::size_t>(comm.rank());
    const w2v::CorpusView share = w2v::share_of(whole, comm.rank(), ranks);
    stats[r] = w2v::train(models[r], share, planted.vocab, options, hooks);
  });
  Outcome out;
  out.corpus_words = planted.corpus.words;
  out.stats = stats[0];
  for (int r = 1; r < ranks; ++r) {
    CAPTURE(r);
    // The last sync averaged every row: the ranks hold the same model, up to rounding.
    float worst = 0;
    for (std::size_t i = 0; i < vocab_size; ++i) {
      for (std::size_t d = 0; d < models[0].words.cols(); ++d) {
        worst = std::max(worst, std::abs(models[0].words.row(i)[d] - models[r].words.row(i)[d]));
        worst =
            std::max(worst, std::abs(models[0].contexts.row(i)[d] - models[r].contexts.row(i)[d]));
        if (models[0].nodes.rows() > 0) {
          worst = std::max(worst, std::abs(models[0].nodes.row(i)[d] - models[r].nodes.row(i)[d]));
        }
      }
    }
    CHECK(worst < 1e-5f);
    CHECK(stats[r].words == stats[0].words);
    CHECK(stats[r].scale == doctest::Approx(stats[0].scale));
  }
  score(models[0], planted.vocab, out);
  return out;
}

}  // namespace

TEST_SUITE("learning") {
  TEST_CASE("2 and 3 ranks, each training its share: planted topics learned, one model") {
    for (const int ranks : {2, 3}) {
      for (const auto merge : {w2v::Merge::kCos, w2v::Merge::kDot}) {
        CAPTURE(ranks);
        CAPTURE(std::string(w2v::merge_name(merge)));
        const Outcome o = train_on_ranks(ranks, merge);
        MESSAGE(ranks << " ranks, " << std::string(w2v::merge_name(merge)) << ": "
                      << o.neighbours_in_topic * 100 << "% of neighbours in topic (worst word "
                      << o.worst_word << "/5)");
        CHECK(o.neighbours_in_topic >= 0.9);
        CHECK(o.stats.ranks == ranks);
        CHECK(o.stats.words == 5 * o.corpus_words);  // every rank's words of every epoch
        CHECK(o.stats.syncs > 0);
        CHECK(o.stats.sync_bytes > 0);
      }
    }
  }

  TEST_CASE("3 ranks averaging their rows (--sync-scale 0): planted topics learned") {
    // The default keeps half of the summed changes (the case above). Summing them all (1)
    // is no test: with cos it kept 45 to 62 % in topic (three ranks' steps on the same rows,
    // each sized for one process, add up past the norm cap and the learned scale), with dot
    // 87 to 100 %, depending on how the syncs fall.
    for (const auto merge : {w2v::Merge::kCos, w2v::Merge::kDot}) {
      Variant v;
      v.sync_scale = 0;
      const Outcome o = train_on_ranks(3, merge, v);
      MESSAGE("3 ranks averaging, " << std::string(w2v::merge_name(merge)) << ": "
                                    << o.neighbours_in_topic * 100 << "% of neighbours in topic");
      CHECK(o.neighbours_in_topic >= 0.9);
    }
  }

  TEST_CASE("2 ranks, CBOW with hierarchical softmax: the node rows are averaged too") {
    const Variant cbow_hs{w2v::Architecture::kCbow, w2v::Loss::kHierarchicalSoftmax, 0};
    const Outcome o = train_on_ranks(2, w2v::Merge::kCos, cbow_hs);
    CHECK(o.neighbours_in_topic >= 0.9);
    CHECK(o.stats.words == 5 * o.corpus_words);
  }

  TEST_CASE("one thread: the vectors are a function of the corpus and the seed") {
    for (const auto merge : {w2v::Merge::kCos, w2v::Merge::kDot}) {
      for (const bool batch : {true, false}) {
        const auto a = train_small(merge, batch, 3);
        const auto b = train_small(merge, batch, 3);
        const auto c = train_small(merge, batch, 4);
        REQUIRE(a.size() == b.size());
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
        CHECK(a != c);
      }
    }
  }

  TEST_CASE("cos merge, 1 thread, batch_negatives on") { check_learns(w2v::Merge::kCos, 1, true); }
  TEST_CASE("cos merge, 2 threads, batch_negatives on") { check_learns(w2v::Merge::kCos, 2, true); }
  TEST_CASE("cos merge, 1 thread, batch_negatives off") {
    check_learns(w2v::Merge::kCos, 1, false);
  }
  TEST_CASE("cos merge, 2 threads, batch_negatives off") {
    check_learns(w2v::Merge::kCos, 2, false);
  }
  TEST_CASE("dot merge, 1 thread, batch_negatives on") { check_learns(w2v::Merge::kDot, 1, true); }
  TEST_CASE("dot merge, 2 threads, batch_negatives on") { check_learns(w2v::Merge::kDot, 2, true); }
  TEST_CASE("dot merge, 1 thread, batch_negatives off") {
    check_learns(w2v::Merge::kDot, 1, false);
  }
  TEST_CASE("dot merge, 2 threads, batch_negatives off") {
    check_learns(w2v::Merge::kDot, 2, false);
  }

  // CBOW and hierarchical softmax, each merge, 2 threads.
  TEST_CASE("cbow with negative sampling, cos and dot") {
    for (const auto merge : {w2v::Merge::kCos, w2v::Merge::kDot}) {
      check_learns(merge, 2, true, {w2v::Architecture::kCbow, w2v::Loss::kNegativeSampling, 5});
    }
  }
  TEST_CASE("cbow summing the context vectors") {
    // --cbow-mean off: the sum's larger steps want a smaller rate, as in word2vec.c.
    const Encoded planted = encode_planted();
    w2v::TrainOptions options =
        with_variant(learning_options(w2v::Merge::kDot, 2, true), {w2v::Architecture::kCbow});
    options.cbow_mean = false;
    options.lr = 0.01;
    w2v::Model model = w2v::make_model(planted.vocab.size(), options);
    w2v::train(model, planted.corpus, planted.vocab, options);
    Outcome out;
    score(model, planted.vocab, out);
    CHECK(out.neighbours_in_topic >= 0.9);
  }
  TEST_CASE("hierarchical softmax alone, skipgram and cbow, cos and dot") {
    for (const auto model : {w2v::Architecture::kSkipgram, w2v::Architecture::kCbow}) {
      for (const auto merge : {w2v::Merge::kCos, w2v::Merge::kDot}) {
        check_learns(merge, 2, true, {model, w2v::Loss::kHierarchicalSoftmax, 0});
      }
    }
  }
  TEST_CASE("hierarchical softmax and negative sampling at once, one pair at a time") {
    check_learns(w2v::Merge::kCos, 2, false,
                 {w2v::Architecture::kSkipgram, w2v::Loss::kHierarchicalSoftmax, 3});
    check_learns(w2v::Merge::kDot, 1, true,
                 {w2v::Architecture::kCbow, w2v::Loss::kHierarchicalSoftmax, 3});
  }
}
