#!/bin/bash
# Benchmarks w2v's CBOW and hierarchical softmax against gensim and word2vec.c on one
# corpus, at each peer's settings for the model, and prints a Markdown table: medians over
# --runs runs of each whole command's wall seconds, and the vectors' quality (analogy
# semantic / syntactic / total over the 30,000 most frequent words, WordSim-353 Spearman).
# The tools take turns within each round, so that a slow spell of a shared machine slows
# every tool of that round.
#
# Usage: scripts/bench_models.sh CORPUS [--runs N] [--threads N] [--models LIST]
#                                [--word2vec-c FILE] [--no-gensim]
#   --models LIST       comma-separated, of: cbow5 cbow8 hs-sg hs-cbow (default: all)
#   --word2vec-c FILE   word2vec.c's source (github.com/tmikolov/word2vec): built here in a
#                       temporary folder with the one-line fix that resets `eof` between
#                       epochs (release 0.1c never does, so one thread stops training
#                       after its first epoch), and run beside the others
# Settings: dim 100, negative 5 (hs: 0), sample 1e-4, 5 epochs, min-count 5, each tool's
# default learning rate for the model (0.05 CBOW, 0.025 skip-gram, in every tool). w2v
# runs with --merge cos and with --merge dot, each with its defaults.
# Environment: W2V (default build/w2v), EVAL_DIR (default ../shared/eval).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=""; RUNS=3; THREADS=$(nproc); MODELS="cbow5,cbow8,hs-sg,hs-cbow"; W2VC_SRC=""; GENSIM=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --models) MODELS=$2; shift ;;
    --word2vec-c) W2VC_SRC=$2; shift ;;
    --no-gensim) GENSIM=0 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) CORPUS=$1 ;;
  esac
  shift
done
[ -f "$CORPUS" ] || { echo "usage: scripts/bench_models.sh CORPUS [--runs N] [--threads N] [--models LIST] [--word2vec-c FILE] [--no-gensim]" >&2; exit 2; }
W2V=${W2V:-build/w2v}
EVAL_DIR=${EVAL_DIR:-../shared/eval}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/w2v-bench-models.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TOKENS=$(wc -w < "$CORPUS")
PY=/usr/bin/python3

W2VC=""
if [ -n "$W2VC_SRC" ]; then
  sed 's/^\(      sentence_length = 0;\)$/\1\n      eof = 0;/' "$W2VC_SRC" > "$WORK/word2vec.c"
  grep -q '^      eof = 0;$' "$WORK/word2vec.c" || { echo "could not apply the eof fix to $W2VC_SRC" >&2; exit 1; }
  gcc -O3 -march=native -funroll-loops -Wno-unused-result -pthread "$WORK/word2vec.c" -o "$WORK/word2vec" -lm
  W2VC=$WORK/word2vec
fi

# settings MODEL: "cbow window negative hs lr"
settings() {
  case $1 in
    cbow5) echo "1 5 5 0 0.05" ;;
    cbow8) echo "1 8 5 0 0.05" ;;
    hs-sg) echo "0 5 0 1 0.025" ;;
    hs-cbow) echo "1 5 0 1 0.05" ;;
    *) echo "unknown model $1" >&2; exit 2 ;;
  esac
}

# command TOOL MODEL OUT.bin
command_for() {
  local tool=$1 out=$3 cbow window negative hs lr
  read -r cbow window negative hs lr <<< "$(settings "$2")"
  local model=skipgram loss=ns
  [ "$cbow" = 1 ] && model=cbow
  [ "$hs" = 1 ] && loss=hs
  case $tool in
    w2v-cos|w2v-dot)
      echo "$W2V" train "$CORPUS" -o "$out" --model $model --loss $loss --dim 100 --window "$window" \
        --negative "$negative" --sample 1e-4 --epochs 5 --min-count 5 --threads "$THREADS" \
        --merge "${tool#w2v-}" -q ;;
    word2vec.c)
      echo "$W2VC" -train "$CORPUS" -output "$out" -cbow "$cbow" -size 100 -window "$window" \
        -negative "$negative" -hs "$hs" -sample 1e-4 -threads "$THREADS" -binary 1 -iter 5 \
        -min-count 5 -alpha "$lr" -debug 0 ;;
    gensim)
      echo "$PY" -c "'import sys; from gensim.models import Word2Vec; m = Word2Vec(corpus_file=sys.argv[1], vector_size=100, window=$window, negative=$negative, hs=$hs, sample=1e-4, epochs=5, min_count=5, alpha=$lr, sg=$((1 - cbow)), workers=int(sys.argv[3])); m.wv.save_word2vec_format(sys.argv[2], binary=True)'" "$CORPUS" "$out" "$THREADS" ;;
  esac
}

# timed NAME COMMAND: appends the wall seconds to $WORK/NAME.runs
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e" -o "$WORK/time.txt" bash -c "$*" > "$WORK/$name.log" 2>&1 ||
    { echo "$name failed:" >&2; tail -5 "$WORK/$name.log" >&2; exit 1; }
  tail -1 "$WORK/time.txt" >> "$WORK/$name.runs"
}

# quality VECTORS: "semantic syntactic total wordsim"
quality() {
  "$W2V" eval "$1" --analogies "$EVAL_DIR/questions-words.txt" \
    --similarity "$EVAL_DIR/EN-WS-353-ALL.txt" --restrict 30000 --json |
    "$PY" -c 'import json, sys
r = json.load(sys.stdin)
a = r["analogies"]
print("%.2f %.2f %.2f %.3f" % (100 * a["semantic"]["accuracy"], 100 * a["syntactic"]["accuracy"],
      100 * a["total"]["accuracy"], r["similarity"][0]["spearman"]))'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

TOOLS="w2v-cos w2v-dot"
[ "$GENSIM" = 1 ] && TOOLS="$TOOLS gensim"
[ -n "$W2VC" ] && TOOLS="$TOOLS word2vec.c"
echo "corpus: $CORPUS ($TOKENS tokens), $THREADS threads, $RUNS runs, models $MODELS, tools $TOOLS" >&2
for model in ${MODELS//,/ }; do
  for ((r = 1; r <= RUNS; r++)); do
    for tool in $TOOLS; do
      name=$model.$tool
      timed "$name" "$(command_for "$tool" "$model" "$WORK/v.bin")"
      quality "$WORK/v.bin" >> "$WORK/$name.quality"
      echo "  $model $tool run $r: $(tail -1 "$WORK/$name.runs") s, $(tail -1 "$WORK/$name.quality")" >&2
    done
  done
done

echo
echo "| model | tool | seconds | words/s | vs gensim | semantic % | syntactic % | analogy % | WS-353 |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for model in ${MODELS//,/ }; do
  gs=""
  [ -f "$WORK/$model.gensim.runs" ] && gs=$(median < "$WORK/$model.gensim.runs")
  for tool in $TOOLS; do
    name=$model.$tool
    sec=$(median < "$WORK/$name.runs")
    cols=""
    for k in 1 2 3 4; do cols="$cols $(cut -d' ' -f$k "$WORK/$name.quality" | median)"; done
    awk -v m="$model" -v t="$tool" -v s="$sec" -v g="${gs:-0}" -v tok="$TOKENS" -v q="$cols" 'BEGIN {
      split(q, v, " ")
      ratio = (g > 0) ? sprintf("%.1fx", g / s) : "-"
      printf "| %s | %s | %.1f | %.0f | %s | %.2f | %.2f | %.2f | %.3f |\n", m, t, s, tok * 5 / s,
        ratio, v[1], v[2], v[3], v[4] }'
  done
done
echo
echo "seconds: whole command (count, train, write), median of $RUNS; words/s: corpus tokens x 5 / seconds;"
echo "analogy: questions-words.txt among the 30,000 most frequent words (3CosAdd); WS-353: Spearman."
