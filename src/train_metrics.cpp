#include "w2v/train_metrics.hpp"

#include "w2v/json.hpp"
#include "w2v/version.hpp"

namespace w2v {
namespace {

std::string parameters_json(const TrainJob& job) {
  const TrainOptions& t = job.train;
  std::string inputs = "[";
  for (const auto& in : job.corpus.inputs) {
    if (inputs.size() > 1) inputs += ',';
    append_json_string(inputs, in);
  }
  inputs += ']';
  JsonObject p;
  p.add_raw("corpus", inputs)
      .add("output", job.output)
      .add("format", output_format(job) == VectorFormat::kBinary ? "bin" : "text")
      .add("save_context", job.save_context)
      .add("save_vocab", job.save_vocab)
      .add("metrics", job.metrics)
      .add("add_context", context_weight(job))
      .add("read_vocab", job.corpus.read_vocab)
      .add("min_count", static_cast<long long>(job.corpus.vocab.min_count))
      .add("max_vocab", static_cast<long long>(job.corpus.vocab.max_vocab))
      .add("max_word_bytes", static_cast<long long>(job.corpus.tokenizer.max_word_bytes))
      .add("lowercase", job.corpus.tokenizer.lowercase)
      .add("model", architecture_name(t.model))
      .add("cbow_mean", t.cbow_mean ? "on" : "off")
      .add("loss", loss_name(t.loss))
      .add("dim", t.dim)
      .add("window", t.window)
      .add("negative", t.negative)
      .add("ns_exponent", t.ns_exponent)
      .add("sample", t.sample)
      .add("merge", merge_name(t.merge))
      .add("cos_scale", t.cos_scale)
      .add("cos_bias", t.cos_bias)
      .add("fixed_scale", t.fixed_scale)
      .add("scale_lr", t.scale_lr)
      .add("cos_init", t.cos_init)
      .add("max_norm", t.max_norm)
      .add("lr", t.lr)
      .add("epochs", t.epochs)
      .add("threads", t.threads)
      .add("seed", static_cast<unsigned long long>(t.seed))
      .add("sync_scale", t.sync_scale)
      .add("batch_negatives", t.batch_negatives ? "on" : "off")
      .add("input_side", input_side_name(t.input_side));
  return p.str();
}

std::string epochs_json(const TrainStats& t) {
  std::string list = "[";
  for (std::size_t e = 0; e < t.epochs.size(); ++e) {
    const EpochStats& s = t.epochs[e];
    JsonObject o;
    o.add("epoch", static_cast<long long>(e + 1))
        .add("loss", s.loss)
        .add("pairs", static_cast<long long>(s.pairs))
        .add("end_seconds", s.end_seconds)
        .add("lr", s.lr)
        .add("words_per_second", s.words_per_second);
    list += (e > 0 ? "," : "") + o.str();
  }
  return list + "]";
}

std::string progress_json(const std::vector<ProgressSample>& samples) {
  std::string list = "[";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const ProgressSample& s = samples[i];
    JsonObject o;
    o.add("seconds", s.seconds)
        .add("fraction", s.fraction)
        .add("lr", s.lr)
        .add("loss", s.loss)
        .add("words_per_second", s.words_per_second);
    list += (i > 0 ? "," : "") + o.str();
  }
  return list + "]";
}

std::string results_json(const TrainReport& r) {
  JsonObject j;
  j.add("status", r.status);
  if (!r.error.empty()) j.add("error", r.error);
  j.add("started", r.started)
      .add("ended", r.ended)
      .add("peak_memory_bytes", static_cast<long long>(r.peak_memory))
      .add("ranks", r.ranks)
      .add("vocab_size", static_cast<long long>(r.vocab_size))
      .add("corpus_words", static_cast<long long>(r.corpus_words))
      .add("tokens_read", static_cast<long long>(r.tokens.words))
      .add("bytes_read", static_cast<long long>(r.bytes))
      .add("repaired_words", static_cast<long long>(r.tokens.repaired_words))
      .add("truncated_words", static_cast<long long>(r.tokens.truncated_words))
      .add("control_bytes", static_cast<long long>(r.tokens.control_bytes))
      .add("pruned_words", static_cast<long long>(r.pruned))
      .add("tokens_trained", static_cast<long long>(r.train.words))
      .add("pairs", static_cast<long long>(r.train.pairs))
      .add("read_seconds", r.read_seconds)
      .add("train_seconds", r.train.seconds)
      .add("seconds", r.seconds)
      .add("words_per_second", r.train.words_per_second)
      .add("final_loss", r.train.final_loss)
      .add("scale", r.train.scale)
      .add("bias", r.train.bias)
      .add("sync_bytes_per_rank", static_cast<long long>(r.train.sync_bytes))
      .add("syncs", static_cast<long long>(r.train.syncs))
      .add("sync_seconds", r.train.sync_seconds)
      .add("sync_cpu_seconds", r.train.sync_cpu_seconds)
      .add_raw("epochs", epochs_json(r.train))
      .add_raw("progress", progress_json(r.progress));
  return j.str();
}

}  // namespace

std::string metrics_json(const TrainJob& job, const TrainReport& report) {
  JsonObject root;
  root.add("command", "train")
      .add("version", kVersion)
      .add_raw("parameters", parameters_json(job))
      .add_raw("results", results_json(report));
  return root.str() + "\n";
}

}  // namespace w2v
