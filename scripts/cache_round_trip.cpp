// Prints the time for one cache line to go from CPU 0 to CPU 1 and back, in ns: two
// threads, pinned, take turns writing it. Lock-free training pays this for each row both
// threads write, so bench.sh prints it beside the thread scaling. Linux only.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace {

alignas(64) std::atomic<int> turn{0};

bool pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace

int main() {
  constexpr int kRounds = 200000;
  if (std::thread::hardware_concurrency() < 2) {
    std::fprintf(stderr, "cache_round_trip: needs two CPUs\n");
    return 1;
  }
  bool pinned = true;
  std::thread other([&] {
    pinned = pin(1) && pinned;
    for (int i = 0; i < kRounds; ++i) {
      while (turn.load(std::memory_order_acquire) != 1) {
      }
      turn.store(0, std::memory_order_release);
    }
  });
  pinned = pin(0) && pinned;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    turn.store(1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 0) {
    }
  }
  const auto stop = std::chrono::steady_clock::now();
  other.join();
  if (!pinned) {
    std::fprintf(stderr, "cache_round_trip: cannot pin threads to CPUs 0 and 1\n");
    return 1;
  }
  std::printf("%.0f\n", std::chrono::duration<double, std::nano>(stop - start).count() / kRounds);
  return 0;
}
