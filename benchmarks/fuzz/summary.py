#!/usr/bin/env python3
"""Prints the fuzzing record as a Markdown table, from benchmarks/fuzz/results/TARGET/run-*/fuzzer_stats."""
import glob
import os

here = os.path.dirname(os.path.abspath(__file__))


def stats(path):
    with open(path) as f:
        return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in f if ":" in line)}


print("| target | runs | fuzzing time | executions | execs/s | corpus (queue → minimised) | saved crashes | saved hangs |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
total_time = total_execs = 0
for folder in sorted(glob.glob(os.path.join(here, "results", "*"))):
    target = os.path.basename(folder)
    if target in ("selftest", "experiments"):
        continue
    runs = [stats(p) for p in sorted(glob.glob(os.path.join(folder, "run-*", "fuzzer_stats")))]
    if not runs:
        continue
    seconds = sum(int(r["run_time"]) for r in runs)
    execs = sum(int(r["execs_done"]) for r in runs)
    queue = max(int(r["corpus_count"]) for r in runs)
    corpus = len(os.listdir(os.path.join(here, "corpus", target))) if os.path.isdir(os.path.join(here, "corpus", target)) else 0
    crashes = sum(int(r["saved_crashes"]) for r in runs)
    hangs = sum(int(r["saved_hangs"]) for r in runs)
    total_time += seconds
    total_execs += execs
    print(f"| `{target}` | {len(runs)} | {seconds // 60} min {seconds % 60:02d} s | {execs:,} | {execs / seconds:,.0f} | {queue} → {corpus} | {crashes} | {hangs} |")
print(f"| **total** | | **{total_time // 60} min** | **{total_execs:,}** | | | | |")
