#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace w2v {

// Where bytes go: an output file, or a string in tests and round trips.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const void* data, std::size_t size) = 0;
  void write(std::string_view text) { write(text.data(), text.size()); }
  // How big the whole output will be, when the writer knows: a full disk then says how much
  // space was needed.
  virtual void expect_size(std::uint64_t) {}
};

class StringSink : public ByteSink {
 public:
  using ByteSink::write;
  void write(const void* data, std::size_t size) override {
    text_.append(static_cast<const char*>(data), size);
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// How an output path is written.
enum class OutputKind {
  // A regular file, new or replaced (through a symlink: its target): written to a
  // temporary file beside it, synced, renamed over it, and its folder synced. Readers
  // never see a partial file; until the commit an existing file is untouched.
  kFile,
  // An existing character device or FIFO (/dev/null, a named pipe): written in place.
  kStream,
  // "-": standard output, written in place.
  kStandardOutput,
};

// An output path resolved and checked before any work starts.
struct OutputPath {
  std::string path;  // as given
  OutputKind kind = OutputKind::kFile;
  std::string target;  // kFile: the file created or replaced, symlinks followed
  // What the path leads to, for telling two outputs apart: the existing file or stream, or
  // for a new file its folder and name.
  std::uint64_t device = 0, inode = 0;
  std::string new_name;
  bool terminal = false;  // a stream that is a terminal

  // kFile: the folder the file lands in; empty for the other kinds.
  std::string folder() const;
};

// Resolves and checks one output path: "-" is standard output; symlinks are followed (a
// dangling one to the file it names); an existing character device or FIFO is a stream;
// anything else must be a regular file, or a new name, in an existing folder that can be
// written. Throws Error naming the path (a directory, a missing folder, a socket).
OutputPath check_output(const std::string& path);

// Checks all the outputs of a command before any work: each as check_output, no two
// leading to the same file or stream (UsageError naming both), and none one of the files
// the command reads, `inputs` (check_not_an_input). Each pair is the option that names the
// output (for messages) and its path. The result is in the same order; an empty path (an
// output not asked for) gives an OutputPath with an empty path.
std::vector<OutputPath> check_outputs(
    const std::vector<std::pair<std::string, std::string>>& named_paths,
    const std::vector<std::string>& inputs = {});

// Refuses (UsageError naming both) an output file that is one of `inputs`: the command
// would read it and then replace it, as `w2v train corpus.txt -o corpus.txt` would lose the
// corpus. `option` names the output. Standard input, streams and inputs that do not exist
// are passed over.
void check_not_an_input(const OutputPath& output, const std::string& option,
                        const std::vector<std::string>& inputs);

// One output being written (see OutputKind). Temporary files are named
// `<name>.w2v-tmp.<pid>.<random>` and locked while their writer lives; opening a kFile
// output removes the temporaries of writers that died (kill -9) from the folder first,
// never those of live ones. A replaced file keeps its permissions (and owner, where
// allowed). Without commit() the temporary is removed and an existing file untouched.
// Writes and commit() throw Interrupted once `cancel` is set, so a signal abandons the
// output; write errors throw Error naming the path (BrokenPipe for a closed standard
// output). Not thread safe.
class OutputFile : public ByteSink {
 public:
  // Throws Error when the output cannot be opened (see check_output).
  explicit OutputFile(const std::string& path, const std::atomic<bool>* cancel = nullptr);
  explicit OutputFile(const OutputPath& checked, const std::atomic<bool>* cancel = nullptr);
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  using ByteSink::write;
  void write(const void* data, std::size_t size) override;
  void expect_size(std::uint64_t bytes) override { expected_ = bytes; }
  // Hands the buffered bytes to the kernel (an interactive answer on standard output).
  void flush();
  // Makes the output final: kFile flushes, syncs, renames and syncs the folder.
  void commit();

  const std::string& path() const { return checked_.path; }
  OutputKind kind() const { return checked_.kind; }
  bool terminal() const { return checked_.terminal; }

  // commit() in two steps, for commit_together: everything slow (flush, sync) ...
  void prepare();
  // ... and the rename, which no signal can leave half done.
  void publish();

 private:
  void open_stream();
  void open_temporary();
  void write_out(const char* data, std::size_t size);
  void check_cancel() const;
  [[noreturn]] void fail(int error) const;

  OutputPath checked_;
  const std::atomic<bool>* cancel_;
  int fd_ = -1;
  std::string temp_path_;
  std::unique_ptr<char[]> buffer_;
  std::size_t buffered_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t synced_ = 0;  // bytes whose write-back was started
  std::uint64_t expected_ = 0;
  bool prepared_ = false;
  bool committed_ = false;
};

// Commits several outputs as one: prepares each, checks `cancel` once (Interrupted: none
// is committed), then publishes each. Null entries are skipped.
void commit_together(const std::vector<OutputFile*>& files,
                     const std::atomic<bool>* cancel = nullptr);

// Removes, from `folder`, the temporary files of OutputFile writers that are no longer
// alive. Returns how many were removed.
int sweep_stale_temporaries(const std::string& folder);

}  // namespace w2v
