-- wrk script for scripts/bench_load.py: the same conversations as its Python driver.
-- wrk runs one thread per connection here (-t N -c N), so each thread's Lua state is one
-- conversation slot: it sends a conversation's turns one after the other on its
-- connection, then starts the next conversation under a new sender.
--
-- Arguments after `--` (all given by bench_load.py, so the texts live in one place):
--   concurrency turns  n_script script...  n_grades grades...  n_places places...
-- Prints one JSON line at the end: turns, seconds, p50/p95/p99/mean (ms), errors.

local threads, created = {}, 0

function setup(thread)
  thread:set("id", created)          -- globals of the thread's Lua state
  thread:set("errors", 0)
  created = created + 1
  table.insert(threads, thread)
end

local concurrency, turns, script, grades, places
local conversation, turn, sender = 0, 0, nil

local function take(args, at)
  local n, list = tonumber(args[at]), {}
  for i = 1, n do list[i] = args[at + i] end
  return list, at + n + 1
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function init(args)
  concurrency, turns = tonumber(args[1]), tonumber(args[2])
  local at = 3
  script, at = take(args, at)
  grades, at = take(args, at)
  places, at = take(args, at)
  conversation = id                  -- conversation i, i + concurrency, … as the Python driver
  math.randomseed(os.time() * 1000 + id)
end

function request()
  if turn == 0 then
    sender = string.format("bench-wrk-%d-%d-%08x", id, conversation, math.random(0, 0x7fffffff))
  end
  local i = conversation
  local text = script[turn % #script + 1]
    :gsub("{grade}", grades[i % #grades + 1])
    :gsub("{year}", tostring(2012 + i % 12))
    :gsub("{place}", places[i % #places + 1])
  turn = turn + 1
  if turn == turns then
    turn, conversation = 0, conversation + concurrency
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
                    '{"sender":' .. json_string(sender) .. ',"message":' .. json_string(text) .. '}')
end

function response(status, headers, body)
  -- as the Python driver: a turn counts as failed unless it is a 200 with a non-empty reply list
  if status ~= 200 or body == nil or body == "" or body == "[]" then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("errors")
  end
  io.write(string.format(
    '{"turns": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, "mean": %.3f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.mean / 1e3, failed))
end
