#!/usr/bin/env python3
"""Soak analysis: reads a run-soak.sh output folder (process.jsonl, driver.jsonl, counters.csv, gcdump.jsonl, meta.json)
and prints, per metric, the growth over the last 20 minutes of traffic — the median of the window's last 2 minutes against the
median of its first 2 minutes (medians, so one GC or one slow interval does not decide) — and the least-squares trend
over the whole window as a percentage of its mean (every sample counts), the 5xx count, and writes an SVG plot.

    python3 benchmarks/soak/analyse.py RESULT_DIR [SVG]      # e.g. benchmarks/soak/results/sqlite-20261207 docs/soak-sqlite.svg

Judged (must not grow by more than 10 %): RSS, the retained managed heap, threads, open handles, the SCIM data in the
database and the provisioning log's bytes per row; and the log's rows must stay within what its retention allows.
Reported, not judged, and why:
  gc_heap_mb      the counters' heap after the last collection of any generation: mostly gen0 survivors waiting in gen1
                  for the next gen1 collection, so a sample says where it fell in that cycle, not whether anything grows.
                  gc_retained_mb (what survives a full blocking GC, from dotnet-gcdump) is judged instead.
  db_mb / db_used_mb  the database files (SQLite: scim.db + WAL; PostgreSQL: pg_database_size) and SQLite's pages in use.
                  Most of it is the provisioning log, which holds the requests of the last LOG_RETENTION: its size follows
                  the request rate of the last few minutes, which on a shared machine follows the machine's load. A leak
                  shows as data_mb (everything but the log) growing, as log_bytes_per_row growing (rows not reused,
                  bloat), or as log_rows_per_allowed above 1 (the retention pass not keeping up).
  p99_ms          follows the machine's load.
"""
import csv, json, re, statistics, sys
from datetime import datetime

folder = sys.argv[1]
svg_path = sys.argv[2] if len(sys.argv) > 2 else None
WINDOW, EDGE = 20 * 60, 2 * 60
LOG = "scim_provisioning_log"


def epoch(utc):
    return datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").timestamp()


def seconds(span):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", span or "5m")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)] if m else 300.0


def lines(name):
    try:
        return [json.loads(l) for l in open(f"{folder}/{name}") if l.strip()]
    except FileNotFoundError:
        return []


try:
    meta = json.load(open(f"{folder}/meta.json"))
except FileNotFoundError:
    meta = {}
retention = seconds(meta.get("log_retention"))
proc, drv, dumps = lines("process.jsonl"), lines("driver.jsonl"), lines("gcdump.jsonl")
drv = [d for d in drv if "t" in d]
MB = 1048576
series = {k: [] for k in ["rss_mb", "gc_retained_mb", "gc_heap_mb", "gc_gen2_loh_poh_mb", "threads", "fds", "data_mb",
                          "log_bytes_per_row", "log_rows_per_allowed", "log_rows", "db_mb", "db_used_mb", "p99_ms"]}
JUDGED = ["rss_mb", "gc_retained_mb", "threads", "fds", "data_mb", "log_bytes_per_row"]
# The retention pass keeps up when the log never holds more records than the requests of the retention period, plus the
# pass's interval (a tenth of the retention: records wait up to that long past their age), plus one driver interval
# (the driver counts a request in the interval it ended in). log_rows_per_allowed is that ratio: judged as a bound
# (never above 1 in the window), not as growth, since it follows the request rate of the last minutes.
ends = [(epoch(d["utc"]), d["requests"]) for d in drv]


def requests_before(t, span):
    return sum(n for e, n in ends if t - span < e <= t)


for p in proc:
    t = p["epoch"]
    series["rss_mb"].append((t, p["rss_kb"] / 1024))
    series["threads"].append((t, p["threads"]))
    series["fds"].append((t, p["fds"]))
    if p.get("db_bytes") is not None:
        series["db_mb"].append((t, p["db_bytes"] / MB))
    db = p.get("db")
    if not db:
        continue
    if "page_count" in db:
        series["db_used_mb"].append((t, (db["page_count"] - db["freelist_count"]) * db["page_size"] / MB))
    sizes, rows = db.get("bytes") or {}, db.get("rows") or {}
    if sizes:
        series["data_mb"].append((t, sum(v for k, v in sizes.items() if k != LOG) / MB))
    if rows.get(LOG, 0) >= 1000 and sizes.get(LOG):  # a nearly empty table is mostly its first pages
        series["log_bytes_per_row"].append((t, sizes[LOG] / rows[LOG]))
    if LOG in rows:
        series["log_rows"].append((t, rows[LOG]))
        # Only once the driver has run for a whole allowance (the seeding before it is logged too).
        allowance = retention * 1.1 + (meta.get("interval") or 15)
        if ends and t - allowance >= ends[0][0]:
            allowed = requests_before(t, allowance)
            if allowed:
                series["log_rows_per_allowed"].append((t, rows[LOG] / allowed))
heap, old = {}, {}
try:
    for row in csv.reader(open(f"{folder}/counters.csv")):
        if len(row) == 5 and row[2].startswith("dotnet.gc.last_collection.heap.size"):
            t = datetime.strptime(row[0], "%m/%d/%Y %H:%M:%S").timestamp()
            heap[t] = heap.get(t, 0) + float(row[4])
            if not re.search(r"generation=gen[01]\]", row[2]):
                old[t] = old.get(t, 0) + float(row[4])
except FileNotFoundError:
    pass
series["gc_heap_mb"] = sorted((t, v / MB) for t, v in heap.items())
series["gc_gen2_loh_poh_mb"] = sorted((t, v / MB) for t, v in old.items())
series["gc_retained_mb"] = [(d["epoch"], d["live_bytes"] / MB) for d in dumps]
for d in drv:
    if d.get("requests", 0) >= 100:  # the driver's last, partial interval is left out
        series["p99_ms"].append((epoch(d["utc"]), d["p99_ms"]))
# The window ends with the driver's traffic: after it, the driver reads back every user it created or deleted (tens of
# thousands of lookups, the 404s among them logged as failures), which is a check of the run, not part of the soak.
if ends:
    series = {k: [(t, v) for t, v in pts if t <= ends[-1][0]] for k, pts in series.items()}
end = max(t for s in series.values() for t, _ in s)
start = min(t for s in series.values() for t, _ in s)
w0 = end - WINDOW
print(f"folder {folder}: {(end - start) / 60:.1f} min sampled; window = last 20 min; growth = median(last 2 min) / median(first 2 min of window) - 1")
print(f"  judged: {', '.join(JUDGED)} (growth at most +10 %), log_rows_per_allowed (at most 1); the others are reported (see analyse.py for why)")
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
    mark = "*" if name in JUDGED + ["log_rows_per_allowed"] else " "
    print(f" {mark}{name:<20} {a:10.2f} -> {b:10.2f}   growth {g:+6.1f} %   least-squares trend over 20 min {trend:+6.1f} %   (window min {min(v for t, v in win):.2f}, max {max(v for t, v in win):.2f}, {len(win)} samples)")
errors = sum(d.get("server_errors", 0) for d in drv)
reqs = sum(d.get("requests", 0) for d in drv)
loads = [p["loadavg"] for p in proc]
w_reqs = [n for e, n in ends if e >= w0]
print(f"  requests {reqs}, 5xx {errors}; requests per 15-s interval in the window min/median/max {min(w_reqs, default=0)}/{statistics.median(w_reqs) if w_reqs else 0}/{max(w_reqs, default=0)}")
print(f"  load average min/median/max {min(loads)}/{statistics.median(loads)}/{max(loads)}")
bound = max((v for t, v in series["log_rows_per_allowed"] if t >= w0), default=None)
missing = [k for k in JUDGED if k not in result] + (["log_rows_per_allowed"] if bound is None else [])
if bound is not None:
    print(f"  provisioning log: at most {bound:.2f} of the records the retention allows (rows / requests of the last {retention * 1.1 + (meta.get('interval') or 15):.0f} s)")
print("  verdict: " + ("PASS" if errors == 0 and not missing and all(result[k] <= 10 for k in JUDGED) and bound <= 1 else "CHECK") +
      " (judged metrics within +10 %, the log within its retention, no 5xx" + (f"; no samples for {', '.join(missing)}" if missing else "") +
      "; p99 is reported, and on a shared machine follows its load)")

if svg_path:
    # One panel per metric; a second, grey line where a raw figure stands behind the judged one.
    panels = [("rss_mb", None), ("gc_retained_mb", "gc_heap_mb"), ("threads", None), ("fds", None), ("data_mb", None),
              ("log_bytes_per_row", None), ("log_rows_per_allowed", None), ("db_mb", "db_used_mb"), ("p99_ms", None)]
    panels = [(a, b) for a, b in panels if series[a]]
    W, H, pad = 900, 130, 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H * len(panels) + 40}" font-family="sans-serif" font-size="12">',
           f'<text x="{pad}" y="20" font-size="14">Soak {folder.rstrip("/").split("/")[-1]}: {(end - start) / 60:.0f} min, {reqs} requests, {errors} 5xx (shaded: the last 20 min; * judged)</text>']
    x = lambda t: pad + (t - start) / (end - start) * (W - 2 * pad)
    for i, (name, ghost) in enumerate(panels):
        top = 30 + i * H
        pts, gpts = series[name], series[ghost] if ghost else []
        vmax = max(v for _, v in pts + gpts) * 1.1 or 1
        y = lambda v: top + H - 25 - v / vmax * (H - 40)
        out.append(f'<rect x="{x(w0):.1f}" y="{top + 15}" width="{x(end) - x(w0):.1f}" height="{H - 40}" fill="#eef"/>')
        out.append(f'<line x1="{pad}" y1="{top + H - 25}" x2="{W - pad}" y2="{top + H - 25}" stroke="#999"/>')
        label = f'{"*" if name in JUDGED + ["log_rows_per_allowed"] else ""}{name} (max axis {vmax:.1f}; growth last 20 min {result.get(name, 0):+.1f} %)'
        if ghost:
            label += f'; grey: {ghost} {result.get(ghost, 0):+.1f} %'
        out.append(f'<text x="{pad}" y="{top + 12}">{label}</text>')
        for line, colour in ((gpts, "#aaa"), (pts, "#36c")):
            if line:
                path = " ".join(f"{'M' if j == 0 else 'L'}{x(t):.1f},{y(v):.1f}" for j, (t, v) in enumerate(line))
                out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        out.append(f'<text x="{W - pad + 4}" y="{top + H - 22}">{(end - start) / 60:.0f} min</text>')
    out.append("</svg>")
    open(svg_path, "w").write("\n".join(out) + "\n")
    print(f"  plot: {svg_path}")
