#!/usr/bin/env bash
# Where the shipped host's CPU goes during Entra's initial cycle on SQLite (issue #17): src/Jostle.Scim.Host as shipped
# (SQLite, synchronous=FULL, API key from `keys create`, provisioning log on, logging at Warning as run-cycle.sh runs it,
# --rate-limit 0), an untimed WARMUP_USERS-user cycle first (a running server), then `perf record` (user and kernel
# stacks of the host process only, 999 Hz) during one measured cycle of N users (benchmarks/Jostle.Scim.CycleDriver,
# the same bodies and mix as run-cycle.sh: GET userName eq + POST per user, group GET + POST, member PATCHes). The host
# runs with DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0 so perf names every managed
# frame (see benchmarks/load/profile-shipped.sh). Writes the cycle's driver line, the server CPU per request (from
# /proc, with perf attached: higher than without), and the breakdown by component (benchmarks/cycle/cycle-components.js:
# user create / group commit, user lookup, group PATCH members, provisioning log, EF SaveChanges / change tracking /
# query, SQLite ADO and native, fsync, JSON, auth, Kestrel, GC, JIT, kernel) and the flat profile to OUT.
#
#   benchmarks/cycle/profile-cycle-sqlite.sh [N=10000]
#
# Env: WARMUP_USERS=10000 (0: profile a fresh process's first cycle), PORT=6290, HOST_DIR (a built host directory;
#      default: a Release build of this tree), OUT=benchmarks/cycle/results/profile-sqlite-<utc time>.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n="${1:-10000}"
warm="${WARMUP_USERS:-10000}" port="${PORT:-6290}"
command -v perf > /dev/null || { echo "error: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
mkdir -p "$root/benchmarks/cycle/results"
out="${OUT:-$root/benchmarks/cycle/results/profile-sqlite-$(date -u +%Y%m%dT%H%M%SZ).txt}"
work=$(mktemp -d)
hp=""
cleanup() { [ -z "$hp" ] || { kill "$hp" 2>/dev/null || true; wait "$hp" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

bin="${HOST_DIR:-$work/bin}"
if [ -z "${HOST_DIR:-}" ]; then
  dotnet build "$root/src/Jostle.Scim.Host" -c Release -v q -nologo -o "$bin" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
fi
dotnet build "$root/benchmarks/Jostle.Scim.CycleDriver" -c Release -v q -nologo -o "$work/driver" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
driver="$work/driver/Jostle.Scim.CycleDriver.dll"
mkdir -p "$work/data"
dotnet "$bin/Jostle.Scim.Host.dll" keys create --tenant load --description bench --json --data "$work/data" > "$work/key.json" 2> /dev/null
key=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).key)' "$work/key.json")
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 Logging__LogLevel__Default=Warning \
  dotnet "$bin/Jostle.Scim.Host.dll" --urls "http://127.0.0.1:$port" --data "$work/data" --rate-limit 0 > "$work/host.log" 2>&1 &
hp=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/health"; do kill -0 "$hp" || exit 1; sleep 0.2; done
base="http://127.0.0.1:$port/scim/v2"
if [ "$warm" -gt 0 ]; then
  dotnet "$driver" cycle --url "$base" --token "$key" --users "$warm" --groups 10 --members 100 --prefix warm --no-verify \
    --label warm-up > /dev/null
fi
load=$(cut -d" " -f1-3 /proc/loadavg)
perf record -F 999 -g -p "$hp" -o "$work/perf.data" 2> "$work/perf-record.log" &
perf_pid=$!
sleep 1
cpu_before=$(awk '{print $14 + $15}' "/proc/$hp/stat")
dotnet "$driver" cycle --url "$base" --token "$key" --users "$n" --label "sqlite profiled" > "$work/cycle.json"
cpu_after=$(awk '{print $14 + $15}' "/proc/$hp/stat")
kill -INT "$perf_pid"; wait "$perf_pid" || true
kill "$hp"; wait "$hp" 2>/dev/null || true; hp=""
perf script -i "$work/perf.data" 2> /dev/null > "$work/perf.script"
{
  echo "# profile of src/Jostle.Scim.Host on SQLite (synchronous=FULL, API key, provisioning log on) during an Entra initial cycle of N=$n users"
  echo "# $( [ "$warm" -gt 0 ] && echo "running server (after an untimed $warm-user cycle)" || echo "fresh process")"
  echo "# head $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+changes'), load average $load"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop());
    const ms = ((process.argv[3] - process.argv[2]) * 1000) / process.argv[4] / r.operations;
    console.log(`# cycle: ${r.status}, ${r.operations} requests in ${r.wall_seconds} s; server CPU ${ms.toFixed(3)} ms/request with perf attached`);
    for (const k of r.kinds) console.log(`#   ${k.kind}: ${k.count}, p50 ${k.p50_ms} ms, p99 ${k.p99_ms} ms`);' \
    "$work/cycle.json" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)"
  node "$root/benchmarks/load/perf-breakdown.js" "$work/perf.script" "$root/benchmarks/cycle/cycle-components.js"
} > "$out"
cat "$out"
echo "profile: $out" >&2
