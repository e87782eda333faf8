#include "w2v/checkpoint.hpp"

#include <cstring>

#include "detail/vocab_sections.hpp"
#include "w2v/error.hpp"
#include "w2v/job_options.hpp"

namespace w2v {
namespace {

void write_matrix(SectionWriter& writer, const char* name, const Matrix& m) {
  writer.begin(name);
  for (std::size_t r = 0; r < m.rows(); ++r) writer.write(m.row(r), m.cols() * sizeof(float));
  writer.end();
}

Matrix read_matrix(const SectionFile& file, const char* name, std::size_t rows, std::size_t cols,
                   const std::string& where) {
  const std::string_view bytes = file.section(name);
  if (bytes.size() != rows * cols * sizeof(float)) {
    throw Error(where + ": section '" + name + "' holds " + std::to_string(bytes.size()) +
                " bytes, expected " + std::to_string(rows) + " rows of " + std::to_string(cols) +
                " floats");
  }
  Matrix m(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) {
    std::memcpy(m.row(r), bytes.data() + r * cols * sizeof(float), cols * sizeof(float));
  }
  if (!m.all_finite())
    throw Error(where + ": section '" + name + "' holds a value that is not finite");
  return m;
}

void write_state(ByteWriter& w, const TrainState& s, const MergeParams& merge) {
  w.u64(s.chunks);
  w.i64(s.words_per_epoch);
  w.u64(s.next_chunk.size());
  for (std::size_t e = 0; e < s.next_chunk.size(); ++e) {
    w.u64(s.next_chunk[e]);
    w.f64(s.epoch_loss[e]);
    w.i64(s.epoch_pairs[e]);
  }
  w.u64(s.threads.size());
  for (const ThreadState& t : s.threads) {
    w.u64(t.rng);
    w.u32(static_cast<std::uint32_t>(t.epoch));
    w.i64(t.words);
    w.i64(t.pairs);
    w.f64(t.loss);
    w.f64(t.epoch_loss);
    w.i64(t.epoch_pairs);
  }
  w.u32(merge.merge == Merge::kCos ? 0 : 1);
  w.f32(merge.scale);
  w.f32(merge.bias);
  w.f32(merge.max_norm);
}

TrainState read_state(ByteReader& r, int epochs, MergeParams& merge) {
  TrainState s;
  s.chunks = r.u64();
  s.words_per_epoch = r.i64();
  const std::uint64_t n = r.u64();
  if (n != static_cast<std::uint64_t>(epochs)) {
    r.fail(std::to_string(n) + " epochs, the job says " + std::to_string(epochs));
  }
  for (std::uint64_t e = 0; e < n; ++e) {
    s.next_chunk.push_back(r.u64());
    s.epoch_loss.push_back(r.f64());
    s.epoch_pairs.push_back(r.i64());
  }
  const std::uint64_t threads = r.u64();
  if (threads == 0 || threads > 1u << 16) r.fail("a bad number of threads");
  for (std::uint64_t i = 0; i < threads; ++i) {
    ThreadState t;
    t.rng = r.u64();
    t.epoch = static_cast<int>(r.u32());
    t.words = r.i64();
    t.pairs = r.i64();
    t.loss = r.f64();
    t.epoch_loss = r.f64();
    t.epoch_pairs = r.i64();
    if (t.epoch < 0 || t.epoch > epochs) r.fail("a thread in epoch " + std::to_string(t.epoch));
    s.threads.push_back(t);
  }
  const std::uint32_t kind = r.u32();
  if (kind > 1) r.fail("an unknown merge");
  merge.merge = kind == 0 ? Merge::kCos : Merge::kDot;
  merge.scale = r.f32();
  merge.bias = r.f32();
  merge.max_norm = r.f32();
  if (!r.done()) r.fail("unexpected bytes at the end");
  return s;
}

}  // namespace

bool is_checkpoint(const std::string& path) {
  return SectionFile::starts_with(path, kCheckpointMagic);
}

void write_checkpoint(ByteSink& out, const TrainJob& job, const std::vector<CacheInput>& inputs,
                      const Vocab& vocab, const Model& model, const TrainState& state) {
  std::uint64_t vocab_bytes = 16 * vocab.size();
  for (std::uint32_t i = 0; i < vocab.size(); ++i) vocab_bytes += vocab.word(i).size();
  const std::size_t matrices = model.nodes.rows() > 0 ? 3 : 2;
  out.expect_size(matrices * model.words.rows() * model.words.cols() * sizeof(float) + vocab_bytes +
                  64 * 1024);
  SectionWriter writer(out, kCheckpointMagic, kCheckpointVersion);
  ByteWriter w;
  const std::vector<JobOption> options = job_options(job);
  w.u64(options.size());
  for (const JobOption& o : options) {
    w.str(o.name);
    w.str(o.text);
  }
  writer.begin("job");
  writer.write(w.data());
  writer.end();
  ByteWriter in;
  in.u64(inputs.size());
  for (const CacheInput& i : inputs) {
    in.str(i.path);
    in.u64(i.size);
    in.i64(i.mtime_ns);
  }
  writer.begin("inputs");
  writer.write(in.data());
  writer.end();
  ByteWriter st;
  write_state(st, state, model.merge);
  writer.begin("state");
  writer.write(st.data());
  writer.end();
  detail::write_vocab_sections(writer, "vocab_", vocab);
  write_matrix(writer, "words", model.words);
  write_matrix(writer, "contexts", model.contexts);
  if (model.nodes.rows() > 0) write_matrix(writer, "nodes", model.nodes);
  writer.finish();
}

Checkpoint read_checkpoint(const std::string& path, const std::atomic<bool>* cancel) {
  const SectionFile file(path, kCheckpointMagic, kCheckpointVersion, "checkpoint", cancel);
  const std::string where = "checkpoint '" + path + "'";
  Checkpoint c;
  ByteReader job(file.section("job"), where + ": section 'job'");
  const std::uint64_t options = job.u64();
  for (std::uint64_t i = 0; i < options; ++i) {
    const std::string name = job.str();
    const std::string text = job.str();
    try {
      set_job_option(c.job, name, text);
    } catch (const Error& e) {
      job.fail(e.what());
    }
  }
  if (!job.done()) job.fail("unexpected bytes at the end");
  try {
    validate(c.job.train);
  } catch (const Error& e) {
    job.fail(e.what());
  }
  ByteReader inputs(file.section("inputs"), where + ": section 'inputs'");
  const std::uint64_t n = inputs.u64();
  for (std::uint64_t i = 0; i < n; ++i) {
    CacheInput in;
    in.path = inputs.str();
    in.size = inputs.u64();
    in.mtime_ns = inputs.i64();
    c.inputs.push_back(std::move(in));
  }
  if (!inputs.done()) inputs.fail("unexpected bytes at the end");
  ByteReader state(file.section("state"), where + ": section 'state'");
  c.state = read_state(state, c.job.train.epochs, c.merge);
  if (c.merge.merge != c.job.train.merge) state.fail("its merge is not the job's");
  const detail::VocabSections vocab(file, "vocab_", where);
  c.vocab = vocab.build(vocab.size());
  const auto dim = static_cast<std::size_t>(c.job.train.dim);
  c.words = read_matrix(file, "words", c.vocab.size(), dim, where);
  c.contexts = read_matrix(file, "contexts", c.vocab.size(), dim, where);
  if (c.job.train.loss == Loss::kHierarchicalSoftmax) {
    c.nodes = read_matrix(file, "nodes", c.vocab.size(), dim, where);
  }
  return c;
}

}  // namespace w2v
