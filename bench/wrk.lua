-- wrk script of `make bench` (bench/wrk.py runs it with -t N -c N: one thread, one
-- connection, one case each). BENCH_WRK_CONFIG names a Lua file returning
--   { mode = "transition" | "read", path = "/api/cases/%d", cookie = false,
--     connections = { { id = 7, version = 1, trigger = "return_for_revision", token = "…" }, … } }
-- A transition connection alternates return_for_revision / resubmit on its own case, sending
-- the version the previous answer carried. done() prints one line: BENCH_JSON {…}.

local config = dofile(os.getenv("BENCH_WRK_CONFIG"))
local NEXT = { return_for_revision = "resubmit", resubmit = "return_for_revision" }
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("slot", count)
  table.insert(threads, thread)
end

function init(args)
  local own = config.connections[slot]
  case_id, version, trigger = own.id, own.version, own.trigger
  bad, first_bad = 0, ""
  headers = { ["Content-Type"] = "application/json" }
  if config.cookie then
    headers["Cookie"] = "berkas_session=" .. own.token
  else
    headers["Authorization"] = "Bearer " .. own.token
  end
end

function request()
  if config.mode == "transition" then
    local body = string.format('{"version":%d,"comment":"beban uji"}', version)
    return wrk.format("POST", "/api/cases/" .. case_id .. "/transitions/" .. trigger,
                      headers, body)
  end
  return wrk.format("GET", string.format(config.path, case_id), headers)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 160):gsub('[%c"\\]', " ")
    end
    return
  end
  if config.mode == "transition" then
    version = tonumber(string.match(body, '"version":%s*(%d+)'))
    trigger = NEXT[trigger]
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if first == "" then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"non_200":%d,"socket_errors":%d,"timeouts":%d,"first_bad":"%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, bad_total, e.connect + e.read + e.write, e.timeout, first))
end
