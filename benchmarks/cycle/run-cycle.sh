#!/usr/bin/env bash
# Entra ID initial provisioning cycle, side by side in one run (benchmarks/Jostle.Scim.CycleDriver, "cycle" mode):
# for each of N users GET /Users?filter=userName eq (empty) then POST /Users; then G groups (GET filter displayName eq,
# POST empty); then M members per group by PATCH {"op":"Add","path":"members",...}, B members per PATCH. Targets:
#   loadhost  — Jostle.Scim.LoadHost: our endpoints on the in-memory stores (the ceiling), limiter off;
#   loadhost-X — the same, built at LOADHOST_X_DLL (default: this tree's build) and run with the environment
#               LOADHOST_X_ENV ("NAME=value ..."): A/B of two builds (e.g. main's) or of runtime settings in one run;
#   scimmy    — the SCIMMY peer (../shared/peers via benchmarks/peers.sh), INDEX=1 (userName index: its best case);
#   sqlite    — src/Jostle.Scim.Host on SQLite (--data in a temporary folder), --rate-limit 0;
#   sqlite-base — the same as sqlite, but the host built at BASE_HOST_DLL (e.g. a Release build of main in a
#               `git worktree add --detach`), so a branch (A = base, B = sqlite) is measured side by side in one run;
#   sqlite-normal — the same host on SQLite with --sqlite-sync normal (no sync per commit: survives a process kill,
#               not a power cut; not the default, so not in the default TARGETS);
#   sqlite-env-X — the sqlite target with the environment SQLITE_ENV_X ("NAME=value ...") for the host (runtime settings A/B);
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
#      POST /Users and measure LOOKUP_REQUESTS=20000 random userName eq lookups after each), SEED=http|bulk|clone (bulk:
#      the first 10 users over HTTP, the rest straight into the database by benchmarks/Jostle.Scim.BulkSeed —
#      the same engine and entity mapping, many rows per transaction; clone: postgres only, the first CLONE_BASE=10000
#      users as bulk, the rest copied from them inside PostgreSQL, see clone_users), SEED_PARALLEL=1 (bulk seed
#      processes / clone sessions at once), PG_SETTLE=1, PG_DATA_CACHE (see the lookup section), LOOKUP_RUNS=1 (lookup runs per size),
#      REPEAT=0 skips the cycles (lookups only), LOOKUP_INTERLEAVE=1 (one server, and for postgres one throwaway
#      cluster, per size, all seeded first; then the runs alternate between the sizes: run 1 at each size, run 2 ...), WARMUP_USERS=0 (e.g. 10000: before each measured cycle, an untimed
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
for t in $TARGETS; do                  # this tree's load host, when a loadhost target runs it (no LOADHOST_X_DLL)
  case "$t" in
    loadhost) build benchmarks/Jostle.Scim.LoadHost; break ;;
    loadhost-*) v=$(echo "${t#loadhost-}" | tr 'a-z-' 'A-Z_'); dll_var="LOADHOST_${v}_DLL"
      if [ -z "${!dll_var:-}" ]; then build benchmarks/Jostle.Scim.LoadHost; break; fi ;;
  esac
done
case " $TARGETS " in *" scimmy "*) ensure_peers ;; esac
have_host=0
case " $TARGETS " in
  *" sqlite "* | *" sqlite-base "* | *" sqlite-normal "* | *" postgres "* | *" sqlite-env-"*)
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
    loadhost | loadhost-*)
      # loadhost-X (e.g. loadhost-a, loadhost-wks): the load host built at LOADHOST_X_DLL (default: this tree's) with the
      # environment LOADHOST_X_ENV ("NAME=value ..."), for A/B runs of two builds or of runtime settings in one run.
      local dll="$loadhost_dll" envs=()
      if [ "$target" != loadhost ]; then
        local v; v=$(echo "${target#loadhost-}" | tr 'a-z-' 'A-Z_')
        local dll_var="LOADHOST_${v}_DLL" env_var="LOADHOST_${v}_ENV"
        dll="${!dll_var:-$loadhost_dll}"
        read -ra envs <<< "${!env_var:-}"
      fi
      env "${envs[@]}" dotnet "$dll" --urls "http://127.0.0.1:$port" --token "$token" --rate-limit 0 > "$log" 2>&1 &
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
    sqlite | sqlite-base | sqlite-normal | postgres | sqlite-env-*)
      # sqlite-env-X: the sqlite target with the environment SQLITE_ENV_X ("NAME=value ...") for the host process;
      # sqlite-base: the sqlite target on the host built at BASE_HOST_DLL (A/B of two builds in one run).
      local db=() sync=() envs=() dll="$host_dll"
      if [ "$target" = sqlite-base ]; then dll="${BASE_HOST_DLL:?sqlite-base needs BASE_HOST_DLL}"; fi
      if [ "${target#sqlite-env-}" != "$target" ]; then
        local env_var; env_var="SQLITE_ENV_$(echo "${target#sqlite-env-}" | tr 'a-z-' 'A-Z_')"
        read -ra envs <<< "${!env_var:-}"
      fi
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
      env "${envs[@]}" Logging__LogLevel__Default="${HOST_LOG_LEVEL:-Warning}" \
        dotnet "$dll" --urls "http://127.0.0.1:$port" "${db[@]}" "${sync[@]}" --rate-limit 0 > "$log" 2>&1 &
      server_pid=$!
      wait_http "http://127.0.0.1:$port/health" 120 ;;
    *) echo "error: unknown target $target (loadhost[-X], scimmy, sqlite, sqlite-base, sqlite-env-X, sqlite-normal, postgres)" >&2; exit 1 ;;
  esac
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=
  pg_throwaway_stop
  port=$((port + 1))
}

runnable() { case "$1" in sqlite | sqlite-base | sqlite-normal | postgres | sqlite-env-*) [ "$have_host" = 1 ] ;; *) true ;; esac; }

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
[ -n "${LOOKUP_SIZES:-}" ] && [ "$seed_kind" != http ] && build benchmarks/Jostle.Scim.BulkSeed

# seed_users TARGET FROM TO: seeds users FROM..TO-1 into the current server ($base, $key, $port, $pg_cs).
seed_users() {
  local target="$1" from="$2" to="$3" http_n seed_db
  if [ "$seed_kind" = clone ] && [ "$target" = postgres ] && [ "$to" -gt "${CLONE_BASE:-10000}" ]; then
    [ "$from" -lt "${CLONE_BASE:-10000}" ] && { seed_users "$target" "$from" $(( ${CLONE_BASE:-10000} )); from="${CLONE_BASE:-10000}"; }
    echo "== lookup: $target, cloning $from -> $to users in the database" >&2
    pg_cs_uri="host=127.0.0.1 port=$((port + 1000)) user=postgres dbname=scim_cycle"
    clone_users "$from" "$to"
    return
  fi
  local kind="$seed_kind"; [ "$kind" = clone ] && kind=bulk   # up to CLONE_BASE, clone seeds as bulk does
  echo "== lookup: $target, seeding $from -> $to users ($kind)" >&2
  http_n=$((to - from)); [ "$kind" = bulk ] && [ "$from" -lt 10 ] && [ "$http_n" -gt $((10 - from)) ] && http_n=$((10 - from))
  [ "$kind" = bulk ] && [ "$from" -ge 10 ] && http_n=0
  if [ "$http_n" -gt 0 ]; then
    dotnet "$driver" seed --url "$base" --token "$key" --prefix seed --start "$from" --users "$http_n" \
      --concurrency "${CONCURRENCY:-8}" --label "$target seed to $((from + http_n))" --out "$out" > /dev/null || status=1
  fi
  if [ "$((from + http_n))" -lt "$to" ]; then
    if [ "$target" = postgres ]; then seed_db=(--postgres "$pg_cs"); else seed_db=(--sqlite "$work/data-$port/scim.db"); fi
    # SEED_PARALLEL=k (postgres only; SQLite has one writer): k BulkSeed processes on consecutive ranges at once.
    local k=1 first=$((from + http_n)) n=$((to - from - http_n)) t0=$SECONDS pids=() j
    [ "$target" = postgres ] && k="${SEED_PARALLEL:-1}"
    for j in $(seq 0 $((k - 1))); do
      local a=$((first + n * j / k)) b=$((first + n * (j + 1) / k))
      dotnet "$bulk_seed" "${seed_db[@]}" --tenant load --prefix seed --start "$a" --users $((b - a)) \
        --base-url "$base/" > "$work/bulk-$j.out" &
      pids+=($!)
    done
    for j in "${!pids[@]}"; do
      wait "${pids[$j]}" || status=1
      sed "s/^{/{\"label\":\"$target bulk seed to $to (part $((j + 1)) of $k)\",/" "$work/bulk-$j.out" >> "$out"
    done
    echo "{\"label\":\"$target bulk seed to $to\",\"mode\":\"bulk-seed-total\",\"users\":$n,\"processes\":$k,\"wall_seconds\":$((SECONDS - t0)),\"loadavg\":\"$(cut -d" " -f1-3 /proc/loadavg)\"}" >> "$out"
  fi
}

# clone_users FROM TO (postgres, SEED=clone): users FROM..TO-1 as copies, made inside PostgreSQL, of the users
# seed-0..seed-(CLONE_BASE-1) already seeded by BulkSeed: user i copies user j = i mod CLONE_BASE with every value that
# depends on the index made i's (userName, its normalised form and the email rows, externalId, givenName, display name,
# employeeNumber, in the columns and the document; the family name stays j's), a new id (column, document,
# meta.location) and a new version (column and meta.version). The
# same columns, indexes and document sizes as BulkSeed's rows; set-based, so a million users take minutes rather than
# the hour that one round trip per row takes on a busy box. SEED_PARALLEL sessions split the range.
clone_users() {
  local from="$1" to="$2" cbase="${CLONE_BASE:-10000}" k="${SEED_PARALLEL:-1}" t0=$SECONDS pids=() j
  for j in $(seq 0 $((k - 1))); do
    local a=$((from + (to - from) * j / k)) b=$((from + (to - from) * (j + 1) / k))
    "$(pg_bin)/psql" "$pg_cs_uri" -Atq -v ON_ERROR_STOP=1 > "$work/clone-$j.out" 2>&1 <<SQL &
BEGIN;
CREATE TEMP TABLE src AS
  SELECT key, (substring(user_name FROM '^seed-([0-9]+)@'))::int AS j, id, user_name, external_id, given_name, display_name, employee_number
  FROM scim_users WHERE tenant_id = 'load' AND user_name ~ '^seed-[0-9]+@example[.]com\$' AND (substring(user_name FROM '^seed-([0-9]+)@'))::int < $cbase;
CREATE TEMP TABLE pairs AS
  SELECT s.*, i, gen_random_uuid()::text AS nid,
         lpad(i::text, 12, '0') AS next, 'Given' || i AS ngiven, s.display_name AS odisplay,
         replace(s.display_name, s.given_name, 'Given' || i) AS ndisplay
  FROM generate_series($a, $((b - 1))) AS i JOIN src s ON s.j = i % $cbase;
CREATE TEMP TABLE made (i int, key bigint);
WITH ins AS (
  INSERT INTO scim_users (tenant_id, id, user_name, normalized_user_name, external_id, display_name, normalized_display_name,
    active, given_name, normalized_given_name, family_name, normalized_family_name, nick_name, title, user_type,
    employee_number, cost_center, organization, division, department, manager_id, alternate_email1_label,
    alternate_email2_label, created, last_modified, version, document)
  SELECT u.tenant_id, p.nid, 'seed-' || p.i || '@example.com', 'SEED-' || p.i || '@EXAMPLE.COM',
    overlay(u.external_id placing p.next from 25 for 12), p.ndisplay, upper(p.ndisplay),
    u.active, p.ngiven, upper(p.ngiven), u.family_name, u.normalized_family_name, u.nick_name, u.title, u.user_type,
    p.i::text, u.cost_center, u.organization, u.division, u.department, u.manager_id, u.alternate_email1_label,
    u.alternate_email2_label, u.created, u.last_modified, 'W/"' || md5(p.nid) || '"',
    replace(replace(replace(replace(replace(replace(replace(replace(u.document,
      substring(u.version FROM 'W/"(.*)"'), md5(p.nid)),
      '"' || p.id || '"', '"' || p.nid || '"'), '/Users/' || p.id || '"', '/Users/' || p.nid || '"'),
      '"seed-' || p.j || '@example.com"', '"seed-' || p.i || '@example.com"'),
      '"' || u.external_id || '"', '"' || overlay(u.external_id placing p.next from 25 for 12) || '"'),
      '"' || p.odisplay || '"', '"' || p.ndisplay || '"'),
      '"givenName":"' || p.given_name || '"', '"givenName":"' || p.ngiven || '"'),
      '"employeeNumber":"' || p.employee_number || '"', '"employeeNumber":"' || p.i || '"')
  FROM pairs p JOIN scim_users u ON u.key = p.key
  RETURNING key, user_name)
INSERT INTO made SELECT (substring(user_name FROM '^seed-([0-9]+)@'))::int, key FROM ins;
INSERT INTO scim_user_emails (user_key, tenant_id, value, normalized_value, type, "primary")
  SELECT m.key, e.tenant_id, replace(e.value, 'seed-' || p.j || '@', 'seed-' || p.i || '@'),
    replace(e.normalized_value, 'SEED-' || p.j || '@', 'SEED-' || p.i || '@'), e.type, e."primary"
  FROM made m JOIN pairs p ON p.i = m.i JOIN scim_user_emails e ON e.user_key = p.key;
INSERT INTO scim_user_phone_numbers (user_key, tenant_id, value, normalized_value, type, "primary")
  SELECT m.key, x.tenant_id, x.value, x.normalized_value, x.type, x."primary"
  FROM made m JOIN pairs p ON p.i = m.i JOIN scim_user_phone_numbers x ON x.user_key = p.key;
SELECT count(*) FROM made;
COMMIT;
SQL
    pids+=($!)
  done
  for j in "${!pids[@]}"; do wait "${pids[$j]}" || { status=1; cat "$work/clone-$j.out" >&2; }; done
  echo "{\"label\":\"postgres clone seed to $to\",\"mode\":\"clone-seed\",\"users\":$((to - from)),\"sessions\":$k,\"wall_seconds\":$((SECONDS - t0)),\"loadavg\":\"$(cut -d" " -f1-3 /proc/loadavg)\"}" >> "$out"
}

# lookup_run TARGET SIZE: one lookup run against the current server; its line gets the load average at its start.
lookup_run() {
  local load before
  load=$(cut -d" " -f1-3 /proc/loadavg) before=$(wc -l < "$out")
  dotnet "$driver" lookup --url "$base" --token "$key" --prefix seed --users "$2" --requests "${LOOKUP_REQUESTS:-20000}" \
    --concurrency "${CONCURRENCY:-8}" --label "$1 lookup at $2" --out "$out" > /dev/null || status=1
  if [ "$(wc -l < "$out")" -gt "$before" ]; then
    node -e 'const r = JSON.parse(process.argv[1]); r.loadavg = process.argv[2]; r.loadavg_end = process.argv[3]; console.log(JSON.stringify(r));' \
      "$(tail -n 1 "$out")" "$load" "$(cut -d" " -f1-3 /proc/loadavg)" > "$work/line.json"
    sed -i '$ d' "$out" && cat "$work/line.json" >> "$out"
  fi
}

if [ "${LOOKUP_INTERLEAVE:-0}" = 1 ]; then
  # One server (for postgres: one throwaway cluster) per size, all seeded first; then LOOKUP_RUNS rounds, each one run
  # per size in turn, so every size sees about the same machine (p99 follows the load of the shared box).
  declare -A srv_pid srv_pg srv_cs srv_base srv_key srv_port
  cleanup_all() {
    for s in "${!srv_pid[@]}"; do kill "${srv_pid[$s]}" 2>/dev/null || true; wait "${srv_pid[$s]}" 2>/dev/null || true; done
    for s in "${!srv_pg[@]}"; do pg_dir="${srv_pg[$s]}"; pg_throwaway_stop; done
    srv_pid=() srv_pg=()
    cleanup
  }
  trap cleanup_all EXIT
  use_server() { server_pid="${srv_pid[$1]}" pg_dir="${srv_pg[$1]}" pg_cs="${srv_cs[$1]}" base="${srv_base[$1]}" key="${srv_key[$1]}" port="${srv_port[$1]}"; }
  for size_target in ${LOOKUP_SIZES:+$TARGETS}; do
    case "$size_target" in scimmy) continue ;; esac
    runnable "$size_target" || continue
    for size in $LOOKUP_SIZES; do
      # PG_DATA_CACHE=DIR (postgres): a cluster seeded to this size by an earlier run is started from DIR/SIZE
      # instead of being seeded again, and a newly seeded one is kept there when the run ends.
      pg_restore_from= restored=0
      if [ "$size_target" = postgres ] && [ -n "${PG_DATA_CACHE:-}" ] && [ -d "$PG_DATA_CACHE/$size" ]; then
        pg_restore_from="$PG_DATA_CACHE/$size" restored=1
      fi
      start_server "$size_target"
      pg_restore_from=
      srv_pid[$size]="$server_pid" srv_pg[$size]="${pg_dir:-}" srv_cs[$size]="${pg_cs:-}" srv_base[$size]="$base" srv_key[$size]="$key" srv_port[$size]="$port"
      server_pid= pg_dir=
      if [ "$restored" = 1 ]; then
        echo "{\"label\":\"$size_target seed to $size\",\"mode\":\"seed-restored\",\"from\":\"$PG_DATA_CACHE/$size\"}" >> "$out"
      else
        seed_users "$size_target" 0 "$size"
      fi
      if [ "$size_target" = postgres ]; then
        psql_() { "$(pg_bin)/psql" "host=127.0.0.1 port=$((port + 1000)) user=postgres dbname=scim_cycle" -Atq "$@"; }
        # PG_SETTLE=1 (default): VACUUM (ANALYZE) and CHECKPOINT after seeding, so the runs meet a settled database (as a
        # deployment whose users arrived over months) rather than one bulk-loaded a moment ago, whose autovacuum,
        # checkpoint and first-read hint-bit writes would otherwise fall into the runs. PG_SETTLE=0 skips it.
        if [ "${PG_SETTLE:-1}" = 1 ]; then t0=$SECONDS; psql_ -c "VACUUM (ANALYZE)" -c "CHECKPOINT"; settle=$((SECONDS - t0)); else settle=-1; fi
        psql_ -c "SELECT json_build_object('label', '$size_target settings at $size', 'mode', 'pg-settings',
          'version', current_setting('server_version'), 'shared_buffers', current_setting('shared_buffers'),
          'fsync', current_setting('fsync'), 'synchronous_commit', current_setting('synchronous_commit'),
          'max_wal_size', current_setting('max_wal_size'), 'checkpoint_timeout', current_setting('checkpoint_timeout'),
          'autovacuum', current_setting('autovacuum'), 'settle_seconds', $settle,
          'users', (SELECT count(*) FROM scim_users),
          'scim_users_bytes', pg_total_relation_size('scim_users'),
          'username_index_bytes', pg_relation_size('ux_scim_users_tenant_normalized_user_name'))" >> "$out"
      fi
      port=$((port + 1))
    done
    for run in $(seq 1 "${LOOKUP_RUNS:-1}"); do
      for size in $LOOKUP_SIZES; do
        echo "== lookup: $size_target at $size, run $run/${LOOKUP_RUNS:-1} (interleaved)" >&2
        use_server "$size"
        lookup_run "$size_target" "$size"
      done
    done
    server_pid= pg_dir=
    for s in "${!srv_pid[@]}"; do kill "${srv_pid[$s]}" 2>/dev/null || true; wait "${srv_pid[$s]}" 2>/dev/null || true; done
    for s in "${!srv_pg[@]}"; do
      pg_dir="${srv_pg[$s]}" pg_keep_to=
      [ -n "${PG_DATA_CACHE:-}" ] && pg_keep_to="$PG_DATA_CACHE/$s"
      pg_throwaway_stop
    done
    pg_keep_to= srv_pid=() srv_pg=()
  done
else
  for size_target in ${LOOKUP_SIZES:+$TARGETS}; do
    case "$size_target" in scimmy) continue ;; esac
    runnable "$size_target" || continue
    start_server "$size_target"
    seeded=0
    for size in $LOOKUP_SIZES; do
      seed_users "$size_target" "$seeded" "$size"
      seeded=$size
      for run in $(seq 1 "${LOOKUP_RUNS:-1}"); do lookup_run "$size_target" "$size"; done
    done
    stop_server
  done
fi

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
  for (const r of lookups) console.log(`${r.label}: ${r.ops_per_sec.toFixed(0)} req/s, p50/p99 ${kind(r, "user GET filter").p50_ms}/${kind(r, "user GET filter").p99_ms} ms, ${r.status}${r.loadavg ? ", load " + r.loadavg : ""}`);
  console.log("");
  const byLabel = {};
  for (const r of lookups) (byLabel[r.label] ||= []).push(r);
  for (const [label, rs] of Object.entries(byLabel)) {
    const p = (q) => median(rs.map((r) => kind(r, "user GET filter")[q]));
    console.log(`${label}: median of ${rs.length}: ${median(rs.map((r) => r.ops_per_sec)).toFixed(0)} req/s, p50 ${p("p50_ms")} ms, p99 ${p("p99_ms")} ms`);
  }
}
console.log(`raw lines: ${process.argv[2]}`);
JS
exit "$status"
