// utf8: validation, repair, cutting on character boundaries, case folding, Unicode spaces.
#include <doctest/doctest.h>

#include <cstdint>
#include <ios>
#include <map>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "w2v/utf8.hpp"

namespace {

using w2v::test::utf8_encode;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The Unicode spaces utf8.hpp promises to recognise.
const std::vector<char32_t> kUnicodeSpaces = {
    0x85,   0xA0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
    0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};

bool is_unicode_space(char32_t c) {
  for (const char32_t s : kUnicodeSpaces) {
    if (s == c) return true;
  }
  return false;
}

// Unicode 14 simple lowercase mappings (UnicodeData.txt field 13) of every character in
// the blocks utf8.hpp names: Basic Latin, Latin-1 Supplement, Latin Extended-A, Greek and
// Coptic, Cyrillic. Generated with Python's unicodedata (str.lower, with U+0130 -> U+0069,
// its simple mapping).
const std::map<char32_t, char32_t>& lowercase_oracle() {
  static const std::map<char32_t, char32_t> table = {
      {0x0041, 0x0061}, {0x0042, 0x0062}, {0x0043, 0x0063}, {0x0044, 0x0064}, {0x0045, 0x0065},
      {0x0046, 0x0066}, {0x0047, 0x0067}, {0x0048, 0x0068}, {0x0049, 0x0069}, {0x004A, 0x006A},
      {0x004B, 0x006B}, {0x004C, 0x006C}, {0x004D, 0x006D}, {0x004E, 0x006E}, {0x004F, 0x006F},
      {0x0050, 0x0070}, {0x0051, 0x0071}, {0x0052, 0x0072}, {0x0053, 0x0073}, {0x0054, 0x0074},
      {0x0055, 0x0075}, {0x0056, 0x0076}, {0x0057, 0x0077}, {0x0058, 0x0078}, {0x0059, 0x0079},
      {0x005A, 0x007A}, {0x00C0, 0x00E0}, {0x00C1, 0x00E1}, {0x00C2, 0x00E2}, {0x00C3, 0x00E3},
      {0x00C4, 0x00E4}, {0x00C5, 0x00E5}, {0x00C6, 0x00E6}, {0x00C7, 0x00E7}, {0x00C8, 0x00E8},
      {0x00C9, 0x00E9}, {0x00CA, 0x00EA}, {0x00CB, 0x00EB}, {0x00CC, 0x00EC}, {0x00CD, 0x00ED},
      {0x00CE, 0x00EE}, {0x00CF, 0x00EF}, {0x00D0, 0x00F0}, {0x00D1, 0x00F1}, {0x00D2, 0x00F2},
      {0x00D3, 0x00F3}, {0x00D4, 0x00F4}, {0x00D5, 0x00F5}, {0x00D6, 0x00F6}, {0x00D8, 0x00F8},
      {0x00D9, 0x00F9}, {0x00DA, 0x00FA}, {0x00DB, 0x00FB}, {0x00DC, 0x00FC}, {0x00DD, 0x00FD},
      {0x00DE, 0x00FE}, {0x0100, 0x0101}, {0x0102, 0x0103}, {0x0104, 0x0105}, {0x0106, 0x0107},
      {0x0108, 0x0109}, {0x010A, 0x010B}, {0x010C, 0x010D}, {0x010E, 0x010F}, {0x0110, 0x0111},
      {0x0112, 0x0113}, {0x0114, 0x0115}, {0x0116, 0x0117}, {0x0118, 0x0119}, {0x011A, 0x011B},
      {0x011C, 0x011D}, {0x011E, 0x011F}, {0x0120, 0x0121}, {0x0122, 0x0123}, {0x0124, 0x0125},
      {0x0126, 0x0127}, {0x0128, 0x0129}, {0x012A, 0x012B}, {0x012C, 0x012D}, {0x012E, 0x012F},
      {0x0130, 0x0069}, {0x0132, 0x0133}, {0x0134, 0x0135}, {0x0136, 0x0137}, {0x0139, 0x013A},
      {0x013B, 0x013C}, {0x013D, 0x013E}, {0x013F, 0x0140}, {0x0141, 0x0142}, {0x0143, 0x0144},
      {0x0145, 0x0146}, {0x0147, 0x0148}, {0x014A, 0x014B}, {0x014C, 0x014D}, {0x014E, 0x014F},
      {0x0150, 0x0151}, {0x0152, 0x0153}, {0x0154, 0x0155}, {0x0156, 0x0157}, {0x0158, 0x0159},
      {0x015A, 0x015B}, {0x015C, 0x015D}, {0x015E, 0x015F}, {0x0160, 0x0161}, {0x0162, 0x0163},
      {0x0164, 0x0165}, {0x0166, 0x0167}, {0x0168, 0x0169}, {0x016A, 0x016B}, {0x016C, 0x016D},
      {0x016E, 0x016F}, {0x0170, 0x0171}, {0x0172, 0x0173}, {0x0174, 0x0175}, {0x0176, 0x0177},
      {0x0178, 0x00FF}, {0x0179, 0x017A}, {0x017B, 0x017C}, {0x017D, 0x017E}, {0x0370, 0x0371},
      {0x0372, 0x0373}, {0x0376, 0x0377}, {0x037F, 0x03F3}, {0x0386, 0x03AC}, {0x0388, 0x03AD},
      {0x0389, 0x03AE}, {0x038A, 0x03AF}, {0x038C, 0x03CC}, {0x038E, 0x03CD}, {0x038F, 0x03CE},
      {0x0391, 0x03B1}, {0x0392, 0x03B2}, {0x0393, 0x03B3}, {0x0394, 0x03B4}, {0x0395, 0x03B5},
      {0x0396, 0x03B6}, {0x0397, 0x03B7}, {0x0398, 0x03B8}, {0x0399, 0x03B9}, {0x039A, 0x03BA},
      {0x039B, 0x03BB}, {0x039C, 0x03BC}, {0x039D, 0x03BD}, {0x039E, 0x03BE}, {0x039F, 0x03BF},
      {0x03A0, 0x03C0}, {0x03A1, 0x03C1}, {0x03A3, 0x03C3}, {0x03A4, 0x03C4}, {0x03A5, 0x03C5},
      {0x03A6, 0x03C6}, {0x03A7, 0x03C7}, {0x03A8, 0x03C8}, {0x03A9, 0x03C9}, {0x03AA, 0x03CA},
      {0x03AB, 0x03CB}, {0x03CF, 0x03D7}, {0x03D8, 0x03D9}, {0x03DA, 0x03DB}, {0x03DC, 0x03DD},
      {0x03DE, 0x03DF}, {0x03E0, 0x03E1}, {0x03E2, 0x03E3}, {0x03E4, 0x03E5}, {0x03E6, 0x03E7},
      {0x03E8, 0x03E9}, {0x03EA, 0x03EB}, {0x03EC, 0x03ED}, {0x03EE, 0x03EF}, {0x03F4, 0x03B8},
      {0x03F7, 0x03F8}, {0x03F9, 0x03F2}, {0x03FA, 0x03FB}, {0x03FD, 0x037B}, {0x03FE, 0x037C},
      {0x03FF, 0x037D}, {0x0400, 0x0450}, {0x0401, 0x0451}, {0x0402, 0x0452}, {0x0403, 0x0453},
      {0x0404, 0x0454}, {0x0405, 0x0455}, {0x0406, 0x0456}, {0x0407, 0x0457}, {0x0408, 0x0458},
      {0x0409, 0x0459}, {0x040A, 0x045A}, {0x040B, 0x045B}, {0x040C, 0x045C}, {0x040D, 0x045D},
      {0x040E, 0x045E}, {0x040F, 0x045F}, {0x0410, 0x0430}, {0x0411, 0x0431}, {0x0412, 0x0432},
      {0x0413, 0x0433}, {0x0414, 0x0434}, {0x0415, 0x0435}, {0x0416, 0x0436}, {0x0417, 0x0437},
      {0x0418, 0x0438}, {0x0419, 0x0439}, {0x041A, 0x043A}, {0x041B, 0x043B}, {0x041C, 0x043C},
      {0x041D, 0x043D}, {0x041E, 0x043E}, {0x041F, 0x043F}, {0x0420, 0x0440}, {0x0421, 0x0441},
      {0x0422, 0x0442}, {0x0423, 0x0443}, {0x0424, 0x0444}, {0x0425, 0x0445}, {0x0426, 0x0446},
      {0x0427, 0x0447}, {0x0428, 0x0448}, {0x0429, 0x0449}, {0x042A, 0x044A}, {0x042B, 0x044B},
      {0x042C, 0x044C}, {0x042D, 0x044D}, {0x042E, 0x044E}, {0x042F, 0x044F}, {0x0460, 0x0461},
      {0x0462, 0x0463}, {0x0464, 0x0465}, {0x0466, 0x0467}, {0x0468, 0x0469}, {0x046A, 0x046B},
      {0x046C, 0x046D}, {0x046E, 0x046F}, {0x0470, 0x0471}, {0x0472, 0x0473}, {0x0474, 0x0475},
      {0x0476, 0x0477}, {0x0478, 0x0479}, {0x047A, 0x047B}, {0x047C, 0x047D}, {0x047E, 0x047F},
      {0x0480, 0x0481}, {0x048A, 0x048B}, {0x048C, 0x048D}, {0x048E, 0x048F}, {0x0490, 0x0491},
      {0x0492, 0x0493}, {0x0494, 0x0495}, {0x0496, 0x0497}, {0x0498, 0x0499}, {0x049A, 0x049B},
      {0x049C, 0x049D}, {0x049E, 0x049F}, {0x04A0, 0x04A1}, {0x04A2, 0x04A3}, {0x04A4, 0x04A5},
      {0x04A6, 0x04A7}, {0x04A8, 0x04A9}, {0x04AA, 0x04AB}, {0x04AC, 0x04AD}, {0x04AE, 0x04AF},
      {0x04B0, 0x04B1}, {0x04B2, 0x04B3}, {0x04B4, 0x04B5}, {0x04B6, 0x04B7}, {0x04B8, 0x04B9},
      {0x04BA, 0x04BB}, {0x04BC, 0x04BD}, {0x04BE, 0x04BF}, {0x04C0, 0x04CF}, {0x04C1, 0x04C2},
      {0x04C3, 0x04C4}, {0x04C5, 0x04C6}, {0x04C7, 0x04C8}, {0x04C9, 0x04CA}, {0x04CB, 0x04CC},
      {0x04CD, 0x04CE}, {0x04D0, 0x04D1}, {0x04D2, 0x04D3}, {0x04D4, 0x04D5}, {0x04D6, 0x04D7},
      {0x04D8, 0x04D9}, {0x04DA, 0x04DB}, {0x04DC, 0x04DD}, {0x04DE, 0x04DF}, {0x04E0, 0x04E1},
      {0x04E2, 0x04E3}, {0x04E4, 0x04E5}, {0x04E6, 0x04E7}, {0x04E8, 0x04E9}, {0x04EA, 0x04EB},
      {0x04EC, 0x04ED}, {0x04EE, 0x04EF}, {0x04F0, 0x04F1}, {0x04F2, 0x04F3}, {0x04F4, 0x04F5},
      {0x04F6, 0x04F7}, {0x04F8, 0x04F9}, {0x04FA, 0x04FB}, {0x04FC, 0x04FD}, {0x04FE, 0x04FF},
  };
  return table;
}

bool in_documented_blocks(char32_t c) { return c < 0x180 || (c >= 0x370 && c < 0x500); }

std::string lower(const std::string& s) {
  std::string out;
  w2v::utf8::append_lowercase(s, out);
  return out;
}

}  // namespace

TEST_SUITE("utf8") {
  TEST_CASE("is_valid accepts well-formed UTF-8 and rejects everything else") {
    using w2v::utf8::is_valid;
    SUBCASE("well-formed") {
      CHECK(is_valid(""));
      CHECK(is_valid("plain ascii"));
      CHECK(is_valid(utf8_encode(0x7F) + utf8_encode(0x80) + utf8_encode(0x7FF) +
                     utf8_encode(0x800) + utf8_encode(0xD7FF) + utf8_encode(0xE000) +
                     utf8_encode(0xFFFF) + utf8_encode(0x10000) + utf8_encode(0x10FFFF)));
      CHECK(is_valid("na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"));
    }
    SUBCASE("every scalar value encodes to valid UTF-8") {
      for (char32_t c = 0; c <= 0x10FFFF; c += (c < 0x20000 ? 1 : 97)) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        REQUIRE_MESSAGE(is_valid(utf8_encode(c)), "U+" << std::hex << static_cast<unsigned>(c));
      }
    }
    SUBCASE("malformed") {
      CHECK_FALSE(is_valid("\x80"));              // lone continuation byte
      CHECK_FALSE(is_valid("a\xBF"));             // lone continuation byte
      CHECK_FALSE(is_valid("\xC0\x80"));          // overlong NUL
      CHECK_FALSE(is_valid("\xC1\xBF"));          // overlong
      CHECK_FALSE(is_valid("\xE0\x80\x80"));      // overlong 3-byte
      CHECK_FALSE(is_valid("\xE0\x9F\xBF"));      // overlong 3-byte
      CHECK_FALSE(is_valid("\xF0\x80\x80\x80"));  // overlong 4-byte
      CHECK_FALSE(is_valid("\xF0\x8F\xBF\xBF"));  // overlong 4-byte
      CHECK_FALSE(is_valid("\xED\xA0\x80"));      // surrogate U+D800
      CHECK_FALSE(is_valid("\xED\xBF\xBF"));      // surrogate U+DFFF
      CHECK_FALSE(is_valid("\xF4\x90\x80\x80"));  // U+110000
      CHECK_FALSE(is_valid("\xF5\x80\x80\x80"));  // lead byte above F4
      CHECK_FALSE(is_valid("\xFF"));
      CHECK_FALSE(is_valid("\xFE"));
      CHECK_FALSE(is_valid("\xC3"));          // truncated 2-byte
      CHECK_FALSE(is_valid("\xE2\x82"));      // truncated 3-byte
      CHECK_FALSE(is_valid("\xF0\x9F\x98"));  // truncated 4-byte
      CHECK_FALSE(is_valid("\xE2\x82x"));     // continuation replaced by ASCII
      CHECK_FALSE(is_valid("ok\xC3(ok"));
    }
  }

  TEST_CASE("append_repaired replaces invalid bytes with U+FFFD and keeps the rest") {
    using w2v::utf8::append_repaired;
    using w2v::utf8::is_valid;
    SUBCASE("valid input is copied and reported unchanged") {
      const std::string s = "caf\xC3\xA9 \xF0\x9F\x98\x80";
      std::string out = "prefix:";
      CHECK_FALSE(append_repaired(s, out));
      CHECK(out == "prefix:" + s);
    }
    SUBCASE("single invalid bytes") {
      std::string out;
      CHECK(
          append_repaired("a\xFF"
                          "b",
                          out));
      CHECK(out == "a" + kReplacement + "b");
      out.clear();
      CHECK(append_repaired("\x80", out));
      CHECK(out == kReplacement);
      out.clear();
      CHECK(append_repaired("x\xC0\x80y", out));  // overlong: neither byte may survive
      CHECK(out.find('\xC0') == std::string::npos);
      CHECK(out.front() == 'x');
      CHECK(out.back() == 'y');
    }
    SUBCASE("the result is always valid and keeps every valid character") {
      const std::vector<std::string> bad = {"\xE2\x82",         "\xF0\x9F\x98", "\xED\xA0\x80",
                                            "\xF4\x90\x80\x80", "\xC3",         "\xFE\xFF"};
      for (const auto& b : bad) {
        const std::string s = "\xC3\xA9" + b + "\xE2\x82\xAC" + b;
        std::string out;
        CHECK(append_repaired(s, out));
        CHECK(is_valid(out));
        CHECK(out.rfind("\xC3\xA9" + kReplacement, 0) == 0);
        CHECK(out.find("\xE2\x82\xAC") != std::string::npos);
        CHECK(out.size() >= s.size());  // each dropped byte costs a 3-byte U+FFFD
      }
    }
  }

  TEST_CASE("cut_length gives the longest prefix that ends on a character boundary") {
    using w2v::utf8::cut_length;
    using w2v::utf8::is_valid;
    // 1-, 2-, 3- and 4-byte characters in a row, twice.
    const std::string s =
        "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
        "b\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    std::vector<std::size_t> boundaries;  // every character start, and the end
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0u) != 0x80u) {
        boundaries.push_back(i);
      }
    }
    for (std::size_t max = 0; max <= s.size() + 3; ++max) {
      const std::size_t n = cut_length(s, max);
      std::size_t expected = 0;
      for (const std::size_t b : boundaries) {
        if (b <= max) expected = b;
      }
      CAPTURE(max);
      CHECK(n == expected);
      CHECK(n <= max);
      CHECK(is_valid(s.substr(0, n)));
    }
    CHECK(cut_length("abc", 3) == 3);
    CHECK(cut_length("abc", 2) == 2);
    CHECK(cut_length("\xE6\x97\xA5", 2) == 0);
  }

  TEST_CASE("append_lowercase folds the documented blocks and nothing else") {
    const auto& oracle = lowercase_oracle();
    REQUIRE(oracle.size() > 250);
    SUBCASE("every character of the documented blocks matches Unicode's mapping") {
      for (char32_t c = 0; c < 0x500; ++c) {
        if (!in_documented_blocks(c)) continue;
        const auto it = oracle.find(c);
        const char32_t expected = it == oracle.end() ? c : it->second;
        CHECK_MESSAGE(lower(utf8_encode(c)) == utf8_encode(expected),
                      "U+" << std::hex << static_cast<unsigned>(c));
      }
    }
    SUBCASE("every other character is copied unchanged") {
      for (char32_t c = 0; c < 0x10000; ++c) {
        if (in_documented_blocks(c) || (c >= 0xD800 && c <= 0xDFFF)) continue;
        REQUIRE_MESSAGE(lower(utf8_encode(c)) == utf8_encode(c),
                        "U+" << std::hex << static_cast<unsigned>(c));
      }
      for (const char32_t c : {0x10400u, 0x1D400u, 0x1F600u, 0x10FFFFu}) {
        CHECK(lower(utf8_encode(c)) == utf8_encode(c));
      }
    }
    SUBCASE("words") {
      CHECK(lower("Hello WORLD 123_x") == "hello world 123_x");
      CHECK(lower("\xC3\x80\x42\xC3\x89") ==
            "\xC3\xA0"
            "b\xC3\xA9");                                                      // ÀBÉ -> àbé
      CHECK(lower("\xCE\xA3\xCE\x91\xCE\xA3") == "\xCF\x83\xCE\xB1\xCF\x83");  // ΣΑΣ -> σασ
      CHECK(lower("\xD0\x9F\xD0\xA0\xD0\x98") == "\xD0\xBF\xD1\x80\xD0\xB8");  // ПРИ -> при
      CHECK(lower("\xD2\x90\xD0\x86") == "\xD2\x91\xD1\x96");                  // ҐІ -> ґі
      CHECK(lower("\xC3\x9F") == "\xC3\x9F");                                  // ß stays
      CHECK(lower("\xC3\x97") == "\xC3\x97");                                  // × stays
      CHECK(lower("\xC4\xB0") == "i");                                         // İ -> i
      CHECK(lower("\xE6\x97\xA5\xE6\x9C\xAC") == "\xE6\x97\xA5\xE6\x9C\xAC");  // 日本 stays
      CHECK(lower("\xEF\xBC\xA1") == "\xEF\xBC\xA1");                          // fullwidth A stays
    }
    SUBCASE("lowercasing never makes a character longer (the tokenizer relies on it)") {
      for (char32_t c = 0; c < 0x10000; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        REQUIRE(lower(utf8_encode(c)).size() <= utf8_encode(c).size());
      }
    }
  }

  TEST_CASE("unicode_space_length recognises exactly the documented spaces") {
    using w2v::utf8::unicode_space_length;
    SUBCASE("each documented space, and nothing else, in the whole code space") {
      for (char32_t c = 0x80; c <= 0x10FFFF; c += (c < 0x10000 ? 1 : 61)) {
        if (c >= 0xD800 && c <= 0xDFFF) continue;
        const std::string e = utf8_encode(c) + "x";
        const std::size_t expected = is_unicode_space(c) ? e.size() - 1 : 0;
        REQUIRE_MESSAGE(unicode_space_length(e.data(), e.size()) == expected,
                        "U+" << std::hex << static_cast<unsigned>(c));
      }
      CHECK(unicode_space_length(" ", 1) == 0);  // ASCII is the tokenizer's business
    }
    SUBCASE("a space cut short by the end of the buffer is not a space") {
      for (const char32_t c : kUnicodeSpaces) {
        const std::string e = utf8_encode(c);
        CHECK(unicode_space_length(e.data(), e.size()) == e.size());
        for (std::size_t avail = 0; avail < e.size(); ++avail) {
          CHECK(unicode_space_length(e.data(), avail) == 0);
        }
      }
    }
  }
}
