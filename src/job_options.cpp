#include "w2v/job_options.hpp"

#include <charconv>
#include <cstdint>
#include <functional>
#include <map>

#include "w2v/error.hpp"

namespace w2v {
namespace {

template <class T>
std::string number(T value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

template <class T>
T parse(const std::string& name, const std::string& text) {
  T value{};
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
    throw Error("option " + name + ": cannot read '" + text + "'");
  }
  return value;
}

bool parse_flag(const std::string& name, const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  throw Error("option " + name + ": cannot read '" + text + "'");
}

bool parse_on_off(const std::string& name, const std::string& text) {
  if (text != "on" && text != "off") throw Error("option " + name + ": cannot read '" + text + "'");
  return text == "on";
}

// One row per option: how to read it from a job and how to set it.
struct Field {
  const char* name;
  JobOption::Kind kind;
  std::function<std::string(const TrainJob&)> get;
  std::function<void(TrainJob&, const std::string&)> set;
};

#define W2V_NUMBER(option, member, type)                                             \
  Field {                                                                            \
    option, JobOption::kNumber, [](const TrainJob& j) { return number(j.member); },  \
        [](TrainJob& j, const std::string& t) { j.member = parse<type>(option, t); } \
  }
#define W2V_TEXT(option, member)                                          \
  Field {                                                                 \
    option, JobOption::kText, [](const TrainJob& j) { return j.member; }, \
        [](TrainJob& j, const std::string& t) { j.member = t; }           \
  }
#define W2V_FLAG(option, member)                                                             \
  Field {                                                                                    \
    option, JobOption::kFlag, [](const TrainJob& j) { return j.member ? "true" : "false"; }, \
        [](TrainJob& j, const std::string& t) { j.member = parse_flag(option, t); }          \
  }

const std::vector<Field>& fields() {
  static const std::vector<Field> table = {
      W2V_NUMBER("max-word-bytes", corpus.tokenizer.max_word_bytes, std::size_t),
      W2V_FLAG("lowercase", corpus.tokenizer.lowercase),
      W2V_NUMBER("min-count", corpus.vocab.min_count, std::int64_t),
      W2V_NUMBER("max-vocab", corpus.vocab.max_vocab, std::int64_t),
      W2V_TEXT("read-vocab", corpus.read_vocab),
      W2V_TEXT("cache", corpus.cache_dir),
      W2V_TEXT("phrases", corpus.phrases),
      W2V_NUMBER("memory-limit", corpus.memory_limit, std::uint64_t),
      W2V_TEXT("spill-dir", corpus.spill_dir),
      W2V_NUMBER("prune-at", corpus.prune_at, std::uint64_t),
      W2V_TEXT("output", output),
      Field{"format", JobOption::kText,
            [](const TrainJob& j) {
              return j.format ? (*j.format == VectorFormat::kBinary ? "bin" : "text") : "";
            },
            [](TrainJob& j, const std::string& t) {
              j.format = t.empty() ? std::nullopt : std::optional(parse_vector_format(t));
            }},
      W2V_TEXT("save-context", save_context),
      W2V_TEXT("save-vocab", save_vocab),
      W2V_TEXT("metrics", metrics),
      Field{"add-context", JobOption::kNumber,
            [](const TrainJob& j) { return j.add_context ? number(*j.add_context) : ""; },
            [](TrainJob& j, const std::string& t) {
              j.add_context =
                  t.empty() ? std::nullopt : std::optional(parse<float>("add-context", t));
            }},
      W2V_TEXT("checkpoint", checkpoint),
      W2V_NUMBER("checkpoint-seconds", checkpoint_seconds, double),
      W2V_NUMBER("checkpoint-words", checkpoint_words, std::int64_t),
      W2V_TEXT("init-from", init_from),
      W2V_NUMBER("dim", train.dim, int),
      W2V_NUMBER("window", train.window, int),
      W2V_NUMBER("negative", train.negative, int),
      W2V_NUMBER("ns-exponent", train.ns_exponent, double),
      W2V_NUMBER("sample", train.sample, double),
      W2V_NUMBER("lr", train.lr, double),
      W2V_NUMBER("epochs", train.epochs, int),
      W2V_NUMBER("threads", train.threads, int),
      W2V_NUMBER("sync-scale", train.sync_scale, double),
      W2V_NUMBER("seed", train.seed, std::uint64_t),
      Field{"merge", JobOption::kText, [](const TrainJob& j) { return merge_name(j.train.merge); },
            [](TrainJob& j, const std::string& t) { j.train.merge = parse_merge(t); }},
      W2V_NUMBER("cos-scale", train.cos_scale, float),
      W2V_NUMBER("cos-bias", train.cos_bias, float),
      W2V_FLAG("fixed-scale", train.fixed_scale),
      W2V_NUMBER("scale-lr", train.scale_lr, float),
      W2V_NUMBER("cos-init", train.cos_init, float),
      W2V_NUMBER("max-norm", train.max_norm, float),
      Field{"batch-negatives", JobOption::kText,
            [](const TrainJob& j) { return j.train.batch_negatives ? "on" : "off"; },
            [](TrainJob& j, const std::string& t) {
              j.train.batch_negatives = parse_on_off("batch-negatives", t);
            }},
      Field{"model", JobOption::kText,
            [](const TrainJob& j) { return architecture_name(j.train.model); },
            [](TrainJob& j, const std::string& t) { j.train.model = parse_architecture(t); }},
      Field{"cbow-mean", JobOption::kText,
            [](const TrainJob& j) { return j.train.cbow_mean ? "on" : "off"; },
            [](TrainJob& j, const std::string& t) {
              j.train.cbow_mean = parse_on_off("cbow-mean", t);
            }},
      Field{"loss", JobOption::kText, [](const TrainJob& j) { return loss_name(j.train.loss); },
            [](TrainJob& j, const std::string& t) { j.train.loss = parse_loss(t); }},
      Field{"input-side", JobOption::kText,
            [](const TrainJob& j) { return input_side_name(j.train.input_side); },
            [](TrainJob& j, const std::string& t) { j.train.input_side = parse_input_side(t); }},
  };
  return table;
}

#undef W2V_NUMBER
#undef W2V_TEXT
#undef W2V_FLAG

}  // namespace

std::vector<JobOption> job_options(const TrainJob& job) {
  std::vector<JobOption> options;
  for (const std::string& input : job.corpus.inputs) {
    options.push_back({"corpus", input, JobOption::kText});
  }
  for (const Field& f : fields()) options.push_back({f.name, f.get(job), f.kind});
  return options;
}

void set_job_option(TrainJob& job, const std::string& name, const std::string& text) {
  if (name == "corpus") {
    job.corpus.inputs.push_back(text);
    return;
  }
  for (const Field& f : fields()) {
    if (name == f.name) {
      try {
        f.set(job, text);
      } catch (const UsageError& e) {
        throw Error(std::string("option ") + f.name + ": " + e.what());
      }
      return;
    }
  }
  throw Error("unknown option '" + name + "'");
}

std::string option_text(const std::vector<JobOption>& options, const std::string& name) {
  std::string text;
  for (const JobOption& o : options) {
    if (o.name != name) continue;
    if (name != "corpus") return o.text;
    text += (text.empty() ? "" : "\n") + o.text;
  }
  return text;
}

std::string checkpoint_interval_text(const TrainJob& job) {
  if (job.checkpoint_words > 0) return number(job.checkpoint_words);
  return number(job.checkpoint_seconds) + "s";
}

}  // namespace w2v
