#!/bin/sh
# Builds w2v with Open MPI (-DW2V_MPI=ON) and runs the whole test suite (CTest), the MPI
# tests under mpirun with 2 and 3 ranks included, and the kernel tests under valgrind, then
# checks the install, the .deb and the README's tour (scripts/check-install.sh,
# scripts/check-readme.sh). With --asan, builds and runs the suite under AddressSanitizer
# and UndefinedBehaviorSanitizer instead. Run from the repository root on Debian 12, as root
# (installs packages; mpirun runs as root).
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
if [ "${1:-}" = "--asan" ]; then
  dir=build-asan
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DW2V_SANITIZE=ON \
    -DW2V_BUILD_TESTS=ON -DW2V_MPI=ON >/dev/null
else
  dir=build
  # demo.sh configures the same folder without tests: turn them back on.
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DW2V_BUILD_TESTS=ON -DW2V_MPI=ON \
    >/dev/null
fi
cmake --build "$dir"
ctest --test-dir "$dir" --output-on-failure --no-tests=error -j 2
if [ "$dir" = build ]; then
  # The training kernels' AVX2 copy runs where AVX-512 is missing (src/detail/kernels.cpp).
  # Valgrind's CPU has no AVX-512, so the kernel tests under it hold that copy to the
  # references whatever machine runs the suite.
  valgrind -q --error-exitcode=1 "$dir/w2v_tests" -ts=kernels >/dev/null
  ./scripts/check-install.sh "$dir"
  ./scripts/check-readme.sh
fi
