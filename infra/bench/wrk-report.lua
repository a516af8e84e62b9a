-- wrk's summary as one JSON line (infra/bench/run.sh reads it). Headers come from the
-- environment so the script carries no secret.
local key = os.getenv("BENCH_AUTH")
if key then wrk.headers["Authorization"] = "Bearer " .. key end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "rps": %.1f, "p50_us": %.1f, "p99_us": %.1f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), errors))
end
