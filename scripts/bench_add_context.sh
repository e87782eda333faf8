#!/bin/bash
# How the cos merge's published vectors depend on --add-context: trains w2v (cos, bench.sh's
# settings) once per seed with the raw word and context vectors saved, then writes
# unit(word) + ALPHA x unit(context) for each ALPHA, as --add-context ALPHA would, and scores
# each with w2v eval (analogy total, semantic, syntactic over the 30,000 most frequent words;
# Spearman on WordSim-353 and its similarity and relatedness halves). Prints one line per
# seed and ALPHA, then the medians over the seeds.
#
# Usage: scripts/bench_add_context.sh CORPUS [--seeds N] [--threads N] [--alphas "A B ..."]
#   CORPUS      a text file or token cache, e.g. ../shared/corpus/build-corpus.sh's corpus.txt
#   --seeds N   trainings with --seed 1..N (default 3)
#   --threads N (default: every core)
#   --alphas    (default "0 0.125 0.25 0.35 0.5 0.75 1")
# Environment: W2V (default build/w2v), EVAL_DIR (default data/eval). Needs python3-numpy.
set -euo pipefail
USAGE='usage: scripts/bench_add_context.sh CORPUS [--seeds N] [--threads N] [--alphas "A B ..."]'
# shellcheck source=scripts/lib/args.sh
source "$(dirname "$0")/lib/args.sh"
CORPUS=""; SEEDS=3; THREADS=$(nproc); ALPHAS="0 0.125 0.25 0.35 0.5 0.75 1"
while [ $# -gt 0 ]; do
  case $1 in
    --seeds) SEEDS=$(count "$1" "${2-}"); shift ;;
    --threads) THREADS=$(count "$1" "${2-}"); shift ;;
    --alphas) ALPHAS=${2-}; shift
      for a in $ALPHAS; do
        [[ $a =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "--alphas takes numbers of at least 0, got '$a'"
      done
      [ -n "${ALPHAS// /}" ] || usage_error "--alphas takes at least one number" ;;
    -h|--help) help_text; exit 0 ;;
    -*) usage_error "unknown option '$1'" ;;
    *) CORPUS=$(one_corpus "$CORPUS" "$1") ;;
  esac
  shift
done
check_corpus "$CORPUS"
W2V=${W2V:-build/w2v}
EVAL_DIR=${EVAL_DIR:-data/eval}
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/w2v-bench-add-context.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# combine WORDS CONTEXTS PREFIX ALPHA...: PREFIX-ALPHA.bin = unit(word) + ALPHA unit(context)
combine() {
  "$PY" - "$@" <<'EOF'
import sys
import numpy as np

def load(path):
    with open(path, "rb") as f:
        count, dim = map(int, f.readline().split())
        words, rows = [], np.empty((count, dim), np.float32)
        for i in range(count):
            word = bytearray()
            while (c := f.read(1)) != b" ":
                word += c
            words.append(bytes(word))
            rows[i] = np.frombuffer(f.read(4 * dim), np.float32)
            f.read(1)
    return words, rows

def unit(rows):
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-30)

words, w = load(sys.argv[1])
context_words, c = load(sys.argv[2])
assert words == context_words, "the two files list different words"
for alpha in sys.argv[4:]:
    rows = (unit(w) + float(alpha) * unit(c)).astype(np.float32)
    with open("%s-%s.bin" % (sys.argv[3], alpha), "wb") as f:
        f.write(b"%d %d\n" % rows.shape)
        for word, row in zip(words, rows):
            f.write(word + b" " + row.tobytes() + b"\n")
EOF
}

# shellcheck source=scripts/lib/quality.sh
source "$(dirname "$0")/lib/quality.sh"

echo "| seed | add-context | analogy % | semantic % | syntactic % | WS-353 | WS-353 sim | WS-353 rel |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for seed in $(seq 1 "$SEEDS"); do
  "$W2V" train "$CORPUS" -o "$WORK/w.bin" --save-context "$WORK/c.bin" --add-context 0 \
    --seed "$seed" --dim 100 --window 5 --negative 5 --sample 1e-4 --min-count 5 --lr 0.025 \
    --epochs 5 --threads "$THREADS" -q
  # shellcheck disable=SC2086  # one argument per alpha
  combine "$WORK/w.bin" "$WORK/c.bin" "$WORK/v" $ALPHAS
  for alpha in $ALPHAS; do
    read -r -a q <<< "$(quality "$WORK/v-$alpha.bin")"
    echo "$seed $alpha ${q[*]}" >> "$WORK/results"
    echo "| $seed | $alpha | ${q[0]} | ${q[1]} | ${q[2]} | ${q[3]} | ${q[4]} | ${q[5]} |"
  done
done
echo
echo "Medians over $SEEDS seed(s):"
echo
echo "| add-context | analogy % | semantic % | syntactic % | WS-353 | WS-353 sim | WS-353 rel |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
"$PY" - "$WORK/results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    seed, alpha, *q = line.split()
    rows.setdefault(alpha, []).append([float(x) for x in q])
for alpha, runs in rows.items():
    med = [statistics.median(col) for col in zip(*runs)]
    print("| %s | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f |" % (alpha, *med))
EOF
