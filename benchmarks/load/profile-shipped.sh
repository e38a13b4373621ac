#!/usr/bin/env bash
# Where the shipped host's time goes per userName eq request (issue #17): src/Jostle.Scim.Host as shipped (SQLite, API
# key, provisioning log on, default logging, --rate-limit 0), N users seeded straight into SQLite, WARMUP unrecorded
# seconds of wrk, then `perf record` (user and kernel stacks of the host process only, 999 Hz) during DURATION seconds
# of wrk on the same query. So that perf can name every managed frame, the profiled host runs with
# DOTNET_PerfMapEnabled=1 (JIT-compiled methods go to /tmp/perf-PID.map), DOTNET_EnableWriteXorExecute=0 (code is not
# double-mapped through an anonymous file perf cannot match with the map) and DOTNET_ReadyToRun=0 (the framework's
# precompiled code, which the map does not list, is JIT-compiled instead; hot code is re-compiled at tier 1 either way).
# Writes the flat profile (self time per symbol) and an inclusive breakdown by component (frames matched by name:
# authentication, key store, the user query, serialisation, provisioning log, logging, Kestrel, GC/JIT/kernel) to OUT.
#
#   benchmarks/load/profile-shipped.sh [N=10000]
#
# Env: DURATION=20 WARMUP=30 CONNECTIONS=10 PORT=5590 HOST_DIR (a built host, default: Release build of the tree),
#      URL_PATH (default the userName eq query; e.g. /scim/v2/ServiceProviderConfig),
#      OUT=benchmarks/load/results/profile-<utc time>.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n="${1:-10000}"
duration="${DURATION:-20}" warmup="${WARMUP:-30}" connections="${CONNECTIONS:-10}" port="${PORT:-5590}"
command -v perf > /dev/null || { echo "error: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
mkdir -p "$root/benchmarks/load/results"
out="${OUT:-$root/benchmarks/load/results/profile-$(date -u +%Y%m%dT%H%M%SZ).txt}"
work=$(mktemp -d)
hp=""
cleanup() { [ -z "$hp" ] || { kill "$hp" 2>/dev/null || true; wait "$hp" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

bin="${HOST_DIR:-$work/bin}"
if [ -z "${HOST_DIR:-}" ]; then
  dotnet build "$root/src/Jostle.Scim.Host" -c Release -v q -nologo -o "$bin" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
fi
dotnet build "$root/benchmarks/Jostle.Scim.BulkSeed" -c Release -v q -nologo -o "$work/seed" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
mkdir -p "$work/data"
dotnet "$bin/Jostle.Scim.Host.dll" keys create --tenant load --description bench --json --data "$work/data" > "$work/key.json" 2> /dev/null
key=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).key)' "$work/key.json")
dotnet "$work/seed/Jostle.Scim.BulkSeed.dll" --sqlite "$work/data/scim.db" --tenant load --prefix seed --users "$n" \
  --base-url "http://127.0.0.1:$port/scim/v2/" > /dev/null
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 dotnet "$bin/Jostle.Scim.Host.dll" --urls "http://127.0.0.1:$port" --data "$work/data" --rate-limit 0 > "$work/host.log" 2>&1 &
hp=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/health"; do kill -0 "$hp" || exit 1; sleep 0.2; done
filter=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "userName eq \"seed-$((n / 2))@example.com\"")
url="http://127.0.0.1:$port${URL_PATH:-/scim/v2/Users?filter=$filter}"
WRK_TOKEN="$key" wrk -t1 -c"$connections" -d"${warmup}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > /dev/null
load=$(cut -d" " -f1-3 /proc/loadavg)
perf record -F 999 -g -p "$hp" -o "$work/perf.data" -- sleep "$duration" 2> "$work/perf-record.log" &
perf_pid=$!
WRK_TOKEN="$key" wrk -t1 -c"$connections" -d"${duration}s" -s "$root/benchmarks/load/wrk-report.lua" "$url" > "$work/wrk.out"
wait "$perf_pid"
kill "$hp"; wait "$hp" 2>/dev/null || true; hp=""
perf script -i "$work/perf.data" 2> /dev/null > "$work/perf.script"
{
  echo "# profile of src/Jostle.Scim.Host (SQLite, API key, provisioning log on), N=$n, GET ${URL_PATH:-userName eq}"
  echo "# head $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+changes'), load average $load, wrk -c$connections ${duration}s:"
  sed -n 's/^WRKJSON /# /p' "$work/wrk.out"
  node "$root/benchmarks/load/perf-breakdown.js" "$work/perf.script"
} > "$out"
cat "$out"
echo "profile: $out" >&2
