// libFuzzer target: JSON (parse_json, which `w2v plot training` reads metrics files with).
//
// Property: what parses is written back with the library's JSON writer (strings escaped,
// numbers in their shortest form) and parses again to the same value, strings byte for
// byte (valid UTF-8) and numbers bit for bit. Only w2v::Error may escape.
#include <cmath>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/json.hpp"
#include "w2v/json_reader.hpp"
#include "w2v/utf8.hpp"

namespace {

using w2v::JsonValue;

void write(const JsonValue& v, std::string& out) {
  switch (v.kind) {
    case JsonValue::Kind::kNull:
      out += "null";
      break;
    case JsonValue::Kind::kBool:
      out += v.boolean ? "true" : "false";
      break;
    case JsonValue::Kind::kNumber:
      w2v::append_json_number(out, v.number);
      break;
    case JsonValue::Kind::kString:
      w2v::append_json_string(out, v.string);
      break;
    case JsonValue::Kind::kArray:
      out += '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ',';
        write(v.items[i], out);
      }
      out += ']';
      break;
    case JsonValue::Kind::kObject:
      out += '{';
      for (std::size_t i = 0; i < v.members.size(); ++i) {
        if (i > 0) out += ',';
        w2v::append_json_string(out, v.members[i].first);
        out += ':';
        write(v.members[i].second, out);
      }
      out += '}';
      break;
  }
}

bool same(const JsonValue& a, const JsonValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case JsonValue::Kind::kNull:
      return true;
    case JsonValue::Kind::kBool:
      return a.boolean == b.boolean;
    case JsonValue::Kind::kNumber:
      return std::memcmp(&a.number, &b.number, sizeof a.number) == 0 ||
             (a.number == 0 && b.number == 0);
    case JsonValue::Kind::kString:
      return a.string == b.string;
    case JsonValue::Kind::kArray:
      if (a.items.size() != b.items.size()) return false;
      for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!same(a.items[i], b.items[i])) return false;
      }
      return true;
    case JsonValue::Kind::kObject:
      if (a.members.size() != b.members.size()) return false;
      for (std::size_t i = 0; i < a.members.size(); ++i) {
        if (a.members[i].first != b.members[i].first ||
            !same(a.members[i].second, b.members[i].second)) {
          return false;
        }
      }
      return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  JsonValue value;
  try {
    value = w2v::parse_json(w2v::fuzz::as_text(data, size), "fuzz");
  } catch (const w2v::Error&) {
    return 0;
  }
  std::string written;
  write(value, written);
  JsonValue again;
  try {
    again = w2v::parse_json(written, "written");
  } catch (const w2v::Error& e) {
    W2V_FUZZ_CHECK(false, std::string("the written value does not parse: ") + e.what() + " in " +
                              w2v::fuzz::escaped(written));
  }
  W2V_FUZZ_CHECK(same(value, again),
                 "written back, it parses to another value: " + w2v::fuzz::escaped(written));
  return 0;
}
