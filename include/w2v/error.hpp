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

// Training stopped because the loss or a vector stopped being finite.
class Diverged : public Error {
 public:
  using Error::Error;
};

// An invalid option value: the command line itself is wrong (exit status 2 in the CLI).
class UsageError : public Error {
 public:
  using Error::Error;
};

// The caller's cancel flag was seen set (a signal): the work stopped and nothing was
// committed (exit status 130 in the CLI).
class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

// Standard output's reader went away (EPIPE): the CLI exits quietly, as a program killed by
// SIGPIPE would.
class BrokenPipe : public Error {
 public:
  BrokenPipe() : Error("standard output was closed") {}
};

}  // namespace w2v
