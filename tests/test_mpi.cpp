// mpi: `w2v train` started by mpirun with 2 and 3 ranks (built with -DW2V_MPI=ON; CI runs
// as root on two cores, hence --allow-run-as-root --oversubscribe): the vocabulary and ids
// of one process, planted topics learned, rank 0 alone writing, and a job that fails as a
// whole when one rank cannot read its input, dies, or was started with other options.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/vectors.hpp"

namespace {

using w2v::test::read_file;
using w2v::test::run_command;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

std::string w2v_binary() { return shell_quote(W2V_BINARY); }

// mpirun -np `ranks` COMMAND. For an ASan build, LSan must see whole stacks to tell Open
// MPI's own leaks (suppressed for its libraries only) from ours: the slow unwinder, and
// plugins kept loaded so that their frames have names.
std::string mpirun(int ranks, const std::string& command) {
  return "ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=" +
         shell_quote(W2V_SOURCE_DIR "/tests/lsan-openmpi.supp") +
         " OMPI_MCA_mca_base_component_disable_dlclose=1"
         " mpirun --allow-run-as-root --oversubscribe --bind-to none -x ASAN_OPTIONS"
         " -x LSAN_OPTIONS -x OMPI_MCA_mca_base_component_disable_dlclose -np " +
         std::to_string(ranks) + " " + command;
}

// The command each rank runs in its own folder <dir>/rank<N> (which the test makes or not).
std::string in_rank_folder(const TempDir& dir, const std::string& args) {
  return "sh -c " + shell_quote("cd " + shell_quote(dir.path()) +
                                "/rank$OMPI_COMM_WORLD_RANK && exec " + W2V_BINARY + " " + args);
}

// The fraction of the 5 nearest neighbours of each word that share its topic
// (planted_corpus's words are t<topic>w<k>).
double neighbours_in_topic(const w2v::WordVectors& v) {
  return w2v::test::neighbours_in_topic(
             v.vectors, v.size(),
             [&](std::size_t i) {
               const std::string w(v.words.word(static_cast<std::uint32_t>(i)));
               return w.substr(0, w.find('w'));
             })
      .share;
}

}  // namespace

TEST_SUITE("mpi") {
  TEST_CASE("mpirun -np 2 and 3: the vocabulary and ids of one process, from text and a cache") {
    TempDir dir;
    const std::string text = w2v::test::planted_corpus(6000, 11, 10, 8);
    write_file(dir.file("a.txt"), text.substr(0, text.size() / 2 + 5));
    write_file(dir.file("b.gz"), w2v::test::gzip_compress(text.substr(text.size() / 2 + 5)));
    const std::string inputs = shell_quote(dir.file("a.txt")) + " " + shell_quote(dir.file("b.gz"));
    const std::string common = " --dim 8 --epochs 1 --threads 1 --min-count 2 -q";
    auto one =
        run_command(w2v_binary() + " train " + inputs + " -o " + shell_quote(dir.file("one.bin")) +
                    " --save-vocab " + shell_quote(dir.file("one.vocab")) + common);
    REQUIRE_MESSAGE(one.exit_code == 0, one.err);
    const std::string expected = read_file(dir.file("one.vocab"));
    REQUIRE(!expected.empty());
    auto prepared = run_command(w2v_binary() + " prepare " + inputs + " -o " +
                                shell_quote(dir.file("c.w2vc")) + " -q");
    REQUIRE_MESSAGE(prepared.exit_code == 0, prepared.err);
    for (const int ranks : {2, 3}) {
      for (const std::string& input : {inputs, shell_quote(dir.file("c.w2vc"))}) {
        CAPTURE(ranks);
        CAPTURE(input);
        const std::string vocab = dir.file("r" + std::to_string(ranks) + ".vocab");
        const std::string metrics = dir.file("r" + std::to_string(ranks) + ".json");
        auto run = run_command(mpirun(ranks, w2v_binary() + " train " + input + " -o " +
                                                 shell_quote(dir.file("r.bin")) + " --save-vocab " +
                                                 shell_quote(vocab) + " --metrics " +
                                                 shell_quote(metrics) + common));
        REQUIRE_MESSAGE(run.exit_code == 0, run.err);
        CHECK(read_file(vocab) == expected);
        const std::string m = read_file(metrics);
        CHECK(m.find("\"ranks\":" + std::to_string(ranks)) != std::string::npos);
      }
    }
  }

  TEST_CASE("mpirun -np 2: planted topics learned, progress from rank 0 with the rank count") {
    TempDir dir;
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(8000, 5, 8, 6));
    auto run = run_command(mpirun(2, w2v_binary() + " train " + shell_quote(dir.file("c.txt")) +
                                         " -o " + shell_quote(dir.file("v.bin")) +
                                         " --dim 24 --epochs 5 --threads 1 --min-count 1"));
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const double in_topic = neighbours_in_topic(w2v::load_vectors(dir.file("v.bin")));
    MESSAGE("2 ranks: " << in_topic * 100 << "% of neighbours in topic");
    CHECK(in_topic >= 0.9);
    // One reading line, one summary, one sync line: rank 0's alone.
    int read_lines = 0, summaries = 0;
    for (const auto& line : w2v::test::lines(run.err)) {
      read_lines += line.rfind("read ", 0) == 0;
      summaries += line.rfind("vocabulary ", 0) == 0;
    }
    CHECK(read_lines == 1);
    CHECK(summaries == 1);
    CHECK(run.err.find("2 ranks: each sent ") != std::string::npos);
  }

  TEST_CASE("rank 0 alone writes, and a rank that cannot read its input fails the whole job") {
    TempDir dir;
    const std::string corpus = w2v::test::planted_corpus(2000, 3);
    for (const char* r : {"rank0", "rank1", "rank2"}) {
      std::filesystem::create_directory(dir.file(r));
      write_file(dir.file(r) + "/c.txt", corpus);
    }
    const std::string args =
        "train c.txt -o out.bin --save-vocab v.txt --metrics m.json --save-context ctx.txt "
        "--dim 8 --epochs 1 --threads 1 --min-count 1 -q";
    auto run = run_command(mpirun(3, in_rank_folder(dir, args)));
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    CHECK(w2v::test::TempDir::list_of(dir.file("rank0")) ==
          std::set<std::string>{"c.txt", "out.bin", "v.txt", "m.json", "ctx.txt"});
    CHECK(w2v::test::TempDir::list_of(dir.file("rank1")) == std::set<std::string>{"c.txt"});
    CHECK(w2v::test::TempDir::list_of(dir.file("rank2")) == std::set<std::string>{"c.txt"});

    // Rank 2's corpus is missing: one error naming rank 2 and the file, nothing written.
    std::filesystem::remove(dir.file("rank0") + "/out.bin");
    std::filesystem::remove(dir.file("rank2") + "/c.txt");
    run = run_command(mpirun(3, in_rank_folder(dir, args)));
    CHECK(run.exit_code != 0);
    CHECK_MESSAGE(run.err.find("w2v: error: rank 2: ") != std::string::npos, run.err);
    CHECK(run.err.find("c.txt") != std::string::npos);
    std::size_t errors = 0;
    for (const auto& line : w2v::test::lines(run.err)) errors += line.rfind("w2v: error:", 0) == 0;
    CHECK(errors == 1);
    CHECK(!w2v::test::file_exists(dir.file("rank0") + "/out.bin"));
  }

  TEST_CASE("ranks started with other options, or another subcommand, are refused") {
    TempDir dir;
    write_file(dir.file("c.txt"), w2v::test::planted_corpus(500, 3));
    auto run = run_command(
        mpirun(2, "sh -c " + shell_quote("exec " + std::string(W2V_BINARY) + " train " +
                                         dir.file("c.txt") + " -o " + dir.file("o.bin") +
                                         " --epochs $((OMPI_COMM_WORLD_RANK + 1)) -q")));
    CHECK(run.exit_code == 2);
    CHECK_MESSAGE(run.err.find("w2v: error: rank 1: started with other arguments than rank 0") !=
                      std::string::npos,
                  run.err);
    CHECK(!w2v::test::file_exists(dir.file("o.bin")));
    run = run_command(mpirun(2, w2v_binary() + " prepare " + shell_quote(dir.file("c.txt")) +
                                    " -o " + shell_quote(dir.file("c.w2vc"))));
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("only w2v train runs on several ranks") != std::string::npos);
    CHECK(!w2v::test::file_exists(dir.file("c.w2vc")));
    // What one process does alone is refused up front, not half done.
    run = run_command(mpirun(2, w2v_binary() + " train " + shell_quote(dir.file("c.txt")) + " -o " +
                                    shell_quote(dir.file("o.bin")) + " --checkpoint " +
                                    shell_quote(dir.file("o.ckpt"))));
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("--checkpoint is for one process") != std::string::npos);
    CHECK(dir.list() == std::set<std::string>{"c.txt"});
  }

  TEST_CASE("a rank killed while training ends the job without an output") {
    TempDir dir;
    std::filesystem::create_directory(dir.file("rank0"));
    std::filesystem::create_directory(dir.file("rank1"));
    std::string big;
    for (int i = 0; i < 20; ++i) big += w2v::test::planted_corpus(5000, 100 + i, 30, 40);
    write_file(dir.file("c.txt"), big);
    // Rank 1 kills itself a second into the run.
    const std::string command =
        "sh -c " +
        shell_quote("cd " + dir.path() + "/rank$OMPI_COMM_WORLD_RANK && " +
                    "if [ $OMPI_COMM_WORLD_RANK = 1 ]; then (sleep 1; kill -9 $$) & fi; exec " +
                    W2V_BINARY + " train ../c.txt -o out.bin --epochs 50 --threads 1 -q");
    const auto run = run_command(mpirun(2, command));
    CHECK(run.exit_code != 0);
    CHECK(!w2v::test::file_exists(dir.file("rank0") + "/out.bin"));
    CHECK(w2v::test::TempDir::list_of(dir.file("rank1")).empty());
  }
}
