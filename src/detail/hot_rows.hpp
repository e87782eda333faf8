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
  // count 0: no copies, row() is the shared row.
  HotRows(Matrix& shared, std::size_t count);

  float* row(std::uint32_t id) { return id < count_ ? local_.row(id) : shared_->row(id); }
  std::size_t count() const { return count_; }

  // Adds each copy's change since the last sync to its shared row (then applies the
  // merge's norm limit to it, as a training step does) and copies the shared rows, which
  // now hold the other threads' changes too, as the new starting point.
  void sync(const MergeParams& merge);

 private:
  Matrix* shared_;
  std::size_t count_;
  Matrix local_;  // trained by this thread
  Matrix base_;   // the shared rows as of the last sync
};

}  // namespace w2v::detail
