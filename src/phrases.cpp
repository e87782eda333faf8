#include "w2v/phrases.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>

#include "detail/pair_map.hpp"
#include "detail/parallel.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"

namespace w2v {
namespace {

using Clock = std::chrono::steady_clock;
using detail::PairMap;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The shortest text that reads back as the same double.
std::string format_score(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Whether some proper prefix of `d` is also its suffix: then x + d + y can hold d at two
// overlapping places, and two pairs can join into the same string.
bool has_border(std::string_view d) {
  for (std::size_t k = 1; k < d.size(); ++k) {
    if (d.substr(0, k) == d.substr(d.size() - k)) return true;
  }
  return false;
}

// The first and the last piece of `s` split at `d`, as Python's str.split does.
std::pair<std::string_view, std::string_view> first_and_last_piece(std::string_view s,
                                                                   std::string_view d) {
  const std::size_t first = s.find(d);
  if (first == std::string_view::npos) return {s, s};
  // The last piece starts after the last occurrence found scanning left to right.
  std::size_t last = first;
  for (std::size_t p = s.find(d, first + d.size()); p != std::string_view::npos;
       p = s.find(d, p + d.size())) {
    last = p;
  }
  return {s.substr(0, first), s.substr(last + d.size())};
}

// The counts one pair is scored from.
struct PairCounts {
  std::int64_t a = 0, b = 0, ab = 0;
};

// The pair's score, or nothing when it can never join.
std::optional<double> score_pair(const PhraseOptions& options, const PairCounts& c,
                                 std::int64_t distinct, std::int64_t tokens) {
  const std::int64_t min_count = options.min_count;
  switch (options.scoring) {
    case PhraseScoring::kWord2Phrase:
      if (c.a < min_count || c.b < min_count || c.ab < min_count) return std::nullopt;
      return static_cast<double>(c.ab - min_count) / static_cast<double>(c.a) /
             static_cast<double>(c.b) * static_cast<double>(tokens);
    case PhraseScoring::kGensim: {
      if (c.a <= 0 || c.b <= 0 || c.ab <= 0) return std::nullopt;
      // gensim multiplies Python integers, exactly.
      const auto denominator =
          static_cast<double>(static_cast<__int128>(c.a) * static_cast<__int128>(c.b));
      return static_cast<double>(c.ab - min_count) / denominator * static_cast<double>(distinct);
    }
    case PhraseScoring::kNpmi: {
      if (c.a <= 0 || c.b <= 0 || c.ab <= 0 || c.ab < min_count) return std::nullopt;
      const auto n = static_cast<double>(tokens);
      const double pa = static_cast<double>(c.a) / n, pb = static_cast<double>(c.b) / n;
      const double pab = static_cast<double>(c.ab) / n;
      const double below = -std::log(pab);
      if (below == 0) return std::nullopt;  // the whole text is one pair: gensim divides by 0
      return std::log(pab / (pa * pb)) / below;
    }
  }
  return std::nullopt;
}

// One thread's counts of one pass.
struct alignas(64) PassCounter {
  PairMap<std::int64_t> pairs;
  std::vector<std::int64_t> words;
  std::int64_t tokens = 0;
  std::int64_t joined = 0;
  std::int64_t min_reduce = 1;
  std::int64_t pruned = 0;

  // Drops the pairs counted min_reduce times or fewer, then raises min_reduce.
  void prune() {
    const std::size_t before = pairs.size();
    pairs.remove_if([&](std::uint64_t, std::int64_t count) { return count <= min_reduce; });
    pruned += static_cast<std::int64_t>(before - pairs.size());
    ++min_reduce;
  }
};

// A pass's table: (first, second) -> joined token, and which tokens start a pair, which
// spares most tokens a lookup.
struct JoinTable {
  PairMap<std::uint32_t> pairs;
  std::vector<char> starts;  // by token id

  static std::uint64_t key(std::uint32_t a, std::uint32_t b) {
    return PairMap<std::uint32_t>::key(a, b);
  }
  const std::uint32_t* find(std::uint32_t a, std::uint32_t b) const {
    return a < starts.size() && starts[a] != 0 ? pairs.find(key(a, b)) : nullptr;
  }
};

// Greedy left to right: a pair the table holds becomes its joined token, and the token after
// it starts afresh.
void join_pass(const JoinTable& table, const std::uint32_t* in, std::size_t n,
               std::vector<std::uint32_t>& out, std::int64_t& joined) {
  out.resize(n);
  std::size_t i = 0, o = 0;
  while (i < n) {
    if (i + 1 < n) {
      const std::uint32_t* to = table.find(in[i], in[i + 1]);
      if (to != nullptr) {
        out[o++] = *to;
        ++joined;
        i += 2;
        continue;
      }
    }
    out[o++] = in[i++];
  }
  out.resize(o);
}

// Calls f(ids, size, ended) for each sentence of a block, with the tables applied; `ended`:
// a sentence end follows (the block's last sentence may run on into the next block).
template <class F>
void for_each_joined_sentence(const CorpusView& view, const IdSpan& block,
                              const std::vector<JoinTable>& tables, std::size_t passes,
                              std::int64_t& joined, F&& f) {
  std::vector<std::uint32_t> sentence, other;
  // The first table reads the block in place.
  const auto finish = [&](const std::uint32_t* ids, std::size_t n, bool ended) {
    if (passes == 0) {
      f(ids, n, ended);
      return;
    }
    join_pass(tables[0], ids, n, other, joined);
    for (std::size_t p = 1; p < passes; ++p) {
      join_pass(tables[p], other.data(), other.size(), sentence, joined);
      sentence.swap(other);
    }
    f(static_cast<const std::uint32_t*>(other.data()), other.size(), ended);
  };
  if (view.remap == nullptr && view.vocab_size == kSentenceEnd) {
    // The ids as they are: every word of the corpus is in the vocabulary.
    std::size_t start = 0;
    for (std::size_t i = 0; i < block.size; ++i) {
      if (block.data[i] == kSentenceEnd) {
        finish(block.data + start, i - start, true);
        start = i + 1;
      }
    }
    if (start < block.size) finish(block.data + start, block.size - start, false);
    return;
  }
  std::vector<std::uint32_t> mapped;
  for (std::size_t i = 0; i < block.size; ++i) {
    const std::uint32_t id = view.map(block.data[i]);
    if (id == kSentenceEnd) {
      finish(mapped.data(), mapped.size(), true);
      mapped.clear();
    } else if (id < view.vocab_size) {
      mapped.push_back(id);
    }
  }
  if (!mapped.empty()) finish(mapped.data(), mapped.size(), false);
}

// Which of `parts` counting threads counts a pair: a hash of it, so that each thread holds
// its own pairs and no two tables need merging.
inline unsigned part_of(std::uint64_t key, unsigned parts) {
  return static_cast<unsigned>((key * 0xD6E8FEB86659FD93ull) >> 40) % parts;
}

// Counts the words (ids equal to `part` modulo `parts`) and adjacent pairs (part_of) of a
// sentence that are thread `part`'s; each pair's slot is fetched a few pairs ahead.
void count_sentence(const std::uint32_t* s, std::size_t n, PassCounter& counter, unsigned part,
                    unsigned parts) {
  using Map = PairMap<std::int64_t>;
  constexpr std::size_t kAhead = 8;
  if (part == 0) counter.tokens += static_cast<std::int64_t>(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] % parts == part) ++counter.words[s[i]];
    if (i + kAhead + 1 < n) {
      const std::uint64_t ahead = Map::key(s[i + kAhead], s[i + kAhead + 1]);
      if (part_of(ahead, parts) == part) counter.pairs.prefetch(ahead);
    }
    if (i + 1 < n) {
      const std::uint64_t key = Map::key(s[i], s[i + 1]);
      if (part_of(key, parts) == part) ++counter.pairs[key];
    }
  }
}

// The counts of one pass: every word's, and the pairs in one table per counting thread.
struct PassCounts {
  std::vector<std::int64_t> words;
  std::vector<PairMap<std::int64_t>> pairs;
  std::int64_t tokens = 0;
  std::int64_t pruned = 0;

  std::size_t distinct_pairs() const {
    std::size_t n = 0;
    for (const auto& p : pairs) n += p.size();
    return n;
  }
  // f(key, count) for every pair, in the same order on every call.
  template <class F>
  void for_each_pair(F&& f) const {
    for (const auto& p : pairs) p.for_each(f);
  }
};

// The corpus as every word's id, and the words by id (phrases are added as found).
struct TokenSpace {
  StringTable strings;
  std::size_t base_words = 0;
};

class PhraseFinder {
 public:
  PhraseFinder(const PhraseOptions& options, const TokenizerOptions& tokenizer,
               const PreparedCorpus& corpus, int threads, const std::atomic<bool>* cancel)
      : options_(options),
        tokenizer_(tokenizer),
        view_(corpus.view()),
        threads_(std::max(1, threads)),
        cancel_(cancel) {
    for (std::uint32_t id = 0; id < corpus.vocab.size(); ++id) {
      strings_.insert(corpus.vocab.word(id));
    }
    tokens_ = static_cast<std::uint64_t>(corpus.words);
    // Every word of the corpus is in its vocabulary: ids need no check.
    if (view_.remap == nullptr) view_.vocab_size = kSentenceEnd;
  }

  // Counts pass `pass` (tables of the earlier ones applied) and makes its table.
  PhrasePassReport run_pass(std::size_t pass, std::vector<Phrase>& phrases) {
    PassCounts counts = count(pass);
    PhrasePassReport report;
    report.tokens = counts.tokens;
    report.pruned_pairs = counts.pruned;
    report.distinct_pairs = static_cast<std::int64_t>(counts.distinct_pairs());
    for (const std::int64_t c : counts.words) report.distinct_words += c > 0 ? 1 : 0;
    tables_.push_back(score(counts, report.distinct_words, phrases));
    spare_pairs_ = std::move(counts.pairs);
    report.phrases = static_cast<std::int64_t>(phrases.size());
    return report;
  }

  // Writes the corpus with every pass's phrases joined; returns the tokens written.
  std::int64_t write(ByteSink& out) {
    words_.resize(strings_.size());
    for (std::uint32_t id = 0; id < words_.size(); ++id) words_[id] = strings_.word(id);
    const std::size_t batch = 2 * static_cast<std::size_t>(threads_);
    std::vector<std::string> texts(batch);
    std::vector<char> ended(batch);
    std::vector<std::int64_t> tokens(batch);
    std::int64_t total = 0;
    bool line_open = false;  // the last block written ended inside a line
    for (std::size_t first = 0; first < view_.blocks.size(); first += batch) {
      check_cancel();
      const std::size_t n = std::min(batch, view_.blocks.size() - first);
      detail::FirstException error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
      for (std::size_t i = 0; i < n; ++i) {
        error.run([&] {
          std::string& text = texts[i];
          text.clear();
          tokens[i] = 0;
          ended[i] = 1;
          std::int64_t joined = 0;
          for_each_joined_sentence(
              view_, view_.blocks[first + i], tables_, tables_.size(), joined,
              [&](const std::uint32_t* s, std::size_t size, bool sentence_ended) {
                for (std::size_t k = 0; k < size; ++k) {
                  const std::string_view w = words_[s[k]];
                  text.append(w.data(), w.size());
                  text += ' ';
                }
                // The last space ends the line, or goes where the next block goes on.
                if (size > 0 && sentence_ended) text.back() = '\n';
                if (size > 0 && !sentence_ended) text.pop_back();
                tokens[i] += static_cast<std::int64_t>(size);
                if (!sentence_ended) ended[i] = 0;
              });
        });
      }
      error.rethrow();
      for (std::size_t i = 0; i < n; ++i) {
        if (texts[i].empty()) continue;
        if (line_open) out.write(" ", 1);
        out.write(texts[i]);
        line_open = ended[i] == 0;
        total += tokens[i];
      }
    }
    if (line_open) out.write("\n", 1);
    return total;
  }

 private:
  void check_cancel() const {
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) throw Interrupted();
  }

  // Every thread reads the whole pass and counts its own share of the words and pairs:
  // reading ids is cheap next to a pair's cache miss, and no tables are merged.
  PassCounts count(std::size_t pass) {
    const auto parts = static_cast<unsigned>(threads_);
    std::vector<PassCounter> counters(parts);
    for (PassCounter& c : counters) c.words.assign(strings_.size(), 0);
    // The last pass's tables, emptied: fresh pages cost more than clearing them.
    for (std::size_t t = 0; t < spare_pairs_.size() && t < parts; ++t) {
      counters[t].pairs = std::move(spare_pairs_[t]);
      counters[t].pairs.clear();
    }
    spare_pairs_.clear();
    detail::FirstException error;
#pragma omp parallel num_threads(threads_)
    error.run([&] {
      const auto part = static_cast<unsigned>(omp_get_thread_num());
      PassCounter& counter = counters[part];
      // Sized at once from a guess (a quarter of the tokens, or the last pass's pairs), so
      // that the table does not grow through every size on the way.
      const std::uint64_t guess = pass == 0 ? tokens_ / 4 : last_pairs_ + last_pairs_ / 8;
      counter.pairs.reserve(std::min<std::uint64_t>(guess, options_.prune_at) / parts);
      for (std::size_t b = 0; b < view_.blocks.size() && !error.failed(); ++b) {
        check_cancel();
        for_each_joined_sentence(view_, view_.blocks[b], tables_, pass, counter.joined,
                                 [&](const std::uint32_t* s, std::size_t n, bool) {
                                   count_sentence(s, n, counter, part, parts);
                                 });
        // Each thread holds its share of the pairs, and of the limit.
        if (counter.pairs.size() > options_.prune_at / parts) counter.prune();
      }
    });
    error.rethrow();
    PassCounts total;
    total.words = std::move(counters[0].words);
    last_pairs_ = 0;
    for (const PassCounter& c : counters) last_pairs_ += c.pairs.size();
    for (PassCounter& c : counters) {
      if (&c != &counters[0]) {
        for (std::size_t w = 0; w < total.words.size(); ++w) total.words[w] += c.words[w];
      }
      total.tokens += c.tokens;
      total.pruned += c.pruned;
      total.pairs.push_back(std::move(c.pairs));
    }
    return total;
  }

  // Calls consider(key, counts) for every pair with the counts word2phrase and gensim take
  // from their string tables, for a delimiter that cannot overlap itself; returns the number
  // of distinct strings. Only words that hold the delimiter ("special": phrases of earlier
  // passes) and the pairs with one need strings: a pair of plain words joins into a string
  // with the delimiter once, which only a special word can equal, splitting into the pair.
  template <class Consider>
  std::int64_t count_by_ids(const PassCounts& counts, std::int64_t distinct_words,
                            Consider&& consider) {
    const std::string& d = options_.delimiter;
    const auto first = [](std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); };
    const auto second = [](std::uint64_t key) { return static_cast<std::uint32_t>(key); };
    const std::vector<std::int64_t>& words = counts.words;
    std::vector<char> special(words.size(), 0);
    StringTable strings;  // the special words, then the special pairs' strings
    std::vector<std::uint32_t> key_of_word(words.size(), StringTable::kNotFound);
    std::int64_t plain_words = distinct_words;
    std::size_t special_words = 0;
    for (std::uint32_t id = 0; id < words.size(); ++id) {
      if (words[id] > 0 && strings_.word(id).find(d) != std::string_view::npos) {
        special[id] = 1;
        ++special_words;
      }
    }
    if (special_words > 0) {
      // Sized at once: the table's growth would touch fresh pages at every size.
      std::size_t special_pairs = 0;
      counts.for_each_pair([&](std::uint64_t key, std::int64_t) {
        special_pairs += special[first(key)] || special[second(key)] ? 1 : 0;
      });
      strings.reserve(special_words + special_pairs, 24 * (special_words + special_pairs));
    }
    for (std::uint32_t id = 0; id < words.size(); ++id) {
      if (special[id]) {
        key_of_word[id] = strings.add(strings_.word(id), words[id]);
        --plain_words;
      }
    }
    // Plain pairs whose string is a special word: one count for both.
    PairMap<std::uint32_t> merged;
    const auto parts = static_cast<unsigned>(counts.pairs.size());
    for (std::uint32_t id = 0; id < words.size(); ++id) {
      if (!special[id]) continue;
      const std::string_view w = strings_.word(id);
      const std::size_t at = w.find(d);
      if (w.find(d, at + d.size()) != std::string_view::npos) continue;
      const std::uint32_t a = strings_.find(w.substr(0, at));
      const std::uint32_t b = strings_.find(w.substr(at + d.size()));
      if (a == StringTable::kNotFound || b == StringTable::kNotFound) continue;
      const std::uint64_t key = JoinTable::key(a, b);
      const std::int64_t* n = counts.pairs[part_of(key, parts)].find(key);
      if (n == nullptr) continue;
      strings.add_count(key_of_word[id], *n);
      merged[key] = key_of_word[id];
    }
    std::vector<std::uint32_t> key_of_special_pair;  // in for_each_pair's order
    std::string joined;
    std::int64_t plain_pairs = 0;
    counts.for_each_pair([&](std::uint64_t key, std::int64_t n) {
      if (!special[first(key)] && !special[second(key)]) {
        ++plain_pairs;
        return;
      }
      joined.assign(strings_.word(first(key)));
      joined += d;
      joined += strings_.word(second(key));
      key_of_special_pair.push_back(strings.add(joined, n));
    });
    const std::int64_t distinct = plain_words + static_cast<std::int64_t>(strings.size()) +
                                  plain_pairs - static_cast<std::int64_t>(merged.size());
    // A piece of a split string holds no delimiter: a plain word or none.
    const auto count_of_piece = [&](std::string_view piece) -> std::int64_t {
      const std::uint32_t id = strings_.find(piece);
      return id == StringTable::kNotFound || id >= words.size() ? 0 : words[id];
    };
    const bool by_pieces = options_.scoring != PhraseScoring::kWord2Phrase;
    std::size_t i = 0;
    counts.for_each_pair([&](std::uint64_t key, std::int64_t n) {
      const std::uint32_t a = first(key), b = second(key);
      if (!special[a] && !special[b]) {
        if (n < options_.min_count && merged.size() == 0) return;
        const std::uint32_t* k = merged.find(key);
        consider(key, {words[a], words[b], k != nullptr ? strings.count(*k) : n}, distinct);
        return;
      }
      const std::uint32_t k = key_of_special_pair[i++];
      PairCounts c{0, 0, strings.count(k)};
      if (by_pieces) {
        // FrozenPhrases scores the first and last piece of the joined string.
        const auto [x, y] = first_and_last_piece(strings.word(k), d);
        c.a = count_of_piece(x);
        c.b = count_of_piece(y);
      } else {
        c.a = special[a] ? strings.count(key_of_word[a]) : words[a];
        c.b = special[b] ? strings.count(key_of_word[b]) : words[b];
      }
      consider(key, c, distinct);
    });
    return distinct;
  }

  // The pairs of `counts` that join, into `phrases` and the returned table.
  JoinTable score(const PassCounts& counts, std::int64_t distinct_words,
                  std::vector<Phrase>& phrases) {
    const std::string& d = options_.delimiter;
    const auto first = [](std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); };
    const auto second = [](std::uint64_t key) { return static_cast<std::uint32_t>(key); };
    const double threshold = options_.threshold_or_default();
    std::vector<std::uint64_t> kept;  // the keys of the pairs that join
    const auto consider = [&](std::uint64_t key, const PairCounts& c, std::int64_t distinct) {
      // Under min_count never joins (gensim: a score of at most 0, under its threshold).
      if (c.ab < options_.min_count) return;
      const std::string_view a = strings_.word(first(key)), b = strings_.word(second(key));
      // A longer word would be cut when the output is read again.
      if (a.size() + d.size() + b.size() > tokenizer_.max_word_bytes) return;
      const std::optional<double> s = score_pair(options_, c, distinct, counts.tokens);
      if (s && *s > threshold) {
        phrases.push_back({std::string(a), std::string(b), *s});
        kept.push_back(key);
      }
    };
    phrases.clear();
    if (!has_border(d)) {
      count_by_ids(counts, distinct_words, consider);
    } else {
      // As word2phrase and gensim do: one count per string, a word and the pairs that join
      // into the same string sharing it. A delimiter that overlaps itself (`__`) can make
      // two pairs of plain words one string, so every pair is a string here.
      StringTable keys;
      std::vector<std::uint32_t> key_of_word(counts.words.size(), StringTable::kNotFound);
      for (std::uint32_t id = 0; id < counts.words.size(); ++id) {
        if (counts.words[id] > 0) key_of_word[id] = keys.add(strings_.word(id), counts.words[id]);
      }
      std::vector<std::uint32_t> key_of_pair;  // in for_each's order
      key_of_pair.reserve(counts.distinct_pairs());
      std::string joined;
      counts.for_each_pair([&](std::uint64_t key, std::int64_t n) {
        joined.assign(strings_.word(first(key)));
        joined += d;
        joined += strings_.word(second(key));
        key_of_pair.push_back(keys.add(joined, n));
      });
      const auto distinct = static_cast<std::int64_t>(keys.size());
      const auto count_of = [&](std::string_view s) -> std::int64_t {
        const std::uint32_t k = keys.find(s);
        return k == StringTable::kNotFound ? 0 : keys.count(k);
      };
      std::size_t i = 0;
      counts.for_each_pair([&](std::uint64_t key, std::int64_t) {
        const std::uint32_t k = key_of_pair[i++];
        PairCounts c{0, 0, keys.count(k)};
        if (options_.scoring == PhraseScoring::kWord2Phrase) {
          c.a = keys.count(key_of_word[first(key)]);
          c.b = keys.count(key_of_word[second(key)]);
        } else {
          // FrozenPhrases scores the first and last piece of the joined string.
          const auto [a, b] = first_and_last_piece(keys.word(k), d);
          c.a = count_of(a);
          c.b = count_of(b);
        }
        consider(key, c, distinct);
      });
    }
    // Sorted, so that the joined words get their ids in the same order on every run.
    std::vector<std::size_t> order(phrases.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      const Phrase &p = phrases[x], &q = phrases[y];
      if (p.score != q.score) return p.score > q.score;
      return std::tie(p.first, p.second) < std::tie(q.first, q.second);
    });
    std::vector<Phrase> sorted;
    sorted.reserve(phrases.size());
    JoinTable table;
    table.pairs.reserve(order.size());
    for (const std::size_t i : order) {
      Phrase& p = phrases[i];
      table.pairs[kept[i]] = strings_.insert(p.first + d + p.second);
      const std::uint32_t start = first(kept[i]);
      if (start >= table.starts.size()) table.starts.resize(start + 1, 0);
      table.starts[start] = 1;
      sorted.push_back(std::move(p));
    }
    phrases.swap(sorted);
    return table;
  }

  const PhraseOptions& options_;
  TokenizerOptions tokenizer_;
  CorpusView view_;
  int threads_;
  const std::atomic<bool>* cancel_;
  StringTable strings_;
  std::vector<std::string_view> words_;  // strings_'s words by id, for writing
  std::vector<JoinTable> tables_;
  std::uint64_t tokens_ = 0;                        // in the corpus
  std::uint64_t last_pairs_ = 0;                    // distinct pairs of the last pass counted
  std::vector<PairMap<std::int64_t>> spare_pairs_;  // the last pass's, for the next
};

[[noreturn]] void bad_line(const std::string& name, std::size_t line, const std::string& why) {
  throw Error(name + ":" + std::to_string(line) + ": " + why);
}

// "key=value" of the header, or an error.
std::string header_value(const std::vector<std::string>& fields, const std::string& key,
                         const std::string& name) {
  for (const std::string& f : fields) {
    if (f.size() > key.size() && f.compare(0, key.size() + 1, key + "=") == 0) {
      return f.substr(key.size() + 1);
    }
  }
  bad_line(name, 1, "the header has no " + key + "=");
}

template <class T>
T parse_whole(const std::string& text, const std::string& name, std::size_t line,
              const char* what) {
  T v{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    bad_line(name, line, std::string("bad ") + what + " '" + text + "'");
  }
  return v;
}

double parse_double(const std::string& text, const std::string& name, std::size_t line,
                    const char* what) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    bad_line(name, line, std::string("bad ") + what + " '" + text + "'");
  }
  return v;
}

std::vector<std::string> fields_of(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t p = 0;
  while (p < line.size()) {
    while (p < line.size() && line[p] == ' ') ++p;
    const std::size_t start = p;
    while (p < line.size() && line[p] != ' ') ++p;
    if (p > start) fields.emplace_back(line.substr(start, p - start));
  }
  return fields;
}

constexpr const char* kMagic = "w2v-phrases";
constexpr int kFormatVersion = 1;

}  // namespace

PhraseScoring parse_phrase_scoring(const std::string& name) {
  if (name == "word2phrase") return PhraseScoring::kWord2Phrase;
  if (name == "gensim") return PhraseScoring::kGensim;
  if (name == "npmi") return PhraseScoring::kNpmi;
  throw UsageError("--scoring must be word2phrase, gensim or npmi, got '" + name + "'");
}

const char* phrase_scoring_name(PhraseScoring scoring) {
  switch (scoring) {
    case PhraseScoring::kWord2Phrase:
      return "word2phrase";
    case PhraseScoring::kGensim:
      return "gensim";
    case PhraseScoring::kNpmi:
      return "npmi";
  }
  return "?";
}

double default_threshold(PhraseScoring scoring) {
  return scoring == PhraseScoring::kNpmi ? 0.5 : 100.0;
}

double PhraseOptions::threshold_or_default() const {
  return threshold ? *threshold : default_threshold(scoring);
}

void validate(const PhraseOptions& options, const TokenizerOptions& tokenizer) {
  validate(tokenizer);
  require_in_range(static_cast<long double>(options.min_count), ranges::kPhraseMinCount,
                   "--min-count");
  require_in_range(options.passes, ranges::kPhrasePasses, "--passes");
  require_in_range(static_cast<long double>(options.prune_at), ranges::kPruneAt, "--prune-at");
  if (options.threshold) {
    require_in_range(
        *options.threshold,
        options.scoring == PhraseScoring::kNpmi ? ranges::kNpmiThreshold : ranges::kPhraseThreshold,
        options.scoring == PhraseScoring::kNpmi ? "--threshold (npmi)" : "--threshold");
  }
  const std::string& d = options.delimiter;
  if (d.empty()) throw UsageError("--delimiter must not be empty");
  if (d.size() > 16) throw UsageError("--delimiter must be at most 16 bytes, got '" + d + "'");
  // It must read back as part of one word, unchanged: no space, newline or control byte,
  // valid UTF-8, nothing --lowercase folds.
  Tokenizer t(tokenizer);
  std::vector<std::string> words;
  t.tokenize(
      d, false, [&](std::string_view w) { words.emplace_back(w); }, [&] { words.emplace_back(); });
  if (words.size() != 1 || words[0] != d || t.stats().control_bytes > 0) {
    throw UsageError("--delimiter '" + d +
                     "' would not be read back inside one word: no spaces, control bytes or "
                     "invalid UTF-8" +
                     (tokenizer.lowercase ? ", and nothing --lowercase folds" : ""));
  }
}

void write_phrase_model(const PhraseModel& model, ByteSink& out) {
  const PhraseOptions& o = model.options;
  std::string text =
      std::string(kMagic) + " " + std::to_string(kFormatVersion) +
      " scoring=" + phrase_scoring_name(o.scoring) + " min-count=" + std::to_string(o.min_count) +
      " threshold=" + format_score(o.threshold_or_default()) + " delimiter=" + o.delimiter +
      " passes=" + std::to_string(model.passes.size()) +
      " lowercase=" + (model.tokenizer.lowercase ? "on" : "off") +
      " max-word-bytes=" + std::to_string(model.tokenizer.max_word_bytes) + "\n";
  for (std::size_t p = 0; p < model.passes.size(); ++p) {
    text += "pass " + std::to_string(p + 1) + " " + std::to_string(model.passes[p].size()) + "\n";
    for (const Phrase& phrase : model.passes[p]) {
      text += phrase.first;
      text += ' ';
      text += phrase.second;
      text += ' ';
      text += format_score(phrase.score);
      text += '\n';
      if (text.size() > (1u << 20)) {
        out.write(text);
        text.clear();
      }
    }
  }
  out.write(text);
}

PhraseModel parse_phrase_model(std::string_view text, const std::string& name) {
  std::size_t line_no = 0, pos = 0;
  const auto next_line = [&](std::string_view& line) {
    if (pos >= text.size()) return false;
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    ++line_no;
    return true;
  };
  std::string_view line;
  if (!next_line(line)) throw Error(name + ": empty, not a phrase file");
  const std::vector<std::string> header = fields_of(line);
  if (header.size() < 2 || header[0] != kMagic) {
    bad_line(name, 1, "not a phrase file of `w2v phrases --save-phrases`");
  }
  if (header[1] != std::to_string(kFormatVersion)) {
    bad_line(name, 1,
             "phrase file version " + header[1] + ", this w2v reads version " +
                 std::to_string(kFormatVersion));
  }
  PhraseModel model;
  PhraseOptions& o = model.options;
  try {
    o.scoring = parse_phrase_scoring(header_value(header, "scoring", name));
  } catch (const UsageError& e) {
    bad_line(name, 1, e.what());
  }
  o.min_count =
      parse_whole<std::int64_t>(header_value(header, "min-count", name), name, 1, "min-count");
  o.threshold = parse_double(header_value(header, "threshold", name), name, 1, "threshold");
  o.delimiter = header_value(header, "delimiter", name);
  const auto passes = parse_whole<int>(header_value(header, "passes", name), name, 1, "passes");
  model.tokenizer.lowercase = header_value(header, "lowercase", name) == "on";
  model.tokenizer.max_word_bytes = parse_whole<std::size_t>(
      header_value(header, "max-word-bytes", name), name, 1, "max-word-bytes");
  o.passes = std::max(passes, 1);
  try {
    validate(o, model.tokenizer);
  } catch (const UsageError& e) {
    bad_line(name, 1, e.what());
  }
  for (int p = 1; p <= passes; ++p) {
    if (!next_line(line)) bad_line(name, line_no + 1, "missing `pass " + std::to_string(p) + "`");
    const std::vector<std::string> f = fields_of(line);
    if (f.size() != 3 || f[0] != "pass" || f[1] != std::to_string(p)) {
      bad_line(name, line_no, "expected `pass " + std::to_string(p) + " COUNT`");
    }
    const auto n = parse_whole<std::size_t>(f[2], name, line_no, "phrase count");
    if (n > text.size()) bad_line(name, line_no, "more phrases than the file has lines");
    std::vector<Phrase>& phrases = model.passes.emplace_back();
    phrases.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!next_line(line)) bad_line(name, line_no + 1, "missing phrases of pass " + f[1]);
      std::vector<std::string> g = fields_of(line);
      if (g.size() != 3) bad_line(name, line_no, "expected `FIRST SECOND SCORE`");
      phrases.push_back(
          {std::move(g[0]), std::move(g[1]), parse_double(g[2], name, line_no, "score")});
    }
  }
  while (next_line(line)) {
    if (!fields_of(line).empty()) bad_line(name, line_no, "text after the last pass");
  }
  return model;
}

PhraseModel read_phrase_model(const std::string& path, const std::atomic<bool>* cancel) {
  return parse_phrase_model(read_input(path, cancel), path == "-" ? "standard input" : path);
}

PhraseJoiner::PhraseJoiner(const PhraseModel& model) : model_(model) {
  const std::string& d = model_.options.delimiter;
  for (const std::vector<Phrase>& pass : model_.passes) {
    StringTable& pairs = pairs_.emplace_back();
    std::vector<std::string>& joined = joined_.emplace_back();
    std::string key;
    for (const Phrase& p : pass) {
      key = p.first + ' ' + p.second;
      const std::uint32_t id = pairs.insert(key);
      if (id == joined.size()) joined.push_back(p.first + d + p.second);
    }
  }
}

void PhraseJoiner::join(std::vector<std::string>& sentence) const {
  std::vector<std::string> out;
  std::string key;
  for (std::size_t p = 0; p < pairs_.size(); ++p) {
    out.clear();
    const std::size_t n = sentence.size();
    std::size_t i = 0;
    while (i < n) {
      if (i + 1 < n) {
        key.assign(sentence[i]);
        key += ' ';
        key += sentence[i + 1];
        const std::uint32_t id = pairs_[p].find(key);
        if (id != StringTable::kNotFound) {
          out.push_back(joined_[p][id]);
          i += 2;
          continue;
        }
      }
      out.push_back(std::move(sentence[i]));
      ++i;
    }
    sentence.swap(out);
  }
}

PhrasesReport find_and_join_phrases(const CorpusOptions& corpus, const PhraseOptions& options,
                                    int threads, ByteSink& out, const std::atomic<bool>* cancel) {
  validate(options, corpus.tokenizer);
  CorpusOptions every = corpus;
  every.vocab = VocabOptions{0, 0};  // every word is written out again
  every.prune_at = 0;
  every.read_vocab.clear();
  every.cache_dir.clear();
  every.phrases.clear();
  every.fixed_vocab.reset();
  every.base_vocab.reset();
  PhrasesReport report;
  report.model.options = options;
  report.model.tokenizer = corpus.tokenizer;
  Clock::time_point start = Clock::now();
  const PreparedCorpus prepared = prepare_corpus(every, threads, cancel);
  report.tokens = prepared.tokens;
  report.bytes = prepared.bytes;
  report.read_seconds = seconds_since(start);
  start = Clock::now();
  PhraseFinder finder(options, corpus.tokenizer, prepared, threads, cancel);
  for (int p = 0; p < options.passes; ++p) {
    report.passes.push_back(
        finder.run_pass(static_cast<std::size_t>(p), report.model.passes.emplace_back()));
  }
  report.count_seconds = seconds_since(start);
  start = Clock::now();
  report.output_tokens = finder.write(out);
  for (std::size_t p = 0; p < report.passes.size(); ++p) {
    const std::int64_t next =
        p + 1 < report.passes.size() ? report.passes[p + 1].tokens : report.output_tokens;
    report.passes[p].joined = report.passes[p].tokens - next;
  }
  report.write_seconds = seconds_since(start);
  return report;
}

}  // namespace w2v
