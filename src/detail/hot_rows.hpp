#pragma once
#include <cstddef>
#include <cstdint>

#include "w2v/model.hpp"

namespace w2v::detail {

// A training thread's own copies of the first `count` rows of a shared matrix: with ids
// in descending order of frequency, the rows of the words drawn most often as noise.
// Every thread writes those rows for nearly every word, and in lock-free training each
// write moves the row's cache lines between cores; where the cores are far apart (a
// cache-line round trip of ~470 ns rather than ~110) two threads ran 1.5x as fast as one
// instead of 2x. The thread trains its copies and adds what it changed to the shared rows
// at each sync.
class HotRows {
 public:
  // How a sync folds a copy into its shared row.
  enum class Combine {
    // Adds the copy's change: each thread's steps are work the others did not do.
    kAddChanges,
    // Sets the shared row to the mean of itself and the copy. For rows stepped thousands of
    // times between syncs (the tree's nodes nearest the root, on nearly every path) each
    // copy settles where the shared row would: adding both changes moves the row twice as
    // far. Skip-gram hs on the full benchmark corpus scored 2 analogy points higher so.
    kAverage,
  };

  // count 0: no copies, row() is the shared row.
  HotRows(Matrix& shared, std::size_t count, Combine combine = Combine::kAddChanges);

  float* row(std::uint32_t id) { return id < count_ ? local_.row(id) : shared_->row(id); }
  std::size_t count() const { return count_; }

  // Folds each copy changed since the last sync into its shared row (then applies the
  // merge's norm limit to it, as a training step does) and copies the shared rows, which
  // now hold the other threads' changes too, as the new starting point.
  void sync(const MergeParams& merge);

 private:
  Matrix* shared_;
  std::size_t count_;
  Combine combine_;
  Matrix local_;  // trained by this thread
  Matrix base_;   // the shared rows as of the last sync
};

}  // namespace w2v::detail
