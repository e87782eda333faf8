#!/usr/bin/env python3
"""Benchmarks for big corpora and long runs: token caches, flat memory, memory limits,
checkpoints. Each mode prints a small table and the commands it ran.

Usage: scripts/bench_big.py MODE CORPUS [options]
  memory      peak memory training from a cache of CORPUS and of CORPUS x TIMES, the latter
              with --min-count TIMES times as high, so that the vocabulary is the same and
              only the corpus length differs: VmHWM and the peak of RssAnon (sampled every
              20 ms from /proc/PID/status; RssAnon leaves out the mapped cache's page cache)
  throughput  training from text (ids in memory) and from a cache, the builds in turn:
              words/s of training (--metrics train_seconds), medians of RUNS
  limit       trainings in a cgroup v1 memory group smaller than the ids of CORPUS x TIMES:
              from its cache, and from its text with --memory-limit below the ids' size;
              then the same unconstrained; analogy and WordSim-353 of each
  sweep       `w2v prepare` then four trainings from the cache, against four trainings from
              text (dim 50/100 x min-count 5/20)
  checkpoint  training with and without --checkpoint (default interval), and every 10 s;
              then the time of --resume of the finished checkpoint
Options: --w2v PATH (default build/w2v), --work DIR (default: a folder beside CORPUS),
         --times N (10), --runs N (3), --epochs N (1), --limit-mb N (cgroup limit, default
         800), --fasttext SMALL_CORPUS (memory: also fastText's peak on it), --eval DIR
         (questions-words.txt and EN-WS-353-ALL.txt; default data/eval)
Run as root for `limit` (it makes a cgroup under /sys/fs/cgroup/memory).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# bench.sh's settings, with one epoch by default; --min-count and --dim are given per run.
SETTINGS = ["--merge", "dot", "--sample", "1e-4", "--window", "5", "--negative", "5",
            "--threads", "2", "-q"]
DEFAULTS = ["--dim", "100", "--min-count", "5"]


def run_sampled(cmd, cgroup=None):
    """Runs cmd; returns (seconds, VmHWM bytes, peak RssAnon bytes, exit status)."""
    start = time.time()
    proc = subprocess.Popen(cmd, preexec_fn=(lambda: join_cgroup(cgroup)) if cgroup else None)
    hwm = anon = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]) * 1024)
                    elif line.startswith("RssAnon:"):
                        anon = max(anon, int(line.split()[1]) * 1024)
        except OSError:
            pass
        time.sleep(0.02)
    return time.time() - start, hwm, anon, proc.returncode


def join_cgroup(group):
    with open(os.path.join(group, "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))


def metrics(path):
    with open(path) as f:
        return json.load(f)["results"]


def w2v(args, *rest):
    cmd = [args.w2v] + list(rest)
    print("  $", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def times_corpus(args):
    path = os.path.join(args.work, f"corpus-x{args.times}.txt")
    if not os.path.exists(path):
        with open(path, "wb") as out:
            for _ in range(args.times):
                with open(args.corpus, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 24)
    return path


def cache_of(args, text):
    cache = os.path.splitext(text)[0] + ".w2vc"
    if not os.path.exists(cache):
        w2v(args, "prepare", text, "-o", cache, "-q")
    return cache


def scores(args, vectors):
    out = subprocess.run([args.w2v, "eval", vectors, "--json",
                          "--analogies", os.path.join(args.eval, "questions-words.txt"),
                          "--similarity", os.path.join(args.eval, "EN-WS-353-ALL.txt")],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return 100 * j["analogies"]["total"]["accuracy"], j["similarity"][0]["spearman"]


def mode_memory(args):
    big = times_corpus(args)
    rows = []
    for label, text, times in (("x1", args.corpus, 1), (f"x{args.times}", big, args.times)):
        cache = cache_of(args, text)
        m = os.path.join(args.work, "m.json")
        cmd = [args.w2v, "train", cache, "-o", os.path.join(args.work, "v.bin"), "--epochs",
               str(args.epochs), "--metrics", m] + SETTINGS + ["--dim", "100", "--min-count",
                                                                 str(5 * times)]
        print("  $", " ".join(cmd), flush=True)
        secs, hwm, anon, rc = run_sampled(cmd)
        assert rc == 0, rc
        r = metrics(m)
        rows.append((label, r["vocab_size"], r["corpus_words"], secs, hwm, anon))
    if args.fasttext:
        cmd = ["fasttext", "skipgram", "-input", args.fasttext, "-output",
               os.path.join(args.work, "ft"), "-minn", "0", "-maxn", "0", "-dim", "100", "-ws",
               "5", "-neg", "5", "-t", "1e-4", "-minCount", "5", "-epoch", "1", "-thread", "2",
               "-verbose", "0"]
        print("  $", " ".join(cmd), flush=True)
        secs, hwm, anon, rc = run_sampled(cmd)
        rows.append(("fastText, small corpus", "", "", secs, hwm, anon))
        cache = cache_of(args, args.fasttext)
        m = os.path.join(args.work, "m.json")
        cmd = [args.w2v, "train", cache, "-o", os.path.join(args.work, "v.bin"), "--epochs", "1",
               "--metrics", m] + SETTINGS + DEFAULTS
        print("  $", " ".join(cmd), flush=True)
        secs, hwm, anon, rc = run_sampled(cmd)
        r = metrics(m)
        rows.append(("w2v from a cache, small corpus", r["vocab_size"], r["corpus_words"], secs,
                     hwm, anon))
    print("\n| corpus | vocabulary | tokens in it | seconds | VmHWM MB | peak RssAnon MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, vocab, words, secs, hwm, anon in rows:
        print(f"| {label} | {vocab} | {words} | {secs:.1f} | {hwm / 2**20:.0f} | {anon / 2**20:.0f} |")


def mode_throughput(args):
    cache = cache_of(args, args.corpus)
    rates = {"text": [], "cache": []}
    for _ in range(args.runs):
        for label, source in (("text", args.corpus), ("cache", cache)):
            m = os.path.join(args.work, "m.json")
            w2v(args, "train", source, "-o", os.path.join(args.work, "v.bin"), "--epochs",
                str(args.epochs), "--metrics", m, *SETTINGS, *DEFAULTS)
            rates[label].append(metrics(m)["words_per_second"])
    print("\n| source | training words/s (median) | runs |")
    print("|---|---:|---|")
    for label, r in rates.items():
        print(f"| {label} | {statistics.median(r):.0f} | {', '.join(f'{x:.0f}' for x in r)} |")
    print(f"cache / text: {statistics.median(rates['cache']) / statistics.median(rates['text']):.3f}")


def mode_limit(args):
    big = times_corpus(args)
    cache = cache_of(args, big)
    group = "/sys/fs/cgroup/memory/w2v-bench"
    os.makedirs(group, exist_ok=True)
    with open(os.path.join(group, "memory.limit_in_bytes"), "w") as f:
        f.write(str(args.limit_mb << 20))
    ids_mb = os.path.getsize(cache) / 2**20
    rows = []
    runs = [("cache, in the group", [cache], group),
            (f"text, --memory-limit 256M, in the group", [big, "--memory-limit", "256M"], group),
            ("cache, no limit", [cache], None),
            ("text, no limit", [big], None)]
    for label, source, cgroup in runs:
        out = os.path.join(args.work, "limit.bin")
        cmd = ([args.w2v, "train"] + source + ["-o", out, "--epochs", str(args.epochs)] + SETTINGS
               + DEFAULTS)
        print("  $", " ".join(cmd) + (" (in the cgroup)" if cgroup else ""), flush=True)
        secs, hwm, anon, rc = run_sampled(cmd, cgroup)
        a, ws = scores(args, out) if rc == 0 else (float("nan"), float("nan"))
        rows.append((label, rc, secs, hwm, anon, a, ws))
    os.rmdir(group)
    print(f"\ncgroup limit {args.limit_mb} MB; the cache of the corpus is {ids_mb:.0f} MB")
    print("| run | exit | seconds | VmHWM MB | peak RssAnon MB | analogy % | WS-353 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, rc, secs, hwm, anon, a, ws in rows:
        print(f"| {label} | {rc} | {secs:.1f} | {hwm / 2**20:.0f} | {anon / 2**20:.0f} | {a:.2f} | {ws:.3f} |")


def mode_sweep(args):
    grid = [("50", "5"), ("100", "5"), ("50", "20"), ("100", "20")]
    cache = os.path.join(args.work, "sweep.w2vc")
    if os.path.exists(cache):
        os.remove(cache)
    totals = {}
    for label, source in (("text", args.corpus), ("cache", cache)):
        start = time.time()
        if label == "cache":
            w2v(args, "prepare", args.corpus, "-o", cache, "-q")
        prepare = time.time() - start
        read = 0.0
        for dim, mc in grid:
            m = os.path.join(args.work, "m.json")
            w2v(args, "train", source, "-o", os.path.join(args.work, "s.bin"), "--epochs",
                str(args.epochs), "--metrics", m, *SETTINGS, "--dim", dim, "--min-count", mc)
            read += metrics(m)["read_seconds"]
        totals[label] = (time.time() - start, prepare, read)
    print("\n| four trainings | whole s | prepare s | reading (or mapping) s, summed |")
    print("|---|---:|---:|---:|")
    for label, (whole, prepare, read) in totals.items():
        print(f"| from {label} | {whole:.1f} | {prepare:.2f} | {read:.2f} |")


def mode_checkpoint(args):
    cache = cache_of(args, args.corpus)
    rows = {"none": [], "default (30m)": [], "every 10s": []}
    ck = os.path.join(args.work, "k.w2vk")
    for _ in range(args.runs):
        for label, extra in (("none", []), ("default (30m)", ["--checkpoint", ck]),
                             ("every 10s", ["--checkpoint", ck, "--checkpoint-every", "10s"])):
            m = os.path.join(args.work, "m.json")
            w2v(args, "train", cache, "-o", os.path.join(args.work, "c.bin"), "--epochs",
                str(args.epochs), "--metrics", m, *SETTINGS, *DEFAULTS, *extra)
            r = metrics(m)
            rows[label].append((r["train_seconds"], r["seconds"]))
    print("\n| checkpoints | training s (median) | whole s (median) |")
    print("|---|---:|---:|")
    for label, r in rows.items():
        print(f"| {label} | {statistics.median(x[0] for x in r):.2f} | "
              f"{statistics.median(x[1] for x in r):.2f} |")
    state_mb = os.path.getsize(ck) / 2**20
    secs = []
    for _ in range(args.runs):
        start = time.time()
        w2v(args, "train", "--resume", ck, "-o", os.path.join(args.work, "r.bin"), "-q")
        secs.append(time.time() - start)
    print(f"--resume of the finished checkpoint ({state_mb:.0f} MB): median "
          f"{statistics.median(secs):.2f} s, whole command (read, map the cache, write the vectors)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["memory", "throughput", "limit", "sweep", "checkpoint"])
    p.add_argument("corpus")
    p.add_argument("--w2v", default=os.path.join(ROOT, "build", "w2v"))
    p.add_argument("--work")
    p.add_argument("--times", type=int, default=10)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit-mb", type=int, default=800)
    p.add_argument("--fasttext")
    p.add_argument("--eval", default=os.path.join(ROOT, "data", "eval"))
    args = p.parse_args()
    args.corpus = os.path.abspath(args.corpus)
    args.work = args.work or os.path.join(os.path.dirname(args.corpus), "bench-big")
    os.makedirs(args.work, exist_ok=True)
    globals()["mode_" + args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
