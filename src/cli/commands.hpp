#pragma once
#include <atomic>
#include <string>

#include "w2v/communicator.hpp"

namespace CLI {
class App;
}

namespace w2v::cli {

// What main shares with the subcommands.
struct Context {
  const std::atomic<bool>* interrupted = nullptr;  // set by SIGINT / SIGTERM
  int exit_code = 0;                               // a subcommand's own status
  Communicator* ranks = nullptr;  // the processes of an mpirun job, or this one alone
};

// One registration function per subcommand (cmd_<name>.cpp): adds the subcommand, its
// options and a callback that calls into the library.
void register_train(CLI::App& app, Context& context);
void register_prepare(CLI::App& app, Context& context);
void register_pairs(CLI::App& app, Context& context);
void register_phrases(CLI::App& app, Context& context);
void register_nearest(CLI::App& app, Context& context);
void register_analogy(CLI::App& app, Context& context);
void register_similarity(CLI::App& app, Context& context);
void register_doesnt_match(CLI::App& app, Context& context);
void register_eval(CLI::App& app, Context& context);
void register_convert(CLI::App& app, Context& context);
void register_export(CLI::App& app, Context& context);
void register_plot(CLI::App& app, Context& context);
// Drop-ins: word2vec.c's and fastText's command lines, run as train.
void register_word2vec(CLI::App& app, Context& context);
void register_fasttext(CLI::App& app, Context& context);
// The hidden _man and _completion, which print texts generated from `app`.
void register_reference(CLI::App& app, Context& context, const std::string& version);

}  // namespace w2v::cli
