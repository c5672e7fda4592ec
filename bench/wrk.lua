-- Requests for wrk, cycled from the file named by BENCH_REQUESTS: one per line,
-- METHOD <tab> PATH <tab> BODY (may be empty) then <tab> "Header: value" as many as needed.
-- Prints one JSON line of results when done.
local requests = {}
local next_request = 1

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

init = function(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local fields = split(line)
    local headers = {}
    for i = 4, #fields do
      local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
      headers[name] = value
    end
    local body = fields[3] ~= "" and fields[3] or nil
    table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
  end
end

request = function()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

done = function(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "bad_status": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
