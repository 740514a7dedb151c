-- wrk: POST durable webhooks, each with an EventId of its own (a repeated id is stored once, which would
-- measure deduplication instead of the insert). Used for nglive and for the baseline receiver alike.
--
-- As fast as the connections go (saturation), or, with WRK_RATE=R and WRK_THREADS=T in the environment, R requests
-- per second in all over wrk's T threads: each thread hands its next send time to whichever of its connections
-- answers first. A send that finds its time already past (every connection of the thread still waiting) goes at once,
-- and is counted late when more than 1 ms behind: the rate holds, and a stall shows in `late` instead of hiding in the
-- latency (a closed loop's "coordinated omission").
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } nglive_timespec;
  int clock_gettime(int clock, nglive_timespec *time);
]]
local clock = ffi.new("nglive_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  prefix = string.format("%08x-%04x", os.time(), tid)
  late, late_max_ms = 0, 0
end

local rate, wrk_threads = tonumber(os.getenv("WRK_RATE")), tonumber(os.getenv("WRK_THREADS"))
if rate then
  local interval_ms = 1000 * wrk_threads / rate
  function delay()
    local now = now_ms()
    next_send = (next_send or now) + interval_ms
    local wait = next_send - now
    if wait < -1 then
      late = late + 1
      late_max_ms = math.max(late_max_ms, -wait)
    end
    if wait < 0 then
      return 0
    end
    return math.floor(wait)
  end
end

-- With WRK_ROOMS=N, the events go round rooms 1 to N, a session starting in each and then ending (the dashboard's
-- bench: every event changes a room); without it, sessions start in room 23058.
local rooms = tonumber(os.getenv("WRK_ROOMS"))

request = function()
  counter = counter + 1
  local room, type = 23058, "SessionStarted"
  if rooms then
    room = 1 + counter % rooms
    if math.floor(counter / rooms) % 2 == 1 then
      type = "SessionEnded"
    end
  end
  local body = string.format(
    '{"EventType":"%s","EventTimestamp":"2024-11-24T20:30:00.9461101+08:00",' ..
    '"EventId":"%s-4000-8000-%012d","EventData":{"SessionId":"7c7f3672-70ce-405a-aa12-886702ced6e5",' ..
    '"RoomId":%d,"ShortId":3,"Name":"3号直播间","Title":"哔哩哔哩音悦台","AreaNameParent":"电台",' ..
    '"AreaNameChild":"唱见电台","Recording":true,"Streaming":true,"DanmakuConnected":true}}',
    type, prefix, counter, room)
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local late_sends, late_max = 0, 0
  for _, thread in ipairs(threads) do
    late_sends = late_sends + thread:get("late")
    late_max = math.max(late_max, thread:get("late_max_ms"))
  end
  io.write(string.format("JSON {\"requests\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f," ..
    "\"max_ms\":%.3f,\"non2xx\":%d,\"errors\":%d,\"late\":%d,\"late_max_ms\":%.1f}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status, errors,
    late_sends, late_max))
end
