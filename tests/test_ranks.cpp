// ranks: what a job of several ranks shares (threads stand for the processes, see
// thread_ranks.hpp): errors agreed on by every rank, each rank reading its share of the
// inputs (line ranges of plain files, blocks of gzip files, id ranges of a token cache),
// the vocabulary and ids of the whole corpus on every rank, and how a sync combines rows.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"
#include "thread_ranks.hpp"
#include "w2v/corpus.hpp"
#include "w2v/corpus_source.hpp"
#include "w2v/error.hpp"
#include "w2v/input.hpp"
#include "w2v/model_sync.hpp"
#include "w2v/output_file.hpp"

namespace {

using w2v::test::TempDir;
using w2v::test::ThreadRanks;
using w2v::test::write_file;

// Lines of every shape a split must handle: empty ones, long ones, a last one without a
// newline.
std::string awkward_text() {
  std::string t;
  std::uint64_t x = 99;
  for (int line = 0; line < 300; ++line) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const int words = static_cast<int>((x >> 40) % 12);  // 0: an empty line
    for (int i = 0; i < words; ++i) {
      if (i > 0) t += ' ';
      t += "w" + std::to_string((x >> (i + 3)) % 50);
      if (line % 37 == 0) t += std::string(200, 'x');  // longer than a small block
    }
    t += '\n';
  }
  return t + "last line without newline";
}

// What a reader of `lines` hands out, concatenated.
std::string read_range(const std::string& path, w2v::LineRange lines, std::size_t block) {
  w2v::InputReader reader(path, block, nullptr, lines);
  std::string text;
  w2v::TextBlock b;
  while (reader.next(b)) text += b.text.view();
  return text;
}

// Each rank's error, the same on every rank: what agree_on_errors throws, as text.
std::vector<std::string> agreed(int ranks, const std::function<void(int)>& step) {
  ThreadRanks group(ranks);
  std::vector<std::string> got(static_cast<std::size_t>(ranks));
  group.run([&](w2v::Communicator& comm) {
    std::string& mine = got[static_cast<std::size_t>(comm.rank())];
    try {
      w2v::run_on_every_rank(comm, [&] { step(comm.rank()); });
      mine = "ok";
    } catch (const w2v::Interrupted&) {
      mine = "interrupted";
    } catch (const w2v::UsageError& e) {
      mine = std::string("usage: ") + e.what();
    } catch (const w2v::Error& e) {
      mine = std::string("error: ") + e.what();
    }
  });
  return got;
}

std::map<std::string, std::int64_t> counts_of(const w2v::StringTable& table) {
  std::map<std::string, std::int64_t> counts;
  for (std::uint32_t i = 0; i < table.size(); ++i) {
    counts[std::string(table.word(i))] += table.count(i);
  }
  return counts;
}

// prepare_corpus on `ranks` ranks: each rank's result.
std::vector<w2v::PreparedCorpus> prepare_on_ranks(const w2v::CorpusOptions& options, int ranks) {
  std::vector<w2v::PreparedCorpus> prepared(static_cast<std::size_t>(ranks));
  ThreadRanks group(ranks);
  group.run([&](w2v::Communicator& comm) {
    prepared[static_cast<std::size_t>(comm.rank())] =
        w2v::prepare_corpus(options, 1, nullptr, &comm);
  });
  return prepared;
}

// The ids of a view's sentences as words, in order.
std::vector<std::string> words_in(const w2v::CorpusView& view, const w2v::Vocab& vocab) {
  std::vector<std::string> words;
  for (const w2v::IdSpan& block : view.blocks) {
    for (std::size_t i = 0; i < block.size; ++i) {
      const std::uint32_t id = view.map(block.data[i]);
      if (id < view.vocab_size) words.emplace_back(vocab.word(id));
    }
  }
  return words;
}

}  // namespace

TEST_SUITE("ranks") {
  TEST_CASE("every rank throws the lowest failing rank's error, of its kind") {
    CHECK(agreed(3, [](int) {}) == std::vector<std::string>(3, "ok"));
    CHECK(agreed(3, [](int r) {
            if (r >= 1) throw w2v::Error("cannot open 'c.txt' " + std::to_string(r));
          }) == std::vector<std::string>(3, "error: rank 1: cannot open 'c.txt' 1"));
    CHECK(agreed(2, [](int r) {
            if (r == 1) throw w2v::UsageError("bad");
          }) == std::vector<std::string>(2, "usage: rank 1: bad"));
    CHECK(agreed(2, [](int r) {
            if (r == 0) throw w2v::Interrupted();
          }) == std::vector<std::string>(2, "interrupted"));
    // A rank stopped by another yields to that other's own error.
    CHECK(agreed(3, [](int r) {
            if (r == 0) throw w2v::RankStopped("rank 2 failed while training");
            if (r == 2) throw w2v::Error("disk full");
          }) == std::vector<std::string>(3, "error: rank 2: disk full"));
    CHECK(agreed(2, [](int r) {
            if (r == 0) throw w2v::RankStopped("rank 1 failed while training");
          }) == std::vector<std::string>(2, "error: rank 1 failed while training"));
    // One process: the error as it was thrown.
    w2v::SingleProcess alone;
    CHECK_THROWS_WITH_AS(w2v::run_on_every_rank(alone, [] { throw w2v::UsageError("plain"); }),
                         "plain", w2v::UsageError);
  }

  TEST_CASE("adjacent line ranges of a file read every line once, whatever the cuts") {
    TempDir dir;
    const std::string text = awkward_text();
    const std::string path = dir.file("c.txt");
    write_file(path, text);
    for (const std::size_t block : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20}) {
      for (int n = 1; n <= 9; ++n) {
        CAPTURE(block);
        CAPTURE(n);
        std::string all;
        std::vector<std::string> parts;
        for (int k = 0; k < n; ++k) {
          const std::uint64_t begin = text.size() * k / n, end = text.size() * (k + 1) / n;
          parts.push_back(read_range(path, {begin, end}, block));
          all += parts.back();
        }
        CHECK(all == text);
        for (int k = 0; k + 1 < n; ++k) {
          // Every part but the last ends a line (or is empty).
          CHECK((parts[k].empty() || parts[k].back() == '\n'));
        }
      }
    }
    // Cuts at every offset of a short text, including inside and at the ends of lines.
    const std::string small = "ab cd\n\nefg\nh\n";
    write_file(path, small);
    for (std::uint64_t cut = 0; cut <= small.size(); ++cut) {
      CAPTURE(cut);
      CHECK(read_range(path, {0, cut}, 4) + read_range(path, {cut, small.size()}, 4) == small);
    }
    // Only a plain regular file can be read in parts.
    write_file(dir.file("c.gz"), w2v::test::gzip_compress(small));
    CHECK_THROWS_AS(read_range(dir.file("c.gz"), {0, 3}, 64), w2v::Error);
  }

  TEST_CASE("shares of plain and gzip inputs count the whole corpus once") {
    TempDir dir;
    const std::string a = w2v::test::planted_corpus(3000, 1), b = w2v::test::planted_corpus(500, 2);
    write_file(dir.file("a.txt"), a);
    write_file(dir.file("b.gz"), w2v::test::gzip_compress(b + a));
    write_file(dir.file("c.txt"), b);
    const std::vector<std::string> inputs = {dir.file("a.txt"), dir.file("b.gz"),
                                             dir.file("c.txt")};
    w2v::ReadOptions whole_options;
    const auto whole = counts_of(w2v::CountedCorpus::read(inputs, whole_options, 1).words());
    for (int n = 2; n <= 4; ++n) {
      CAPTURE(n);
      std::map<std::string, std::int64_t> sum;
      for (int k = 0; k < n; ++k) {
        w2v::ReadOptions options;
        options.share_index = k;
        options.share_count = n;
        // Small blocks: the gzip input has several to share out.
        const auto part = counts_of(w2v::CountedCorpus::read(inputs, options, 2).words());
        for (const auto& [word, count] : part) sum[word] += count;
      }
      CHECK(sum == whole);
    }
    // Standard input cannot be shared.
    w2v::ReadOptions options;
    options.share_count = 2;
    CHECK_THROWS_AS(w2v::CountedCorpus::read({"-"}, options, 1), w2v::UsageError);
  }

  TEST_CASE("share_of cuts a view into runs that cover it once, after sentence ends") {
    std::vector<std::vector<std::uint32_t>> sentences;
    for (std::uint32_t s = 0; s < 50; ++s) {
      sentences.emplace_back();
      for (std::uint32_t i = 0; i < 1 + s % 7; ++i) sentences.back().push_back(s * 10 + i);
    }
    const w2v::EncodedCorpus corpus = w2v::encode_sentences(sentences);
    const w2v::CorpusView whole = w2v::view_of(corpus);
    std::vector<std::uint32_t> all;
    for (const auto& b : whole.blocks) all.insert(all.end(), b.data, b.data + b.size);
    for (int n = 1; n <= 6; ++n) {
      CAPTURE(n);
      std::vector<std::uint32_t> joined;
      for (int k = 0; k < n; ++k) {
        const w2v::CorpusView share = w2v::share_of(whole, k, n);
        for (const auto& b : share.blocks) {
          CHECK(b.size > 0);
          if (k > 0 && joined.size() > 0) CHECK(joined.back() == w2v::kSentenceEnd);
          joined.insert(joined.end(), b.data, b.data + b.size);
        }
      }
      CHECK(joined == all);
    }
  }

  TEST_CASE("2 and 3 ranks reading shares build the vocabulary and ids of one process") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(4000, 7, 12, 9);
    write_file(dir.file("a.txt"), text.substr(0, text.size() / 3 + 17));
    write_file(dir.file("b.gz"), w2v::test::gzip_compress(text.substr(text.size() / 3 + 17)));
    w2v::CorpusOptions options;
    options.inputs = {dir.file("a.txt"), dir.file("b.gz")};
    options.vocab.min_count = 3;
    const w2v::PreparedCorpus one = w2v::prepare_corpus(options, 1);
    const std::vector<std::string> one_words = words_in(one.view(), one.vocab);
    for (const int ranks : {2, 3}) {
      CAPTURE(ranks);
      const auto prepared = prepare_on_ranks(options, ranks);
      std::vector<std::string> joined;
      for (const auto& p : prepared) {
        REQUIRE(p.vocab.size() == one.vocab.size());
        for (std::uint32_t i = 0; i < one.vocab.size(); ++i) {
          CHECK(p.vocab.word(i) == one.vocab.word(i));
          CHECK(p.vocab.count(i) == one.vocab.count(i));
        }
        CHECK(p.words == one.words);  // the whole corpus's, on every rank
        CHECK(p.tokens.words == one.tokens.words);
        const auto mine = words_in(p.view(), p.vocab);
        joined.insert(joined.end(), mine.begin(), mine.end());
      }
      // The shares together are the corpus (the gzip file's blocks go round the ranks, so
      // compare as counts rather than in order).
      std::map<std::string, int> a, b;
      for (const auto& w : joined) ++a[w];
      for (const auto& w : one_words) ++b[w];
      CHECK(a == b);
    }
  }

  TEST_CASE("a token cache is shared by id ranges, and errors on one rank fail them all") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(3000, 3);
    write_file(dir.file("c.txt"), text);
    w2v::CorpusOptions options;
    options.inputs = {dir.file("c.txt")};
    {
      w2v::OutputFile out(dir.file("c.w2vc"));
      w2v::write_token_cache(options, 1, out);
      out.commit();
    }
    const w2v::PreparedCorpus one = w2v::prepare_corpus(options, 1);
    const std::vector<std::string> one_words = words_in(one.view(), one.vocab);
    options.inputs = {dir.file("c.w2vc")};
    const auto prepared = prepare_on_ranks(options, 3);
    std::vector<std::string> joined;
    for (const auto& p : prepared) {
      CHECK(p.vocab.size() == one.vocab.size());
      const auto mine = words_in(p.view(), p.vocab);
      CHECK(!mine.empty());
      joined.insert(joined.end(), mine.begin(), mine.end());
    }
    CHECK(joined == one_words);  // in order: the cache is cut into consecutive runs

    // No word reaches --min-count: every rank fails with rank 0's message.
    options.inputs = {dir.file("c.txt")};
    options.vocab.min_count = 1000000;
    ThreadRanks group(2);
    std::vector<std::string> errors(2);
    group.run([&](w2v::Communicator& comm) {
      try {
        w2v::prepare_corpus(options, 1, nullptr, &comm);
      } catch (const w2v::Error& e) {
        errors[static_cast<std::size_t>(comm.rank())] = e.what();
      }
    });
    CHECK(errors[0].rfind("rank 0: ", 0) == 0);
    CHECK(errors[0].find("min-count") != std::string::npos);
    CHECK(errors[1] == errors[0]);
  }

  TEST_CASE("a sync keeps the average, or the base plus a share of the summed changes") {
    // Rank k's model: every entry k + 1 at first, then k + 1 more (its change).
    const auto combined = [](double change_scale) {
      constexpr int kRanks = 3;
      ThreadRanks group(kRanks);
      std::vector<w2v::Matrix> words, contexts;
      for (int r = 0; r < kRanks; ++r) {
        words.emplace_back(5, 3);
        contexts.emplace_back(5, 3);
      }
      std::vector<float> after_start(kRanks), after_sync(kRanks);
      std::vector<int> uniform(kRanks, 1);  // every entry of both matrices alike
      group.run([&](w2v::Communicator& comm) {
        const auto r = static_cast<std::size_t>(comm.rank());
        const auto fill = [&](float add) {
          for (w2v::Matrix* m : {&words[r], &contexts[r]}) {
            for (std::size_t i = 0; i < m->rows(); ++i) {
              for (std::size_t c = 0; c < m->cols(); ++c) m->row(i)[c] += add;
            }
          }
        };
        fill(static_cast<float>(r + 1));
        w2v::SyncOptions options;
        options.change_scale = change_scale;
        w2v::ModelSync sync(comm, {&words[r], &contexts[r]}, options);
        after_start[r] = contexts[r].row(4)[2];
        fill(static_cast<float>(r + 1));
        sync.sync_all();
        after_sync[r] = words[r].row(4)[2];
        for (std::size_t i = 0; i < 5; ++i) {
          for (std::size_t c = 0; c < 3; ++c) {
            if (words[r].row(i)[c] != after_sync[r]) uniform[r] = 0;
            if (contexts[r].row(i)[c] != after_sync[r]) uniform[r] = 0;
          }
        }
      });
      CHECK(uniform == std::vector<int>(kRanks, 1));
      for (std::size_t r = 1; r < kRanks; ++r) CHECK(after_sync[r] == after_sync[0]);
      return std::make_pair(after_start, after_sync[0]);
    };
    // Averaging needs no base: the ranks' models are left as they start.
    const auto [start_avg, avg] = combined(0);
    CHECK(start_avg == std::vector<float>{1, 2, 3});
    CHECK(avg == doctest::Approx(4));  // (2 + 4 + 6) / 3
    CHECK(combined(1.0 / 3).second == doctest::Approx(4));
    // Another share averages the models into the base first: 2, plus the share of 1 + 2 + 3.
    const auto [start_half, half] = combined(0.5);
    CHECK(start_half == std::vector<float>{2, 2, 2});
    CHECK(half == doctest::Approx(5));
    CHECK(combined(1).second == doctest::Approx(8));
  }
}
