#pragma once
#include <string>
#include <vector>

#include "w2v/train_job.hpp"

namespace w2v {

// Every option of a training job as text, named as the command line names it
// ("min-count", "merge"; each corpus input is one "corpus" entry): how a checkpoint
// stores its job, how a resumed run's options are compared with it, and what --metrics
// reports.
struct JobOption {
  enum Kind { kText, kNumber, kFlag };
  std::string name;
  std::string text;  // numbers in their shortest exact form; flags "true" or "false"
  Kind kind = kText;
};

std::vector<JobOption> job_options(const TrainJob& job);

// Sets one option from its text (the reverse of job_options; "corpus" appends an input).
// Throws Error for an unknown name or a value that does not parse.
void set_job_option(TrainJob& job, const std::string& name, const std::string& text);

// The text of option `name` in `options`, or "" when it has none ("corpus": the inputs
// joined by newlines).
std::string option_text(const std::vector<JobOption>& options, const std::string& name);

// "1800s" or "500000000" (words): --checkpoint-every as the job holds it.
std::string checkpoint_interval_text(const TrainJob& job);

}  // namespace w2v
