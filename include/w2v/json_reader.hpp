#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace w2v {

// A JSON value (RFC 8259), as parse_json reads it.
struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;  // UTF-8
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in file order

  // The member named `key` of an object, or null (also for another kind of value).
  const JsonValue* find(std::string_view key) const;
};

// Parses `text`, exactly one JSON value with blanks around it, strictly: no comments,
// trailing commas, NaN or leading zeros; strings valid UTF-8, \u escapes paired. Nesting
// deeper than 128 is refused. Throws Error naming `name` and the byte offset at fault.
JsonValue parse_json(std::string_view text, const std::string& name);

}  // namespace w2v
