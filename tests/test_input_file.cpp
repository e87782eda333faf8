// input_file: plain files, gzip members, standard input, directories, and reads that a
// cancel flag stops.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "test_util.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"

namespace {

using w2v::test::TempDir;
using w2v::test::write_file;

std::string text_of(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; s.size() < n; ++i) s += "word" + std::to_string(i % 977) + ' ';
  s.resize(n);
  return s;
}

}  // namespace

TEST_SUITE("input_file") {
  TEST_CASE("plain and gzip files read the same, in reads of any size") {
    TempDir dir;
    const std::string text = text_of(300000);
    write_file(dir.file("plain.txt"), text);
    write_file(dir.file("packed.gz"), w2v::test::gzip_compress(text));
    for (const char* name : {"plain.txt", "packed.gz"}) {
      CAPTURE(std::string(name));
      w2v::InputFile input(dir.file(name));
      CHECK(input.gzip() == (std::string(name) == "packed.gz"));
      std::string got;
      char buffer[7919];
      for (std::size_t n; (n = input.read(buffer, sizeof buffer)) > 0;) got.append(buffer, n);
      CHECK(got == text);
      CHECK(w2v::read_input(dir.file(name)) == text);
    }
    CHECK(w2v::InputFile(dir.file("plain.txt")).plain_size() ==
          static_cast<std::int64_t>(text.size()));
    CHECK(w2v::InputFile(dir.file("packed.gz")).plain_size() == -1);
  }

  TEST_CASE("gzip members continue the stream, padding zeros are skipped, other data is not") {
    TempDir dir;
    write_file(dir.file("two.gz"),
               w2v::test::gzip_compress("first ") + w2v::test::gzip_compress("second"));
    CHECK(w2v::read_input(dir.file("two.gz")) == "first second");
    write_file(dir.file("padded.gz"), w2v::test::gzip_compress("text") + std::string(512, '\0'));
    CHECK(w2v::read_input(dir.file("padded.gz")) == "text");
    write_file(dir.file("garbage.gz"), w2v::test::gzip_compress("text") + "not gzip");
    CHECK_THROWS_WITH_AS(w2v::read_input(dir.file("garbage.gz")),
                         doctest::Contains("after the end of the gzip data"), w2v::Error);
    const std::string packed = w2v::test::gzip_compress(text_of(5000));
    write_file(dir.file("cut.gz"), packed.substr(0, packed.size() / 2));
    CHECK_THROWS_WITH_AS(w2v::read_input(dir.file("cut.gz")),
                         doctest::Contains("truncated gzip data"), w2v::Error);
    std::string corrupt = packed;
    for (std::size_t i = 20; i < corrupt.size() - 8; i += 7)
      corrupt[i] = static_cast<char>(~corrupt[i]);
    write_file(dir.file("corrupt.gz"), corrupt);
    CHECK_THROWS_WITH_AS(w2v::read_input(dir.file("corrupt.gz")),
                         doctest::Contains(dir.file("corrupt.gz").c_str()), w2v::Error);
  }

  TEST_CASE("missing files and directories are errors naming the path, checked up front") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(w2v::check_input(dir.path()),
                         doctest::Contains(("'" + dir.path() + "': it is a directory").c_str()),
                         w2v::Error);
    CHECK_THROWS_WITH_AS(w2v::check_input(dir.file("none")),
                         doctest::Contains(dir.file("none").c_str()), w2v::Error);
    CHECK_THROWS_AS(w2v::read_input(dir.path()), w2v::Error);
    // Devices other than terminals are refused: /dev/zero would never end.
    CHECK_THROWS_WITH_AS(w2v::check_input("/dev/zero"),
                         "cannot read '/dev/zero': it is a device, not a file", w2v::Error);
    CHECK_THROWS_AS(w2v::read_input("/dev/urandom"), w2v::Error);
    write_file(dir.file("a"), "a");
    // A file may be read twice; standard input only once (checked before it is looked at).
    CHECK_NOTHROW(w2v::check_inputs({dir.file("a"), dir.file("a")}, {"the corpus", "the corpus"}));
    CHECK_THROWS_WITH_AS(w2v::check_inputs({"-", dir.file("a"), "-"}, {"x", "y", "x"}),
                         doctest::Contains("standard input (-) is given twice as x"),
                         w2v::UsageError);
    CHECK_THROWS_WITH_AS(w2v::check_inputs({"-", "-"}, {"the vectors", "--analogies"}),
                         doctest::Contains("the vectors and --analogies both read standard input"),
                         w2v::UsageError);
  }

  TEST_CASE("a read that waits on a pipe stops once the cancel flag is set") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    TempDir dir;
    // The pipe's read end under a path, as a FIFO or /dev/stdin would be.
    const std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
    REQUIRE(::write(fds[1], "ab", 2) == 2);  // enough for the gzip check
    std::atomic<bool> cancel{false};
    w2v::InputFile input(path, &cancel);
    std::thread setter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      cancel = true;
    });
    const auto start = std::chrono::steady_clock::now();
    char buffer[16];
    CHECK_THROWS_AS(input.read(buffer, sizeof buffer), w2v::Interrupted);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    setter.join();
    CHECK(seconds < 2.0);
    ::close(fds[0]);
    ::close(fds[1]);
  }
}
