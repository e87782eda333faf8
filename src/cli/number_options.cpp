#include "cli/number_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace w2v::cli {
namespace {

std::string must_be(const OptionRange& range) {
  return std::string("must be ") + (range.integer ? "a whole number" : "a number") + " in " +
         range.describe();
}

// Optional sign, then digits, without a leading zero (C reads 010 as octal 8, so it is
// refused rather than read either way).
bool parse_integer(const std::string& text, bool& negative, std::string& digits) {
  std::size_t i = 0;
  negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (i == text.size() || (text[i] == '0' && i + 1 < text.size())) return false;
  for (std::size_t j = i; j < text.size(); ++j) {
    if (text[j] < '0' || text[j] > '9') return false;
  }
  digits = text.substr(i);
  if (digits == "0") negative = false;
  return true;
}

}  // namespace

CheckedNumber check_number(const std::string& text, const OptionRange& range, bool as_float) {
  CheckedNumber out;
  const std::string got = ", got '" + text + "'";
  if (range.integer) {
    bool negative = false;
    std::string digits;
    if (!parse_integer(text, negative, digits)) {
      out.error = must_be(range) + got;
      return out;
    }
    // Beyond 20 digits is beyond every range; long double holds 64-bit values exactly.
    long double v = 0;
    if (digits.size() <= 20) {
      for (const char c : digits) v = v * 10 + (c - '0');
    } else {
      v = INFINITY;
    }
    if (negative) v = -v;
    if (!range.contains(v)) {
      out.error = must_be(range) + got;
      return out;
    }
    out.text = (negative ? "-" : "") + digits;
    return out;
  }
  std::string_view s = text;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || result.ptr != s.data() + s.size() || result.ec != std::errc() ||
      !std::isfinite(v) || !range.contains(v) ||
      (as_float && !range.contains(static_cast<float>(v)))) {
    out.error = must_be(range) + got;
    return out;
  }
  out.text = std::string(s);
  return out;
}

template <class T>
CLI::Option* add_number_option(CLI::App& command, const std::string& name, T& value,
                               const OptionRange& range, const std::string& help) {
  static_assert(std::is_arithmetic_v<T>);
  return command.add_option(name, value, help)
      ->transform(range_validator(range, std::is_same_v<T, float>))
      ->type_name(std::string(range.integer ? "INT" : "FLOAT") + " in " + range.describe());
}

CLI::Validator range_validator(const OptionRange& range, bool as_float) {
  return CLI::Validator(
      [range, as_float](std::string& text) {
        CheckedNumber checked = check_number(text, range, as_float);
        if (!checked.error.empty()) return checked.error;
        text = checked.text;
        return std::string();
      },
      "");
}

template CLI::Option* add_number_option(CLI::App&, const std::string&, int&, const OptionRange&,
                                        const std::string&);
template CLI::Option* add_number_option(CLI::App&, const std::string&, std::int64_t&,
                                        const OptionRange&, const std::string&);
template CLI::Option* add_number_option(CLI::App&, const std::string&, std::uint64_t&,
                                        const OptionRange&, const std::string&);
template CLI::Option* add_number_option(CLI::App&, const std::string&, double&, const OptionRange&,
                                        const std::string&);
template CLI::Option* add_number_option(CLI::App&, const std::string&, float&, const OptionRange&,
                                        const std::string&);

}  // namespace w2v::cli
