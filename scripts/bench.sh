#!/bin/bash
# Benchmarks w2v against fastText and gensim on one corpus, with matched settings, and
# prints a Markdown table: medians over --runs runs of wall seconds, words/s and peak
# memory of each whole command (counting, training, writing), and the quality of the
# vectors (analogy accuracy over the 30,000 most frequent words, WordSim-353 Spearman).
#
# Usage: scripts/bench.sh CORPUS [--runs N] [--threads N] [--no-peers] [--extra] [--vocab-pass]
#   CORPUS       a text file, e.g. corpus.txt from ../shared/corpus/build-corpus.sh
#   --runs N     runs per configuration (default 3)
#   --threads N  threads for every tool (default: every core)
#   --no-peers   skip fastText and gensim
#   --extra      also: 1-thread vs all-thread scaling, dim 300 / window 10, vocabulary pass
#   --vocab-pass only the vocabulary pass, 1 thread and all threads (3 minutes on the full corpus)
# Environment: W2V (default build/w2v), EVAL_DIR (default ../shared/eval).
# Needs: fasttext and python3-gensim (apt-get install fasttext python3-gensim), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=""; RUNS=3; THREADS=$(nproc); PEERS=1; EXTRA=0; VOCAB_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --no-peers) PEERS=0 ;;
    --extra) EXTRA=1 ;;
    --vocab-pass) VOCAB_ONLY=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) CORPUS=$1 ;;
  esac
  shift
done
[ -f "$CORPUS" ] || { echo "usage: scripts/bench.sh CORPUS [--runs N] [--threads N] [--no-peers] [--extra] [--vocab-pass]" >&2; exit 2; }
W2V=${W2V:-build/w2v}
EVAL_DIR=${EVAL_DIR:-../shared/eval}
QUESTIONS=$EVAL_DIR/questions-words.txt
WORDSIM=$EVAL_DIR/EN-WS-353-ALL.txt
WORK=$(mktemp -d "${TMPDIR:-/tmp}/w2v-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TOKENS=$(wc -w < "$CORPUS")
PY=/usr/bin/python3

# Common settings: dim 100, window 5, negative 5, sample 1e-4, 5 epochs, min-count 5, lr 0.025.
w2v_cmd() {  # NAME OUT [extra w2v options]
  local out=$2; shift 2
  echo "$W2V" train "$CORPUS" -o "$out" --dim "${DIM:-100}" --window "${WINDOW:-5}" --negative 5 --sample 1e-4 \
    --epochs 5 --min-count 5 --lr 0.025 --threads "$THREADS" -q "$@"
}
fasttext_cmd() {  # OUT_PREFIX
  echo fasttext skipgram -input "$CORPUS" -output "$1" -minn 0 -maxn 0 -dim 100 -ws 5 -neg 5 \
    -t 1e-4 -epoch 5 -minCount 5 -lr 0.025 -thread "$THREADS" -verbose 0
}
gensim_cmd() {  # OUT.bin
  echo "$PY" -c "'import sys; from gensim.models import Word2Vec; m = Word2Vec(corpus_file=sys.argv[1], vector_size=100, window=5, negative=5, sample=1e-4, epochs=5, min_count=5, alpha=0.025, sg=1, workers=int(sys.argv[3])); m.wv.save_word2vec_format(sys.argv[2], binary=True)'" "$CORPUS" "$1" "$THREADS"
}

# timed NAME COMMAND: appends "seconds peak_kb" to $WORK/NAME.runs
timed() {
  local name=$1; shift
  /usr/bin/time -v -o "$WORK/time.txt" bash -c "$*" > "$WORK/$name.log" 2>&1 ||
    { echo "$name failed:" >&2; tail -5 "$WORK/$name.log" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /Maximum resident set size/ { kb = $2 }
              END { printf "%.2f %d\n", s, kb }' "$WORK/time.txt" >> "$WORK/$name.runs"
}

# quality VECTORS: prints "analogy_percent wordsim_spearman"
quality() {
  "$W2V" eval "$1" --analogies "$QUESTIONS" --similarity "$WORDSIM" --restrict 30000 --json |
    "$PY" -c 'import json, sys
r = json.load(sys.stdin)
print("%.2f %.3f" % (100 * r["analogies"]["total"]["accuracy"], r["similarity"][0]["spearman"]))'
}

# eval_seconds VECTORS: the time w2v eval reports for all analogy questions
eval_seconds() {
  "$W2V" eval "$1" --analogies "$QUESTIONS" --restrict 30000 --json |
    "$PY" -c 'import json, sys; print("%.3f" % json.load(sys.stdin)["analogies"]["seconds"])'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench() {  # NAME VECTORS COMMAND
  local name=$1 vec=$2 cmd=$3
  for ((r = 1; r <= RUNS; r++)); do
    timed "$name" "$cmd"
    quality "$vec" >> "$WORK/$name.quality"
    echo "  $name run $r: $(tail -1 "$WORK/$name.runs") $(tail -1 "$WORK/$name.quality")" >&2
  done
}

# vocab_pass: the vocabulary pass alone (reading, counting, encoding), 1 thread and all.
vocab_pass() {
  # The pass is short, so it gets three times the runs; the training after it is 1 epoch
  # at dim 8, as only the pass's own clock (read_seconds) counts.
  for t in 1 "$THREADS"; do
    for ((r = 1; r <= 3 * RUNS; r++)); do
      "$W2V" train "$CORPUS" -o "$WORK/v.bin" --epochs 1 --dim 8 --threads "$t" -q --metrics "$WORK/m.json" --sample 1e-4
      "$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print(r["bytes_read"] / r["read_seconds"] / 1e6)' "$WORK/m.json" >> "$WORK/vocab$t.rate"
    done
    rate=$(median < "$WORK/vocab$t.rate")
    echo "vocabulary pass, $t thread(s): $(printf '%.0f' "$rate") MB/s, $(awk -v r="$rate" -v t="$t" 'BEGIN { printf "%.0f", r / t }') MB/s per thread (reading, counting and encoding)"
    [ "$THREADS" = 1 ] && break
  done
}

if [ "$VOCAB_ONLY" = 1 ]; then
  vocab_pass
  exit 0
fi

echo "corpus: $CORPUS ($TOKENS tokens), $THREADS threads, $RUNS runs each" >&2
bench w2v-cos "$WORK/cos.bin" "$(w2v_cmd x "$WORK/cos.bin" --merge cos)"
bench w2v-dot "$WORK/dot.bin" "$(w2v_cmd x "$WORK/dot.bin" --merge dot)"
bench w2v-dot-plain "$WORK/plain.bin" "$(w2v_cmd x "$WORK/plain.bin" --merge dot --batch-negatives off)"
bench w2v-cos-plain "$WORK/cplain.bin" "$(w2v_cmd x "$WORK/cplain.bin" --merge cos --batch-negatives off)"
if [ "$PEERS" = 1 ]; then
  bench fasttext "$WORK/ft.vec" "$(fasttext_cmd "$WORK/ft")"
  bench gensim "$WORK/gensim.bin" "$(gensim_cmd "$WORK/gensim.bin")"
fi

row() {  # NAME
  local n=$1 sec mb an ws
  sec=$(cut -d' ' -f1 "$WORK/$n.runs" | median)
  mb=$(cut -d' ' -f2 "$WORK/$n.runs" | median)
  an=$(cut -d' ' -f1 "$WORK/$n.quality" | median)
  ws=$(cut -d' ' -f2 "$WORK/$n.quality" | median)
  echo "$n $sec $mb $an $ws"
}
{
  for n in w2v-cos w2v-dot w2v-dot-plain w2v-cos-plain fasttext gensim; do
    [ -f "$WORK/$n.runs" ] && row $n
  done
} > "$WORK/table"
ft=$(awk '$1 == "fasttext" { print $2 }' "$WORK/table")
gs=$(awk '$1 == "gensim" { print $2 }' "$WORK/table")
echo
echo "| tool | seconds | words/s | vs fastText | vs gensim | peak MB | analogy % | WS-353 |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
awk -v tok="$TOKENS" -v ft="${ft:-0}" -v gs="${gs:-0}" '{
  ratio_ft = ft > 0 ? sprintf("%.2fx", ft / $2) : "-"
  ratio_gs = gs > 0 ? sprintf("%.2fx", gs / $2) : "-"
  printf "| %s | %.1f | %.0f | %s | %s | %.0f | %.2f | %.3f |\n", $1, $2, tok * 5 / $2, ratio_ft, ratio_gs, $3 / 1024, $4, $5
}' "$WORK/table"
echo
echo "seconds: whole command, median of $RUNS; words/s: corpus tokens x 5 epochs / seconds;"
echo "vs: how many times faster than the peer; analogy: questions-words.txt, 30,000 most frequent words."

if [ "$EXTRA" = 1 ]; then
  echo
  # One thread and all threads alternate, so that a slow spell of a shared machine slows
  # both sides of a round; each round's ratio is kept besides the ratio of the medians.
  # Each round also times a cache line's round trip between CPUs 0 and 1: on a virtual
  # machine it changes with where the host puts the virtual CPUs, and lock-free training
  # pays it for every row both threads write.
  PINGPONG=""
  if [ "$THREADS" -ge 2 ] && c++ -O2 -pthread -o "$WORK/round_trip" scripts/cache_round_trip.cpp 2> /dev/null; then
    PINGPONG="$WORK/round_trip"
  fi
  for ((r = 1; r <= RUNS; r++)); do
    [ -n "$PINGPONG" ] && "$PINGPONG" >> "$WORK/round_trip.ns" || true
    for t in 1 "$THREADS"; do
      timed "scale$t" "$(THREADS=$t w2v_cmd x "$WORK/s.bin" --merge dot --metrics "$WORK/s.json")"
      "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"]["train_seconds"])' \
        "$WORK/s.json" >> "$WORK/train$t.seconds"
    done
    echo "  scaling round $r: $(tail -1 "$WORK/scale1.runs" | cut -d' ' -f1) s vs $(tail -1 "$WORK/scale$THREADS.runs" | cut -d' ' -f1) s$([ -n "$PINGPONG" ] && echo ", cache-line round trip $(tail -1 "$WORK/round_trip.ns") ns")" >&2
  done
  s1=$(cut -d' ' -f1 "$WORK/scale1.runs" | median)
  sn=$(cut -d' ' -f1 "$WORK/scale$THREADS.runs" | median)
  t1=$(median < "$WORK/train1.seconds")
  tn=$(median < "$WORK/train$THREADS.seconds")
  rounds=$(paste -d' ' <(cut -d' ' -f1 "$WORK/scale1.runs") <(cut -d' ' -f1 "$WORK/scale$THREADS.runs") |
    awk '{ printf "%.4f\n", $1 / $2 }' | median)
  echo "thread scaling (w2v dot): whole command 1 thread $s1 s, $THREADS threads $sn s: $(awk -v a="$s1" -v b="$sn" 'BEGIN { printf "%.2fx", a / b }');" \
    "training alone $(awk -v a="$t1" -v b="$tn" 'BEGIN { printf "%.2f s, %.2f s: %.2fx", a, b, a / b }');" \
    "median of the rounds' ratios $(printf '%.2fx' "$rounds")"
  if [ -n "$PINGPONG" ]; then
    echo "cache-line round trip between CPUs 0 and 1 (scripts/cache_round_trip.cpp), per round: $(tr '\n' ' ' < "$WORK/round_trip.ns")ns"
  fi
  for m in cos dot; do
    for ((r = 1; r <= RUNS; r++)); do
      timed "big$m" "$(DIM=300 WINDOW=10 w2v_cmd x "$WORK/b.bin" --merge $m)"
    done
    sb=$(cut -d' ' -f1 "$WORK/big$m.runs" | median)
    echo "dim 300, window 10 (w2v $m): $sb s, $(awk -v t="$TOKENS" -v s="$sb" 'BEGIN { printf "%.0f", t * 5 / s }') words/s"
  done
  vocab_pass
fi
