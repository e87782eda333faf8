// libFuzzer target: the section files of token caches and checkpoints (section_file.cpp,
// token_cache.cpp, checkpoint.cpp), through a memfd.
//
// The first byte picks the kind (even: token cache, odd: checkpoint) and how the rest
// becomes a file:
//   bit 1 clear: the bytes are the file, as they are (the container's own checks: magic,
//                version, table, checksums; only w2v::Error may escape);
//   bit 1 set:   the bytes are the contents of the kind's sections, one after another,
//                separated by "\xff\xfeSEC", written as a valid file with their
//                checksums, so that what lies inside the sections is what gets fuzzed.
// Whatever opens must hold together: a cache's vocabulary of any min_count is a prefix of
// its words in vocabulary order, and its corpus reads without an id past the vocabulary;
// a checkpoint written again from what was read reads back the same.
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "w2v/checkpoint.hpp"
#include "w2v/error.hpp"
#include "w2v/job_options.hpp"
#include "w2v/section_file.hpp"
#include "w2v/token_cache.hpp"

namespace {

const w2v::fuzz::MemFile& memfile() {
  static const w2v::fuzz::MemFile file("w2v-fuzz-sections");
  return file;
}

const std::vector<const char*> kCacheSections = {"info",  "counts", "word_ends",
                                                 "words", "ids",    "block_ends"};
const std::vector<const char*> kCheckpointSections = {
    "job",         "inputs", "state",   "vocab_counts", "vocab_word_ends",
    "vocab_words", "words",  "contexts"};

std::string sectioned(std::string_view data, bool cache) {
  const auto& names = cache ? kCacheSections : kCheckpointSections;
  w2v::StringSink sink;
  w2v::SectionWriter writer(sink, cache ? w2v::kTokenCacheMagic : w2v::kCheckpointMagic,
                            cache ? w2v::kTokenCacheVersion : w2v::kCheckpointVersion);
  const std::string_view separator("\xff\xfeSEC", 5);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::size_t end = data.find(separator);
    writer.begin(names[i], std::string_view(names[i]) == "ids" ? 4096 : 64);
    writer.write(data.substr(0, end));
    writer.end();
    data = end == std::string_view::npos ? std::string_view() : data.substr(end + separator.size());
  }
  writer.finish();
  return sink.str();
}

void check_cache() {
  const w2v::TokenCache cache(memfile().path());
  for (const std::int64_t min_count : {0, 1, 2, 5}) {
    const w2v::Vocab vocab = cache.vocab(w2v::VocabOptions{min_count, 0});
    for (std::uint32_t i = 0; i < vocab.size(); ++i) {
      W2V_FUZZ_CHECK(vocab.word(i) == cache.word(i), "the vocabulary is not a prefix");
      W2V_FUZZ_CHECK(vocab.count(i) >= min_count, "a word under min_count");
    }
    W2V_FUZZ_CHECK(vocab.size() == cache.words() || cache.count(vocab.size()) < min_count,
                   "a word that reaches min_count left out");
    const w2v::CorpusView view = cache.view(static_cast<std::uint32_t>(vocab.size()));
    std::vector<std::uint32_t> scratch;
    std::int64_t words = 0;
    for (const w2v::CorpusChunk& chunk : w2v::make_chunks(view)) {
      w2v::for_each_sentence(view, chunk, scratch, [&](const std::uint32_t* ids, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
          W2V_FUZZ_CHECK(ids[i] < vocab.size(), "an id past the vocabulary");
        }
        words += static_cast<std::int64_t>(n);
      });
    }
    W2V_FUZZ_CHECK(words >= 0, "a negative count");
  }
}

void check_checkpoint() {
  const w2v::Checkpoint c = w2v::read_checkpoint(memfile().path());
  W2V_FUZZ_CHECK(c.words.rows() == c.vocab.size() && c.contexts.rows() == c.vocab.size(),
                 "matrices and vocabulary differ in size");
  W2V_FUZZ_CHECK(c.words.cols() == static_cast<std::size_t>(c.job.train.dim),
                 "matrices and --dim differ");
  // Written again, it reads back the same.
  W2V_FUZZ_CHECK(
      c.nodes.rows() == (c.job.train.loss == w2v::Loss::kHierarchicalSoftmax ? c.vocab.size() : 0),
      "node matrix and --loss differ");
  w2v::Matrix words(c.words.rows(), c.words.cols()), contexts(c.words.rows(), c.words.cols()),
      nodes(c.nodes.rows(), c.words.cols());
  for (std::size_t r = 0; r < c.words.rows(); ++r) {
    std::memcpy(words.row(r), c.words.row(r), c.words.cols() * sizeof(float));
    std::memcpy(contexts.row(r), c.contexts.row(r), c.words.cols() * sizeof(float));
  }
  for (std::size_t r = 0; r < c.nodes.rows(); ++r) {
    std::memcpy(nodes.row(r), c.nodes.row(r), c.words.cols() * sizeof(float));
  }
  const w2v::Model model(std::move(words), std::move(contexts), std::move(nodes), c.merge);
  w2v::StringSink sink;
  w2v::write_checkpoint(sink, c.job, c.inputs, c.vocab, model, c.state);
  memfile().set(sink.str());
  const w2v::Checkpoint again = w2v::read_checkpoint(memfile().path());
  const auto a = w2v::job_options(c.job), b = w2v::job_options(again.job);
  W2V_FUZZ_CHECK(a.size() == b.size(), "the job's options changed");
  for (std::size_t i = 0; i < a.size(); ++i) {
    W2V_FUZZ_CHECK(a[i].name == b[i].name && a[i].text == b[i].text,
                   "option " + a[i].name + " changed: " + a[i].text + " -> " + b[i].text);
  }
  W2V_FUZZ_CHECK(again.vocab.size() == c.vocab.size(), "the vocabulary changed");
  for (std::uint32_t i = 0; i < c.vocab.size(); ++i) {
    W2V_FUZZ_CHECK(
        again.vocab.word(i) == c.vocab.word(i) && again.vocab.count(i) == c.vocab.count(i),
        "word " + std::to_string(i) + " changed");
    W2V_FUZZ_CHECK(
        std::memcmp(again.words.row(i), c.words.row(i), c.words.cols() * 4) == 0 &&
            std::memcmp(again.contexts.row(i), c.contexts.row(i), c.words.cols() * 4) == 0,
        "row " + std::to_string(i) + " changed");
  }
  W2V_FUZZ_CHECK(again.state.next_chunk == c.state.next_chunk &&
                     again.state.threads.size() == c.state.threads.size() &&
                     again.state.chunks == c.state.chunks,
                 "the state changed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool cache = (data[0] & 1) == 0;
  const std::string_view rest = w2v::fuzz::as_text(data + 1, size - 1);
  memfile().set((data[0] & 2) != 0 ? sectioned(rest, cache) : std::string(rest));
  try {
    cache ? check_cache() : check_checkpoint();
  } catch (const w2v::Error&) {
    // A refused file: the only way out besides success.
  }
  return 0;
}
