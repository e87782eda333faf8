// The property both vector targets check (fuzz_vectors_text.cpp, fuzz_vectors_binary.cpp:
// the same parser, different seed corpora).
#pragma once
#include <omp.h>

#include <cmath>
#include <cstring>
#include <string>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/output_file.hpp"
#include "w2v/vectors.hpp"
#include "w2v/word.hpp"

namespace w2v::fuzz {

inline const char* format_name(VectorFormat f) {
  return f == VectorFormat::kBinary ? "binary" : "text";
}

// `again` holds the words of `loaded` in the same order and bit-identical values.
inline void check_same_vectors(const WordVectors& loaded, const WordVectors& again,
                               const std::string& what) {
  W2V_FUZZ_CHECK(again.size() == loaded.size() && again.dim() == loaded.dim(),
                 what + ": " + std::to_string(again.size()) + " x " + std::to_string(again.dim()) +
                     " instead of " + std::to_string(loaded.size()) + " x " +
                     std::to_string(loaded.dim()));
  for (std::uint32_t i = 0; i < loaded.size(); ++i) {
    W2V_FUZZ_CHECK(again.words.word(i) == loaded.words.word(i),
                   what + ": word " + std::to_string(i) + " " + escaped(again.words.word(i)) +
                       " instead of " + escaped(loaded.words.word(i)));
    W2V_FUZZ_CHECK(
        std::memcmp(again.vectors.row(i), loaded.vectors.row(i), loaded.dim() * sizeof(float)) == 0,
        what + ": the values of " + escaped(loaded.words.word(i)) + " changed");
  }
}

// Whatever parse_vectors accepts is well formed, and written back in either format it
// loads again, detected as that format, to the same words and bit-identical floats. Only
// w2v::Error may escape the parser.
inline int check_vectors(const std::uint8_t* data, std::size_t size) {
  omp_set_num_threads(1);  // the text reader's parallel loop: one thread is faster here
  const std::string_view input = as_text(data, size);
  // A limit reads a prefix: only w2v::Error may escape, and no more rows come back.
  {
    LoadOptions limited;
    limited.limit = 1 + static_cast<std::int64_t>(size % 3);
    try {
      const WordVectors prefix = parse_vectors(input, "fuzz", limited);
      W2V_FUZZ_CHECK(
          prefix.size() <= static_cast<std::size_t>(limited.limit),
          std::to_string(prefix.size()) + " rows with --limit " + std::to_string(limited.limit));
    } catch (const Error&) {
    }
  }
  LoadOptions options;
  std::size_t warnings = 0;
  options.warn = [&](const std::string&) { ++warnings; };
  WordVectors loaded;
  try {
    loaded = parse_vectors(input, "fuzz", options);
  } catch (const Error&) {
    return 0;
  }
  W2V_FUZZ_CHECK(loaded.words.size() == loaded.size(), "table and matrix sizes differ");
  W2V_FUZZ_CHECK(loaded.dim() >= 1, "dimension 0");
  for (std::uint32_t i = 0; i < loaded.size(); ++i) {
    const std::string_view word = loaded.words.word(i);
    W2V_FUZZ_CHECK(word_problem(word).empty(), escaped(word) + ": " + word_problem(word));
    W2V_FUZZ_CHECK(word.find(' ') == std::string_view::npos, escaped(word) + " holds a space");
    W2V_FUZZ_CHECK(loaded.words.find(word) == i, escaped(word) + " is not found at its row");
    for (std::size_t d = 0; d < loaded.dim(); ++d) {
      W2V_FUZZ_CHECK(std::isfinite(loaded.vectors.row(i)[d]),
                     "value " + std::to_string(d) + " of " + escaped(word) + " is not finite");
    }
  }
  const VectorFormat formats[2] = {loaded.format, loaded.format == VectorFormat::kText
                                                      ? VectorFormat::kBinary
                                                      : VectorFormat::kText};
  for (const VectorFormat format : formats) {
    StringSink written;
    write_vectors(written, format, loaded.words, loaded.vectors);
    const std::string what = std::string("read as ") + format_name(loaded.format) +
                             ", written as " + format_name(format);
    WordVectors again;
    try {
      again = parse_vectors(written.str(), "written", {});
    } catch (const Error& e) {
      property_failed("what we wrote loads", what + ": " + e.what(), __FILE__, __LINE__);
    }
    // A file of no vectors is a header alone, the same bytes in both formats.
    if (loaded.size() == 0) continue;
    if (format == VectorFormat::kBinary && again.format == VectorFormat::kText) {
      // The one ambiguity of the two layouts: binary records whose float bytes all spell
      // blank-separated numbers are a valid text file too, and text is tried first (a
      // text file of dimension 1 with 3-character values is a valid binary file). Then
      // the file must be read whole as text, with the same words.
      W2V_FUZZ_CHECK(again.size() == loaded.size(), what + ", read as text: other words");
      for (std::uint32_t i = 0; i < loaded.size(); ++i) {
        W2V_FUZZ_CHECK(again.words.word(i) == loaded.words.word(i),
                       what + ", read as text: other words");
      }
      continue;
    }
    W2V_FUZZ_CHECK(again.format == format, what + ", detected as " + format_name(again.format) +
                                               ": " + escaped(written.str()));
    check_same_vectors(loaded, again, what);
  }
  return 0;
}

}  // namespace w2v::fuzz
