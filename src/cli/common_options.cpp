#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>

#include "cli/number_options.hpp"
#include "cli/suggestions.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"

namespace w2v::cli {

void add_corpus_options(CLI::App& command, CorpusOptions& corpus) {
  command.add_option("corpus", corpus.inputs,
                     "Corpus files, one sentence per line; - reads standard input; gzip is "
                     "decompressed on the fly");
  add_number_option(command, "--min-count", corpus.vocab.min_count, ranges::kMinCount,
                    "Drop words seen fewer times");
  add_number_option(command, "--max-vocab", corpus.vocab.max_vocab, ranges::kMaxVocab,
                    "Keep only the N most frequent words (0: all)");
  add_number_option(command, "--max-word-bytes", corpus.tokenizer.max_word_bytes,
                    ranges::kMaxWordBytes, "Cut longer words at a UTF-8 character boundary");
  command.add_flag("--lowercase", corpus.tokenizer.lowercase,
                   "Fold case: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals "
                   "(other scripts unchanged)");
  command.add_option("--read-vocab", corpus.read_vocab,
                     "Take the vocabulary and counts from this `word count` file");
  command.add_option("--cache", corpus.cache_dir,
                     "Keep a token cache of the corpus in this folder and reuse it while the "
                     "inputs and tokenizer options are unchanged (see `w2v prepare`)");
  add_spill_options(command, corpus);
}

void add_spill_options(CLI::App& command, CorpusOptions& corpus) {
  add_number_option(command, "--prune-at", corpus.prune_at, ranges::kPruneAt,
                    "Count at most this many distinct words: past it, the rarest are dropped "
                    "while reading, as word2vec.c and gensim's max_vocab_size do");
  add_size_option(command, "--memory-limit", corpus.memory_limit, std::uint64_t{1} << 20,
                  "Keep at most this much of the corpus's ids in memory, spilling the rest to "
                  "a scratch file on disk (default: half of the memory w2v may use)");
  command.add_option("--spill-dir", corpus.spill_dir,
                     "Folder of the scratch file (default: the output's folder)");
}

void note_tokenizer_options(const CLI::App& command, CorpusOptions& corpus) {
  corpus.tokenizer_given =
      command.count("--lowercase") > 0 || command.count("--max-word-bytes") > 0;
}

void add_sampling_options(CLI::App& command, TrainOptions& train, SamplingFlags& flags) {
  add_number_option(command, "--window", train.window, ranges::kWindow,
                    "Maximum context words on each side");
  add_number_option(command, "--negative", train.negative, ranges::kNegative,
                    "Noise words per observed pair");
  add_number_option(command, "--ns-exponent", train.ns_exponent, ranges::kNsExponent,
                    "Noise words are drawn from unigram counts to this power");
  add_number_option(command, "--sample", train.sample, ranges::kSample,
                    "Subsampling threshold for frequent words (0: off)");
  add_number_option(command, "--seed", train.seed, ranges::kSeed, "Random seed");
  command
      .add_option("--batch-negatives", flags.batch_negatives,
                  "on: a window shares its noise words (fast); off: one pair at a time, "
                  "each with its own")
      ->check(CLI::IsMember({"on", "off"}));
  command
      .add_option("--input-side", flags.input_side,
                  "Which word of a pair is the input: context (word2vec.c) or center "
                  "(fastText)")
      ->check(CLI::IsMember({"context", "center"}));
}

void add_config_option(CLI::App& command, std::string& path) {
  command.add_option("--config", path,
                     "Read options from a TOML file (key = value per option, keys as the long "
                     "option names); the command line wins");
}

// CLI11 2.1 does not read a config file given to a subcommand, so its reader is used here
// and the values are fed to the parsed options the way CLI11 itself would.
void apply_config_file(CLI::App& command, const std::string& path) {
  if (path.empty()) return;
  apply_config_text(command, read_input(path), path);
}

void apply_config_text(CLI::App& command, const std::string& text, const std::string& name) {
  CLI::ConfigTOML reader;
  std::vector<CLI::ConfigItem> items;
  std::istringstream stream(text);
  try {
    items = reader.from_config(stream);
  } catch (const CLI::Error& e) {
    throw UsageError("config '" + name + "': " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section start and end marks
    if (!item.parents.empty() &&
        (item.parents.size() != 1 || item.parents[0] != command.get_name())) {
      throw UsageError("config '" + name + "': section [" + item.parents[0] +
                       "] does not belong to '" + command.get_name() + "'");
    }
    std::string key = item.name;
    std::replace(key.begin(), key.end(), '_', '-');
    CLI::Option* option = command.get_option_no_throw("--" + key);
    if (option == nullptr) option = command.get_option_no_throw(key);
    if (option == nullptr || key == "config" || key == "help") {
      const std::string hint = option_hint(command, "--" + key);
      throw UsageError("config '" + name + "': unknown option '" + item.name + "'" +
                       (hint.empty() ? "" : " (" + hint + ")"));
    }
    if (option->count() > 0) continue;
    if (option->get_expected_min() == 0) {
      option->add_result(option->get_flag_value(key, reader.to_flag(item)));
    } else {
      option->add_result(item.inputs);
    }
    option->run_callback();
  }
}

void check_stdin_once(const std::string& config, const CorpusOptions& corpus) {
  if (config != "-") return;
  for (const std::string& input : corpus.inputs) {
    if (input == "-") {
      throw UsageError(
          "--config and the corpus both read standard input (-); it can be read only once");
    }
  }
  if (corpus.read_vocab == "-") {
    throw UsageError(
        "--config and --read-vocab both read standard input (-); it can be read only once");
  }
}

void apply_sampling_flags(const SamplingFlags& flags, TrainOptions& train) {
  train.merge = parse_merge(flags.merge);
  train.batch_negatives = flags.batch_negatives == "on";
  train.input_side = parse_input_side(flags.input_side);
}

}  // namespace w2v::cli
