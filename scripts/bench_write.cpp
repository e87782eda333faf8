// Times the write path of word vectors: write_vectors into a file beside the target and
// the commit that puts it in place (with this tree's output module, sync included).
// Compiles against this tree and against trees from before the output module
// (AtomicFile), so that scripts/bench_write.sh can time both builds in one session.
//
// Usage: bench_write VECTORS OUT_DIR RUNS  -> one line per run: "bin SECONDS", "text SECONDS"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "w2v/vectors.hpp"
#if __has_include("w2v/output_file.hpp")
#include "w2v/output_file.hpp"
using Output = w2v::OutputFile;
#else
#include "w2v/atomic_file.hpp"
using Output = w2v::AtomicFile;
#endif

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_write VECTORS OUT_DIR RUNS\n");
    return 2;
  }
  const w2v::WordVectors v = w2v::load_vectors(argv[1]);
  const std::string dir = argv[2];
  const int runs = std::atoi(argv[3]);
  for (int run = 0; run < runs; ++run) {
    for (const auto format : {w2v::VectorFormat::kBinary, w2v::VectorFormat::kText}) {
      const bool binary = format == w2v::VectorFormat::kBinary;
      const std::string path = dir + (binary ? "/out.bin" : "/out.txt");
      const auto start = std::chrono::steady_clock::now();
      {
        Output file(path);
        w2v::write_vectors(file, format, v.words, v.vectors);
        file.commit();
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%s %.4f\n", binary ? "bin" : "text", seconds);
      std::fflush(stdout);
    }
  }
  return 0;
}
