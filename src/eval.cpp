#include "w2v/eval.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/utf8.hpp"
#include "w2v/word.hpp"

namespace w2v {
namespace {

// Calls f(line, line_number) for each line, without its end of line.
template <class F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    f(line, ++number);
    pos = end + 1;
  }
}

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < line.size();) {
    if (is_space(line[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && !is_space(line[j])) ++j;
    fields.push_back(line.substr(i, j - i));
    i = j;
  }
  return fields;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Words of the first `rows` rows under their folded form (lowercase unless case
// sensitive); each form stands for the first row that has it.
class FoldedVocab {
 public:
  FoldedVocab(const StringTable& words, std::size_t rows, bool case_sensitive)
      : case_sensitive_(case_sensitive), key_of_row_(rows) {
    keys_.reserve(rows);
    for (std::uint32_t r = 0; r < rows; ++r) {
      const std::uint32_t key = keys_.insert(fold(words.word(r)));
      if (key == row_of_key_.size()) row_of_key_.push_back(r);
      key_of_row_[r] = key;
    }
  }
  // The key of `word`, or StringTable::kNotFound.
  std::uint32_t find(std::string_view word) const { return keys_.find(fold(word)); }
  std::uint32_t row(std::uint32_t key) const { return row_of_key_[key]; }
  std::uint32_t key(std::uint32_t row) const { return key_of_row_[row]; }

 private:
  std::string_view fold(std::string_view word) const {
    if (case_sensitive_) return word;
    scratch_.clear();
    utf8::append_lowercase(word, scratch_);
    return scratch_;
  }

  bool case_sensitive_;
  StringTable keys_;
  std::vector<std::uint32_t> row_of_key_;
  std::vector<std::uint32_t> key_of_row_;
  mutable std::string scratch_;
};

std::size_t clip(std::size_t restrict_vocab, std::size_t rows) {
  return restrict_vocab == 0 ? rows : std::min(restrict_vocab, rows);
}

std::string at_line(const std::string& name, std::size_t number) {
  return name + ":" + std::to_string(number) + ": ";
}

void check_utf8(std::string_view line, const std::string& name, std::size_t number) {
  if (!utf8::is_valid(line)) throw Error(at_line(name, number) + "the line is not valid UTF-8");
}

std::string display(const std::string& path) { return path == "-" ? "standard input" : path; }

void add(AnalogyCount& to, const AnalogyCount& from) {
  to.correct += from.correct;
  to.seen += from.seen;
  to.total += from.total;
}

}  // namespace

AnalogySet parse_analogies(std::string_view text, const std::string& name) {
  AnalogySet set;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    check_utf8(line, name, number);
    const std::string_view content = trim(line);
    if (content.empty()) return;
    if (content.front() == ':') {
      set.sections.emplace_back(trim(content.substr(1)));
      return;
    }
    const auto fields = split(content);
    if (fields.size() != 4) {
      throw Error(at_line(name, number) + "expected 4 words, got " + std::to_string(fields.size()));
    }
    if (set.sections.empty()) {
      throw Error(at_line(name, number) + "a question before the first ': section' line");
    }
    AnalogyQuestion q;
    q.section = set.sections.size() - 1;
    for (int i = 0; i < 4; ++i) q.words[i] = std::string(fields[i]);
    set.questions.push_back(std::move(q));
  });
  return set;
}

AnalogyReport evaluate_analogies(const StringTable& words, const SearchIndex& index,
                                 const AnalogySet& set, const AnalogyOptions& options) {
  if (words.size() != index.size()) {
    throw Error("the vocabulary (" + std::to_string(words.size()) + " words) and the index (" +
                std::to_string(index.size()) + " rows) differ");
  }
  const std::size_t rows = clip(options.restrict_vocab, index.size());
  const FoldedVocab vocab(words, rows, options.case_sensitive);

  // Per question with four known words: its section and its four keys.
  struct Question {
    std::size_t section;
    std::uint32_t key[4];
  };
  AnalogyReport report;
  for (const std::string& name : set.sections) report.sections.push_back(AnalogyCount{name});
  std::vector<Question> questions;
  std::vector<Query> queries;
  for (const AnalogyQuestion& a : set.questions) {
    ++report.sections[a.section].total;
    Question q{a.section, {}};
    bool known = true;
    for (int i = 0; i < 4 && known; ++i) {
      q.key[i] = vocab.find(a.words[i]);
      known = q.key[i] != StringTable::kNotFound;  // else skipped, as gensim does
    }
    if (!known) continue;
    questions.push_back(q);
    // b - a + c
    queries.push_back(Query{
        {{vocab.row(q.key[1]), 1.0f}, {vocab.row(q.key[2]), 1.0f}, {vocab.row(q.key[0]), -1.0f}}});
  }

  SearchOptions search;
  search.k = 5;  // gensim looks at the five best answers
  search.candidates = rows;
  search.scoring = options.method;
  search.threads = options.threads;
  search.cancel = options.cancel;
  const auto answers = index.search(queries, search);
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const Question& q = questions[i];
    // The first answer that is not a case variant of a query word is the prediction.
    std::uint32_t predicted = StringTable::kNotFound;
    for (const Neighbor& n : answers[i]) {
      predicted = vocab.key(n.row);
      if (predicted != q.key[0] && predicted != q.key[1] && predicted != q.key[2]) break;
    }
    AnalogyCount& section = report.sections[q.section];
    ++section.seen;
    section.correct += predicted == q.key[3];
  }
  for (const AnalogyCount& s : report.sections) {
    add(s.name.rfind("gram", 0) == 0 ? report.syntactic : report.semantic, s);
    add(report.overall, s);
  }
  return report;
}

AnalogyReport evaluate_analogies(const StringTable& words, const SearchIndex& index,
                                 const std::string& path, const AnalogyOptions& options) {
  return evaluate_analogies(
      words, index, parse_analogies(read_input(path, options.cancel), display(path)), options);
}

std::vector<SimilarityPair> parse_similarity(std::string_view text, const std::string& name) {
  std::vector<SimilarityPair> pairs;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    check_utf8(line, name, number);
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') return;
    // Three tab-separated fields may hold spaces ("New York"), but a word is never empty;
    // otherwise any blank separates.
    std::vector<std::string_view> fields;
    for (std::size_t i = 0;;) {
      const std::size_t tab = content.find('\t', i);
      fields.push_back(trim(content.substr(i, tab == std::string_view::npos ? tab : tab - i)));
      if (tab == std::string_view::npos) break;
      i = tab + 1;
    }
    if (fields.size() != 3 || fields[0].empty() || fields[1].empty()) fields = split(content);
    if (fields.size() != 3) {
      throw Error(at_line(name, number) + "expected 'word1 word2 score', got " +
                  std::to_string(fields.size()) + " fields");
    }
    SimilarityPair pair;
    const auto parsed =
        std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), pair.score);
    if (parsed.ec != std::errc() || parsed.ptr != fields[2].data() + fields[2].size() ||
        !std::isfinite(pair.score)) {
      throw Error(at_line(name, number) + "the score " + quoted(fields[2]) + " is not a number");
    }
    pair.words[0] = std::string(fields[0]);
    pair.words[1] = std::string(fields[1]);
    pairs.push_back(std::move(pair));
  });
  return pairs;
}

SimilarityReport evaluate_similarity(const StringTable& words, const SearchIndex& index,
                                     const std::vector<SimilarityPair>& pairs,
                                     const SimilarityOptions& options) {
  if (words.size() != index.size()) {
    throw Error("the vocabulary (" + std::to_string(words.size()) + " words) and the index (" +
                std::to_string(index.size()) + " rows) differ");
  }
  const FoldedVocab vocab(words, clip(options.restrict_vocab, index.size()),
                          options.case_sensitive);
  SimilarityReport report;
  std::vector<double> human, model;
  for (const SimilarityPair& pair : pairs) {
    ++report.pairs;
    const std::uint32_t a = vocab.find(pair.words[0]);
    const std::uint32_t b = vocab.find(pair.words[1]);
    if (a == StringTable::kNotFound || b == StringTable::kNotFound) continue;
    human.push_back(pair.score);
    model.push_back(index.similarity(vocab.row(a), vocab.row(b)));
  }
  report.used = static_cast<std::int64_t>(human.size());
  report.spearman = spearman(human, model);
  return report;
}

SimilarityReport evaluate_similarity(const StringTable& words, const SearchIndex& index,
                                     const std::string& path, const SimilarityOptions& options) {
  return evaluate_similarity(words, index, parse_similarity(read_input(path), display(path)),
                             options);
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    // Positions i..j (0-based) hold equal values: each gets the mean of ranks i+1 .. j+1.
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t t = i; t <= j; ++t) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (x.size() != y.size() || x.size() < 2) return nan;
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    mx += rx[i];
    my += ry[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  if (sxx == 0 || syy == 0) return nan;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace w2v
