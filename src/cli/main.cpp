// w2v: the command-line front end. main is the single error boundary: parse errors and
// invalid values exit 2, failures exit 1, an interrupt exits 130.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/suggestions.hpp"
#include "w2v/communicator.hpp"
#include "w2v/error.hpp"
#include "w2v/version.hpp"
#ifdef W2V_WITH_MPI
#include "w2v/mpi_communicator.hpp"
#endif

namespace {

// Set by SIGINT and SIGTERM; the library polls it (a handler may do little else).
std::atomic<bool> interrupted{false};
// In a job of several ranks, rank 0 alone prints errors: every rank fails with the same.
bool print_errors = true;

extern "C" void on_signal(int signal) {
  if (interrupted.exchange(true)) {
    // A second signal stops the process at once; the temporary file it leaves is removed
    // by the next run that writes to the same folder.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

void install_signal_handlers() {
  // Installed whatever was inherited: a command started in the background of a script
  // inherits SIGINT ignored, and `kill -INT` should still stop it cleanly.
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read of standard input returns
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  // Write errors come back as EPIPE and EFBIG, so that an output is abandoned cleanly
  // rather than the process killed in the middle of a write.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
}

// One line on standard error: control characters (a newline in a file name) become '?'.
int fail(const std::string& message, int status) {
  if (!print_errors) return status;
  std::string line = "w2v: error: " + message;
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  return status;
}

// Status of a program killed by SIGPIPE, which is what a quiet exit on a closed pipe
// stands for.
constexpr int kExitBrokenPipe = 128 + SIGPIPE;

int run(CLI::App& app, w2v::cli::Context& context, int argc, char** argv) {
  try {
    w2v::cli::reject_single_dash_names(app, std::vector<std::string>(argv + 1, argv + argc));
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(w2v::cli::parse_error_message(app, e), 2);
  } catch (const w2v::BrokenPipe&) {
    return kExitBrokenPipe;
  } catch (const w2v::Interrupted&) {
    return fail("interrupted", 130);
  } catch (const w2v::UsageError& e) {
    return fail(e.what(), 2);
  } catch (const w2v::Error& e) {
    // A read cut short by the signal fails with its own message; the signal is the cause.
    return interrupted.load() ? fail("interrupted", 130) : fail(e.what(), 1);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", 1);
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what(), 1);
  }
  return context.exit_code;
}

// Bare `w2v`: the usage on standard output, named as --help names it.
int print_usage(CLI::App& app, const char* program) {
  app.name(program);
  std::cout << app.help();
  return 0;
}

// What is still buffered for standard output (CLI11's --help) must get out too, and a
// write error on either stream fails the command.
int finish_streams(int status) {
  std::cout.flush();
  errno = 0;
  const bool out_ok = std::fflush(stdout) == 0 && !std::ferror(stdout) && !std::cout.fail();
  if (!out_ok && status != kExitBrokenPipe) {
    if (errno == EPIPE) return kExitBrokenPipe;
    status = fail(std::string("cannot write to standard output: ") +
                      (errno != 0 ? std::strerror(errno) : "write error"),
                  status == 0 ? 1 : status);
  }
  if ((std::fflush(stderr) != 0 || std::ferror(stderr)) && status == 0) status = 1;
  return status;
}

// The processes of this job: the ranks of an MPI job in a build with MPI started by mpirun
// or srun, this process alone otherwise.
std::unique_ptr<w2v::Communicator> start_ranks(int* argc, char*** argv) {
#ifdef W2V_WITH_MPI
  if (w2v::started_by_mpi_launcher()) return w2v::start_mpi(argc, argv);
#endif
  (void)argc;
  (void)argv;
  return std::make_unique<w2v::SingleProcess>();
}

// Several ranks run `train` alone, all with rank 0's arguments: a rank started otherwise
// would silently train something else. UsageError naming the rank.
void check_ranks_agree(w2v::Communicator& ranks, int argc, char** argv) {
  std::string mine;
  for (int i = 1; i < argc; ++i) mine.append(argv[i]).push_back('\0');
  std::string first = mine;
  ranks.broadcast(first);
  w2v::run_on_every_rank(ranks, [&] {
    if (mine != first) throw w2v::UsageError("started with other arguments than rank 0");
  });
  if (argc < 2 || std::string(argv[1]) != "train") {
    throw w2v::UsageError("only w2v train runs on several ranks (mpirun); run the others alone");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<w2v::Communicator> ranks;
  try {
    ranks = start_ranks(&argc, &argv);
  } catch (const w2v::Error& e) {
    return fail(e.what(), 1);
  }
  // After MPI's start, which may install handlers of its own.
  install_signal_handlers();
  print_errors = ranks->rank() == 0;
  if (ranks->size() > 1) {
    try {
      check_ranks_agree(*ranks, argc, argv);
    } catch (const w2v::Error& e) {
      return fail(e.what(), 2);
    }
  }
  CLI::App app{"w2v: train word embeddings (skip-gram with negative sampling) and query them"};
  app.require_subcommand(1);
  const std::string version = std::string("w2v ") + w2v::kVersion;
  app.set_version_flag("-V,--version", version);
  w2v::cli::Context context;
  context.interrupted = &interrupted;
  context.ranks = ranks.get();
  w2v::cli::register_train(app, context);
  w2v::cli::register_prepare(app, context);
  w2v::cli::register_pairs(app, context);
  w2v::cli::register_phrases(app, context);
  w2v::cli::register_nearest(app, context);
  w2v::cli::register_analogy(app, context);
  w2v::cli::register_similarity(app, context);
  w2v::cli::register_doesnt_match(app, context);
  w2v::cli::register_eval(app, context);
  w2v::cli::register_convert(app, context);
  w2v::cli::register_export(app, context);
  w2v::cli::register_plot(app, context);
  w2v::cli::register_word2vec(app, context);
  w2v::cli::register_fasttext(app, context);
  w2v::cli::register_reference(app, context, version);
  const int status =
      finish_streams(argc == 1 ? print_usage(app, argv[0]) : run(app, context, argc, argv));
  ranks.reset();
  return status;
}
