#!/bin/sh
# Times the write path of word vectors (write_vectors and the commit that puts the file in
# place) for this tree and for an earlier commit, in turn, in one session: medians of RUNS
# runs each, binary and text, and the ratio new / old.
#
# Usage: scripts/bench_write.sh VECTORS [--base COMMIT] [--runs N] [--out DIR]
#   VECTORS  a vector file to load once and write again and again (e.g. the 78,800 x 100
#            vectors of the full benchmark corpus)
#   --base   the commit to compare with (default: the last one before the output module)
#   --runs   runs of each build (default 15)
#   --out    where the files are written (default: a folder beside VECTORS; it is removed)
# Needs the tree's release build (build/libw2v_core.a); builds the base commit's library in
# a temporary git worktree.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
[ $# -ge 1 ] || { sed -n '2,12p' "$0"; exit 2; }
vectors=$(realpath "$1"); shift
base=58a2738
runs=15
out=""
while [ $# -gt 0 ]; do
  case $1 in
    --base) base=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
tmp=$(mktemp -d)
[ -n "$out" ] || out=$(mktemp -d "$(dirname "$vectors")/bench-write.XXXXXX")
mkdir -p "$out"
cleanup() { git -C "$root" worktree remove --force "$tmp/base" 2>/dev/null || true; rm -rf "$tmp" "$out"; }
trap cleanup EXIT

cmake --build build --target w2v_core >/dev/null
git worktree add --detach -q "$tmp/base" "$base"
cmake -S "$tmp/base" -B "$tmp/base/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DW2V_BUILD_TESTS=OFF >/dev/null
cmake --build "$tmp/base/build" --target w2v_core >/dev/null
for tree in new base; do
  if [ $tree = new ]; then src=$root; lib=$root/build/libw2v_core.a; else src=$tmp/base; lib=$tmp/base/build/libw2v_core.a; fi
  g++ -std=c++17 -O2 -fopenmp -I"$src/include" scripts/bench_write.cpp "$lib" -lz \
    -o "$tmp/bench_$tree"
done

: >"$tmp/times"
for r in $(seq "$runs"); do
  for tree in base new; do
    "$tmp/bench_$tree" "$vectors" "$out" 1 | sed "s/^/$tree /" >>"$tmp/times"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for kind in bin text; do
  old=$(awk -v k=$kind '$1 == "base" && $2 == k {print $3}' "$tmp/times" | median)
  new=$(awk -v k=$kind '$1 == "new" && $2 == k {print $3}' "$tmp/times" | median)
  awk -v k=$kind -v o="$old" -v n="$new" -v r="$runs" \
    'BEGIN {printf "%-4s base %.4f s  new %.4f s  new/base %.3f  (medians of %d)\n", k, o, n, n / o, r}'
done
