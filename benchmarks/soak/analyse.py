#!/usr/bin/env python3
"""Soak analysis: reads a run-soak.sh output folder (process.jsonl, driver.jsonl, counters.csv) and prints, per metric,
the growth over the last 20 minutes — the median of the window's last 2 minutes against the median of its first 2 minutes
(medians, so one GC or one slow interval does not decide) — and the least-squares trend over the whole window as a
percentage of its mean (every sample counts, so a sawtooth such as the GC heap between collections does not decide either) — the 5xx count, and writes an SVG plot.

    python3 benchmarks/soak/analyse.py RESULT_DIR [SVG]      # e.g. benchmarks/soak/results/sqlite docs/soak-sqlite.svg
"""
import csv, json, statistics, sys
from datetime import datetime

folder = sys.argv[1]
svg_path = sys.argv[2] if len(sys.argv) > 2 else None
WINDOW, EDGE = 20 * 60, 2 * 60

def epoch(utc):
    return datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").timestamp()

proc = [json.loads(l) for l in open(f"{folder}/process.jsonl") if l.strip()]
drv = [json.loads(l) for l in open(f"{folder}/driver.jsonl") if l.strip()]
series = {k: [] for k in ["rss_mb", "gc_heap_mb", "threads", "fds", "db_mb", "p99_ms"]}
for p in proc:
    t = p["epoch"]
    series["rss_mb"].append((t, p["rss_kb"] / 1024))
    series["threads"].append((t, p["threads"]))
    series["fds"].append((t, p["fds"]))
    if p["db_bytes"] is not None:
        series["db_mb"].append((t, p["db_bytes"] / 1048576))
heap = {}
try:
    for row in csv.reader(open(f"{folder}/counters.csv")):
        if len(row) == 5 and row[2].startswith("dotnet.gc.last_collection.heap.size"):
            t = datetime.strptime(row[0], "%m/%d/%Y %H:%M:%S").timestamp()
            heap[t] = heap.get(t, 0) + float(row[4])
except FileNotFoundError:
    pass
series["gc_heap_mb"] = sorted((t, v / 1048576) for t, v in heap.items())
for d in drv:
    if d.get("requests", 0) >= 100:  # the driver's last, partial interval is left out
        series["p99_ms"].append((epoch(d["utc"]), d["p99_ms"]))
end = max(t for s in series.values() for t, _ in s)
start = min(t for s in series.values() for t, _ in s)
w0 = end - WINDOW
print(f"folder {folder}: {(end - start) / 60:.1f} min sampled; window = last 20 min; growth = median(last 2 min) / median(first 2 min of window) - 1")
result = {}
for name, pts in series.items():
    first = [v for t, v in pts if w0 <= t < w0 + EDGE]
    last = [v for t, v in pts if t >= end - EDGE]
    if not first or not last:
        continue
    a, b = statistics.median(first), statistics.median(last)
    g = (b - a) / a * 100 if a else 0.0
    result[name] = g
    win = [(t, v) for t, v in pts if t >= w0]
    mt, mv = statistics.mean(t for t, _ in win), statistics.mean(v for _, v in win)
    slope = sum((t - mt) * (v - mv) for t, v in win) / (sum((t - mt) ** 2 for t, _ in win) or 1)
    trend = slope * WINDOW / mv * 100 if mv else 0.0
    print(f"  {name:<11} {a:10.1f} -> {b:10.1f}   growth {g:+6.1f} %   least-squares trend over 20 min {trend:+6.1f} %   (window min {min(v for t, v in pts if t >= w0):.1f}, max {max(v for t, v in pts if t >= w0):.1f})")
errors = sum(d.get("server_errors", 0) for d in drv if "t" in d)
reqs = sum(d.get("requests", 0) for d in drv if "t" in d)
loads = [p["loadavg"] for p in proc]
print(f"  requests {reqs}, 5xx {errors}; load average min/median/max {min(loads)}/{statistics.median(loads)}/{max(loads)}")
print("  verdict: " + ("PASS" if errors == 0 and all(v <= 10 for k, v in result.items() if k != "p99_ms") else "CHECK") +
      " (memory, threads, handles, database within +10 %, no 5xx; p99 is reported, and on a shared machine follows its load)")

if svg_path:
    W, H, pad, rows = 900, 130, 60, list(series.items())
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H * len(rows) + 40}" font-family="sans-serif" font-size="12">',
           f'<text x="{pad}" y="20" font-size="14">Soak {folder.rstrip("/").split("/")[-1]}: {(end - start) / 60:.0f} min, {reqs} requests, {errors} 5xx (shaded: the last 20 min)</text>']
    for i, (name, pts) in enumerate(rows):
        top = 30 + i * H
        if not pts:
            continue
        vmax = max(v for _, v in pts) * 1.1 or 1
        x = lambda t: pad + (t - start) / (end - start) * (W - 2 * pad)
        y = lambda v: top + H - 25 - v / vmax * (H - 40)
        out.append(f'<rect x="{x(w0):.1f}" y="{top + 15}" width="{x(end) - x(w0):.1f}" height="{H - 40}" fill="#eef"/>')
        out.append(f'<line x1="{pad}" y1="{top + H - 25}" x2="{W - pad}" y2="{top + H - 25}" stroke="#999"/>')
        out.append(f'<text x="{pad}" y="{top + 12}">{name} (max axis {vmax:.1f}; growth last 20 min {result.get(name, 0):+.1f} %)</text>')
        path = " ".join(f"{'M' if j == 0 else 'L'}{x(t):.1f},{y(v):.1f}" for j, (t, v) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="#36c" stroke-width="1.5"/>')
        out.append(f'<text x="{W - pad + 4}" y="{top + H - 22}">{(end - start) / 60:.0f} min</text>')
    out.append("</svg>")
    open(svg_path, "w").write("\n".join(out) + "\n")
    print(f"  plot: {svg_path}")
