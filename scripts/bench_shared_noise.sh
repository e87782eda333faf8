#!/bin/bash
# Shared noise words (--batch-negatives on, the default) against the one-pair path (off):
# trains each configuration with --seed 1..N, in turn within each seed so that a slow spell
# of a shared machine slows every configuration alike, and prints per-seed values and
# medians (min-max) of analogy accuracy (total, semantic, syntactic; questions-words.txt
# over the 30,000 most frequent words), Spearman on WS-353 ALL, SIM and REL, and training
# seconds (--metrics' train_seconds), with each configuration's time over the first one's.
#
# Usage: scripts/bench_shared_noise.sh CORPUS [--seeds N] [--threads N] [--only] [NAME=OPTIONS ...]
#   CORPUS      a text file or a token cache (.w2vc, see `w2v prepare`)
#   --seeds N   seeds 1..N (default 5)
#   --threads N training threads (default 2)
#   --only      run only the NAME=OPTIONS configurations given, not the four below
#   NAME=OPTIONS  a further configuration: w2v train options added to the common ones,
#               e.g. 'cos-x=--merge cos --some-option 2'
# The four configurations: cos and dot (--merge), each with --batch-negatives on and off.
# Common settings, as scripts/bench.sh: dim 100, window 5, negative 5, sample 1e-4,
# min-count 5, 5 epochs, lr 0.025.
# Environment: W2V (default build/w2v), EVAL_DIR (default data/eval).
set -euo pipefail
cd "$(dirname "$0")/.."
USAGE="usage: scripts/bench_shared_noise.sh CORPUS [--seeds N] [--threads N] [--only] [NAME=OPTIONS ...]"
# shellcheck source=scripts/lib/args.sh
source "$(dirname "$0")/lib/args.sh"
CORPUS=""; SEEDS=5; THREADS=2; ONLY=0; NAMES=(); OPTIONS=()
while [ $# -gt 0 ]; do
  case $1 in
    --seeds) SEEDS=$(count "$1" "${2-}"); shift ;;
    --threads) THREADS=$(count "$1" "${2-}"); shift ;;
    --only) ONLY=1 ;;
    -h|--help) help_text; exit 0 ;;
    -*) usage_error "unknown option '$1'" ;;
    *=*) NAMES+=("${1%%=*}"); OPTIONS+=("${1#*=}") ;;
    *) CORPUS=$(one_corpus "$CORPUS" "$1") ;;
  esac
  shift
done
check_corpus "$CORPUS"
if [ "$ONLY" = 0 ]; then
  NAMES=(cos cos-plain dot dot-plain "${NAMES[@]}")
  OPTIONS=("--merge cos" "--merge cos --batch-negatives off" "--merge dot"
    "--merge dot --batch-negatives off" "${OPTIONS[@]}")
fi
[ ${#NAMES[@]} -gt 0 ] || usage_error "no configuration to run"
W2V=${W2V:-build/w2v}
EVAL_DIR=${EVAL_DIR:-data/eval}
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/w2v-shared-noise.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=scripts/lib/quality.sh
source "$(dirname "$0")/lib/quality.sh"

echo "corpus: $CORPUS, seeds 1-$SEEDS, $THREADS threads" >&2
for ((seed = 1; seed <= SEEDS; seed++)); do
  for i in "${!NAMES[@]}"; do
    # shellcheck disable=SC2086  # the configuration's options split into words
    "$W2V" train "$CORPUS" -o "$WORK/v.bin" --dim 100 --window 5 --negative 5 --sample 1e-4 --epochs 5 \
      --min-count 5 --lr 0.025 --threads "$THREADS" -q --metrics "$WORK/m.json" --seed "$seed" ${OPTIONS[$i]}
    seconds=$("$PY" -c 'import json, sys; print("%.2f" % json.load(open(sys.argv[1]))["results"]["train_seconds"])' "$WORK/m.json")
    line="$(quality "$WORK/v.bin") $seconds"
    echo "$line" >> "$WORK/${NAMES[$i]}.rows"
    echo "  ${NAMES[$i]} seed $seed: $line" >&2
  done
done

echo
echo "per seed (analogy % total semantic syntactic, WS-353 ALL SIM REL, train s):"
for name in "${NAMES[@]}"; do
  echo "$name: $(awk '{ printf "%s[%s %s %s %s %s %s %ss]", (NR > 1 ? " " : ""), $1, $2, $3, $4, $5, $6, $7 }' "$WORK/$name.rows")"
done
echo
echo "| configuration | options | analogy % | semantic % | syntactic % | WS-353 | WS sim | WS rel | train s | time vs ${NAMES[0]} |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
# cell FILE COLUMN FORMAT: median (min-max)
cell() {
  sort -g -k"$2","$2" "$1" | awk -v c="$2" -v f="$3" '{ v[NR] = $c } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    fmt = f " (" f "-" f ")"; printf(fmt, m, v[1], v[NR]) }'
}
for i in "${!NAMES[@]}"; do
  f=$WORK/${NAMES[$i]}.rows
  # time ratio: median over the seeds of this configuration's seconds / the first one's
  ratio=$(paste -d' ' <(cut -d' ' -f7 "$f") <(cut -d' ' -f7 "$WORK/${NAMES[0]}.rows") |
    awk '{ print $1 / $2 }' | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "| ${NAMES[$i]} | ${OPTIONS[$i]} | $(cell "$f" 1 %.2f) | $(cell "$f" 2 %.2f) | $(cell "$f" 3 %.2f) | $(cell "$f" 4 %.3f) | $(cell "$f" 5 %.3f) | $(cell "$f" 6 %.3f) | $(cell "$f" 7 %.1f) | ${ratio}x |"
done
