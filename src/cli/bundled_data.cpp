#include "cli/bundled_data.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace w2v::cli {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool holds_eval_sets(const std::string& dir) {
  return is_file(dir + "/questions-words.txt") && is_file(dir + "/EN-WS-353-ALL.txt");
}

// The folder of the running executable, from /proc/self/exe.
std::string executable_dir() {
  std::vector<char> buffer(4096);
  const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) return "";
  const std::string path(buffer.data(), static_cast<std::size_t>(n));
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

std::string bundled_eval_dir() {
  const std::string bin = executable_dir();
  if (!bin.empty() && holds_eval_sets(bin + "/../share/w2v/eval")) {
    return bin + "/../share/w2v/eval";
  }
#ifdef W2V_SOURCE_EVAL_DIR
  // A binary run from its build folder (which CMake's cache marks).
  if (!bin.empty() && is_file(bin + "/CMakeCache.txt") && holds_eval_sets(W2V_SOURCE_EVAL_DIR)) {
    return W2V_SOURCE_EVAL_DIR;
  }
#endif
  return "";
}

}  // namespace w2v::cli
