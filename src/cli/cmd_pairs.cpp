// w2v pairs: the (target, context, label) pairs training would see, for other frameworks.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/number_options.hpp"
#include "w2v/alias_sampler.hpp"
#include "w2v/error.hpp"
#include "w2v/output_file.hpp"
#include "w2v/pairs.hpp"
#include "w2v/subsampler.hpp"

namespace w2v::cli {
namespace {

struct PairsFlags {
  CorpusOptions corpus;
  TrainOptions train;
  SamplingFlags sampling;
  std::int64_t limit = 0;
  std::string config;
};

// Writes `target<TAB>context<TAB>label` lines for the first epoch, as one training
// thread with this seed sees them. Returns false once `limit` lines are out.
class PairWriter {
 public:
  PairWriter(const Vocab& vocab, std::int64_t limit, OutputFile& out)
      : vocab_(vocab), limit_(limit), out_(out) {}
  bool write(const PairBlock& block) {
    for (int i = 0; i < block.m; ++i) {
      for (int j = 0; j < block.n; ++j) {
        if (limit_ > 0 && written_ >= limit_) return false;
        line_.assign(vocab_.word(block.in[i]));
        line_ += '\t';
        line_ += vocab_.word(block.out[j]);
        line_ += j < block.positives ? "\t1\n" : "\t0\n";
        out_.write(line_);
        ++written_;
      }
    }
    return true;
  }

 private:
  const Vocab& vocab_;
  std::int64_t limit_;
  OutputFile& out_;
  std::int64_t written_ = 0;
  std::string line_;
};

void run(PairsFlags& f, const Context& context) {
  check_stdin_once(f.config, f.corpus);
  apply_sampling_flags(f.sampling, f.train);
  validate(f.train);
  OutputFile out("-", context.interrupted);
  const PreparedCorpus prepared = prepare_corpus(f.corpus, f.train.threads, context.interrupted);
  const Subsampler subsampler(prepared.vocab.counts(), f.train.sample);
  const AliasSampler noise(prepared.vocab.counts(), f.train.ns_exponent);
  PairGenerator generator(subsampler, noise, f.train, Rng(f.train.seed, 0));
  PairWriter writer(prepared.vocab, f.limit, out);
  bool more = true;
  const CorpusView view = prepared.view();
  std::vector<std::uint32_t> sentence;
  for (const CorpusChunk& chunk : make_chunks(view)) {
    for_each_sentence(view, chunk, sentence, [&](const std::uint32_t* ids, std::size_t size) {
      if (!more) return;
      generator.sentence(ids, size, [&](const PairBlock& block) {
        if (more) more = writer.write(block);
      });
    });
    if (!more) break;
    if (context.interrupted != nullptr && context.interrupted->load()) throw Interrupted();
  }
  out.commit();
}

}  // namespace

void register_pairs(CLI::App& app, Context& context) {
  auto flags = std::make_shared<PairsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "pairs",
      "Write the skip-gram pairs training would see (first epoch, one thread) as "
      "target<TAB>context<TAB>label lines, label 1 observed, 0 noise");
  cmd->option_defaults()->always_capture_default();
  add_corpus_options(*cmd, flags->corpus);
  add_sampling_options(*cmd, flags->train, flags->sampling);
  add_number_option(*cmd, "--limit", flags->limit, ranges::kLimit,
                    "Stop after this many pairs (0: all)");
  add_config_option(*cmd, flags->config);
  cmd->callback([cmd, flags, &context] {
    apply_config_file(*cmd, flags->config);
    note_tokenizer_options(*cmd, flags->corpus);
    run(*flags, context);
  });
}

}  // namespace w2v::cli
