#!/usr/bin/env python3
"""Data-parallel training on Open MPI against one process, on one machine.

Runs, in turn and RUNS times each: `w2v train CORPUS --threads T*N` (one process),
`mpirun -np N w2v train CORPUS --threads T` (N ranks) and the same with -np N+1 (more ranks
than cores, which --oversubscribe allows). Prints per configuration the median seconds of training (--metrics
train_seconds) and of the whole command, words/s, the analogy (semantic, syntactic, total)
and WordSim-353 of each run's vectors, and the bytes of rows each rank sent per second
(its log's sync line).

Usage: scripts/bench_mpi.py CORPUS [--w2v PATH (an MPI build, default build/w2v)]
         [--ranks N (2)] [--threads T (1)] [--runs N (3)] [--epochs N (5)]
         [--merge cos|dot (cos)] [--eval DIR (default data/eval)] [--work DIR]
         [--configs one,ranks,over (all three)] [--seed S (1; run r trains with S + r)]
         [--rank-args "ARGS" (more train options for the MPI runs)] [--json FILE]
--configs picks which of the three to run; --json writes every run's figures.
Run as root (mpirun --allow-run-as-root).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# bench.sh's settings.
SETTINGS = ["--dim", "100", "--window", "5", "--negative", "5", "--sample", "1e-4",
            "--min-count", "5", "--lr", "0.025"]
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]


def run_train(cmd, work, name):
    out = os.path.join(work, name + ".bin")
    metrics = os.path.join(work, name + ".json")
    start = time.monotonic()
    proc = subprocess.run(cmd + ["-o", out, "--metrics", metrics], capture_output=True,
                          text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("failed: " + " ".join(cmd) + "\n" + proc.stderr)
    with open(metrics) as f:
        m = json.load(f)
    sync = re.search(r"each sent ([\d.]+) MB of rows in (\d+) syncs \(([\d.]+) MB/s\), "
                     r"syncing ([\d.]+)% of the time \(([\d.]+)% on a CPU\)",
                     proc.stderr)
    return {"wall": wall, "train": m["results"]["train_seconds"],
            "words": m["results"]["tokens_trained"], "vectors": out,
            "sync_mb_s": float(sync.group(3)) if sync else 0.0,
            "sync_cpu": float(sync.group(5)) if sync else 0.0}


def evaluate(w2v, vectors, eval_dir):
    proc = subprocess.run(
        [w2v, "eval", vectors, "--analogies", os.path.join(eval_dir, "questions-words.txt"),
         "--similarity", os.path.join(eval_dir, "EN-WS-353-ALL.txt"), "--restrict", "30000",
         "--json"], capture_output=True, text=True, check=True)
    d = json.loads(proc.stdout)
    a = d["analogies"]
    return {"semantic": 100 * a["semantic"]["accuracy"],
            "syntactic": 100 * a["syntactic"]["accuracy"],
            "analogy": 100 * a["total"]["accuracy"], "ws353": d["similarity"][0]["spearman"]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--w2v", default=os.path.join(ROOT, "build", "w2v"))
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--merge", default="cos")
    p.add_argument("--eval", default=os.path.join(ROOT, "data", "eval"))
    p.add_argument("--work")
    p.add_argument("--configs", default="one,ranks,over")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rank-args", default="")
    p.add_argument("--json")
    a = p.parse_args()
    picked = a.configs.split(",")
    if not picked or any(c not in ("one", "ranks", "over") for c in picked):
        sys.exit("--configs: a comma-separated list of one, ranks, over")
    work = a.work or tempfile.mkdtemp(prefix="w2v-bench-mpi-")
    os.makedirs(work, exist_ok=True)
    common = [a.corpus] + SETTINGS + ["--epochs", str(a.epochs), "--merge", a.merge]
    one = [a.w2v, "train"] + common + ["--threads", str(a.threads * a.ranks)]
    rank_args = a.rank_args.split()
    many = MPIRUN + ["-np", str(a.ranks), a.w2v, "train"] + common + [
        "--threads", str(a.threads)] + rank_args
    over = MPIRUN + ["-np", str(a.ranks + 1), a.w2v, "train"] + common + [
        "--threads", str(a.threads)] + rank_args
    configs = [c for c in [("one", "one process", one), ("ranks", f"{a.ranks} ranks", many),
                           ("over", f"{a.ranks + 1} ranks (oversubscribed)", over)]
               if c[0] in picked]
    results = {name: [] for _, name, _ in configs}
    for r in range(a.runs):
        for _, name, cmd in configs:
            seeded = cmd + ["--seed", str(a.seed + r)]
            res = run_train(seeded, work, f"{name.split(' (')[0].replace(' ', '_')}_{r}")
            res.update(evaluate(a.w2v, res["vectors"], a.eval))
            res["seed"] = a.seed + r
            results[name].append(res)
            print(f"run {r} {name}: seed {a.seed + r}, {res['train']:.2f} s training, "
                  f"semantic {res['semantic']:.2f}, syntactic {res['syntactic']:.2f}, "
                  f"analogy {res['analogy']:.2f}, ws353 {res['ws353']:.3f}",
                  file=sys.stderr, flush=True)
            if a.json:
                with open(a.json, "w") as f:
                    json.dump({"commands": {n: c for _, n, c in configs},
                               "runs": results}, f, indent=1)

    print(f"corpus {a.corpus}, {a.epochs} epochs, --merge {a.merge}, medians of {a.runs}")
    print(f"{'configuration':32} {'train s':>8} {'wall s':>7} {'words/s':>10} {'sem':>6} "
          f"{'syn':>6} {'total':>6} {'ws353':>6} {'sync MB/s/rank':>15} {'sync CPU %':>11}")
    for name, rs in results.items():
        med = lambda k: statistics.median(x[k] for x in rs)
        print(f"{name:32} {med('train'):8.2f} {med('wall'):7.2f} "
              f"{med('words') / med('train'):10.0f} {med('semantic'):6.2f} "
              f"{med('syntactic'):6.2f} {med('analogy'):6.2f} {med('ws353'):6.3f} "
              f"{med('sync_mb_s'):15.1f} {med('sync_cpu'):11.1f}")
    if "one" in picked and "ranks" in picked:
        base = statistics.median(x["train"] for x in results["one process"])
        ranks = statistics.median(x["train"] for x in results[f"{a.ranks} ranks"])
        paired = statistics.median(o["train"] / m["train"] for o, m in
                                   zip(results["one process"], results[f"{a.ranks} ranks"]))
        print(f"throughput of {a.ranks} ranks x {a.threads} threads against one process x "
              f"{a.threads * a.ranks} threads: {base / ranks:.3f} (ratio of medians), "
              f"{paired:.3f} (median of the {a.runs} paired runs)")
    print("commands (each run adds --seed S + run, -o and --metrics):\n  " +
          "\n  ".join(" ".join(c) for _, _, c in configs))


if __name__ == "__main__":
    main()
