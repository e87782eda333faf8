#!/bin/sh
# Builds a release w2v, trains on the bundled corpus and prints the nearest words of a few
# query words. Run from the repository root on Debian 12, as root (installs packages).
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DW2V_BUILD_TESTS=OFF >/dev/null
cmake --build build --target w2v w2v_reference
./build/w2v train data/demo-corpus.txt.gz -o build/demo-vectors.bin --seed 1
./build/w2v nearest build/demo-vectors.bin king water gold sheep jerusalem -k 8
