#include "w2v/corpus_source.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>

#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/output_file.hpp"
#include "w2v/phrases.hpp"
#include "w2v/rank_vocab.hpp"
#include "w2v/scratch_file.hpp"
#include "w2v/system_memory.hpp"

namespace w2v {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string describe_inputs(const std::vector<std::string>& inputs) {
  std::string s;
  for (const auto& in : inputs) {
    if (!s.empty()) s += ", ";
    s += in == "-" ? "standard input" : "'" + in + "'";
  }
  return s;
}

std::string min_count_message(std::string_view word, std::int64_t count,
                              const VocabOptions& options) {
  return "no word reaches --min-count " + std::to_string(options.min_count) +
         " (the most frequent word, '" + std::string(word) + "', occurs " + std::to_string(count) +
         " times)";
}

const char* on_off(bool v) { return v ? "on" : "off"; }

// The cache's tokenizer options must be the ones asked for, when they were asked for.
void check_tokenizer(const TokenCache& cache, const CorpusOptions& options) {
  const TokenizerOptions& made = cache.info().tokenizer;
  const TokenizerOptions& asked = options.tokenizer;
  const std::string made_with = "the token cache '" + cache.path() + "' was made with ";
  if (!options.tokenizer_given) return;
  if (made.lowercase != asked.lowercase) {
    throw UsageError(made_with + "--lowercase " + on_off(made.lowercase) +
                     ", the command line asks for " + on_off(asked.lowercase));
  }
  if (made.max_word_bytes != asked.max_word_bytes) {
    throw UsageError(made_with + "--max-word-bytes " + std::to_string(made.max_word_bytes) +
                     ", the command line asks for " + std::to_string(asked.max_word_bytes));
  }
}

// The cache's words with their counts as a table (what a continued run grows from).
StringTable cache_table(const TokenCache& cache) {
  StringTable table;
  table.reserve(cache.words());
  for (std::size_t i = 0; i < cache.words(); ++i) table.add(cache.word(i), cache.count(i));
  return table;
}

PreparedCorpus from_cache(std::shared_ptr<const TokenCache> cache, const CorpusOptions& options,
                          Clock::time_point start) {
  if (!options.read_vocab.empty()) {
    throw UsageError("--read-vocab cannot be used with a token cache, whose vocabulary is fixed");
  }
  check_tokenizer(*cache, options);
  PreparedCorpus prepared;
  if (options.fixed_vocab || options.base_vocab) {
    prepared.vocab = options.fixed_vocab
                         ? *options.fixed_vocab
                         : Vocab::merged(*options.base_vocab, cache_table(*cache), options.vocab);
    // The cache's ids onto the vocabulary; none needed when it is a prefix of the cache's.
    prepared.remap.resize(cache->words());
    bool prefix = true;
    prepared.words = 0;
    for (std::size_t i = 0; i < cache->words(); ++i) {
      const std::uint32_t id = prepared.vocab.find(cache->word(i));
      prepared.remap[i] = id == Vocab::kNotFound ? kNoWord : id;
      prefix = prefix && prepared.remap[i] == (i < prepared.vocab.size() ? i : kNoWord);
      if (id != Vocab::kNotFound) prepared.words += cache->count(i);
    }
    if (prefix) prepared.remap.clear();
  } else {
    prepared.vocab = cache->vocab(options.vocab);
    prepared.words = prepared.vocab.total_count();
  }
  if (prepared.vocab.empty()) {
    if (cache->words() == 0) throw Error("the token cache '" + cache->path() + "' holds no words");
    throw Error(min_count_message(cache->word(0), cache->count(0), options.vocab));
  }
  prepared.tokens = cache->info().tokens;
  prepared.bytes = cache->info().bytes;
  prepared.pruned = cache->info().pruned;
  prepared.cache = std::move(cache);
  prepared.from_cache = true;
  prepared.read_seconds = seconds_since(start);
  return prepared;
}

// A token cache in options.cache_dir that opens and matches, or null.
std::shared_ptr<const TokenCache> reusable_cache(const std::string& path,
                                                 const CorpusOptions& options,
                                                 const std::atomic<bool>* cancel) {
  if (!TokenCache::is_cache(path)) return nullptr;
  try {
    auto cache = std::make_shared<const TokenCache>(path, cancel);
    const TokenCacheInfo& info = cache->info();
    if (info.inputs == identify_inputs(options.inputs) &&
        info.tokenizer.lowercase == options.tokenizer.lowercase &&
        info.tokenizer.max_word_bytes == options.tokenizer.max_word_bytes &&
        info.prune_at == options.prune_at) {
      return cache;
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const Error&) {
    // A damaged or older cache is made again.
  }
  return nullptr;
}

// The error for a vocabulary that came out empty: the most frequent word's count against
// the limits.
std::string no_vocab_message(const StringTable& words, const VocabOptions& options) {
  if (words.size() == 0) return "the vocabulary is empty";
  std::uint32_t best = 0;
  for (std::uint32_t id = 1; id < words.size(); ++id) {
    if (words.count(id) > words.count(best)) best = id;
  }
  return min_count_message(words.word(best), words.count(best), options);
}

// The reading statistics of every rank, summed.
void sum_over_ranks(Communicator& ranks, PreparedCorpus& prepared) {
  std::int64_t sums[] = {prepared.tokens.words,
                         prepared.tokens.repaired_words,
                         prepared.tokens.truncated_words,
                         prepared.tokens.control_bytes,
                         prepared.bytes,
                         prepared.pruned};
  ranks.sum(sums, std::size(sums));
  prepared.tokens.words = sums[0];
  prepared.tokens.repaired_words = sums[1];
  prepared.tokens.truncated_words = sums[2];
  prepared.tokens.control_bytes = sums[3];
  prepared.bytes = sums[4];
  prepared.pruned = sums[5];
}

ReadOptions read_options(const CorpusOptions& options) {
  ReadOptions read;
  read.tokenizer = options.tokenizer;
  read.memory_budget = options.memory_limit > 0 ? options.memory_limit : default_memory_limit();
  read.spill_dir = options.spill_dir.empty() ? "." : options.spill_dir;
  read.prune_at = options.prune_at;
  if (!options.phrases.empty()) {
    read.phrases = std::make_shared<const PhraseJoiner>(read_phrase_model(options.phrases));
  }
  return read;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 0xCBF29CE484222325ull) {
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  return h;
}

}  // namespace

void validate(const CorpusOptions& options) {
  if (options.inputs.empty()) throw UsageError("no input: give one or more corpus files, or -");
  validate(options.tokenizer);
  validate(options.vocab);
  std::vector<std::string> paths = options.inputs, names(options.inputs.size(), "the corpus");
  if (!options.read_vocab.empty()) {
    paths.push_back(options.read_vocab);
    names.push_back("--read-vocab");
  }
  if (!options.phrases.empty()) {
    paths.push_back(options.phrases);
    names.push_back("--phrases");
  }
  check_inputs(paths, names);
  if (!options.spill_dir.empty()) {
    struct stat st {};
    if (::stat(options.spill_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        ::access(options.spill_dir.c_str(), W_OK | X_OK) != 0) {
      throw Error("--spill-dir '" + options.spill_dir + "': not a folder w2v can write to");
    }
  }
}

PreparedCorpus prepare_corpus(const CorpusOptions& options, int threads,
                              const std::atomic<bool>* cancel, Communicator* ranks) {
  validate(options);
  SingleProcess alone;
  Communicator& comm = ranks != nullptr ? *ranks : alone;
  const bool shared = comm.size() > 1;
  if (shared && (!options.cache_dir.empty() || options.fixed_vocab || options.base_vocab)) {
    throw std::logic_error(
        "prepare_corpus: a job of several ranks with a cache folder or given vocabulary");
  }
  const Clock::time_point start = Clock::now();
  if (options.inputs.size() == 1 && options.inputs[0] != "-" &&
      TokenCache::is_cache(options.inputs[0])) {
    if (!options.cache_dir.empty()) {
      throw UsageError("--cache makes token caches of text: '" + options.inputs[0] +
                       "' is one already");
    }
    if (!options.phrases.empty()) {
      throw UsageError("--phrases joins words while reading text: '" + options.inputs[0] +
                       "' is a token cache, whose words are fixed");
    }
    PreparedCorpus prepared;
    run_on_every_rank(comm, [&] {
      prepared =
          from_cache(std::make_shared<const TokenCache>(options.inputs[0], cancel), options, start);
    });
    prepared.share_index = comm.rank();
    prepared.share_count = comm.size();
    return prepared;
  }
  if (!options.cache_dir.empty()) {
    if (!options.phrases.empty()) {
      throw UsageError(
          "--phrases cannot be used with --cache: a token cache keeps the text's words");
    }
    if (!options.read_vocab.empty()) {
      throw UsageError("--read-vocab cannot be used with --cache: a token cache keeps every word");
    }
    const std::string path = cache_path(options);
    auto cache = reusable_cache(path, options, cancel);
    if (!cache) {
      OutputFile out(path, cancel);
      write_token_cache(options, threads, out, cancel);
      out.commit();
      cache = std::make_shared<const TokenCache>(path, cancel);
    }
    return from_cache(std::move(cache), options, start);
  }
  for (const std::string& input : options.inputs) {
    if (input != "-" && TokenCache::is_cache(input)) {
      throw UsageError("'" + input + "' is a token cache: give it as the only input");
    }
  }
  ReadOptions read = read_options(options);
  read.share_index = comm.rank();
  read.share_count = comm.size();
  std::optional<CountedCorpus> counted_share;
  StringTable vocab_file_words;
  run_on_every_rank(comm, [&] {
    counted_share.emplace(CountedCorpus::read(options.inputs, read, threads, cancel));
    if (!options.read_vocab.empty()) {
      vocab_file_words = Vocab::table_of(Vocab::read_counts(options.read_vocab, cancel));
    }
  });
  CountedCorpus& counted = *counted_share;
  PreparedCorpus prepared;
  prepared.tokens = counted.stats();
  prepared.bytes = counted.bytes();
  prepared.pruned = counted.pruned();
  sum_over_ranks(comm, prepared);
  if (prepared.tokens.words == 0) {
    throw Error("the corpus is empty: no words in " + describe_inputs(options.inputs));
  }
  if (!options.read_vocab.empty() && vocab_file_words.size() == 0) {
    throw Error("the vocabulary '" + options.read_vocab + "' is empty");
  }
  StringTable all_counts;
  if (shared && options.read_vocab.empty()) all_counts = merged_counts(comm, counted.words());
  const StringTable& words = !options.read_vocab.empty() ? vocab_file_words
                             : shared                    ? all_counts
                                                         : counted.words();
  VocabIds vocab_ids;
  // A given or grown vocabulary is not the table's: its words are looked up by encode.
  const bool own_vocab = !options.fixed_vocab && !options.base_vocab;
  if (options.fixed_vocab) {
    prepared.vocab = *options.fixed_vocab;
  } else if (options.base_vocab) {
    prepared.vocab = Vocab::merged(*options.base_vocab, words, options.vocab);
  } else if (shared) {
    // Built on rank 0, which holds the merged counts.
    Vocab built;
    run_on_every_rank(comm, [&] {
      if (comm.rank() != 0) return;
      built = Vocab::from_table(words, options.vocab);
      if (built.empty()) throw Error(no_vocab_message(words, options.vocab));
    });
    prepared.vocab = broadcast_vocab(comm, built);
  } else {
    prepared.vocab = Vocab::from_table(words, options.vocab, &vocab_ids);
  }
  if (prepared.vocab.empty()) throw Error(no_vocab_message(words, options.vocab));
  const VocabIds* ids = options.read_vocab.empty() && own_vocab && !shared ? &vocab_ids : nullptr;
  run_on_every_rank(comm, [&] {
    if (counted.spilled()) {
      // More ids than the memory limit: a token cache of the vocabulary in use, in a scratch
      // file, mapped; the system frees it when the process ends.
      TokenCacheInfo info;
      info.tokenizer = options.tokenizer;
      info.tokens = prepared.tokens;
      info.bytes = prepared.bytes;
      ScratchFile scratch(options.spill_dir);
      TokenCacheWriter writer(scratch, info, prepared.vocab);
      prepared.words = 0;
      std::move(counted).encode_into(
          prepared.vocab, threads, ids,
          [&](IdSpan block) {
            writer.add_block(block);
            prepared.words += static_cast<std::int64_t>(
                block.size - std::count(block.data, block.data + block.size, kSentenceEnd));
          },
          cancel);
      writer.finish();
      scratch.flush();
      prepared.cache = std::make_shared<const TokenCache>(scratch.path(), cancel);
      prepared.spilled = true;
    } else {
      prepared.corpus = std::move(counted).encode(prepared.vocab, threads, ids);
      prepared.words = prepared.corpus.words;
    }
  });
  comm.sum(&prepared.words, 1);
  if (prepared.words == 0) {
    throw Error("no word of " + describe_inputs(options.inputs) + " is in the vocabulary");
  }
  prepared.read_seconds = seconds_since(start);
  return prepared;
}

CorpusView PreparedCorpus::view() const {
  const auto vocab_size = static_cast<std::uint32_t>(vocab.size());
  CorpusView view = cache ? cache->view(vocab_size) : view_of(corpus, vocab_size);
  if (share_count > 1) view = share_of(view, share_index, share_count);
  if (!remap.empty()) {
    view.remap = remap.data();
    view.remap_size = remap.size();
  }
  return view;
}

std::string cache_path(const CorpusOptions& options) {
  std::string key = "w2v token cache " + std::to_string(kTokenCacheVersion) + "\n" +
                    std::to_string(options.tokenizer.max_word_bytes) + " " +
                    on_off(options.tokenizer.lowercase) + " " + std::to_string(options.prune_at) +
                    "\n";
  for (const CacheInput& in : identify_inputs(options.inputs)) {
    key += in.path + "\n" + std::to_string(in.size) + " " + std::to_string(in.mtime_ns) + "\n";
  }
  char name[40];
  std::snprintf(name, sizeof name, "w2v-%016llx.w2vc", static_cast<unsigned long long>(fnv1a(key)));
  return options.cache_dir + "/" + name;
}

TokenCacheInfo write_token_cache(const CorpusOptions& options, int threads, ByteSink& out,
                                 const std::atomic<bool>* cancel) {
  validate(options);
  if (!options.read_vocab.empty()) {
    throw UsageError("--read-vocab has no place in a token cache, which keeps every word");
  }
  for (const std::string& input : options.inputs) {
    if (input != "-" && TokenCache::is_cache(input)) {
      throw UsageError("'" + input + "' is a token cache already; give the text it came from");
    }
  }
  TokenCacheInfo info;
  info.tokenizer = options.tokenizer;
  for (const std::string& input : options.inputs) {
    info.inputs.push_back(input == "-" ? CacheInput{"-", 0, 0} : identify_inputs({input})[0]);
  }
  CountedCorpus counted =
      CountedCorpus::read(options.inputs, read_options(options), threads, cancel);
  if (counted.stats().words == 0) {
    throw Error("the corpus is empty: no words in " + describe_inputs(options.inputs));
  }
  info.tokens = counted.stats();
  info.bytes = counted.bytes();
  info.pruned = counted.pruned();
  info.prune_at = options.prune_at;
  VocabIds vocab_ids;
  const Vocab every = Vocab::from_table(counted.words(), VocabOptions{0, 0}, &vocab_ids);
  std::uint64_t vocab_bytes = 16 * every.size();
  for (std::uint32_t i = 0; i < every.size(); ++i) vocab_bytes += every.word(i).size();
  out.expect_size(counted.id_bytes() + vocab_bytes + 64 * 1024);
  TokenCacheWriter writer(out, info, every);
  std::move(counted).encode_into(
      every, threads, &vocab_ids, [&](IdSpan block) { writer.add_block(block); }, cancel);
  writer.finish();
  return info;
}

}  // namespace w2v
