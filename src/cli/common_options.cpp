#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

#include "w2v/error.hpp"

namespace w2v::cli {

void add_corpus_options(CLI::App& command, CorpusOptions& corpus) {
  command.add_option("corpus", corpus.inputs,
                     "Corpus files, one sentence per line; - reads standard input; gzip is "
                     "decompressed on the fly")
      ->required();
  command.add_option("--min-count", corpus.vocab.min_count, "Drop words seen fewer times");
  command.add_option("--max-vocab", corpus.vocab.max_vocab,
                     "Keep only the N most frequent words (0: all)");
  command.add_option("--max-word-bytes", corpus.tokenizer.max_word_bytes,
                     "Cut longer words at a UTF-8 character boundary");
  command.add_flag("--lowercase", corpus.tokenizer.lowercase,
                   "Fold case: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals "
                   "(other scripts unchanged)");
  command.add_option("--read-vocab", corpus.read_vocab,
                     "Take the vocabulary and counts from this `word count` file");
}

void add_sampling_options(CLI::App& command, TrainOptions& train, SamplingFlags& flags) {
  command.add_option("--window", train.window, "Maximum context words on each side");
  command.add_option("--negative", train.negative, "Noise words per observed pair");
  command.add_option("--ns-exponent", train.ns_exponent,
                     "Noise words are drawn from unigram counts to this power");
  command.add_option("--sample", train.sample,
                     "Subsampling threshold for frequent words (0: off)");
  command.add_option("--seed", train.seed, "Random seed");
  command.add_option("--batch-negatives", flags.batch_negatives,
                     "on: share noise words across a window, update as a block (fast); off: "
                     "one pair at a time")
      ->check(CLI::IsMember({"on", "off"}));
  command.add_option("--input-side", flags.input_side,
                     "Which word of a pair is the input: context (word2vec.c) or center "
                     "(fastText)")
      ->check(CLI::IsMember({"context", "center"}));
}

void apply_sampling_flags(const SamplingFlags& flags, TrainOptions& train) {
  train.merge = parse_merge(flags.merge);
  train.batch_negatives = flags.batch_negatives == "on";
  train.input_side = parse_input_side(flags.input_side);
}

}  // namespace w2v::cli
