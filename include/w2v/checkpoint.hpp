#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "w2v/model.hpp"
#include "w2v/section_file.hpp"
#include "w2v/token_cache.hpp"
#include "w2v/train_job.hpp"
#include "w2v/trainer.hpp"
#include "w2v/vocab.hpp"

namespace w2v {

// The whole state of a training run, to resume it (`train --resume`) or to train further
// (`train --continue`): every option of the job, the inputs as they were, the vocabulary
// with its counts, the model's matrices and merge parameters, and where the run stood
// (trainer.hpp's TrainState: chunks handed out per epoch, each thread's random state and
// counters). A section file (section_file.hpp) with the sections "job", "inputs",
// "state", "vocab_counts", "vocab_word_ends", "vocab_words", "words" and "contexts"
// (rows x dim float32, no padding). A model with more matrices (hierarchical softmax's
// inner nodes) adds sections; readers refuse a file without the ones they need.
inline constexpr SectionWriter::Magic kCheckpointMagic = {'W', '2', 'V', 'C', 'H', 'E', 'C', 'K'};
inline constexpr std::uint32_t kCheckpointVersion = 1;

struct Checkpoint {
  TrainJob job;
  std::vector<CacheInput> inputs;  // the text inputs' identities ("-" for standard input)
  Vocab vocab;
  Matrix words, contexts;
  Matrix nodes;  // hierarchical softmax only
  MergeParams merge;
  TrainState state;
};

// Writes a checkpoint to `out` (the caller commits it).
void write_checkpoint(ByteSink& out, const TrainJob& job, const std::vector<CacheInput>& inputs,
                      const Vocab& vocab, const Model& model, const TrainState& state);

// Reads and checks a checkpoint (magic, version, every section's checksum, and that the
// sections agree with each other). Throws Error naming the file and the section at fault.
Checkpoint read_checkpoint(const std::string& path, const std::atomic<bool>* cancel = nullptr);

// True when `path` starts like a checkpoint (whatever its version).
bool is_checkpoint(const std::string& path);

}  // namespace w2v
