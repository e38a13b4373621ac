#!/usr/bin/env bash
# Entra ID initial provisioning cycle, side by side in one run (benchmarks/Jostle.Scim.CycleDriver, "cycle" mode):
# for each of N users GET /Users?filter=userName eq (empty) then POST /Users; then G groups (GET filter displayName eq,
# POST empty); then M members per group by PATCH {"op":"Add","path":"members",...}, B members per PATCH. Targets:
#   loadhost  — Jostle.Scim.LoadHost: our endpoints on the in-memory stores (the ceiling), limiter off;
#   scimmy    — the SCIMMY peer (../shared/peers via benchmarks/peers.sh), INDEX=1 (userName index: its best case);
#   sqlite    — src/Jostle.Scim.Host on SQLite (--data in a temporary folder), --rate-limit 0;
#   sqlite-base — the same as sqlite, but the host built at BASE_HOST_DLL (e.g. a Release build of main in a
#               `git worktree add --detach`), so a branch (A = base, B = sqlite) is measured side by side in one run;
#   sqlite-normal — the same host on SQLite with --sqlite-sync normal (no sync per commit: survives a process kill,
#               not a power cut; not the default, so not in the default TARGETS);
#   postgres  — the same host on a throwaway PostgreSQL cluster (pg-throwaway.sh), --rate-limit 0.
# One server at a time, each fresh, so they never compete for the cores; with REPEAT=k the targets take turns k times
# (round-robin, so each sees about the same machine) and the summary quotes medians. Each cycle's line also carries the
# server's own CPU during the measured cycle (utime+stime of its process from /proc: server_cpu_seconds,
# server_cpu_ms_per_request), whether it was a fresh process, and the load average. A host target is skipped with
# a message when src/Jostle.Scim.Host does not exist (yet). Loopback only.
#
#   benchmarks/cycle/run-cycle.sh [N=10000]
#
# Env: TARGETS="loadhost scimmy sqlite postgres", GROUP_COUNT=100 MEMBERS=100 MEMBER_BATCH=10 CONCURRENCY=8 REPEAT=1,
#      MEMBER_ORDER=spread|grouped, SCIMMY_INDEX=1, PORT_BASE=5400, HOST_DLL (default: the Release build of
#      src/Jostle.Scim.Host), HOST_LOG_LEVEL=Warning (Logging__LogLevel__Default for the host), PG_BIN,
#      LOOKUP_SIZES="" (e.g. "10000 1000000": after the cycles, per host target, seed up to each size through
#      POST /Users and measure LOOKUP_REQUESTS=20000 random userName eq lookups after each), SEED=http|bulk (bulk:
#      the first 10 users over HTTP, the rest straight into the database by benchmarks/Jostle.Scim.BulkSeed —
#      the same engine and entity mapping, many rows per transaction), LOOKUP_RUNS=1 (lookup runs per size),
#      REPEAT=0 skips the cycles (lookups only), WARMUP_USERS=0 (e.g. 10000: before each measured cycle, an untimed
#      cycle of that many users — prefix "warm", 10 groups of 100 members — against the same server, so the figures
#      are a running server's rather than a fresh process's; the summary says which),
#      OUT=benchmarks/cycle/results/<utc time>.jsonl, PEERS_SRC / PEERS_DIR (see benchmarks/peers.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/peers.sh"
. "$root/benchmarks/cycle/pg-throwaway.sh"
N="${1:-10000}"
TARGETS="${TARGETS:-loadhost scimmy sqlite postgres}"
REPEAT="${REPEAT:-1}"
WARMUP_USERS="${WARMUP_USERS:-0}"
warm_groups=$(( WARMUP_USERS >= 100 ? 10 : 0 )) warm_members=$(( WARMUP_USERS >= 100 ? 100 : 0 ))
driver_args=(--users "$N" --groups "${GROUP_COUNT:-100}" --members "${MEMBERS:-100}" --member-batch "${MEMBER_BATCH:-10}"
  --concurrency "${CONCURRENCY:-8}" --member-order "${MEMBER_ORDER:-spread}")
port="${PORT_BASE:-5400}"
token=cycle-secret
mkdir -p "$root/benchmarks/cycle/results"
out="${OUT:-$root/benchmarks/cycle/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl}"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  pg_throwaway_stop
  rm -rf "$work"
}
trap cleanup EXIT

build() {
  echo "building $1 (Release) ..." >&2
  dotnet build "$root/$1" -c Release -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
}

build benchmarks/Jostle.Scim.CycleDriver
driver="$root/benchmarks/Jostle.Scim.CycleDriver/bin/Release/net10.0/Jostle.Scim.CycleDriver.dll"
loadhost_dll="$root/benchmarks/Jostle.Scim.LoadHost/bin/Release/net10.0/Jostle.Scim.LoadHost.dll"
host_dll="${HOST_DLL:-$root/src/Jostle.Scim.Host/bin/Release/net10.0/Jostle.Scim.Host.dll}"
case " $TARGETS " in *" loadhost "*) build benchmarks/Jostle.Scim.LoadHost ;; esac
case " $TARGETS " in *" scimmy "*) ensure_peers ;; esac
have_host=0
case " $TARGETS " in
  *" sqlite "* | *" sqlite-base "* | *" sqlite-normal "* | *" postgres "*)
    if [ -z "${HOST_DLL:-}" ] && [ -f "$root/src/Jostle.Scim.Host/Jostle.Scim.Host.csproj" ]; then build src/Jostle.Scim.Host; fi
    if [ -f "$host_dll" ]; then have_host=1; else
      echo "note: $host_dll is missing (src/Jostle.Scim.Host not built or not merged yet): skipping the sqlite and postgres targets" >&2
    fi ;;
esac

# start_server TARGET: starts a fresh server of that kind on $port; sets $base and $key for the driver.
start_server() {
  local target="$1" log="$work/$1.log"
  base="http://127.0.0.1:$port/scim/v2" key="$token"
  case "$target" in
    loadhost)
      dotnet "$loadhost_dll" --urls "http://127.0.0.1:$port" --token "$token" --rate-limit 0 > "$log" 2>&1 &
      server_pid=$!
      local i=0
      until grep -q '^ready ' "$log"; do
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; echo "error: the load host exited" >&2; exit 1; }
        i=$((i + 1)); [ "$i" -lt 600 ] || { echo "error: the load host is not ready after 2 min" >&2; exit 1; }
        sleep 0.2
      done ;;
    scimmy)
      PORT="$port" TOKEN="$token" INDEX="${SCIMMY_INDEX:-1}" QUIET=1 node "$peers/scimmy-server.js" > "$log" 2>&1 &
      server_pid=$!
      wait_http "http://127.0.0.1:$port/healthz" ;;
    sqlite | sqlite-base | sqlite-normal | postgres)
      local db=() sync=() dll="$host_dll"
      if [ "$target" = sqlite-base ]; then dll="${BASE_HOST_DLL:?sqlite-base needs BASE_HOST_DLL}"; fi
      if [ "$target" = postgres ]; then
        pg_throwaway_start $((port + 1000))
        db=(--postgres "$pg_cs")          # the host takes --data or --postgres, not both
      else
        mkdir -p "$work/data-$port"
        db=(--data "$work/data-$port")
        [ "$target" = sqlite-normal ] && sync=(--sqlite-sync normal)
      fi
      # The key first (this also creates the database), then the server on the same database.
      dotnet "$dll" keys create --tenant load --description bench --json "${db[@]}" > "$work/key.json" 2> "$work/key.err" \
        || { cat "$work/key.err" >&2; echo "error: keys create failed" >&2; exit 1; }
      key=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).key)' "$work/key.json")
      Logging__LogLevel__Default="${HOST_LOG_LEVEL:-Warning}" \
        dotnet "$dll" --urls "http://127.0.0.1:$port" "${db[@]}" "${sync[@]}" --rate-limit 0 > "$log" 2>&1 &
      server_pid=$!
      wait_http "http://127.0.0.1:$port/health" 120 ;;
    *) echo "error: unknown target $target (loadhost, scimmy, sqlite, sqlite-base, sqlite-normal, postgres)" >&2; exit 1 ;;
  esac
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=
  pg_throwaway_stop
  port=$((port + 1))
}

runnable() { case "$1" in sqlite | sqlite-base | sqlite-normal | postgres) [ "$have_host" = 1 ] ;; *) true ;; esac; }

: > "$out"
status=0
for round in $(seq 1 "$REPEAT"); do
  for target in $TARGETS; do
    runnable "$target" || continue
    echo "== round $round/$REPEAT: $target, N=$N" >&2
    start_server "$target"
    if [ "$WARMUP_USERS" -gt 0 ]; then
      # Untimed: a running server, not a fresh process (JIT tiering, pools, caches). Its own prefix, so the measured
      # cycle still finds nothing and creates everything; the warm-up's users and groups stay, for every target alike.
      dotnet "$driver" cycle --url "$base" --token "$key" --users "$WARMUP_USERS" --groups "$warm_groups" --members "$warm_members" \
        --member-batch "${MEMBER_BATCH:-10}" --concurrency "${CONCURRENCY:-8}" --prefix warm --no-verify --label "$target warm-up" \
        --out "$work/warmup.jsonl" > /dev/null || { echo "error: the warm-up cycle against $target failed" >&2; status=1; }
    fi
    before=$(wc -l < "$out")
    cpu_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
    load=$(cut -d" " -f1-3 /proc/loadavg)
    dotnet "$driver" cycle --url "$base" --token "$key" "${driver_args[@]}" --label "$target" --out "$out" > /dev/null || status=1
    cpu_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
    if [ "$(wc -l < "$out")" -gt "$before" ]; then
      # The server's own CPU (utime+stime of its process from /proc) during the measured cycle, on the cycle's line.
      line=$(tail -n 1 "$out")
      node -e '
        const r = JSON.parse(process.argv[1]); const [b, a, tick, load, warm] = process.argv.slice(2).map((x, i) => (i === 3 ? x : +x));
        r.server_cpu_seconds = +((a - b) / tick).toFixed(2);
        r.server_cpu_ms_per_request = +(((a - b) * 1000) / tick / r.operations).toFixed(4);
        r.server = warm > 0 ? "running (after an untimed " + warm + "-user cycle)" : "fresh process";
        r.loadavg = load;
        console.log(JSON.stringify(r));' "$line" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" "$load" "$WARMUP_USERS" > "$work/line.json"
      sed -i '$ d' "$out" && cat "$work/line.json" >> "$out"
    else
      echo "error: $target gave no result (the driver stopped before the cycle, see above)" >&2
    fi
    [ -s "$work/$target.log" ] && grep -iE "fail|exception|error" "$work/$target.log" | head -n 5 >&2 || true
    stop_server
  done
done

seed_kind="${SEED:-http}"
bulk_seed="$root/benchmarks/Jostle.Scim.BulkSeed/bin/Release/net10.0/Jostle.Scim.BulkSeed.dll"
[ -n "${LOOKUP_SIZES:-}" ] && [ "$seed_kind" = bulk ] && build benchmarks/Jostle.Scim.BulkSeed
for size_target in ${LOOKUP_SIZES:+$TARGETS}; do
  case "$size_target" in scimmy) continue ;; esac
  runnable "$size_target" || continue
  start_server "$size_target"
  seeded=0
  for size in $LOOKUP_SIZES; do
    echo "== lookup: $size_target, seeding $seeded -> $size users ($seed_kind)" >&2
    if [ "$seed_kind" = bulk ] && [ "$seeded" -ge 10 ]; then
      if [ "$size_target" = postgres ]; then seed_db=(--postgres "$pg_cs"); else seed_db=(--sqlite "$work/data-$port/scim.db"); fi
      dotnet "$bulk_seed" "${seed_db[@]}" --tenant load --prefix seed --start "$seeded" --users $((size - seeded)) \
        --base-url "$base/" | sed "s/^{/{\"label\":\"$size_target bulk seed to $size\",/" >> "$out" || status=1
    else
      http_n=$((size - seeded)); [ "$seed_kind" = bulk ] && [ "$http_n" -gt 10 ] && http_n=10
      dotnet "$driver" seed --url "$base" --token "$key" --prefix seed --start "$seeded" --users "$http_n" \
        --concurrency "${CONCURRENCY:-8}" --label "$size_target seed to $((seeded + http_n))" --out "$out" > /dev/null || status=1
      if [ "$http_n" -lt $((size - seeded)) ]; then
        if [ "$size_target" = postgres ]; then seed_db=(--postgres "$pg_cs"); else seed_db=(--sqlite "$work/data-$port/scim.db"); fi
        dotnet "$bulk_seed" "${seed_db[@]}" --tenant load --prefix seed --start $((seeded + http_n)) --users $((size - seeded - http_n)) \
          --base-url "$base/" | sed "s/^{/{\"label\":\"$size_target bulk seed to $size\",/" >> "$out" || status=1
      fi
    fi
    seeded=$size
    for run in $(seq 1 "${LOOKUP_RUNS:-1}"); do
      dotnet "$driver" lookup --url "$base" --token "$key" --prefix seed --users "$size" --requests "${LOOKUP_REQUESTS:-20000}" \
        --concurrency "${CONCURRENCY:-8}" --label "$size_target lookup at $size" --out "$out" > /dev/null || status=1
    done
  done
  stop_server
done

node - "$out" "$WARMUP_USERS" <<'JS'
const fs = require("node:fs");
const rows = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kind = (r, k) => r.kinds.find((x) => x.kind === k) || {};
const cycles = rows.filter((r) => r.mode === "cycle");
const targets = [...new Set(cycles.map((r) => r.label))];
const med = {};
const warm = Number(process.argv[3] || 0);
console.log(warm > 0 ? `Each server was warmed by an untimed ${warm}-user cycle first (a running server).` : "Each server was a fresh process (cold: JIT and pools warm up during the cycle).");
console.log("");
console.log("| target | runs | status | wall s (median; runs) | server CPU ms/request (median; runs) | req/s | users s | groups s | members s | user GET p50/p99 ms | user POST p50/p99 ms | PATCH p50/p99 ms |");
console.log("| --- | ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const t of targets) {
  const rs = cycles.filter((r) => r.label === t);
  const walls = rs.map((r) => r.wall_seconds);
  med[t] = median(walls);
  const m = rs.reduce((best, r) => (Math.abs(r.wall_seconds - med[t]) < Math.abs(best.wall_seconds - med[t]) ? r : best));
  const pp = (k) => `${kind(m, k).p50_ms ?? "-"}/${kind(m, k).p99_ms ?? "-"}`;
  const st = rs.every((r) => r.status === "OK") ? "OK" : "FAILED " + rs.filter((r) => r.status !== "OK").length + "/" + rs.length;
  const cpus = rs.map((r) => r.server_cpu_ms_per_request).filter((x) => x !== undefined);
  const cpu = cpus.length ? `${median(cpus).toFixed(3)} (${cpus.map((c) => c.toFixed(3)).join(", ")})` : "-";
  console.log(`| ${t} | ${rs.length} | ${st} | ${med[t].toFixed(2)} (${walls.map((w) => w.toFixed(2)).join(", ")}) | ${cpu} | ${m.ops_per_sec.toFixed(0)} | ${m.phases_seconds.users} | ${m.phases_seconds.groups} | ${m.phases_seconds.memberships} | ${pp("user GET filter")} | ${pp("user POST")} | ${pp("group PATCH members")} |`);
}
if (med.scimmy) {
  console.log("");
  for (const t of targets.filter((x) => x !== "scimmy"))
    console.log(`${t}: the cycle is ${(med.scimmy / med[t]).toFixed(2)}x faster than SCIMMY (median wall ${med[t].toFixed(2)} s vs ${med.scimmy.toFixed(2)} s)${t === "sqlite" ? " — target >= 5" : ""}`);
}
const lookups = rows.filter((r) => r.mode === "lookup");
if (lookups.length) {
  console.log("");
  for (const r of lookups) console.log(`${r.label}: ${r.ops_per_sec.toFixed(0)} req/s, p50/p99 ${kind(r, "user GET filter").p50_ms}/${kind(r, "user GET filter").p99_ms} ms, ${r.status}`);
}
console.log(`raw lines: ${process.argv[2]}`);
JS
exit "$status"
