#!/usr/bin/env bash
# Soak: DURATION seconds (default 1800) of steady mixed Entra traffic (benchmarks/Jostle.Scim.CycleDriver "soak" mode:
# lookups, user PATCHes, group member add/remove, user delete + re-create — see SoakRunner.cs) against the host as
# shipped (src/Jostle.Scim.Host, Release, API key, provisioning log on) on SQLite or on a private PostgreSQL cluster.
# Every INTERVAL seconds it samples the server process: VmRSS (/proc/PID/status), threads (/proc/PID/task), open handles
# (/proc/PID/fd), CPU seconds (/proc/PID/stat), database size (SQLite: scim.db + WAL; PostgreSQL: pg_database_size),
# the load average, and the GC heap (the runtime's System.Runtime counters through dotnet-counters, a tool, not a
# dependency: `dotnet tool install dotnet-counters --tool-path DIR`, then DOTNET_COUNTERS=DIR/dotnet-counters). The
# driver writes p50/p99/max latency and outcomes (5xx) per interval. benchmarks/soak/analyse.py turns the raw files
# into growth figures and an SVG.
#
#   benchmarks/soak/run-soak.sh sqlite|postgres
#
# Env: DURATION=1800 INTERVAL=15 RATE=100 (operations/s) USERS=2000 GROUP_COUNT=20 CONCURRENCY=4 PORT=5600
#      LOG_RETENTION=5m (provisioning log records older than this are purged every 30 s — the host runs its retention pass
#      at a tenth of the retention — so the database reaches a steady size; the default 30d grows the log for 30 days by design)
#      OUT_DIR=benchmarks/soak/results/<target>-<utc time>  HOST_DLL  DOTNET_COUNTERS  PG_BIN
# Raw output in OUT_DIR: process.jsonl (sampler), driver.jsonl (intervals), counters.csv, result.json, host.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/cycle/pg-throwaway.sh"
target="${1:?usage: run-soak.sh sqlite|postgres}"
DURATION="${DURATION:-1800}" INTERVAL="${INTERVAL:-15}" RATE="${RATE:-100}" USERS="${USERS:-2000}" GROUP_COUNT="${GROUP_COUNT:-20}"
CONCURRENCY="${CONCURRENCY:-4}" PORT="${PORT:-5600}" LOG_RETENTION="${LOG_RETENTION:-5m}"
out="${OUT_DIR:-$root/benchmarks/soak/results/$target-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
counters_bin="${DOTNET_COUNTERS:-$(command -v dotnet-counters || true)}"
work=$(mktemp -d)
server_pid= counters_pid= sampler_pid=
cleanup() {
  for p in $sampler_pid $counters_pid $server_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pg_throwaway_stop
  rm -rf "$work"
}
trap cleanup EXIT

host_dll="${HOST_DLL:-$root/src/Jostle.Scim.Host/bin/Release/net10.0/Jostle.Scim.Host.dll}"
driver="$root/benchmarks/Jostle.Scim.CycleDriver/bin/Release/net10.0/Jostle.Scim.CycleDriver.dll"
for p in benchmarks/Jostle.Scim.CycleDriver ${HOST_DLL:+}src/Jostle.Scim.Host; do
  [ -n "${HOST_DLL:-}" ] && [ "$p" = src/Jostle.Scim.Host ] && continue
  dotnet build "$root/$p" -c Release -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
done

# Run copies, so a rebuild during a 30-minute soak does not replace the files under the running processes.
cp -r "$(dirname "$host_dll")" "$work/host" && host_dll="$work/host/$(basename "$host_dll")"
cp -r "$(dirname "$driver")" "$work/driver" && driver="$work/driver/$(basename "$driver")"

case "$target" in
  postgres) pg_throwaway_start $((PORT + 1000)); db=(--postgres "$pg_cs") ;;
  sqlite) mkdir -p "$work/data"; db=(--data "$work/data") ;;
  *) echo "error: target must be sqlite or postgres" >&2; exit 2 ;;
esac
db_size() {
  if [ "$target" = postgres ]; then
    psql -h 127.0.0.1 -p $((PORT + 1000)) -U postgres -d scim_cycle -Atc "select pg_database_size(current_database())" 2>/dev/null || echo null
  else
    cat "$work/data/scim.db" "$work/data/scim.db-wal" 2>/dev/null | wc -c
  fi
}

key=$(dotnet "$host_dll" keys create --tenant soak --description soak --json "${db[@]}" 2> "$work/key.err" | jq -r .key) \
  || { cat "$work/key.err" >&2; exit 1; }
Logging__LogLevel__Default=Warning dotnet "$host_dll" --urls "http://127.0.0.1:$PORT" "${db[@]}" --rate-limit 0 \
  --log-retention "$LOG_RETENTION" > "$out/host.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break; sleep 0.2; done
# The server process itself (dotnet exec's child when run through a muxer is the same PID here: `dotnet x.dll` execs in-process).
pid=$server_pid

if [ -n "$counters_bin" ]; then
  "$counters_bin" collect -p "$pid" --refresh-interval "$INTERVAL" --format csv -o "$out/counters.csv" --counters System.Runtime \
    > "$work/counters.log" 2>&1 &
  counters_pid=$!
else
  echo "note: dotnet-counters not found (set DOTNET_COUNTERS): no GC heap samples" >&2
fi

ticks=$(getconf CLK_TCK)
( while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    threads=$(ls "/proc/$pid/task" 2>/dev/null | wc -l)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    cpu=$(awk -v t="$ticks" '{printf "%.2f", ($14 + $15) / t}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    printf '{"utc":"%s","epoch":%s,"rss_kb":%s,"threads":%s,"fds":%s,"cpu_s":%s,"db_bytes":%s,"loadavg":%s}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(date +%s)" "$rss" "$threads" "$fds" "$cpu" "$(db_size)" "$(cut -d' ' -f1 /proc/loadavg)"
    sleep "$INTERVAL"
  done ) >> "$out/process.jsonl" &
sampler_pid=$!

echo "soak $target: $DURATION s at $RATE op/s, $USERS users, $GROUP_COUNT groups, concurrency $CONCURRENCY -> $out" >&2
status=0
dotnet "$driver" soak --url "http://127.0.0.1:$PORT/scim/v2" --token "$key" --users "$USERS" --groups "$GROUP_COUNT" \
  --concurrency "$CONCURRENCY" --rate "$RATE" --duration "$DURATION" --interval "$INTERVAL" --prefix soak \
  --samples "$out/driver.jsonl" --label "soak $target" --out "$out/result.json" > /dev/null || status=1
grep -c '"Level":"Error"\|fail:' "$out/host.log" > "$out/host-errors.count" || true
echo "done: $(cat "$out/result.json")" >&2
exit $status
