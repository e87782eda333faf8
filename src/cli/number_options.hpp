#pragma once
#include <cstdint>
#include <string>

#include "w2v/option_range.hpp"

namespace CLI {
class App;
class Option;
class Validator;
}  // namespace CLI

namespace w2v::cli {

// Adds a numeric option that takes plain decimal numbers within `range` only: no leading
// zero (CLI11 would read 010 as octal 8), no hexadecimal, no NaN or infinity, no negative
// value for an unsigned one. --help shows the range; a value out of it is a parse error (exit 2)
// that names the range. T: int, std::int64_t, std::uint64_t (std::size_t), double or float.
template <class T>
CLI::Option* add_number_option(CLI::App& command, const std::string& name, T& value,
                               const OptionRange& range, const std::string& help);

// The check add_number_option adds, for an option of another type (std::optional).
// `as_float`: the value is stored as a float, whose rounding must stay in range too (1e-50
// is above 0 as a double and 0 as a float).
CLI::Validator range_validator(const OptionRange& range, bool as_float = false);

// Adds an option that takes a size in bytes: a whole number with an optional K, M, G or T
// (powers of 1024), from `min_bytes` on; --help shows "SIZE".
CLI::Option* add_size_option(CLI::App& command, const std::string& name, std::uint64_t& value,
                             std::uint64_t min_bytes, const std::string& help);
// The bytes `text` stands for (see add_size_option), or an error message.
struct CheckedSize {
  std::uint64_t bytes = 0;
  std::string error;
};
CheckedSize check_size(const std::string& text, std::uint64_t min_bytes);

// --checkpoint-every: a duration with s, m or h (90s, 30m, 2h) or a count of words with an
// optional K, M or G (powers of 1000: 500M). Exactly one of seconds and words is set.
struct CheckedInterval {
  double seconds = 0;
  std::int64_t words = 0;
  std::string error;
};
CheckedInterval check_interval(const std::string& text);
// The validator for it (leaves the text as it is).
CLI::Validator interval_validator();

// The same check on one value, for tests and config files: the canonical decimal text of
// `text`, or a message saying what is wrong.
struct CheckedNumber {
  std::string text;   // canonical: what CLI11 then converts
  std::string error;  // empty when the value is good
};
CheckedNumber check_number(const std::string& text, const OptionRange& range,
                           bool as_float = false);

}  // namespace w2v::cli
