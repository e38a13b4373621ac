# Sourced by run-cycle.sh: a throwaway PostgreSQL cluster in a temporary folder on a free port.
#   pg_throwaway_start PORT   sets $pg_dir and $pg_cs (an Npgsql connection string to database scim_cycle)
#   pg_throwaway_stop         stops the cluster (fast shutdown) and deletes the folder
#   pg_restore_from=DIR       (set before pg_throwaway_start) start from a copy of that data folder (one kept by
#                             pg_keep_to) instead of a new cluster: a seeded database in seconds instead of minutes
#   pg_keep_to=DIR            (set before pg_throwaway_stop) move the stopped cluster's data folder there, unless DIR
#                             exists, instead of deleting it
# Settings: initdb's defaults (shared_buffers 128MB, max_wal_size 1GB, checkpoint_timeout 5min, autovacuum on) with
# fsync=on and synchronous_commit=on, so a commit is durable as in a real deployment.
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
  if [ -n "${pg_restore_from:-}" ] && [ -d "$pg_restore_from" ]; then
    cp -a "$pg_restore_from" "$pg_dir/data"
    rm -f "$pg_dir/data/postmaster.pid"
  else
    pg_as "$bin/initdb" -D "$pg_dir/data" -A trust -U postgres > "$pg_dir.initdb.log" 2>&1 \
      || { cat "$pg_dir.initdb.log" >&2; return 1; }
  fi
  pg_as "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/data/server.log" \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" -w start > /dev/null \
    || { cat "$pg_dir/data/server.log" >&2; return 1; }
  if [ -z "${pg_restore_from:-}" ] || [ ! -d "$pg_restore_from" ]; then
    pg_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres scim_cycle
  fi
  pg_cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=scim_cycle"
  rm -f "$pg_dir.initdb.log"
}

pg_throwaway_stop() {
  [ -n "${pg_dir:-}" ] && [ -d "$pg_dir" ] || return 0
  pg_as "$(pg_bin)/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null 2>&1 || true
  if [ -n "${pg_keep_to:-}" ] && [ ! -e "$pg_keep_to" ]; then
    mkdir -p "$(dirname "$pg_keep_to")" && mv "$pg_dir/data" "$pg_keep_to"
  fi
  rm -rf "$pg_dir"
  pg_dir=
}
