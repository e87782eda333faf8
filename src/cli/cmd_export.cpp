// w2v export: vector files for other tools (the TensorFlow Embedding Projector).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <filesystem>
#include <memory>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/atomic_file.hpp"
#include "w2v/error.hpp"
#include "w2v/vectors.hpp"

namespace w2v::cli {
namespace {

struct ExportFlags {
  std::string projector;
  std::string vectors;
  std::int64_t limit = 0;
  bool quiet = false;
};

// projector.tensorflow.org's "Load" takes vectors.tsv (one tab-separated vector per line)
// and metadata.tsv (one label per line; a single column has no header line).
void write_projector(const std::string& folder, const WordVectors& v) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw Error("cannot create '" + folder + "': " + error.message());
  AtomicFile vectors(folder + "/vectors.tsv");
  AtomicFile metadata(folder + "/metadata.tsv");
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
  vectors.commit();
  metadata.commit();
}

void run(const ExportFlags& flags) {
  setup_logging(flags.quiet, false);
  const WordVectors vectors = load_with_warnings(flags.vectors, flags.limit);
  write_projector(flags.projector, vectors);
  spdlog::info(
      "wrote {0}/vectors.tsv and {0}/metadata.tsv: {1} vectors of {2} dimensions; load "
      "them at https://projector.tensorflow.org",
      flags.projector, vectors.size(), vectors.dim());
}

}  // namespace

void register_export(CLI::App& app, Context&) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand("export", "Write word vectors for other tools");
  cmd->add_option("--projector", flags->projector,
                  "Write OUTDIR/vectors.tsv and OUTDIR/metadata.tsv for the TensorFlow "
                  "Embedding Projector")
      ->required()
      ->type_name("OUTDIR");
  cmd->add_option("vectors", flags->vectors, "Word vectors, text or binary")->required();
  cmd->add_option("--limit", flags->limit,
                  "Export only the first N vectors (the projector handles about 100,000)");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags] { run(*flags); });
}

}  // namespace w2v::cli
