#!/usr/bin/env bash
# Benchmarks gazette's article page, on SQLite and on PostgreSQL, against nginx serving the very
# same bytes as a static file. Run by bench/run.sh (`make bench`), or alone; loopback only.
# BENCH_SECONDS sets each wrk run. Progress goes to stderr, the table to stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

rounds=3
[ -f "$fixture" ] || die "fixture missing: $fixture (expected ../shared/fixtures/seed.wxr next to the repository)"
bench_setup article
nginx_bin=$(command -v nginx || true)
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
[ -n "$nginx_bin" ] || die "nginx not found after bench/deps"
pg_start

# --- gazette on both stores, the seed site imported into each -------------------------------------
declare -A db port
db[sqlite]=$tmp/gazette.db
db[pg]=$(pg_createdb "bench_article_$$")
for s in sqlite pg; do
  gz "${db[$s]}" init >/dev/null
  gz "${db[$s]}" import wxr "$fixture" >"$tmp/import-$s.log"
done
path=$(gz "${db[sqlite]}" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[[ $path == /* ]] || die "no post permalink in 'gazette post list' (5th column): '$path'"
[[ $path == */ ]] || die "permalink '$path' does not end in '/'; cannot map it to index.html"
pg_path=$(gz "${db[pg]}" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[ "$pg_path" = "$path" ] || die "the first post's permalink differs: SQLite '$path', PostgreSQL '$pg_path'"

for s in sqlite pg; do
  gazette_serve "${db[$s]}" "$tmp/gazette-$s.log"
  port[$s]=$serve_port
done
gurl_sqlite="http://127.0.0.1:${port[sqlite]}$path"
gurl_pg="http://127.0.0.1:${port[pg]}$path"
fetch "$gurl_sqlite" "$tmp/article.html"

# --- nginx with the same bytes --------------------------------------------------------------------
mkdir -p "$tmp/docroot$path" "$tmp/nginx-tmp"
cp "$tmp/article.html" "$tmp/docroot${path}index.html"
nport=$(free_port)
user_line="# not root: workers run as the invoking user"
if [ "$(id -u)" -eq 0 ]; then
  user_line="user root $(id -gn);" # the 0700 temp dir must stay readable by the workers
fi
sed -e "s|@DIR@|$tmp|g" -e "s|@PORT@|$nport|g" -e "s|@USER_LINE@|$user_line|" \
  "$here/nginx.conf.template" >"$tmp/nginx.conf"
"$nginx_bin" -t -q -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" 2>"$tmp/nginx-test.log" \
  || { cat "$tmp/nginx-test.log" >&2; die "nginx rejected $tmp/nginx.conf"; }
"$nginx_bin" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" >"$tmp/nginx.log" 2>&1 &
nginx_pid=$!
track_pid "$nginx_pid"
nurl="http://127.0.0.1:$nport$path"
wait_http "$nurl" "$nginx_pid" "$tmp/nginx-error.log"

# --- same bytes from all three? -------------------------------------------------------------------
fetch "$gurl_sqlite" "$tmp/check-sqlite.html"
fetch "$gurl_pg" "$tmp/check-pg.html"
fetch "$nurl" "$tmp/check-nginx.html"
cmp "$tmp/article.html" "$tmp/check-sqlite.html" >&2 || die "gazette's article page (SQLite) changed between two requests"
cmp "$tmp/check-sqlite.html" "$tmp/check-nginx.html" >&2 || die "gazette and nginx bodies differ"
# absolute links (canonical, og:url, JSON-LD) name the host each server was asked by: its port
same_host() { sed "s|127\.0\.0\.1:$2|HOST|g" "$1"; }
cmp <(same_host "$tmp/check-sqlite.html" "${port[sqlite]}") <(same_host "$tmp/check-pg.html" "${port[pg]}") >&2 \
  || die "gazette's article page differs between SQLite and PostgreSQL (other than the host)"
size=$(wc -c <"$tmp/article.html")
fetch "http://127.0.0.1:${port[sqlite]}/" "$tmp/front-sqlite.html"
fetch "http://127.0.0.1:${port[pg]}/" "$tmp/front-pg.html"
cmp -s <(same_host "$tmp/front-sqlite.html" "${port[sqlite]}") <(same_host "$tmp/front-pg.html" "${port[pg]}") \
  || say "note: the front page differs between SQLite and PostgreSQL"
front_size=$(wc -c <"$tmp/front-sqlite.html")

# --- wrk ------------------------------------------------------------------------------------------
targets=(nginx sqlite pg sqlite-front pg-front)
declare -A url label rps p99
url[nginx]=$nurl
url[sqlite]=$gurl_sqlite
url[pg]=$gurl_pg
url[sqlite-front]="http://127.0.0.1:${port[sqlite]}/"
url[pg-front]="http://127.0.0.1:${port[pg]}/"
label[nginx]="nginx (static file)"
label[sqlite]="gazette, SQLite"
label[pg]="gazette, PostgreSQL"
label[sqlite-front]="gazette, SQLite"
label[pg-front]="gazette, PostgreSQL"
warnings=()
say "article $path ($size bytes), wrk -t$threads -c$conns -d${seconds}s --latency, $rounds rounds of ${#targets[@]} targets"
for r in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    run_wrk "$t" "$tmp/wrk-$t-$r.txt" "${url[$t]}"
    res=$(<"$tmp/result")
    read -r q l <<<"$(head -n 1 <<<"$res")"
    while IFS= read -r w; do [ -n "$w" ] && warnings+=("round $r ${w#WARN }"); done < <(tail -n +2 <<<"$res")
    rps[$t]+="$q "
    p99[$t]+="$l "
    printf 'bench: round %d %-13s %10.0f req/s  p99 %8.2f ms\n' "$r" "$t" "$q" "$l" >&2
  done
done

# Servers still healthy, pages unchanged after the load?
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "a server (pid $pid) died during the benchmark"; done
fetch "$gurl_sqlite" "$tmp/after-sqlite.html"
fetch "$gurl_pg" "$tmp/after-pg.html"
cmp -s "$tmp/article.html" "$tmp/after-sqlite.html" || warnings+=("gazette's article body (SQLite) changed after the load")
cmp -s "$tmp/check-pg.html" "$tmp/after-pg.html" || warnings+=("gazette's article body (PostgreSQL) changed after the load")
cache_sqlite=$(curl -s -o /dev/null -D - "$gurl_sqlite" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-gazette-cache" { print $2 }')
cache_pg=$(curl -s -o /dev/null -D - "$gurl_pg" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-gazette-cache" { print $2 }')

declare -A med_rps med_p99
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  med_rps[$t]=$(median ${rps[$t]})
  # shellcheck disable=SC2086
  med_p99[$t]=$(median ${p99[$t]})
done

row() { # row TARGET [noratio]: name, req/s, p99, and both against nginx's article
  awk -v name="${label[$1]}" -v q="${med_rps[$1]}" -v l="${med_p99[$1]}" \
    -v nq="${med_rps[nginx]}" -v nl="${med_p99[nginx]}" -v noratio="${2:-}" '
    BEGIN {
      if (noratio != "") printf "  %-22s %12.0f %10.2f %15s %13s\n", name, q, l, "-", "-"
      else printf "  %-22s %12.0f %10.2f %14.2fx %12.2fx\n", name, q, l, q / nq, (nl > 0 ? l / nl : 0)
    }'
}
echo "1. Article page $path ($size bytes, same bytes from all three), median of $rounds x ${seconds}s,"
echo "   wrk -t$threads -c$conns --latency, keep-alive; $(nproc) CPUs shared by wrk and the servers"
printf '  %-22s %12s %10s %15s %13s\n' server "req/s" "p99 (ms)" "req/s / nginx" "p99 / nginx"
row nginx
row sqlite
row pg
echo "  front page / ($front_size bytes; not comparable with the article):"
row sqlite-front noratio
row pg-front noratio
echo "  (page cache after the load: SQLite ${cache_sqlite:-no header}, PostgreSQL ${cache_pg:-no header})"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
