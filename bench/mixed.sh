#!/usr/bin/env bash
# Benchmarks cached reads while writes wait for the disk: do the event loops keep answering cached
# pages while workers are blocked in commits (each comment waits in a worker for the group commit
# that holds it, one WAL fsync a batch)? The seed site
# on SQLite; wrk -t2 -c50 GETs the seed article (cached) for BENCH_SECONDS alone, then again while
# a second wrk (-t1 -c8) POSTs comments to another post (so the article stays cached). Run by
# bench/run.sh (`make bench`), or alone; loopback only. Progress goes to stderr, the table to
# stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

[ -f "$fixture" ] || die "fixture missing: $fixture (expected ../shared/fixtures/seed.wxr next to the repository)"
bench_setup mixed
writers=8

db=$tmp/mixed.db
gz "$db" init >/dev/null
gz "$db" import wxr "$fixture" >"$tmp/import.log"
gz "$db" set comments.moderation none >/dev/null
gz "$db" set comments.min_seconds 0 >/dev/null # wrk posts without the form (see comments.sh)
gz "$db" set comments.per_ip_10min 0 >/dev/null
article=$(gz "$db" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[[ $article == /*/ ]] || die "no post permalink in 'gazette post list': '$article'"
printf -- '---\ntitle: Where the comments go\nstatus: publish\n---\nA post of our own for comments.\n' \
  >"$tmp/other.md"
other=$(gz "$db" post new "$tmp/other.md" | sed -n 's/^created post [0-9]* at \(\/[^ ]*\).*$/\1/p')
[[ $other == /*/ ]] || die "cannot read the new post's permalink"

gazette_serve "$db" "$tmp/gazette.log"
url="http://127.0.0.1:$serve_port$article"
for _ in 1 2 3; do fetch "$url" /dev/null; done # cached from here on

say "mixed: GET $article alone, wrk -t$threads -c$conns -d${seconds}s"
run_wrk read-alone "$tmp/alone.txt" "$url"
read -r alone_rps alone_p99 <"$tmp/result"

say "mixed: the same GETs while wrk -t1 -c$writers POSTs comments to $other"
wrk -t1 -c"$writers" -d"$((seconds + 2))s" -s "$here/comment-post.lua" \
  "http://127.0.0.1:$serve_port${other}comments" -- "mixed-$$" >"$tmp/writes.txt" 2>&1 &
writer_pid=$!
track_pid "$writer_pid"
sleep 1 # the writes are under way before the reads are measured
run_wrk read-with-writes "$tmp/mixed.txt" "$url"
read -r mixed_rps mixed_p99 <"$tmp/result"
wait "$writer_pid" || { cat "$tmp/writes.txt" >&2; die "the comment-writing wrk failed"; }
line=$(grep '^BENCH ' "$tmp/writes.txt" | tail -n 1) || { cat "$tmp/writes.txt" >&2; die "no BENCH line"; }
declare -A b
for kv in ${line#BENCH }; do b[${kv%%=*}]=${kv#*=}; done
writes=$(awk -v n="${b[ok]}" -v us="${b[duration_us]}" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
hits=$(metric "$serve_port" gazette_cache_hits_total)
kill -0 "$serve_pid" 2>/dev/null || die "gazette died during the benchmark"

ratio=$(awk -v a="$alone_rps" -v m="$mixed_rps" 'BEGIN { printf "%.2f", m / a }')
echo "8. Cached reads while comments are written (SQLite, synchronous=FULL: each comment waits in a"
echo "   worker for its group commit's WAL fsync): GET of the seed article, wrk -t$threads -c$conns, ${seconds}s"
printf '  %-40s %10s %9s\n' "" "req/s" "p99 (ms)"
printf '  %-40s %10.0f %9.2f\n' "GETs alone" "$alone_rps" "$alone_p99"
printf '  %-40s %10.0f %9.2f\n' "GETs while comments are written" "$mixed_rps" "$mixed_p99"
echo "  comments written meanwhile: $writes/s (wrk -t1 -c$writers; ${b[ok]} x 303, ${b[other]} other);"
echo "  reads kept ${ratio}x of their rate (both wrk runs and the server share the CPUs);"
echo "  $hits cache hits in all"
summary_row "cached GETs while comments are written, req/s (vs alone)" "$mixed_rps" "$alone_rps" "${ratio}x" "-"
summary_row "cached GETs while comments are written, p99 ms (vs alone)" "$mixed_p99" "$alone_p99" "-" "-"
