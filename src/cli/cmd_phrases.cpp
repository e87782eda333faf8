// w2v phrases: join frequent word pairs into single tokens (word2phrase, gensim's Phrases).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/output_file.hpp"
#include "w2v/phrases.hpp"

namespace w2v::cli {
namespace {

struct PhrasesFlags {
  CorpusOptions corpus;
  PhraseOptions phrases;
  std::string scoring = "word2phrase";
  double threshold = 0;
  std::string output;
  std::string save_phrases;
  int threads = default_thread_count();
  bool quiet = false;
};

void log_report(const PhrasesReport& r, const PhrasesFlags& flags) {
  spdlog::info("read {} words ({:.1f} MB) in {:.2f} s", r.tokens.words,
               static_cast<double>(r.bytes) / 1e6, r.read_seconds);
  log_reading_warnings(r.tokens, 0);
  for (std::size_t p = 0; p < r.passes.size(); ++p) {
    const PhrasePassReport& pass = r.passes[p];
    spdlog::info(
        "pass {}: {} tokens, {} distinct words, {} distinct pairs{}; {} phrases, joined {} times",
        p + 1, pass.tokens, pass.distinct_words, pass.distinct_pairs,
        pass.pruned_pairs > 0 ? fmt::format(" ({} rare ones dropped)", pass.pruned_pairs) : "",
        pass.phrases, pass.joined);
  }
  spdlog::info("wrote {} tokens to {} (counting {:.2f} s, writing {:.2f} s)", r.output_tokens,
               flags.output, r.count_seconds, r.write_seconds);
}

void run(PhrasesFlags& flags, const CLI::App& command, const Context& context) {
  setup_logging(flags.quiet, false);
  flags.phrases.scoring = parse_phrase_scoring(flags.scoring);
  if (command.count("--threshold") > 0) flags.phrases.threshold = flags.threshold;
  validate(flags.phrases, flags.corpus.tokenizer);
  validate(flags.corpus);
  const std::vector<OutputPath> outputs = check_outputs(
      {{"-o", flags.output}, {"--save-phrases", flags.save_phrases}}, flags.corpus.inputs);
  if (flags.corpus.spill_dir.empty()) {
    flags.corpus.spill_dir = outputs[0].kind == OutputKind::kFile ? outputs[0].folder() : ".";
  }
  OutputFile out(outputs[0], context.interrupted);
  std::unique_ptr<OutputFile> table;
  if (!outputs[1].path.empty())
    table = std::make_unique<OutputFile>(outputs[1], context.interrupted);
  const PhrasesReport report =
      find_and_join_phrases(flags.corpus, flags.phrases, flags.threads, out, context.interrupted);
  if (table) write_phrase_model(report.model, *table);
  commit_together({&out, table.get()}, context.interrupted);
  log_report(report, flags);
}

}  // namespace

void register_phrases(CLI::App& app, Context& context) {
  auto flags = std::make_shared<PhrasesFlags>();
  CLI::App* cmd = app.add_subcommand(
      "phrases",
      "Join frequent word pairs into single tokens (new york -> new_york), as word2phrase and "
      "gensim's Phrases do; a second pass over the joined text finds trigrams. Writes the text "
      "one sentence per line, tokenized as train reads it.");
  cmd->option_defaults()->always_capture_default();
  cmd->add_option("corpus", flags->corpus.inputs,
                  "Corpus files, one sentence per line; - reads standard input; gzip is "
                  "decompressed on the fly")
      ->required();
  cmd->add_option("-o,--output", flags->output, "The joined text (required; - for standard output)")
      ->required();
  add_number_option(*cmd, "--min-count", flags->phrases.min_count, ranges::kPhraseMinCount,
                    "Pairs (and, for word2phrase, words) seen fewer times never join");
  add_number_option(*cmd, "--threshold", flags->threshold, OptionRange{-1, 1e15L, false},
                    "A pair joins when its score is above this (default 100; npmi: 0.5, in "
                    "[-1, 1])")
      ->default_str("100");
  cmd->add_option("--scoring", flags->scoring,
                  "word2phrase: word2phrase.c's score; gensim: gensim 4's Phrases (default "
                  "scorer) + freeze; npmi: normalized pointwise mutual information")
      ->check(CLI::IsMember({"word2phrase", "gensim", "npmi"}));
  add_number_option(*cmd, "--passes", flags->phrases.passes, ranges::kPhrasePasses,
                    "Passes, each over the previous one's output: 2 finds phrases of up to 4 "
                    "words");
  cmd->add_option("--delimiter", flags->phrases.delimiter,
                  "Joins the words of a phrase (no spaces or control bytes)");
  cmd->add_option("--save-phrases", flags->save_phrases,
                  "Also write the phrases of each pass with their scores (for train --phrases)");
  add_number_option(*cmd, "--max-word-bytes", flags->corpus.tokenizer.max_word_bytes,
                    ranges::kMaxWordBytes,
                    "Cut longer words at a UTF-8 character boundary; longer phrases do not join");
  cmd->add_flag("--lowercase", flags->corpus.tokenizer.lowercase,
                "Fold case: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals "
                "(other scripts unchanged)");
  add_number_option(*cmd, "--prune-at", flags->phrases.prune_at, ranges::kPruneAt,
                    "Count at most this many distinct pairs: past it, the rarest are dropped, "
                    "as word2phrase and gensim's max_vocab_size do");
  add_size_option(*cmd, "--memory-limit", flags->corpus.memory_limit, std::uint64_t{1} << 20,
                  "Keep at most this much of the corpus's ids in memory, spilling the rest to "
                  "a scratch file on disk (default: half of the memory w2v may use)");
  cmd->add_option("--spill-dir", flags->corpus.spill_dir,
                  "Folder of the scratch file (default: the output's folder)");
  add_number_option(*cmd, "--threads", flags->threads, ranges::kThreads,
                    "Threads (default: every core)");
  cmd->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  cmd->callback([cmd, flags, &context] { run(*flags, *cmd, context); });
}

}  // namespace w2v::cli
