#!/usr/bin/env bash
# Benchmarks a cold render: one post carrying a 1,000-comment thread 5 levels deep (written by
# bench/gen_wxr.py thread), imported into SQLite.
#  (a) in the server: wrk -s bench/cold-render.lua GETs PERMALINK?n=<unique> for BENCH_SECONDS, so
#      every request misses the page cache (store read + render + the gzip and brotli variants made
#      at fill); the server's CPU time (utime+stime from /proc/PID/stat) before and after, divided by
#      the misses counted on /metrics, gives µs of CPU per cold request, and misses / s the rate;
#  (b) valgrind --tool=callgrind --toggle-collect=article_load --toggle-collect=render_article_page
#      on `gazette render html POST`, twice: the instructions (Ir) of the store read and the render,
#      which do not depend on the machine's load (the two runs must agree).
# Goal (issue 7): < 2 ms of CPU per render. Run by bench/run.sh (`make bench`), or alone; loopback
# only. BENCH_COLD_COMMENTS / BENCH_COLD_DEPTH change the thread (default 1000 / 5). Progress goes
# to stderr, the table to stdout.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

ncomments=${BENCH_COLD_COMMENTS:-1000}
depth=${BENCH_COLD_DEPTH:-5}
goal_us=2000
cold_conns=8 # a render takes milliseconds: a few connections keep every worker busy
[[ $ncomments =~ ^[1-9][0-9]*$ ]] || die "BENCH_COLD_COMMENTS must be a positive whole number"
[[ $depth =~ ^[1-9][0-9]*$ ]] || die "BENCH_COLD_DEPTH must be a positive whole number"
bench_setup cold
command -v valgrind >/dev/null || die "valgrind not found after bench/deps"

# --- the site: one post, one deep thread ----------------------------------------------------------
python3 "$here/gen_wxr.py" thread --comments "$ncomments" --depth "$depth" --out "$tmp/thread.wxr" \
  >"$tmp/gen.json" || die "bench/gen_wxr.py thread failed"
db=$tmp/thread.db
gz "$db" init >/dev/null
gz "$db" import wxr "$tmp/thread.wxr" >"$tmp/import.log"
grep -q "comments: $ncomments new (approved $ncomments," "$tmp/import.log" \
  || { cat "$tmp/import.log" >&2; die "the import did not bring $ncomments approved comments"; }
read -r post_id path < <(gz "$db" post list | awk -F'\t' '$2 == "post" { print $1, $5; exit }')
[[ $path == /*/ ]] || die "no post permalink in 'gazette post list': '$path'"

gazette_serve "$db" "$tmp/gazette.log"
gport=$serve_port
base="http://127.0.0.1:$gport$path"
fetch "$base?n=check-$$" "$tmp/page.html"
page_bytes=$(wc -c <"$tmp/page.html")
shown=$(grep -o 'class="comment depth-[0-9]*' "$tmp/page.html" | wc -l)
deepest=$(grep -o 'class="comment depth-[0-9]*' "$tmp/page.html" | sed 's/.*depth-//' | sort -n | tail -n 1)
[ "$shown" = "$ncomments" ] || die "the page shows $shown comments, expected $ncomments"
[ "$deepest" = "$depth" ] || die "the page's deepest comment is at level $deepest, expected $depth"
for i in 1 2 3; do fetch "$base?n=warm-$$-$i" /dev/null; done # each worker's first render, not counted

# --- (a) cold renders in the server ---------------------------------------------------------------
hz=$(getconf CLK_TCK)
misses0=$(metric "$gport" gazette_cache_misses_total)
evict0=$(metric "$gport" gazette_cache_evictions_total)
ticks0=$(proc_cpu_ticks "$serve_pid")
say "cold render: wrk -t$threads -c$cold_conns -d${seconds}s -s bench/cold-render.lua $path?n=<unique>"
out=$tmp/wrk-cold.txt
saved_conns=$conns
conns=$cold_conns
run_wrk cold "$out" -s "$here/cold-render.lua" "$base" -- "cold$$"
conns=$saved_conns
ticks1=$(proc_cpu_ticks "$serve_pid")
misses1=$(metric "$gport" gazette_cache_misses_total)
evict1=$(metric "$gport" gazette_cache_evictions_total)
read -r _ p99 <<<"$(head -n 1 "$tmp/result")"
warnings=()
while IFS= read -r w; do [ -n "$w" ] && warnings+=("${w#WARN }"); done < <(tail -n +2 "$tmp/result")
line=$(grep '^BENCH ' "$out" | tail -n 1) || { cat "$out" >&2; die "no BENCH line from cold-render.lua"; }
declare -A b
for kv in ${line#BENCH }; do b[${kv%%=*}]=${kv#*=}; done
renders=$((misses1 - misses0))
[ "$renders" -gt 0 ] || die "no cache misses counted on /metrics during the run"
[ "${b[other]}" = 0 ] || warnings+=("${b[other]} cold requests did not answer 200")
[ "${b[miss]}" = "${b[ok]}" ] || warnings+=("only ${b[miss]} of ${b[ok]} answers said x-gazette-cache: miss")
cpu_us=$(awk -v t=$((ticks1 - ticks0)) -v hz="$hz" 'BEGIN { printf "%.0f", t / hz * 1e6 }')
us_per=$(awk -v c="$cpu_us" -v n="$renders" 'BEGIN { printf "%.0f", c / n }')
rate=$(awk -v n="$renders" -v d="${b[duration_us]}" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
say "cold: $renders misses (wrk: ${b[ok]} x 200, ${b[miss]} miss) in ${seconds}s, server CPU $((ticks1 - ticks0)) ticks -> $us_per µs per render, $rate/s"
kill -0 "$serve_pid" 2>/dev/null || die "gazette died during the benchmark"
stop "$serve_pid"

# --- (b) instructions per render, callgrind -------------------------------------------------------
ir=()
for run in 1 2; do
  cg=$tmp/callgrind-$run.out
  run_timed "$tmp/valgrind-$run.log" valgrind --tool=callgrind --callgrind-out-file="$cg" \
    --toggle-collect=article_load --toggle-collect=render_article_page \
    "$gazette" --db "$db" render html "$post_id" --out /dev/null \
    || { tail -n 20 "$tmp/valgrind-$run.log" >&2; die "valgrind run $run failed"; }
  n=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$tmp/valgrind-$run.log")
  [[ $n =~ ^[1-9][0-9]*$ ]] || { cat "$tmp/valgrind-$run.log" >&2; die "no Ir collected in valgrind run $run"; }
  ir+=("$n")
  say "callgrind run $run: $n instructions in article_load + render_article_page (${elapsed_ms} ms under valgrind)"
done
# The render without the server and without compression: CPU time (user+sys, getrusage of the
# child) of the whole `gazette render html` process, median of 7 runs, minus that of a process
# doing only the start-up and the store opening (`gazette get site.title`), median of 7 runs.
read -r cli_us base_us < <(python3 - "$gazette" "$db" "$post_id" <<'PY'
import resource, subprocess, sys
def cpu_us(args):
    runs = []
    for _ in range(7):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e6)
    return sorted(runs)[len(runs) // 2]
g, db, post = sys.argv[1:4]
print("%.0f %.0f" % (cpu_us([g, "--db", db, "render", "html", post, "--out", "/dev/null"]),
                     cpu_us([g, "--db", db, "get", "site.title"])))
PY
) || die "timing 'gazette render html' failed"
[[ $cli_us =~ ^[0-9]+$ && $base_us =~ ^[0-9]+$ ]] || die "cannot time 'gazette render html'"
render_us=$((cli_us - base_us))
incl=$(callgrind_annotate --inclusive=yes "$tmp/callgrind-1.out" 2>/dev/null \
  | awk '/:article_load / { gsub(",", "", $1); l = $1 } /:render_article_page / { gsub(",", "", $1); r = $1 }
         END { if (l != "" && r != "") printf "article_load %d, render_article_page %d", l, r }' || true)
# Repeatable: the two runs agree within 0.01% (a handful of instructions were seen to differ
# between two runs of the same binary on the same database).
irdiff=$((ir[1] > ir[0] ? ir[1] - ir[0] : ir[0] - ir[1]))
repeatable=$(verdict "$irdiff <= ${ir[0]} / 10000")
[ "$repeatable" = met ] || warnings+=("the two callgrind runs differ by more than 0.01%: ${ir[0]} vs ${ir[1]} instructions")

# --- report ---------------------------------------------------------------------------------------
ok=$(verdict "$us_per < $goal_us")
echo "5. Cold render: one post, $ncomments approved comments $depth levels deep (bench/gen_wxr.py), SQLite;"
echo "   page $page_bytes bytes (identity); every request PERMALINK?n=<unique> misses the page cache"
printf '  %-50s %s\n' "server CPU per cold request (utime+stime):" "$us_per µs   (goal < $goal_us µs: $ok)"
printf '  %-50s %s\n' "cold requests answered:" "$rate/s ($renders misses in ${seconds}s, wrk -t$threads -c$cold_conns, p99 $p99 ms)"
printf '  %-50s %s\n' "instructions per render (callgrind, 2 runs):" "${ir[0]} / ${ir[1]} (differ by $irdiff)"
printf '  %-50s %s\n' "store read + render alone, CPU (CLI estimate):" "$render_us µs = 'render html' process $cli_us µs - start-up $base_us µs (medians of 7)"
[ -z "$incl" ] || printf '  %-50s %s\n' "  of which (inclusive):" "$incl"
echo "  the server's figure includes everything a miss costs: HTTP, the store read, the render, the gzip"
echo "  (level 6) and brotli (quality 5) variants made at fill, and the cache insert/eviction"
echo "  ($((evict1 - evict0)) evictions during the run); callgrind counts the store read and the render only."
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
summary_row "cold render, $ncomments comments $depth deep: CPU µs per miss" "$us_per" "-" "-" "< $goal_us µs: $ok"
summary_row "cold render: store read + render alone, CPU µs (CLI)" "$render_us" "-" "-" "< $goal_us µs: $(verdict "$render_us < $goal_us")"
summary_row "cold render: misses/s (server, ${cold_conns} conns)" "$rate" "-" "-" "-"
summary_row "cold render: instructions (callgrind, 2 runs)" "${ir[0]}" "${ir[1]}" \
  "$(awk -v a="${ir[0]}" -v b="${ir[1]}" 'BEGIN { printf "%.4f", a / b }')" "repeatable within 0.01%: $repeatable"
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
