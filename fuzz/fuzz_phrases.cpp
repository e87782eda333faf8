// libFuzzer target: phrase files (`w2v phrases --save-phrases`, read by `train --phrases`;
// parse_phrase_model).
//
// Property: a file that parses writes back (write_phrase_model) to text that parses to the
// same passes, pairs and scores, and a joiner built from it joins a sentence without
// throwing. Only w2v::Error may escape.
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "w2v/error.hpp"
#include "w2v/output_file.hpp"
#include "w2v/phrases.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  w2v::PhraseModel model;
  try {
    model = w2v::parse_phrase_model(w2v::fuzz::as_text(data, size), "fuzz");
  } catch (const w2v::Error&) {
    return 0;
  }
  w2v::StringSink sink;
  w2v::write_phrase_model(model, sink);
  w2v::PhraseModel again;
  try {
    again = w2v::parse_phrase_model(sink.str(), "written");
  } catch (const w2v::Error& e) {
    W2V_FUZZ_CHECK(false, std::string("what was written does not parse: ") + e.what());
  }
  W2V_FUZZ_CHECK(again.passes.size() == model.passes.size(), "the passes changed");
  for (std::size_t p = 0; p < model.passes.size(); ++p) {
    W2V_FUZZ_CHECK(again.passes[p].size() == model.passes[p].size(), "a pass's pairs changed");
    for (std::size_t i = 0; i < model.passes[p].size(); ++i) {
      const w2v::Phrase& a = model.passes[p][i];
      const w2v::Phrase& b = again.passes[p][i];
      W2V_FUZZ_CHECK(
          a.first == b.first && a.second == b.second,
          "pair " + w2v::fuzz::escaped(a.first) + " " + w2v::fuzz::escaped(a.second) + " changed");
      W2V_FUZZ_CHECK(a.score == b.score || (a.score != a.score && b.score != b.score),
                     "a score changed");
    }
  }
  const w2v::PhraseJoiner joiner(model);
  std::vector<std::string> sentence;
  for (const auto& pass : model.passes) {
    for (const w2v::Phrase& p : pass) {
      sentence.push_back(p.first);
      sentence.push_back(p.second);
    }
  }
  joiner.join(sentence);
  return 0;
}
