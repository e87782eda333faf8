// checkpoint: the trainer's state at chunk boundaries, resumed to the same vectors; the
// file's round trip and checks; and the command line's --checkpoint, --resume (after
// kill -9 and SIGINT), --continue and --init-from.
#include <doctest/doctest.h>
#include <signal.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/checkpoint.hpp"
#include "w2v/corpus_source.hpp"
#include "w2v/error.hpp"
#include "w2v/job_options.hpp"
#include "w2v/trainer.hpp"
#include "w2v/vectors.hpp"

namespace {

using w2v::test::read_file;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

bool same(const w2v::Matrix& a, const w2v::Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::size_t r = 0; r < a.rows(); ++r) {
    if (std::memcmp(a.row(r), b.row(r), a.cols() * sizeof(float)) != 0) return false;
  }
  return true;
}

w2v::test::CommandResult w2v_in(const TempDir& dir, const std::string& args) {
  return w2v::test::run_command("cd " + shell_quote(dir.path()) + " && " + shell_quote(W2V_BINARY) +
                                " " + args);
}

}  // namespace

TEST_SUITE("checkpoint") {
  TEST_CASE("a run resumed from any of its checkpoints trains the same vectors (one thread)") {
    TempDir dir;
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(6000, 3));
    w2v::CorpusOptions corpus;
    corpus.inputs = {dir.file("c.txt")};
    corpus.vocab.min_count = 1;
    const w2v::PreparedCorpus prepared = w2v::prepare_corpus(corpus, 1);
    struct Setting {
      w2v::Merge merge;
      w2v::Architecture model;
      w2v::Loss loss;
    };
    for (const Setting& setting :
         {Setting{w2v::Merge::kCos, w2v::Architecture::kSkipgram, w2v::Loss::kNegativeSampling},
          Setting{w2v::Merge::kDot, w2v::Architecture::kSkipgram, w2v::Loss::kNegativeSampling},
          Setting{w2v::Merge::kCos, w2v::Architecture::kCbow, w2v::Loss::kHierarchicalSoftmax}}) {
      CAPTURE(w2v::merge_name(setting.merge));
      CAPTURE(w2v::architecture_name(setting.model));
      w2v::TrainOptions options;
      options.threads = 1;
      options.epochs = 3;
      options.dim = 16;
      options.merge = setting.merge;
      options.model = setting.model;
      options.loss = setting.loss;
      w2v::Model whole = w2v::make_model(prepared.vocab.size(), options);
      w2v::TrainState whole_state;
      w2v::train(whole, prepared.view(), prepared.vocab, options, {}, nullptr, &whole_state);
      CHECK(whole_state.finished());

      // The same run, with a checkpoint every few thousand words kept in memory.
      struct Saved {
        w2v::Matrix words, contexts, nodes;
        w2v::MergeParams merge;
        w2v::TrainState state;
      };
      std::vector<Saved> saved;
      w2v::TrainHooks hooks;
      hooks.checkpoint_words = 9000;
      hooks.checkpoint = [&](const w2v::Model& m, const w2v::TrainState& s) {
        Saved copy{w2v::Matrix(m.words.rows(), m.words.cols()),
                   w2v::Matrix(m.contexts.rows(), m.contexts.cols()),
                   w2v::Matrix(m.nodes.rows(), m.nodes.cols()), m.merge, s};
        for (std::size_t r = 0; r < m.words.rows(); ++r) {
          std::memcpy(copy.words.row(r), m.words.row(r), m.words.cols() * sizeof(float));
          std::memcpy(copy.contexts.row(r), m.contexts.row(r), m.words.cols() * sizeof(float));
        }
        for (std::size_t r = 0; r < m.nodes.rows(); ++r) {
          std::memcpy(copy.nodes.row(r), m.nodes.row(r), m.nodes.cols() * sizeof(float));
        }
        saved.push_back(std::move(copy));
      };
      w2v::Model checked = w2v::make_model(prepared.vocab.size(), options);
      w2v::train(checked, prepared.view(), prepared.vocab, options, hooks);
      CHECK(same(checked.words, whole.words));  // checkpoints do not change the run
      REQUIRE(saved.size() >= 4);
      for (const std::size_t k : {std::size_t{0}, saved.size() / 2, saved.size() - 1}) {
        CAPTURE(k);
        CHECK(!saved[k].state.finished());
        w2v::Model resumed(std::move(saved[k].words), std::move(saved[k].contexts),
                           std::move(saved[k].nodes), saved[k].merge);
        w2v::train(resumed, prepared.view(), prepared.vocab, options, {}, &saved[k].state);
        CHECK(same(resumed.words, whole.words));
        CHECK(same(resumed.contexts, whole.contexts));
        CHECK(same(resumed.nodes, whole.nodes));
        CHECK(resumed.merge.scale == whole.merge.scale);
      }
      // A state of another corpus is refused.
      w2v::TrainState other = whole_state;
      other.chunks += 1;
      w2v::Model m = w2v::make_model(prepared.vocab.size(), options);
      CHECK_THROWS_WITH_AS(w2v::train(m, prepared.view(), prepared.vocab, options, {}, &other),
                           doctest::Contains("belongs to another corpus"), w2v::Error);
    }
  }

  TEST_CASE("job options survive as text, and the file's sections are each checked") {
    w2v::TrainJob job;
    job.corpus.inputs = {"a.txt", "dir/b.txt.gz"};
    job.train.lr = 0.0123456789;
    job.train.seed = 18446744073709551615ull;
    job.train.merge = w2v::Merge::kDot;
    job.train.model = w2v::Architecture::kCbow;
    job.train.cbow_mean = false;
    job.train.loss = w2v::Loss::kHierarchicalSoftmax;
    job.add_context = 0.25f;
    job.format = w2v::VectorFormat::kBinary;
    job.output = "out/v.bin";
    w2v::TrainJob back;
    for (const w2v::JobOption& o : w2v::job_options(job)) w2v::set_job_option(back, o.name, o.text);
    const auto a = w2v::job_options(job), b = w2v::job_options(back);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].name == b[i].name);
      CHECK(a[i].text == b[i].text);
    }
    CHECK(back.train.lr == job.train.lr);
    CHECK(back.train.model == w2v::Architecture::kCbow);
    CHECK(!back.train.cbow_mean);
    CHECK(back.train.loss == w2v::Loss::kHierarchicalSoftmax);
    CHECK_THROWS_AS(w2v::set_job_option(back, "dim", "x"), w2v::Error);
    CHECK_THROWS_AS(w2v::set_job_option(back, "no-such", "1"), w2v::Error);

    TempDir dir;
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(300, 5));
    const auto r = w2v_in(dir,
                          "train c.txt -o v.txt --dim 8 --epochs 1 --min-count 1 -q "
                          "--threads 1 --checkpoint k.w2vk --loss hs");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const w2v::Checkpoint c = w2v::read_checkpoint(dir.file("k.w2vk"));
    CHECK(c.job.train.loss == w2v::Loss::kHierarchicalSoftmax);
    CHECK(c.nodes.rows() == c.vocab.size());
    CHECK(c.job.corpus.inputs == std::vector<std::string>{dir.file("c.txt")});  // absolute
    CHECK(c.job.train.dim == 8);
    CHECK(c.state.finished());
    CHECK(c.words.cols() == 8);
    CHECK(c.words.rows() == c.vocab.size());
    const std::string bytes = read_file(dir.file("k.w2vk"));
    for (const char* section : {"job", "state", "vocab_words", "words", "contexts", "nodes"}) {
      CAPTURE(std::string(section));
      const w2v::SectionFile file(dir.file("k.w2vk"), w2v::kCheckpointMagic,
                                  w2v::kCheckpointVersion, "checkpoint");
      const std::size_t at =
          64 + static_cast<std::size_t>(file.section(section).data() - file.section("job").data()) +
          file.section(section).size() / 2;
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ 4);
      write_file(dir.file("d.w2vk"), damaged);
      CHECK_THROWS_WITH_AS(
          w2v::read_checkpoint(dir.file("d.w2vk")),
          doctest::Contains(("section '" + std::string(section) + "' is damaged").c_str()),
          w2v::Error);
    }
    write_file(dir.file("t.w2vk"), bytes.substr(0, bytes.size() - 100));
    CHECK_THROWS_AS(w2v::read_checkpoint(dir.file("t.w2vk")), w2v::Error);
  }
}

TEST_SUITE("checkpoint cli") {
  // Long enough to be killed mid-run, short enough for a test: a few seconds.
  constexpr const char* kRun = "train c.txt --dim 24 --epochs 40 --min-count 1 --threads 1";

  TEST_CASE("kill -9 or SIGINT, then --resume: the vectors of a run never stopped") {
    TempDir dir;
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(3000, 7));
    const auto whole = w2v_in(dir, std::string(kRun) + " -q -o whole.bin");
    REQUIRE_MESSAGE(whole.exit_code == 0, whole.err);
    for (const int sig : {SIGKILL, SIGINT, SIGTERM}) {
      CAPTURE(sig);
      ::unlink(dir.file("k.w2vk").c_str());
      write_file(dir.file("part.bin"), "old vectors");
      w2v::test::Background run("cd " + shell_quote(dir.path()) + " && exec " +
                                    shell_quote(W2V_BINARY) + " " + kRun +
                                    " -o part.bin --checkpoint k.w2vk --checkpoint-every 30K",
                                false, "/dev/null", dir.file("err.txt"));
      REQUIRE(
          w2v::test::wait_until([&] { return w2v::test::file_exists(dir.file("k.w2vk")); }, 60));
      run.signal(sig);
      const int status = run.wait(60);
      CHECK(status == (sig == SIGKILL ? 137 : 130));
      CHECK(read_file(dir.file("part.bin")) == "old vectors");  // -o untouched
      if (sig != SIGKILL) {
        // It says why stopping takes a moment, and that a second signal stops at once.
        CHECK(read_file(dir.file("err.txt")).find("writing the checkpoint k.w2vk") !=
              std::string::npos);
      }
      const auto resumed = w2v_in(dir, "train --resume k.w2vk -q");
      REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
      CHECK(read_file(dir.file("part.bin")) == read_file(dir.file("whole.bin")));
      // The checkpoint now holds the end: resuming again only writes the vectors.
      CHECK(w2v::read_checkpoint(dir.file("k.w2vk")).state.finished());
    }
  }

  TEST_CASE("--resume refuses changed options and inputs, and takes new outputs") {
    TempDir dir;
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(500, 9));
    const auto r = w2v_in(dir,
                          "train c.txt -o v.bin --dim 8 --epochs 2 --min-count 1 -q "
                          "--threads 1 --checkpoint k.w2vk");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto changed = w2v_in(dir, "train --resume k.w2vk --dim 9");
    CHECK(changed.exit_code == 2);
    CHECK(changed.err ==
          "w2v: error: --dim: the checkpoint's run has '8', the command line '9'; a resumed run "
          "goes on as it began\n");
    CHECK(w2v_in(dir, "train --resume k.w2vk --dim 8 -q -o again.bin --threads 2").exit_code == 0);
    CHECK(read_file(dir.file("again.bin")) == read_file(dir.file("v.bin")));
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(501, 9));
    changed = w2v_in(dir, "train --resume k.w2vk -q");
    CHECK(changed.exit_code == 1);
    CHECK(changed.err.find("changed since the checkpoint") != std::string::npos);
    CHECK(w2v_in(dir, "train --resume nothing.w2vk").exit_code == 1);
    CHECK(w2v_in(dir, "train --resume c.txt").err.find("it is not a checkpoint") !=
          std::string::npos);
  }

  TEST_CASE("--continue grows the vocabulary, and --init-from starts from a vector file") {
    TempDir dir;
    write_file(dir.file("a.txt"), w2v::test::planted_corpus(800, 11));
    // Two new words; the planted ones all occur in a.txt too.
    std::string more = w2v::test::planted_corpus(800, 12);
    for (int i = 0; i < 50; ++i) more += "newword fresh newword fresh\n";
    write_file(dir.file("b.txt"), more);
    REQUIRE(w2v_in(dir,
                   "train a.txt -o a.txt.vec --dim 12 --epochs 1 --min-count 1 -q "
                   "--checkpoint a.w2vk")
                .exit_code == 0);
    const auto c = w2v_in(dir,
                          "train --continue a.w2vk b.txt --epochs 1 -o b.vec --save-vocab "
                          "b.vocab -q");
    REQUIRE_MESSAGE(c.exit_code == 0, c.err);
    const w2v::WordVectors a = w2v::load_vectors(dir.file("a.txt.vec"));
    const w2v::WordVectors b = w2v::load_vectors(dir.file("b.vec"));
    CHECK(b.dim() == 12);
    CHECK(b.size() == a.size() + 2);
    CHECK(b.words.find("newword") != w2v::StringTable::kNotFound);
    // Counts of the old words grew by the new text's.
    const auto counts = w2v::Vocab::read_counts(dir.file("b.vocab"));
    std::int64_t total = 0;
    for (const auto& [word, count] : counts) total += count;
    CHECK(total > 2 * 800 * 6);
    CHECK(w2v_in(dir, "train --continue a.w2vk b.txt -o x.vec --dim 13").exit_code == 2);
    CHECK(w2v_in(dir, "train --continue a.w2vk -o x.vec").exit_code == 2);

    // --init-from: --dim from the file, a different one refused.
    const auto init = w2v_in(dir,
                             "train b.txt --init-from a.txt.vec --epochs 1 --min-count 1 "
                             "-q -o i.vec");
    REQUIRE_MESSAGE(init.exit_code == 0, init.err);
    CHECK(w2v::load_vectors(dir.file("i.vec")).dim() == 12);
    const auto wrong = w2v_in(dir, "train b.txt --init-from a.txt.vec --dim 20 -o j.vec");
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.err.find("holds vectors of dimension 12, --dim is 20") != std::string::npos);
    CHECK(!w2v::test::file_exists(dir.file("j.vec")));
  }
}
