#include "detail/vocab_sections.hpp"

#include <vector>

#include "w2v/error.hpp"
#include "w2v/word.hpp"

namespace w2v::detail {

void write_vocab_sections(SectionWriter& writer, const std::string& prefix, const Vocab& vocab) {
  writer.begin(prefix + "counts");
  writer.write(vocab.counts().data(), vocab.counts().size() * sizeof(std::int64_t));
  writer.end();
  std::vector<std::uint64_t> ends(vocab.size());
  std::uint64_t end = 0;
  for (std::uint32_t i = 0; i < vocab.size(); ++i) ends[i] = end += vocab.word(i).size();
  writer.begin(prefix + "word_ends");
  writer.write(ends.data(), ends.size() * sizeof(std::uint64_t));
  writer.end();
  writer.begin(prefix + "words");
  for (std::uint32_t i = 0; i < vocab.size(); ++i) writer.write(vocab.word(i));
  writer.end();
}

VocabSections::VocabSections(const SectionFile& file, const std::string& prefix,
                             const std::string& where)
    : where_(where) {
  const std::string_view counts = file.section(prefix + "counts");
  const std::string_view ends = file.section(prefix + "word_ends");
  const std::string_view bytes = file.section(prefix + "words");
  const std::string section = where + ": section '" + prefix;
  if (counts.size() % sizeof(std::int64_t) != 0 || counts.size() / 8 >= StringTable::kNotFound) {
    throw Error(section + "counts': not a whole number of counts, or too many");
  }
  n_ = counts.size() / sizeof(std::int64_t);
  if (ends.size() != n_ * sizeof(std::uint64_t)) {
    throw Error(section + "word_ends': " + std::to_string(ends.size() / 8) + " words, " +
                std::to_string(n_) + " counts");
  }
  counts_ = reinterpret_cast<const std::int64_t*>(counts.data());
  ends_ = reinterpret_cast<const std::uint64_t*>(ends.data());
  bytes_ = bytes.data();
  std::uint64_t previous = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    if (ends_[i] < previous || ends_[i] > bytes.size()) {
      throw Error(section + "word_ends': word " + std::to_string(i + 1) + " ends out of place");
    }
    previous = ends_[i];
  }
  if (previous != bytes.size()) throw Error(section + "words': holds bytes no word owns");
}

Vocab VocabSections::build(std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) {
    const std::string problem = word_problem(word(i));
    if (!problem.empty()) throw Error(where_ + ": word " + std::to_string(i + 1) + ": " + problem);
  }
  return Vocab::from_sorted(
      n, [&](std::size_t i) { return word(i); }, [&](std::size_t i) { return counts_[i]; }, where_);
}

}  // namespace w2v::detail
