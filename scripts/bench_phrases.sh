#!/usr/bin/env bash
# Times `w2v phrases --scoring gensim` against gensim's Phrases + freeze + applying the frozen
# model (the same work: count, then write the joined corpus), checks that both wrote the same
# text, and prints the medians and their ratio.
#
#   scripts/bench_phrases.sh CORPUS
#
# Environment: W2V (the w2v binary; default: the newest build*/w2v), RUNS (runs of each, 3),
# PASSES (1), MIN_COUNT (5), THRESHOLD (10, gensim's default), THREADS (w2v --threads;
# default every core). gensim's time is taken inside Python, from the first read of the
# corpus to the last write, so it leaves out the interpreter's start and gensim's import;
# w2v's is the whole process.
set -euo pipefail

if [[ $# -ne 1 || ! -f $1 ]]; then
  echo "usage: $0 CORPUS" >&2
  exit 2
fi
CORPUS=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W2V=${W2V:-$(ls -t "$ROOT"/build*/w2v 2>/dev/null | head -n 1)}
RUNS=${RUNS:-3}
PASSES=${PASSES:-1}
MIN_COUNT=${MIN_COUNT:-5}
THRESHOLD=${THRESHOLD:-10}
PY=/usr/bin/python3
[[ -x $W2V ]] || { echo "no w2v binary: build it or set W2V" >&2; exit 1; }
"$PY" -c 'import gensim' || { echo "gensim is missing for $PY" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

cat > "$TMP/gensim_phrases.py" <<'PY'
import sys, time, logging
logging.disable(logging.CRITICAL)
from gensim.models.phrases import Phrases

class Lines:
    """The corpus streamed from disk, split on whitespace, as LineSentence does."""
    def __init__(self, path, models=()):
        self.path, self.models = path, models
    def __iter__(self):
        with open(self.path, encoding='utf-8') as f:
            for line in f:
                words = line.split()
                if not words:
                    continue
                for m in self.models:
                    words = m[words]
                yield words

path, out, passes, min_count, threshold = sys.argv[1:6]
start, cpu = time.time(), time.process_time()
models = []
for _ in range(int(passes)):
    model = Phrases(Lines(path, tuple(models)), min_count=int(min_count),
                    threshold=float(threshold))
    models.append(model.freeze())
with open(out, 'w', encoding='utf-8') as f:
    for words in Lines(path, tuple(models)):
        f.write(' '.join(words) + '\n')
print(f"{time.time() - start:.4f} {time.process_time() - cpu:.4f}")
PY

threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")
echo "corpus: $CORPUS ($(wc -c < "$CORPUS") bytes, $(wc -w < "$CORPUS") words)"
echo "passes $PASSES, min_count $MIN_COUNT, threshold $THRESHOLD, $RUNS runs each; $(nproc) cores"

: > "$TMP/w2v.times"
for ((i = 0; i < RUNS; ++i)); do
  /usr/bin/time -f "%e %U %S" -o "$TMP/time" "$W2V" phrases "$CORPUS" -o "$TMP/w2v.txt" -q \
    --scoring gensim --passes "$PASSES" --min-count "$MIN_COUNT" --threshold "$THRESHOLD" \
    "${threads[@]}"
  awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }' "$TMP/time" >> "$TMP/w2v.times"
done
: > "$TMP/gensim.times"
for ((i = 0; i < RUNS; ++i)); do
  "$PY" "$TMP/gensim_phrases.py" "$CORPUS" "$TMP/gensim.txt" "$PASSES" "$MIN_COUNT" \
    "$THRESHOLD" >> "$TMP/gensim.times"
done

# Columns: wall seconds, CPU seconds (user + system).
w2v=$(cut -d' ' -f1 "$TMP/w2v.times" | median)
gensim=$(cut -d' ' -f1 "$TMP/gensim.times" | median)
w2v_cpu=$(cut -d' ' -f2 "$TMP/w2v.times" | median)
gensim_cpu=$(cut -d' ' -f2 "$TMP/gensim.times" | median)
echo "w2v phrases:     $w2v s, CPU $w2v_cpu s (runs: $(cut -d' ' -f1 "$TMP/w2v.times" | paste -sd' '))"
echo "gensim Phrases:  $gensim s, CPU $gensim_cpu s (runs: $(cut -d' ' -f1 "$TMP/gensim.times" | paste -sd' '))"
awk -v w="$w2v" -v g="$gensim" -v wc="$w2v_cpu" -v gc="$gensim_cpu" \
  'BEGIN { printf "w2v is %.1fx gensim'\''s speed (CPU time: %.1fx); load average now %s\n", g / w, gc / wc, "'"$(cut -d' ' -f1-3 /proc/loadavg)"'" }'
if cmp -s "$TMP/w2v.txt" "$TMP/gensim.txt"; then
  echo "same joined text: yes ($(grep -o '_' "$TMP/w2v.txt" | wc -l) delimiters in it)"
else
  echo "same joined text: NO" >&2
  exit 1
fi
