#pragma once
#include <cstdint>
#include <string>

#include "w2v/merge.hpp"

namespace w2v {

// Which side of a skip-gram pair is looked up in the word (input) matrix.
//   context: word2vec.c and gensim: the context word's vector predicts the centre word,
//            and noise words replace the centre word.
//   center:  fastText: the centre word's vector predicts each context word, and noise
//            words replace the context word.
enum class InputSide { kContext, kCenter };

InputSide parse_input_side(const std::string& name);
const char* input_side_name(InputSide side);

// What predicts what.
//   skipgram: each context word predicts the centre word (or the reverse, InputSide).
//   cbow:     the window's context words, pooled (their mean or sum), predict the centre
//             word; as in word2vec.c, each context row then takes the whole step of the
//             pooled vector.
enum class Architecture { kSkipgram, kCbow };

Architecture parse_architecture(const std::string& name);
const char* architecture_name(Architecture model);

// How the predicted word is scored.
//   ns: negative sampling: the word against `negative` noise words.
//   hs: hierarchical softmax: the inner nodes on the word's path in a Huffman tree over
//       the vocabulary, each a binary choice; with negative > 0, both at once (word2vec.c).
enum class Loss { kNegativeSampling, kHierarchicalSoftmax };

Loss parse_loss(const std::string& name);
const char* loss_name(Loss loss);

// word2vec.c's initial learning rates.
inline constexpr double kSkipgramLr = 0.025;
inline constexpr double kCbowLr = 0.05;
// kCbowLr for CBOW, kSkipgramLr for skip-gram (word2vec.c's).
double default_lr(Architecture model);

// CBOW's pooling unless given: the mean with dot (word2vec.c's), the sum with cos. The
// cosine scores the mean and the sum alike, so with cos the pooling sets only the context
// rows' step: the sum's is the mean's over the window's size, the mean's exact gradient.
// At 0.05, cos CBOW so scored 2.6 analogy points more on the full benchmark corpus (median
// of 3 seeds) and 1.9 more on the small one (5 seeds) than with the mean at 0.025.
bool default_cbow_mean(Merge merge);
// cos for negative sampling; dot for hierarchical softmax, where one scale for every inner
// node's decision cost 1.5 to 4 analogy points against dot (docs/benchmarks.md).
Merge default_merge(Loss loss);

// Every core the process may use.
int default_thread_count();

// Everything the SGD trainer needs, with word2vec.c's defaults. validate() runs once at
// the library's entry points.
struct TrainOptions {
  int dim = 100;              // vector size
  int window = 5;             // maximum half-window; each centre draws 1..window
  int negative = 5;           // noise words per observed pair (training: 0 only with hs)
  double ns_exponent = 0.75;  // noise distribution: unigram counts to this power
  double sample = 1e-3;       // subsampling threshold; 0 keeps every word
  double lr = kSkipgramLr;    // initial learning rate, falling linearly to lr * 1e-4
  int epochs = 5;
  int threads = default_thread_count();
  std::uint64_t seed = 1;

  Merge merge = Merge::kCos;
  // cos merge: initial scale (the Dense weight) and bias; fixed_scale freezes both.
  float cos_scale = 5.0f;
  float cos_bias = 0.0f;
  bool fixed_scale = false;
  // cos merge: learning rate of scale and bias as a fraction of the vectors' rate. At the
  // vectors' own rate the scale chases each batch and adds noise.
  float scale_lr = 0.01f;
  // cos merge: word and context vectors start in random directions with this length.
  float cos_init = 1.0f;
  // cos merge: after each step, vectors longer than this are scaled back (0: no limit).
  // The cosine's gradient shrinks as 1/|u|: left free, norms grow and the angular step
  // decays long before the learning rate does; pinned to 1, steps are too noisy.
  float max_norm = 2.0f;

  // Several ranks (mpirun): a sync sets a row to its last synced value plus this share of
  // the ranks' summed changes since (SyncOptions::change_scale); 0 is 1/N, the average.
  // 0.5 averages 2 ranks; with 3 it scored +1.2 semantic and +0.2 analogy points against
  // the average (1/3), medians of 6 paired runs; 1, the sum, unlearns the planted topics
  // with cos (docs/distributed.md).
  double sync_scale = 0.5;

  // Share the noise words of a centre word across its window and update the block of
  // pairs as small matrix products (HogBatch); off trains one pair at a time.
  bool batch_negatives = true;
  InputSide input_side = InputSide::kContext;  // skipgram only

  Architecture model = Architecture::kSkipgram;
  bool cbow_mean = true;  // cbow: the mean of the context rows; false: their sum (see
                          // default_cbow_mean for the command line's choice)
  Loss loss = Loss::kNegativeSampling;
};

// Throws UsageError naming the first option out of range.
void validate(const TrainOptions& options);

}  // namespace w2v
