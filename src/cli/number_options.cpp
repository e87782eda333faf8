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

CheckedSize check_size(const std::string& text, std::uint64_t min_bytes) {
  CheckedSize out;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string suffix = text.substr(digits);
  int shift = -1;
  if (suffix.empty()) shift = 0;
  if (suffix == "K" || suffix == "k") shift = 10;
  if (suffix == "M" || suffix == "m") shift = 20;
  if (suffix == "G" || suffix == "g") shift = 30;
  if (suffix == "T" || suffix == "t") shift = 40;
  const std::string must =
      "must be a size such as 512M or 4G (K, M, G, T: powers of 1024), at least " +
      std::to_string(min_bytes) + " bytes, got '" + text + "'";
  if (digits == 0 || digits > 15 || shift < 0 || (text[0] == '0' && digits > 1)) {
    out.error = must;
    return out;
  }
  const std::uint64_t n = std::stoull(text.substr(0, digits));
  if (n > (std::uint64_t{1} << (62 - shift)) || (n << shift) < min_bytes) {
    out.error = must;
    return out;
  }
  out.bytes = n << shift;
  return out;
}

CheckedInterval check_interval(const std::string& text) {
  CheckedInterval out;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string suffix = text.substr(digits);
  const bool ok_number = digits > 0 && digits <= 12 && text[0] != '0';
  const std::uint64_t n = ok_number ? std::stoull(text.substr(0, digits)) : 0;
  if (ok_number && (suffix == "s" || suffix == "m" || suffix == "h")) {
    out.seconds = static_cast<double>(n) * (suffix == "s" ? 1 : suffix == "m" ? 60 : 3600);
    return out;
  }
  const std::uint64_t scale = suffix.empty()  ? 1
                              : suffix == "K" ? 1000
                              : suffix == "M" ? 1000000
                              : suffix == "G" ? 1000000000
                                              : 0;
  if (!ok_number || scale == 0) {
    out.error =
        "must be a duration such as 90s, 30m or 2h, or a count of words such as 500M (K, "
        "M, G: powers of 1000), got '" +
        text + "'";
    return out;
  }
  out.words = static_cast<std::int64_t>(n * scale);
  return out;
}

CLI::Validator interval_validator() {
  return CLI::Validator([](std::string& text) { return check_interval(text).error; }, "");
}

CLI::Option* add_size_option(CLI::App& command, const std::string& name, std::uint64_t& value,
                             std::uint64_t min_bytes, const std::string& help) {
  return command.add_option(name, value, help)
      ->transform(CLI::Validator(
          [min_bytes](std::string& text) {
            const CheckedSize checked = check_size(text, min_bytes);
            if (!checked.error.empty()) return checked.error;
            text = std::to_string(checked.bytes);
            return std::string();
          },
          ""))
      ->type_name("SIZE")
      ->default_str("");
}

}  // namespace w2v::cli
