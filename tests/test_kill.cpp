// interrupts: the built binary killed with SIGKILL, or stopped with SIGINT or SIGTERM, while
// it reads a corpus fed slowly through a pipe, while it trains, and while it writes (its
// temporary file has appeared). The old output must survive every one of them; SIGINT and
// SIGTERM must end the run with exit status 130 within about a second and no temporary;
// the temporary of a killed writer stays until the next run that writes into the same
// folder, which must leave a live writer's temporary alone.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.hpp"

namespace {

using w2v::test::Background;
using w2v::test::read_file;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

// "Within about a second": the time from the signal to the exit.
constexpr double kDeadlineSeconds = 1.5;
// Generous bounds for the phases themselves (the machine may be busy with other tests).
constexpr double kPhaseSeconds = 60;

const std::string kOld = "old output: must survive\n";

// 50,000 lines of 10 words drawn from 50,000: a vocabulary big enough that writing the
// vectors takes a while (dim 200, text), a corpus big enough that training does too.
const std::string& big_corpus() {
  static const std::string text = [] {
    std::string t;
    std::uint64_t x = 12345;
    for (int line = 0; line < 50000; ++line) {
      for (int i = 0; i < 10; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        if (i > 0) t += ' ';
        t += "w" + std::to_string((x >> 33) % 50000);
      }
      t += '\n';
    }
    return t;
  }();
  return text;
}

const std::string kBigArgs = "--dim 200 --sample 0 --min-count 1 --merge dot --threads 2";
// Training long enough to be caught at it (about 2 s in a release build)...
const std::string kLongTraining = " --epochs 3";
// ...or short, to reach the writing soon (ten times less work; under the sanitizers the
// long one takes over 30 s).
const std::string kShortTraining = " --epochs 1 --window 1 --negative 1";

std::string small_corpus() {
  std::string t;
  for (int line = 0; line < 200; ++line) {
    for (int i = 0; i < 8; ++i) t += (i > 0 ? " w" : "w") + std::to_string((line * 7 + i) % 30);
    t += '\n';
  }
  return t;
}

std::string w2v_binary() { return shell_quote(W2V_BINARY); }

// The names in `dir` that are w2v temporaries.
std::set<std::string> temporaries(const TempDir& dir) {
  std::set<std::string> names;
  for (const auto& name : dir.list()) {
    if (name.find(".w2v-tmp.") != std::string::npos) names.insert(name);
  }
  return names;
}

enum class Phase { kReading, kTraining, kWriting };

const char* phase_name(Phase p) {
  return p == Phase::kReading ? "reading" : p == Phase::kTraining ? "training" : "writing";
}

const char* signal_name(int sig) {
  return sig == SIGKILL ? "SIGKILL" : sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "?";
}

// `w2v train - -o out.txt` in `dir` on the big corpus, fed through a pipe; returns once the
// run is in `phase`: reading (half the corpus written, the pipe still open), training (the
// corpus read, as its log line says, and no temporary yet) or writing (its temporary there).
// `shell_prefix` runs before the `exec` (e.g. trap '' INT).
std::unique_ptr<Background> start_train(const TempDir& dir, const std::string& err_path,
                                        Phase phase, const std::string& shell_prefix = "") {
  auto run =
      std::make_unique<Background>("cd " + shell_quote(dir.path()) + " && " + shell_prefix +
                                       "exec " + w2v_binary() + " train - -o out.txt " + kBigArgs +
                                       (phase == Phase::kWriting ? kShortTraining : kLongTraining),
                                   true, "/dev/null", err_path);
  const std::string& corpus = big_corpus();
  const std::size_t half = corpus.find('\n', corpus.size() / 2) + 1;
  REQUIRE(run->write_stdin(corpus.substr(0, half)));
  if (phase == Phase::kReading) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE_MESSAGE(run->running(), read_file(err_path));
    REQUIRE(read_file(err_path).find("read ") == std::string::npos);  // still reading
    REQUIRE(temporaries(dir).empty());
    return run;
  }
  REQUIRE(run->write_stdin(corpus.substr(half)));
  run->close_stdin();
  REQUIRE_MESSAGE(
      w2v::test::wait_until([&] { return read_file(err_path).find("read ") != std::string::npos; },
                            kPhaseSeconds),
      "no 'read ...' log line: " << read_file(err_path));
  if (phase == Phase::kTraining) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE_MESSAGE(run->running(), read_file(err_path));
    REQUIRE(temporaries(dir).empty());  // not writing yet
    return run;
  }
  REQUIRE_MESSAGE(w2v::test::wait_until(
                      [&] { return !temporaries(dir).empty() || !run->running(); }, kPhaseSeconds),
                  "no temporary appeared");
  REQUIRE_MESSAGE(run->running(), "the run ended before it could be stopped while writing: "
                                      << read_file(err_path));
  return run;
}

// Sends `sig` and waits for the exit: the exit status and the seconds it took.
std::pair<int, double> stop(Background& run, int sig) {
  const auto start = std::chrono::steady_clock::now();
  run.signal(sig);
  const int status = run.wait(kPhaseSeconds);
  return {status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// The last line of `text`.
std::string last_line(const std::string& text) {
  const auto lines = w2v::test::lines(text);
  return lines.empty() ? "" : lines.back();
}

// SIGINT or SIGTERM: 130 within the deadline, with "w2v: error: interrupted" last.
void check_interrupted(const std::pair<int, double>& result, const std::string& err) {
  INFO("stderr: " << err);
  CHECK(result.first == 130);
  CHECK_MESSAGE(result.second <= kDeadlineSeconds, "the exit took " << result.second << " s");
  CHECK(last_line(err) == "w2v: error: interrupted");
  std::size_t errors = 0;
  for (const auto& line : w2v::test::lines(err)) errors += line.rfind("w2v: error: ", 0) == 0;
  CHECK(errors == 1);
}

}  // namespace

TEST_SUITE("interrupts") {
  TEST_CASE(
      "train killed with SIGKILL while reading, training or writing: the old file survives, and "
      "the next run sweeps the stale temporary but not a live writer's") {
    TempDir dir, logs;
    write_file(dir.file("out.txt"), kOld);
    write_file(logs.file("big.txt"), big_corpus());
    write_file(logs.file("small.txt"), small_corpus());
    std::set<std::string> stale;
    for (const Phase phase : {Phase::kReading, Phase::kTraining, Phase::kWriting}) {
      CAPTURE(std::string(phase_name(phase)));
      const std::string err = logs.file(std::string("kill9_") + phase_name(phase) + ".err");
      auto run = start_train(dir, err, phase);
      const pid_t pid = run->pid();
      const auto [status, seconds] = stop(*run, SIGKILL);
      CHECK(status == 128 + SIGKILL);
      CHECK(read_file(dir.file("out.txt")) == kOld);
      const auto temps = temporaries(dir);
      if (phase == Phase::kWriting) {
        // A writer killed with kill -9 leaves its temporary: `out.txt.w2v-tmp.<pid>.xxxxxx`.
        REQUIRE(temps.size() == 1);
        CHECK(temps.begin()->rfind("out.txt.w2v-tmp." + std::to_string(pid) + ".", 0) == 0);
        stale = temps;
      } else {
        CHECK(temps.empty());
      }
      std::set<std::string> expected = temps;
      expected.insert("out.txt");
      CHECK(dir.list() == expected);
    }
    REQUIRE(stale.size() == 1);

    // A live writer: its temporary appears, then it is stopped (still alive, still holding
    // the lock on its file) while another run writes into the same folder.
    Background live("cd " + shell_quote(dir.path()) + " && exec " + w2v_binary() + " train " +
                        shell_quote(logs.file("big.txt")) + " -o live.txt -q " + kBigArgs +
                        kShortTraining,
                    false, "/dev/null", logs.file("live.err"));
    std::set<std::string> live_temps;
    REQUIRE(w2v::test::wait_until(
        [&] {
          live_temps.clear();
          for (const auto& t : temporaries(dir)) {
            if (t.rfind("live.txt.w2v-tmp.", 0) == 0) live_temps.insert(t);
          }
          return !live_temps.empty() || !live.running();
        },
        kPhaseSeconds));
    live.signal(SIGSTOP);
    REQUIRE_MESSAGE(live.running(), read_file(logs.file("live.err")));
    REQUIRE(live_temps.size() == 1);

    const auto next = w2v::test::run_command(
        "cd " + shell_quote(dir.path()) + " && " + w2v_binary() + " train " +
        shell_quote(logs.file("small.txt")) +
        " -o next.txt -q --dim 4 --epochs 1 --threads 1 --min-count 1 < /dev/null");
    CHECK_MESSAGE(next.exit_code == 0, next.err);
    const auto after = temporaries(dir);
    CHECK_MESSAGE(after.count(*stale.begin()) == 0, "the stale temporary is still there");
    CHECK_MESSAGE(after.count(*live_temps.begin()) == 1, "the live writer's temporary is gone");
    CHECK(read_file(dir.file("out.txt")) == kOld);
    CHECK(w2v::test::file_exists(dir.file("next.txt")));

    // The live writer goes on and finishes as if nothing happened.
    live.signal(SIGCONT);
    CHECK(live.wait(kPhaseSeconds) == 0);
    CHECK(temporaries(dir).empty());
    CHECK(dir.list() == std::set<std::string>{"out.txt", "next.txt", "live.txt"});
    std::ifstream live_file(dir.file("live.txt"));
    std::string header;
    std::getline(live_file, header);
    CHECK(header.size() > 4);
    CHECK(header.substr(header.size() - 4) == " 200");  // "<count> 200"
  }

  TEST_CASE(
      "train stopped with SIGINT or SIGTERM while reading, training or writing: exit 130 "
      "within a second, old file intact, no temporary") {
    TempDir logs;
    for (const int sig : {SIGINT, SIGTERM}) {
      for (const Phase phase : {Phase::kReading, Phase::kTraining, Phase::kWriting}) {
        CAPTURE(std::string(signal_name(sig)));
        CAPTURE(std::string(phase_name(phase)));
        TempDir dir;
        write_file(dir.file("out.txt"), kOld);
        const std::string err =
            logs.file(std::string(signal_name(sig)) + "_" + phase_name(phase) + ".err");
        auto run = start_train(dir, err, phase);
        const auto result = stop(*run, sig);
        check_interrupted(result, read_file(err));
        CHECK(read_file(dir.file("out.txt")) == kOld);
        CHECK(dir.list() == std::set<std::string>{"out.txt"});
      }
    }
  }

  TEST_CASE("train started with SIGINT ignored still stops on SIGINT with exit 130") {
    // As a command started in the background of a script inherits SIGINT ignored:
    // sh -c "trap '' INT; exec w2v ..." then kill -INT.
    TempDir logs;
    for (const Phase phase : {Phase::kReading, Phase::kTraining, Phase::kWriting}) {
      CAPTURE(std::string(phase_name(phase)));
      TempDir dir;
      write_file(dir.file("out.txt"), kOld);
      const std::string err = logs.file(std::string("ignored_") + phase_name(phase) + ".err");
      auto run = start_train(dir, err, phase, "trap '' INT; ");
      const auto result = stop(*run, SIGINT);
      check_interrupted(result, read_file(err));
      CHECK(read_file(dir.file("out.txt")) == kOld);
      CHECK(dir.list() == std::set<std::string>{"out.txt"});
    }
  }

  TEST_CASE("convert of a large vector file stopped with SIGINT: exit 130 within a second") {
    TempDir dir, logs;
    {
      // 200,000 x 100 binary (81 MB): written as text it takes seconds.
      constexpr int kWords = 200000, kDim = 100;
      std::string data = std::to_string(kWords) + " " + std::to_string(kDim) + "\n";
      data.reserve(static_cast<std::size_t>(kWords) * (4 * kDim + 9) + 16);
      std::vector<float> row(kDim);
      for (int i = 0; i < kWords; ++i) {
        for (int d = 0; d < kDim; ++d)
          row[d] = static_cast<float>(((i * 131 + d * 71) % 2001) - 1000) / 997.0f;
        data += "w" + std::to_string(i) + " ";
        data.append(reinterpret_cast<const char*>(row.data()), sizeof(float) * kDim);
        data += '\n';
      }
      write_file(logs.file("big.bin"), data);
    }
    write_file(dir.file("out.txt"), kOld);
    const std::string input = read_file(logs.file("big.bin"));
    for (const int sig : {SIGINT, SIGTERM}) {
      CAPTURE(std::string(signal_name(sig)));
      {
        INFO("while writing");
        const std::string err = logs.file(std::string("writing_") + signal_name(sig) + ".err");
        Background run("cd " + shell_quote(dir.path()) + " && exec " + w2v_binary() + " convert " +
                           shell_quote(logs.file("big.bin")) + " out.txt",
                       false, "/dev/null", err);
        REQUIRE(w2v::test::wait_until([&] { return !temporaries(dir).empty() || !run.running(); },
                                      kPhaseSeconds));
        REQUIRE_MESSAGE(run.running(),
                        "convert ended before it could be stopped: " << read_file(err));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto result = stop(run, sig);
        check_interrupted(result, read_file(err));
        CHECK(read_file(dir.file("out.txt")) == kOld);
        CHECK(dir.list() == std::set<std::string>{"out.txt"});
      }
      {
        INFO("while reading standard input");
        const std::string err = logs.file(std::string("reading_") + signal_name(sig) + ".err");
        Background run(
            "cd " + shell_quote(dir.path()) + " && exec " + w2v_binary() + " convert - out.txt",
            true, "/dev/null", err);
        REQUIRE(run.write_stdin(input.substr(0, input.size() / 2)));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        REQUIRE_MESSAGE(run.running(), read_file(err));
        const auto result = stop(run, sig);
        check_interrupted(result, read_file(err));
        CHECK(read_file(dir.file("out.txt")) == kOld);
        CHECK(dir.list() == std::set<std::string>{"out.txt"});
      }
    }
  }

  TEST_CASE("train reading a named FIFO stops on SIGTERM with exit 130 within a second") {
    // `cat corpus > fifo & w2v train fifo`: whatever the run is doing a second later
    // (reading, or waiting for the FIFO), SIGTERM must end it.
    TempDir dir, logs;
    write_file(dir.file("out.txt"), kOld);
    write_file(logs.file("big.txt"), big_corpus());
    const std::string fifo = logs.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    for (int attempt = 0; attempt < 3; ++attempt) {
      CAPTURE(attempt);
      Background writer("exec cat " + shell_quote(logs.file("big.txt")) + " > " +
                        shell_quote(fifo));
      const std::string err = logs.file("fifo_" + std::to_string(attempt) + ".err");
      Background run("cd " + shell_quote(dir.path()) + " && exec " + w2v_binary() + " train " +
                         shell_quote(fifo) + " -o out.txt -q --dim 4 --epochs 1 --min-count 1",
                     false, "/dev/null", err);
      if (run.wait(1.0) >= 0) {
        // Done before the signal: nothing to interrupt this time.
        CHECK_MESSAGE(run.wait(0) == 0, read_file(err));
        write_file(dir.file("out.txt"), kOld);
        continue;
      }
      const auto start = std::chrono::steady_clock::now();
      run.signal(SIGTERM);
      const int status = run.wait(5);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      CHECK_MESSAGE(status == 130, "exit status " << status << " (-1: still running after "
                                                  << seconds << " s); stderr: " << read_file(err));
      CHECK(seconds <= kDeadlineSeconds);
      CHECK(read_file(dir.file("out.txt")) == kOld);
      CHECK(temporaries(dir).empty());
      if (status != 130) break;
    }
  }

  TEST_CASE(
      "pairs, eval, export, convert and train waiting for standard input stop on SIGINT or "
      "SIGTERM with exit 130 within a second") {
    TempDir logs;
    const std::vector<std::pair<std::string, std::string>> commands = {
        {"train", "train - -o out.txt --min-count 1"},
        {"pairs", "pairs - --min-count 1"},
        {"eval", "eval - --similarity sim.txt"},
        {"export", "export --projector proj -"},
        {"convert", "convert - out.txt"},
    };
    for (const auto& [name, args] : commands) {
      for (const int sig : {SIGINT, SIGTERM}) {
        CAPTURE(name);
        CAPTURE(std::string(signal_name(sig)));
        TempDir dir;
        write_file(dir.file("out.txt"), kOld);
        write_file(dir.file("sim.txt"), "w1 w2 3.5\n");
        const auto before = dir.list();
        const std::string err = logs.file(name + "_" + signal_name(sig) + ".err");
        Background run("cd " + shell_quote(dir.path()) + " && exec " + w2v_binary() + " " + args,
                       true, logs.file(name + ".out"), err);
        // The start of an input, and then nothing: the command waits for more.
        REQUIRE(run.write_stdin(name == "train" || name == "pairs" ? "w1 w2 w3\nw1 w2\n"
                                                                   : "3 2\nw1 0.5 0.25\n"));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        REQUIRE_MESSAGE(run.running(), read_file(err));
        const auto result = stop(run, sig);
        check_interrupted(result, read_file(err));
        CHECK(read_file(dir.file("out.txt")) == kOld);
        CHECK(dir.list() == before);
        CHECK(read_file(logs.file(name + ".out")).empty());
      }
    }
  }
}
