// output_file: how outputs are checked before any work, written, committed together or
// abandoned, and how the temporaries of dead writers are swept.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/output_file.hpp"

namespace {

using w2v::OutputFile;
using w2v::OutputKind;
using w2v::test::read_file;
using w2v::test::TempDir;
using w2v::test::write_file;

bool is_temporary(const std::string& name) { return name.find(".w2v-tmp.") != std::string::npos; }

std::set<std::string> temporaries(const TempDir& dir) {
  std::set<std::string> found;
  for (const auto& name : dir.list()) {
    if (is_temporary(name)) found.insert(name);
  }
  return found;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

// The pid of a process that has exited (a child that was reaped): no process has it for
// the rest of the test, unless the system runs through every pid meanwhile.
pid_t dead_pid() {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

}  // namespace

TEST_SUITE("output_file") {
  TEST_CASE("nothing appears until commit, and without commit an existing file is untouched") {
    TempDir dir;
    const std::string path = dir.file("out.txt");
    write_file(path, "old\n");
    {
      OutputFile file(path);
      CHECK(file.kind() == OutputKind::kFile);
      file.write("new content\n");
      file.flush();
      CHECK(read_file(path) == "old\n");
      CHECK(temporaries(dir).size() == 1);
      // The temporary is named after the target and this process.
      CHECK(temporaries(dir).begin()->rfind("out.txt.w2v-tmp." + std::to_string(::getpid()) + ".",
                                            0) == 0);
    }  // no commit: the temporary goes, the old file stays
    CHECK(read_file(path) == "old\n");
    CHECK(dir.list() == std::set<std::string>{"out.txt"});
    // More than the buffer and more than the write-back step, in pieces of every size.
    std::string expected;
    {
      OutputFile file(path);
      for (std::size_t size = 1; expected.size() < (20u << 20); size = size * 3 + 1) {
        const std::string piece(size % (3u << 20), static_cast<char>('a' + size % 26));
        file.write(piece);
        expected += piece;
      }
      file.commit();
    }
    CHECK(read_file(path) == expected);
    CHECK(dir.list() == std::set<std::string>{"out.txt"});
  }

  TEST_CASE("a new file gets 0666 less the umask, a replaced file keeps its permissions") {
    TempDir dir;
    const mode_t mask = ::umask(022);
    {
      OutputFile file(dir.file("fresh.txt"));
      file.commit();
    }
    CHECK(mode_of(dir.file("fresh.txt")) == 0644u);
    ::umask(mask);
    const std::string kept = dir.file("kept.txt");
    write_file(kept, "old");
    REQUIRE(::chmod(kept.c_str(), 0640) == 0);
    {
      OutputFile file(kept);
      file.write("new");
      file.commit();
    }
    CHECK(read_file(kept) == "new");
    CHECK(mode_of(kept) == 0640u);
  }

  TEST_CASE("a symlink is followed: its target is replaced and the link stays a link") {
    TempDir dir;
    std::filesystem::create_directory(dir.file("real"));
    write_file(dir.file("real/target.txt"), "old");
    std::filesystem::create_symlink("real/target.txt", dir.file("link.txt"));
    {
      OutputFile file(dir.file("link.txt"));
      file.write("new");
      file.commit();
    }
    CHECK(std::filesystem::is_symlink(dir.file("link.txt")));
    CHECK(read_file(dir.file("real/target.txt")) == "new");
    // A dangling link creates the file it names, in the link's folder's terms.
    std::filesystem::create_symlink("real/made.txt", dir.file("dangling.txt"));
    {
      OutputFile file(dir.file("dangling.txt"));
      file.write("made");
      file.commit();
    }
    CHECK(std::filesystem::is_symlink(dir.file("dangling.txt")));
    CHECK(read_file(dir.file("real/made.txt")) == "made");
    CHECK(temporaries(dir).empty());
  }

  TEST_CASE("devices and FIFOs are written in place, never replaced") {
    {
      OutputFile null("/dev/null");
      CHECK(null.kind() == OutputKind::kStream);
      null.write(std::string(3u << 20, 'x'));
      null.commit();
    }
    struct stat st {};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    TempDir dir;
    const std::string fifo = dir.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string copy = dir.file("copy");
    const pid_t reader = ::fork();
    REQUIRE(reader >= 0);
    if (reader == 0) {
      ::execlp(
          "sh", "sh", "-c",
          ("cat " + w2v::test::shell_quote(fifo) + " > " + w2v::test::shell_quote(copy)).c_str(),
          static_cast<char*>(nullptr));
      ::_exit(127);
    }
    {
      OutputFile out(fifo);
      CHECK(out.kind() == OutputKind::kStream);
      out.write("through the pipe\n");
      out.commit();
    }
    int status = 0;
    ::waitpid(reader, &status, 0);
    CHECK(read_file(copy) == "through the pipe\n");
    REQUIRE(::stat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
  }

  TEST_CASE("- is standard output") {
    const w2v::OutputPath p = w2v::check_output("-");
    CHECK(p.kind == OutputKind::kStandardOutput);
  }

  TEST_CASE("check_output refuses what cannot be written, naming the path") {
    TempDir dir;
    write_file(dir.file("file.txt"), "x");
    const std::string missing = dir.file("no/such.txt");
    CHECK_THROWS_WITH_AS(w2v::check_output(dir.path()), doctest::Contains("it is a directory"),
                         w2v::Error);
    CHECK_THROWS_WITH_AS(
        w2v::check_output(missing),
        doctest::Contains(("the folder '" + dir.file("no") + "' does not exist").c_str()),
        w2v::Error);
    CHECK_THROWS_WITH_AS(w2v::check_output(dir.file("file.txt/x")),
                         doctest::Contains(dir.file("file.txt/x").c_str()), w2v::Error);
    CHECK_THROWS_AS(w2v::check_output(""), w2v::UsageError);
    std::filesystem::create_symlink("loop", dir.file("loop"));
    CHECK_THROWS_AS(w2v::check_output(dir.file("loop")), w2v::Error);
    CHECK(dir.list() == std::set<std::string>{"file.txt", "loop"});
  }

  TEST_CASE("check_outputs: no two outputs may lead to the same file") {
    TempDir dir;
    write_file(dir.file("a.txt"), "x");
    std::filesystem::create_symlink("a.txt", dir.file("link.txt"));
    auto check = [&](const std::string& x, const std::string& y) {
      return w2v::check_outputs({{"-o", x}, {"--metrics", y}});
    };
    CHECK_THROWS_WITH_AS(check(dir.file("a.txt"), dir.file("a.txt")),
                         doctest::Contains("-o and --metrics both write"), w2v::UsageError);
    CHECK_THROWS_AS(check(dir.file("a.txt"), dir.file("link.txt")), w2v::UsageError);
    CHECK_THROWS_AS(check(dir.file("new.txt"), dir.path() + "/./new.txt"), w2v::UsageError);
    CHECK_THROWS_AS(check("-", "-"), w2v::UsageError);
    CHECK_THROWS_AS(check("/dev/null", "/dev/null"), w2v::UsageError);
    // Distinct paths pass, in order; an empty path is an output not asked for.
    const auto ok = w2v::check_outputs(
        {{"-o", dir.file("a.txt")}, {"--save-vocab", ""}, {"--metrics", dir.file("m.json")}});
    REQUIRE(ok.size() == 3);
    CHECK(ok[0].path == dir.file("a.txt"));
    CHECK(ok[1].path.empty());
    CHECK(ok[2].new_name == "m.json");
    CHECK(dir.list() == std::set<std::string>{"a.txt", "link.txt"});
  }

  TEST_CASE("check_not_an_input: an output file may not be one of the inputs, by any path") {
    TempDir dir;
    write_file(dir.file("corpus.txt"), "a b c\n");
    write_file(dir.file("other.txt"), "d e\n");
    std::filesystem::create_symlink("corpus.txt", dir.file("link.txt"));
    std::filesystem::create_hard_link(dir.file("corpus.txt"), dir.file("hard.txt"));
    const std::vector<std::string> inputs = {"-", dir.file("missing.txt"), dir.file("other.txt"),
                                             dir.file("corpus.txt")};
    const auto check = [&](const std::string& output) {
      w2v::check_not_an_input(w2v::check_output(output), "--save-vocab", inputs);
    };
    const std::string message = "--save-vocab '" + dir.file("corpus.txt") + "' is the input '" +
                                dir.file("corpus.txt") + "'";
    CHECK_THROWS_WITH_AS(check(dir.file("corpus.txt")), doctest::Contains(message.c_str()),
                         w2v::UsageError);
    CHECK_THROWS_AS(check(dir.file("link.txt")), w2v::UsageError);
    CHECK_THROWS_AS(check(dir.file("hard.txt")), w2v::UsageError);
    CHECK_THROWS_AS(check(dir.path() + "/./other.txt"), w2v::UsageError);
    // A new file, standard output, a device and an output not asked for are no input.
    CHECK_NOTHROW(check(dir.file("new.txt")));
    CHECK_NOTHROW(check("-"));
    CHECK_NOTHROW(check("/dev/null"));
    CHECK_NOTHROW(w2v::check_not_an_input(w2v::OutputPath{}, "-o", inputs));
    CHECK(read_file(dir.file("corpus.txt")) == "a b c\n");
  }

  TEST_CASE("a set cancel flag abandons writes and commits, and commit_together is all or none") {
    TempDir dir;
    write_file(dir.file("a.txt"), "old a");
    write_file(dir.file("b.txt"), "old b");
    std::atomic<bool> cancel{false};
    {
      OutputFile a(dir.file("a.txt"), &cancel);
      OutputFile b(dir.file("b.txt"), &cancel);
      a.write("new a");
      b.write("new b");
      cancel = true;
      CHECK_THROWS_AS(a.write("more"), w2v::Interrupted);
      CHECK_THROWS_AS(w2v::commit_together({&a, &b}, &cancel), w2v::Interrupted);
    }
    CHECK(read_file(dir.file("a.txt")) == "old a");
    CHECK(read_file(dir.file("b.txt")) == "old b");
    CHECK(temporaries(dir).empty());
    cancel = false;
    {
      OutputFile a(dir.file("a.txt"), &cancel);
      OutputFile b(dir.file("b.txt"), &cancel);
      a.write("new a");
      b.write("new b");
      w2v::commit_together({&a, nullptr, &b}, &cancel);
    }
    CHECK(read_file(dir.file("a.txt")) == "new a");
    CHECK(read_file(dir.file("b.txt")) == "new b");
    CHECK(dir.list() == std::set<std::string>{"a.txt", "b.txt"});
  }

  TEST_CASE("a write error names the output: /dev/full") {
    OutputFile full("/dev/full");
    full.write("x");
    CHECK_THROWS_WITH_AS(full.commit(), doctest::Contains("cannot write '/dev/full'"), w2v::Error);
  }

  TEST_CASE("stale temporaries of dead writers are swept, those of live ones are not") {
    TempDir dir;
    const std::string dead = "v.bin.w2v-tmp." + std::to_string(dead_pid()) + ".aB3xYz";
    write_file(dir.file(dead), "left by kill -9");
    // A live writer: this process, holding the lock as OutputFile does.
    const std::string live = "v.bin.w2v-tmp." + std::to_string(::getpid()) + ".Qw12er";
    write_file(dir.file(live), "being written");
    const int fd = ::open(dir.file(live).c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    // Unlocked, but its writer is alive (between creating and locking its file).
    const std::string starting = "x.txt.w2v-tmp." + std::to_string(::getpid()) + ".000000";
    write_file(dir.file(starting), "");
    // Names that are not w2v's temporaries, even with a dead pid.
    const std::string other = "v.bin.w2v-tmp." + std::to_string(dead_pid()) + ".toolong";
    write_file(dir.file(other), "");
    write_file(dir.file("v.bin.tmp.123456"), "");
    std::filesystem::create_directory(
        dir.file("d.w2v-tmp." + std::to_string(dead_pid()) + ".abcdef"));

    CHECK(w2v::sweep_stale_temporaries(dir.path()) == 1);
    CHECK(!w2v::test::file_exists(dir.file(dead)));
    CHECK(w2v::test::file_exists(dir.file(live)));
    CHECK(w2v::test::file_exists(dir.file(starting)));
    CHECK(w2v::test::file_exists(dir.file(other)));
    CHECK(w2v::test::file_exists(dir.file("v.bin.tmp.123456")));
    ::close(fd);

    // Opening an output sweeps its folder.
    write_file(dir.file(dead), "left again");
    {
      OutputFile file(dir.file("v.bin"));
      file.commit();
    }
    CHECK(!w2v::test::file_exists(dir.file(dead)));
  }

  TEST_CASE("a long name still gets a temporary within the name limit") {
    TempDir dir;
    const std::string name(250, 'n');
    OutputFile file(dir.file(name));
    file.write("x");
    file.commit();
    CHECK(read_file(dir.file(name)) == "x");
    CHECK(dir.list().size() == 1);
  }
}
