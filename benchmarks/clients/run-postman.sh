#!/usr/bin/env bash
# Microsoft's Postman collection ("SCIM Tests" from AzureAD/SCIMReferenceCode; folders "User tests" and
# "Group tests") run with newman against our server: builds and starts Jostle.Scim.LoadHost (in-memory stores,
# static bearer token) on loopback, runs the two folders, prints every failing assertion and the pass count.
# What each failure means (our bug or the collection's assumption) is written down in docs/postman-results.md.
#
#   benchmarks/clients/run-postman.sh
#
# Env: SUITES (default: ../shared/scim-suites beside the repository), PORT (5399), PEERS_SRC / PEERS_DIR
#      (newman comes from the peers folder, see benchmarks/peers.sh), NEWMAN_REPORTERS (default: cli shown
#      only on failure; "cli" to always show it).
# Exit status: 0 when every failing assertion is a known one (benchmarks/clients/postman-known-failures.txt, each
# explained in docs/postman-results.md), 1 when any other assertion failed, 2 when the run could not happen.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/benchmarks/peers.sh"
suites="${SUITES:-$root/../shared/scim-suites}"
collection="$suites/AzureAD-SCIMReferenceCode.PostmanCollection.json"
port="${PORT:-5399}"
token="postman-$(date +%s)"
work=$(mktemp -d)
host_pid=
cleanup() { [ -z "$host_pid" ] || { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT

[ -f "$collection" ] || { echo "error: no collection at $collection (set SUITES)" >&2; exit 2; }
ensure_peers || exit 2
echo "building the host ..." >&2
dotnet build "$root/benchmarks/Jostle.Scim.LoadHost" -c Release -v q -nologo > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 2; }
dotnet "$root/benchmarks/Jostle.Scim.LoadHost/bin/Release/net10.0/Jostle.Scim.LoadHost.dll" \
  --urls "http://127.0.0.1:$port" --token "$token" > "$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 300); do grep -q '^ready ' "$work/host.log" && break; kill -0 "$host_pid" || { cat "$work/host.log" >&2; exit 2; }; sleep 0.2; done
grep -q '^ready ' "$work/host.log" || { echo "error: the host did not start" >&2; exit 2; }

status=0
"$peers/node_modules/.bin/newman" run "$collection" \
  --env-var Protocol=http --env-var Server=127.0.0.1 --env-var "Port=:$port" --env-var Api=scim/v2 --env-var "token=$token" \
  --folder "User tests" --folder "Group tests" \
  --reporters "${NEWMAN_REPORTERS:-cli},json" --reporter-json-export "$work/report.json" --disable-unicode --color off \
  > "$work/newman.log" 2>&1 || status=$?
[ -f "$work/report.json" ] || { cat "$work/newman.log" >&2; exit 2; }
[ "$status" = 0 ] || [ -n "${NEWMAN_REPORTERS:-}" ] || cat "$work/newman.log"
[ -z "${NEWMAN_REPORTERS:-}" ] || cat "$work/newman.log"
if grep -q 'warn\|fail\|error' "$work/host.log"; then echo "--- host log"; cat "$work/host.log"; fi

node - "$work/report.json" "$root/benchmarks/clients/postman-known-failures.txt" <<'JS'
const fs = require("node:fs");
const run = require(process.argv[2]).run;
const known = new Set(fs.readFileSync(process.argv[3], "utf8").split("\n")
  .filter((l) => l.trim() && !l.startsWith("#")).map((l) => l.split("|").map((x) => x.trim()).join(" | ")));
let passed = 0, failed = 0, unknown = 0;
for (const e of run.executions) {
  const code = e.response ? e.response.code : "no response";
  for (const a of e.assertions || []) {
    if (!a.error) { passed++; continue; }
    failed++;
    const isKnown = known.has(`${e.item.name} | ${a.assertion}`);
    if (!isKnown) unknown++;
    console.log(`FAIL${isKnown ? " (known, the collection's assumption)" : ""} ${e.item.name} [${e.request.method} → ${code}]: ${a.assertion}: ${a.error.message}`);
  }
}
console.log(`requests: ${run.executions.length}, assertions: ${passed} passed, ${failed} failed (${failed - unknown} known)`);
process.exit(unknown === 0 ? 0 : 1);
JS
