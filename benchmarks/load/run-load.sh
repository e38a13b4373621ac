#!/usr/bin/env bash
# Load driver, side by side in one run: seed N users over HTTP, then measure
# GET /Users?filter=userName eq "<user N/2>" (requests/s, p50/p99) against
#   1. ours      — Jostle.Scim.LoadHost (Release, in-memory stores, static bearer token),
#   2. peer      — SCIMMY (../shared/peers/scimmy-server.js) with INDEX=1, its best case,
#   3. trivial   — Jostle.Scim.LoadHost --trivial: same Kestrel host and auth, a fixed small answer (the ceiling),
# all with the peers' load.sh (autocannon; same DURATION/CONNECTIONS for each), one server at a time so they
# never compete for the cores. When wrk is installed, each target is also measured with wrk (one thread, same
# connections and duration, benchmarks/load/wrk-report.lua) right after autocannon, on the same query: autocannon
# runs on Node.js and needs about a core itself, which caps what it can show on a 2-core machine. Then ours at 1 000 and at BIG users (seeded in-process through /Bulk with
# --seed, not timed) to show latency does not grow with N. Loopback only.
#
#   benchmarks/load/run-load.sh [N=10000]
#
# Env: DURATION=5 CONNECTIONS=10 (autocannon and wrk), WRK=auto|0, BIG=1000000 (0 skips the scale runs), PORT_BASE=5300,
#      SCALE_ONLY=1 (only the 1 000 vs BIG runs, wrk only), RUNS=3 (wrk runs per size in the scale runs, each with the
#      host's garbage-collector figures before and after: GET /_diag/gc) after WARMUP=5 unrecorded seconds, HOST_ENV="DOTNET_gcServer=1 ..." and HOST_ARGS="--no-settle" (scale hosts),
#      OUT=benchmarks/load/results/<utc time>.jsonl, PEERS_SRC / PEERS_DIR (see benchmarks/peers.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/peers.sh"
N="${1:-10000}"
export DURATION="${DURATION:-5}" CONNECTIONS="${CONNECTIONS:-10}"
BIG="${BIG:-1000000}"
port="${PORT_BASE:-5300}"
token=load-secret
mkdir -p "$root/benchmarks/load/results"
out="${OUT:-$root/benchmarks/load/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl}"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ensure_peers
echo "building the load host (Release) ..." >&2
dotnet build "$root/benchmarks/Jostle.Scim.LoadHost" -c Release -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
host_dll="$root/benchmarks/Jostle.Scim.LoadHost/bin/Release/net10.0/Jostle.Scim.LoadHost.dll"

# start_host NAME ARGS...: starts the load host and waits for its "ready" line (printed after any --seed).
start_host() {
  local name="$1"; shift
  env ${HOST_ENV:-} dotnet "$host_dll" --urls "http://127.0.0.1:$port" --token "$token" "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  local i=0
  until grep -q '^ready ' "$work/$name.log"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.log" >&2; echo "error: $name exited" >&2; exit 1; }
    i=$((i + 1)); [ "$i" -lt 6000 ] || { echo "error: $name is not ready after 20 min" >&2; exit 1; }
    sleep 0.2
  done
  grep '^ready ' "$work/$name.log" >&2
}

stop_last() { local p="${pids[-1]}"; kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; unset 'pids[-1]'; port=$((port + 1)); }

use_wrk=0
if [ "${WRK:-auto}" != "0" ] && command -v wrk > /dev/null; then use_wrk=1; fi

# load LABEL N [QUERY_USER]: runs the peers' load.sh against the current port (seeding N users, then autocannon),
# then wrk on the same query; appends one JSON line each.
load() {
  local label="$1" n="$2" query="${3:-}" line user
  echo "== $label" >&2
  line=$(LABEL="$label" QUERY_USER="$query" "$peers/load.sh" "http://127.0.0.1:$port/scim/v2" "$token" "$n")
  echo "$line" | tee -a "$out"
  [ "$use_wrk" = 1 ] || return 0
  user=$(node -e 'const q = JSON.parse(process.argv[1]).query; console.log(q.slice(q.indexOf("\"") + 1, -1))' "$line")
  local url="http://127.0.0.1:$port/scim/v2/Users?filter=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "userName eq \"$user\"")"
  WRK_TOKEN="$token" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > "$work/wrk.out"
  sed -n 's/^WRKJSON //p' "$work/wrk.out" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(JSON.stringify({label: process.argv[1] + " (wrk)", ...r}));' "$label" | tee -a "$out"
}

: > "$out"
# scale LABEL QUERY_USER: RUNS wrk runs on the current port, each line with the GC counters' change during the run.
scale() {
  local label="$1" user="$2" r before after
  local url="http://127.0.0.1:$port/scim/v2/Users?filter=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "userName eq \"$user\"")"
  if [ "${WARMUP:-5}" != 0 ]; then
    # Unrecorded: right after seeding the first seconds are always the worst (JIT tiering, the GC returning the seed's
    # garbage to the OS), at any size; the recorded runs measure the steady state.
    WRK_TOKEN="$token" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP:-5}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > /dev/null
  fi
  for r in $(seq 1 "${RUNS:-3}"); do
    echo "== $label run $r" >&2
    before=$(curl -fsS "http://127.0.0.1:$port/_diag/gc")
    WRK_TOKEN="$token" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > "$work/wrk.out"
    after=$(curl -fsS "http://127.0.0.1:$port/_diag/gc")
    sed -n 's/^WRKJSON //p' "$work/wrk.out" | node -e '
      const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const [label, run, b, a, load] = process.argv.slice(1), B = JSON.parse(b), A = JSON.parse(a);
      const gc = { heap_mb: Math.round(A.heap_mb), working_set_mb: Math.round(A.working_set_mb), server_gc: A.server_gc,
        gen0: A.gen0 - B.gen0, gen1: A.gen1 - B.gen1, gen2: A.gen2 - B.gen2,
        gc_pause_ms: +(A.pause_total_ms - B.pause_total_ms).toFixed(1),
        allocated_kb_per_request: +((A.allocated_mb - B.allocated_mb) * 1024 / r.requests_total).toFixed(2) };
      console.log(JSON.stringify({ label: label + " (wrk)", run: +run, ...r, gc, loadavg: load }));' "$label" "$r" "$before" "$after" "$(cut -d" " -f1-3 /proc/loadavg)" | tee -a "$out"
  done
}

if [ "${SCALE_ONLY:-0}" = 1 ]; then
  [ "$BIG" != "0" ] || { echo "error: SCALE_ONLY=1 needs BIG > 0" >&2; exit 1; }
  for n in 1000 "$BIG"; do
    start_host "ours-$n" --seed "$n" ${HOST_ARGS:-}
    q=$(sed -n 's/^ready .*query_user=\([^ ]*\).*/\1/p' "$work/ours-$n.log")
    scale "ours seeded=$n" "$q"
    stop_last
  done
  node "$root/benchmarks/load/scale-summary.js" "$out"
  exit 0
fi

start_host ours
load "ours N=$N" "$N"
stop_last

PORT="$port" TOKEN="$token" INDEX=1 QUIET=1 node "$peers/scimmy-server.js" > "$work/peer.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port/healthz"
load "peer N=$N" "$N"
stop_last

start_host trivial --trivial
load "trivial" 0 "bjensen@example.com"
stop_last

if [ "$BIG" != "0" ]; then
  for n in 1000 "$BIG"; do
    start_host "ours-$n" --seed "$n"
    q=$(sed -n 's/^ready .*query_user=\([^ ]*\).*/\1/p' "$work/ours-$n.log")
    load "ours seeded=$n" 0 "$q"
    stop_last
  done
fi

node - "$out" <<'JS'
const fs = require("node:fs");
const rows = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const by = (p) => rows.find((r) => r.label.startsWith(p));
const f = (x, d = 0) => (x === undefined ? "-" : Number(x).toFixed(d));
console.log("| run | seeded | seed s | req/s | p50 ms | p99 ms | non-2xx | errors |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  const seeded = r.n_seeded ?? (r.label.match(/(?:seeded|N)=(\d+)/) || [])[1] ?? "-";
  console.log(`| ${r.label} | ${seeded} | ${f(r.seed_seconds, 1)} | ${f(r.requests_per_sec)} | ${f(r.latency_ms_p50)} | ${f(r.latency_ms_p99)} | ${r.non2xx} | ${r.errors} |`);
}
const ratio = (a, b) => (a && b ? (a.requests_per_sec / b.requests_per_sec).toFixed(2) : "-");
console.log("");
for (const gen of ["", " (wrk)"]) {
  const pick = (p) => rows.find((r) => r.label.startsWith(p) && r.label.endsWith(gen) && (gen || !r.label.endsWith(" (wrk)")));
  const ours = pick("ours N="), peer = pick("peer"), trivial = pick("trivial");
  if (!ours) continue;
  const name = gen ? "wrk" : "autocannon";
  console.log(`${name}: ours/peer req/s ${ratio(ours, peer)} (target >= 10); ours/trivial req/s ${ratio(ours, trivial)} (target >= 0.5); p50/p99 ms ours ${ours.latency_ms_p50}/${ours.latency_ms_p99}, peer ${peer ? peer.latency_ms_p50 + "/" + peer.latency_ms_p99 : "-"}, trivial ${trivial ? trivial.latency_ms_p50 + "/" + trivial.latency_ms_p99 : "-"}`);
  const scale = rows.filter((r) => r.label.startsWith("ours seeded=") && r.label.endsWith(gen) && (gen || !r.label.endsWith(" (wrk)")));
  if (scale.length > 1)
    console.log(`${name}: ` + scale.map((r) => `seeded ${r.label.match(/seeded=(\d+)/)[1]}: ${r.requests_per_sec.toFixed(0)} req/s, p50/p99 ${r.latency_ms_p50}/${r.latency_ms_p99} ms`).join("; "));
}
console.log(`raw lines: ${process.argv[2]}`);
JS
