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
#include <cstdint>
#include <cstring>
#include <filesystem>
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

// Where the big corpus splits in two: after the line that holds its middle byte.
std::size_t half_of_big_corpus() {
  const std::string& corpus = big_corpus();
  return corpus.find('\n', corpus.size() / 2) + 1;
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

// True once `pid` runs the w2v binary with its SIGINT and SIGTERM handlers installed: a
// signal sent earlier (the shell still starting it, or the loader, slow under the
// sanitizers on a busy machine) would end it with 128 + the signal, not 130.
bool handlers_installed(pid_t pid) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  if (ec || !std::filesystem::equivalent(exe, W2V_BINARY, ec) || ec) return false;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("SigCgt:", 0) != 0) continue;
    const unsigned long long caught = std::stoull(line.substr(7), nullptr, 16);
    const auto bit = [](int sig) { return 1ull << (sig - 1); };
    return (caught & bit(SIGINT)) != 0 && (caught & bit(SIGTERM)) != 0;
  }
  return false;
}

void wait_for_handlers(Background& run, const std::string& err_path) {
  REQUIRE_MESSAGE(
      w2v::test::wait_until([&] { return handlers_installed(run.pid()) || !run.running(); },
                            kPhaseSeconds),
      "w2v did not start");
  REQUIRE_MESSAGE(run.running(), "w2v ended before it could be stopped: " << read_file(err_path));
}

// Bytes `pid` has read so far, as /proc/PID/io counts them.
std::uint64_t bytes_read(pid_t pid) {
  std::ifstream io("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return 0;
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
  wait_for_handlers(*run, err_path);
  const std::string& corpus = big_corpus();
  const std::size_t half = half_of_big_corpus();
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
        wait_for_handlers(run, err);
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

  TEST_CASE(
      "train reading a named FIFO stops on SIGTERM with exit 130 within a second, whether it "
      "waits for a writer or for more data") {
    // `w2v train fifo` opens the FIFO without waiting for a writer and then waits in its
    // reads, where the signal must reach it.
    TempDir dir, logs;
    write_file(dir.file("out.txt"), kOld);
    const std::size_t half = half_of_big_corpus();
    write_file(logs.file("half.txt"), big_corpus().substr(0, half));
    const std::string fifo = logs.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    for (const bool writer_paused : {false, true}) {
      CAPTURE(writer_paused);
      const std::string err = logs.file(writer_paused ? "paused.err" : "no_writer.err");
      // The writer sends half the corpus, then holds the FIFO open and sends nothing more.
      std::unique_ptr<Background> writer;
      if (writer_paused) {
        writer = std::make_unique<Background>("{ cat " + shell_quote(logs.file("half.txt")) +
                                              "; exec sleep 600; } > " + shell_quote(fifo));
      }
      Background run("cd " + shell_quote(dir.path()) + " && exec " + w2v_binary() + " train " +
                         shell_quote(fifo) + " -o out.txt -q --dim 4 --epochs 1 --min-count 1",
                     false, "/dev/null", err);
      wait_for_handlers(run, err);
      if (writer_paused) {
        REQUIRE_MESSAGE(
            w2v::test::wait_until([&] { return bytes_read(run.pid()) >= half || !run.running(); },
                                  kPhaseSeconds),
            "the run did not read the first half");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      REQUIRE_MESSAGE(run.running(), read_file(err));
      CHECK(temporaries(dir).empty());  // still reading
      const auto result = stop(run, SIGTERM);
      check_interrupted(result, read_file(err));
      CHECK(read_file(dir.file("out.txt")) == kOld);
      CHECK(dir.list() == std::set<std::string>{"out.txt"});
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
        wait_for_handlers(run, err);
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
