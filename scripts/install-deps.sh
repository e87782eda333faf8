#!/bin/sh
# Installs what w2v needs from Debian 12 packages; with --test, what the test suite needs too
# (gensim; Open MPI for the build with -DW2V_MPI=ON and its tests under mpirun; dpkg-dev and
# man-db to build and check the .deb and the man page; valgrind, which runs the kernels' AVX2
# copy); with --fuzz, clang with libFuzzer and OpenMP for the fuzz targets. Run as root.
# Skips apt-get when everything is already there.
set -eu
pkgs="cmake ninja-build g++ libcli11-dev libspdlog-dev doctest-dev zlib1g-dev"
case "${1:-}" in
  --test)
    pkgs="$pkgs python3 python3-gensim libopenmpi-dev openmpi-bin dpkg-dev man-db valgrind"
    ;;
  --fuzz) pkgs="$pkgs clang libfuzzer-14-dev libomp-14-dev" ;;
  "") ;;
  *) echo "install-deps.sh: unknown option $1" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
