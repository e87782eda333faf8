#include "w2v/word.hpp"

#include <cstdio>

#include "w2v/utf8.hpp"

namespace w2v {

std::string quoted(std::string_view s, std::size_t max_bytes) {
  const bool cut = s.size() > max_bytes;
  if (cut) s = s.substr(0, max_bytes);
  std::string repaired;
  utf8::append_repaired(s, repaired);
  if (cut) repaired.resize(utf8::cut_length(repaired, max_bytes));
  std::string out = "'";
  for (const char c : repaired) out += is_control_byte(c) ? '?' : c;
  return out + (cut ? "...'" : "'");
}

std::string word_problem(std::string_view word) {
  if (word.empty()) return "the word is empty";
  if (word.size() > kMaxWordBytes) {
    return "the word " + quoted(word) + " is longer than " + std::to_string(kMaxWordBytes) +
           " bytes";
  }
  for (const char c : word) {
    if (is_control_byte(c)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
      return "the word " + quoted(word) + " holds a control character (byte " + hex + ")";
    }
  }
  if (!utf8::is_valid(word)) return "the word " + quoted(word) + " is not valid UTF-8";
  return {};
}

}  // namespace w2v
