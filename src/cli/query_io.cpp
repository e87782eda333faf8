// Shared by nearest and analogy: loading, the query loop over standard input, printing.
#include "cli/query_io.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <set>

#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "w2v/error.hpp"
#include "w2v/json.hpp"

namespace w2v::cli {
namespace {

constexpr int kMaxWarnings = 10;
constexpr std::size_t kMaxBatchLines = 4096;

// Reads lines from a file descriptor. Unlike std::getline on std::cin it can tell whether
// more input is waiting, and a signal interrupts a blocked read.
class LineReader {
 public:
  LineReader(int fd, const std::atomic<bool>* interrupted) : fd_(fd), interrupted_(interrupted) {}

  // The next line without its line break; false at end of input or on an interrupt.
  // Throws Error on a read error.
  bool next(std::string& line) {
    for (;;) {
      const std::size_t newline = buffer_.find('\n', pos_);
      if (newline != std::string::npos) {
        line.assign(buffer_, pos_, newline - pos_);
        pos_ = newline + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      if (eof_) {
        if (pos_ == buffer_.size()) return false;
        line.assign(buffer_, pos_, std::string::npos);
        pos_ = buffer_.size();
        return true;
      }
      if (!fill()) return false;
    }
  }

  // True when a line can be read without waiting for the producer.
  bool ready() {
    if (buffer_.find('\n', pos_) != std::string::npos) return true;
    if (eof_) return pos_ < buffer_.size();
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  bool fill() {
    if (pos_ > (1u << 20)) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
    char chunk[1 << 16];
    for (;;) {
      // Waits in slices: a signal delivered to another thread must still end the wait.
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      if (interrupted_ != nullptr && interrupted_->load()) return false;
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return true;
      }
      if (errno != EINTR && errno != EAGAIN) {
        throw Error(std::string("cannot read standard input: ") + std::strerror(errno));
      }
    }
  }

  int fd_;
  const std::atomic<bool>* interrupted_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

bool interrupted(const Context& context) {
  return context.interrupted != nullptr && context.interrupted->load();
}

// Display width of UTF-8 text, one column per character.
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  return n;
}

bool is_blank_line(const std::string& line) {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// `exit` in any case, alone on the line, as word2vec.c's `distance` takes EXIT.
bool is_exit(const std::string& line) {
  const auto words = split_words(line);
  if (words.size() != 1 || words[0].size() != 4) return false;
  std::string w = words[0];
  for (char& c : w) c = static_cast<char>(c | 0x20);
  return w == "exit";
}

}  // namespace

void add_vectors_options(CLI::App& command, QueryFlags& flags) {
  command
      .add_option("vectors", flags.vectors,
                  "Word vectors in word2vec text or binary format (told apart by content); - "
                  "reads standard input")
      ->required();
  add_number_option(command, "--limit", flags.limit, ranges::kLimit,
                    "Read only the first N vectors of the file (0: all)");
}

void add_format_options(CLI::App& command, QueryFlags& flags, const std::string& tsv_help) {
  auto* json = command.add_flag("--json", flags.json, "One JSON object per query (JSON Lines)");
  command.add_flag("--tsv", flags.tsv, tsv_help)->excludes(json);
}

void add_query_options(CLI::App& command, QueryFlags& flags) {
  add_vectors_options(command, flags);
  add_number_option(command, "-k", flags.k, ranges::kAnswers,
                    "Answers per query (more than the words: all)")
      ->capture_default_str();
  add_number_option(command, "--restrict", flags.restrict_vocab, ranges::kLimit,
                    "Answer only with the first N words of the file (the most frequent); 0: "
                    "all");
  add_format_options(command, flags, "query<TAB>rank<TAB>word<TAB>similarity lines");
  add_number_option(command, "--threads", flags.threads, ranges::kSearchThreads,
                    "Search threads (0: every core)");
}

OutputFormat output_format(const QueryFlags& flags) {
  if (flags.json && flags.tsv) throw UsageError("--json and --tsv exclude each other");
  return flags.json ? OutputFormat::kJson : flags.tsv ? OutputFormat::kTsv : OutputFormat::kTable;
}

WordVectors load_with_warnings(const std::string& path, std::int64_t limit,
                               const std::atomic<bool>* cancel) {
  LoadOptions options;
  options.limit = limit;
  options.cancel = cancel;
  int warnings = 0;
  options.warn = [&](const std::string& message) {
    if (++warnings <= kMaxWarnings) spdlog::warn("warning: {}", message);
  };
  WordVectors vectors = load_vectors(path, options);
  if (warnings > kMaxWarnings) {
    spdlog::warn("warning: {} more warnings for {}", warnings - kMaxWarnings, path);
  }
  return vectors;
}

QuerySession open_session(const QueryFlags& flags, bool queries_from_stdin,
                          const std::atomic<bool>* cancel) {
  if (queries_from_stdin && flags.vectors == "-") {
    throw UsageError(
        "the vectors and the queries cannot both come from standard input: give the words "
        "on the command line");
  }
  const auto start = std::chrono::steady_clock::now();
  WordVectors loaded = load_with_warnings(flags.vectors, flags.limit, cancel);
  QuerySession session{std::move(loaded.words), SearchIndex(loaded.vectors)};
  if (::isatty(STDIN_FILENO)) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("{}: {} words, {} dimensions ({}), loaded in {:.2f} s", flags.vectors,
                 session.index.size(), session.index.dim(),
                 loaded.format == VectorFormat::kBinary ? "binary" : "text", seconds);
  }
  return session;
}

std::string format_float(float value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string join_words(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

std::string quote_list(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "'" : ", '") + w + "'";
  return s;
}

std::string json_list(const std::vector<std::string>& words) {
  std::string list = "[";
  for (const auto& w : words) {
    if (list.size() > 1) list += ',';
    append_json_string(list, w);
  }
  return list + "]";
}

void report_unanswered(OutputFile& out, const std::string& query, const std::string& error) {
  out.flush();
  std::fprintf(stderr, "w2v: %s: %s\n", query.c_str(), error.c_str());
}

void report_error(const std::string& message) {
  std::string line = "w2v: error: " + message;
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';  // one line
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void mark_unknown(QueryAnswer& answer, std::vector<std::string> unknown) {
  answer.error =
      quote_list(unknown) + (unknown.size() == 1 ? " is" : " are") + " not in the vocabulary";
  answer.unknown = std::move(unknown);
}

void search_into(const QuerySession& session, const std::vector<Query>& queries,
                 const std::vector<std::size_t>& which, const SearchOptions& options,
                 std::vector<QueryAnswer>& answers) {
  const auto results = session.index.search(queries, options);
  const std::size_t candidates = options.candidates == 0
                                     ? session.index.size()
                                     : std::min(options.candidates, session.index.size());
  for (std::size_t j = 0; j < results.size(); ++j) {
    QueryAnswer& a = answers[which[j]];
    if (results[j].empty()) {
      // The query's own words are never answers.
      std::set<std::uint32_t> own;
      for (const QueryTerm& t : queries[j].terms) {
        if (t.row < candidates) own.insert(t.row);
      }
      if (own.size() == candidates) {
        a.error = "no answer: there is no other word to compare with";
      } else if (!(options.min_score > -1)) {
        // With a threshold, no word reaching it is an answer too.
        a.error = "no answer: the query vector is zero";
      }
    }
    for (const Neighbor& n : results[j]) {
      a.results.emplace_back(std::string(session.words.word(n.row)), n.score);
    }
  }
}

void AnswerPrinter::print(const QueryAnswer& a) {
  std::string out;
  switch (format_) {
    case OutputFormat::kJson: {
      JsonObject o;
      o.add("query", a.query);
      if (!a.answered()) o.add("error", a.error);
      if (!a.unknown.empty()) o.add_raw("unknown", json_list(a.unknown));
      std::string results = "[";
      for (std::size_t i = 0; i < a.results.size(); ++i) {
        if (i > 0) results += ',';
        JsonObject r;
        r.add("rank", static_cast<long long>(i + 1))
            .add("word", a.results[i].first)
            .add_raw("similarity", format_float(a.results[i].second));
        results += r.str();
      }
      o.add_raw("results", results + "]");
      out = o.str() + "\n";
      break;
    }
    case OutputFormat::kTsv:
      if (!a.answered()) report_unanswered(out_, a.query, a.error);
      for (std::size_t i = 0; i < a.results.size(); ++i) {
        out += a.query + "\t" + std::to_string(i + 1) + "\t" + a.results[i].first + "\t" +
               format_float(a.results[i].second) + "\n";
      }
      break;
    case OutputFormat::kTable: {
      if (!first_) out += "\n";
      out += a.title.empty() ? a.query : a.title;
      out += "\n";
      if (!a.answered()) {
        out += "  " + a.error + "\n";
        break;
      }
      std::size_t word_width = 4;
      for (const auto& r : a.results) word_width = std::max(word_width, width(r.first));
      if (a.results.empty()) {
        out += "  no word is that similar\n";
        break;
      }
      out += "  rank  word" + std::string(word_width - 4, ' ') + "  similarity\n";
      char line[64];
      for (std::size_t i = 0; i < a.results.size(); ++i) {
        std::snprintf(line, sizeof line, "  %4zu  ", i + 1);
        out += line;
        out += a.results[i].first;
        out += std::string(word_width - width(a.results[i].first), ' ');
        std::snprintf(line, sizeof line, "  %10.4f\n", static_cast<double>(a.results[i].second));
        out += line;
      }
      break;
    }
  }
  first_ = false;
  out_.write(out);
}

bool answer_arguments(const std::vector<std::string>& queries, const AnswerBatch& answer,
                      AnswerPrinter& printer) {
  bool all = true;
  for (const QueryAnswer& a : answer(queries)) {
    printer.print(a);
    all = all && a.answered();
  }
  printer.flush();
  return all;
}

bool answer_lines(const AnswerBatch& answer, AnswerPrinter& printer, const Context& context,
                  const char* prompt) {
  const LineBatch print = [&](const std::vector<std::string>& lines) {
    bool all = true;
    for (const QueryAnswer& a : answer(lines)) {
      printer.print(a);
      all = all && a.answered();
    }
    return all;
  };
  return read_query_lines(
      print, [&] { printer.flush(); }, context, prompt);
}

bool read_query_lines(const LineBatch& answer, const std::function<void()>& flush,
                      const Context& context, const char* prompt) {
  const bool interactive = ::isatty(STDIN_FILENO);
  LineReader reader(STDIN_FILENO, context.interrupted);
  bool all = true;
  std::vector<std::string> batch;
  std::string line;
  for (bool more = true; more;) {
    batch.clear();
    if (interactive) {
      flush();
      std::fputs(prompt, stderr);
      std::fflush(stderr);
    }
    if (!reader.next(line)) {
      if (interrupted(context)) throw Interrupted();
      if (interactive) std::fputc('\n', stderr);
      break;
    }
    if (interactive && is_exit(line)) break;
    if (!is_blank_line(line)) batch.push_back(line);
    // Lines already waiting go in the same batch; with a producer that waits for each
    // answer, there are none and the answer comes at once.
    while (!interactive && batch.size() < kMaxBatchLines && reader.ready()) {
      if (!reader.next(line)) {
        more = false;
        break;
      }
      if (!is_blank_line(line)) batch.push_back(line);
    }
    if (interrupted(context)) throw Interrupted();
    if (batch.empty()) continue;
    all = answer(batch) && all;
    flush();
  }
  return all;
}

}  // namespace w2v::cli
