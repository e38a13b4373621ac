#!/usr/bin/env bash
# The nginx configuration of docs/deploy.md, run for real (not part of CI): builds Jostle.Scim.Host, starts it on
# loopback with --trusted-proxy 127.0.0.1, puts nginx in front of it on another loopback port (plain HTTP instead of the
# documented `listen 443 ssl` and certificate lines; everything in `location /` is verbatim), and checks through nginx:
#   1. with --public-url https://scim.example.test, POST /Users answers 201 with Location on the public URL;
#   2. without --public-url, Location follows nginx's X-Forwarded-Host/-Proto (http://scim.example.test/…), which shows
#      the host believed the trusted proxy's headers.
#
#   benchmarks/clients/run-nginx-proxy.sh            (needs nginx on PATH or in /usr/sbin: apt-get install nginx-light)
#
# Env: HOST_PORT (5411), NGINX_PORT (5412). Exit status: 0 when both checks pass, 1 when one fails, 2 when the run
# could not happen.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
host_port="${HOST_PORT:-5411}"
nginx_port="${NGINX_PORT:-5412}"
public=https://scim.example.test
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "error: nginx not found (apt-get install nginx-light)" >&2; exit 2; }
work=$(mktemp -d)
host_pid=
nginx_pid=
stop_host() { [ -z "$host_pid" ] || { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }; host_pid=; }
cleanup() { stop_host; [ -z "$nginx_pid" ] || { kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

echo "building the host ..." >&2
dotnet build "$root/src/Jostle.Scim.Host" -c Release -o "$work/host" -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 2; }
host=("dotnet" "$work/host/Jostle.Scim.Host.dll")

mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $work/nginx/logs/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 64; }
http {
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    server {
        listen 127.0.0.1:$nginx_port;            # docs: listen 443 ssl; plus ssl_certificate lines
        server_name scim.example.test;

        location / {
            proxy_pass http://127.0.0.1:$host_port;
            proxy_set_header Host              \$host;
            proxy_set_header X-Forwarded-For   \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host  \$host;
            proxy_read_timeout 90s;   # Entra ID waits up to 60 s for an answer
        }
    }
}
CONF
"$nginx" -t -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>&1 | sed 's/^/nginx: /' >&2
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

key=$("${host[@]}" keys create --tenant acme --description "nginx check" --json --data "$work/data" --public-url "$public" \
  | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "error: keys create printed no key" >&2; exit 2; }

start_host() {
  "${host[@]}" --urls "http://127.0.0.1:$host_port" --data "$work/data" --trusted-proxy 127.0.0.1 "$@" > "$work/host.log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$nginx_port/health" -H "Host: scim.example.test" 2>/dev/null && return 0
    kill -0 "$host_pid" 2>/dev/null || { cat "$work/host.log" >&2; exit 2; }
    sleep 0.2
  done
  echo "error: the host was not healthy through nginx" >&2; cat "$work/host.log" >&2; exit 2
}

# POSTs a user through nginx and prints the status line and the Location header.
post_user() {
  curl -sS -o "$work/body.json" -D - "http://127.0.0.1:$nginx_port/scim/v2/Users" -H "Host: scim.example.test" \
    -H "Authorization: Bearer $key" -H "Content-Type: application/scim+json" \
    --data "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"$1\"}" | tr -d '\r' | grep -E '^(HTTP/|Location:)'
}

status=0
check() { # name, expected Location prefix, headers
  if grep -q '^HTTP/1.1 201' <<<"$3" && grep -q "^Location: $2" <<<"$3"; then echo "PASS $1"; else echo "FAIL $1 (expected 201 and Location: $2…)"; status=1; fi
  sed 's/^/    /' <<<"$3"
}

echo "nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///') on 127.0.0.1:$nginx_port -> host on 127.0.0.1:$host_port (--trusted-proxy 127.0.0.1)"
start_host --public-url "$public"
check "--public-url $public: Location is on the public URL" "$public/scim/v2/Users/" "$(post_user public@example.test)"
stop_host
start_host
check "no --public-url: Location follows nginx's X-Forwarded-Host/-Proto" "http://scim.example.test/scim/v2/Users/" "$(post_user forwarded@example.test)"
stop_host
echo "nginx access log (without the 502s of the health polls while the host starts):"
grep -v '"GET /health HTTP/1.1" 502' "$work/nginx/logs/access.log" | sed 's/^/    /'
exit $status
