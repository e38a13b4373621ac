#!/usr/bin/env bash
# The server people run, side by side in one run (issue #17): GET /Users?filter=userName eq "<a seeded user>" with wrk
# against
#   host     — src/Jostle.Scim.Host as shipped: SQLite (--data in a temporary folder, synchronous=FULL), API-key
#              authentication (a key from `keys create`), provisioning log on, default logging; only --rate-limit 0;
#   trivial  — the same host process's GET /scim/v2/ServiceProviderConfig behind the same key (the ceiling);
#   scimmy   — the SCIMMY peer (../shared/peers via benchmarks/peers.sh) with INDEX=1, its best case;
#   and, with BASE given, hostA / trivialA: the same two on a Release build of the host at git ref BASE (A/B of a change).
# Every server is started and seeded first (N users: the hosts straight into SQLite by benchmarks/Jostle.Scim.BulkSeed,
# SCIMMY over HTTP by the cycle driver), then ROUNDS rounds each run every target once, in turn (one wrk at a time, so
# they never compete for the cores; idle servers only wait), each after WARMUP unrecorded seconds. Each line records
# requests/s, p50/p99, the server's CPU per request (utime+stime from /proc/PID/stat over the recorded run) and the
# load average; the summary gives medians and ratios. Loopback only.
#
#   benchmarks/load/run-shipped.sh [BASE] [N=10000]        (BASE "" or "-": no A/B)
#
# Env: ROUNDS=3 DURATION=5 WARMUP=3 CONNECTIONS=10 PORT_BASE=5500 TARGETS (default "host trivial scimmy", plus
#      "hostA trivialA" with BASE), HOST_ENV (extra environment for the hosts, e.g. "DOTNET_TieredPGO=0"),
#      OUT=benchmarks/load/results/shipped-<utc time>.jsonl, PEERS_SRC / PEERS_DIR (see benchmarks/peers.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/peers.sh"
base="${1:-}"; [ "$base" = "-" ] && base=""
n="${2:-10000}"
rounds="${ROUNDS:-3}" duration="${DURATION:-5}" warmup="${WARMUP:-3}" connections="${CONNECTIONS:-10}" port="${PORT_BASE:-5500}"
targets="${TARGETS:-host trivial scimmy${base:+ hostA trivialA}}"
command -v wrk > /dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
mkdir -p "$root/benchmarks/load/results"
out="${OUT:-$root/benchmarks/load/results/shipped-$(date -u +%Y%m%dT%H%M%SZ).jsonl}"
work=$(mktemp -d)
declare -A pid url token
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -z "$base" ] || git -C "$root" worktree remove --force "$work/base" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

build() { # build PROJECT_DIR OUTDIR
  dotnet build "$1" -c Release -v q -nologo -o "$2" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
}
echo "building the host, the bulk seeder and the cycle driver (Release) ..." >&2
build "$root/src/Jostle.Scim.Host" "$work/bin-B"
build "$root/benchmarks/Jostle.Scim.BulkSeed" "$work/bin-seed"
build "$root/benchmarks/Jostle.Scim.CycleDriver" "$work/bin-driver"
if [ -n "$base" ]; then
  echo "building the host at $(git -C "$root" rev-parse --short "$base") (A) ..." >&2
  git -C "$root" worktree add --detach "$work/base" "$base" > /dev/null 2>&1
  build "$work/base/src/Jostle.Scim.Host" "$work/bin-A"
fi
case " $targets " in *" scimmy "*) ensure_peers ;; esac
query_user="seed-$((n / 2))@example.com"
filter=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "userName eq \"$query_user\"")

# start_host SIDE (A|B): a fresh SQLite database with one key and N users, then the host on it; sets port_SIDE, key_SIDE.
start_host() {
  local side="$1" p="$port" data="$work/data-$1"
  port=$((port + 1))
  mkdir -p "$data"
  dotnet "$work/bin-$side/Jostle.Scim.Host.dll" keys create --tenant load --description bench --json --data "$data" > "$work/key-$side.json" 2> "$work/key-$side.err" ||
    { cat "$work/key-$side.err" >&2; exit 1; }
  local key; key=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).key)' "$work/key-$side.json")
  dotnet "$work/bin-seed/Jostle.Scim.BulkSeed.dll" --sqlite "$data/scim.db" --tenant load --prefix seed --users "$n" \
    --base-url "http://127.0.0.1:$p/scim/v2/" > "$work/seed-$side.out" || exit 1
  env ${HOST_ENV:-} dotnet "$work/bin-$side/Jostle.Scim.Host.dll" --urls "http://127.0.0.1:$p" --data "$data" --rate-limit 0 \
    > "$work/host-$side.log" 2>&1 &
  local hp=$!
  wait_http "http://127.0.0.1:$p/health" 120
  local suffix=""; [ "$side" = A ] && suffix=A
  pid[host$suffix]=$hp; pid[trivial$suffix]=$hp
  token[host$suffix]="$key"; token[trivial$suffix]="$key"
  url[host$suffix]="http://127.0.0.1:$p/scim/v2/Users?filter=$filter"
  url[trivial$suffix]="http://127.0.0.1:$p/scim/v2/ServiceProviderConfig"
}

case " $targets " in *" host "* | *" trivial "*) start_host B ;; esac
case " $targets " in *" hostA "* | *" trivialA "*) start_host A ;; esac
case " $targets " in
  *" scimmy "*)
    p=$port; port=$((port + 1))
    PORT="$p" TOKEN=peer-secret INDEX=1 QUIET=1 node "$peers/scimmy-server.js" > "$work/scimmy.log" 2>&1 &
    pid[scimmy]=$!
    wait_http "http://127.0.0.1:$p/healthz"
    echo "seeding SCIMMY with $n users over HTTP ..." >&2
    dotnet "$work/bin-driver/Jostle.Scim.CycleDriver.dll" seed --url "http://127.0.0.1:$p/scim/v2" --token peer-secret --prefix seed \
      --start 0 --users "$n" --concurrency 8 --label "scimmy seed" --out "$work/scimmy-seed.jsonl" > /dev/null
    token[scimmy]=peer-secret
    url[scimmy]="http://127.0.0.1:$p/scim/v2/Users?filter=$filter"
    ;;
esac

# Every lookup target must find exactly the one user (a benchmark of empty answers would measure the wrong thing).
for t in $targets; do
  case "$t" in trivial*) continue ;; esac
  total=$(curl -fsS -H "Authorization: Bearer ${token[$t]}" "${url[$t]}" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).totalResults)')
  [ "$total" = 1 ] || { echo "error: $t finds $total users for $query_user, not 1" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
: > "$out"
for round in $(seq 1 "$rounds"); do
  for t in $targets; do
    echo "== round $round/$rounds: $t" >&2
    WRK_TOKEN="${token[$t]}" wrk -t1 -c"$connections" -d"${warmup}s" -s "$root/benchmarks/load/wrk-report.lua" "${url[$t]}" > /dev/null
    load=$(cut -d" " -f1-3 /proc/loadavg)
    before=$(cpu_ticks "${pid[$t]}")
    WRK_TOKEN="${token[$t]}" wrk -t1 -c"$connections" -d"${duration}s" -s "$root/benchmarks/load/wrk-report.lua" "${url[$t]}" > "$work/wrk.out"
    after=$(cpu_ticks "${pid[$t]}")
    sed -n 's/^WRKJSON //p' "$work/wrk.out" | node -e '
      const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const [target, round, n, before, after, tick, load] = process.argv.slice(1);
      const cpuMs = (after - before) * 1000 / tick;
      console.log(JSON.stringify({ target, round: +round, n: +n, ...r, server_cpu_ms_per_request: +(cpuMs / r.requests_total).toFixed(4), loadavg: load }));
    ' "$t" "$round" "$n" "$before" "$after" "$tick" "$load" | tee -a "$out"
  done
done

node - "$out" "${base:+$(git -C "$root" rev-parse "$base")}" "$(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+changes')" <<'JS' | tee -a "$out"
const fs = require("node:fs");
const rows = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.target);
const med = (t, k) => { const v = rows.filter((r) => r.target === t).map((r) => r[k]).sort((a, b) => a - b); return v.length ? v[v.length >> 1] : undefined; };
const s = { summary: true, base: process.argv[3] || null, head: process.argv[4], rounds: Math.max(...rows.map((r) => r.round)) };
for (const t of [...new Set(rows.map((r) => r.target))])
  for (const k of ["requests_per_sec", "latency_ms_p50", "latency_ms_p99", "server_cpu_ms_per_request"]) s[`${t}_${k}`] = med(t, k);
const ratio = (a, b, k = "requests_per_sec") => (med(a, k) && med(b, k) ? +(med(a, k) / med(b, k)).toFixed(3) : undefined);
s.host_over_scimmy = ratio("host", "scimmy");
s.host_over_trivial = ratio("host", "trivial");
s.hostA_over_scimmy = ratio("hostA", "scimmy");
s.hostA_over_trivialA = ratio("hostA", "trivialA");
s.host_over_hostA = ratio("host", "hostA");
s.host_over_hostA_cpu_per_request = ratio("host", "hostA", "server_cpu_ms_per_request");
s.scimmy_cpu_over_host_cpu = ratio("scimmy", "host", "server_cpu_ms_per_request");
console.log(JSON.stringify(Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))));
JS
echo "raw runs and summary: $out" >&2
