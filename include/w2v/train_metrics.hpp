#pragma once
#include <string>

#include "w2v/train_job.hpp"

namespace w2v {

// The `--metrics` file of a training run: one JSON object with "command": "train",
// "version", "parameters" (every option of the job, as given) and "results": the status
// (finished, diverged, interrupted, failed, with the error), start and end times, peak
// memory, the report's figures, per epoch its loss, learning rate and words/s, and the
// progress every 0.2 s or so (thinned to at most 1000 points) (seconds, fraction, lr, loss,
// words/s).
std::string metrics_json(const TrainJob& job, const TrainReport& report);

}  // namespace w2v
