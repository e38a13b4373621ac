#!/usr/bin/env bash
# Differential check of the PATCH applier against scim-patch (the peers' PATCH oracle).
# Exports the cases marked "rfc": true (where RFC 7644 §3.5.2 is unambiguous) from
# tests/Jostle.Scim.Core.Tests/Cases/patch/*.jsonl as patch-oracle.js input lines, runs the oracle and our
# applier (dotnet run -- patch-diff FILE) on them, and prints each disagreement (ok-ness, or the results compared
# without "meta" and "schemas", keys sorted). Findings are recorded in docs/patch-differential.md.
#   benchmarks/peer/patch-differential.sh [PEERS_DIR=/tmp/scim-peers-patch]
# Install the peers once:  cp -r /work/shared/peers /tmp/scim-peers-patch && (cd /tmp/scim-peers-patch && npm ci)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peers="${1:-${PEERS_DIR:-/tmp/scim-peers-patch}}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat "$root"/tests/Jostle.Scim.Core.Tests/Cases/patch/*.jsonl | node -e '
  const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(l => l.trim() && !l.startsWith("//"));
  for (const c of lines.map(JSON.parse).filter(c => c.rfc))
    console.log(JSON.stringify({label: c.name, resource: c.before, operations: c.ops || c.body}));
' > "$work/cases.jsonl"

(cd "$peers" && node patch-oracle.js < "$work/cases.jsonl") > "$work/oracle.jsonl"
dotnet build -c Release "$root/benchmarks/Jostle.Scim.Benchmarks" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
dotnet run -c Release --no-build --project "$root/benchmarks/Jostle.Scim.Benchmarks" -- patch-diff "$work/cases.jsonl" > "$work/ours.jsonl"

node -e '
  const fs = require("fs");
  const read = f => fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map(JSON.parse);
  const [theirs, ours] = [read(process.argv[1]), read(process.argv[2])];
  const norm = v => Array.isArray(v) ? v.map(norm) : v && typeof v === "object"
    ? Object.fromEntries(Object.keys(v).filter(k => k !== "meta" && k !== "schemas").sort().map(k => [k, norm(v[k])])) : v;
  let disagree = 0;
  ours.forEach((o, i) => {
    const t = theirs[i];
    const same = o.ok === t.ok && (!o.ok || JSON.stringify(norm(o.result)) === JSON.stringify(norm(t.result)));
    if (same) return;
    disagree++;
    console.log(`DISAGREE ${o.label}`);
    console.log(`  ours:       ${o.ok ? JSON.stringify(norm(o.result)) : "error " + o.error.scimType + ": " + o.error.message}`);
    console.log(`  scim-patch: ${t.ok ? JSON.stringify(norm(t.result)) : "error (" + t.stage + ") " + (t.error.scimType || "") + ": " + t.error.message}`);
  });
  console.log(`${ours.length} cases, ${ours.length - disagree} agree, ${disagree} disagree`);
' "$work/oracle.jsonl" "$work/ours.jsonl"
