// Reads `perf script` output (call stacks, leaf first) and prints: samples per thread name, an inclusive breakdown by
// component (a sample counts for a component when any frame of its stack matches; components overlap, e.g. the key
// store is inside authentication), and the flat profile (self samples per symbol, top 45). An optional second argument
// names a module exporting other components ([name, regex] pairs), e.g. benchmarks/cycle/cycle-components.js.
//   node perf-breakdown.js perf.script [components.js]
const fs = require("node:fs");
const text = fs.readFileSync(process.argv[2], "utf8");
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
const pct = (n) => ((100 * n) / total).toFixed(1).padStart(5) + " %";
console.log(`samples: ${total}`);
console.log("\n## threads");
const threads = {};
for (const s of samples) threads[s.thread.replace(/\d+$/, "#")] = (threads[s.thread.replace(/\d+$/, "#")] || 0) + 1;
for (const [t, c] of Object.entries(threads).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${pct(c)}  ${t}`);

const defaultComponents = [
  ["authentication (API key handler, incl. key store)", /ScimApiKeyAuthenticationHandler|AuthenticationMiddleware|AuthenticationHandler`1|AuthenticationService/],
  ["  key store (ScimApiKeyManager, EfScimApiKeyStore)", /ScimApiKeyManager|EfScimApiKeyStore/],
  ["authorization", /AuthorizationMiddleware|AuthorizationHandler|PolicyEvaluator/],
  ["rate limiter / tenant resolution", /RateLimit|TenantResolver|ScimTenant/],
  ["user store query (EfScimUserStore)", /EfScimUserStore/],
  ["EF Core (all callers)", /Microsoft\.EntityFrameworkCore/],
  ["DbContext creation/pooling", /DbContextFactory|DbContextPool|CreateDbContext|ScimDbContext::\.ctor|DbContext::Dispose/],
  ["SQLite ADO + native", /Microsoft\.Data\.Sqlite|SQLitePCL|libe_sqlite3|sqlite3/],
  ["  native sqlite3 library", /libe_sqlite3|\(libsqlite3/],
  ["resource -> JSON response (serialisation)", /System\.Text\.Json|ScimResponseWriter|ResourceProjector|Projection/],
  ["provisioning log", /ProvisioningLog/],
  ["Microsoft.Extensions.Logging / console", /Microsoft\.Extensions\.Logging/],
  ["Kestrel + HTTP pipeline", /Microsoft\.AspNetCore\.Server\.Kestrel|System\.IO\.Pipelines/],
  ["sockets", /System\.Net\.Sockets/],
  ["GC", /WKS::gc|SVR::gc|gc_heap|GCHeap|\bgc_/],
  ["JIT / tiering", /libclrjit|TieredCompilation|CallCountingManager|MethodDesc::DoPrestub|ThePreStub/],
  ["kernel", /\[kernel\.kallsyms\]|^\[unknown\] \(kernel|entry_SYSCALL|do_syscall/],
  ["thread pool waiting / spinning", /PortableThreadPool|LowLevelLifoSemaphore|WorkerThread|SpinWait|Thread::Yield|sched_yield/],
];
const components = process.argv[3] ? require(require("node:path").resolve(process.argv[3])) : defaultComponents;
console.log("\n## inclusive by component (overlapping)");
for (const [name, re] of components) {
  const c = samples.filter((s) => s.frames.some((f) => re.test(f))).length;
  console.log(`${pct(c)}  ${name}`);
}
console.log("\n## self (leaf) by symbol, top 45");
const self = {};
for (const s of samples) { const f = s.frames[0] || "?"; self[f] = (self[f] || 0) + 1; }
for (const [f, c] of Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`${pct(c)}  ${f.slice(0, 160)}`);
console.log("\n## inclusive by managed method (any frame), top 60");
const incl = {};
for (const s of samples) for (const f of new Set(s.frames)) if (/\[OptimizedTier1\]|\[Optimized\]|\[Tier|\[PreJIT\]|::/.test(f)) incl[f] = (incl[f] || 0) + 1;
for (const [f, c] of Object.entries(incl).sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${pct(c)}  ${f.slice(0, 160)}`);
