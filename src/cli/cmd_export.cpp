// w2v export: vector files for other tools (the TensorFlow Embedding Projector).
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/output_file.hpp"
#include "w2v/vectors.hpp"

namespace w2v::cli {
namespace {

struct ExportFlags {
  std::string projector;
  std::string vectors;
  std::int64_t limit = 0;
  bool quiet = false;
};

std::vector<std::pair<std::string, std::string>> projector_files(const std::string& folder) {
  return {{"vectors.tsv", folder + "/vectors.tsv"}, {"metadata.tsv", folder + "/metadata.tsv"}};
}

// Before any work: OUTDIR is a folder whose two files can be written, or it can be created
// (with any missing parents) inside an existing folder that can be written.
void check_projector_folder(const std::string& folder) {
  if (folder.empty()) throw UsageError("--projector needs a folder");
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw Error("cannot write '" + folder + "': it is not a folder");
    check_outputs(projector_files(folder));
    return;
  }
  if (errno != ENOENT) throw Error("cannot write '" + folder + "': " + std::strerror(errno));
  std::filesystem::path parent = std::filesystem::path(folder).parent_path();
  for (; !parent.empty(); parent = parent.parent_path()) {
    if (::stat(parent.c_str(), &st) == 0) break;
    if (errno != ENOENT) throw Error("cannot create '" + folder + "': " + std::strerror(errno));
    if (parent == parent.parent_path()) break;
  }
  const std::string existing = parent.empty() ? "." : parent.string();
  if (::stat(existing.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error("cannot create '" + folder + "': '" + existing + "' is not a folder");
  }
  if (::access(existing.c_str(), W_OK | X_OK) != 0) {
    throw Error("cannot create '" + folder + "': '" + existing + "': " + std::strerror(errno));
  }
}

// projector.tensorflow.org's "Load" takes vectors.tsv (one tab-separated vector per line)
// and metadata.tsv (one label per line; a single column has no header line).
// The folders of `folder`'s path that do not exist yet, outermost first.
std::vector<std::filesystem::path> missing_folders(const std::string& folder) {
  std::vector<std::filesystem::path> missing;
  std::error_code error;
  for (std::filesystem::path p = folder; !p.empty() && !std::filesystem::exists(p, error);
       p = p.parent_path()) {
    missing.insert(missing.begin(), p);
    if (p == p.parent_path()) break;
  }
  return missing;
}

// Removes, innermost first, the folders a failed export created (only while empty).
class CreatedFolders {
 public:
  explicit CreatedFolders(std::vector<std::filesystem::path> folders)
      : folders_(std::move(folders)) {}
  ~CreatedFolders() {
    std::error_code ignored;
    for (auto it = folders_.rbegin(); it != folders_.rend(); ++it) {
      std::filesystem::remove(*it, ignored);
    }
  }
  void keep() { folders_.clear(); }

 private:
  std::vector<std::filesystem::path> folders_;
};

void write_projector(const std::string& folder, const WordVectors& v,
                     const std::atomic<bool>* cancel) {
  CreatedFolders created(missing_folders(folder));
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw Error("cannot create '" + folder + "': " + error.message());
  const std::vector<OutputPath> paths = check_outputs(projector_files(folder));
  OutputFile vectors(paths[0], cancel);
  OutputFile metadata(paths[1], cancel);
  std::string line;
  char number[32];
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    line.clear();
    const float* row = v.vectors.row(i);
    for (std::size_t d = 0; d < v.dim(); ++d) {
      if (d > 0) line += '\t';
      line.append(number, std::to_chars(number, number + sizeof number, row[d]).ptr);
    }
    line += '\n';
    vectors.write(line);
    line.assign(v.words.word(i));
    line += '\n';
    metadata.write(line);
  }
  commit_together({&vectors, &metadata}, cancel);
  created.keep();
}

void run(const ExportFlags& flags, const Context& context) {
  setup_logging(flags.quiet, false);
  check_input(flags.vectors);
  check_projector_folder(flags.projector);
  const WordVectors vectors = load_with_warnings(flags.vectors, flags.limit, context.interrupted);
  write_projector(flags.projector, vectors, context.interrupted);
  spdlog::info(
      "wrote {0}/vectors.tsv and {0}/metadata.tsv: {1} vectors of {2} dimensions; load "
      "them at https://projector.tensorflow.org",
      flags.projector, vectors.size(), vectors.dim());
}

}  // namespace

void register_export(CLI::App& app, Context& context) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand("export", "Write word vectors for other tools");
  cmd->add_option("--projector", flags->projector,
                  "Write OUTDIR/vectors.tsv and OUTDIR/metadata.tsv for the TensorFlow "
                  "Embedding Projector")
      ->required()
      ->type_name("OUTDIR");
  cmd->add_option("vectors", flags->vectors, "Word vectors, text or binary; - reads standard input")
      ->required();
  add_number_option(*cmd, "--limit", flags->limit, ranges::kLimit,
                    "Export only the first N vectors (the projector handles about 100,000; 0: "
                    "all)");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
