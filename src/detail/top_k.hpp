#pragma once
// The top-k heap of SearchIndex::search: each thread keeps the k best rows it has scored
// and the ones that came within a margin of them.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "w2v/search.hpp"

namespace w2v::detail {

// Search order: the higher score first, the lower row among equal scores.
inline bool better(const Neighbor& a, const Neighbor& b) {
  return a.score > b.score || (a.score == b.score && a.row < b.row);
}

// The k best offers so far, heap.front() the worst of them, and the offers that came
// within `margin` below the k-th best (those will be scored again).
class TopK {
 public:
  void reset(std::size_t k, float margin) {
    k_ = k;
    margin_ = margin;
    heap_.clear();
    near_.clear();
    prune_at_ = 2 * k + 64;
  }
  // The k-th best score so far; -infinity while there are fewer than k.
  float kth() const {
    return heap_.size() < k_ ? -std::numeric_limits<float>::infinity() : heap_.front().score;
  }
  void offer(const Neighbor& n) {
    if (heap_.size() < k_) {
      heap_.push_back(n);
      std::push_heap(heap_.begin(), heap_.end(), better);
      return;
    }
    Neighbor out = n;  // the one that is not among the k best
    if (better(n, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      out = heap_.back();
      heap_.back() = n;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
    if (margin_ > 0 && out.score >= kth() - margin_) {
      near_.push_back(out);
      if (near_.size() >= prune_at_) {
        prune();
        prune_at_ = std::max(prune_at_, 2 * near_.size());
      }
    }
  }
  // Appends the k best and those within the margin of the k-th best.
  void collect(std::vector<Neighbor>& to) {
    prune();
    to.insert(to.end(), heap_.begin(), heap_.end());
    to.insert(to.end(), near_.begin(), near_.end());
  }

 private:
  void prune() {
    const float floor = kth() - margin_;
    near_.erase(std::remove_if(near_.begin(), near_.end(),
                               [&](const Neighbor& n) { return n.score < floor; }),
                near_.end());
  }

  std::size_t k_ = 0, prune_at_ = 0;
  float margin_ = 0;
  std::vector<Neighbor> heap_, near_;
};

}  // namespace w2v::detail
