#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "w2v/communicator.hpp"
#include "w2v/model.hpp"

namespace w2v {

// Where a rank stands, as it tells the others at each sync.
enum class RankStatus : std::int64_t {
  kTraining = 0,
  kDone = 1,  // its share is trained; it still syncs until every rank is done
  kInterrupted = 2,
  kDiverged = 3,
  kFailed = 4,
};

struct SyncOptions {
  // Seconds between syncs of the hot rows.
  double period_seconds = 0.1;
  // Bytes of rows averaged per sync, over all matrices: half the most frequent words'
  // rows, half a window that cycles through the rest.
  std::size_t max_bytes = std::size_t{4} << 20;
  // Rows of each matrix averaged at the first sync; doubled at each sync up to max_bytes.
  std::size_t first_rows = 1024;
  // How much of the ranks' changes to a row since its last sync the sync keeps: the row
  // becomes base + change_scale x (sum of the N ranks' changes). 0 stands for 1/N, the
  // average, which needs no base; any other value keeps a copy of the model as the base.
  // In [0, 1]: 1 sums the changes, as one process's threads do. Averaging makes a row
  // move at 1/N of one process's pace; 0.5 keeps it at half, whatever N.
  double change_scale = 0.5;
};

// Keeps the copies of a model that the ranks of a job train on their own shares close, by
// combining their rows while they train (pWord2Vec's scheme): the most frequent words'
// rows (ids are in descending count order), which change most, at every sync; the others
// in a window that cycles through them; every row at each epoch's end and at the end.
// A row is combined as the average of the ranks' copies, or with SyncOptions::change_scale
// as the base (the row as the last sync left it, the same on every rank) plus that share of
// the ranks' summed changes since. Training threads go on writing rows meanwhile: what a row
// gained is kept (row += combined - snapshot), as lock-free training keeps concurrent
// updates. Collective: every rank calls the same methods in the same order (see
// Communicator), the constructor too (with a base, it averages the ranks' models into it).
class ModelSync {
 public:
  // `matrices`: every matrix of the model, with the same rows and columns on every rank.
  ModelSync(Communicator& comm, std::vector<Matrix*> matrices, SyncOptions options = {});

  struct Round {
    std::int64_t words = 0;                   // trained by all ranks
    bool all_done = false;                    // every rank reported kDone
    int stopped_rank = -1;                    // the lowest rank that reported a stop, if any
    RankStatus stop = RankStatus::kTraining;  // what it reported
  };
  // Tells the others this rank's words trained and status and learns theirs.
  Round exchange(std::int64_t words, RankStatus status);
  // Combines the hot rows and the next window of the others.
  void sync_some();
  // Combines every row.
  void sync_all();
  // Averages `values` (the merge's scale and bias) in place, keeping what changed meanwhile
  // as rows do: `values` holds the snapshot, the result is the average.
  void average(std::vector<double>& values);

  int ranks() const { return comm_.size(); }
  // Bytes of rows and values this rank contributed to averages so far.
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t syncs() const { return syncs_; }
  // Seconds spent averaging rows so far, and of them on a CPU (the rest is waiting for
  // the other ranks and the network).
  double seconds() const { return seconds_; }
  double cpu_seconds() const { return cpu_seconds_; }
  Communicator& comm() { return comm_; }

 private:
  void combine_rows(std::size_t matrix, std::size_t first, std::size_t last);
  void average_into_base();

  Communicator& comm_;
  std::vector<Matrix*> matrices_;
  SyncOptions options_;
  std::size_t rows_ = 0;                  // of each matrix
  std::size_t budget_rows_ = 0;           // rows per matrix per sync, at most
  std::size_t cold_next_ = 0;             // where the cycling window goes on
  float change_scale_ = 0;                // of the summed changes; 1/N: the average, no base
  std::vector<std::vector<float>> base_;  // per matrix, rows x cols; empty when averaging
  std::uint64_t bytes_ = 0, syncs_ = 0;
  double seconds_ = 0, cpu_seconds_ = 0;
  std::vector<float> buffer_, snapshot_;
};

}  // namespace w2v
