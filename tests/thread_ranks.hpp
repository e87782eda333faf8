// Ranks that are threads of one process: a Communicator for testing what runs on several
// ranks (the trainer's sync, the shared vocabulary) without MPI.
#pragma once
#include <condition_variable>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "w2v/communicator.hpp"

namespace w2v::test {

class ThreadRanks {
 public:
  explicit ThreadRanks(int n)
      : n_(n), pointers_(static_cast<std::size_t>(n)), strings_(static_cast<std::size_t>(n)) {
    for (int r = 0; r < n; ++r) ranks_.push_back(std::make_unique<Rank>(*this, r));
  }

  Communicator& rank(int r) { return *ranks_[static_cast<std::size_t>(r)]; }

  // Runs f(rank) on one thread per rank; rethrows the first exception.
  void run(const std::function<void(Communicator&)>& f) {
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(n_));
    std::vector<std::thread> threads;
    for (int r = 0; r < n_; ++r) {
      threads.emplace_back([&, r] {
        try {
          f(rank(r));
        } catch (...) {
          errors[static_cast<std::size_t>(r)] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
  }

 private:
  class Rank final : public Communicator {
   public:
    Rank(ThreadRanks& group, int rank) : group_(group), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return group_.n_; }
    void sum(float* v, std::size_t n) override { group_.sum(rank_, v, n); }
    void sum(double* v, std::size_t n) override { group_.sum(rank_, v, n); }
    void sum(std::int64_t* v, std::size_t n) override { group_.sum(rank_, v, n); }
    void broadcast(std::string& bytes) override {
      if (rank_ == 0) group_.text_ = bytes;
      group_.wait();
      if (rank_ != 0) bytes = group_.text_;
      group_.wait();
    }
    std::vector<std::string> gather(const std::string& bytes) override {
      group_.strings_[static_cast<std::size_t>(rank_)] = bytes;
      group_.wait();
      std::vector<std::string> all;
      if (rank_ == 0) all = group_.strings_;
      group_.wait();
      return all;
    }

   private:
    ThreadRanks& group_;
    int rank_;
  };

  // Every rank's `values` summed in rank order (the same on every rank).
  template <class T>
  void sum(int rank, T* values, std::size_t n) {
    pointers_[static_cast<std::size_t>(rank)] = values;
    wait();
    if (rank == 0) {
      std::vector<T> total(n, T{});
      for (void* p : pointers_) {
        for (std::size_t i = 0; i < n; ++i) total[i] += static_cast<T*>(p)[i];
      }
      result_.resize(n * sizeof(T));
      std::memcpy(result_.data(), total.data(), n * sizeof(T));
    }
    wait();
    std::memcpy(values, result_.data(), n * sizeof(T));
    wait();
  }

  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::uint64_t generation = generation_;
    if (++arrived_ == n_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation; });
    }
  }

  int n_;
  std::vector<std::unique_ptr<Rank>> ranks_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int arrived_ = 0;
  std::uint64_t generation_ = 0;
  std::vector<void*> pointers_;
  std::vector<std::string> strings_;
  std::string text_;
  std::string result_;
};

}  // namespace w2v::test
