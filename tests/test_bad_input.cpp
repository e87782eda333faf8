// bad input: every subcommand given missing, empty, directory, truncated, corrupted,
// mistyped or oversized inputs, values out of range, and outputs it cannot write (read-only
// folders, full disks, devices, FIFOs, symlinks, two outputs on one file, standard input
// twice). Each case runs the built binary in a fresh folder and checks the exit status,
// the one-line message and that every file in the folder is as it was: old files
// byte-identical, nothing new, no temporary left.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace {

using w2v::test::Background;
using w2v::test::CommandResult;
using w2v::test::read_file;
using w2v::test::shell_quote;
using w2v::test::TempDir;
using w2v::test::write_file;

// `count` words (the corpus's 48 first, then w<i>) with `dim` values each.
std::vector<std::string> vector_words(int count) {
  std::vector<std::string> words;
  for (int t = 0; t < 8 && static_cast<int>(words.size()) < count; ++t) {
    for (int w = 0; w < 6 && static_cast<int>(words.size()) < count; ++w) {
      words.push_back("t" + std::to_string(t) + "w" + std::to_string(w));
    }
  }
  while (static_cast<int>(words.size()) < count)
    words.push_back("w" + std::to_string(words.size()));
  return words;
}

float value_of(int row, int d) { return static_cast<float>(std::sin(1.0 + row * 7.0 + d * 3.0)); }

std::string text_vectors(int count, int dim) {
  std::string s = std::to_string(count) + " " + std::to_string(dim) + "\n";
  const auto words = vector_words(count);
  char number[32];
  for (int i = 0; i < count; ++i) {
    s += words[i];
    for (int d = 0; d < dim; ++d) {
      std::snprintf(number, sizeof number, " %.6g", static_cast<double>(value_of(i, d)));
      s += number;
    }
    s += '\n';
  }
  return s;
}

// word2vec binary; `nan_row` >= 0 puts a NaN in value 2 of that row.
std::string binary_vectors(int count, int dim, int nan_row = -1) {
  std::string s = std::to_string(count) + " " + std::to_string(dim) + "\n";
  const auto words = vector_words(count);
  for (int i = 0; i < count; ++i) {
    s += words[i] + " ";
    for (int d = 0; d < dim; ++d) {
      const float v = i == nan_row && d == 1 ? std::nanf("") : value_of(i, d);
      char bytes[4];
      std::memcpy(bytes, &v, 4);
      s.append(bytes, 4);
    }
    s += '\n';
  }
  return s;
}

// The lines of `text`, with line `number` (1-based) replaced.
std::string replace_line(const std::string& text, int number, const std::string& line) {
  auto lines = w2v::test::lines(text);
  lines.at(static_cast<std::size_t>(number - 1)) = line;
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// The files every case starts from, made once.
struct Data {
  std::string corpus, vec_txt, vec_bin, corpus_gz, short_gz, bad_gz, badvec_gz, shortvec_gz,
      trunc_txt, trunc_bin, corrupt_txt, hibyte_txt, nan_txt, nan_bin, big_bin;
};

const Data& data() {
  static const Data d = [] {
    Data d;
    d.corpus = w2v::test::planted_corpus(60, 2);
    d.vec_txt = text_vectors(48, 4);
    d.vec_bin = binary_vectors(48, 4);
    d.corpus_gz = w2v::test::gzip_compress(w2v::test::planted_corpus(300, 3));
    d.short_gz = d.corpus_gz.substr(0, d.corpus_gz.size() / 2);
    d.bad_gz = d.corpus_gz;
    for (std::size_t i = 20; i < 40; ++i) d.bad_gz[i] = static_cast<char>(d.bad_gz[i] ^ 0x33);
    d.badvec_gz = w2v::test::gzip_compress(d.vec_txt);
    for (std::size_t i = 20; i < 40; ++i) {
      d.badvec_gz[i] = static_cast<char>(d.badvec_gz[i] ^ 0x5A);
    }
    const std::string vec_gz = w2v::test::gzip_compress(text_vectors(48, 4));
    d.shortvec_gz = vec_gz.substr(0, vec_gz.size() / 2);
    // 12 of 48 lines.
    const auto lines = w2v::test::lines(d.vec_txt);
    for (std::size_t i = 0; i <= 12; ++i) d.trunc_txt += lines[i] + "\n";
    d.trunc_bin = d.vec_bin.substr(0, d.vec_bin.size() / 2 + 3);
    d.corrupt_txt = replace_line(d.vec_txt, 3, "t0w1 0.25 0.x5 0.5 0.75");
    // A value with bytes above 0x7F (U+00E9) on line 4.
    d.hibyte_txt = replace_line(d.vec_txt, 4,
                                "t0w2 0.25 0.\xC3\xA9"
                                "5 0.5 0.75");
    d.nan_txt = replace_line(d.vec_txt, 2, "t0w0 0.25 nan 0.5 0.75");
    d.nan_bin = binary_vectors(48, 4, 2);
    d.big_bin = binary_vectors(3000, 32);  // 414 KB: more than the full disk holds
    return d;
  }();
  return d;
}

// What a folder holds, recursively: relative path -> type, mode and content (a symlink by
// its target, never followed).
std::map<std::string, std::string> snapshot(const std::string& root) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> state;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string path = it->path().string();
    const std::string rel = path.substr(root.size() + 1);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      state[rel] = "vanished";
      continue;
    }
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    if (S_ISLNK(st.st_mode)) {
      state[rel] = "symlink -> " + fs::read_symlink(it->path()).string();
    } else if (S_ISREG(st.st_mode)) {
      state[rel] = std::string("file ") + mode + " " + read_file(path);
    } else if (S_ISDIR(st.st_mode)) {
      state[rel] = std::string("folder ") + mode;
    } else if (S_ISFIFO(st.st_mode)) {
      state[rel] = std::string("fifo ") + mode;
    } else {
      state[rel] = std::string("other ") + mode;
    }
  }
  return state;
}

std::string short_form(const std::string& s) {
  std::string out = s.substr(0, 60);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '.';
  }
  return out + (s.size() > 60 ? "... (" + std::to_string(s.size()) + " bytes)" : "");
}

std::string describe_changes(const std::map<std::string, std::string>& before,
                             const std::map<std::string, std::string>& after) {
  std::string out;
  for (const auto& [name, what] : after) {
    const auto old = before.find(name);
    if (old == before.end()) {
      out += "\n  new: " + name + " (" + short_form(what) + ")";
    } else if (old->second != what) {
      out += "\n  changed: " + name + " (was " + short_form(old->second) + ", now " +
             short_form(what) + ")";
    }
  }
  for (const auto& [name, what] : before) {
    if (after.count(name) == 0) out += "\n  gone: " + name;
  }
  return out;
}

bool is_char_device(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

// The range `--help` shows for OPTION of COMMAND ("[1, 100000]"), or "" when it shows none.
std::string help_range(const std::string& command, const std::string& option) {
  static std::map<std::string, std::string> helps;
  auto found = helps.find(command);
  if (found == helps.end()) {
    const auto r = w2v::test::run_command(shell_quote(W2V_BINARY) + " " + command + " --help");
    found = helps.emplace(command, r.out).first;
  }
  const std::string& help = found->second;
  for (const char* type : {" INT in ", " FLOAT in "}) {
    const std::size_t at = help.find(" " + option + type);
    if (at == std::string::npos) continue;
    const std::size_t start = at + 1 + option.size() + std::strlen(type);
    const std::size_t end = help.find_first_of("])", start);
    if (end == std::string::npos) return "";
    return help.substr(start, end + 1 - start);
  }
  return "";
}

// A fresh folder holding the standard inputs and outputs, and whatever a case adds: a
// read-only folder, a full disk, FIFOs with their readers.
class Fixture {
 public:
  Fixture() {
    const Data& d = data();
    put("corpus.txt", d.corpus);
    put("empty.txt", "");
    std::filesystem::create_directory(dir.file("adir"));
    put("afile.txt", "just a file\n");
    put("short.gz", d.short_gz);
    put("bad.gz", d.bad_gz);
    put("vec.txt", d.vec_txt);
    put("vec.bin", d.vec_bin);
    put("badvec.gz", d.badvec_gz);
    put("shortvec.gz", d.shortvec_gz);
    put("trunc.txt", d.trunc_txt);
    put("trunc.bin", d.trunc_bin);
    put("corrupt.txt", d.corrupt_txt);
    put("hibyte.txt", d.hibyte_txt);
    put("nan.txt", d.nan_txt);
    put("nan.bin", d.nan_bin);
    put("hugecount.txt", "4294967295 4\nt0w0 0.1 0.2 0.3 0.4\n");
    put("bigcount.bin", "4000000000 4\n" + d.vec_bin.substr(d.vec_bin.find('\n') + 1, 3 * 22));
    put("hugedim.txt", "3 2000000\nt0w0 0.1 0.2 0.3 0.4\n");
    put("hugedim.bin", "3 2000000\n" + d.vec_bin.substr(d.vec_bin.find('\n') + 1));
    put("longheader.txt", std::string(300, '1'));
    put("q.txt", ": topics\nt0w0 t0w1 t1w0 t1w1\n");
    put("badq.txt", ": topics\nt0w0 t0w1 t1w0\n");
    put("badutf.txt", ": topics\nt0w0 \xFF t1w0 t1w1\n");
    put("sim.txt", "t0w0 t0w1 5.0\nt1w0 t2w1 1.0\n");
    put("badsim.txt", "t0w0 t0w1 high\n");
    put("ctlvocab.txt", "t0w0 5\nt0\x01w1 3\n");
    put("badcount.txt", "t0w0 5\nt0w1 five\n");
    // Existing outputs that a failed command must leave as they are.
    put("out.txt", "old output: must survive\n");
    put("out.bin", "old binary output: must survive\n");
    link("out.txt", "outlink.txt");
    link("nodir/x.txt", "dangling.txt");
    link("loop.txt", "loop.txt");
    link("adir", "dirlink");
    REQUIRE(::link(dir.file("out.txt").c_str(), dir.file("outhard.txt").c_str()) == 0);
  }
  ~Fixture() {
    readers_.clear();  // killed if still running
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it) {
      if (::umount(it->c_str()) != 0) ::umount2(it->c_str(), MNT_DETACH);
    }
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  void put(const std::string& name, const std::string& content) {
    write_file(dir.file(name), content);
  }
  void link(const std::string& target, const std::string& name) {
    std::filesystem::create_symlink(target, dir.file(name));
  }

  // A folder where nothing can be written, holding old.txt: a read-only bind mount, or,
  // where mounting is not allowed, a path under a regular file.
  std::string read_only() {
    if (!ro_.empty()) return ro_;
    std::filesystem::create_directory(dir.file("ro_src"));
    put("ro_src/old.txt", "read-only folder's file: must survive\n");
    std::filesystem::create_directory(dir.file("ro"));
    const std::string target = dir.file("ro");
    if (::mount(dir.file("ro_src").c_str(), target.c_str(), nullptr, MS_BIND, nullptr) == 0) {
      mounts_.push_back(target);
      if (::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) ==
              0 &&
          ::access(target.c_str(), W_OK) != 0 && errno == EROFS) {
        ro_ = "ro";
        variant += "read-only bind mount; ";
        return ro_;
      }
    }
    ro_ = "afile.txt";
    variant += "no read-only mount (" + std::string(std::strerror(errno)) +
               "): a path under a regular file instead; ";
    return ro_;
  }

  // A folder on a 256 KiB tmpfs holding out.bin; where mounting is not allowed, a plain
  // folder with `ulimit -f 64` in front of the command.
  std::string full_disk() {
    if (!full_.empty()) return full_;
    full_ = "full";
    std::filesystem::create_directory(dir.file(full_));
    const std::string target = dir.file(full_);
    if (::mount("tmpfs", target.c_str(), "tmpfs", 0, "size=256k") == 0) {
      mounts_.push_back(target);
      variant += "256 KiB tmpfs; ";
    } else {
      prefix += "ulimit -f 64; ";
      variant += "no tmpfs (" + std::string(std::strerror(errno)) + "): ulimit -f 64 instead; ";
    }
    put(full_ + "/out.bin", "old output on the full disk: must survive\n");
    return full_;
  }

  // A FIFO `name` with `reader` (shell text reading standard input) draining it into a
  // file outside the folder.
  void fifo_with_reader(const std::string& name, const std::string& reader) {
    REQUIRE(::mkfifo(dir.file(name).c_str(), 0644) == 0);
    fifos_.push_back(dir.file(name));
    readers_.push_back(std::make_unique<Background>("exec " + reader + " < " +
                                                    shell_quote(dir.file(name)) + " > " +
                                                    shell_quote(aux.file("from_" + name))));
  }
  // What the reader of FIFO `name` got.
  std::string fifo_got(const std::string& name) { return read_file(aux.file("from_" + name)); }

  // Ends the readers' wait: a reader still waiting for a writer gets end of input (one
  // that has not opened its FIFO yet is waited for).
  void release_fifos() {
    for (std::size_t i = 0; i < fifos_.size(); ++i) {
      w2v::test::wait_until(
          [&] {
            const int fd = ::open(fifos_[i].c_str(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0) ::close(fd);
            return fd >= 0 || !readers_[i]->running();
          },
          10);
      CHECK_MESSAGE(readers_[i]->wait(10) >= 0, "the reader of " << fifos_[i] << " did not end");
    }
  }

  TempDir dir;          // the folder the command runs in, checked before and after
  TempDir aux;          // outside it: what FIFO readers got
  std::string prefix;   // shell text before the command
  std::string variant;  // which way the read-only folder and full disk were made

 private:
  std::string ro_, full_;
  std::vector<std::string> mounts_;
  std::vector<std::string> fifos_;
  std::vector<std::unique_ptr<Background>> readers_;
};

struct Case {
  std::string command;  // the subcommand
  std::string kind;
  std::string name;
  // Shell text after `w2v`, run in the fixture's folder. {ro}: a read-only folder, {full}:
  // a full disk. Standard input is /dev/null unless the text redirects it.
  std::string args;
  int exit_code;
  // The message holds each of these; "range:OPTION" stands for the range --help shows.
  std::vector<std::string> needles;
  std::function<void(Fixture&)> setup = nullptr;
  std::function<void(Fixture&, const CommandResult&)> check = nullptr;
};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// `args` plus small, quick settings for the options it does not set itself.
std::string with_defaults(const std::string& command, std::string args) {
  std::vector<std::pair<std::string, std::string>> defaults;
  if (command == "train") {
    defaults = {{"--dim", "4"}, {"--epochs", "1"}, {"--threads", "1"}, {"--min-count", "1"}};
  }
  if (command == "train" || command == "convert" || command == "export" || command == "prepare" ||
      command == "phrases") {
    defaults.emplace_back("-q", "");
  }
  for (const auto& [option, value] : defaults) {
    if (args.find(option + " ") == std::string::npos) args += " " + option + " " + value;
  }
  return args;
}

void check_no_reader_got_anything(Fixture& f, const CommandResult&) {
  CHECK_MESSAGE(f.fifo_got("fifo").empty(),
                "the FIFO's reader got " << f.fifo_got("fifo").size() << " bytes");
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    const auto fifo_cat = [](Fixture& f) { f.fifo_with_reader("fifo", "cat"); };
    const auto big = [](Fixture& f) { f.put("big.bin", data().big_bin); };
    const auto projector = [](Fixture& f) {
      std::filesystem::create_directory(f.dir.file("proj"));
      f.put("proj/vectors.tsv", "old vectors.tsv\n");
      f.put("proj/metadata.tsv", "old metadata.tsv\n");
    };
    std::vector<Case> c;
    // The subcommand is the first word of the arguments.
    const auto add = [&c](std::string kind, std::string name, std::string args, int exit_code,
                          std::vector<std::string> needles,
                          std::function<void(Fixture&)> setup = nullptr,
                          std::function<void(Fixture&, const CommandResult&)> check = nullptr) {
      const std::string command = args.substr(0, args.find(' '));
      c.push_back(Case{command, std::move(kind), std::move(name), std::move(args), exit_code,
                       std::move(needles), std::move(setup), std::move(check)});
    };
    // ---------------------------------------------------------------- train
    add("missing", "corpus missing", "train missing.txt -o out.txt", 1, {"missing.txt"});
    add("missing", "--read-vocab missing", "train corpus.txt --read-vocab nov.txt -o out.txt", 1,
        {"nov.txt"});
    add("missing", "--config missing", "train corpus.txt --config no.toml -o out.txt", 1,
        {"no.toml"});
    add("empty", "empty corpus", "train empty.txt -o out.txt", 1, {"empty"});
    add("empty", "empty standard input", "train - -o out.txt < empty.txt", 1,
        {"standard input", "empty"});
    add("empty", "empty --read-vocab", "train corpus.txt --read-vocab empty.txt -o out.txt", 1,
        {"empty.txt"});
    add("empty", "empty output path", "train corpus.txt -o ''", 2, {"output"});
    add("directory", "corpus is a directory", "train adir -o out.txt", 1, {"adir", "directory"});
    add("directory", "--read-vocab is a directory", "train corpus.txt --read-vocab adir -o out.txt",
        1, {"adir"});
    add("directory", "output is a directory", "train corpus.txt -o adir", 1, {"adir", "directory"});
    add("directory", "--save-context is a directory",
        "train corpus.txt -o out.txt --save-context adir", 1, {"adir"});
    add("truncated", "truncated gzip corpus", "train short.gz -o out.txt", 1, {"short.gz"});
    add("corrupted", "corrupt gzip corpus", "train bad.gz -o out.txt", 1, {"bad.gz"});
    add("corrupted", "--read-vocab word with a control byte",
        "train corpus.txt --read-vocab ctlvocab.txt -o out.txt", 1, {"ctlvocab.txt:2:"});
    add("corrupted", "--read-vocab count not a number",
        "train corpus.txt --read-vocab badcount.txt -o out.txt", 1, {"badcount.txt:2:"});
    add("wrong-type", "--read-vocab is a binary vector file",
        "train corpus.txt --read-vocab vec.bin -o out.txt", 1, {"vec.bin:2:"});
    add("wrong-type", "--config is a binary vector file",
        "train corpus.txt --config vec.bin -o out.txt", 2, {"vec.bin"});
    add("out-of-range", "--dim 0", "train corpus.txt --dim 0 -o out.txt", 2,
        {"--dim", "range:--dim"});
    add("out-of-range", "--dim above its range", "train corpus.txt --dim 100001 -o out.txt", 2,
        {"--dim", "range:--dim"});
    add("out-of-range", "--dim 010 (leading zero)", "train corpus.txt --dim 010 -o out.txt", 2,
        {"--dim", "range:--dim"});
    add("out-of-range", "--dim 0x10", "train corpus.txt --dim 0x10 -o out.txt", 2,
        {"--dim", "range:--dim"});
    add("out-of-range", "--window 1e3", "train corpus.txt --window 1e3 -o out.txt", 2,
        {"--window", "range:--window"});
    add("out-of-range", "--lr nan", "train corpus.txt --lr nan -o out.txt", 2,
        {"--lr", "range:--lr"});
    add("out-of-range", "--lr inf", "train corpus.txt --lr inf -o out.txt", 2,
        {"--lr", "range:--lr"});
    add("out-of-range", "--sample -0.5", "train corpus.txt --sample -0.5 -o out.txt", 2,
        {"--sample", "range:--sample"});
    add("out-of-range", "--epochs 10001", "train corpus.txt --epochs 10001 -o out.txt", 2,
        {"--epochs", "range:--epochs"});
    add("out-of-range", "--threads 0", "train corpus.txt --threads 0 -o out.txt", 2,
        {"--threads", "range:--threads"});
    add("out-of-range", "--seed -1 (unsigned)", "train corpus.txt --seed -1 -o out.txt", 2,
        {"--seed", "range:--seed"});
    add("out-of-range", "--min-count -1", "train corpus.txt --min-count -1 -o out.txt", 2,
        {"--min-count", "range:--min-count"});
    add("out-of-range", "--add-context 101", "train corpus.txt --add-context 101 -o out.txt", 2,
        {"--add-context", "range:--add-context"});
    add("out-of-range", "--max-word-bytes 3", "train corpus.txt --max-word-bytes 3 -o out.txt", 2,
        {"--max-word-bytes", "range:--max-word-bytes"});
    add("unwritable", "output in a read-only folder", "train corpus.txt -o {ro}/out.txt", 1,
        {"{ro}/out.txt"});
    add("unwritable", "existing output in a read-only folder", "train corpus.txt -o {ro}/old.txt",
        1, {"{ro}/old.txt"});
    add("unwritable", "--save-vocab in a read-only folder",
        "train corpus.txt -o out.txt --save-vocab {ro}/v.txt", 1, {"{ro}/v.txt"});
    add("unwritable", "--metrics in a read-only folder",
        "train corpus.txt -o out.txt --metrics {ro}/m.json", 1, {"{ro}/m.json"});
    add("unwritable", "output under a regular file", "train corpus.txt -o afile.txt/x.txt", 1,
        {"afile.txt/x.txt"});
    add("unwritable", "output folder missing", "train corpus.txt -o nodir/out.txt", 1,
        {"nodir/out.txt"});
    add("same-path", "-o and --save-context the same",
        "train corpus.txt -o o.txt --save-context o.txt", 2, {"o.txt", "both write"});
    add("same-path", "-o and --metrics the same existing file",
        "train corpus.txt -o out.txt --metrics out.txt", 2, {"out.txt", "both write"});
    add("same-path", "-o - and --metrics -", "train corpus.txt -o - --metrics -", 2,
        {"both write"});
    add("same-path", "--save-vocab a symlink to -o",
        "train corpus.txt -o out.txt --save-vocab outlink.txt", 2, {"same file"});
    add("same-path", "--save-context a hard link to -o",
        "train corpus.txt -o out.txt --save-context outhard.txt", 2, {"same file"});
    add("same-path", "-o out.txt and --save-vocab ./out.txt",
        "train corpus.txt -o out.txt --save-vocab ./out.txt", 2, {"both write"});
    add("same-path", "-o is the corpus", "train corpus.txt -o corpus.txt", 2,
        {"-o", "corpus.txt", "input"});
    add("same-path", "--save-vocab a symlink to the corpus",
        "train corpus.txt -o out.txt --save-vocab corplink", 2, {"--save-vocab", "input"},
        [](Fixture& f) { f.link("corpus.txt", "corplink"); });
    add("same-path", "--checkpoint is the second corpus file",
        "train empty.txt corpus.txt -o out.txt --checkpoint ./corpus.txt", 2,
        {"--checkpoint", "input"});
    add("same-path", "word2vec -output is the corpus",
        "word2vec -train corpus.txt -output corpus.txt -size 4 -iter 1 -min-count 1", 2,
        {"corpus.txt", "input"});
    add("symlink", "failed run through a symlink output", "train empty.txt -o outlink.txt", 1,
        {"empty"});
    add("symlink", "symlink output into a missing folder", "train corpus.txt -o dangling.txt", 1,
        {"dangling.txt"});
    add("symlink", "symlink loop output", "train corpus.txt -o loop.txt", 1, {"loop.txt"});
    add("symlink", "symlink output to a directory", "train corpus.txt -o dirlink", 1, {"dirlink"});
    add("device", "-o /dev/full", "train corpus.txt -o /dev/full", 1, {"/dev/full"});
    add("device", "--save-vocab /dev/full", "train corpus.txt -o out.txt --save-vocab /dev/full", 1,
        {"/dev/full"});
    add("device", "failed run into /dev/null", "train empty.txt -o /dev/null", 1, {"empty"});
    add("device", "-o - into /dev/full", "train corpus.txt -o - > /dev/full", 1,
        {"standard output"});
    add("fifo", "failed run into a FIFO", "train empty.txt -o fifo", 1, {"empty"}, fifo_cat,
        check_no_reader_got_anything);
    add("full-disk", "output on a full disk", "train corpus.txt --dim 3000 -o {full}/out.bin", 1,
        {"{full}/out.bin"});
    add("full-disk", "--save-context on a full disk",
        "train corpus.txt --dim 3000 -o /dev/null --save-context {full}/ctx.bin", 1,
        {"{full}/ctx.bin"});
    add("full-disk", "output over ulimit -f", "train corpus.txt --dim 3000 -o out.bin", 1,
        {"out.bin"}, [](Fixture& f) { f.prefix += "ulimit -f 64; "; });
    add("stdin-twice", "- twice", "train - - -o out.txt < corpus.txt", 2,
        {"standard input", "only once"});
    add("stdin-twice", "corpus and --read-vocab -",
        "train - --read-vocab - -o out.txt < corpus.txt", 2, {"standard input", "only once"});
    add("stdin-twice", "corpus and --config -", "train - --config - -o out.txt < epochs.toml", 2,
        {"standard input", "only once"}, [](Fixture& f) { f.put("epochs.toml", "epochs = 1\n"); });

    // Token caches and checkpoints, made by the binary and then damaged or mismatched.
    const auto made = [](Fixture& f, const std::string& args) {
      const auto r = w2v::test::run_command("cd " + shell_quote(f.dir.path()) + " && " +
                                            shell_quote(W2V_BINARY) + " " + args);
      REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    };
    const auto cache = [made](Fixture& f) { made(f, "prepare corpus.txt -o c.w2vc -q"); };
    const auto checkpoint = [made](Fixture& f) {
      made(f, "train corpus.txt -o v.txt --dim 4 --epochs 1 --min-count 1 -q --checkpoint k.w2vk");
    };
    const auto damage = [](Fixture& f, const std::string& name, double where) {
      std::string bytes = read_file(f.dir.file(name));
      const auto at = static_cast<std::size_t>(static_cast<double>(bytes.size()) * where);
      bytes[at] = static_cast<char>(bytes[at] ^ 0x40);
      f.put(name, bytes);
    };
    add("corrupted", "a token cache with a damaged byte", "train c.w2vc -o out.txt", 1,
        {"c.w2vc", "section", "damaged"}, [cache, damage](Fixture& f) {
          cache(f);
          damage(f, "c.w2vc", 0.5);
        });
    add("truncated", "a truncated token cache", "train c.w2vc -o out.txt", 1,
        {"c.w2vc", "truncated"}, [cache](Fixture& f) {
          cache(f);
          const std::string bytes = read_file(f.dir.file("c.w2vc"));
          f.put("c.w2vc", bytes.substr(0, bytes.size() / 2));
        });
    add("wrong-type", "a token cache of another format version", "train c.w2vc -o out.txt", 1,
        {"c.w2vc", "format version 7"}, [cache](Fixture& f) {
          cache(f);
          std::string bytes = read_file(f.dir.file("c.w2vc"));
          bytes[8] = 7;
          f.put("c.w2vc", bytes);
        });
    add("wrong-type", "a token cache with other tokenizer options",
        "train c.w2vc --lowercase -o out.txt", 2, {"c.w2vc", "--lowercase off"}, cache);
    add("wrong-type", "a token cache among other inputs", "train c.w2vc corpus.txt -o out.txt", 2,
        {"c.w2vc", "only input"}, cache);
    add("missing", "--resume missing", "train --resume nothing.w2vk", 1, {"nothing.w2vk"});
    add("corrupted", "--resume of a damaged checkpoint", "train --resume k.w2vk -o out.txt", 1,
        {"k.w2vk", "damaged"}, [checkpoint, damage](Fixture& f) {
          checkpoint(f);
          damage(f, "k.w2vk", 0.7);
        });
    add("wrong-type", "--resume of a token cache", "train --resume c.w2vc -o out.txt", 1,
        {"c.w2vc", "not a checkpoint"}, cache);
    add("wrong-type", "--resume with another --dim", "train --resume k.w2vk --dim 5 -o out.txt", 2,
        {"--dim", "'4'", "'5'"}, checkpoint);
    add("wrong-type", "--resume and --continue", "train --resume k.w2vk --continue k.w2vk", 2,
        {"--resume and --continue"}, checkpoint);
    add("missing", "--continue without a corpus", "train --continue k.w2vk -o out.txt", 2,
        {"--continue", "corpus"}, checkpoint);
    add("missing", "--init-from missing", "train corpus.txt --init-from none.vec -o out.txt", 1,
        {"none.vec"});
    add("wrong-type", "--init-from of another dimension",
        "train corpus.txt --init-from vec.txt --dim 5 -o out.txt", 2, {"vec.txt", "--dim is 5"});
    add("same-path", "--checkpoint is -o", "train corpus.txt -o out.txt --checkpoint out.txt", 2,
        {"-o and --checkpoint"});
    add("unwritable", "--checkpoint in a missing folder",
        "train corpus.txt -o out.txt --checkpoint nodir/k.w2vk", 1, {"nodir"});
    add("out-of-range", "--checkpoint-every 0s",
        "train corpus.txt -o out.txt --checkpoint-every 0s", 2, {"--checkpoint-every", "'0s'"});
    add("out-of-range", "--checkpoint-every 5x",
        "train corpus.txt -o out.txt --checkpoint-every 5x", 2, {"--checkpoint-every", "'5x'"});
    add("out-of-range", "--memory-limit 1K", "train corpus.txt -o out.txt --memory-limit 1K", 2,
        {"--memory-limit", "'1K'"});
    add("out-of-range", "--prune-at 10", "train corpus.txt -o out.txt --prune-at 10", 2,
        {"range:--prune-at"});
    add("unwritable", "--spill-dir missing", "train corpus.txt -o out.txt --spill-dir nodir", 1,
        {"--spill-dir", "nodir"});
    add("unwritable", "--cache in a missing folder", "train corpus.txt -o out.txt --cache nodir", 1,
        {"nodir"});
    add("out-of-range", "--model unknown", "train corpus.txt -o out.txt --model glove", 2,
        {"--model", "glove"});
    add("out-of-range", "--loss unknown", "train corpus.txt -o out.txt --loss softmax", 2,
        {"--loss", "softmax"});
    add("out-of-range", "--cbow-mean neither on nor off",
        "train corpus.txt -o out.txt --model cbow --cbow-mean 1", 2, {"--cbow-mean"});
    add("out-of-range", "--negative 0 with negative sampling",
        "train corpus.txt -o out.txt --negative 0", 2, {"--negative 0", "--loss hs"});
    add("wrong-type", "--save-context with hierarchical softmax alone",
        "train corpus.txt -o out.txt --loss hs --negative 0 --save-context ctx.txt", 2,
        {"--save-context", "--negative 0"});
    add("wrong-type", "--add-context with hierarchical softmax alone",
        "train corpus.txt -o out.txt --loss hs --negative 0 --add-context 0.5", 2,
        {"--add-context", "--negative 0"});
    add("wrong-type", "--input-side center with CBOW",
        "train corpus.txt -o out.txt --model cbow --input-side center", 2,
        {"--input-side", "cbow"});
    add("full-disk", "--checkpoint on a full disk",
        "train corpus.txt -o out.txt --dim 3000 --checkpoint {full}/out.bin", 1,
        {"{full}/out.bin"});

    // ---------------------------------------------------------------- prepare
    add("missing", "corpus missing", "prepare missing.txt -o c.w2vc", 1, {"missing.txt"});
    add("missing", "no -o", "prepare corpus.txt", 2, {"--output"});
    add("empty", "empty corpus", "prepare empty.txt -o c.w2vc", 1, {"empty"});
    add("directory", "corpus is a directory", "prepare adir -o c.w2vc", 1, {"adir", "directory"});
    add("directory", "-o is a directory", "prepare corpus.txt -o adir", 1, {"adir", "directory"});
    add("unwritable", "-o in a missing folder", "prepare corpus.txt -o nodir/c.w2vc", 1, {"nodir"});
    add("unwritable", "-o in a read-only folder", "prepare corpus.txt -o {ro}/c.w2vc", 1,
        {"{ro}/c.w2vc"});
    add("wrong-type", "the input is a token cache already", "prepare c.w2vc -o d.w2vc", 2,
        {"c.w2vc", "token cache already"}, cache);
    add("out-of-range", "--max-word-bytes 3", "prepare corpus.txt -o c.w2vc --max-word-bytes 3", 2,
        {"range:--max-word-bytes"});
    add("out-of-range", "--threads 0", "prepare corpus.txt -o c.w2vc --threads 0", 2,
        {"range:--threads"});
    add("same-path", "-o is the corpus", "prepare corpus.txt -o corpus.txt", 2,
        {"corpus.txt", "input"});
    add("stdin-twice", "- twice", "prepare - - -o c.w2vc < corpus.txt", 2,
        {"standard input", "only once"});
    add("device", "-o /dev/full", "prepare corpus.txt -o /dev/full", 1, {"/dev/full"});
    add("truncated", "truncated gzip corpus", "prepare short.gz -o c.w2vc", 1, {"short.gz"});
    add("full-disk", "a cache on a full disk", "prepare corpus.txt -o {full}/out.bin", 1,
        {"{full}/out.bin"}, [](Fixture& f) {
          // A corpus whose cache does not fit 256 KiB.
          std::string big;
          while (big.size() < (1u << 20)) big += data().corpus;
          f.put("corpus.txt", big);
        });

    // ---------------------------------------------------------------- phrases
    add("missing", "corpus missing", "phrases missing.txt -o out.txt", 1, {"missing.txt"});
    add("missing", "no -o", "phrases corpus.txt", 2, {"--output"});
    add("empty", "empty corpus", "phrases empty.txt -o out.txt", 1, {"empty"});
    add("directory", "corpus is a directory", "phrases adir -o out.txt", 1, {"adir", "directory"});
    add("directory", "-o is a directory", "phrases corpus.txt -o adir", 1, {"adir", "directory"});
    add("unwritable", "-o in a missing folder", "phrases corpus.txt -o nodir/out.txt", 1,
        {"nodir"});
    add("same-path", "-o is the corpus", "phrases corpus.txt -o corpus.txt", 2,
        {"corpus.txt", "input"});
    add("same-path", "-o and --save-phrases the same",
        "phrases corpus.txt -o out.txt --save-phrases out.txt", 2, {"out.txt"});
    add("out-of-range", "--min-count 0", "phrases corpus.txt -o out.txt --min-count 0", 2,
        {"--min-count"});
    add("out-of-range", "npmi --threshold 2",
        "phrases corpus.txt -o out.txt --scoring npmi --threshold 2", 2, {"--threshold"});
    add("out-of-range", "--passes 11", "phrases corpus.txt -o out.txt --passes 11", 2,
        {"--passes"});
    add("wrong-type", "--delimiter with a space", "phrases corpus.txt -o out.txt --delimiter 'a b'",
        2, {"--delimiter"});
    add("stdin-twice", "- twice", "phrases - - -o out.txt < corpus.txt", 2,
        {"standard input", "only once"});
    add("device", "-o /dev/full", "phrases corpus.txt -o /dev/full", 1, {"/dev/full"});
    add("truncated", "truncated gzip corpus", "phrases short.gz -o out.txt", 1, {"short.gz"});

    // ---------------------------------------------------------------- pairs
    add("missing", "corpus missing", "pairs missing.txt", 1, {"missing.txt"});
    add("missing", "--config missing", "pairs corpus.txt --config no.toml", 1, {"no.toml"});
    add("empty", "empty corpus", "pairs empty.txt", 1, {"empty"});
    add("empty", "empty standard input", "pairs - < empty.txt", 1, {"standard input", "empty"});
    add("directory", "corpus is a directory", "pairs adir", 1, {"adir", "directory"});
    add("directory", "corpus a symlink to a directory", "pairs dirlink", 1, {"dirlink"});
    add("truncated", "truncated gzip corpus", "pairs short.gz", 1, {"short.gz"});
    add("corrupted", "corrupt gzip corpus", "pairs bad.gz", 1, {"bad.gz"});
    add("corrupted", "--read-vocab count not a number",
        "pairs corpus.txt --read-vocab badcount.txt", 1, {"badcount.txt:2:"});
    add("wrong-type", "--read-vocab is a text vector file", "pairs corpus.txt --read-vocab vec.txt",
        1, {"vec.txt:2:"});
    add("out-of-range", "--window 0", "pairs corpus.txt --window 0", 2,
        {"--window", "range:--window"});
    add("out-of-range", "--negative 1001", "pairs corpus.txt --negative 1001", 2,
        {"--negative", "range:--negative"});
    add("out-of-range", "--limit -1", "pairs corpus.txt --limit -1", 2,
        {"--limit", "range:--limit"});
    add("out-of-range", "--ns-exponent nan", "pairs corpus.txt --ns-exponent nan", 2,
        {"--ns-exponent", "range:--ns-exponent"});
    add("out-of-range", "--sample inf", "pairs corpus.txt --sample inf", 2,
        {"--sample", "range:--sample"});
    add("out-of-range", "--seed 0x10", "pairs corpus.txt --seed 0x10", 2,
        {"--seed", "range:--seed"});
    add("out-of-range", "--max-vocab 4294967295", "pairs corpus.txt --max-vocab 4294967295", 2,
        {"--max-vocab", "range:--max-vocab"});
    add("device", "standard output is /dev/full", "pairs corpus.txt > /dev/full", 1,
        {"standard output"});
    add("unwritable", "standard output closed", "pairs corpus.txt >&-", 1, {"standard output"});
    add("stdin-twice", "- twice", "pairs - - < corpus.txt", 2, {"standard input", "only once"});
    add("stdin-twice", "corpus and --read-vocab -", "pairs - --read-vocab - < corpus.txt", 2,
        {"standard input", "only once"});

    // ---------------------------------------------------------------- nearest
    add("missing", "vectors missing", "nearest missing.txt t0w0", 1, {"missing.txt"});
    add("missing", "vectors a dangling symlink", "nearest dangling.txt t0w0", 1, {"dangling.txt"});
    add("empty", "empty vector file", "nearest empty.txt t0w0", 1, {"empty.txt"});
    add("empty", "empty standard input", "nearest - t0w0 < empty.txt", 1,
        {"standard input", "empty"});
    add("directory", "vectors a directory", "nearest adir t0w0", 1, {"adir", "directory"});
    add("directory", "vectors a symlink to a directory", "nearest dirlink t0w0", 1, {"dirlink"});
    add("truncated", "truncated text vectors", "nearest trunc.txt t0w0", 1, {"trunc.txt"});
    add("truncated", "truncated binary vectors", "nearest trunc.bin t0w0", 1, {"trunc.bin"});
    add("truncated", "truncated gzip vectors", "nearest shortvec.gz t0w0", 1, {"shortvec.gz"});
    add("corrupted", "a value that is not a number", "nearest corrupt.txt t0w0", 1,
        {"corrupt.txt:3:"});
    add("corrupted", "a text value with bytes above 0x7F", "nearest hibyte.txt t0w0", 1,
        {"hibyte.txt:4:"});
    add("corrupted", "a NaN value", "nearest nan.txt t0w0", 1, {"nan.txt:2:"});
    add("corrupted", "corrupt gzip vectors", "nearest badvec.gz t0w0", 1, {"badvec.gz"});
    add("huge-header", "count beyond what the tool handles", "nearest hugecount.txt t0w0", 1,
        {"hugecount.txt:1:"});
    add("huge-header", "dimension 2000000", "nearest hugedim.txt t0w0", 1, {"hugedim.txt:1:"});
    add("huge-header", "a 300-byte first line without a break", "nearest longheader.txt t0w0", 1,
        {"longheader.txt:1:"});
    add("wrong-type", "a corpus as vectors", "nearest corpus.txt t0w0", 1, {"corpus.txt:1:"});
    add("out-of-range", "-k 0", "nearest vec.txt t0w0 -k 0", 2, {"-k", "range:-k"});
    add("out-of-range", "-k 010", "nearest vec.txt t0w0 -k 010", 2, {"-k", "range:-k"});
    add("out-of-range", "--threads 1025", "nearest vec.txt t0w0 --threads 1025", 2,
        {"--threads", "range:--threads"});
    add("out-of-range", "--restrict -1", "nearest vec.txt t0w0 --restrict -1", 2,
        {"--restrict", "range:--restrict"});
    add("out-of-range", "--threshold 1.5", "nearest vec.txt t0w0 --threshold 1.5", 2,
        {"--threshold", "range:--threshold"});
    add("out-of-range", "--threshold nan", "nearest vec.txt t0w0 --threshold nan", 2,
        {"--threshold", "range:--threshold"});
    add("out-of-range", "--limit 1.5", "nearest vec.txt t0w0 --limit 1.5", 2,
        {"--limit", "range:--limit"});
    add("stdin-twice", "vectors from - and no words", "nearest - < vec.txt", 2, {"standard input"});
    add("device", "standard output is /dev/full", "nearest vec.txt t0w0 > /dev/full", 1,
        {"standard output"});
    add("unwritable", "standard output closed", "nearest vec.txt t0w0 >&-", 1, {"standard output"});

    // ---------------------------------------------------------------- analogy
    add("missing", "vectors missing", "analogy missing.txt t0w0 t0w1 t1w0", 1, {"missing.txt"});
    add("empty", "empty vector file", "analogy empty.txt t0w0 t0w1 t1w0", 1, {"empty.txt"});
    add("directory", "vectors a directory", "analogy adir t0w0 t0w1 t1w0", 1,
        {"adir", "directory"});
    add("truncated", "truncated binary vectors", "analogy trunc.bin t0w0 t0w1 t1w0", 1,
        {"trunc.bin"});
    add("truncated", "truncated gzip vectors", "analogy shortvec.gz t0w0 t0w1 t1w0", 1,
        {"shortvec.gz"});
    add("corrupted", "a NaN in binary vectors", "analogy nan.bin t0w0 t0w1 t1w0", 1,
        {"nan.bin", "NaN"});
    add("huge-header", "binary count of 4000000000 over 3 vectors",
        "analogy bigcount.bin t0w0 t0w1 t1w0", 1, {"bigcount.bin"});
    add("huge-header", "binary dimension 2000000", "analogy hugedim.bin t0w0 t0w1 t1w0", 1,
        {"hugedim.bin:1:"});
    add("wrong-type", "analogy questions as vectors", "analogy q.txt t0w0 t0w1 t1w0", 1,
        {"q.txt:1:"});
    add("out-of-range", "two words", "analogy vec.txt t0w0 t0w1", 2, {"three words"});
    add("out-of-range", "-k 0", "analogy vec.txt t0w0 t0w1 t1w0 -k 0", 2, {"-k", "range:-k"});
    add("out-of-range", "--limit -1", "analogy vec.txt t0w0 t0w1 t1w0 --limit -1", 2,
        {"--limit", "range:--limit"});
    add("out-of-range", "--threads -1", "analogy vec.txt t0w0 t0w1 t1w0 --threads -1", 2,
        {"--threads", "range:--threads"});
    add("out-of-range", "--method foo", "analogy vec.txt t0w0 t0w1 t1w0 --method foo", 2,
        {"--method"});
    add("stdin-twice", "vectors from - and no words", "analogy - < vec.txt", 2, {"standard input"});
    add("device", "standard output is /dev/full", "analogy vec.txt t0w0 t0w1 t1w0 > /dev/full", 1,
        {"standard output"});

    // ---------------------------------------------------------------- similarity
    add("missing", "vectors missing", "similarity missing.txt t0w0 t0w1", 1, {"missing.txt"});
    add("empty", "empty vector file", "similarity empty.txt t0w0 t0w1", 1, {"empty.txt"});
    add("empty", "empty standard input", "similarity - t0w0 t0w1 < empty.txt", 1,
        {"standard input", "empty"});
    add("directory", "vectors a directory", "similarity adir t0w0 t0w1", 1, {"adir", "directory"});
    add("truncated", "truncated binary vectors", "similarity trunc.bin t0w0 t0w1", 1,
        {"trunc.bin"});
    add("corrupted", "a NaN value", "similarity nan.txt t0w0 t0w1", 1, {"nan.txt:2:"});
    add("out-of-range", "one word", "similarity vec.txt t0w0", 2, {"two words"});
    add("out-of-range", "three words", "similarity vec.txt t0w0 t0w1 t1w0", 2, {"two words"});
    add("out-of-range", "--limit -1", "similarity vec.txt t0w0 t0w1 --limit -1", 2,
        {"--limit", "range:--limit"});
    add("stdin-twice", "vectors from - and no words", "similarity - < vec.txt", 2,
        {"standard input"});
    add("device", "standard output is /dev/full", "similarity vec.txt t0w0 t0w1 > /dev/full", 1,
        {"standard output"});

    // ---------------------------------------------------------------- doesnt-match
    add("missing", "vectors missing", "doesnt-match missing.txt t0w0 t0w1 t1w0", 1,
        {"missing.txt"});
    add("empty", "empty vector file", "doesnt-match empty.txt t0w0 t0w1 t1w0", 1, {"empty.txt"});
    add("directory", "vectors a directory", "doesnt-match adir t0w0 t0w1 t1w0", 1,
        {"adir", "directory"});
    add("truncated", "truncated gzip vectors", "doesnt-match shortvec.gz t0w0 t0w1 t1w0", 1,
        {"shortvec.gz"});
    add("wrong-type", "a corpus as vectors", "doesnt-match corpus.txt t0w0 t0w1 t1w0", 1,
        {"corpus.txt:1:"});
    add("out-of-range", "two words", "doesnt-match vec.txt t0w0 t0w1", 2, {"at least 3 words"});
    add("out-of-range", "no word", "doesnt-match vec.txt", 2, {"words"});
    add("out-of-range", "--limit 1.5", "doesnt-match vec.txt t0w0 t0w1 t1w0 --limit 1.5", 2,
        {"--limit", "range:--limit"});
    add("wrong-type", "words not in the vocabulary", "doesnt-match vec.txt t0w0 nope t1w0 zz", 3,
        {"'nope', 'zz' are not in the vocabulary"});
    add("device", "standard output is /dev/full", "doesnt-match vec.txt t0w0 t0w1 t1w0 > /dev/full",
        1, {"standard output"});

    // ---------------------------------------------------------------- eval
    add("missing", "vectors missing", "eval missing.txt --analogies q.txt", 1, {"missing.txt"});
    add("missing", "--analogies missing", "eval vec.txt --analogies noq.txt", 1, {"noq.txt"});
    add("missing", "--similarity missing", "eval vec.txt --similarity nosim.txt", 1, {"nosim.txt"});
    add("empty", "empty vector file", "eval empty.txt --analogies q.txt", 1, {"empty.txt"});
    add("directory", "vectors a directory", "eval adir --analogies q.txt", 1,
        {"adir", "directory"});
    add("directory", "--similarity a directory", "eval vec.txt --similarity adir", 1, {"adir"});
    add("truncated", "truncated text vectors", "eval trunc.txt --analogies q.txt", 1,
        {"trunc.txt"});
    add("corrupted", "an analogy line of three words", "eval vec.txt --analogies badq.txt", 1,
        {"badq.txt:2:"});
    add("corrupted", "a similarity score that is not a number",
        "eval vec.txt --similarity badsim.txt", 1, {"badsim.txt:1:"});
    add("corrupted", "invalid UTF-8 in the analogies", "eval vec.txt --analogies badutf.txt", 1,
        {"badutf.txt:2:"});
    add("wrong-type", "binary vectors as analogies", "eval vec.txt --analogies vec.bin", 1,
        {"vec.bin:"});
    add("huge-header", "count beyond what the tool handles", "eval hugecount.txt --analogies q.txt",
        1, {"hugecount.txt:1:"});
    add("out-of-range", "--restrict -1", "eval vec.txt --analogies q.txt --restrict -1", 2,
        {"--restrict", "range:--restrict"});
    add("out-of-range", "--threads 1025", "eval vec.txt --analogies q.txt --threads 1025", 2,
        {"--threads", "range:--threads"});
    add("out-of-range", "--limit 1.5", "eval vec.txt --analogies q.txt --limit 1.5", 2,
        {"--limit", "range:--limit"});
    add("stdin-twice", "vectors and --analogies -", "eval - --analogies - < q.txt", 2,
        {"standard input", "only once"});
    add("stdin-twice", "--similarity - twice", "eval vec.txt --similarity - - < sim.txt", 2,
        {"standard input", "only once"});
    add("stdin-twice", "--analogies - and --similarity -",
        "eval vec.txt --analogies - --similarity - < sim.txt", 2, {"standard input", "only once"});
    add("device", "standard output is /dev/full", "eval vec.txt --similarity sim.txt > /dev/full",
        1, {"standard output"});

    // ---------------------------------------------------------------- convert
    add("missing", "input missing", "convert missing.txt out.bin", 1, {"missing.txt"});
    add("empty", "empty input", "convert empty.txt out.bin", 1, {"empty.txt"});
    add("empty", "empty output path", "convert vec.txt ''", 2, {"output"});
    add("directory", "input a directory", "convert adir out.bin", 1, {"adir", "directory"});
    add("directory", "output a directory", "convert vec.txt adir", 1, {"adir", "directory"});
    add("truncated", "truncated text input", "convert trunc.txt out.bin", 1, {"trunc.txt"});
    add("truncated", "truncated binary input", "convert trunc.bin out.txt", 1, {"trunc.bin"});
    add("corrupted", "a value that is not a number", "convert corrupt.txt out.bin", 1,
        {"corrupt.txt:3:"});
    add("corrupted", "a text value with bytes above 0x7F", "convert hibyte.txt out.bin", 1,
        {"hibyte.txt:4:"});
    add("corrupted", "corrupt gzip input", "convert badvec.gz out.bin", 1, {"badvec.gz"});
    add("corrupted", "corrupt input converted onto itself", "convert corrupt.txt corrupt.txt", 1,
        {"corrupt.txt:3:"});
    add("huge-header", "count beyond what the tool handles", "convert hugecount.txt out.bin", 1,
        {"hugecount.txt:1:"});
    add("huge-header", "dimension 2000000", "convert hugedim.txt out.bin", 1, {"hugedim.txt:1:"});
    add("huge-header", "binary count of 4000000000 over 3 vectors", "convert bigcount.bin out.txt",
        1, {"bigcount.bin"});
    add("wrong-type", "a corpus as vectors", "convert corpus.txt out.bin", 1, {"corpus.txt:1:"});
    add("out-of-range", "--limit -1", "convert vec.txt out.bin --limit -1", 2,
        {"--limit", "range:--limit"});
    add("out-of-range", "--limit 0x10", "convert vec.txt out.bin --limit 0x10", 2,
        {"--limit", "range:--limit"});
    add("out-of-range", "--format csv", "convert vec.txt out.bin --format csv", 2, {"--format"});
    add("unwritable", "existing output in a read-only folder", "convert vec.txt {ro}/old.txt", 1,
        {"{ro}/old.txt"});
    add("unwritable", "new output in a read-only folder", "convert vec.txt {ro}/new.bin", 1,
        {"{ro}/new.bin"});
    add("unwritable", "output under a regular file", "convert vec.txt afile.txt/x.bin", 1,
        {"afile.txt/x.bin"});
    add("unwritable", "output folder missing", "convert vec.txt nodir/out.bin", 1,
        {"nodir/out.bin"});
    add("symlink", "failed run through a symlink output", "convert corrupt.txt outlink.txt", 1,
        {"corrupt.txt:3:"});
    add("symlink", "symlink loop output", "convert vec.txt loop.txt", 1, {"loop.txt"});
    add("symlink", "symlink output into a missing folder", "convert vec.txt dangling.txt", 1,
        {"dangling.txt"});
    add("device", "output /dev/full", "convert vec.txt /dev/full", 1, {"/dev/full"});
    add("device", "failed run into /dev/null", "convert corrupt.txt /dev/null", 1,
        {"corrupt.txt:3:"});
    add("device", "standard output is /dev/full", "convert vec.txt - --format text > /dev/full", 1,
        {"standard output"});
    add("fifo", "failed run into a FIFO", "convert corrupt.txt fifo", 1, {"corrupt.txt:3:"},
        fifo_cat, check_no_reader_got_anything);
    add("fifo", "a FIFO whose reader goes away", "convert big.bin fifo --format text", 1, {"fifo"},
        [big](Fixture& f) {
          big(f);
          f.fifo_with_reader("fifo", "head -c 10");
        });
    add("full-disk", "output on a full disk", "convert big.bin {full}/out.bin", 1,
        {"{full}/out.bin"}, big);
    add("full-disk", "output over ulimit -f", "convert big.bin out.bin", 1, {"out.bin"},
        [big](Fixture& f) {
          big(f);
          f.prefix += "ulimit -f 64; ";
        });

    // ---------------------------------------------------------------- export
    add("missing", "vectors missing", "export --projector proj missing.txt", 1, {"missing.txt"});
    add("empty", "empty vector file", "export --projector proj empty.txt", 1, {"empty.txt"});
    add("empty", "empty standard input", "export --projector proj - < empty.txt", 1,
        {"standard input", "empty"});
    add("empty", "empty --projector", "export --projector '' vec.txt", 2, {"--projector"});
    add("same-path", "-o is the vectors", "export vec.npy -o vec.npy", 2, {"vec.npy", "input"},
        [](Fixture& f) { f.put("vec.npy", data().vec_bin); });
    add("same-path", "vectors.tsv is the vectors", "export --projector proj proj/vectors.tsv", 2,
        {"vectors.tsv", "input"}, [](Fixture& f) {
          std::filesystem::create_directory(f.dir.file("proj"));
          f.put("proj/vectors.tsv", data().vec_txt);
        });
    add("same-path", "plot map -o is the vectors", "plot map vec.txt t0w0 -o vec.txt", 2,
        {"vec.txt", "input"});
    add("same-path", "plot training -o is the metrics", "plot training m.json -o m.json", 2,
        {"m.json", "input"}, [](Fixture& f) { f.put("m.json", "{}\n"); });
    add("same-path", "the words file is the vectors", "export vec.words.txt -o vec.npy", 2,
        {"the words file", "input"}, [](Fixture& f) { f.put("vec.words.txt", data().vec_txt); });
    add("directory", "vectors a directory", "export --projector proj adir", 1,
        {"adir", "directory"});
    add("directory", "vectors.tsv is a directory", "export --projector proj vec.txt", 1,
        {"vectors.tsv"},
        [](Fixture& f) { std::filesystem::create_directories(f.dir.file("proj/vectors.tsv")); });
    add("truncated", "truncated binary vectors", "export --projector proj trunc.bin", 1,
        {"trunc.bin"});
    add("corrupted", "corrupt vectors over an existing export",
        "export --projector proj corrupt.txt", 1, {"corrupt.txt:3:"}, projector);
    add("huge-header", "dimension 2000000", "export --projector proj hugedim.txt", 1,
        {"hugedim.txt:1:"});
    add("wrong-type", "a corpus as vectors", "export --projector proj corpus.txt", 1,
        {"corpus.txt:1:"});
    add("wrong-type", "--projector is a regular file", "export --projector afile.txt vec.txt", 1,
        {"afile.txt", "not a folder"});
    add("out-of-range", "--limit -1", "export --projector proj vec.txt --limit -1", 2,
        {"--limit", "range:--limit"});
    add("unwritable", "--projector under a regular file", "export --projector afile.txt/p vec.txt",
        1, {"afile.txt/p"});
    add("unwritable", "--projector in a read-only folder", "export --projector {ro}/proj vec.txt",
        1, {"{ro}/proj"});
    add("symlink", "--projector a symlink to a regular file", "export --projector filelink vec.txt",
        1, {"filelink"}, [](Fixture& f) { f.link("afile.txt", "filelink"); });
    add("device", "metadata.tsv a symlink to /dev/full", "export --projector proj vec.txt", 1,
        {"metadata.tsv"}, [](Fixture& f) {
          std::filesystem::create_directory(f.dir.file("proj"));
          f.link("/dev/full", "proj/metadata.tsv");
        });
    add("same-path", "vectors.tsv a symlink to metadata.tsv", "export --projector proj vec.txt", 2,
        {"same file"}, [](Fixture& f) {
          std::filesystem::create_directory(f.dir.file("proj"));
          f.put("proj/metadata.tsv", "old metadata.tsv\n");
          f.link("metadata.tsv", "proj/vectors.tsv");
        });
    add("full-disk", "export onto a full disk", "export --projector {full}/proj big.bin", 1,
        {"{full}/proj"}, big);
    return c;
  }();
  return all;
}

void run_case(const Case& c) {
  INFO("case: " << c.command << ", " << c.kind << ": " << c.name);
  Fixture f;
  INFO("made with: " << f.variant);
  if (c.setup) c.setup(f);
  std::string args = c.args;
  std::vector<std::string> needles = c.needles;
  for (const auto& [mark, make] : std::vector<std::pair<std::string, std::function<std::string()>>>{
           {"{ro}", [&] { return f.read_only(); }}, {"{full}", [&] { return f.full_disk(); }}}) {
    if (args.find(mark) == std::string::npos) continue;
    const std::string folder = make();
    replace_all(args, mark, folder);
    for (auto& n : needles) replace_all(n, mark, folder);
  }
  args = with_defaults(c.command, args);
  if (args.find('<') == std::string::npos) args += " < /dev/null";
  INFO("command: " << f.prefix << "w2v " << args);
  const auto before = snapshot(f.dir.path());
  const CommandResult r =
      w2v::test::run_command("cd " + shell_quote(f.dir.path()) + " || exit 99; " + f.prefix +
                             "timeout -k 5 60 " + shell_quote(W2V_BINARY) + " " + args);
  f.release_fifos();
  const auto after = snapshot(f.dir.path());
  CHECK(r.exit_code == c.exit_code);
  // One line, "w2v: error: ...", naming what went wrong.
  INFO("stderr: " << r.err);
  CHECK(r.err.rfind("w2v: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK((!r.err.empty() && r.err.back() == '\n'));
  for (const std::string& needle : needles) {
    if (needle.rfind("range:", 0) == 0) {
      const std::string option = needle.substr(6);
      const std::string range = help_range(c.command, option);
      CHECK_MESSAGE(!range.empty(), "w2v " << c.command << " --help shows no range for " << option);
      if (!range.empty()) {
        CHECK_MESSAGE(r.err.find(range) != std::string::npos,
                      "the message lacks the range " << range);
      }
    } else {
      CHECK_MESSAGE(r.err.find(needle) != std::string::npos,
                    "the message lacks '" << needle << "'");
    }
  }
  CHECK(r.out.empty());
  // Every file as it was: nothing new, no temporary, old files byte-identical, links
  // still links, FIFOs still FIFOs.
  CHECK_MESSAGE(after == before, "the folder changed:" << describe_changes(before, after));
  CHECK(is_char_device("/dev/null"));
  CHECK(is_char_device("/dev/full"));
  if (c.check) c.check(f, r);
}

void run_cases(const std::string& command) {
  int n = 0;
  for (const Case& c : cases()) {
    if (c.command != command) continue;
    ++n;
    run_case(c);
  }
  CHECK(n > 0);
}

}  // namespace

TEST_SUITE("bad input") {
  TEST_CASE("bad input: train") { run_cases("train"); }
  TEST_CASE("bad input: pairs") { run_cases("pairs"); }
  TEST_CASE("bad input: nearest") { run_cases("nearest"); }
  TEST_CASE("bad input: analogy") { run_cases("analogy"); }
  TEST_CASE("bad input: similarity") { run_cases("similarity"); }
  TEST_CASE("bad input: doesnt-match") { run_cases("doesnt-match"); }
  TEST_CASE("bad input: eval") { run_cases("eval"); }
  TEST_CASE("bad input: convert") { run_cases("convert"); }
  TEST_CASE("bad input: export") { run_cases("export"); }
  TEST_CASE("bad input: prepare") { run_cases("prepare"); }
  TEST_CASE("bad input: phrases") { run_cases("phrases"); }
  TEST_CASE("bad input: word2vec") { run_cases("word2vec"); }
  TEST_CASE("bad input: plot") { run_cases("plot"); }

  TEST_CASE("bad input: the table covers every subcommand and every kind") {
    std::map<std::string, int> commands, kinds;
    std::set<std::string> names;
    for (const Case& c : cases()) {
      ++commands[c.command];
      ++kinds[c.kind];
      CHECK_MESSAGE(names.insert(c.command + ": " + c.name).second, "duplicate case " << c.name);
    }
    CHECK(cases().size() >= 80);
    for (const char* command : {"train", "prepare", "phrases", "pairs", "nearest", "analogy",
                                "eval", "convert", "export"}) {
      CHECK_MESSAGE(commands[command] >= 10, command << " has " << commands[command] << " cases");
    }
    for (const char* kind : {"missing", "empty", "directory", "truncated", "corrupted",
                             "huge-header", "wrong-type", "out-of-range", "unwritable", "same-path",
                             "symlink", "device", "fifo", "full-disk", "stdin-twice"}) {
      CHECK_MESSAGE(kinds[kind] >= 2, kind << " has " << kinds[kind] << " cases");
    }
    CHECK(kinds.size() == 15);
  }
}
