// libFuzzer target: the corpus tokenizer (Tokenizer::tokenize) and the block reader that
// feeds it (InputReader).
//
// Input: one byte of options (max_word_bytes, lowercase), one byte picking where to split,
// then the text. Properties:
//   - every word is valid UTF-8 of 1 .. max_word_bytes bytes without control bytes, ASCII
//     blanks or Unicode spaces;
//   - the words joined by single spaces tokenize to the same words;
//   - the text cut in two blocks at a separator gives the same words, sentence ends and
//     counts as the whole;
//   - InputReader over the same bytes (a memfd) with blocks of at least twice the longest
//     word plus a little, each block tokenized with its continues_word, gives the same
//     words and sentence ends as the whole.
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/input.hpp"
#include "w2v/tokenizer.hpp"
#include "w2v/utf8.hpp"
#include "w2v/word.hpp"

namespace {

const w2v::fuzz::MemFile& memfile() {
  static const w2v::fuzz::MemFile file("w2v-fuzz-tokenizer");
  return file;
}

using w2v::fuzz::escaped;

// Words and sentence ends in order: a sentence end is "\n", which no word holds.
struct Events {
  std::vector<std::string> events;
  w2v::TokenizerStats stats;
};

void tokenize_into(w2v::Tokenizer& tokenizer, std::string_view text, bool continues, Events& out) {
  tokenizer.tokenize(
      text, continues, [&](std::string_view w) { out.events.emplace_back(w); },
      [&] { out.events.emplace_back("\n"); });
}

Events tokenize(const w2v::TokenizerOptions& options, std::string_view text) {
  w2v::Tokenizer tokenizer(options);
  Events out;
  tokenize_into(tokenizer, text, false, out);
  out.stats = tokenizer.stats();
  return out;
}

bool same_stats(const w2v::TokenizerStats& a, const w2v::TokenizerStats& b) {
  return a.words == b.words && a.repaired_words == b.repaired_words &&
         a.truncated_words == b.truncated_words && a.control_bytes == b.control_bytes;
}

std::size_t separator_at(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return (c <= 0x20 || c == 0x7F) ? 1 : 0;
  return w2v::utf8::unicode_space_length(text.data() + i, text.size() - i);
}

void check_word(std::string_view w, const w2v::TokenizerOptions& options) {
  W2V_FUZZ_CHECK(!w.empty() && w.size() <= options.max_word_bytes,
                 "word of " + std::to_string(w.size()) + " bytes: " + escaped(w));
  W2V_FUZZ_CHECK(w2v::utf8::is_valid(w), "invalid UTF-8: " + escaped(w));
  for (std::size_t i = 0; i < w.size(); ++i) {
    W2V_FUZZ_CHECK(!w2v::is_control_byte(w[i]) && w[i] != ' ',
                   "control byte or blank in " + escaped(w));
    W2V_FUZZ_CHECK(w2v::utf8::unicode_space_length(w.data() + i, w.size() - i) == 0,
                   "Unicode space in " + escaped(w));
  }
}

// Known issue, reported with fuzz/regressions/tokenizer/block-cut-ignores-control-bytes:

std::string describe(const Events& e) {
  std::string s;
  for (const auto& w : e.events) s += (s.empty() ? "" : " | ") + escaped(w, 24);
  return s.size() > 600 ? s.substr(0, 600) + "..." : s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  w2v::TokenizerOptions options;
  static constexpr std::size_t kMaxBytes[8] = {4, 5, 6, 7, 8, 13, 100, 65536};
  options.max_word_bytes = kMaxBytes[data[0] & 7];
  options.lowercase = (data[0] & 8) != 0;
  const std::size_t extra = data[0] >> 4;
  const std::size_t split_seed = data[1];
  const std::string_view text = w2v::fuzz::as_text(data + 2, size - 2);

  const Events whole = tokenize(options, text);
  std::string joined;
  std::size_t words = 0;
  for (const std::string& w : whole.events) {
    if (w == "\n") continue;
    check_word(w, options);
    joined += (joined.empty() ? "" : " ") + w;
    ++words;
  }
  W2V_FUZZ_CHECK(whole.stats.words == static_cast<std::int64_t>(words), "word count");

  // Joined by spaces: the same words, no sentence end.
  Events words_only;
  for (const std::string& w : whole.events) {
    if (w != "\n") words_only.events.push_back(w);
  }
  const Events rejoined = tokenize(options, joined);
  W2V_FUZZ_CHECK(rejoined.events == words_only.events,
                 describe(rejoined) + "\n  instead of " + describe(words_only));

  // Two blocks cut at a separator.
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (separator_at(text, i) != 0) cuts.push_back(i);
  }
  if (!cuts.empty()) {
    const std::size_t cut = cuts[split_seed % cuts.size()];
    w2v::Tokenizer tokenizer(options);
    Events halves;
    tokenize_into(tokenizer, text.substr(0, cut), false, halves);
    tokenize_into(tokenizer, text.substr(cut), false, halves);
    W2V_FUZZ_CHECK(halves.events == whole.events && same_stats(tokenizer.stats(), whole.stats),
                   "cut at " + std::to_string(cut) + ": " + describe(halves) + "\n  instead of " +
                       describe(whole));
  }

  // InputReader's blocks.
  memfile().set(text);
  // (gzip data would be inflated: not this target's business.)
  const bool gzip = text.size() >= 2 && text[0] == '\x1F' && text[1] == '\x8B';
  const std::size_t block = 2 * options.max_word_bytes + 8 + extra;
  if (options.max_word_bytes <= 128 && !gzip) {
    w2v::InputReader reader(memfile().path(), block);
    w2v::Tokenizer tokenizer(options);
    Events blocks;
    w2v::TextBlock b;
    std::size_t bytes = 0;
    while (reader.next(b)) {
      W2V_FUZZ_CHECK(b.text.size() <= block, "a block of " + std::to_string(b.text.size()));
      W2V_FUZZ_CHECK(b.text.view() == text.substr(bytes, b.text.size()),
                     "a block's bytes differ from the input's");
      bytes += b.text.size();
      tokenize_into(tokenizer, b.text.view(), b.continues_word, blocks);
    }
    W2V_FUZZ_CHECK(bytes == text.size(), "the blocks hold " + std::to_string(bytes) + " bytes");
    for (const std::string& w : blocks.events) {
      if (w != "\n") check_word(w, options);
    }
    W2V_FUZZ_CHECK(blocks.events == whole.events, "blocks of " + std::to_string(block) + ": " +
                                                      describe(blocks) + "\n  instead of " +
                                                      describe(whole));
  }
  return 0;
}
