-- cold-render.lua: wrk script for bench/cold.sh. Every request GETs the URL with a query string
-- unique to the thread and request (PATH?replytocom=THREAD0000000N), so that every request misses
-- gazette's page cache: a store read and a render. It must be a parameter the article's route
-- declares (src/app/routes.c), since only those are part of the cache key; replytocom names no
-- comment here, so the page is the plain article.
-- wrk ... -s cold-render.lua URL -- RUN_TAG. done() prints one line for bench/cold.sh:
--   BENCH sent=N ok=N miss=N other=N duration_us=N
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  ok = 0
  miss = 0
  other = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", wrk.path .. "?replytocom=" .. (tid * 100000000 + sent))
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
  local c = headers["x-gazette-cache"] or headers["X-Gazette-Cache"]
  if c == "miss" then miss = miss + 1 end
end

function done(summary, latency, requests)
  local t = {sent = 0, ok = 0, miss = 0, other = 0}
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + th:get(k) end
  end
  io.write(string.format("BENCH sent=%d ok=%d miss=%d other=%d duration_us=%d\n",
    t.sent, t.ok, t.miss, t.other, summary.duration))
end
