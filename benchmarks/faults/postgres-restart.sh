#!/usr/bin/env bash
# PostgreSQL restarted under load: the host (Release, API key, provisioning log on) on a private PostgreSQL cluster,
# mixed Entra traffic from the cycle driver's soak mode (creates, deletes, PATCHes, lookups; it records every
# acknowledged create and delete), and meanwhile the cluster is stopped (pg_ctl -m fast) for OUTAGE seconds and started
# again. During the outage a probe checks that a SCIM request fails fast with 503, Retry-After and a SCIM error body, and
# that /health answers 503; after it, that the host answers again by itself. At the end the driver checks that every
# acknowledged create is present (GET /Users/{id}, right userName) and every acknowledged delete is gone.
#
#   benchmarks/faults/postgres-restart.sh
#
# Env: DURATION=60 (driver seconds) STOP_AT=20 OUTAGE=10 RATE=100 CONCURRENCY=4 PORT=5700 OUT=benchmarks/faults/results/postgres-restart-<utc>.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/cycle/pg-throwaway.sh"
DURATION="${DURATION:-60}" STOP_AT="${STOP_AT:-20}" OUTAGE="${OUTAGE:-10}" RATE="${RATE:-100}" CONCURRENCY="${CONCURRENCY:-4}" PORT="${PORT:-5700}"
out="${OUT:-$root/benchmarks/faults/results/postgres-restart-$(date -u +%Y%m%dT%H%M%SZ).txt}"
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
server_pid= driver_pid=
cleanup() {
  for p in $driver_pid $server_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pg_throwaway_stop; rm -rf "$work"
}
trap cleanup EXIT
for p in benchmarks/Jostle.Scim.CycleDriver src/Jostle.Scim.Host; do
  dotnet build "$root/$p" -c Release -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
done
host_dll="$root/src/Jostle.Scim.Host/bin/Release/net10.0/Jostle.Scim.Host.dll"
driver="$root/benchmarks/Jostle.Scim.CycleDriver/bin/Release/net10.0/Jostle.Scim.CycleDriver.dll"
exec > >(tee "$out") 2>&1
echo "# postgres-restart $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git -C "$root" rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
pg_port=$((PORT + 1000))
pg_throwaway_start "$pg_port"
key=$(dotnet "$host_dll" keys create --tenant faults --description faults --json --postgres "$pg_cs" 2> "$work/key.err" | jq -r .key)
Logging__LogLevel__Default=Warning dotnet "$host_dll" --urls "http://127.0.0.1:$PORT" --postgres "$pg_cs" --rate-limit 0 > "$work/host.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$PORT/scim/v2"

probe() { # one SCIM lookup and /health: status, Retry-After, time, body
  curl -s -o "$work/body" -D "$work/headers" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $key" \
    "$base/Users?filter=userName%20eq%20%22probe%40example.com%22" > "$work/code"
  printf 'probe %s: SCIM GET -> %s s, Retry-After: %s, body: %s | /health -> %s\n' "$1" "$(cat "$work/code")" \
    "$(grep -i '^retry-after:' "$work/headers" | tr -d '\r' | cut -d' ' -f2)" "$(head -c 300 "$work/body")" \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")"
}

dotnet "$driver" soak --url "$base" --token "$key" --users 500 --groups 5 --concurrency "$CONCURRENCY" --rate "$RATE" \
  --duration "$DURATION" --interval 2 --prefix restart --label "postgres restart" --out "$work/result.json" > "$work/intervals.jsonl" &
driver_pid=$!
# The outage starts STOP_AT seconds into the measured traffic (the driver's set-up — 500 users — comes first).
until [ -s "$work/intervals.jsonl" ]; do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.5; done
sleep "$STOP_AT"
probe "before the outage"
echo "$(date -u +%H:%M:%S) stopping PostgreSQL (pg_ctl stop -m fast)"
pg_as "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null
sleep 1
probe "during the outage"
sleep $((OUTAGE - 1))
probe "during the outage, later"
echo "$(date -u +%H:%M:%S) starting PostgreSQL"
pg_as "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/data/server.log" -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" -w start > /dev/null
sleep 2
probe "after the restart"
status=0
wait "$driver_pid" || status=$?
driver_pid=
echo "## driver intervals (2 s each): requests, p99, max latency and outcomes by status"
jq -c 'select(.t != null) | {t, requests, p99_ms, max_ms, outcomes}' "$work/intervals.jsonl" || true
echo "## driver result (verify_* = acknowledged writes checked after the run)"
cat "$work/result.json"
echo "## host log: distinct messages at Warning and above (first 8)"
jq -r 'select(.LogLevel == "Warning" or .LogLevel == "Error" or .LogLevel == "Critical") | "\(.LogLevel) \(.Category): \(.Message | .[0:160])"' "$work/host.log" 2>/dev/null \
  | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}|[0-9]+(\.[0-9]+)? ms|correlation [^)]*/#/g' | sort | uniq -c | sort -rn | head -8 || true
echo "## host log: error-level records $(grep -c '"LogLevel":"Error"\|"Level":"Error"\|fail:' "$work/host.log" || true), 500s $(grep -c '"Status":500' "$work/host.log" || true), store-unavailable warnings $(grep -c 'store is unavailable' "$work/host.log" || true)"
lost=$(jq '.verify_lost_or_wrong + .verify_deleted_but_present' "$work/result.json")
fivehundreds=$(jq '[.outcomes | to_entries[] | select(.key == "500")] | length' "$work/result.json")
during=$(grep -c 'during the outage.*-> 503 ' "$out" || true)
after=$(grep -c 'after the restart: SCIM GET -> 200 ' "$out" || true)
echo "## verdict: lost acknowledged writes $lost, 500 outcomes $fivehundreds, outage probes answered 503 $during/2, recovered $after/1"
[ "$lost" = 0 ] && [ "$fivehundreds" = 0 ] && [ "$during" = 2 ] && [ "$after" = 1 ] || exit 1
