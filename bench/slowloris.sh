#!/usr/bin/env bash
# Benchmarks slow clients: wrk measures gazette's warm article page (the seed site on SQLite) for
# BENCH_SECONDS without slow clients, then while bench/slowloris.py holds 1,000 loopback
# connections that send one header byte every 5 s and never finish (each one the server closes is
# replaced), then without them again. Goal (issue 7): with >= 90% of the throughput without
# (the mean of the two runs without). Also reported: how many slowloris connections the server
# closed by itself while they ran (its header deadline is http.timeout_s), and when. The slowloris
# clients run through the wrk run and at least until http.timeout_s + 2 s after they connected.
# Run by bench/run.sh (`make bench`), or alone; loopback only. BENCH_SLOW_CONNS changes the count.
# Progress goes to stderr, the table to stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

nslow=${BENCH_SLOW_CONNS:-1000}
interval=5
goal_pct=90
[[ $nslow =~ ^[1-9][0-9]*$ ]] || die "BENCH_SLOW_CONNS must be a positive whole number"
[ -f "$fixture" ] || die "fixture missing: $fixture (expected ../shared/fixtures/seed.wxr next to the repository)"
bench_setup slowloris

# Descriptors: the server holds every slow connection and wrk's (inherited limit), the client its own.
need=$((nslow + conns + 256))
soft=$(ulimit -Sn)
if [ "$soft" != unlimited ] && [ "$soft" -lt "$need" ]; then
  hard=$(ulimit -Hn)
  if [ "$hard" = unlimited ] || [ "$hard" -ge "$need" ]; then
    ulimit -Sn "$need"
  else
    ulimit -Sn "$hard"
    say "warning: open-file limit $hard is below the $need descriptors wanted"
  fi
fi

db=$tmp/gazette.db
gz "$db" init >/dev/null
gz "$db" import wxr "$fixture" >"$tmp/import.log"
path=$(gz "$db" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[[ $path == /*/ ]] || die "no post permalink ending in '/' in 'gazette post list' (5th column): '$path'"
timeout_s=$(gz "$db" get http.timeout_s)
# every client here is 127.0.0.1: wrk's 50 connections must not be refused for the slowloris
# ones' sake, so the per-address connection limit (which would cap the attack) is off
gz "$db" set http.max_conns_per_ip 0 >/dev/null
[[ $timeout_s =~ ^[0-9]+$ ]] || die "cannot read http.timeout_s (got '$timeout_s')"
gazette_serve "$db" "$tmp/gazette.log"
gport=$serve_port
url="http://127.0.0.1:$gport$path"
fetch "$url" "$tmp/article.html"
size=$(wc -c <"$tmp/article.html")

warnings=()
declare -A q l
measure() { # measure NAME: one wrk run on the article page; sets q[NAME], l[NAME]
  run_wrk "$1" "$tmp/wrk-$1.txt" "$url"
  local rq rl
  read -r rq rl <<<"$(head -n 1 "$tmp/result")"
  q[$1]=$rq
  l[$1]=$rl
  while IFS= read -r w; do [ -n "$w" ] && warnings+=("${w#WARN }"); done < <(tail -n +2 "$tmp/result")
  printf 'bench: %-16s %10.0f req/s  p99 %8.2f ms\n' "$1" "${q[$1]}" "${l[$1]}" >&2
}

say "slow clients: article $path, wrk -t$threads -c$conns -d${seconds}s --latency; $nslow slowloris connections (1 byte / ${interval}s)"
measure without-1

# --- with the slow clients ------------------------------------------------------------------------
status=$tmp/slowloris.status
python3 "$here/slowloris.py" --port "$gport" --conns "$nslow" --interval "$interval" \
  --status "$status" >"$tmp/slowloris.json" 2>"$tmp/slowloris.err" &
loris_pid=$!
track_pid "$loris_pid"
t_start=$EPOCHREALTIME
ramped=""
for _ in $(seq 300); do # up to 30 s for every connection to be open
  kill -0 "$loris_pid" 2>/dev/null || { cat "$tmp/slowloris.err" >&2; die "bench/slowloris.py exited early"; }
  if [ -f "$status" ] && grep -q "ramped=1" "$status"; then ramped=1; break; fi
  sleep 0.1
done
[ -n "$ramped" ] || die "bench/slowloris.py did not open its connections within 30 s"
open_at_start=$(sed -n 's/^open=\([0-9]*\).*/\1/p' "$status")
[ "$open_at_start" -ge "$nslow" ] || warnings+=("only $open_at_start of $nslow slowloris connections were open when wrk started")
fds_during=$(find "/proc/$serve_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
measure with
open_at_end=$(sed -n 's/^open=\([0-9]*\).*/\1/p' "$status")
# Let the header deadline act at least once on the first connections, then stop the client.
min_s=$((timeout_s + 2))
while awk -v a="${t_start/,/.}" -v b="${EPOCHREALTIME/,/.}" -v m="$min_s" 'BEGIN { exit !(b - a < m) }'; do
  kill -0 "$loris_pid" 2>/dev/null || break
  sleep 0.2
done
kill -TERM "$loris_pid" 2>/dev/null || true
wait "$loris_pid" 2>/dev/null || true
loris_s=$(awk -v a="${t_start/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", b - a }')
loris=$(tail -n 1 "$tmp/slowloris.json")
[[ $loris == "{"* ]] || { cat "$tmp/slowloris.err" >&2; die "no summary from bench/slowloris.py"; }
getj() { python3 -c 'import json, sys; v = json.loads(sys.argv[1]).get(sys.argv[2]); print("-" if v is None else v)' "$loris" "$1"; }
closed=$(getj closed_by_server)
opened=$(getj opened)
answered=$(getj answered)
first_close=$(getj first_close_s)
last_close=$(getj last_close_s)
failed=$(getj connect_failed)
min_open=$(getj min_open_after_ramp)
[ "$failed" = 0 ] || warnings+=("$failed slowloris connection attempts failed")

# --- without again --------------------------------------------------------------------------------
sleep 1
measure without-2
kill -0 "$serve_pid" 2>/dev/null || die "gazette died during the benchmark"

# --- report ---------------------------------------------------------------------------------------
base=$(awk -v a="${q[without-1]}" -v b="${q[without-2]}" 'BEGIN { printf "%.0f", (a + b) / 2 }')
pct=$(awk -v w="${q[with]}" -v b="$base" 'BEGIN { printf "%.1f", 100 * w / b }')
ok=$(verdict "$pct >= $goal_pct")
echo "7. Slow clients: article $path ($size bytes), wrk -t$threads -c$conns -d${seconds}s --latency, keep-alive"
printf '  %-48s %10s %10s\n' run "req/s" "p99 (ms)"
printf '  %-48s %10.0f %10.2f\n' "without slow clients (before)" "${q[without-1]}" "${l[without-1]}"
printf '  %-48s %10.0f %10.2f\n' "with $nslow slowloris connections" "${q[with]}" "${l[with]}"
printf '  %-48s %10.0f %10.2f\n' "without slow clients (after)" "${q[without-2]}" "${l[without-2]}"
echo "  with / without (mean of before and after): $pct% (goal >= $goal_pct%: $ok)"
echo "  slowloris: $nslow connections, one header byte every ${interval}s, replaced when closed; open when wrk"
echo "  started $open_at_start, when it ended $open_at_end, fewest seen $min_open; server descriptors then $fds_during"
echo "  closed by the server by itself in the ${loris_s}s the client ran: $closed of $opened opened ($answered with"
echo "  an answer first), first after ${first_close}s, last after ${last_close}s (http.timeout_s = $timeout_s)"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
summary_row "slow clients: article req/s with $nslow slowloris (vs without)" "$(printf '%.0f' "${q[with]}")" "$base" "$pct%" ">= $goal_pct%: $ok"
summary_row "slow clients: slowloris closed by server in ${loris_s}s" "$closed" "$opened" "-" "header deadline ${timeout_s}s: first close ${first_close}s"
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
