#include "w2v/system_memory.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace w2v {
namespace {

// The first number in the file, or 0 (also for "max", no limit).
std::uint64_t read_number(const std::string& path) {
  std::ifstream in(path);
  std::uint64_t v = 0;
  if (!(in >> v)) return 0;
  return v;
}

// The tightest limit of `leaf` and the groups above it, down to `root`; 0 when none.
std::uint64_t cgroup_limit(const std::string& root, std::string group, const char* file) {
  std::uint64_t limit = 0;
  for (;;) {
    const std::uint64_t v = read_number(root + group + "/" + file);
    // v1 reports "no limit" as a number near 2^63.
    if (v > 0 && v < (std::uint64_t{1} << 62)) limit = limit == 0 ? v : std::min(limit, v);
    if (group.empty() || group == "/") break;
    const std::size_t slash = group.find_last_of('/');
    group = slash == std::string::npos || slash == 0 ? "" : group.substr(0, slash);
  }
  return limit;
}

}  // namespace

std::uint64_t available_memory() {
  std::uint64_t memory = 0;
  {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kb = 0;
    while (meminfo >> key >> kb) {
      if (key == "MemTotal:") {
        memory = kb * 1024;
        break;
      }
      meminfo.ignore(1 << 10, '\n');
    }
  }
  std::ifstream groups("/proc/self/cgroup");
  for (std::string line; std::getline(groups, line);) {
    // "4:memory:/path" (v1) or "0::/path" (v2).
    const std::size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    std::uint64_t limit = 0;
    if (controllers == "memory") {
      limit = cgroup_limit("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes");
    } else if (controllers.empty()) {
      limit = cgroup_limit("/sys/fs/cgroup", path, "memory.max");
    }
    if (limit > 0) memory = memory == 0 ? limit : std::min(memory, limit);
  }
  return memory;
}

std::uint64_t default_memory_limit() {
  const std::uint64_t memory = available_memory();
  return memory == 0 ? std::uint64_t{1} << 30 : memory / 2;
}

std::uint64_t peak_resident_memory() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  std::uint64_t kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long long value = 0;
    if (std::sscanf(line, "VmHWM: %llu kB", &value) == 1) {
      kib = value;
      break;
    }
  }
  std::fclose(f);
  return kib * 1024;
}

}  // namespace w2v
