#include "w2v/option_range.hpp"

#include <cmath>
#include <cstdio>

#include "w2v/error.hpp"

namespace w2v {
namespace {

std::string number(long double v, bool integer) {
  if (v == ranges::kInt64Max) return "2^63-1";
  if (v == ranges::kUint64Max) return "2^64-1";
  char buffer[64];
  if (integer) {
    std::snprintf(buffer, sizeof buffer, "%.0Lf", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%Lg", v);
  }
  return buffer;
}

}  // namespace

std::string OptionRange::describe() const {
  return std::string(open_min ? "(" : "[") + number(min, integer) + ", " + number(max, integer) +
         "]";
}

void require_in_range(long double value, const OptionRange& range, const char* option) {
  if (std::isfinite(value) && range.contains(value) &&
      (!range.integer || std::floor(value) == value)) {
    return;
  }
  throw UsageError(
      std::string(option) + " must be " + (range.integer ? "a whole number" : "a number") + " in " +
      range.describe() + ", got " +
      number(value, range.integer && std::isfinite(value) && std::floor(value) == value));
}

}  // namespace w2v
