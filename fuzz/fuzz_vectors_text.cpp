// libFuzzer target: word2vec vector files, seeded with text files (corpus/vectors_text/).
// See vectors_property.hpp for the property.
#include "vectors_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return w2v::fuzz::check_vectors(data, size);
}
