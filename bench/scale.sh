#!/usr/bin/env bash
# Benchmarks a large site: bench/gen_wxr.py site writes 10,000 posts and 100,000 approved comments;
# `gazette import wxr` is timed (goal < 10 s); the site is served, every post permalink, the front
# page and every /page/N/ are fetched once (bench/fetch_all.py, 4 keep-alive connections), then the
# server's VmRSS is read from /proc/PID/status (goal < 64 MB); then wrk measures the front page and
# a middle archive page against nginx serving the same bytes (goal: as fast as the article page,
# >= 1.0x nginx, p99 < 5 ms). Run by bench/run.sh (`make bench`), or alone; loopback only.
# BENCH_SCALE_POSTS / BENCH_SCALE_COMMENTS change the size. Progress to stderr, the table to stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

nposts=${BENCH_SCALE_POSTS:-10000}
ncomments=${BENCH_SCALE_COMMENTS:-100000}
import_goal_s=10
rss_goal_mb=64
p99_goal=5
[[ $nposts =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE_POSTS must be a positive whole number"
[[ $ncomments =~ ^[0-9]+$ ]] || die "BENCH_SCALE_COMMENTS must be a whole number"
bench_setup scale

# --- generate and import --------------------------------------------------------------------------
run_timed "$tmp/gen.json" python3 "$here/gen_wxr.py" site --posts "$nposts" --comments "$ncomments" \
  --out "$tmp/site.wxr" || { cat "$tmp/gen.json" >&2; die "bench/gen_wxr.py site failed"; }
gen_ms=$elapsed_ms
wxr_mb=$(awk -v b="$(wc -c <"$tmp/site.wxr")" 'BEGIN { printf "%.1f", b / 1048576 }')
say "generated $nposts posts, $ncomments comments: $wxr_mb MB of WXR in $gen_ms ms"
db=$tmp/site.db
gz "$db" init >/dev/null
run_timed "$tmp/import.log" "$gazette" --db "$db" import wxr "$tmp/site.wxr" \
  || { tail -n 20 "$tmp/import.log" >&2; die "gazette import wxr failed"; }
import_ms=$elapsed_ms
{ grep -q "posts: $nposts new" "$tmp/import.log" && grep -q "comments: $ncomments new (approved $ncomments," "$tmp/import.log"; } \
  || { cat "$tmp/import.log" >&2; die "the import did not bring $nposts posts and $ncomments approved comments"; }
import_s=$(awk -v ms="$import_ms" 'BEGIN { printf "%.2f", ms / 1000 }')
db_mb=$(awk -v b="$(wc -c <"$db")" 'BEGIN { printf "%.1f", b / 1048576 }')
say "import: $import_s s (database $db_mb MB)"
rm -f "$tmp/site.wxr"

# --- serve, fetch every page once -----------------------------------------------------------------
gz "$db" post list | awk -F'\t' '$2 == "post" && $3 == "publish" { print $5 }' >"$tmp/posts.txt"
[ "$(wc -l <"$tmp/posts.txt")" = "$nposts" ] || die "'gazette post list' shows $(wc -l <"$tmp/posts.txt") published posts, expected $nposts"
per_page=$(gz "$db" get site.posts_per_page)
npages=$(((nposts + per_page - 1) / per_page))
{
  cat "$tmp/posts.txt"
  echo /
  for ((i = 2; i <= npages; i++)); do echo "/page/$i/"; done
} >"$tmp/paths.txt"
npaths=$(wc -l <"$tmp/paths.txt")
gazette_serve "$db" "$tmp/gazette.log"
gport=$serve_port
rss_start=$(proc_rss_kb "$serve_pid")
say "fetching $npaths pages once ($nposts posts, the front page, /page/2/../page/$npages/)"
run_timed "$tmp/fetch.json" python3 "$here/fetch_all.py" 127.0.0.1 "$gport" "$tmp/paths.txt" --conns 4 \
  || { cat "$tmp/fetch.json" >&2; die "bench/fetch_all.py failed"; }
fetch_json=$(tail -n 1 "$tmp/fetch.json")
ok200=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["statuses"].get("200", 0))' "$fetch_json")
fetch_s=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["seconds"])' "$fetch_json")
warnings=()
[ "$ok200" = "$npaths" ] || warnings+=("only $ok200 of $npaths pages answered 200: $fetch_json")
kill -0 "$serve_pid" 2>/dev/null || die "gazette died while serving every page"
rss=$(proc_rss_kb "$serve_pid")
hwm=$(proc_hwm_kb "$serve_pid")
cache_bytes=$(metric "$gport" gazette_cache_bytes)
cache_pages=$(metric "$gport" gazette_cache_pages)
evictions=$(metric "$gport" gazette_cache_evictions_total)
last_page=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gport/page/$((npages + 1))/" || true)
rss_mb=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
say "served $ok200/$npaths pages in $fetch_s s; VmRSS $rss_mb MB (peak $((hwm / 1024)) MB), cache $cache_pages pages / $((cache_bytes / 1048576)) MB, $evictions evictions"

# --- front page and an archive page: gazette vs nginx with the same bytes -------------------------
mid=$((npages / 2))
[ "$mid" -ge 2 ] || mid=2
archive=/page/$mid/
docroot=$tmp/docroot
mkdir -p "$docroot$archive"
fetch "http://127.0.0.1:$gport/" "$docroot/index.html"
fetch "http://127.0.0.1:$gport$archive" "$docroot${archive}index.html"
nginx_static "$docroot"
for p in / "$archive"; do
  fetch "http://127.0.0.1:$nginx_port$p" "$tmp/n.html"
  fetch "http://127.0.0.1:$gport$p" "$tmp/g.html"
  cmp -s "$tmp/n.html" "$tmp/g.html" || die "gazette's and nginx's $p differ"
done
front_bytes=$(wc -c <"$docroot/index.html")
archive_bytes=$(wc -c <"$docroot${archive}index.html")
declare -A q l
say "wrk -t$threads -c$conns -d${seconds}s --latency: nginx and gazette, front page and $archive"
for t in "nginx /" "gazette /" "nginx $archive" "gazette $archive"; do
  read -r server p <<<"$t"
  if [ "$server" = nginx ]; then port=$nginx_port; else port=$gport; fi
  run_wrk "$server$p" "$tmp/wrk-$server-${p//\//_}.txt" "http://127.0.0.1:$port$p"
  read -r rq rl <<<"$(head -n 1 "$tmp/result")"
  q[$t]=$rq
  l[$t]=$rl
  while IFS= read -r w; do [ -n "$w" ] && warnings+=("${w#WARN }"); done < <(tail -n +2 "$tmp/result")
  printf 'bench: %-22s %10.0f req/s  p99 %8.2f ms\n' "$t" "${q[$t]}" "${l[$t]}" >&2
done
kill -0 "$serve_pid" 2>/dev/null || die "gazette died during the benchmark"
rss_after=$(proc_rss_kb "$serve_pid")

# --- report ---------------------------------------------------------------------------------------
import_ok=$(verdict "$import_s < $import_goal_s")
rss_ok=$(verdict "$rss_mb < $rss_goal_mb")
echo "6. Scale: $nposts posts, $ncomments approved comments (bench/gen_wxr.py site, $wxr_mb MB of WXR,"
echo "   written in $(awk -v ms="$gen_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s), SQLite ($db_mb MB after the import)"
printf '  %-44s %s\n' "gazette import wxr:" "$import_s s (goal < $import_goal_s s: $import_ok)"
printf '  %-44s %s\n' "every page once:" "$ok200 of $npaths answered 200 in $fetch_s s (4 keep-alive connections)"
printf '  %-44s %s\n' "server VmRSS after that:" "$rss_mb MB (goal < $rss_goal_mb MB: $rss_ok); peak $((hwm / 1024)) MB; at start $((rss_start / 1024)) MB; after wrk $((rss_after / 1024)) MB"
printf '  %-44s %s\n' "page cache then (/metrics):" "$cache_pages pages, $((cache_bytes / 1048576)) MB with variants, $evictions evictions (cache.max_mb $(gz "$db" get cache.max_mb))"
printf '  %-44s %s\n' "/page/$((npages + 1))/ (past the last):" "HTTP $last_page"
printf '  %-22s %8s %12s %10s %14s %10s %8s\n' page bytes "nginx req/s" "nginx p99" "gazette req/s" "p99 (ms)" ratio
for p in / "$archive"; do
  if [ "$p" = / ]; then b=$front_bytes; label="front page /"; else b=$archive_bytes; label="archive $archive"; fi
  ratio=$(awk -v a="${q[gazette $p]}" -v b="${q[nginx $p]}" 'BEGIN { printf "%.2f", a / b }')
  printf '  %-22s %8d %12.0f %10.2f %14.0f %10.2f %7sx\n' "$label" "$b" "${q[nginx $p]}" "${l[nginx $p]}" \
    "${q[gazette $p]}" "${l[gazette $p]}" "$ratio"
  summary_row "scale: $label: req/s (nginx static)" "$(printf '%.0f' "${q[gazette $p]}")" \
    "$(printf '%.0f' "${q[nginx $p]}")" "${ratio}x" \
    ">= 1.0x, p99 $(printf '%.2f' "${l[gazette $p]}") < ${p99_goal} ms: $(verdict "$ratio >= 1.0 && ${l[gazette $p]} < $p99_goal")"
done
echo "  wrk -t$threads -c$conns -d${seconds}s --latency, one run each; goal: as fast as the article page (>= 1.0x nginx, p99 < ${p99_goal} ms)"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
summary_row "scale: import $nposts posts + $ncomments comments, s" "$import_s" "-" "-" "< $import_goal_s s: $import_ok"
summary_row "scale: VmRSS after every page once, MB" "$rss_mb" "-" "-" "< $rss_goal_mb MB: $rss_ok"
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
