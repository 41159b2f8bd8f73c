-- comment-post.lua: wrk script for bench/comments.sh, bench/mixed.sh and bench/wordpress.sh.
-- Every request POSTs a new top-level comment with text unique to the run, thread and request:
--   wrk ... -s comment-post.lua URL -- RUN_TAG [ACK_STATUS [POST_ID]]
-- A comment counts as acknowledged only on ACK_STATUS (303, gazette's; WordPress answers 302);
-- POST_ID, when given, is sent as comment_post_ID (WordPress's /wp-comments-post.php needs it).
-- Other statuses are counted per code, and done() prints one line for the calling script:
--   BENCH ok=N other=N sent=N duration_us=N codes=STATUS:N,STATUS:N
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  tag = args[1] or "run"
  ack = tonumber(args[2] or "303")
  post_field = args[3] and ("comment_post_ID=" .. args[3] .. "&") or ""
  sent = 0
  ok = 0
  other = 0
  codes = ""   -- "STATUS:N," pairs, kept as a string so that it copies between wrk's Lua states
  counts = {}
end

function request()
  sent = sent + 1
  local body = post_field .. "author=Bench+Reader&email=reader%40example.com&url=&comment_parent=0"
    .. "&comment=Bench+comment+" .. tag .. "-" .. tid .. "-" .. sent
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == ack then
    ok = ok + 1
  else
    other = other + 1
    counts[status] = (counts[status] or 0) + 1
    local parts = {}
    for k, v in pairs(counts) do parts[#parts + 1] = k .. ":" .. v end
    codes = table.concat(parts, ",")
  end
end

function done(summary, latency, requests)
  local t_ok, t_other, t_sent, all = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    t_ok = t_ok + t:get("ok")
    t_other = t_other + t:get("other")
    t_sent = t_sent + t:get("sent")
    for k, v in string.gmatch(t:get("codes") or "", "(%d+):(%d+)") do
      all[k] = (all[k] or 0) + tonumber(v)
    end
  end
  local parts = {}
  for k, v in pairs(all) do parts[#parts + 1] = k .. ":" .. v end
  table.sort(parts)
  io.write(string.format("BENCH ok=%d other=%d sent=%d duration_us=%d codes=%s\n",
    t_ok, t_other, t_sent, summary.duration, table.concat(parts, ",")))
end
