#include "cli/peer_command_lines.hpp"

#include <algorithm>
#include <map>

#include "cli/number_options.hpp"
#include "cli/suggestions.hpp"
#include "w2v/error.hpp"
#include "w2v/option_range.hpp"

namespace w2v::cli {
namespace {

// How a peer's command line is written: `-flag value` pairs, some flags without a value.
struct PeerSyntax {
  std::string tool;  // in messages: "word2vec.c"
  Dialect dialect;
  std::vector<std::string> with_value;
  std::vector<std::string> switches;
};

// The flags given, each with its value ("1" for a switch).
using Flags = std::map<std::string, std::string>;

constexpr OptionRange kZeroOrOne{0, 1};
constexpr OptionRange kCount{0, ranges::kInt64Max};
constexpr OptionRange kPositive{1, ranges::kInt64Max};

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string unknown_flag_message(const std::string& flag, const PeerSyntax& syntax) {
  if (flag.empty() || flag[0] != '-') {
    return "'" + flag + "': " + syntax.tool + "'s options are -flag value pairs";
  }
  std::string near = synonym(flag, syntax.dialect);
  if (near.empty() || near == flag) {
    std::vector<std::string> names = syntax.with_value;
    names.insert(names.end(), syntax.switches.begin(), syntax.switches.end());
    near = closest_name(flag, names);
  }
  return syntax.tool + " has no option " + flag +
         (near.empty() ? " (see --help)" : " (did you mean " + near + "?)");
}

Flags read_flags(const std::vector<std::string>& args, std::size_t first,
                 const PeerSyntax& syntax) {
  Flags flags;
  for (std::size_t i = first; i < args.size(); ++i) {
    const std::string& flag = args[i];
    const bool valued = contains(syntax.with_value, flag);
    if (!valued && !contains(syntax.switches, flag)) {
      throw UsageError(unknown_flag_message(flag, syntax));
    }
    if (flags.count(flag) > 0) throw UsageError(flag + ": given twice");
    if (!valued) {
      flags[flag] = "1";
      continue;
    }
    // A flag where the value should be is a value forgotten, not a file named -size.
    if (i + 1 == args.size() || contains(syntax.with_value, args[i + 1]) ||
        contains(syntax.switches, args[i + 1])) {
      throw UsageError(flag + ": expected a value");
    }
    flags[flag] = args[++i];
  }
  return flags;
}

// The flag's value checked against `range` (w2v's range of the option it maps to), or
// `fallback` when it is not given.
std::string number(const Flags& flags, const std::string& flag, const std::string& fallback,
                   const OptionRange& range) {
  const auto it = flags.find(flag);
  if (it == flags.end()) return fallback;
  const CheckedNumber checked = check_number(it->second, range);
  if (!checked.error.empty()) throw UsageError(flag + ": " + checked.error);
  return checked.text;
}

std::string required(const Flags& flags, const std::string& flag, const std::string& what) {
  const auto it = flags.find(flag);
  if (it == flags.end()) throw UsageError(flag + " " + what + " is required");
  return it->second;
}

void add(std::vector<std::string>& out, const std::string& option, const std::string& value) {
  out.push_back(option);
  out.push_back(value);
}

// Copies an optional flag's value to `option`.
void add_if_given(std::vector<std::string>& out, const Flags& flags, const std::string& flag,
                  const std::string& option) {
  const auto it = flags.find(flag);
  if (it != flags.end()) add(out, option, it->second);
}

// -debug and -verbose levels: 0 is quiet, 1 and 2 (the default) w2v's own log, more adds
// its debug messages.
void add_log_level(std::vector<std::string>& out, const std::string& level) {
  if (level == "0") out.push_back("-q");
  if (level != "0" && level != "1" && level != "2") out.push_back("-v");
}

void refuse_if_given(const Flags& flags, const std::vector<std::string>& names,
                     const std::string& why) {
  for (const std::string& name : names) {
    if (flags.count(name) > 0) throw UsageError(name + ": not supported: " + why);
  }
}

const PeerSyntax& word2vec_c_syntax() {
  static const PeerSyntax syntax{
      "word2vec.c",
      Dialect::kWord2vecC,
      {"-train", "-output", "-size", "-window", "-sample", "-hs", "-negative", "-threads", "-iter",
       "-min-count", "-alpha", "-classes", "-debug", "-binary", "-save-vocab", "-read-vocab",
       "-cbow"},
      {}};
  return syntax;
}

const PeerSyntax& fasttext_syntax() {
  static const PeerSyntax syntax{"fastText",
                                 Dialect::kFastText,
                                 {"-input",
                                  "-output",
                                  "-lr",
                                  "-lrUpdateRate",
                                  "-dim",
                                  "-ws",
                                  "-epoch",
                                  "-minCount",
                                  "-minCountLabel",
                                  "-neg",
                                  "-wordNgrams",
                                  "-loss",
                                  "-bucket",
                                  "-minn",
                                  "-maxn",
                                  "-thread",
                                  "-t",
                                  "-label",
                                  "-verbose",
                                  "-pretrainedVectors",
                                  "-seed",
                                  "-cutoff",
                                  "-dsub",
                                  "-autotune-validation",
                                  "-autotune-metric",
                                  "-autotune-predictions",
                                  "-autotune-duration",
                                  "-autotune-modelsize"},
                                 {"-saveOutput", "-retrain", "-qnorm", "-qout"}};
  return syntax;
}

// fastText's other commands: why w2v fasttext does not run them.
void refuse_fasttext_command(const std::string& command) {
  static const std::map<std::string, std::string> why = {
      {"supervised", "w2v trains word vectors (skipgram, cbow), not classifiers"},
      {"test", "w2v has no classifier to test"},
      {"test-label", "w2v has no classifier to test"},
      {"predict", "w2v has no classifier"},
      {"predict-prob", "w2v has no classifier"},
      {"quantize", "w2v does not quantize models"},
      {"print-word-vectors", "w2v writes every word's vector to OUTPUT.vec"},
      {"print-sentence-vectors", "w2v has no sentence vectors"},
      {"print-ngrams", "w2v learns whole words only (no subwords)"},
      {"nn", "use w2v nearest VECTORS WORD..."},
      {"analogies", "use w2v analogy VECTORS A B C"},
      {"dump", "w2v writes vectors, not fastText models"},
  };
  const auto it = why.find(command);
  if (it != why.end()) {
    throw UsageError("fasttext " + command + ": not supported: " + it->second);
  }
  const std::string near = closest_name(command, {"skipgram", "cbow"});
  throw UsageError(
      "fasttext: unknown command '" + command + "'" +
      (near.empty() ? "; expected skipgram or cbow" : " (did you mean " + near + "?)"));
}

// fastText's subword and n-gram options: only the values that turn them off.
void refuse_subwords(const Flags& flags) {
  for (const std::string name : {"-minn", "-maxn", "-bucket", "-wordNgrams"}) {
    const std::string value = number(flags, name, "0", kCount);
    if (value == "0" || (name == "-wordNgrams" && value == "1")) continue;
    throw UsageError(name + " " + value + ": not supported: w2v learns whole words only (" +
                     (name == "-wordNgrams" ? "no word n-grams" : "no subwords") + ")");
  }
}

}  // namespace

std::vector<std::string> word2vec_c_to_train(const std::vector<std::string>& args) {
  const Flags flags = read_flags(args, 0, word2vec_c_syntax());
  const std::string corpus = required(flags, "-train", "FILE (the corpus)");
  const std::string output = required(flags, "-output", "FILE (the word vectors)");
  if (number(flags, "-classes", "0", kCount) != "0") {
    throw UsageError("-classes: not supported: w2v writes word vectors, not k-means classes");
  }
  const bool cbow = number(flags, "-cbow", "1", kZeroOrOne) == "1";
  const bool hs = number(flags, "-hs", "0", kZeroOrOne) == "1";
  const bool binary = number(flags, "-binary", "0", kZeroOrOne) == "1";
  const std::string negative = number(flags, "-negative", "5", ranges::kNegative);
  if (negative == "0" && !hs) {
    throw UsageError("-negative 0 with -hs 0 trains nothing: give -hs 1 or -negative N");
  }
  std::vector<std::string> out = {corpus};
  add(out, "-o", output);
  add(out, "--format", binary ? "bin" : "text");  // whatever the file's name
  add(out, "--merge", "dot");                     // classic SGNS, word2vec.c's initialisation
  if (cbow) add(out, "--model", "cbow");
  if (hs) add(out, "--loss", "hs");
  add(out, "--dim", number(flags, "-size", "100", ranges::kDim));
  add(out, "--window", number(flags, "-window", "5", ranges::kWindow));
  add(out, "--sample", number(flags, "-sample", "1e-3", ranges::kSample));
  add(out, "--negative", negative);
  add(out, "--epochs", number(flags, "-iter", "5", ranges::kEpochs));
  add(out, "--min-count", number(flags, "-min-count", "5", ranges::kMinCount));
  add(out, "--lr", number(flags, "-alpha", cbow ? "0.05" : "0.025", ranges::kLearningRate));
  // Not given: every core, as w2v train (word2vec.c's 12 would crowd a small machine).
  if (flags.count("-threads") > 0) {
    add(out, "--threads", number(flags, "-threads", "", ranges::kThreads));
  }
  add_if_given(out, flags, "-save-vocab", "--save-vocab");
  add_if_given(out, flags, "-read-vocab", "--read-vocab");
  add_log_level(out, number(flags, "-debug", "2", kCount));
  return out;
}

std::vector<std::string> fasttext_to_train(const std::vector<std::string>& args) {
  if (args.empty() || args[0].empty() || args[0][0] == '-') {
    throw UsageError("fasttext: give the command first: w2v fasttext skipgram|cbow -input ...");
  }
  const std::string& command = args[0];
  if (command != "skipgram" && command != "cbow") refuse_fasttext_command(command);
  const Flags flags = read_flags(args, 1, fasttext_syntax());
  const std::string corpus = required(flags, "-input", "FILE (the corpus)");
  const std::string output = required(flags, "-output", "NAME (writes NAME.vec)");
  refuse_subwords(flags);
  refuse_if_given(flags, {"-label", "-minCountLabel"}, "labels are for supervised training");
  refuse_if_given(flags, {"-cutoff", "-dsub", "-retrain", "-qnorm", "-qout"},
                  "w2v does not quantize models");
  refuse_if_given(flags,
                  {"-autotune-validation", "-autotune-metric", "-autotune-predictions",
                   "-autotune-duration", "-autotune-modelsize"},
                  "w2v has no autotune");
  const auto loss = flags.find("-loss");
  const std::string loss_name = loss == flags.end() ? "ns" : loss->second;
  if (loss_name == "softmax" || loss_name == "ova") {
    throw UsageError("-loss " + loss_name +
                     ": not supported: w2v trains with negative sampling (ns) or hierarchical "
                     "softmax (hs)");
  }
  if (loss_name != "ns" && loss_name != "hs") {
    throw UsageError("-loss: expected ns or hs, got '" + loss_name + "'");
  }
  const bool hs = loss_name == "hs";
  const std::string negative = number(flags, "-neg", "5", ranges::kNegative);
  if (negative == "0" && !hs) {
    throw UsageError("-neg 0 with -loss ns trains nothing: give -neg N or -loss hs");
  }
  number(flags, "-lrUpdateRate", "100", kPositive);  // checked, without effect
  std::vector<std::string> out = {corpus};
  add(out, "-o", output + ".vec");
  add(out, "--format", "text");
  add(out, "--merge", "dot");
  if (command == "cbow") {
    add(out, "--model", "cbow");
  } else {
    add(out, "--input-side", "center");  // fastText's skip-gram predicts the context
  }
  if (hs) add(out, "--loss", "hs");
  add(out, "--dim", number(flags, "-dim", "100", ranges::kDim));
  add(out, "--window", number(flags, "-ws", "5", ranges::kWindow));
  add(out, "--epochs", number(flags, "-epoch", "5", ranges::kEpochs));
  // fastText's hierarchical softmax ignores -neg.
  add(out, "--negative", hs ? "0" : negative);
  add(out, "--min-count", number(flags, "-minCount", "5", ranges::kMinCount));
  add(out, "--sample", number(flags, "-t", "1e-4", ranges::kSample));
  add(out, "--lr", number(flags, "-lr", "0.05", ranges::kLearningRate));
  if (flags.count("-thread") > 0)
    add(out, "--threads", number(flags, "-thread", "", ranges::kThreads));
  if (flags.count("-seed") > 0) add(out, "--seed", number(flags, "-seed", "", ranges::kSeed));
  add_if_given(out, flags, "-pretrainedVectors", "--init-from");
  if (flags.count("-saveOutput") > 0) add(out, "--save-context", output + ".output");
  add_log_level(out, number(flags, "-verbose", "2", kCount));
  return out;
}

bool asks_for_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "-h" || a == "-help" || a == "--help";
  });
}

std::string word2vec_c_usage() {
  return R"(Usage: w2v word2vec -train FILE -output FILE [-flag value]...

Runs a command line of word2vec.c's word2vec as w2v train, with word2vec.c's defaults:
  -train FILE       the corpus (w2v train CORPUS; - reads standard input, .gz is read)
  -output FILE      the word vectors: text unless -binary 1, whatever the name
  -size N           vector size (100)
  -window N         context words on each side (5)
  -sample F         subsampling threshold (1e-3; 0: off)
  -hs 0|1           hierarchical softmax (0)
  -negative N       noise words per pair (5; 0 needs -hs 1)
  -threads N        training threads (every core; word2vec.c's default is 12)
  -iter N           passes over the corpus (5)
  -min-count N      drop words seen fewer times (5)
  -alpha F          initial learning rate (0.025 for skip-gram, 0.05 for CBOW)
  -classes 0        k-means classes are not supported
  -debug N          0: quiet; 1, 2: w2v's log (2); more: debug messages too
  -binary 0|1       1: word2vec binary, 0: text (0)
  -save-vocab FILE  also write the vocabulary (word count lines)
  -read-vocab FILE  take the vocabulary and counts from this file
  -cbow 0|1         1: CBOW (word2vec.c's default), 0: skip-gram
Values are checked (word2vec.c's atoi would read -size abc as 0). Training is classic SGNS
(--merge dot) with a window's noise words shared (w2v's --batch-negatives on).
)";
}

std::string fasttext_usage() {
  return R"(Usage: w2v fasttext skipgram|cbow -input FILE -output NAME [-flag value]...

Runs a command line of fastText's skipgram or cbow as w2v train, with fastText's defaults
for them, for whole words only; writes NAME.vec (word2vec text, as fastText's .vec):
  -input FILE       the corpus (- reads standard input, .gz is read)
  -output NAME      writes NAME.vec (no NAME.bin model)
  -dim N            vector size (100)
  -ws N             context words on each side (5)
  -epoch N          passes over the corpus (5)
  -neg N            noise words per pair (5)
  -minCount N       drop words seen fewer times (5)
  -t F              subsampling threshold (1e-4)
  -lr F             initial learning rate (0.05)
  -loss ns|hs       negative sampling (ns) or hierarchical softmax (hs); not softmax, ova
  -thread N         training threads (every core; fastText's default is 12)
  -seed N           random seed
  -verbose N        0: quiet; 1, 2: w2v's log (2); more: debug messages too
  -pretrainedVectors FILE  start from these vectors (w2v's --init-from)
  -saveOutput       also write the output (context) vectors to NAME.output
  -lrUpdateRate N   accepted, no effect (w2v lowers the rate continuously)
Subwords are not learnt: without -minn/-maxn, a run is fastText's with -maxn 0; -minn,
-maxn and -bucket take 0 only, -wordNgrams 1 only. supervised, quantize, test, predict and
the other commands are not supported (w2v nearest and w2v analogy answer nn and analogies).
In skipgram, as in fastText, the centre word is the input (w2v's --input-side center).
)";
}

}  // namespace w2v::cli
