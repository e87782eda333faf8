#include "w2v/communicator.hpp"

#include "w2v/error.hpp"

namespace w2v {
namespace {

// How an error travels between ranks: its kind, one byte, then its message.
enum class ErrorKind : char {
  kNone = '0',
  kError = 'E',
  kUsage = 'U',
  kInterrupted = 'I',
  kStopped = 'S',  // RankStopped: ranks below every other error
  kDiverged = 'D',
};

std::string encode(std::exception_ptr error) {
  if (!error) return std::string(1, static_cast<char>(ErrorKind::kNone));
  try {
    std::rethrow_exception(error);
  } catch (const Interrupted&) {
    return std::string(1, static_cast<char>(ErrorKind::kInterrupted));
  } catch (const UsageError& e) {
    return static_cast<char>(ErrorKind::kUsage) + std::string(e.what());
  } catch (const Diverged& e) {
    return static_cast<char>(ErrorKind::kDiverged) + std::string(e.what());
  } catch (const RankStopped& e) {
    return static_cast<char>(ErrorKind::kStopped) + std::string(e.what());
  } catch (const std::bad_alloc&) {
    return static_cast<char>(ErrorKind::kError) + std::string("out of memory");
  } catch (const std::exception& e) {
    return static_cast<char>(ErrorKind::kError) + std::string(e.what());
  } catch (...) {
    return static_cast<char>(ErrorKind::kError) + std::string("unknown error");
  }
}

}  // namespace

void agree_on_errors(Communicator& comm, std::exception_ptr error) {
  if (comm.size() == 1) {
    if (error) std::rethrow_exception(error);
    return;
  }
  const std::vector<std::string> all = comm.gather(encode(error));
  std::string verdict(1, static_cast<char>(ErrorKind::kNone));
  auto kind = [](const std::string& e) { return e.empty() ? ErrorKind::kNone : ErrorKind(e[0]); };
  bool found = false;
  for (const bool stopped : {false, true}) {
    for (std::size_t r = 0; r < all.size() && !found; ++r) {
      const ErrorKind k = kind(all[r]);
      if (k == ErrorKind::kNone || (k == ErrorKind::kStopped) != stopped) continue;
      found = true;
      // A RankStopped names the rank that stopped the job itself.
      verdict = all[r][0] + (stopped ? all[r].substr(1)
                                     : "rank " + std::to_string(r) + ": " + all[r].substr(1));
    }
  }
  comm.broadcast(verdict);
  switch (static_cast<ErrorKind>(verdict.empty() ? '0' : verdict[0])) {
    case ErrorKind::kNone:
      return;
    case ErrorKind::kInterrupted:
      throw Interrupted();
    case ErrorKind::kUsage:
      throw UsageError(verdict.substr(1));
    case ErrorKind::kDiverged:
      throw Diverged(verdict.substr(1));
    case ErrorKind::kStopped:
    case ErrorKind::kError:
      break;
  }
  throw Error(verdict.substr(1));
}

void run_on_every_rank(Communicator& comm, const std::function<void()>& step) {
  std::exception_ptr error;
  try {
    step();
  } catch (...) {
    error = std::current_exception();
  }
  agree_on_errors(comm, error);
}

}  // namespace w2v
