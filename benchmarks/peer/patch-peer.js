#!/usr/bin/env node
// Times scim-patch on the same Entra ID user PATCH as PatchBenchmarks.EntraUserUpdate (parse the body + validate +
// apply, no document mutation), in a loop of at least 2 seconds, and prints ops/s.
//   node benchmarks/peer/patch-peer.js [PEERS_DIR=/tmp/scim-peers-patch]
"use strict";
const path = require("node:path");
const peers = process.argv[2] || process.env.PEERS_DIR || "/tmp/scim-peers-patch";
const {scimPatch, patchBodyValidation} = require(path.join(peers, "node_modules", "scim-patch"));

const body = JSON.stringify({schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [
    {op: "Replace", path: "displayName", value: "Barbara J"},
    {op: "Replace", path: "name.givenName", value: "Barbara"},
    {op: "Replace", path: "name.familyName", value: "Jensen-Smith"},
    {op: "Replace", path: "title", value: "Engineer"},
    {op: "Replace", path: "active", value: "False"},
    {op: "Replace", path: "emails[type eq \"work\"].value", value: "bjs@work.example"}]});
const user = {schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], id: "u1", externalId: "e1", userName: "bjensen@example.com", active: true,
    displayName: "Barbara", name: {givenName: "Barb", familyName: "Jensen"}, title: "Dev",
    emails: [{value: "bj@work.example", type: "work", primary: true}, {value: "bj@home.example", type: "home"}],
    meta: {resourceType: "User", created: "2024-01-01T00:00:00Z", lastModified: "2024-01-01T00:00:00Z", version: "W/\"1\""}};

function once() {
    const parsed = JSON.parse(body);
    patchBodyValidation(parsed);
    return scimPatch(user, parsed.Operations, {mutateDocument: false, treatMissingAsAdd: true});
}
const check = once();
if (check.emails[0].value !== "bjs@work.example") throw new Error("unexpected result " + JSON.stringify(check));
for (let i = 0; i < 20000; i++) once(); // warm-up
let n = 0;
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < 2.5) {
    for (let i = 0; i < 1000; i++) once();
    n += 1000;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}
const cpu = process.cpuUsage(cpuStart); // microseconds, user + system, all threads (like .NET's TotalProcessorTime)
console.log(JSON.stringify({engine: "scim-patch", ops: n, seconds: +elapsed.toFixed(3), ops_per_sec: Math.round(n / elapsed), us_per_op: +(1e6 * elapsed / n).toFixed(3),
    cpu_us_per_op: +((cpu.user + cpu.system) / n).toFixed(3)}));
