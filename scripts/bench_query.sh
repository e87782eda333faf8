#!/usr/bin/env bash
# Times w2v and gensim on the same word2vec binary file: loading it as binary and as text,
# one `nearest` query, and evaluation (analogies with restrict 30000, WordSim-353). Every
# figure is the median of several runs, as the machine may be busy.
#
#   scripts/bench_query.sh VECTORS.bin
#
# Environment: W2V (the w2v binary; default: the newest build*/w2v), RUNS (w2v runs, 5),
# GENSIM_RUNS (gensim runs, 3), QUERY (the word to look up, king), EVAL_DIR (the folder
# with questions-words.txt and EN-WS-353-ALL.txt, ../shared/eval), THREADS (OMP_NUM_THREADS
# for w2v; default every core).
set -euo pipefail

if [[ $# -ne 1 || ! -f $1 ]]; then
  echo "usage: $0 VECTORS.bin" >&2
  exit 2
fi
VECTORS=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W2V=${W2V:-$(ls -t "$ROOT"/build*/w2v 2>/dev/null | head -n 1)}
RUNS=${RUNS:-5}
GENSIM_RUNS=${GENSIM_RUNS:-3}
QUERY=${QUERY:-king}
EVAL_DIR=${EVAL_DIR:-$ROOT/../shared/eval}
QUESTIONS=$EVAL_DIR/questions-words.txt
PAIRS=$EVAL_DIR/EN-WS-353-ALL.txt
PY=/usr/bin/python3
[[ -n ${THREADS:-} ]] && export OMP_NUM_THREADS=$THREADS
[[ -x $W2V ]] || { echo "no w2v binary: build it or set W2V" >&2; exit 1; }
"$PY" -c 'import gensim' || { echo "gensim is missing for $PY" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Seconds a command takes, its output thrown away.
wall() {
  local start=$EPOCHREALTIME
  "$@" > /dev/null 2>&1
  awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", e - s }'
}
# A JSON member of standard input, by a Python expression over `d`.
field() { "$PY" -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

"$W2V" convert -q "$VECTORS" "$TMP/vectors.txt"
read -r WORDS DIM < <(head -n 1 "$VECTORS" | tr -d '\r')
echo "file: $VECTORS ($WORDS x $DIM); text copy $(du -h "$TMP/vectors.txt" | cut -f1)"
echo "w2v: $W2V; runs: $RUNS (gensim $GENSIM_RUNS); OMP_NUM_THREADS=${OMP_NUM_THREADS:-all}; $(nproc) cores"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# --- w2v -----------------------------------------------------------------------------
# Load (read, check, normalize), in the process: what `eval` reports as load_seconds.
w2v_load() {
  for _ in $(seq "$RUNS"); do
    "$W2V" eval "$1" --similarity "$PAIRS" --json | field 'd["load_seconds"]'
  done | median
}
W_LOAD_BIN=$(w2v_load "$VECTORS")
W_LOAD_TEXT=$(w2v_load "$TMP/vectors.txt")
# The whole command: start, load, normalize, one query, print.
W_CMD_BIN=$(for _ in $(seq "$RUNS"); do wall "$W2V" nearest "$VECTORS" "$QUERY"; done | median)

# One query in a running session: write a word to `w2v nearest` on a pipe and read its 10
# answers back (after a warm-up query, so that loading is not counted).
w2v_latency() {
  "$PY" - "$W2V" "$VECTORS" "$QUERY" << 'EOF'
import subprocess, sys, time
w2v, vectors, query = sys.argv[1:4]
p = subprocess.Popen([w2v, "nearest", vectors, "--tsv", "-k", "10"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True, bufsize=1)
times = []
for i in range(22):
    start = time.perf_counter()
    p.stdin.write(query + "\n")
    p.stdin.flush()
    for _ in range(10):
        p.stdout.readline()
    if i > 0:
        times.append(time.perf_counter() - start)
p.stdin.close()
p.wait()
print(sorted(times)[len(times) // 2])
EOF
}
W_QUERY=$(w2v_latency)

w2v_eval() {
  "$W2V" eval "$1" --restrict 30000 --analogies "$QUESTIONS" --similarity "$PAIRS" --json \
    > "$TMP/eval.json"
  field 'd["analogies"]["seconds"], d["similarity"][0]["seconds"], d["analogies"]["total"]["correct"], d["analogies"]["total"]["seen"], d["similarity"][0]["spearman"]' \
    < "$TMP/eval.json"
}
for _ in $(seq "$RUNS"); do w2v_eval "$VECTORS"; done > "$TMP/w2v_eval.txt"
W_ANALOGIES=$(cut -d' ' -f1 "$TMP/w2v_eval.txt" | median)
W_PAIRS=$(cut -d' ' -f2 "$TMP/w2v_eval.txt" | median)
read -r _ _ W_CORRECT W_SEEN W_RHO < "$TMP/w2v_eval.txt"
W_EVAL_CMD=$(for _ in $(seq "$RUNS"); do
  wall "$W2V" eval "$VECTORS" --analogies "$QUESTIONS" --similarity "$PAIRS"
done | median)

# --- gensim ----------------------------------------------------------------------------
cat > "$TMP/gensim_bench.py" << 'EOF'
import json, sys, time, logging
logging.disable(logging.CRITICAL)
start = time.perf_counter()
from gensim.models import KeyedVectors
mode, path, query, questions, pairs = sys.argv[1:6]
out = {"import": time.perf_counter() - start}
t = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(path, binary=(mode != "text"))
out["load"] = time.perf_counter() - t
if mode == "query":
    t = time.perf_counter()
    kv.most_similar(query, topn=10)  # the first call also normalizes every vector
    out["first_query"] = time.perf_counter() - t
    times = []
    for _ in range(21):
        t = time.perf_counter()
        kv.most_similar(query, topn=10)
        times.append(time.perf_counter() - t)
    out["query"] = sorted(times)[len(times) // 2]
elif mode == "eval":
    t = time.perf_counter()
    score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=30000)
    out["analogies"] = time.perf_counter() - t
    out["correct"] = len(sections[-1]["correct"])
    out["seen"] = out["correct"] + len(sections[-1]["incorrect"])
    t = time.perf_counter()
    pearson, spearman, oov = kv.evaluate_word_pairs(pairs)
    out["pairs"] = time.perf_counter() - t
    out["spearman"] = float(spearman[0])
print(json.dumps(out))
EOF
gensim() { "$PY" "$TMP/gensim_bench.py" "$@" "$QUERY" "$QUESTIONS" "$PAIRS"; }
G_LOAD_BIN=$(for _ in $(seq "$GENSIM_RUNS"); do gensim load "$VECTORS" | field 'd["load"]'; done | median)
G_LOAD_TEXT=$(for _ in $(seq "$GENSIM_RUNS"); do gensim text "$TMP/vectors.txt" | field 'd["load"]'; done | median)
for _ in $(seq "$GENSIM_RUNS"); do gensim query "$VECTORS" | field 'd["query"], d["first_query"]'; done \
  > "$TMP/g_query.txt"
G_QUERY=$(cut -d' ' -f1 "$TMP/g_query.txt" | median)
G_FIRST=$(cut -d' ' -f2 "$TMP/g_query.txt" | median)
G_CMD_BIN=$(for _ in $(seq "$GENSIM_RUNS"); do wall gensim query "$VECTORS"; done | median)
for _ in $(seq "$GENSIM_RUNS"); do
  gensim eval "$VECTORS" | field 'd["analogies"], d["pairs"], d["correct"], d["seen"], d["spearman"]'
done > "$TMP/g_eval.txt"
G_ANALOGIES=$(cut -d' ' -f1 "$TMP/g_eval.txt" | median)
G_PAIRS=$(cut -d' ' -f2 "$TMP/g_eval.txt" | median)
read -r _ _ G_CORRECT G_SEEN G_RHO < "$TMP/g_eval.txt"

# --- every question answered: 30,000 x 100 random vectors holding all the test words ------
"$PY" - "$QUESTIONS" "$TMP/all.bin" << 'EOF'
import sys
import numpy as np
words = []
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.startswith(":"):
        words += line.lower().split()
words = list(dict.fromkeys(words))
words += ["filler%d" % i for i in range(30000 - len(words))]
vectors = np.random.default_rng(1).standard_normal((len(words), 100)).astype(np.float32)
with open(sys.argv[2], "wb") as f:
    f.write(b"%d 100\n" % len(words))
    for w, v in zip(words, vectors):
        f.write(w.encode() + b" " + v.tobytes() + b"\n")
EOF
W_ALL=$(for _ in $(seq "$RUNS"); do w2v_eval "$TMP/all.bin"; done | cut -d' ' -f1 | median)
W_ALL_SEEN=$(w2v_eval "$TMP/all.bin" | cut -d' ' -f4)
G_ALL=$(for _ in $(seq "$GENSIM_RUNS"); do gensim eval "$TMP/all.bin" | field 'd["analogies"]'; done | median)

# --- report -----------------------------------------------------------------------------
row() { printf '%-52s %12s %12s\n' "$@"; }
s() { awk -v x="$1" 'BEGIN { printf "%.3f s", x }'; }
ms() { awk -v x="$1" 'BEGIN { printf "%.2f ms", 1000 * x }'; }
row "median of runs" "w2v" "gensim"
row "load binary (in process; w2v also normalizes)" "$(s "$W_LOAD_BIN")" "$(s "$G_LOAD_BIN")"
row "load text (in process)" "$(s "$W_LOAD_TEXT")" "$(s "$G_LOAD_TEXT")"
row "nearest: one query, vectors loaded, k = 10" "$(ms "$W_QUERY")" "$(ms "$G_QUERY")"
row "nearest: first query (gensim normalizes then)" "-" "$(ms "$G_FIRST")"
row "nearest: whole command (start, load, one query)" "$(s "$W_CMD_BIN")" "$(s "$G_CMD_BIN")"
row "eval: analogies, restrict 30000" "$(s "$W_ANALOGIES")" "$(s "$G_ANALOGIES")"
row "eval: WordSim-353" "$(ms "$W_PAIRS")" "$(ms "$G_PAIRS")"
row "eval: whole command (w2v eval, both sets)" "$(s "$W_EVAL_CMD")" "-"
row "analogies: all $W_ALL_SEEN questions, 30000 x 100 random" "$(s "$W_ALL")" "$(s "$G_ALL")"
echo
echo "analogies correct/seen: w2v $W_CORRECT/$W_SEEN, gensim $G_CORRECT/$G_SEEN;" \
  "WordSim-353 Spearman: w2v $W_RHO, gensim $G_RHO"
