#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace w2v::utf8 {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid(std::string_view s);

// Appends `s` to `out` with every invalid byte sequence replaced by U+FFFD.
// Returns true when something was replaced.
bool append_repaired(std::string_view s, std::string& out);

// The longest prefix of valid UTF-8 `s` that fits in `max_bytes` and ends on a
// character boundary.
std::size_t cut_length(std::string_view s, std::size_t max_bytes);

// Appends `s` lowercased: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals
// map to their small letters; every other character is copied unchanged. `s` must be valid.
void append_lowercase(std::string_view s, std::string& out);

// Length in bytes of the Unicode space character starting at s[0], or 0 when s does not
// start with one. Recognises U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
// U+202F, U+205F and U+3000.
std::size_t unicode_space_length(const char* s, std::size_t available);

}  // namespace w2v::utf8
