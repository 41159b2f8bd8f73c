-- wordpress-comment.lua: wrk script for bench/wordpress.sh. Every request POSTs a new top-level
-- comment to WordPress's /wp-comments-post.php with text unique to the run, thread and request
-- (wrk ... -s wordpress-comment.lua URL -- RUN_TAG POST_ID). WordPress answers a stored comment
-- with 302 (to PERMALINK#comment-N), so only 302 counts as acknowledged; other statuses are
-- counted per code (409 duplicate, 429 flood, ...), and done() prints one line for
-- bench/wordpress.sh, in the format of bench/comment-post.lua:
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
  post_id = args[2] or "1"
  sent = 0
  ok = 0
  other = 0
  codes = ""   -- "STATUS:N," pairs, kept as a string so that it copies between wrk's Lua states
  counts = {}
end

function request()
  sent = sent + 1
  local body = "comment_post_ID=" .. post_id
    .. "&author=Bench+Reader&email=reader%40example.com&url=&comment_parent=0"
    .. "&comment=Bench+comment+" .. tag .. "-" .. tid .. "-" .. sent
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 302 then
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
