# Sourced by the benchmark scripts. quality VECTORS prints "analogy semantic syntactic ws353
# ws353_sim ws353_rel": analogy accuracy in % (questions-words.txt among the 30,000 most
# frequent words: total, semantic, syntactic sections) and Spearman on WordSim-353 and its
# similarity and relatedness halves, from w2v eval. Needs W2V, EVAL_DIR and PY set.
quality() {
  "$W2V" eval "$1" --analogies "$EVAL_DIR/questions-words.txt" --similarity \
    "$EVAL_DIR/EN-WS-353-ALL.txt" "$EVAL_DIR/EN-WS-353-SIM.txt" "$EVAL_DIR/EN-WS-353-REL.txt" \
    --restrict 30000 --json |
    "$PY" -c 'import json, sys
r = json.load(sys.stdin)
a, s = r["analogies"], r["similarity"]
print("%.2f %.2f %.2f %.3f %.3f %.3f" % (100 * a["total"]["accuracy"], 100 * a["semantic"]["accuracy"],
      100 * a["syntactic"]["accuracy"], s[0]["spearman"], s[1]["spearman"], s[2]["spearman"]))'
}
