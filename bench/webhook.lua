-- wrk: POST durable webhooks, each with an EventId of its own (a repeated id is stored once, which would
-- measure deduplication instead of the insert). Used for nglive and for the baseline receiver alike.
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
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"EventType":"SessionStarted","EventTimestamp":"2024-11-24T20:30:00.9461101+08:00",' ..
    '"EventId":"%s-4000-8000-%012d","EventData":{"SessionId":"7c7f3672-70ce-405a-aa12-886702ced6e5",' ..
    '"RoomId":23058,"ShortId":3,"Name":"3号直播间","Title":"哔哩哔哩音悦台","AreaNameParent":"电台",' ..
    '"AreaNameChild":"唱见电台","Recording":true,"Streaming":true,"DanmakuConnected":true}}',
    prefix, counter)
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("JSON {\"requests\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx\":%d,\"errors\":%d}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, errors))
end
