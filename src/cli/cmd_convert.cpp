// w2v convert: word2vec text <-> binary.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

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

struct ConvertFlags {
  std::string input;
  std::string output;
  std::string format;
  std::int64_t limit = 0;
  bool quiet = false;
};

const char* format_name(VectorFormat f) { return f == VectorFormat::kBinary ? "binary" : "text"; }

void run(const ConvertFlags& flags, const Context& context) {
  setup_logging(flags.quiet, false);
  const VectorFormat format =
      flags.format.empty() ? format_for_path(flags.output) : parse_vector_format(flags.format);
  check_input(flags.input);
  const OutputPath output = check_output(flags.output);
  if (format == VectorFormat::kBinary && output.terminal) {
    throw UsageError(
        "will not write binary vectors to a terminal: redirect standard output, or give "
        "--format text");
  }
  // Read everything first: the output may replace the input.
  const WordVectors vectors = load_with_warnings(flags.input, flags.limit, context.interrupted);
  OutputFile file(output, context.interrupted);
  write_vectors(file, format, vectors.words, vectors.vectors, context.interrupted);
  file.commit();
  spdlog::info("{} ({}) -> {} ({}): {} vectors of {} dimensions", flags.input,
               format_name(vectors.format), flags.output, format_name(format), vectors.size(),
               vectors.dim());
}

}  // namespace

void register_convert(CLI::App& app, Context& context) {
  auto flags = std::make_shared<ConvertFlags>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Rewrite a word2vec vector file as text or binary. Text values are printed with the "
      "fewest digits that read back to the same float, so nothing is lost either way.");
  cmd->add_option("input", flags->input,
                  "Word vectors, text or binary (told apart by content); - reads standard input")
      ->required();
  cmd->add_option("output", flags->output,
                  "Where to write; may be the input itself; - writes standard output")
      ->required();
  cmd->add_option("--format", flags->format,
                  "bin or text (default: binary when OUTPUT ends in .bin, text otherwise)")
      ->check(CLI::IsMember({"bin", "text"}));
  add_number_option(*cmd, "--limit", flags->limit, ranges::kLimit,
                    "Keep only the first N vectors (0: all)");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
