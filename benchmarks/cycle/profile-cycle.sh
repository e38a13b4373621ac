#!/usr/bin/env bash
# Where the in-memory load host's CPU goes per request of Entra's initial cycle (issue #17): benchmarks/Jostle.Scim.LoadHost
# (the Core pipeline on the in-memory stores, static bearer token, limiter off), an untimed warm-up cycle of WARMUP_USERS
# users (prefix "warm", 10 groups x 100 members) so the server is a running one, then `perf record` (user and kernel
# stacks of the host process only, 999 Hz) during a measured cycle of N users run by benchmarks/Jostle.Scim.CycleDriver
# (per user GET filter userName eq + POST; 100 groups GET + POST; PATCH members 10 at a time). The profiled host runs
# with DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0 and DOTNET_ReadyToRun=0 so that perf names every managed
# frame (see benchmarks/load/profile-shipped.sh). Writes to OUT: the cycle's JSON line with the server's CPU per
# request (utime+stime from /proc over the measured cycle), then benchmarks/cycle/cycle-breakdown.js's output: samples
# per request kind (a sample belongs to the kind whose handler is on its stack), an inclusive breakdown by component
# overall and per kind, and the flat (self) profile overall and per kind; shares are also shown as microseconds of CPU
# per request.
#
#   benchmarks/cycle/profile-cycle.sh [N=10000]
#
# Env: WARMUP_USERS=10000 PORT=6150 CONCURRENCY=8 GROUP_COUNT=100 MEMBERS=100 MEMBER_BATCH=10,
#      LOADHOST_DIR (a built load host, default: Release build of this tree), FREQ=999,
#      OUT=benchmarks/cycle/results/profile-<utc time>.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n="${1:-10000}"
warm="${WARMUP_USERS:-10000}" port="${PORT:-6150}" conc="${CONCURRENCY:-8}"
command -v perf > /dev/null || { echo "error: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
mkdir -p "$root/benchmarks/cycle/results"
out="${OUT:-$root/benchmarks/cycle/results/profile-$(date -u +%Y%m%dT%H%M%SZ).txt}"
work=$(mktemp -d)
hp=""
cleanup() { [ -z "$hp" ] || { kill "$hp" 2>/dev/null || true; wait "$hp" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

bin="${LOADHOST_DIR:-$work/bin}"
if [ -z "${LOADHOST_DIR:-}" ]; then
  dotnet build "$root/benchmarks/Jostle.Scim.LoadHost" -c Release -v q -nologo -o "$bin" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
fi
dotnet build "$root/benchmarks/Jostle.Scim.CycleDriver" -c Release -v q -nologo -o "$work/driver" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
driver="$work/driver/Jostle.Scim.CycleDriver.dll"
token=cycle-secret
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 \
  dotnet "$bin/Jostle.Scim.LoadHost.dll" --urls "http://127.0.0.1:$port" --token "$token" --rate-limit 0 > "$work/host.log" 2>&1 &
hp=$!
until grep -q '^ready ' "$work/host.log"; do kill -0 "$hp" 2>/dev/null || { cat "$work/host.log" >&2; exit 1; }; sleep 0.2; done
base="http://127.0.0.1:$port/scim/v2"
common=(--member-batch "${MEMBER_BATCH:-10}" --concurrency "$conc")
if [ "$warm" -gt 0 ]; then
  dotnet "$driver" cycle --url "$base" --token "$token" --users "$warm" --groups 10 --members 100 "${common[@]}" \
    --prefix warm --no-verify --label "loadhost warm-up" > /dev/null 2> "$work/warm.err" || { cat "$work/warm.err" >&2; exit 1; }
fi
load=$(cut -d" " -f1-3 /proc/loadavg)
perf record -F "${FREQ:-999}" -g -p "$hp" -o "$work/perf.data" 2> "$work/perf-record.log" &
perf_pid=$!
sleep 1
cpu_before=$(awk '{print $14 + $15}' "/proc/$hp/stat")
dotnet "$driver" cycle --url "$base" --token "$token" --users "$n" --groups "${GROUP_COUNT:-100}" --members "${MEMBERS:-100}" \
  "${common[@]}" --no-verify --label "loadhost profiled" > "$work/cycle.json" 2> "$work/cycle.err" || { cat "$work/cycle.err" >&2; exit 1; }
cpu_after=$(awk '{print $14 + $15}' "/proc/$hp/stat")
kill -INT "$perf_pid"; wait "$perf_pid" || true
kill "$hp"; wait "$hp" 2>/dev/null || true; hp=""
perf script -i "$work/perf.data" 2> /dev/null > "$work/perf.script"
requests=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").pop()).operations)' "$work/cycle.json")
cpu_ms=$(node -e 'const [b,a,t,r]=process.argv.slice(1).map(Number);console.log(((a-b)*1000/t/r).toFixed(4))' "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" "$requests")
{
  echo "# profile of benchmarks/Jostle.Scim.LoadHost (in-memory stores), Entra cycle N=$n after a $warm-user warm-up cycle"
  echo "# head $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- src benchmarks/Jostle.Scim.LoadHost || echo '+changes'), load average $load, $(nproc) cores"
  echo "# server CPU during the measured cycle (utime+stime from /proc, perf running): $cpu_ms ms/request over $requests requests"
  sed 's/^/# /' "$work/cycle.json"
  node "$root/benchmarks/cycle/cycle-breakdown.js" "$work/perf.script" "$cpu_ms"
} > "$out"
cat "$out"
echo "profile: $out" >&2
