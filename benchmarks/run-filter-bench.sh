#!/usr/bin/env bash
# Filter-parse throughput, ours vs the peer, over the same mix (benchmarks/filter-mix.txt), in one run:
#   1. the peer: scim2-parse-filter's parse on Node.js (benchmarks/peer/filter-parse-peer.js), >= 2 s timed loop;
#   2. ours: ScimFilter.Parse under BenchmarkDotNet (FilterMixBenchmarks, one op = one filter);
#   3. one JSON line per engine, then the ratio ours/peer (above 1 means we parse faster).
#
#   benchmarks/run-filter-bench.sh
#
# Env: PEERS_SRC   the peers folder (default: ../shared/peers beside the repository; read-only is fine)
#      PEERS_DIR   an installed copy to use as is (default: /tmp/scim-peers when it is installed and its
#                  package-lock.json matches PEERS_SRC's, or PEERS_SRC is absent)
#      PEER_SECONDS the peer's timed loop (default 2)
#      BDN_JOB     BenchmarkDotNet job (default short; `default` for figures worth writing down)
# Needs node >= 20 and npm (to install the peers once), and the .NET SDK.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mix="$root/benchmarks/filter-mix.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- the peers: one shared installer (benchmarks/peers.sh) copies ../shared/peers (read-only on CI), runs
#      npm ci there once and reuses /tmp/scim-peers when it is current ---------------------------------------
# shellcheck source=peers.sh
source "$root/benchmarks/peers.sh"
ensure_peers
[ -f "$peers/node_modules/scim2-parse-filter/package.json" ] || { echo "error: scim2-parse-filter is not installed in $peers" >&2; exit 1; }

# ---- the peer ---------------------------------------------------------------------------------------------
peer_json=$(node "$root/benchmarks/peer/filter-parse-peer.js" --peers="$peers" --mix="$mix" --seconds="${PEER_SECONDS:-2}")
echo "$peer_json"

# ---- ours (BenchmarkDotNet, Release) ----------------------------------------------------------------------
export JOSTLE_FILTER_MIX="$mix"   # read by FilterMixBenchmarks in BenchmarkDotNet's child process
if ! dotnet run -c Release --project "$root/benchmarks/Jostle.Scim.Benchmarks" -- \
    --filter '*FilterMixBenchmarks*' --job "${BDN_JOB:-short}" --exporters json \
    --artifacts "$work/bdn" > "$work/bdn.log" 2>&1; then
  tail -n 30 "$work/bdn.log" >&2
  echo "error: the BenchmarkDotNet run failed (see above)." >&2
  exit 1
fi
report=$(ls "$work"/bdn/results/*FilterMixBenchmarks-report*.json 2>/dev/null | head -n 1 || true)

node - "$report" "$peer_json" "$work/bdn.log" <<'JS'
const fs = require("node:fs");
const [report, peerJson, log] = process.argv.slice(2);
const peer = JSON.parse(peerJson);
const doc = report ? JSON.parse(fs.readFileSync(report, "utf8")) : null;
const bench = doc ? doc.Benchmarks.find((b) => b.Method === "ParseMix") : null;
const meanNs = bench && bench.Statistics ? bench.Statistics.Mean : NaN;   // per operation = per filter
if (!(meanNs > 0)) {
    process.stderr.write(fs.readFileSync(log, "utf8").split("\n").filter((l) => /Exception|error/i.test(l)).slice(0, 10).join("\n") + "\n");
    process.stderr.write("error: no result for FilterMixBenchmarks.ParseMix (ScimFilter.Parse must be implemented and parse every line of the mix)\n");
    process.exit(1);
}
const ours = Math.round(1e9 / meanNs);
console.log(JSON.stringify({ engine: "Jostle.Scim.Core", runtime: doc.HostEnvironmentInfo?.RuntimeVersion ?? null, filters: peer.filters, nsPerFilter: Math.round(meanNs), filtersPerSecond: ours }));
console.log(JSON.stringify({ ratio: "ours/peer", value: Math.round((ours / peer.filtersPerSecond) * 100) / 100 }));
JS
