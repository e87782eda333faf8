#include "cli/progress_printer.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace w2v::cli {
namespace {

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  }
  return buffer;
}

std::string format_rate(double per_second) {
  char buffer[32];
  if (per_second >= 1e6) {
    std::snprintf(buffer, sizeof buffer, "%.2fM", per_second / 1e6);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1fk", per_second / 1e3);
  }
  return buffer;
}

}  // namespace

void setup_logging(bool quiet, bool verbose) {
  auto logger = spdlog::stderr_color_mt("w2v");
  logger->set_pattern("%^%v%$");
  logger->set_level(quiet     ? spdlog::level::err
                    : verbose ? spdlog::level::debug
                              : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void log_reading_warnings(const TokenizerStats& tokens, std::int64_t pruned) {
  if (tokens.repaired_words > 0) {
    spdlog::warn("warning: {} words had invalid UTF-8, repaired with U+FFFD",
                 tokens.repaired_words);
  }
  if (pruned > 0) {
    spdlog::warn("warning: {} rare words were dropped while counting, to stay within --prune-at",
                 pruned);
  }
  if (tokens.control_bytes > 0) {
    spdlog::warn("warning: {} control bytes (0x00-0x1F, 0x7F) were read as spaces",
                 tokens.control_bytes);
  }
  if (tokens.truncated_words > 0) {
    spdlog::debug("{} words were cut to --max-word-bytes", tokens.truncated_words);
  }
}

ProgressPrinter::Mode ProgressPrinter::mode_for_stderr(bool quiet) {
  if (quiet) return Mode::kQuiet;
  return ::isatty(STDERR_FILENO) ? Mode::kTerminal : Mode::kLog;
}

double ProgressPrinter::interval() const { return mode_ == Mode::kTerminal ? 0.25 : 5.0; }

void ProgressPrinter::update(const TrainProgress& p) {
  if (mode_ == Mode::kQuiet) return;
  // A job of several ranks shows its rate of all ranks too.
  const std::string ranks =
      p.ranks > 1 ? fmt::format("{} ranks {} words/s  ", p.ranks, format_rate(p.words_per_second))
                  : std::string();
  char line[320];
  if (mode_ == Mode::kTerminal) {
    std::snprintf(line, sizeof line,
                  "\r%5.1f%%  epoch %d/%d  %s%s words/s/thread  lr %.6f  loss %.4f  ETA %s\x1b[K",
                  100.0 * p.fraction, p.epoch, p.epochs, ranks.c_str(),
                  format_rate(p.words_per_second_per_thread).c_str(), p.lr, p.loss,
                  format_duration(p.eta_seconds).c_str());
    std::fputs(line, stderr);
    std::fflush(stderr);
    line_open_ = true;
  } else {
    spdlog::info(
        "progress {:.1f}%  epoch {}/{}  {}{:.0f} words/s/thread  lr {:.6f}  loss {:.4f}  eta {}",
        100.0 * p.fraction, p.epoch, p.epochs, ranks, p.words_per_second_per_thread, p.lr, p.loss,
        format_duration(p.eta_seconds));
  }
}

void ProgressPrinter::finish() {
  if (line_open_) {
    std::fputc('\n', stderr);
    line_open_ = false;
  }
}

}  // namespace w2v::cli
