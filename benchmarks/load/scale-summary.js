// Summarises SCALE_ONLY runs of run-load.sh: per seeded size, the median of the wrk runs (req/s, p50, p99) and the
// garbage collector's work during them. Usage: node scale-summary.js results/<time>.jsonl [more.jsonl ...]
const fs = require("node:fs");
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
for (const file of process.argv.slice(2)) {
  const rows = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => r.gc);
  const sizes = [...new Set(rows.map((r) => r.label))];
  console.log(`${file}`);
  console.log("| seeded | runs | req/s | p50 ms | p99 ms | heap MB | working set MB | gen0/gen1/gen2 per run | GC pause per run ms | pause per GC ms | KB allocated per request | load average |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |");
  for (const label of sizes) {
    const rs = rows.filter((r) => r.label === label);
    const m = (f) => median(rs.map(f));
    const gcs = (r) => r.gc.gen0 + r.gc.gen1 + r.gc.gen2;
    console.log(`| ${label.match(/seeded=(\d+)/)[1]} | ${rs.length} | ${m((r) => r.requests_per_sec).toFixed(0)} | ${m((r) => r.latency_ms_p50).toFixed(2)} | ${m((r) => r.latency_ms_p99).toFixed(1)} | ${m((r) => r.gc.heap_mb)} | ${m((r) => r.gc.working_set_mb)} | ${rs.map((r) => `${r.gc.gen0}/${r.gc.gen1}/${r.gc.gen2}`).join(", ")} | ${m((r) => r.gc.gc_pause_ms).toFixed(0)} | ${m((r) => r.gc.gc_pause_ms / Math.max(1, gcs(r))).toFixed(1)} | ${m((r) => r.gc.allocated_kb_per_request).toFixed(1)} | ${rs[0].loadavg.split(" ")[0]}–${rs[rs.length - 1].loadavg.split(" ")[0]} |`);
  }
}
