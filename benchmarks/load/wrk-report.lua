-- wrk script: the same authenticated GET for every request; at the end, one JSON line (prefixed WRKJSON) with
-- requests/s and latency percentiles in ms. Env: WRK_TOKEN (bearer token).
local token = os.getenv("WRK_TOKEN") or "secret"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/scim+json"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests_total":%d,"requests_per_sec":%.1f,"latency_ms_p50":%.3f,"latency_ms_p99":%.3f,"latency_ms_avg":%.3f,"latency_ms_max":%.3f,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
