#include "w2v/json_reader.hpp"

#include <cmath>
#include <cstdlib>

#include "w2v/error.hpp"
#include "w2v/utf8.hpp"

namespace w2v {
namespace {

constexpr int kMaxDepth = 128;

class Parser {
 public:
  Parser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  JsonValue document() {
    skip_blanks();
    JsonValue v = value(0);
    skip_blanks();
    if (pos_ != text_.size()) fail("data after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(name_ + ": byte " + std::to_string(pos_) + ": " + why);
  }

  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) fail("not a JSON value");
    pos_ += word.size();
  }

  JsonValue value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth));
    if (pos_ >= text_.size()) fail("the text ends where a value should be");
    JsonValue v;
    switch (text_[pos_]) {
      case 'n':
        literal("null");
        return v;
      case 't':
        literal("true");
        v.kind = JsonValue::Kind::kBool;
        v.boolean = true;
        return v;
      case 'f':
        literal("false");
        v.kind = JsonValue::Kind::kBool;
        return v;
      case '"':
        v.kind = JsonValue::Kind::kString;
        v.string = string();
        return v;
      case '[':
        return array(depth);
      case '{':
        return object(depth);
      default:
        v.kind = JsonValue::Kind::kNumber;
        v.number = number();
        return v;
    }
  }

  JsonValue array(int depth) {
    ++pos_;  // [
    JsonValue v;
    v.kind = JsonValue::Kind::kArray;
    skip_blanks();
    if (take(']')) return v;
    for (;;) {
      skip_blanks();
      v.items.push_back(value(depth + 1));
      skip_blanks();
      if (take(']')) return v;
      if (!take(',')) fail("expected ',' or ']' in an array");
    }
  }

  JsonValue object(int depth) {
    ++pos_;  // {
    JsonValue v;
    v.kind = JsonValue::Kind::kObject;
    skip_blanks();
    if (take('}')) return v;
    for (;;) {
      skip_blanks();
      if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a member name");
      std::string key = string();
      skip_blanks();
      if (!take(':')) fail("expected ':' after a member name");
      skip_blanks();
      v.members.emplace_back(std::move(key), value(depth + 1));
      skip_blanks();
      if (take('}')) return v;
      if (!take(',')) fail("expected ',' or '}' in an object");
    }
  }

  unsigned hex4() {
    if (text_.size() - pos_ < 4) fail("a \\u escape needs four hex digits");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      code <<= 4;
      if (c >= '0' && c <= '9') {
        code |= static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        code |= static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        code |= static_cast<unsigned>(c - 'A' + 10);
      } else {
        fail("a \\u escape needs four hex digits");
      }
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string string() {
    ++pos_;  // "
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail("the text ends inside a string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character inside a string");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) fail("the text ends inside a string");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xDC00 && code <= 0xDFFF) fail("a lone low surrogate");
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (text_.substr(pos_, 2) != "\\u") fail("a high surrogate without its pair");
            pos_ += 2;
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate without its pair");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default:
          fail("an unknown escape");
      }
    }
    if (!utf8::is_valid(out)) fail("a string that is not valid UTF-8");
    return out;
  }

  double number() {
    const std::size_t start = pos_;
    take('-');
    if (take('0')) {
      // no leading zeros
    } else if (pos_ < text_.size() && text_[pos_] >= '1' && text_[pos_] <= '9') {
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    } else {
      fail("not a JSON value");
    }
    if (take('.')) {
      const std::size_t digits = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == digits) fail("a number needs digits after its '.'");
    }
    if (take('e') || take('E')) {
      if (!take('+')) take('-');
      const std::size_t digits = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == digits) fail("a number needs digits in its exponent");
    }
    // strtod on a copy: it says overflow as HUGE_VAL (underflow reads as 0 or a denormal).
    const std::string token(text_.substr(start, pos_ - start));
    const double value = std::strtod(token.c_str(), nullptr);
    if (std::isinf(value)) fail("a number out of range");
    return value;
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

JsonValue parse_json(std::string_view text, const std::string& name) {
  return Parser(text, name).document();
}

}  // namespace w2v
