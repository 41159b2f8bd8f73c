#!/usr/bin/env bash
# Benchmarks serving one image (issue 17: "image bytes served at least as fast as nginx serves the
# same file"): a ~150 KB JPEG stored with `gazette media add` in a fresh SQLite site and served by
# gazette at /wp-content/uploads/YYYY/MM/NAME.jpg, against nginx serving the very same bytes as a
# static file at the same path (bench/nginx-static.conf.template through lib.sh nginx_static:
# 2 workers, sendfile, open_file_cache, no access log). Two requests: the whole file, and its
# first KiB (Range: bytes=0-1023, 206). Goal: gazette >= 1.0x nginx's requests/s. Run by
# bench/run.sh (`make bench`), or alone; loopback only. BENCH_SECONDS sets each wrk run
# (wrk -t2 -c50 --latency, as bench/article.sh), BENCH_ROUNDS (default 3) the alternating rounds.
# Progress goes to stderr, the table to stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

rounds=${BENCH_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive whole number (got '$rounds')"
bench_setup media-serve

# --- the image, stored in gazette ----------------------------------------------------------------
photo=$tmp/bench-photo.jpg
make_photo "$photo" 1200 800 80 5
db=$tmp/gazette.db
gz "$db" init >/dev/null
gz "$db" media add "$photo" --alt "A bench photo" >"$tmp/media-add.log"
# The original's URL: `gazette media add` prints "media ID: SITE_URL/wp-content/uploads/FILE" first.
file=$(awk 'NR == 1 && $1 == "media" { sub(/^.*\/wp-content\/uploads\//, "", $3); print $3 }' "$tmp/media-add.log")
[[ $file =~ ^[0-9]{4}/[0-9]{2}/[^/]+\.jpg$ ]] || { cat "$tmp/media-add.log" >&2; die "the stored original's path is '$file', expected YYYY/MM/NAME.jpg"; }
path=/wp-content/uploads/$file
# The server's disk cache of media (media_disk: $XDG_CACHE_HOME/gazette-media-HASH) in the temp dir.
export XDG_CACHE_HOME=$tmp/cache
mkdir -p "$XDG_CACHE_HOME"
gazette_serve "$db" "$tmp/gazette.log"
gport=$serve_port

# --- nginx with the same bytes at the same path ------------------------------------------------------
docroot=$tmp/docroot
mkdir -p "$docroot${path%/*}"
fetch "http://127.0.0.1:$gport$path" "$docroot$path"
size=$(wc -c <"$docroot$path")
echo "media-serve bench" >"$docroot/index.html" # nginx_static waits for / to answer 200
nginx_static "$docroot"
nport=$nginx_port

# head_of URL FILE [RANGE]: the answer's status and headers (lower-case names) to FILE.hdr, body
# to FILE; prints the status code.
head_of() {
  local range=()
  [ -z "${3:-}" ] || range=(-H "Range: bytes=$3")
  curl -s -o "$2" -D "$2.hdr" -w '%{http_code}' "${range[@]}" "$1" || die "curl $1 failed"
}
header() { tr -d '\r' <"$1.hdr" | awk -F': ' -v n="$2" 'tolower($1) == n { print $2 }'; }
for server in nginx gazette; do
  port=$nport
  [ "$server" = gazette ] && port=$gport
  url="http://127.0.0.1:$port$path"
  code=$(head_of "$url" "$tmp/$server.full")
  [ "$code" = 200 ] || die "$server answered $path with HTTP $code, expected 200"
  cmp -s "$tmp/$server.full" "$docroot$path" || die "$server's body of $path differs from the stored file"
  ctype=$(header "$tmp/$server.full" content-type)
  [ "${ctype%%;*}" = image/jpeg ] || die "$server answered $path with Content-Type '$ctype', expected image/jpeg"
  code=$(head_of "$url" "$tmp/$server.range" 0-1023)
  [ "$code" = 206 ] || die "$server answered Range: bytes=0-1023 with HTTP $code, expected 206"
  cmp -s "$tmp/$server.range" <(head -c 1024 "$docroot$path") || die "$server's 206 body is not the file's first 1024 bytes"
  crange=$(header "$tmp/$server.range" content-range)
  [ "$crange" = "bytes 0-1023/$size" ] || die "$server's Content-Range is '$crange', expected 'bytes 0-1023/$size'"
done
# The file gazette sends: what it stored (the PIL-made JPEG, or its cleaned copy), byte for byte.
stored_note="gazette's cleaned copy of the upload"
cmp -s "$photo" "$docroot$path" && stored_note="the uploaded bytes as they came"
gz_cache=$(header "$tmp/gazette.full" cache-control)
gz_etag=$(header "$tmp/gazette.full" etag)

# --- wrk ------------------------------------------------------------------------------------------
targets=("nginx full" "gazette full" "nginx range" "gazette range")
declare -A rps p99
warnings=()
say "image $path ($size bytes): wrk -t$threads -c$conns -d${seconds}s --latency, $rounds rounds of ${#targets[@]} targets"
for r in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    read -r server what <<<"$t"
    port=$nport
    [ "$server" = gazette ] && port=$gport
    hdr=()
    [ "$what" = range ] && hdr=(-H "Range: bytes=0-1023")
    run_wrk "$server-$what" "$tmp/wrk-$server-$what-$r.txt" "${hdr[@]}" "http://127.0.0.1:$port$path"
    res=$(<"$tmp/result")
    read -r q l <<<"$(head -n 1 <<<"$res")"
    while IFS= read -r w; do [ -n "$w" ] && warnings+=("round $r ${w#WARN }"); done < <(tail -n +2 <<<"$res")
    rps[$t]+="$q "
    p99[$t]+="$l "
    printf 'bench: round %d %-14s %10.0f req/s  p99 %8.2f ms\n' "$r" "$t" "$q" "$l" >&2
  done
done
for pid in "$serve_pid" "$nginx_pid"; do kill -0 "$pid" 2>/dev/null || die "a server (pid $pid) died during the benchmark"; done
code=$(head_of "http://127.0.0.1:$gport$path" "$tmp/after.jpg")
[ "$code" = 200 ] || die "gazette answered $path with HTTP $code after the load"
cmp -s "$tmp/after.jpg" "$docroot$path" || warnings+=("gazette's body of $path changed after the load")
gz_hit=$(header "$tmp/after.jpg" x-gazette-cache)

# --- report ---------------------------------------------------------------------------------------
declare -A mq ml
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  mq[$t]=$(median ${rps[$t]})
  # shellcheck disable=SC2086
  ml[$t]=$(median ${p99[$t]})
done
echo "I. One image served: $path ($size bytes, JPEG)"
echo "   gazette (SQLite store) vs nginx (static file, sendfile, open_file_cache), median of $rounds x ${seconds}s,"
echo "   wrk -t$threads -c$conns --latency, keep-alive; $(nproc) CPUs shared by wrk and the servers"
printf '  %-30s %12s %10s %14s %10s %9s\n' request "nginx req/s" "nginx p99" "gazette req/s" "p99 (ms)" ratio
for what in full range; do
  n="nginx $what"
  g="gazette $what"
  ratio=$(awk -v a="${mq[$g]}" -v b="${mq[$n]}" 'BEGIN { printf "%.2f", a / b }')
  label="GET, 200 ($size bytes)"
  [ "$what" = range ] && label="Range: bytes=0-1023, 206"
  printf '  %-30s %12.0f %10.2f %14.0f %10.2f %8sx\n' "$label" "${mq[$n]}" "${ml[$n]}" "${mq[$g]}" "${ml[$g]}" "$ratio"
  request="GET (200)"
  [ "$what" = range ] && request="Range 0-1023 (206)"
  summary_row "image of $((size / 1024)) KiB, $request: req/s (nginx static)" \
    "$(printf '%.0f' "${mq[$g]}")" "$(printf '%.0f' "${mq[$n]}")" "${ratio}x" \
    ">= 1.0x (as fast as nginx), p99 $(printf '%.2f' "${ml[$g]}") ms: $(verdict "$ratio >= 1.0")"
done
echo "  ratio = gazette / nginx req/s; the same bytes from both ($stored_note), checked,"
echo "  and the same 206 answer (Content-Range: bytes 0-1023/$size)"
echo "  gazette's Cache-Control: ${gz_cache:-none}; ETag: ${gz_etag:-none}; page cache after the load: ${gz_hit:-no header}"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
