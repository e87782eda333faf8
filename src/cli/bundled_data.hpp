#pragma once
#include <string>

namespace w2v::cli {

// The folder of the evaluation sets that come with w2v (questions-words.txt and
// EN-WS-353-ALL.txt): share/w2v/eval beside the executable's bin/ folder, so that any
// install prefix works, else the source tree's data/eval for a binary in the build folder.
// Empty when neither holds them.
std::string bundled_eval_dir();

}  // namespace w2v::cli
