#pragma once
#include <stdexcept>
#include <string>

namespace w2v {

// A failure the user can act on: a missing file, a malformed line, a diverged run.
// The message is one line that names the file, option or value at fault.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An invalid option value: the command line itself is wrong (exit status 2 in the CLI).
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace w2v
