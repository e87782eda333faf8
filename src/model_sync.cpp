#include "w2v/model_sync.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <stdexcept>

namespace w2v {
namespace {

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Adds the seconds of its lifetime to `wall`, and the CPU time of its thread to `cpu`.
class Stopwatch {
 public:
  Stopwatch(double& wall, double& cpu) : wall_(wall), cpu_(cpu) {}
  ~Stopwatch() {
    wall_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    cpu_ += thread_cpu_seconds() - cpu_start_;
  }

 private:
  double& wall_;
  double& cpu_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double cpu_start_ = thread_cpu_seconds();
};

}  // namespace

ModelSync::ModelSync(Communicator& comm, std::vector<Matrix*> matrices, SyncOptions options)
    : comm_(comm), matrices_(std::move(matrices)), options_(options) {
  if (matrices_.empty()) throw std::logic_error("ModelSync: no matrix");
  rows_ = matrices_[0]->rows();
  std::size_t row_bytes = 0;
  for (const Matrix* m : matrices_) {
    if (m->rows() != rows_) throw std::logic_error("ModelSync: matrices of different heights");
    row_bytes += m->cols() * sizeof(float);
  }
  budget_rows_ = std::max<std::size_t>(2, options_.max_bytes / std::max<std::size_t>(1, row_bytes));
  cold_next_ = 0;
  if (!(options_.change_scale >= 0 && options_.change_scale <= 1)) {
    throw std::logic_error("ModelSync: change_scale out of [0, 1]");
  }
  const double average = 1.0 / comm_.size();
  change_scale_ = static_cast<float>(options_.change_scale > 0 ? options_.change_scale : average);
  if (options_.change_scale > 0 && std::abs(options_.change_scale - average) > 1e-9) {
    average_into_base();
  }
}

void ModelSync::average_into_base() {
  base_.resize(matrices_.size());
  const float inverse = 1.0f / static_cast<float>(comm_.size());
  for (std::size_t i = 0; i < matrices_.size(); ++i) {
    Matrix& m = *matrices_[i];
    const std::size_t cols = m.cols();
    base_[i].resize(rows_ * cols);
    for (std::size_t r = 0; r < rows_; ++r) {
      std::copy(m.row(r), m.row(r) + cols, base_[i].data() + r * cols);
    }
    // In pieces of the budget, as the syncs go; no thread trains yet.
    for (std::size_t first = 0; first < rows_; first += budget_rows_) {
      const std::size_t n = (std::min(rows_, first + budget_rows_) - first) * cols;
      comm_.sum(base_[i].data() + first * cols, n);
    }
    for (float& v : base_[i]) v *= inverse;
    for (std::size_t r = 0; r < rows_; ++r) {
      std::copy(base_[i].data() + r * cols, base_[i].data() + (r + 1) * cols, m.row(r));
    }
  }
}

ModelSync::Round ModelSync::exchange(std::int64_t words, RankStatus status) {
  const auto n = static_cast<std::size_t>(comm_.size());
  const auto me = static_cast<std::size_t>(comm_.rank());
  // Per rank its words, then per rank its status: each rank fills its own slots.
  std::vector<std::int64_t> slots(2 * n, 0);
  slots[me] = words;
  slots[n + me] = static_cast<std::int64_t>(status);
  comm_.sum(slots.data(), slots.size());
  Round round;
  round.all_done = true;
  for (std::size_t r = 0; r < n; ++r) {
    round.words += slots[r];
    const auto s = static_cast<RankStatus>(slots[n + r]);
    if (s != RankStatus::kDone) round.all_done = false;
    if (round.stopped_rank < 0 && s != RankStatus::kDone && s != RankStatus::kTraining) {
      round.stopped_rank = static_cast<int>(r);
      round.stop = s;
    }
  }
  return round;
}

void ModelSync::sync_some() {
  const Stopwatch watch(seconds_, cpu_seconds_);
  const std::size_t rows =
      std::min(budget_rows_, options_.first_rows << std::min<std::uint64_t>(syncs_, 20));
  const std::size_t hot = std::min(rows_, std::max<std::size_t>(1, rows / 2));
  for (std::size_t i = 0; i < matrices_.size(); ++i) combine_rows(i, 0, hot);
  if (hot < rows_) {
    const std::size_t cold = std::min(rows_ - hot, rows - hot);
    if (cold_next_ < hot || cold_next_ >= rows_) cold_next_ = hot;
    const std::size_t last = std::min(rows_, cold_next_ + cold);
    for (std::size_t i = 0; i < matrices_.size(); ++i) combine_rows(i, cold_next_, last);
    cold_next_ = last;
  }
  ++syncs_;
}

void ModelSync::sync_all() {
  const Stopwatch watch(seconds_, cpu_seconds_);
  // In pieces of the budget, so that the buffers stay small.
  for (std::size_t first = 0; first < rows_; first += budget_rows_) {
    const std::size_t last = std::min(rows_, first + budget_rows_);
    for (std::size_t i = 0; i < matrices_.size(); ++i) combine_rows(i, first, last);
  }
  ++syncs_;
}

void ModelSync::average(std::vector<double>& values) {
  std::vector<double> sum = values;
  comm_.sum(sum.data(), sum.size());
  const double inverse = 1.0 / comm_.size();
  for (double& v : sum) v *= inverse;
  values = sum;
  bytes_ += values.size() * sizeof(double);
}

void ModelSync::combine_rows(std::size_t matrix, std::size_t first, std::size_t last) {
  if (first >= last) return;
  Matrix& m = *matrices_[matrix];
  const std::size_t cols = m.cols();
  const std::size_t n = (last - first) * cols;
  snapshot_.resize(n);
  for (std::size_t r = first; r < last; ++r) {
    std::copy(m.row(r), m.row(r) + cols, snapshot_.data() + (r - first) * cols);
  }
  buffer_ = snapshot_;
  comm_.sum(buffer_.data(), n);
  if (base_.empty()) {
    for (std::size_t r = first; r < last; ++r) {
      float* row = m.row(r);
      const float* was = snapshot_.data() + (r - first) * cols;
      const float* sum = buffer_.data() + (r - first) * cols;
      for (std::size_t c = 0; c < cols; ++c) row[c] += sum[c] * change_scale_ - was[c];
    }
  } else {
    // base + scale x sum(copy - base) = (1 - N scale) base + scale x sum(copies)
    const float keep = 1.0f - static_cast<float>(comm_.size()) * change_scale_;
    for (std::size_t r = first; r < last; ++r) {
      float* row = m.row(r);
      float* base = base_[matrix].data() + r * cols;
      const float* was = snapshot_.data() + (r - first) * cols;
      const float* sum = buffer_.data() + (r - first) * cols;
      for (std::size_t c = 0; c < cols; ++c) {
        const float combined = keep * base[c] + change_scale_ * sum[c];
        row[c] += combined - was[c];
        base[c] = combined;
      }
    }
  }
  bytes_ += n * sizeof(float);
}

}  // namespace w2v
