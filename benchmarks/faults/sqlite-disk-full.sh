#!/usr/bin/env bash
# Disk full under SQLite: the host (Release) with --data on a small tmpfs (SIZE, default 8m; needs root for mount).
# Users are created, then a ballast file takes every free byte. Creates continue until the database cannot grow:
# from then on they must answer 507 with Retry-After and a SCIM error (never 500), reads must still answer 200, and the
# server must stay up without spinning (CPU over an idle 10 s). The ballast is removed: the same creates must then
# succeed. After a SIGTERM, PRAGMA integrity_check must say ok and every acknowledged (201) user must be in the file.
#
#   sudo benchmarks/faults/sqlite-disk-full.sh
#
# Env: SIZE=8m PORT=5750 OUT=benchmarks/faults/results/sqlite-disk-full-<utc>.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
SIZE="${SIZE:-8m}" PORT="${PORT:-5750}"
out="${OUT:-$root/benchmarks/faults/results/sqlite-disk-full-$(date -u +%Y%m%dT%H%M%SZ).txt}"
mkdir -p "$(dirname "$out")"
work=$(mktemp -d) mnt=
server_pid=
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
dotnet build "$root/src/Jostle.Scim.Host" -c Release -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
host_dll="$root/src/Jostle.Scim.Host/bin/Release/net10.0/Jostle.Scim.Host.dll"
exec > >(tee "$out") 2>&1
echo "# sqlite-disk-full $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git -C "$root" rev-parse --short HEAD) tmpfs $SIZE load $(cut -d' ' -f1-3 /proc/loadavg)"
mnt="$work/mnt"; mkdir -p "$mnt"; mount -t tmpfs -o "size=$SIZE" tmpfs "$mnt"
key=$(dotnet "$host_dll" keys create --tenant full --description full --json --data "$mnt" 2> "$work/key.err" | jq -r .key)
Logging__LogLevel__Default=Warning dotnet "$host_dll" --urls "http://127.0.0.1:$PORT" --data "$mnt" --rate-limit 0 > "$work/host.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$PORT/scim/v2"
: > "$work/acked"
create() { # create USERNAME -> prints status; records acknowledged ones
  local code
  code=$(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/scim+json' \
    -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"$1\",\"displayName\":\"$(head -c 600 /dev/zero | tr '\0' x)\"}" "$base/Users")
  [ "$code" = 201 ] && echo "$1" >> "$work/acked"
  echo "$code"
}
for i in $(seq 1 20); do create "before-$i@example.com" > /dev/null; done
echo "created before the disk filled: $(wc -l < "$work/acked"); disk: $(df -k --output=used,avail "$mnt" | tail -1)"
dd if=/dev/zero of="$mnt/ballast" bs=16k 2> /dev/null || true
echo "ballast written; disk: $(df -k --output=used,avail "$mnt" | tail -1)"
declare -A seen=()
first_fail=
for i in $(seq 1 3000); do
  code=$(create "full-$i@example.com")
  seen[$code]=$(( ${seen[$code]:-0} + 1 ))
  if [ "$code" != 201 ] && [ -z "$first_fail" ]; then
    first_fail=$i
    echo "first refused create (#$i): $code, Retry-After: $(grep -i '^retry-after:' "$work/headers" | tr -d '\r' | cut -d' ' -f2), body: $(cat "$work/body")"
  fi
  [ -n "$first_fail" ] && [ "$i" -ge $((first_fail + 19)) ] && break
done
echo "creates while full, by status: $(for k in "${!seen[@]}"; do printf '%s×%s ' "$k" "${seen[$k]}"; done)"
read_code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$base/Users?filter=userName%20eq%20%22before-1%40example.com%22")
echo "read while full: $read_code; /health: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health")"
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{printf "%.2f", ($14 + $15) / t}' "/proc/$server_pid/stat"; }
c0=$(cpu); sleep 10; c1=$(cpu)
alive=$(kill -0 "$server_pid" 2>/dev/null && echo yes || echo no)
echo "server alive after 10 s idle on a full disk: $alive; CPU used meanwhile: $(echo "$c1 - $c0" | bc) s"
rm -f "$mnt/ballast"
echo "ballast removed; disk: $(df -k --output=used,avail "$mnt" | tail -1)"
declare -A again=()
for i in $(seq 1 20); do code=$(create "after-$i@example.com"); again[$code]=$(( ${again[$code]:-0} + 1 )); done
echo "creates after space returned, by status: $(for k in "${!again[@]}"; do printf '%s×%s ' "$k" "${again[$k]}"; done)"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=
integrity=$(sqlite3 "$mnt/scim.db" "PRAGMA integrity_check;")
in_db=$(sqlite3 "$mnt/scim.db" "SELECT user_name FROM scim_users;" 2>/dev/null | sort) || in_db=
missing=$(sort "$work/acked" | comm -23 - <(echo "$in_db" | tr 'A-Z' 'a-z' | sort) | wc -l)
echo "after SIGTERM: integrity_check: $integrity; acknowledged creates: $(wc -l < "$work/acked"), missing from the file: $missing"
echo "host log, Warning and above, distinct: "
jq -r 'select(.LogLevel == "Warning" or .LogLevel == "Error" or .LogLevel == "Critical") | "\(.LogLevel) \(.Category): \(.Message | .[0:140])"' "$work/host.log" 2>/dev/null \
  | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}|[0-9]+(\.[0-9]+)? ms|correlation [^)]*/#/g' | sort | uniq -c | sort -rn | head -8 || true
ok=1
[ -n "$first_fail" ] || ok=0
[ -z "${seen[500]:-}" ] || ok=0
[ "$read_code" = 200 ] && [ "$alive" = yes ] && [ "$integrity" = ok ] && [ "$missing" = 0 ] && [ "${again[201]:-0}" = 20 ] || ok=0
echo "## verdict: $([ $ok = 1 ] && echo PASS || echo FAIL)"
[ $ok = 1 ]
