// w2v word2vec: word2vec.c's command line, run as w2v train.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/peer_command_lines.hpp"

namespace w2v::cli {

void register_word2vec(CLI::App& app, Context& context) {
  register_drop_in(app, context,
                   {"word2vec",
                    "Run a command line of word2vec.c (-train FILE -output FILE -size 200 ...) "
                    "as train, with its defaults (w2v word2vec --help)",
                    word2vec_c_usage, word2vec_c_to_train});
}

}  // namespace w2v::cli
