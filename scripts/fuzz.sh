#!/bin/sh
# Builds the libFuzzer targets (fuzz/, clang 14, ASan + UBSan) in build-fuzz and runs each
# one over its saved reproducers (fuzz/regressions/<target>), then fuzzes it from its seed
# corpus (fuzz/corpus/<target>, with fuzz/<target>.dict where there is one). Run from the
# repository root on Debian 12, as root (installs packages). Exits non-zero on any crash,
# failed property, leak or timeout; what failed is kept under build-fuzz/artifacts/.
#
#   scripts/fuzz.sh --ci              each target for a fixed number of runs, -seed=1
#                                     (about a minute in all on 2 cores)
#   scripts/fuzz.sh --seconds N       each target for N seconds
#   options: --jobs J                 targets run J at a time (default 2)
#            --corpus DIR             keep what the runs find in DIR/<target> (default: a
#                                     scratch folder, removed at the end)
#            TARGET...                only these targets (default: all)
#
# New inputs go to the scratch folder, never into fuzz/corpus: the repository corpus stays
# small. To add a find to it, copy the file by hand (or rerun fuzz/make_corpus.py).
set -eu
cd "$(dirname "$0")/.."

mode=""
seconds=0
jobs=2
keep=""
targets=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) mode=ci ;;
    --seconds) mode=seconds; seconds="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    --corpus) keep="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets="$targets $1" ;;
  esac
  shift
done
if [ -z "$mode" ]; then
  echo "usage: scripts/fuzz.sh --ci | --seconds N [--jobs J] [--corpus DIR] [TARGET...]" >&2
  exit 2
fi
all="vectors_text vectors_binary gzip vocab analogies similarity config tokenizer expression sections
  json phrases"
[ -n "$targets" ] || targets="$all"

# Runs per target for --ci: 8 to 12 seconds each on the 2-vCPU development machine, so
# about a minute for the five rounds of two.
ci_runs() {
  case "$1" in
    vectors_text) echo 30000 ;;
    vectors_binary) echo 45000 ;;
    gzip) echo 20000 ;;
    vocab) echo 90000 ;;
    analogies|similarity) echo 500000 ;;
    config) echo 10000 ;;
    tokenizer) echo 160000 ;;
    expression) echo 80000 ;;
    sections) echo 40000 ;;
    json) echo 200000 ;;
    phrases) echo 400000 ;;
    *) echo "fuzz.sh: unknown target $1" >&2; exit 2 ;;
  esac
}

# What the build needs, and clang with libFuzzer and OpenMP.
./scripts/install-deps.sh --fuzz

dir=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DW2V_FUZZ=ON -DW2V_BUILD_TESTS=OFF >/dev/null
cmake --build "$dir" --target fuzz

artifacts="$dir/artifacts"
mkdir -p "$artifacts"
if [ -n "$keep" ]; then
  scratch="$keep"
else
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/w2v-fuzz.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
fi
logs="$scratch/logs"
mkdir -p "$logs"

# LeakSanitizer needs ptrace; where it cannot run (some containers), leaks go unchecked.
leaks=1
if ! "$dir/fuzz/fuzz_vocab" -runs=1 -detect_leaks=1 fuzz/corpus/vocab >"$logs/leak-check" 2>&1; then
  if grep -q "LeakSanitizer has encountered a fatal error" "$logs/leak-check"; then
    echo "fuzz.sh: LeakSanitizer cannot run here; leaks are not checked" >&2
    leaks=0
  fi
fi

# One target: its regressions, then the fuzzing run. Writes $logs/<target>.{log,rc}.
run_target() {
  t=$1
  exe="$dir/fuzz/fuzz_$t"
  log="$logs/$t.log"
  mkdir -p "$scratch/$t"
  common="-detect_leaks=$leaks -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$artifacts/$t-"
  : >"$log"
  if [ -d "fuzz/regressions/$t" ]; then
    # shellcheck disable=SC2086
    if ! "$exe" $common fuzz/regressions/"$t"/* >>"$log" 2>&1; then
      echo 1 >"$logs/$t.rc"
      return
    fi
  fi
  if [ "$mode" = ci ]; then
    limit="-runs=$(ci_runs "$t") -seed=1"
  else
    limit="-max_total_time=$seconds"
  fi
  dict=""
  [ ! -f "fuzz/$t.dict" ] || dict="-dict=fuzz/$t.dict"
  rc=0
  # shellcheck disable=SC2086
  "$exe" $common $limit $dict -print_final_stats=1 "$scratch/$t" "fuzz/corpus/$t" >>"$log" 2>&1 ||
    rc=$?
  echo "$rc" >"$logs/$t.rc"
}

start=$(date +%s)
# shellcheck disable=SC2086
set -- $targets
while [ $# -gt 0 ]; do
  batch=""
  n=0
  while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
    ci_runs "$1" >/dev/null
    run_target "$1" &
    batch="$batch $1"
    n=$((n + 1))
    shift
  done
  wait
  for t in $batch; do
    rc=$(cat "$logs/$t.rc")
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -n 1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$logs/$t.log" | tail -n 1)
    printf '%-15s %s  runs %s  seconds %s\n' "$t" \
      "$([ "$rc" = 0 ] && echo ok || echo FAILED)" "${runs:-?}" "${secs:-?}"
    if [ "$rc" != 0 ]; then
      cp "$logs/$t.log" "$artifacts/$t.log"
      failed="${failed:-}$t "
    fi
  done
done
echo "fuzzing took $(($(date +%s) - start)) s"
if [ -n "${failed:-}" ]; then
  echo "FAILED: $failed(logs and inputs in $artifacts/)" >&2
  for t in $failed; do
    grep -E -A3 "PROPERTY FAILED|ERROR: |runtime error|terminate called" "$artifacts/$t.log" |
      head -n 12 >&2
  done
  exit 1
fi
