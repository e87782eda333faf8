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
#include <string_view>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/npy.hpp"
#include "w2v/output_file.hpp"
#include "w2v/vectors.hpp"

namespace w2v::cli {
namespace {

struct ExportFlags {
  std::string projector;
  std::string output;
  std::string format;
  std::string vectors;
  std::int64_t limit = 0;
  bool quiet = false;
};

std::vector<std::pair<std::string, std::string>> projector_files(const std::string& folder) {
  return {{"vectors.tsv", folder + "/vectors.tsv"}, {"metadata.tsv", folder + "/metadata.tsv"}};
}

// Before any work: OUTDIR is a folder whose two files can be written (and are not the
// vectors read), or it can be created (with any missing parents) inside an existing folder
// that can be written.
void check_projector_folder(const std::string& folder, const std::string& vectors) {
  if (folder.empty()) throw UsageError("--projector needs a folder");
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw Error("cannot write '" + folder + "': it is not a folder");
    check_outputs(projector_files(folder), {vectors});
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

// A vector's values, tab-separated, shortest round-trip form.
void append_row(std::string& line, const float* row, std::size_t dim) {
  char number[32];
  for (std::size_t d = 0; d < dim; ++d) {
    if (d > 0) line += '\t';
    line.append(number, std::to_chars(number, number + sizeof number, row[d]).ptr);
  }
}

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
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    line.clear();
    append_row(line, v.vectors.row(i), v.dim());
    line += '\n';
    vectors.write(line);
    line.assign(v.words.word(i));
    line += '\n';
    metadata.write(line);
  }
  commit_together({&vectors, &metadata}, cancel);
  created.keep();
}

// `word<TAB>v1<TAB>...<TAB>vd` lines, no header: what pandas.read_csv(sep="\t",
// header=None, quoting=3) and spreadsheets read.
void write_tsv(const OutputPath& path, const WordVectors& v, const std::atomic<bool>* cancel) {
  OutputFile out(path, cancel);
  std::string line;
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    line.assign(v.words.word(i));
    line += '\t';
    append_row(line, v.vectors.row(i), v.dim());
    line += '\n';
    out.write(line);
  }
  out.commit();
}

bool ends_with(const std::string& name, std::string_view suffix) {
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The words file beside an .npy matrix: vectors.npy -> vectors.words.txt.
std::string npy_words_path(const std::string& npy) {
  return (ends_with(npy, ".npy") ? npy.substr(0, npy.size() - 4) : npy) + ".words.txt";
}

// The matrix as .npy (numpy.load) and its words, one per line, in row order.
void write_npy_pair(const std::vector<OutputPath>& paths, const WordVectors& v,
                    const std::atomic<bool>* cancel) {
  OutputFile matrix(paths[0], cancel);
  OutputFile words(paths[1], cancel);
  write_npy(matrix, v.vectors);
  for (std::uint32_t i = 0; i < v.size(); ++i) {
    words.write(v.words.word(i));
    words.write("\n");
  }
  commit_together({&matrix, &words}, cancel);
}

// The format: --format, else by the name (.npy, .tsv; anything else is a projector
// folder).
std::string export_format(const ExportFlags& flags) {
  if (!flags.projector.empty()) {
    if (!flags.output.empty()) throw UsageError("--projector and -o exclude each other");
    if (!flags.format.empty() && flags.format != "projector") {
      throw UsageError("--projector writes the projector's files; use -o with --format " +
                       flags.format);
    }
    return "projector";
  }
  if (flags.output.empty()) throw UsageError("no output: give -o PATH (or --projector OUTDIR)");
  if (!flags.format.empty()) return flags.format;
  return ends_with(flags.output, ".npy")   ? "npy"
         : ends_with(flags.output, ".tsv") ? "tsv"
                                           : "projector";
}

void run(const ExportFlags& flags, const Context& context) {
  setup_logging(flags.quiet, false);
  const std::string format = export_format(flags);
  const std::string out = flags.projector.empty() ? flags.output : flags.projector;
  check_input(flags.vectors);
  std::vector<OutputPath> paths;
  if (format == "projector") {
    check_projector_folder(out, flags.vectors);
  } else if (format == "npy") {
    paths = check_outputs({{"-o", out}, {"the words file", npy_words_path(out)}}, {flags.vectors});
  } else {
    paths = check_outputs({{"-o", out}}, {flags.vectors});
  }
  const WordVectors vectors = load_with_warnings(flags.vectors, flags.limit, context.interrupted);
  if (format == "projector") {
    write_projector(out, vectors, context.interrupted);
    spdlog::info(
        "wrote {0}/vectors.tsv and {0}/metadata.tsv: {1} vectors of {2} dimensions; load "
        "them at https://projector.tensorflow.org",
        out, vectors.size(), vectors.dim());
  } else if (format == "npy") {
    write_npy_pair(paths, vectors, context.interrupted);
    spdlog::info("wrote {} ({} x {} float32) and {}", out, vectors.size(), vectors.dim(),
                 npy_words_path(out));
  } else {
    write_tsv(paths[0], vectors, context.interrupted);
    spdlog::info("wrote {}: {} vectors of {} dimensions", out, vectors.size(), vectors.dim());
  }
}

}  // namespace

void register_export(CLI::App& app, Context& context) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand("export", "Write word vectors for other tools");
  cmd->add_option("--projector", flags->projector,
                  "Write OUTDIR/vectors.tsv and OUTDIR/metadata.tsv for the TensorFlow "
                  "Embedding Projector (the same as -o OUTDIR --format projector)")
      ->type_name("OUTDIR");
  cmd->add_option("-o,--output", flags->output,
                  "Where to write: a folder for the projector, a file for tsv and npy (npy "
                  "also writes the words, one per line, to NAME.words.txt for NAME.npy); - is "
                  "standard output for tsv");
  cmd->add_option("--format", flags->format,
                  "projector, tsv (word and values per line, tab-separated) or npy (a NumPy "
                  "float32 matrix for numpy.load); default: by the name of -o (.npy, .tsv, "
                  "else projector)")
      ->check(CLI::IsMember({"projector", "tsv", "npy"}));
  cmd->add_option("vectors", flags->vectors, "Word vectors, text or binary; - reads standard input")
      ->required();
  add_number_option(*cmd, "--limit", flags->limit, ranges::kLimit,
                    "Export only the first N vectors (the projector handles about 100,000; 0: "
                    "all)");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
