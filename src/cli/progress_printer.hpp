#pragma once
#include "w2v/trainer.hpp"

namespace w2v::cli {

// Sets up the spdlog logger on standard error: quiet shows errors only, verbose adds
// debug messages.
void setup_logging(bool quiet, bool verbose);

// The warnings of a pass over text: words repaired, rare words pruned, control bytes.
void log_reading_warnings(const TokenizerStats& tokens, std::int64_t pruned);

// Shows training progress: one line refreshed in place on a terminal, a log line every
// few seconds otherwise, nothing when quiet.
class ProgressPrinter {
 public:
  enum class Mode { kTerminal, kLog, kQuiet };
  static Mode mode_for_stderr(bool quiet);

  explicit ProgressPrinter(Mode mode) : mode_(mode) {}
  ~ProgressPrinter() { finish(); }
  // Seconds between updates for this mode.
  double interval() const;
  void update(const TrainProgress& progress);
  // Ends the line on a terminal.
  void finish();

 private:
  Mode mode_;
  bool line_open_ = false;
};

}  // namespace w2v::cli
