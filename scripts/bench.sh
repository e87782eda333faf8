#!/bin/bash
# Benchmarks w2v against fastText, gensim and word2vec.c on one corpus, with matched settings,
# and prints a Markdown table: medians over the runs of wall seconds, words/s and peak memory
# of each whole command (counting, training, writing), and the quality of the vectors
# (analogy accuracy over the 30,000 most frequent words, total, semantic and syntactic;
# Spearman on WordSim-353 and on its similarity and relatedness halves).
#
# Usage: scripts/bench.sh CORPUS [--runs N] [--seeds N] [--threads N] [--dim N]
#                         [--word2vec-c FILE] [--no-peers] [--only LIST] [--extra] [--vocab-pass]
#   CORPUS           a text file, e.g. corpus.txt from ../shared/corpus/build-corpus.sh
#   --runs N         runs per configuration and seed (default 3)
#   --seeds N        each w2v configuration runs with --seed 1..N (default 1); each peer
#                    runs as many times, its repeat runs standing for the seeds. With N > 1
#                    the table gives the spread (min-max) of analogy and WS-353 over all runs
#   --threads N      threads for every tool (default: every core)
#   --dim N          vector size for every tool (default 100)
#   --word2vec-c F   also word2vec.c, from F, the word2vec.c of github.com/tmikolov/word2vec:
#                    copied into a temporary folder, fixed, built with gcc -O3 -march=native.
#                    Release 0.1c never resets eof between epochs, so the thread that reads
#                    to the end of the file (the last one, or the only one) stops training
#                    after its first epoch; the script runs it with the fix: `eof = 0;`
#                    where each thread starts a new epoch (it stops if it cannot add it)
#   --no-peers       skip fastText and gensim
#   --only LIST      only these rows, comma-separated, of: w2v-cos w2v-dot w2v-dot-plain
#                    w2v-cos-plain fasttext gensim word2vec.c (a long study in parts)
#   --extra          also: 1-thread vs all-thread scaling, dim 300 / window 10, vocabulary pass
#   --vocab-pass     only the vocabulary pass, 1 thread and all threads (3 minutes on the full corpus)
# The w2v rows: cos and dot merges, and both on the one-pair path (-plain: --batch-negatives
# off, one (word, context) pair at a time with its own noise words, as word2vec.c does).
# Environment: W2V (default build/w2v), EVAL_DIR (default data/eval, the bundled sets).
# Needs: fasttext and python3-gensim (apt-get install fasttext python3-gensim), GNU time, gcc
# for word2vec.c.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2034  # read by usage_error, from lib/args.sh
USAGE="usage: scripts/bench.sh CORPUS [--runs N] [--seeds N] [--threads N] [--dim N] [--word2vec-c FILE] [--no-peers] [--only LIST] [--extra] [--vocab-pass]"
# shellcheck source=scripts/lib/args.sh
source "$(dirname "$0")/lib/args.sh"
CORPUS=""; RUNS=3; SEEDS=1; THREADS=$(nproc); DIM=100; W2VC_SOURCE=""; PEERS=1; EXTRA=0; VOCAB_ONLY=0
ROWS="w2v-cos w2v-dot w2v-dot-plain w2v-cos-plain fasttext gensim word2vec.c"; ONLY=""
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$(count "$1" "${2-}"); shift ;;
    --seeds) SEEDS=$(count "$1" "${2-}"); shift ;;
    --threads) THREADS=$(count "$1" "${2-}"); shift ;;
    --dim) DIM=$(count "$1" "${2-}"); shift ;;
    --word2vec-c) [ -f "${2-}" ] || usage_error "--word2vec-c takes word2vec.c's source file, got '${2-}'"
      W2VC_SOURCE=$2; shift ;;
    --no-peers) PEERS=0 ;;
    --only) ONLY=" ${2-} "; ONLY=${ONLY//,/ }; shift
      for n in $ONLY; do [[ " $ROWS " == *" $n "* ]] || usage_error "--only: no row '$n' (rows: $ROWS)"; done
      [ -n "${ONLY// /}" ] || usage_error "--only takes a comma-separated list of rows" ;;
    --extra) EXTRA=1 ;;
    --vocab-pass) VOCAB_ONLY=1 ;;
    -h|--help) help_text; exit 0 ;;
    -*) usage_error "unknown option '$1'" ;;
    *) CORPUS=$1 ;;
  esac
  shift
done
if [[ $ONLY == *" word2vec.c "* && -z $W2VC_SOURCE ]]; then usage_error "--only word2vec.c needs --word2vec-c FILE"; fi
check_corpus "$CORPUS"
W2V=${W2V:-build/w2v}
EVAL_DIR=${EVAL_DIR:-data/eval}
QUESTIONS=$EVAL_DIR/questions-words.txt
WORDSIM=$EVAL_DIR/EN-WS-353-ALL.txt
WORDSIM_SIM=$EVAL_DIR/EN-WS-353-SIM.txt
WORDSIM_REL=$EVAL_DIR/EN-WS-353-REL.txt
for f in "$QUESTIONS" "$WORDSIM" "$WORDSIM_SIM" "$WORDSIM_REL"; do
  [ -f "$f" ] || { echo "bench.sh: no $f (EVAL_DIR=$EVAL_DIR)" >&2; exit 1; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/w2v-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TOKENS=$(wc -w < "$CORPUS")
PY=/usr/bin/python3

# Common settings: dim $DIM (100), window 5, negative 5, sample 1e-4, 5 epochs, min-count 5,
# lr 0.025, skip-gram with negative sampling.
w2v_cmd() {  # NAME OUT [extra w2v options]
  local out=$2; shift 2
  echo "$W2V" train "$CORPUS" -o "$out" --dim "${DIM_OVERRIDE:-$DIM}" --window "${WINDOW:-5}" --negative 5 --sample 1e-4 \
    --epochs 5 --min-count 5 --lr 0.025 --threads "$THREADS" -q "$@"
}
fasttext_cmd() {  # OUT_PREFIX
  echo fasttext skipgram -input "$CORPUS" -output "$1" -minn 0 -maxn 0 -dim "$DIM" -ws 5 -neg 5 \
    -t 1e-4 -epoch 5 -minCount 5 -lr 0.025 -thread "$THREADS" -verbose 0
}
gensim_cmd() {  # OUT.bin
  echo "$PY" -c "'import sys; from gensim.models import Word2Vec; m = Word2Vec(corpus_file=sys.argv[1], vector_size=int(sys.argv[4]), window=5, negative=5, sample=1e-4, epochs=5, min_count=5, alpha=0.025, sg=1, workers=int(sys.argv[3])); m.wv.save_word2vec_format(sys.argv[2], binary=True)'" "$CORPUS" "$1" "$THREADS" "$DIM"
}
word2vec_c_cmd() {  # OUT.bin
  echo "$WORK/word2vec" -train "$CORPUS" -output "$1" -cbow 0 -size "$DIM" -window 5 -hs 0 -negative 5 \
    -sample 1e-4 -iter 5 -min-count 5 -alpha 0.025 -binary 1 -threads "$THREADS" -debug 0
}

# build_word2vec_c SOURCE: $WORK/word2vec from a copy of SOURCE with the eof fix. In release
# 0.1c, TrainModelThread's end-of-epoch block (`if (eof || (word_count > train_words /
# num_threads))`) rewinds the file but leaves eof at 1, so the thread that read to the end
# of the file stops after its first epoch; the fix resets it beside `sentence_length = 0;`.
build_word2vec_c() {
  awk '/if \(eof \|\| \(word_count > train_words \/ num_threads\)\)/ { block = 1; blocks++ }
       { print }
       block && /sentence_length = 0;/ { match($0, /^[ \t]*/); print substr($0, 1, RLENGTH) "eof = 0;"; fixed++ }
       block && /continue;/ { block = 0 }
       END { exit !(blocks == 1 && fixed == 1) }' "$1" > "$WORK/word2vec.c" ||
    { echo "bench.sh: cannot apply the eof fix to $1: expected one 'if (eof || (word_count > train_words / num_threads))' block with 'sentence_length = 0;' in it (is it tmikolov/word2vec's word2vec.c?)" >&2; exit 1; }
  gcc -O3 -march=native -funroll-loops -pthread -Wno-unused-result -o "$WORK/word2vec" "$WORK/word2vec.c" -lm \
    > "$WORK/word2vec-build.log" 2>&1 ||
    { echo "bench.sh: building word2vec.c failed:" >&2; tail -5 "$WORK/word2vec-build.log" >&2; exit 1; }
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

# shellcheck source=scripts/lib/quality.sh
source "$(dirname "$0")/lib/quality.sh"

# eval_seconds VECTORS: the time w2v eval reports for all analogy questions
eval_seconds() {
  "$W2V" eval "$1" --analogies "$QUESTIONS" --restrict 30000 --json |
    "$PY" -c 'import json, sys; print("%.3f" % json.load(sys.stdin)["analogies"]["seconds"])'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# spread: "min-max" of the numbers on standard input
spread() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

# bench NAME VECTORS COMMAND: RUNS x SEEDS runs; COMMAND's "{seed}" becomes the seed (peers
# have none there, so their runs simply repeat)
bench() {
  local name=$1 vec=$2 cmd=$3 r seed label
  if [ -n "$ONLY" ] && [[ $ONLY != *" $name "* ]]; then return 0; fi
  for ((r = 1; r <= RUNS; r++)); do
    for ((seed = 1; seed <= SEEDS; seed++)); do
      label="run $r, seed $seed"
      [[ $cmd == *"{seed}"* ]] || label="run $(((r - 1) * SEEDS + seed))"
      timed "$name" "${cmd//\{seed\}/$seed}"
      quality "$vec" >> "$WORK/$name.quality"
      echo "  $name $label: $(tail -1 "$WORK/$name.runs") $(tail -1 "$WORK/$name.quality")" >&2
    done
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
    if [ "$THREADS" = 1 ]; then break; fi  # (an && here would make the function fail)
  done
}

if [ "$VOCAB_ONLY" = 1 ]; then
  vocab_pass
  exit 0
fi

if [ -n "$W2VC_SOURCE" ]; then build_word2vec_c "$W2VC_SOURCE"; fi
echo "corpus: $CORPUS ($TOKENS tokens), dim $DIM, $THREADS threads, $RUNS runs x $SEEDS seeds each" >&2
bench w2v-cos "$WORK/cos.bin" "$(w2v_cmd x "$WORK/cos.bin" --merge cos) --seed {seed}"
bench w2v-dot "$WORK/dot.bin" "$(w2v_cmd x "$WORK/dot.bin" --merge dot) --seed {seed}"
bench w2v-dot-plain "$WORK/plain.bin" "$(w2v_cmd x "$WORK/plain.bin" --merge dot --batch-negatives off) --seed {seed}"
bench w2v-cos-plain "$WORK/cplain.bin" "$(w2v_cmd x "$WORK/cplain.bin" --merge cos --batch-negatives off) --seed {seed}"
if [ "$PEERS" = 1 ]; then
  bench fasttext "$WORK/ft.vec" "$(fasttext_cmd "$WORK/ft")"
  bench gensim "$WORK/gensim.bin" "$(gensim_cmd "$WORK/gensim.bin")"
fi
if [ -n "$W2VC_SOURCE" ]; then bench word2vec.c "$WORK/w2vc.bin" "$(word2vec_c_cmd "$WORK/w2vc.bin")"; fi

# column FILE N: the median of column N of FILE
column() { cut -d' ' -f"$2" "$1" | median; }
# quality_cell NAME N FORMAT: the median of quality column N, and with several seeds its spread
quality_cell() {
  local cell
  # shellcheck disable=SC2059  # FORMAT is the caller's %.2f or %.3f
  cell=$(printf "$3" "$(column "$WORK/$1.quality" "$2")")
  if [ "$SEEDS" -gt 1 ]; then
    cell="$cell ($(cut -d' ' -f"$2" "$WORK/$1.quality" | spread))"
  fi
  echo "$cell"
}
row() {  # NAME: "name seconds peak_kb|analogy|ws353|semantic|syntactic|sim|rel" ('|' between cells)
  local n=$1 q=$WORK/$1.quality
  echo "$n $(column "$WORK/$n.runs" 1) $(column "$WORK/$n.runs" 2)|$(quality_cell "$n" 1 %.2f)|$(quality_cell "$n" 4 %.3f)|$(printf '%.2f|%.2f|%.3f|%.3f' "$(column "$q" 2)" "$(column "$q" 3)" "$(column "$q" 5)" "$(column "$q" 6)")"
}
{
  for n in $ROWS; do
    [ -f "$WORK/$n.runs" ] && row "$n"
  done
} > "$WORK/table"
ft=$(awk '$1 == "fasttext" { print $2 }' "$WORK/table")
gs=$(awk '$1 == "gensim" { print $2 }' "$WORK/table")
echo
echo "| tool | seconds | words/s | vs fastText | vs gensim | peak MB | analogy % | WS-353 | semantic % | syntactic % | WS-353 sim | WS-353 rel |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v tok="$TOKENS" -v ft="${ft:-0}" -v gs="${gs:-0}" '{
  split($0, cells, "|"); split(cells[1], t, " ")
  ratio_ft = ft > 0 ? sprintf("%.2fx", ft / t[2]) : "-"
  ratio_gs = gs > 0 ? sprintf("%.2fx", gs / t[2]) : "-"
  printf "| %s | %.1f | %.0f | %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n", t[1], t[2], tok * 5 / t[2],
    ratio_ft, ratio_gs, t[3] / 1024, cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]
}' "$WORK/table"
echo
echo "seconds: whole command, median of $((RUNS * SEEDS)) runs$([ "$SEEDS" -gt 1 ] && echo " (w2v: $RUNS per seed, seeds 1-$SEEDS; the peers: repeat runs)"); words/s: corpus tokens x 5 epochs / seconds;"
echo "vs: how many times faster than the peer; analogy: questions-words.txt, 30,000 most frequent words$([ "$SEEDS" -gt 1 ] && echo ";")"
if [ "$SEEDS" -gt 1 ]; then echo "analogy % and WS-353: median (min-max) over all runs."; fi
if [ -n "$W2VC_SOURCE" ]; then echo "word2vec.c: $W2VC_SOURCE with eof reset at each epoch (release 0.1c trains one thread for 1 epoch only), gcc -O3 -march=native -funroll-loops."; fi
echo "WS-353 sim / rel: Spearman on Agirre et al. (2009)'s similarity (203 pairs) and relatedness (252 pairs) halves."

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
      timed "big$m" "$(DIM_OVERRIDE=300 WINDOW=10 w2v_cmd x "$WORK/b.bin" --merge $m)"
    done
    sb=$(cut -d' ' -f1 "$WORK/big$m.runs" | median)
    echo "dim 300, window 10 (w2v $m): $sb s, $(awk -v t="$TOKENS" -v s="$sb" 'BEGIN { printf "%.0f", t * 5 / s }') words/s"
  done
  vocab_pass
fi
