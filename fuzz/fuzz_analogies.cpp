// libFuzzer target: analogy files (questions-words.txt format, parse_analogies).
//
// Property: every question has four non-empty words without blanks, belongs to a section
// that exists, and sections come in file order; the set written back (`: name` lines,
// then `a b c d` lines) parses to the same sections and questions. Only w2v::Error may
// escape.
#include <string>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/eval.hpp"
#include "w2v/utf8.hpp"

namespace {

using w2v::fuzz::escaped;

bool has_blank(std::string_view s) {
  return s.find_first_of(" \t\r\v\f\n") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  w2v::AnalogySet set;
  try {
    set = w2v::parse_analogies(w2v::fuzz::as_text(data, size), "fuzz");
  } catch (const w2v::Error&) {
    return 0;
  }
  std::string written;
  std::size_t next = 0;  // questions written so far
  for (std::size_t s = 0; s < set.sections.size(); ++s) {
    const std::string& name = set.sections[s];
    W2V_FUZZ_CHECK(w2v::utf8::is_valid(name), "section " + escaped(name) + " is not UTF-8");
    W2V_FUZZ_CHECK(name.find('\n') == std::string::npos, "section " + escaped(name));
    written += ": " + name + "\n";
    for (; next < set.questions.size() && set.questions[next].section == s; ++next) {
      const w2v::AnalogyQuestion& q = set.questions[next];
      for (int i = 0; i < 4; ++i) {
        W2V_FUZZ_CHECK(
            !q.words[i].empty() && !has_blank(q.words[i]) && w2v::utf8::is_valid(q.words[i]),
            "question " + std::to_string(next) + ": word " + escaped(q.words[i]));
        written += q.words[i] + (i < 3 ? " " : "\n");
      }
      W2V_FUZZ_CHECK(q.words[0][0] != ':', "a question starts with ':'");
    }
  }
  W2V_FUZZ_CHECK(next == set.questions.size(),
                 "question " + std::to_string(next) + " is out of section order");
  w2v::AnalogySet again;
  try {
    again = w2v::parse_analogies(written, "written");
  } catch (const w2v::Error& e) {
    w2v::fuzz::property_failed("the set written back parses", e.what(), __FILE__, __LINE__);
  }
  W2V_FUZZ_CHECK(again.sections == set.sections, "the sections changed: " + escaped(written));
  W2V_FUZZ_CHECK(again.questions.size() == set.questions.size(), "the questions changed");
  for (std::size_t i = 0; i < set.questions.size(); ++i) {
    const auto& a = set.questions[i];
    const auto& b = again.questions[i];
    W2V_FUZZ_CHECK(a.section == b.section && a.words[0] == b.words[0] && a.words[1] == b.words[1] &&
                       a.words[2] == b.words[2] && a.words[3] == b.words[3],
                   "question " + std::to_string(i) + " changed: " + escaped(written));
  }
  return 0;
}
