#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "w2v/corpus_source.hpp"
#include "w2v/option_range.hpp"
#include "w2v/output_file.hpp"
#include "w2v/string_table.hpp"
#include "w2v/tokenizer.hpp"

namespace w2v {

// How a bigram (a, b) is scored from the counts of a, b and ab in one pass's text.
//   word2phrase: word2phrase.c: (c(ab) - min_count) / (c(a) c(b)) x tokens; a, b and ab
//                must each reach min_count.
//   gensim:      gensim 4's Phrases + FrozenPhrases with original_scorer: the same with the
//                number of distinct unigrams and bigrams instead of tokens, counts keyed by
//                the delimiter-joined string (export_phrases's split included).
//   npmi:        gensim's npmi_scorer, in [-1, 1]; ab must reach min_count.
// A pair joins when its score is above the threshold.
enum class PhraseScoring { kWord2Phrase, kGensim, kNpmi };

PhraseScoring parse_phrase_scoring(const std::string& name);
const char* phrase_scoring_name(PhraseScoring scoring);

namespace ranges {
inline constexpr OptionRange kPhraseMinCount{1, kInt64Max};
inline constexpr OptionRange kPhraseThreshold{0, 1e15L, false, true};
inline constexpr OptionRange kNpmiThreshold{-1, 1, false};
inline constexpr OptionRange kPhrasePasses{1, 10};
}  // namespace ranges

struct PhraseOptions {
  PhraseScoring scoring = PhraseScoring::kWord2Phrase;
  std::int64_t min_count = 5;
  // kPhraseThreshold for word2phrase and gensim, kNpmiThreshold for npmi; unset: 100, or
  // 0.5 for npmi (default_threshold).
  std::optional<double> threshold;
  int passes = 2;  // each pass joins pairs of the previous pass's tokens: 2 finds trigrams
  std::string delimiter = "_";
  // Distinct pairs held before the rarest are dropped (counts up to 1, then 2, ...:
  // word2phrase's ReduceVocab, gensim's max_vocab_size; each of n counting threads holds
  // its share of pairs and prunes at prune_at / n); kPruneAt.
  std::uint64_t prune_at = 40000000;

  double threshold_or_default() const;
};

double default_threshold(PhraseScoring scoring);

// Throws UsageError naming the option out of range, or a delimiter that the tokenizer (with
// `tokenizer`'s options) would not read back as part of one word.
void validate(const PhraseOptions& options, const TokenizerOptions& tokenizer);

// One bigram that joins, and its score.
struct Phrase {
  std::string first, second;
  double score = 0;
};

// What a run of `w2v phrases` found: per pass, the pairs that join (input to the next pass).
struct PhraseModel {
  PhraseOptions options;
  TokenizerOptions tokenizer;  // the options the text was read with
  std::vector<std::vector<Phrase>> passes;
};

// The phrase file (README, "Formats"): a header line, then per pass a line `pass P N` and N
// lines `FIRST SECOND SCORE`.
void write_phrase_model(const PhraseModel& model, ByteSink& out);
PhraseModel parse_phrase_model(std::string_view text, const std::string& name);
// Throws Error naming the file and line.
PhraseModel read_phrase_model(const std::string& path, const std::atomic<bool>* cancel = nullptr);

// Joins a model's phrases into sentences of words, pass by pass, greedy left to right as
// word2phrase and gensim do. Immutable; share one between threads.
class PhraseJoiner {
 public:
  explicit PhraseJoiner(const PhraseModel& model);
  // Replaces the words of one sentence by the joined words.
  void join(std::vector<std::string>& sentence) const;
  const PhraseModel& model() const { return model_; }

 private:
  PhraseModel model_;
  // Per pass: "FIRST SECOND" -> the joined word (joined_[pass][id]).
  std::vector<StringTable> pairs_;
  std::vector<std::vector<std::string>> joined_;
};

struct PhrasePassReport {
  std::int64_t tokens = 0;  // in the pass's input
  std::int64_t distinct_words = 0;
  std::int64_t distinct_pairs = 0;  // counted (after pruning)
  std::int64_t pruned_pairs = 0;    // distinct pairs dropped while counting
  std::int64_t phrases = 0;         // pairs that join
  std::int64_t joined = 0;          // pairs joined in the text
};

struct PhrasesReport {
  PhraseModel model;
  std::vector<PhrasePassReport> passes;
  TokenizerStats tokens;
  std::int64_t bytes = 0;          // of text read
  std::int64_t output_tokens = 0;  // written
  double read_seconds = 0, count_seconds = 0, write_seconds = 0;
};

// `w2v phrases`: reads `corpus.inputs` once (as train does: its tokenizer options, memory
// limit and spill folder; the other CorpusOptions are ignored), finds the phrases of each
// pass on `threads` threads and writes the text with them joined to `out`, one sentence per
// line (the caller commits it). Throws Error for unreadable or empty input, UsageError for
// bad options, Interrupted once *cancel is set.
PhrasesReport find_and_join_phrases(const CorpusOptions& corpus, const PhraseOptions& options,
                                    int threads, ByteSink& out,
                                    const std::atomic<bool>* cancel = nullptr);

}  // namespace w2v
