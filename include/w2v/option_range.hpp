#pragma once
#include <cstdint>
#include <limits>
#include <string>

namespace w2v {

// The documented range of a numeric option: min <= v <= max (min < v when open_min), whole
// numbers only when `integer`. The library's validate() functions and the command line's
// parser check the same ranges, and --help shows them.
struct OptionRange {
  long double min;
  long double max;
  bool integer = true;
  bool open_min = false;

  bool contains(long double v) const { return (open_min ? v > min : v >= min) && v <= max; }
  // "[1, 1000]", "(0, 10]".
  std::string describe() const;
};

// Throws UsageError "OPTION must be a whole number in [a, b], got V" when `value` is out
// of `range` (or not finite).
void require_in_range(long double value, const OptionRange& range, const char* option);

namespace ranges {
inline constexpr long double kInt64Max =
    static_cast<long double>(std::numeric_limits<std::int64_t>::max());
inline constexpr long double kUint64Max =
    static_cast<long double>(std::numeric_limits<std::uint64_t>::max());

inline constexpr OptionRange kDim{1, 100000};
inline constexpr OptionRange kWindow{1, 1000};
inline constexpr OptionRange kNegative{0, 1000};
inline constexpr OptionRange kNsExponent{-10, 10, false};
inline constexpr OptionRange kSample{0, 1, false};
inline constexpr OptionRange kLearningRate{0, 10, false, true};
inline constexpr OptionRange kEpochs{1, 10000};
inline constexpr OptionRange kThreads{1, 1024};
inline constexpr OptionRange kSeed{0, kUint64Max};
inline constexpr OptionRange kCosScale{-1000, 1000, false};
inline constexpr OptionRange kCosBias{-1000, 1000, false};
inline constexpr OptionRange kScaleRate{0, 100, false};
inline constexpr OptionRange kCosInit{0, 100, false, true};
inline constexpr OptionRange kMaxNorm{0, 1000, false};
inline constexpr OptionRange kAddContext{0, 100, false};
// Training on several ranks: the share of the ranks' summed row changes a sync keeps.
inline constexpr OptionRange kSyncScale{0, 1, false};
inline constexpr OptionRange kMinCount{0, kInt64Max};
// Vocabulary ids are 32-bit, one value kept for "not found".
inline constexpr OptionRange kMaxVocab{0, 4294967294.0L};
inline constexpr OptionRange kMaxWordBytes{4, 65536};
// Distinct words counted before the rarest are dropped.
inline constexpr OptionRange kPruneAt{1000, 4294967294.0L};
// Counts of vectors, pairs or answers where 0 means "all" and more than there are means all.
inline constexpr OptionRange kLimit{0, kInt64Max};
inline constexpr OptionRange kAnswers{1, kInt64Max};
// Query and evaluation threads: 0 is every core.
inline constexpr OptionRange kSearchThreads{0, 1024};
// nearest --threshold: the lowest cosine an answer may have.
inline constexpr OptionRange kThreshold{-1, 1, false};
// plot map: neighbours per query word, and t-SNE's perplexity.
inline constexpr OptionRange kNeighbours{1, 100};
inline constexpr OptionRange kPerplexity{2, 100, false};
}  // namespace ranges

}  // namespace w2v
