#pragma once
#include <cstdint>
#include <vector>

#include "w2v/merge.hpp"

namespace w2v::detail {

// What one block of pairs contributed: loss summed over pairs, and the log-likelihood
// gradient (ascent direction) of the cos merge's scale and bias, also summed.
struct BlockStats {
  double loss = 0;
  std::int64_t pairs = 0;
  double scale_ascent = 0;
  double bias_ascent = 0;
  bool finite = true;  // false: a logit was NaN or infinite and nothing was updated
};

// Per-thread buffers for train_block, grown on demand.
struct BlockScratch {
  std::vector<float> logits, cosines, coefficients, labels;
  std::vector<float> in_inverse_norm, out_inverse_norm, in_shrink, out_shrink, in_pull, out_pull;
  std::vector<float> out_norm_sq, pair_dots, out_keep, out_steps;
  std::vector<float> delta_storage, out_delta_storage, pooled_storage;
  // Sizes the per-pair and per-row buffers for an m x n block; a check per block, a growth
  // only when a block is bigger than any before.
  void fit(int m, int n) {
    if (m > fitted_m_ || n > fitted_n_) grow(m, n);
  }
  float* delta(int m, int dim);  // m rows of dim floats, 64-byte aligned
  float* out_delta(int n, int dim);
  float* pooled(int dim);  // one row

 private:
  void grow(int m, int n);
  int fitted_m_ = 0, fitted_n_ = 0;
};

// One SGD step on the m x n block of pairs (in[i], out[j]): every input row (a word
// vector) is paired with every output row (a context vector); out[0 .. positives) are
// observed pairs (label 1), the rest noise (label 0). All logits use the rows as they
// were before the step. Rows are `dim` floats, `dim` a multiple of 16 (Matrix::stride()),
// 64-byte aligned; input rows must not alias output rows, though rows may repeat within each
// side. This is the batched kernel; train_block_reference is the plain version of it.
void train_block(float* const* in, int m, float* const* out, int n, int positives, int dim,
                 float lr, const MergeParams& merge, BlockScratch& scratch, BlockStats& stats);

// The same step computed pair by pair from merge_gradient, in double precision.
void train_block_reference(float* const* in, int m, float* const* out, int n, int positives,
                           int dim, float lr, const MergeParams& merge, BlockStats& stats);

// The same pairs with each input row stepped in turn: input row i's logits see the output
// rows as the steps of rows 0 .. i-1 left them, as the one-pair path orders a window's pairs,
// and its own step is applied before row i + 1's. The block's noise rows stay shared. A row
// whose logits are not finite stops the block there (stats.finite false); the rows before
// it keep their steps.
void train_block_in_turn(float* const* in, int m, float* const* out, int n, int positives, int dim,
                         float lr, const MergeParams& merge, BlockScratch& scratch,
                         BlockStats& stats);

// The same, each input row's step from train_block_reference.
void train_block_in_turn_reference(float* const* in, int m, float* const* out, int n, int positives,
                                   int dim, float lr, const MergeParams& merge, BlockStats& stats);

// CBOW's step: the m input rows are pooled into one, h = their mean (`mean`) or sum, h is
// trained against the n output rows as train_block trains one input row, and each input
// row then takes h's whole step (word2vec.c's update, for the mean as for the sum), place by
// place, each followed by the norm limit: a row that repeats takes both once per place.
// The same conditions on the rows as train_block.
void train_pooled_block(float* const* in, int m, bool mean, float* const* out, int n, int positives,
                        int dim, float lr, const MergeParams& merge, BlockScratch& scratch,
                        BlockStats& stats);

// The same step from merge_gradient, in double precision.
void train_pooled_block_reference(float* const* in, int m, bool mean, float* const* out, int n,
                                  int positives, int dim, float lr, const MergeParams& merge,
                                  BlockStats& stats);

// The norm limit train_block applies after each step: with the cos merge and max_norm > 0,
// a row (dim floats, as above) longer than max_norm is scaled back to it; otherwise nothing.
void cap_row(float* row, int dim, const MergeParams& merge);

// Building blocks, exposed for tests.
float fast_exp(float x);  // e^x for x in [-87, 88], relative error below 2e-7
float fast_log(float x);  // ln x, x >= 1e-30: error below 1e-6 for |ln x| < 8, one float
                          // step (of the result) beyond

}  // namespace w2v::detail
