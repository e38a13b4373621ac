#!/usr/bin/env bash
# A/B of the userName eq hot path across a code change, in one run: builds Jostle.Scim.LoadHost (Release, in-memory
# stores) at BASE (a git ref, default HEAD~1) and at the working tree, seeds N users in each (in-process, untimed),
# then alternates ROUNDS wrk runs A, B, A, B … of GET /Users?filter=userName eq "<a seeded user>" (one host at a time,
# so they never compete for the cores), each after WARMUP unrecorded seconds. Prints every run, the medians and the
# ratio B/A for requests/s, p50, p99 and the server's CPU per request (utime+stime from /proc/PID/stat). Loopback only.
#
#   benchmarks/load/run-ab.sh [BASE=HEAD~1] [N=10000]
#
# Env: ROUNDS=3 DURATION=5 WARMUP=3 CONNECTIONS=10 PORT=5390, OUT=benchmarks/load/results/ab-<utc time>.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base="${1:-HEAD~1}"
n="${2:-10000}"
rounds="${ROUNDS:-3}" duration="${DURATION:-5}" warmup="${WARMUP:-3}" connections="${CONNECTIONS:-10}" port="${PORT:-5390}"
token=load-secret
command -v wrk > /dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
mkdir -p "$root/benchmarks/load/results"
out="${OUT:-$root/benchmarks/load/results/ab-$(date -u +%Y%m%dT%H%M%SZ).txt}"
work=$(mktemp -d)
pid=""
cleanup() {
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  git -C "$root" worktree remove --force "$work/base" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building A = $(git -C "$root" rev-parse --short "$base") and B = working tree (Release) ..." >&2
git -C "$root" worktree add --detach "$work/base" "$base" > /dev/null 2>&1
for side in base:A work:B; do
  src="${side%%:*}" name="${side##*:}"
  dir="$root"; [ "$src" = base ] && dir="$work/base"
  dotnet build "$dir/benchmarks/Jostle.Scim.LoadHost" -c Release -v q -nologo -o "$work/bin-$name" > "$work/build-$name.log" 2>&1 ||
    { tail -n 30 "$work/build-$name.log" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME: starts host NAME seeded with N users, warms up, measures one wrk run, stops it; prints one line.
run() {
  local name="$1" log="$work/$1.log"
  dotnet "$work/bin-$name/Jostle.Scim.LoadHost.dll" --urls "http://127.0.0.1:$port" --token "$token" --seed "$n" > "$log" 2>&1 &
  pid=$!
  until grep -q '^ready ' "$log"; do kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }; sleep 0.2; done
  local user url
  user=$(sed -n 's/^ready .*query_user=\([^ ]*\).*/\1/p' "$log")
  url="http://127.0.0.1:$port/scim/v2/Users?filter=userName%20eq%20%22$user%22"
  WRK_TOKEN="$token" wrk -t1 -c"$connections" -d"${warmup}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > /dev/null
  local before after
  before=$(cpu_ticks "$pid")
  WRK_TOKEN="$token" wrk -t1 -c"$connections" -d"${duration}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > "$work/wrk.out"
  after=$(cpu_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  local json
  json=$(sed -n 's/^WRKJSON //p' "$work/wrk.out")
  local tick; tick=$(getconf CLK_TCK)
  node -e '
    const r = JSON.parse(process.argv[1]); const cpuMs = (process.argv[3] - process.argv[2]) * 1000 / process.argv[4];
    console.log(JSON.stringify({side: process.argv[5], n: +process.argv[6], ...r, server_cpu_ms_per_request: +(cpuMs / r.requests_total).toFixed(4)}));
  ' "$json" "$before" "$after" "$tick" "$name" "$n"
}

: > "$out"
for i in $(seq 1 "$rounds"); do
  run A | tee -a "$out"
  run B | tee -a "$out"
done

node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const med = (side, key) => { const v = lines.filter(l => l.side === side).map(l => l[key]).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
  const keys = ["requests_per_sec", "latency_ms_p50", "latency_ms_p99", "server_cpu_ms_per_request"];
  const summary = {summary: true, base: process.argv[2], rounds: lines.length / 2};
  for (const k of keys) { summary["A_" + k] = med("A", k); summary["B_" + k] = med("B", k); summary["ratio_B_over_A_" + k] = +(med("B", k) / med("A", k)).toFixed(3); }
  console.log(JSON.stringify(summary));
' "$out" "$(git -C "$root" rev-parse "$base")" | tee -a "$out"
echo "raw runs and summary: $out" >&2
