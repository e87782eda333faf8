#pragma once
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>

namespace w2v {

// Appends `s` as a JSON string literal (input is valid UTF-8).
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Appends a number in its shortest form that reads back as the same value (so a float
// option given as 0.01 prints as 0.01, not as the double nearest the float); NaN and
// infinities, which JSON lacks, become null.
template <class Number>
void append_json_number(std::string& out, Number value) {
  static_assert(std::is_floating_point_v<Number>);
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// Builds one JSON object, key by key.
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value) {
    start(key);
    append_json_string(text_, value);
    return *this;
  }
  JsonObject& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  // A float or a double, each in its own shortest form (see append_json_number).
  template <class Number, std::enable_if_t<std::is_floating_point_v<Number>, int> = 0>
  JsonObject& add(std::string_view key, Number value) {
    start(key);
    append_json_number(text_, value);
    return *this;
  }
  JsonObject& add(std::string_view key, long long value) {
    start(key);
    text_ += std::to_string(value);
    return *this;
  }
  JsonObject& add(std::string_view key, int value) {
    return add(key, static_cast<long long>(value));
  }
  JsonObject& add(std::string_view key, long value) {
    return add(key, static_cast<long long>(value));
  }
  JsonObject& add(std::string_view key, unsigned long long value) {
    start(key);
    text_ += std::to_string(value);
    return *this;
  }
  JsonObject& add(std::string_view key, unsigned long value) {
    return add(key, static_cast<unsigned long long>(value));
  }
  JsonObject& add(std::string_view key, bool value) {
    start(key);
    text_ += value ? "true" : "false";
    return *this;
  }
  // A value that is already JSON (a nested object or array).
  JsonObject& add_raw(std::string_view key, std::string_view json) {
    start(key);
    text_ += json;
    return *this;
  }
  std::string str() const { return text_ + "}"; }

 private:
  void start(std::string_view key) {
    text_ += text_.size() > 1 ? "," : "";
    append_json_string(text_, key);
    text_ += ':';
  }
  std::string text_ = "{";
};

}  // namespace w2v
