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
};

// Keeps the copies of a model that the ranks of a job train on their own shares close, by
// averaging their rows while they train (pWord2Vec's scheme): the most frequent words'
// rows (ids are in descending count order), which change most, at every sync; the others
// in a window that cycles through them; every row at each epoch's end and at the end.
// Training threads go on writing rows during an average: what a row gained meanwhile is
// kept (row += average - snapshot), as lock-free training keeps concurrent updates.
// Collective: every rank calls the same methods in the same order (see Communicator).
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
  // Averages the hot rows and the next window of the others.
  void sync_some();
  // Averages every row.
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
  void average_rows(Matrix& m, std::size_t first, std::size_t last);

  Communicator& comm_;
  std::vector<Matrix*> matrices_;
  SyncOptions options_;
  std::size_t rows_ = 0;         // of each matrix
  std::size_t budget_rows_ = 0;  // rows per matrix per sync, at most
  std::size_t cold_next_ = 0;    // where the cycling window goes on
  std::uint64_t bytes_ = 0, syncs_ = 0;
  double seconds_ = 0, cpu_seconds_ = 0;
  std::vector<float> buffer_, snapshot_;
};

}  // namespace w2v
