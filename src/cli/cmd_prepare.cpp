// w2v prepare: read and count a corpus once, into a token cache for the trainings after.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "w2v/corpus_source.hpp"
#include "w2v/error.hpp"
#include "w2v/output_file.hpp"
#include "w2v/train_options.hpp"

namespace w2v::cli {
namespace {

struct PrepareFlags {
  CorpusOptions corpus;
  std::string output;
  int threads = default_thread_count();
  bool quiet = false;
};

void run(PrepareFlags& flags, const Context& context) {
  setup_logging(flags.quiet, false);
  validate(flags.corpus);
  const OutputPath output = check_outputs({{"-o", flags.output}}, flags.corpus.inputs)[0];
  if (output.path.empty()) throw UsageError("no output: give -o/--output PATH");
  if (output.terminal) throw UsageError("will not write a token cache to a terminal");
  if (flags.corpus.spill_dir.empty()) flags.corpus.spill_dir = output.folder();
  const auto start = std::chrono::steady_clock::now();
  OutputFile out(output, context.interrupted);
  const TokenCacheInfo info =
      write_token_cache(flags.corpus, flags.threads, out, context.interrupted);
  out.commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("read {} words ({:.1f} MB) in {:.2f} s into the token cache {}", info.tokens.words,
               static_cast<double>(info.bytes) / 1e6, seconds, flags.output);
  log_reading_warnings(info.tokens, info.pruned);
}

}  // namespace

void register_prepare(CLI::App& app, Context& context) {
  auto flags = std::make_shared<PrepareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "prepare",
      "Read and count a corpus once into a token cache: every distinct word with its count "
      "and the corpus as word ids. `w2v train CACHE` then skips the reading, for any "
      "--min-count or --max-vocab, so one cache serves a whole sweep of runs.");
  cmd->option_defaults()->always_capture_default();
  cmd->add_option("corpus", flags->corpus.inputs,
                  "Corpus files, one sentence per line; - reads standard input; gzip is "
                  "decompressed on the fly")
      ->required();
  cmd->add_option("-o,--output", flags->output, "The token cache to write (required)")->required();
  add_number_option(*cmd, "--max-word-bytes", flags->corpus.tokenizer.max_word_bytes,
                    ranges::kMaxWordBytes, "Cut longer words at a UTF-8 character boundary");
  cmd->add_flag("--lowercase", flags->corpus.tokenizer.lowercase,
                "Fold case: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals "
                "(other scripts unchanged)");
  add_spill_options(*cmd, flags->corpus);
  add_number_option(*cmd, "--threads", flags->threads, ranges::kThreads,
                    "Reading threads (default: every core)");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags, &context] { run(*flags, context); });
}

}  // namespace w2v::cli
