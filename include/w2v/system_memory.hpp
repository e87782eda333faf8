#pragma once
#include <cstdint>

namespace w2v {

// The memory this process may use: physical memory, or less when the process runs in a
// cgroup with a memory limit (v1 or v2, the tightest limit of its group and the groups
// above it). 0 when none of it can be read.
std::uint64_t available_memory();

// The most memory this process has held resident so far (VmHWM), 0 when unknown.
std::uint64_t peak_resident_memory();

// The default of --memory-limit: half of available_memory() (1 GiB when unknown).
std::uint64_t default_memory_limit();

}  // namespace w2v
