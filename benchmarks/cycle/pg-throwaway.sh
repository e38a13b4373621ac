# Sourced by run-cycle.sh: a throwaway PostgreSQL cluster in a temporary folder on a free port.
#   pg_throwaway_start PORT   sets $pg_dir and $pg_cs (an Npgsql connection string to database scim_cycle)
#   pg_throwaway_stop         stops the cluster (fast shutdown) and deletes the folder
# As root the cluster runs as the postgres user (runuser); otherwise as the current user. Env: PG_BIN (default: the
# newest /usr/lib/postgresql/*/bin, else whatever is on PATH).
pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ]; then echo "$d"; else dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)"; fi
}

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_throwaway_start() {
  local port="$1" bin
  bin=$(pg_bin)
  [ -x "$bin/initdb" ] || { echo "error: no PostgreSQL (initdb) found; set PG_BIN" >&2; return 1; }
  pg_dir=$(mktemp -d /tmp/scim-cycle-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pg_dir"; fi
  pg_as "$bin/initdb" -D "$pg_dir/data" -A trust -U postgres > "$pg_dir.initdb.log" 2>&1 \
    || { cat "$pg_dir.initdb.log" >&2; return 1; }
  pg_as "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/data/server.log" \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on" -w start > /dev/null \
    || { cat "$pg_dir/data/server.log" >&2; return 1; }
  pg_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres scim_cycle
  pg_cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=scim_cycle"
  rm -f "$pg_dir.initdb.log"
}

pg_throwaway_stop() {
  [ -n "${pg_dir:-}" ] && [ -d "$pg_dir" ] || return 0
  pg_as "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null 2>&1 || true
  rm -rf "$pg_dir"
  pg_dir=
}
