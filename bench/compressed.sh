#!/usr/bin/env bash
# Benchmarks gazette's warm article page for clients accepting gzip and brotli, and its front page,
# against nginx serving gazette's very own bytes as static files: PAGE/index.html, index.html.gz
# and index.html.br (the gzip and brotli variants gazette made at fill) with gzip_static on, and
# brotli_static on when Debian's module is installed (else brotli clients of nginx get the .gz, and
# the table says so). Goal (issue 7): >= 1.0x nginx's requests/s, p99 < 5 ms. Run by bench/run.sh
# (`make bench`), or alone; loopback only. BENCH_SECONDS sets each wrk run, BENCH_ROUNDS (default
# 2) the alternating rounds. Progress goes to stderr, the table to stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

rounds=${BENCH_ROUNDS:-2}
p99_goal=5 # ms
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive whole number (got '$rounds')"
[ -f "$fixture" ] || die "fixture missing: $fixture (expected ../shared/fixtures/seed.wxr next to the repository)"
bench_setup compressed

# --- gazette, the seed site on SQLite -------------------------------------------------------------
db=$tmp/gazette.db
gz "$db" init >/dev/null
gz "$db" import wxr "$fixture" >"$tmp/import.log"
path=$(gz "$db" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[[ $path == /*/ ]] || die "no post permalink ending in '/' in 'gazette post list' (5th column): '$path'"
gazette_serve "$db" "$tmp/gazette.log"
gport=$serve_port

# --- gazette's bytes (identity, gzip, br) of the article and the front page, under nginx's docroot --
docroot=$tmp/docroot
mkdir -p "$docroot$path"
declare -A ext=([identity]="" [gzip]=.gz [br]=.br)
for page in article front; do
  if [ "$page" = article ]; then p=$path; else p=/; fi
  for enc in identity gzip br; do
    f=$docroot${p}index.html${ext[$enc]}
    got=$(fetch_enc "http://127.0.0.1:$gport$p" "$enc" "$f")
    [ "$got" = "$enc" ] || die "gazette answered $p for Accept-Encoding: $enc with Content-Encoding: $got"
    rm -f "$f.hdr"
  done
done
# The identity bodies must be what the compressed ones decode to.
gzip -dc "$docroot${path}index.html.gz" | cmp -s - "$docroot${path}index.html" \
  || die "gazette's gzip variant of $path does not decode to its identity body"
py=python3 # Debian's python3-brotli, when there, is in /usr/bin/python3's path
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if "$py" -c 'import brotli' 2>/dev/null; then
  "$py" -c 'import brotli, sys; sys.stdout.buffer.write(brotli.decompress(open(sys.argv[1], "rb").read()))' \
    "$docroot${path}index.html.br" | cmp -s - "$docroot${path}index.html" \
    || die "gazette's brotli variant of $path does not decode to its identity body"
fi
nginx_static "$docroot"
nport=$nginx_port
br_note="brotli_static on (Debian's libnginx-mod-http-brotli-static)"
[ -n "$nginx_brotli" ] || br_note="NO brotli module in this nginx: its brotli clients get the .gz (gzip_static)"

# Same bytes from both, for every encoding?
for page in article front; do
  if [ "$page" = article ]; then p=$path; else p=/; fi
  for enc in identity gzip br; do
    want=$enc
    [ "$enc" = br ] && [ -z "$nginx_brotli" ] && want=gzip
    got=$(fetch_enc "http://127.0.0.1:$nport$p" "$enc" "$tmp/check.body")
    [ "$got" = "$want" ] || die "nginx answered $p for Accept-Encoding: $enc with Content-Encoding: $got (expected $want)"
    cmp -s "$tmp/check.body" "$docroot${p}index.html${ext[$want]}" \
      || die "nginx's body of $p for Accept-Encoding: $enc differs from gazette's"
    got=$(fetch_enc "http://127.0.0.1:$gport$p" "$enc" "$tmp/check.body")
    cmp -s "$tmp/check.body" "$docroot${p}index.html${ext[$enc]}" \
      || die "gazette's body of $p for Accept-Encoding: $enc changed between two requests"
  done
done
size() { wc -c <"$docroot${1}index.html${ext[$2]}"; }

# --- wrk ------------------------------------------------------------------------------------------
# target: "server page encoding"
targets=()
for w in "article gzip" "article br" "front identity" "front gzip"; do
  targets+=("nginx $w" "gazette $w")
done
declare -A rps p99
warnings=()
say "compressed and front page: wrk -t$threads -c$conns -d${seconds}s --latency, $rounds rounds of ${#targets[@]} targets"
for r in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    read -r server page enc <<<"$t"
    if [ "$page" = article ]; then p=$path; else p=/; fi
    if [ "$server" = nginx ]; then port=$nport; else port=$gport; fi
    hdr=()
    [ "$enc" = identity ] || hdr=(-H "Accept-Encoding: $enc")
    run_wrk "$server-$page-$enc" "$tmp/wrk-${t// /-}-$r.txt" "${hdr[@]}" "http://127.0.0.1:$port$p"
    res=$(<"$tmp/result")
    read -r q l <<<"$(head -n 1 <<<"$res")"
    while IFS= read -r w; do [ -n "$w" ] && warnings+=("round $r ${w#WARN }"); done < <(tail -n +2 <<<"$res")
    rps[$t]+="$q "
    p99[$t]+="$l "
    printf 'bench: round %d %-24s %10.0f req/s  p99 %8.2f ms\n' "$r" "$t" "$q" "$l" >&2
  done
done
for pid in "$serve_pid" "$nginx_pid"; do kill -0 "$pid" 2>/dev/null || die "a server (pid $pid) died during the benchmark"; done
cache=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: br' "http://127.0.0.1:$gport$path" | tr -d '\r' \
  | awk -F': ' 'tolower($1) == "x-gazette-cache" { print $2 }')

# --- report ---------------------------------------------------------------------------------------
declare -A mq ml
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  mq[$t]=$(median ${rps[$t]})
  # shellcheck disable=SC2086
  ml[$t]=$(median ${p99[$t]})
done
echo "4. Compressed clients and the front page: gazette vs nginx serving gazette's own bytes (gzip_static;"
echo "   $br_note), median of $rounds x ${seconds}s (lower middle when even), wrk -t$threads -c$conns --latency"
printf '  %-34s %9s %12s %10s %12s %10s %9s\n' "page, Accept-Encoding" bytes "nginx req/s" "nginx p99" "gazette req/s" "p99 (ms)" "ratio"
for w in "article gzip" "article br" "front identity" "front gzip"; do
  read -r page enc <<<"$w"
  if [ "$page" = article ]; then p=$path; label="article"; else p=/; label="front page /"; fi
  n="nginx $w"
  g="gazette $w"
  bytes=$(size "$p" "$enc")
  ratio=$(awk -v a="${mq[$g]}" -v b="${mq[$n]}" 'BEGIN { printf "%.2f", a / b }')
  printf '  %-34s %9d %12.0f %10.2f %12.0f %10.2f %8sx\n' "$label, ${enc/identity/none}" "$bytes" \
    "${mq[$n]}" "${ml[$n]}" "${mq[$g]}" "${ml[$g]}" "$ratio"
  anchor_note="nginx gzip_static"
  [ "$enc" = br ] && { [ -n "$nginx_brotli" ] && anchor_note="nginx brotli_static" || anchor_note="nginx gzip_static (no brotli)"; }
  [ "$enc" = identity ] && anchor_note="nginx static"
  ok=$(verdict "$ratio >= 1.0 && ${ml[$g]} < $p99_goal")
  summary_row "$label, $enc client: req/s ($anchor_note)" "$(printf '%.0f' "${mq[$g]}")" \
    "$(printf '%.0f' "${mq[$n]}")" "${ratio}x" ">= 1.0x, p99 $(printf '%.2f' "${ml[$g]}") < ${p99_goal} ms: $ok"
done
echo "  article $path; bytes = the body sent (gazette's variant, the same file nginx sends);"
echo "  goal (issue 7): gazette >= 1.0x nginx's req/s and p99 < ${p99_goal} ms; page cache after the load: ${cache:-no header}"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
