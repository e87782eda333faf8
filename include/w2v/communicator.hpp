#pragma once
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "w2v/error.hpp"

namespace w2v {

// The processes (ranks) of one job and the collective operations between them: one
// process alone (SingleProcess), or the ranks of an MPI job (mpi_communicator.hpp). Every
// operation is collective: each rank calls the same ones in the same order, from one
// thread at a time.
class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Element-wise sums over the ranks, in place on every rank.
  virtual void sum(float* values, std::size_t n) = 0;
  virtual void sum(double* values, std::size_t n) = 0;
  virtual void sum(std::int64_t* values, std::size_t n) = 0;
  // Rank 0's `bytes` on every rank.
  virtual void broadcast(std::string& bytes) = 0;
  // Every rank's `bytes` in rank order on rank 0; empty on the others.
  virtual std::vector<std::string> gather(const std::string& bytes) = 0;
};

// A job of one process: every operation leaves its arguments as they are.
class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum(float*, std::size_t) override {}
  void sum(double*, std::size_t) override {}
  void sum(std::int64_t*, std::size_t) override {}
  void broadcast(std::string&) override {}
  std::vector<std::string> gather(const std::string& bytes) override { return {bytes}; }
};

// A rank stopped because another one failed: the other's error is the one to report.
class RankStopped : public Error {
 public:
  using Error::Error;
};

// Runs `step` on every rank and agrees on how it went: when it threw on any rank, every
// rank throws the error of the lowest such rank (Interrupted, UsageError or Error as it
// was; other exceptions as Error; a RankStopped only when no rank has another error), its
// message prefixed "rank N: " in a job of several ranks. Collective.
void run_on_every_rank(Communicator& comm, const std::function<void()>& step);

// The same agreement for an outcome already known: `error` is null where the rank
// succeeded.
void agree_on_errors(Communicator& comm, std::exception_ptr error);

}  // namespace w2v
