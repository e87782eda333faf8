// w2v fasttext: fastText's skipgram and cbow command lines, run as w2v train.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/peer_command_lines.hpp"

namespace w2v::cli {

void register_fasttext(CLI::App& app, Context& context) {
  register_drop_in(app, context,
                   {"fasttext",
                    "Run a command line of fastText (skipgram|cbow -input FILE -output NAME "
                    "...) as train, whole words only (w2v fasttext --help)",
                    fasttext_usage, fasttext_to_train});
}

}  // namespace w2v::cli
