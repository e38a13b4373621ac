# Sourced by the client and load scripts: sets $peers to an installed copy of the peers folder.
# ../shared is read-only on CI, so the peers are installed (npm ci) into a copy; /tmp/scim-peers is reused when
# its package-lock.json matches the source's.
# Env: PEERS_SRC (default: ../shared/peers beside the repository), PEERS_DIR (an installed copy to use as is).
# Needs: $root (the repository root) set by the caller; node >= 20 and npm.
peers_installed() { [ -x "$1/node_modules/.bin/newman" ] && [ -f "$1/node_modules/autocannon/package.json" ]; }

ensure_peers() {
  local src="${PEERS_SRC:-$root/../shared/peers}" cache=/tmp/scim-peers
  if [ -n "${PEERS_DIR:-}" ]; then
    peers="$PEERS_DIR"
  elif peers_installed "$cache" && { [ ! -f "$src/package-lock.json" ] || cmp -s "$cache/package-lock.json" "$src/package-lock.json"; }; then
    peers="$cache"
  else
    [ -f "$src/package-lock.json" ] || { echo "error: no peers at $src (set PEERS_SRC)" >&2; return 1; }
    local fresh
    fresh=$(mktemp -d /tmp/scim-peers.XXXXXX)
    (cd "$src" && tar cf - --exclude=node_modules --exclude=logs .) | (cd "$fresh" && tar xf -)
    chmod -R u+w "$fresh"
    echo "installing the peers (npm ci) into $fresh ..." >&2
    (cd "$fresh" && npm ci --no-audit --no-fund --loglevel=error >&2)
    peers="$fresh"
    if [ ! -e "$cache" ] && mv "$fresh" "$cache" 2>/dev/null; then
      peers="$cache"
    fi
  fi
  peers_installed "$peers" || { echo "error: newman/autocannon are not installed in $peers" >&2; return 1; }
}

# wait_http URL [SECONDS]: until the server answers anything at all.
wait_http() {
  local url="$1" limit="${2:-60}" i=0
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" != "000" ]; do
    i=$((i + 1))
    [ "$i" -lt $((limit * 5)) ] || { echo "error: nothing answers at $url" >&2; return 1; }
    sleep 0.2
  done
}
