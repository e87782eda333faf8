// w2v convert: word2vec text <-> binary.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/atomic_file.hpp"
#include "w2v/vectors.hpp"

namespace w2v::cli {
namespace {

struct ConvertFlags {
  std::string input;
  std::string output;
  std::string format;
  std::int64_t limit = 0;
  bool quiet = false;
};

const char* format_name(VectorFormat f) { return f == VectorFormat::kBinary ? "binary" : "text"; }

void run(const ConvertFlags& flags) {
  setup_logging(flags.quiet, false);
  const VectorFormat format =
      flags.format.empty() ? format_for_path(flags.output) : parse_vector_format(flags.format);
  // Read everything first: the output may replace the input.
  const WordVectors vectors = load_with_warnings(flags.input, flags.limit);
  AtomicFile file(flags.output);
  write_vectors(file, format, vectors.words, vectors.vectors);
  file.commit();
  spdlog::info("{} ({}) -> {} ({}): {} vectors of {} dimensions", flags.input,
               format_name(vectors.format), flags.output, format_name(format), vectors.size(),
               vectors.dim());
}

}  // namespace

void register_convert(CLI::App& app, Context&) {
  auto flags = std::make_shared<ConvertFlags>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Rewrite a word2vec vector file as text or binary. Text values are printed with the "
      "fewest digits that read back to the same float, so nothing is lost either way.");
  cmd->add_option("input", flags->input, "Word vectors, text or binary (told apart by content)")
      ->required();
  cmd->add_option("output", flags->output, "Where to write; may be the input itself")->required();
  cmd->add_option("--format", flags->format,
                  "bin or text (default: binary when OUTPUT ends in .bin, text otherwise)")
      ->check(CLI::IsMember({"bin", "text"}));
  cmd->add_option("--limit", flags->limit, "Keep only the first N vectors");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags] { run(*flags); });
}

}  // namespace w2v::cli
