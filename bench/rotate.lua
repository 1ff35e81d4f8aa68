-- wrk rotates over the paths of a file, one path per request, so no URL repeats until the
-- whole list has been asked for (bench/http.sh; bench/_urls.py writes the lists).
--
--   wrk -t2 -c8 -d10s -s bench/rotate.lua http://127.0.0.1:8000 -- URLFILE THREADS
--
-- Each thread starts at its own share of the list (THREADS: wrk's -t), so two threads do not
-- ask for the same page at the same time. The done hook prints the latency percentiles and
-- the request count as "rotate: ..." lines for bench/_http_run.py.

local paths = {}
local next_index = 1
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  local name = args[1]
  if name == nil then
    error("rotate.lua: give the URL file after --")
  end
  local file = assert(io.open(name, "r"))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  if #paths == 0 then
    error("rotate.lua: no paths in " .. name)
  end
  local count = tonumber(args[2]) or 1
  next_index = math.floor((id or 0) * #paths / count) % #paths + 1
  -- wrk calls the first thread's request() once to check it and never sends that request:
  -- that thread starts one path early, so what it sends starts at its share.
  if (id or 0) == 0 then
    next_index = (next_index - 2) % #paths + 1
  end
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("rotate: p%d %.3f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("rotate: mean %.3f ms\n", latency.mean / 1000))
  io.write(string.format("rotate: max %.3f ms\n", latency.max / 1000))
  io.write(string.format("rotate: requests %d\n", summary.requests))
  io.write(string.format("rotate: non2xx %d\n", summary.errors.status))
end
