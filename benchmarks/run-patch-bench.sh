#!/usr/bin/env bash
# PATCH throughput, ours vs the peer, on the same Entra ID user PATCH, in one run:
#   1. the peer: scim-patch on Node.js (benchmarks/peer/patch-peer.js: JSON.parse + patchBodyValidation + scimPatch,
#      no document mutation), >= 2.5 s timed loop;
#   2. ours: EntraPatchBenchmarks.EntraUserUpdate under BenchmarkDotNet (PatchRequest.Parse of the text +
#      PatchApplier.Apply), and with MEMBERSHIP=1 also PatchBenchmarks (one member added to a group of 10 and of
#      100 000 members, delta and document mode);
#   3. ours again as a plain timed loop right after the peer (entra-loop: same shape as patch-peer.js, wall and CPU
#      time), so both loops see about the same load;
#   4. one JSON line per engine, the ratios ours/peer (above 1 means we are faster), and the membership figures.
# On a loaded machine .NET needs seconds of warm-up before tier-1 code runs (the background JIT is starved): the loop
# warms up for 2 s, and BenchmarkDotNet gets BDN_WARMUP (default 15) warm-up iterations.
#
#   benchmarks/run-patch-bench.sh
#
# Env: PEERS_SRC   the peers folder (default: ../shared/peers beside the repository; read-only is fine)
#      PEERS_DIR   an installed copy to use as is (default: /tmp/scim-peers when it is installed and its
#                  package-lock.json matches PEERS_SRC's, or PEERS_SRC is absent)
#      BDN_JOB     BenchmarkDotNet job (default short; `default` for figures worth writing down)
#      BDN_WARMUP  BenchmarkDotNet warm-up iterations (default 15)
#      MEMBERSHIP  1 to run the membership benchmarks too (a few more minutes)
# Needs node >= 20 and npm (to install the peers once), and the .NET SDK.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- the peers: one shared installer (benchmarks/peers.sh) copies ../shared/peers (read-only on CI), runs
#      npm ci there once and reuses /tmp/scim-peers when it is current ---------------------------------------
# shellcheck source=peers.sh
source "$root/benchmarks/peers.sh"
ensure_peers
[ -f "$peers/node_modules/scim-patch/package.json" ] || { echo "error: scim-patch is not installed in $peers" >&2; exit 1; }

# ---- the peer ---------------------------------------------------------------------------------------------
peer_json=$(node "$root/benchmarks/peer/patch-peer.js" "$peers")
echo "$peer_json"

# ---- ours, plain loop, right after the peer ------------------------------------------------------------------
dotnet build -c Release "$root/benchmarks/Jostle.Scim.Benchmarks" > "$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; exit 1; }
loop_json=$(dotnet "$root/benchmarks/Jostle.Scim.Benchmarks/bin/Release/net10.0/Jostle.Scim.Benchmarks.dll" entra-loop 2.5)
echo "$loop_json"

# ---- ours (BenchmarkDotNet, Release) ----------------------------------------------------------------------
filters=('*EntraPatchBenchmarks*')
[ "${MEMBERSHIP:-0}" = 1 ] && filters+=('*.PatchBenchmarks.*')
if ! dotnet run -c Release --project "$root/benchmarks/Jostle.Scim.Benchmarks" -- \
    --filter "${filters[@]}" --job "${BDN_JOB:-short}" --warmupCount "${BDN_WARMUP:-15}" --exporters json \
    --artifacts "$work/bdn" > "$work/bdn.log" 2>&1; then
  tail -n 30 "$work/bdn.log" >&2
  echo "error: the BenchmarkDotNet run failed (see above)." >&2
  exit 1
fi
node - "$work/bdn/results" "$peer_json" "$work/bdn.log" "$loop_json" <<'JS'
const fs = require("node:fs");
const path = require("node:path");
const [results, peerJson, log, loopJson] = process.argv.slice(2);
const peer = JSON.parse(peerJson);
const loop = JSON.parse(loopJson);
const reports = fs.existsSync(results) ? fs.readdirSync(results).filter((f) => /-report-full-compressed\.json$|-report\.json$/.test(f)) : [];
const docs = reports.map((f) => JSON.parse(fs.readFileSync(path.join(results, f), "utf8")));
const doc = docs[0] ?? null;
const benches = docs.flatMap((d) => d.Benchmarks).filter((b) => b.Statistics && b.Statistics.Mean > 0);
const members = (b) => { const m = /Members=(\d+)/.exec(b.Parameters || ""); return m ? Number(m[1]) : null; };
const entra = benches.find((b) => b.Method === "EntraUserUpdate");
if (!entra) {
    process.stderr.write(fs.readFileSync(log, "utf8").split("\n").filter((l) => /Exception|error/i.test(l)).slice(0, 10).join("\n") + "\n");
    process.stderr.write("error: no result for EntraPatchBenchmarks.EntraUserUpdate\n");
    process.exit(1);
}
const ns = entra.Statistics.Mean;
const ours = Math.round(1e9 / ns);
console.log(JSON.stringify({ engine: "Jostle.Scim.Core", runtime: doc.HostEnvironmentInfo?.RuntimeVersion ?? null, usPerOp: +(ns / 1000).toFixed(3), opsPerSecond: ours, bytesPerOp: entra.Memory?.BytesAllocatedPerOperation ?? null }));
console.log(JSON.stringify({ ratio: "ours/peer", value: Math.round((ours / peer.ops_per_sec) * 100) / 100,
    loopWall: Math.round((peer.us_per_op / loop.us_per_op) * 100) / 100,
    loopCpu: peer.cpu_us_per_op ? Math.round((peer.cpu_us_per_op / loop.cpu_us_per_op) * 100) / 100 : null }));
for (const b of benches.filter((b) => b.Method !== "EntraUserUpdate")) {
    console.log(JSON.stringify({ benchmark: b.Method, members: members(b), usPerOp: +(b.Statistics.Mean / 1000).toFixed(3), bytesPerOp: b.Memory?.BytesAllocatedPerOperation ?? null }));
}
JS
