// Reads `perf script` output of the load host during an Entra cycle (call stacks, leaf first) and prints: samples per
// thread, samples per request kind (a sample belongs to a kind when that kind's handler frame is on its stack; samples
// with no SCIM handler on the stack — Kestrel parsing and writing, sockets, the GC, the JIT — are "outside a handler"),
// an inclusive breakdown by component (overlapping) overall and within each kind, and the flat profile (self samples
// per symbol) overall and within each kind. With CPU_MS (the server's CPU per request from /proc) every share is also
// shown as microseconds of CPU per cycle request.
//   node cycle-breakdown.js perf.script [CPU_MS]
const fs = require("node:fs");
const text = fs.readFileSync(process.argv[2], "utf8");
const cpuMs = Number(process.argv[3] || 0);
const samples = [];
for (const block of text.split(/\n\s*\n/)) {
  const lines = block.split("\n").filter((l) => l.trim());
  if (!lines.length) continue;
  const head = lines[0].match(/^(.+?)\s+(\d+)(?:\/\d+)?\s/);
  const frames = lines.slice(1).map((l) => {
    const m = l.trim().match(/^[0-9a-f]+\s+(.*?)(?:\s+\((.*)\))?$/);
    if (!m) return l.trim();
    const sym = m[1].replace(/\+0x[0-9a-f]+$/, "");
    return sym === "[unknown]" ? `[unknown] (${(m[2] || "").split("/").pop()})` : sym + (m[2] && !m[2].includes("perf-") && !/\.dll$/.test(m[2]) ? ` (${m[2].split("/").pop()})` : "");
  });
  samples.push({ thread: head ? head[1].trim() : "?", frames });
}
const total = samples.length;
const line = (n, of, label) => {
  const share = of ? (100 * n) / of : 0;
  const us = cpuMs ? `  ${((share / 100) * cpuMs * 1000 * (of / total)).toFixed(1).padStart(6)} µs/req` : "";
  return `${share.toFixed(1).padStart(5)} %${us}  ${label}`;
};
console.log(`samples: ${total}${cpuMs ? `, server CPU ${cpuMs} ms per cycle request (µs/req below = share of all samples x that)` : ""}`);

// The kind of request a sample serves, from the Core frames on its stack (innermost match wins).
const kinds = [
  ["PATCH members", /ScimEndpoints[^ ]*PatchResourceAsync|ScimEndpoints\+<>c__DisplayClass2_0\+<<MapResources>b__5>|ScimResourceService[^ ]*PatchAsync|ScimResourceService[^ ]*PatchOnceAsync|PatchRequest|PatchApplier|MemberSet/],
  ["POST create", /ScimEndpoints[^ ]*PostResourceAsync|ScimEndpoints\+<>c__DisplayClass2_0\+<<MapResources>b__3>|ScimResourceService[^ ]*CreateAsync/],
  ["GET filter (list)", /ScimEndpoints[^ ]*ListAsync|ScimResourceService[^ ]*QueryAsync|ListResponseWriter|ScimQueryParameters/],
];
const handler = /ScimRequestContext|ScimEndpoints|Jostle\.Scim/;
const kindOf = (s) => {
  for (const f of s.frames) for (const [k, re] of kinds) if (re.test(f)) return k;
  return s.frames.some((f) => handler.test(f)) ? "Jostle.Scim, kind not seen on the stack" : "outside a handler (Kestrel, sockets, GC, JIT, thread pool)";
};
for (const s of samples) s.kind = kindOf(s);

const components = [
  ["Jostle.Scim (any frame)", /Jostle\.Scim/],
  ["  request context (tenant, services, base URL)", /ScimRequestContext::\.ctor|ScimTenant|TenantResolver/],
  ["  provisioning recorder / operation / metrics", /ScimProvisioningRecorder|ScimOperation|ScimMetrics|Diagnostics\.Metrics|Activity/],
  ["  body read + parse (JsonNode)", /ReadBodyAsync|ParseBody|CheckText/],
  ["  validation (ResourceValidator)", /ResourceValidator/],
  ["  filter parse/compile", /Jostle\.Scim\.Filtering/],
  // A frame's own type, not a type its signature names (a service method returning Task<Jostle.Scim.Stores.StoredResource>).
  ["  in-memory store", /\] Jostle\.Scim\.Stores\.[^ (]*::/],
  ["  store JSON (StoreJson)", /StoreJson/],
  ["  events / dispatch", /ScimResourceEvents|ScimEventDispatcher|Jostle\.Scim\.Events/],
  ["  version / ETag", /ResourceVersion|VersionMatches/],
  ["  response document (Complete, ToObject, projection)", /ScimResponseDocuments|ToObject|ResourceProjection|ListResponseWriter/],
  ["  ScimJsonResult.ExecuteAsync (write)", /ScimJsonResult/],
  ["  logging", /Microsoft\.Extensions\.Logging|ILogger|LoggerMessage/],
  ["System.Text.Json (all callers)", /System\.Text\.Json/],
  ["  JsonNode (System.Text.Json.Nodes)", /System\.Text\.Json\.Nodes/],
  ["DI resolution", /Microsoft\.Extensions\.DependencyInjection|ServiceProvider|ServiceLookup/],
  ["authentication / authorization", /AuthenticationMiddleware|AuthenticationHandler|AuthenticationService|AuthorizationMiddleware|PolicyEvaluator|DefaultAuthorizationService/],
  ["routing / endpoint", /Microsoft\.AspNetCore\.Routing|RequestDelegateFactory|EndpointMiddleware/],
  ["Kestrel + HTTP pipeline", /Microsoft\.AspNetCore\.Server\.Kestrel|System\.IO\.Pipelines/],
  ["sockets", /System\.Net\.Sockets/],
  ["allocation (managed allocator)", /JIT_New|Allocate|alloc_more_space|AllocateSmall|RhpNew|JIT_NewArr/],
  ["GC", /WKS::gc|SVR::gc|gc_heap|GCHeap|\bgc_/],
  ["JIT / tiering", /libclrjit|TieredCompilation|CallCountingManager|MethodDesc::DoPrestub|ThePreStub/],
  ["exceptions", /Exception::|ExceptionTracker|IL_Throw|DispatchManagedException|libgcc|_Unwind/],
  ["kernel", /\[kernel\.kallsyms\]|^\[unknown\] \(kernel|entry_SYSCALL|do_syscall/],
  ["thread pool waiting / spinning", /PortableThreadPool|LowLevelLifoSemaphore|WorkerThread|SpinWait|Thread::Yield|sched_yield/],
];
const bucket = (set, label, top) => {
  const n = set.length;
  console.log(`\n## ${label}: ${n} samples (${((100 * n) / total).toFixed(1)} % of all)`);
  console.log("### inclusive by component (overlapping; % of this set)");
  for (const [name, re] of components) {
    const c = set.filter((s) => s.frames.some((f) => re.test(f))).length;
    if (c) console.log(line(c, n, name));
  }
  console.log(`### self (leaf) by symbol, top ${top}`);
  const self = {};
  for (const s of set) { const f = s.frames[0] || "?"; self[f] = (self[f] || 0) + 1; }
  for (const [f, c] of Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(c, n, f.slice(0, 150)));
  console.log(`### inclusive by managed method, top ${top}`);
  const incl = {};
  for (const s of set) for (const f of new Set(s.frames)) if (/::/.test(f)) incl[f] = (incl[f] || 0) + 1;
  for (const [f, c] of Object.entries(incl).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(c, n, f.slice(0, 150)));
};
console.log("\n## threads");
const threads = {};
for (const s of samples) { const t = s.thread.replace(/\d+$/, "#"); threads[t] = (threads[t] || 0) + 1; }
for (const [t, c] of Object.entries(threads).sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(line(c, total, t));
console.log("\n## by request kind");
const byKind = {};
for (const s of samples) (byKind[s.kind] ||= []).push(s);
for (const [k, set] of Object.entries(byKind).sort((a, b) => b[1].length - a[1].length)) console.log(line(set.length, total, k));
bucket(samples, "all samples", 45);
for (const [k, set] of Object.entries(byKind).sort((a, b) => b[1].length - a[1].length)) bucket(set, k, 25);
