#!/usr/bin/env node
// Parse throughput of the peer filter parser (scim2-parse-filter) over a fixed mix of filters.
//
//   node filter-parse-peer.js --peers=DIR [--mix=FILE] [--seconds=2]
//
// DIR is an installed copy of ../shared/peers (with node_modules); FILE has one filter per line (blank lines and
// lines starting with # are skipped). Every filter must parse. After a warm-up, the whole mix is parsed again and
// again for at least --seconds; prints one JSON line:
//   {"engine":"scim2-parse-filter","version":"0.2.10","node":"v20...","filters":20,"parsed":N,"seconds":S,"filtersPerSecond":F}
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`unexpected argument ${a}`);
    return [m[1], m[2]];
}));
if (!args.peers) throw new Error("--peers=DIR is required (an installed copy of ../shared/peers)");
const mixFile = args.mix || path.join(__dirname, "..", "filter-mix.txt");
const seconds = Number(args.seconds || 2);

// Resolve the peer's packages from the peers copy, the same module filter-oracle.js uses.
const peerRequire = createRequire(path.join(path.resolve(args.peers), "package.json"));
const { parse } = peerRequire("scim2-parse-filter");
const version = peerRequire("scim2-parse-filter/package.json").version;

const filters = fs.readFileSync(mixFile, "utf8").split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
if (filters.length === 0) throw new Error(`${mixFile} has no filters`);
for (const f of filters) {
    try { parse(f); } catch (e) { throw new Error(`the peer cannot parse ${JSON.stringify(f)}: ${e.message}`); }
}

let sink = 0;   // consumed below so the parses cannot be optimised away
function run(minNs) {
    const start = process.hrtime.bigint();
    let passes = 0, elapsed = 0n;
    do {
        for (let i = 0; i < filters.length; i++) {
            sink += parse(filters[i]).op.length;
        }
        passes++;
        elapsed = process.hrtime.bigint() - start;
    } while (elapsed < minNs);
    return { parsed: passes * filters.length, ns: Number(elapsed) };
}

run(BigInt(Math.round(Math.max(0.5, seconds / 4) * 1e9)));   // warm-up: let the JIT settle
const { parsed, ns } = run(BigInt(Math.round(seconds * 1e9)));
if (sink === 0) throw new Error("no parse result was consumed");

console.log(JSON.stringify({
    engine: "scim2-parse-filter",
    version,
    node: process.version,
    filters: filters.length,
    parsed,
    seconds: Math.round(ns / 1e6) / 1e3,
    filtersPerSecond: Math.round(parsed / (ns / 1e9)),
}));
