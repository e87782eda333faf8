#pragma once
#include <exception>
#include <mutex>

namespace w2v::detail {

// Keeps the first exception thrown inside an OpenMP region, which must not escape it,
// so the caller can rethrow it after the join.
class FirstException {
 public:
  template <class F>
  void run(F&& f) noexcept {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
  bool failed() const { return static_cast<bool>(error_); }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace w2v::detail
