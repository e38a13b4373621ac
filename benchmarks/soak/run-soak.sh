#!/usr/bin/env bash
# Soak: DURATION seconds (default 1800) of steady mixed Entra traffic (benchmarks/Jostle.Scim.CycleDriver "soak" mode:
# lookups, user PATCHes, group member add/remove, user delete + re-create — see SoakRunner.cs) against the host as
# shipped (src/Jostle.Scim.Host, Release, API key, provisioning log on) on SQLite or on a private PostgreSQL cluster.
# Every INTERVAL seconds it samples the server process: VmRSS (/proc/PID/status), threads (/proc/PID/task), open handles
# (/proc/PID/fd), CPU seconds (/proc/PID/stat), database size (SQLite: scim.db + WAL; PostgreSQL: pg_database_size)
# and what it is made of (rows and bytes per table, read-only), the load average, the GC counters (System.Runtime
# through dotnet-counters, a tool, not a dependency: `dotnet tool install dotnet-counters --tool-path DIR`, then
# DOTNET_COUNTERS=DIR/dotnet-counters), and every GCDUMP_INTERVAL the heap retained after a full GC (dotnet-gcdump,
# likewise a tool: DOTNET_GCDUMP=DIR/dotnet-gcdump). The
# driver writes p50/p99/max latency and outcomes (5xx) per interval. benchmarks/soak/analyse.py turns the raw files
# into growth figures and an SVG.
#
#   benchmarks/soak/run-soak.sh sqlite|postgres
#
# Env: DURATION=1800 INTERVAL=15 RATE=100 (operations/s) USERS=2000 GROUP_COUNT=20 CONCURRENCY=4 PORT=5600
#      LOG_RETENTION=5m (provisioning log records older than this are purged every 30 s — the host runs its retention pass
#      at a tenth of the retention — so the database reaches a steady size; the default 30d grows the log for 30 days by design)
#      OUT_DIR=benchmarks/soak/results/<target>-<utc time>  HOST_DLL  DOTNET_COUNTERS  PG_BIN
#      GCDUMP_INTERVAL=60 (seconds between retained-heap samples; needs dotnet-gcdump: DOTNET_GCDUMP=DIR/dotnet-gcdump)
# Raw output in OUT_DIR: meta.json (these settings), process.jsonl (sampler, with rows/bytes per table in "db"),
# driver.jsonl (intervals), counters.csv, gcdump.jsonl (live bytes after a full GC), gcdump-window-start.txt and
# gcdump-last.txt (the types holding the most bytes), result.json, host.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/cycle/pg-throwaway.sh"
target="${1:?usage: run-soak.sh sqlite|postgres}"
DURATION="${DURATION:-1800}" INTERVAL="${INTERVAL:-15}" RATE="${RATE:-100}" USERS="${USERS:-2000}" GROUP_COUNT="${GROUP_COUNT:-20}"
CONCURRENCY="${CONCURRENCY:-4}" PORT="${PORT:-5600}" LOG_RETENTION="${LOG_RETENTION:-5m}" GCDUMP_INTERVAL="${GCDUMP_INTERVAL:-60}"
out="${OUT_DIR:-$root/benchmarks/soak/results/$target-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
printf '{"target":"%s","duration":%s,"interval":%s,"rate":%s,"users":%s,"groups":%s,"concurrency":%s,"log_retention":"%s","gcdump_interval":%s,"commit":"%s"}\n' \
  "$target" "$DURATION" "$INTERVAL" "$RATE" "$USERS" "$GROUP_COUNT" "$CONCURRENCY" "$LOG_RETENTION" "$GCDUMP_INTERVAL" \
  "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" > "$out/meta.json"
counters_bin="${DOTNET_COUNTERS:-$(command -v dotnet-counters || true)}"
gcdump_bin="${DOTNET_GCDUMP:-$(command -v dotnet-gcdump || true)}"
work=$(mktemp -d)
server_pid= counters_pid= sampler_pid= gcdump_pid=
cleanup() {
  for p in $gcdump_pid $sampler_pid $counters_pid $server_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
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

# What the size is made of, read-only (a read-only sqlite3 connection never checkpoints; each query is one short read
# transaction): exact rows and bytes (table with its indexes: SQLite's dbstat, PostgreSQL's pg_total_relation_size) per
# table; for SQLite the main file and the WAL apart, and the pages in use
# ((page_count - freelist_count) * page_size: a file keeps its high-water mark, freed pages are reused, not returned);
# for PostgreSQL the dead tuples per table (what autovacuum has not reclaimed yet). One JSON object, or null.
db_detail() {
  local q t
  if [ "$target" = postgres ]; then
    local pg=(psql -h 127.0.0.1 -p $((PORT + 1000)) -U postgres -d scim_cycle -Atc)
    q=$("${pg[@]}" "select string_agg(format('%L, (select count(*) from %I)', relname, relname), ', ' order by relname) from pg_stat_user_tables where relname like 'scim%'" 2>/dev/null) \
      && [ -n "$q" ] || { echo null; return; }
    "${pg[@]}" "select json_build_object('rows', json_build_object($q), 'dead_tuples', (select json_object_agg(relname, n_dead_tup order by relname) from pg_stat_user_tables where relname like 'scim%'),
      'bytes', (select json_object_agg(relname, pg_total_relation_size(relid) order by relname) from pg_stat_user_tables where relname like 'scim%'))" 2>/dev/null || echo null
  else
    local f="$work/data/scim.db"
    [ -f "$f" ] || { echo null; return; }
    local sq=(sqlite3 -readonly -cmd '.timeout 5000' "$f")
    q=
    for t in $("${sq[@]}" "select name from sqlite_master where type='table' and name like 'scim%' order by name" 2>/dev/null); do
      q="$q${q:+,}'$t',(select count(*) from \"$t\")"
    done
    [ -n "$q" ] || { echo null; return; }
    "${sq[@]}" "select json_object('main_bytes',$(stat -c %s "$f"),'wal_bytes',$(stat -c %s "$f-wal" 2>/dev/null || echo 0),
      'page_size',(select page_size from pragma_page_size),'page_count',(select page_count from pragma_page_count),
      'freelist_count',(select freelist_count from pragma_freelist_count),'rows',json_object($q),
      'bytes',(select json_group_object(tbl_name, b) from (select m.tbl_name, sum(d.pgsize) b from dbstat d
        join sqlite_master m on m.name = d.name where m.tbl_name like 'scim%' group by m.tbl_name)))" 2>/dev/null || echo null
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

# The retained managed heap: every GCDUMP_INTERVAL seconds dotnet-gcdump (a tool) induces a full blocking collection
# and walks the heap; "GC Heap bytes" is then what survived it, i.e. what the process holds on to. The counters' heap
# size is whatever the last collection of any generation left, mostly gen0 survivors piling up in gen1 until the GC
# gets round to a gen1 collection (a sawtooth between 8 and 16 MB in the 2026-12-07 morning run), which says where the
# sample fell in that cycle rather than whether anything grows. The types holding the most bytes are kept for the first
# dump of the judged window (the last 20 minutes) and the last dump, to say what grew if anything does.
gcdump_types() { # gcdump report (a row per type and size class: bytes per object, count, type) -> "bytes count type" per type, largest first
  awk '/^ *[0-9,]+ +[0-9,]+ +[^ ]/ { b=$1; c=$2; gsub(",", "", b); gsub(",", "", c); $1=""; $2=""; sub(/^ +/, ""); sub(/ \(Bytes > [0-9]+K\)/, "");
       bytes[$0]+=b*c; n[$0]+=c } END { for (t in bytes) printf "%12d %9d  %s\n", bytes[t], n[t], t }' | sort -rn | awk 'NR <= 40'
  # (awk, not head: head would close the pipe early, sort would die of SIGPIPE, and pipefail + set -e end the loop)
}
if [ -n "$gcdump_bin" ]; then
  window_start=$(( $(date +%s) + DURATION - 1200 ))
  ( while sleep "$GCDUMP_INTERVAL" && kill -0 "$pid" 2>/dev/null; do
      t=$(date +%s)
      "$gcdump_bin" collect -p "$pid" -o "$work/heap.gcdump" > /dev/null 2>&1 || continue
      "$gcdump_bin" report "$work/heap.gcdump" > "$work/heap.txt" 2>/dev/null || continue
      bytes=$(awk '/GC Heap bytes/ { gsub(",", "", $1); print $1 }' "$work/heap.txt")
      objects=$(awk '/GC Heap objects/ { gsub(",", "", $1); print $1 }' "$work/heap.txt")
      [ -n "$bytes" ] || continue
      printf '{"utc":"%s","epoch":%s,"done_epoch":%s,"live_bytes":%s,"objects":%s}\n' \
        "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)" "$t" "$(date +%s)" "$bytes" "${objects:-null}"
      if [ "$t" -ge "$window_start" ] && [ ! -f "$out/gcdump-window-start.txt" ]; then
        { echo "# $(date -u -d "@$t" +%FT%TZ): $bytes bytes live after a full GC; bytes, objects, type"; gcdump_types < "$work/heap.txt"; } > "$out/gcdump-window-start.txt"
      fi
      { echo "# $(date -u -d "@$t" +%FT%TZ): $bytes bytes live after a full GC; bytes, objects, type"; gcdump_types < "$work/heap.txt"; } > "$out/gcdump-last.txt"
      rm -f "$work/heap.gcdump"
    done ) >> "$out/gcdump.jsonl" &
  gcdump_pid=$!
else
  echo "note: dotnet-gcdump not found (set DOTNET_GCDUMP): no retained-heap samples" >&2
fi

ticks=$(getconf CLK_TCK)
( while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    threads=$(ls "/proc/$pid/task" 2>/dev/null | wc -l)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    cpu=$(awk -v t="$ticks" '{printf "%.2f", ($14 + $15) / t}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    printf '{"utc":"%s","epoch":%s,"rss_kb":%s,"threads":%s,"fds":%s,"cpu_s":%s,"db_bytes":%s,"loadavg":%s,"db":%s}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(date +%s)" "$rss" "$threads" "$fds" "$cpu" "$(db_size)" "$(cut -d' ' -f1 /proc/loadavg)" "$(db_detail)"
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
