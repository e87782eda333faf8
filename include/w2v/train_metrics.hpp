#pragma once
#include <string>

#include "w2v/train_job.hpp"

namespace w2v {

// The `--metrics` file of a training run: one JSON object with "command": "train",
// "parameters" (every option of the job) and "results" (the report's figures).
std::string metrics_json(const TrainJob& job, const TrainReport& report);

}  // namespace w2v
