#!/usr/bin/env bash
# Issue #12: `userName eq` at 100 000 users, the entity-mapped store next to the document store (EfScimUserStore),
# both on SQLite files, a hit and a miss (Entra's Test Connection), in the same BenchmarkDotNet run
# (MappedVsDocumentBenchmarks, short job, in process: BenchmarkDotNet's own rebuild of the project times out on
# this busy 2-core box). Runs it RUNS times (default 3), each with freshly seeded files, writes each
# run's raw BenchmarkDotNet reports to benchmarks/Jostle.Scim.Benchmarks/results/<OUT>/run<n>/ (OUT defaults to
# mapped-vs-document-<UTC date and time>, so a later run never overwrites an earlier one) with the load average
# before and after, then prints (and writes to <OUT>/summary.txt) the median of the runs' means and allocations and
# the ratios mapped/document.
#
#   benchmarks/run-mapped-bench.sh
#   OUT=mapped-vs-document-after RUNS=3 benchmarks/run-mapped-bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
out="$root/benchmarks/Jostle.Scim.Benchmarks/results/${OUT:-mapped-vs-document-$(date -u +%Y%m%dT%H%MZ)}"
if [ -e "$out/summary.txt" ]; then
  echo "error: $out already has results; choose another OUT" >&2
  exit 1
fi
mkdir -p "$out"
# SEED_DIR: a folder already seeded by an earlier run (or by `dotnet run -c Release --project
# benchmarks/Jostle.Scim.Benchmarks -- mapped-loop 1`); its files are copied for the runs instead of seeding per run.
# On a very busy machine the seeding in the global setup can exceed BenchmarkDotNet's 5-minute in-process limit.
export JOSTLE_MAPBENCH_DIR
JOSTLE_MAPBENCH_DIR=$(mktemp -d)
trap 'rm -rf "$JOSTLE_MAPBENCH_DIR"' EXIT

dotnet build -c Release -v q --nologo "$root/benchmarks/Jostle.Scim.Benchmarks" > /dev/null
for n in $(seq 1 "$runs"); do
  rm -f "$JOSTLE_MAPBENCH_DIR"/*.db   # each run seeds its own 100 000 rows (once, shared by its four cases)
  if [ -n "${SEED_DIR:-}" ]; then
    cp "$SEED_DIR"/mapped-100000.db "$SEED_DIR"/document-100000.db "$JOSTLE_MAPBENCH_DIR"/
  fi
  dir="$out/run$n"
  rm -rf "$dir" && mkdir -p "$dir"
  { echo "start $(date -u +%FT%TZ) $(cat /proc/loadavg)"; echo "commit $(git -C "$root" rev-parse HEAD 2> /dev/null || echo "${COMMIT:-unknown}")"; echo "seed ${SEED_DIR:-seeded in this run}"; } > "$dir/loadavg.txt"
  if ! dotnet run -c Release --no-build --project "$root/benchmarks/Jostle.Scim.Benchmarks" -- \
      --filter '*MappedVsDocumentBenchmarks*' --exporters json --artifacts "$dir" > "$dir/bdn.log" 2>&1; then
    tail -n 30 "$dir/bdn.log" >&2
    echo "error: run $n failed (see $dir/bdn.log)" >&2
    exit 1
  fi
  echo "end $(date -u +%FT%TZ) $(cat /proc/loadavg)" >> "$dir/loadavg.txt"
  echo "run $n done: $dir" >&2
done

python3 - "$out" "$runs" <<'PY' | tee "$out/summary.txt"
import glob, json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
means = {}
allocated = {}
for n in range(1, runs + 1):
    report = glob.glob(f"{out}/run{n}/results/*MappedVsDocumentBenchmarks-report-full-compressed.json") or glob.glob(f"{out}/run{n}/results/*MappedVsDocumentBenchmarks-report*.json")
    for b in json.load(open(report[0]))["Benchmarks"]:
        means.setdefault(b["Method"], []).append(b["Statistics"]["Mean"] / 1000)  # ns -> us
        allocated.setdefault(b["Method"], []).append(b["Memory"]["BytesAllocatedPerOperation"] / 1024)  # KB
loads = [open(f"{out}/run{n}/loadavg.txt").read().split("\n")[0].split()[2] for n in range(1, runs + 1)]
median = {m: statistics.median(v) for m, v in means.items()}
for m in ["MappedHit", "DocumentHit", "MappedMiss", "DocumentMiss"]:
    print(f"{m:13} median {median[m]:9.1f} us   runs {', '.join(f'{x:.1f}' for x in means[m])}")
print(f"ratio mapped/document: hit {median['MappedHit'] / median['DocumentHit']:.2f}, miss {median['MappedMiss'] / median['DocumentMiss']:.2f}")
kb = {m: statistics.median(v) for m, v in allocated.items()}
for m in ["MappedHit", "DocumentHit", "MappedMiss", "DocumentMiss"]:
    print(f"{m:13} allocated median {kb[m]:6.1f} KB/call   runs {', '.join(f'{x:.1f}' for x in allocated[m])}")
print(f"allocation ratio mapped/document: hit {kb['MappedHit'] / kb['DocumentHit']:.2f}, miss {kb['MappedMiss'] / kb['DocumentMiss']:.2f}")
print(f"1-minute load average at the start of each run: {', '.join(loads)}")
PY
