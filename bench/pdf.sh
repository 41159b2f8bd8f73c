#!/usr/bin/env bash
# Benchmarks the seed article's PDF: gazette making it inside the running server (GET PERMALINK/pdf/,
# pango + cairo) against WeasyPrint and headless Chromium making a PDF from gazette's print page
# (GET PERMALINK/print/). Goal (issue 4): gazette's median < 40 ms and at least 30x faster than the
# faster of the two. The goal is reported as MET / NOT MET; missing it does not fail the script.
# Run by bench/run.sh (`make bench`), or alone; loopback only. Progress goes to stderr, the table
# to stdout. BENCH_PDF_N (default 20) sets the gazette requests, BENCH_PDF_RUNS (default 5) the
# runs of each other tool.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

n=${BENCH_PDF_N:-20}
runs=${BENCH_PDF_RUNS:-5}
goal_ms=40
goal_ratio=30
chromium=/usr/bin/chromium
tool_timeout=120 # s; a hung browser must not hang the bench

[[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_PDF_N must be a positive whole number (got '$n')"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_PDF_RUNS must be a positive whole number (got '$runs')"
[ -f "$fixture" ] || die "fixture missing: $fixture (expected ../shared/fixtures/seed.wxr next to the repository)"
bench_setup pdf
command -v weasyprint >/dev/null || die "weasyprint not found after bench/deps"
[ -x "$chromium" ] || die "$chromium not found after bench/deps"

# --- gazette, the seed site on SQLite -------------------------------------------------------------
db=$tmp/gazette.db
gz "$db" init >/dev/null
gz "$db" import wxr "$fixture" >"$tmp/import.log"
path=$(gz "$db" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[[ $path == /*/ ]] || die "no post permalink ending in '/' in 'gazette post list' (5th column): '$path'"
gazette_serve "$db" "$tmp/gazette.log"
base="http://127.0.0.1:$serve_port$path"
pdf_url="${base}pdf/"
print_url="${base}print/"
fetch "$print_url" "$tmp/print.html"
print_size=$(wc -c <"$tmp/print.html")

# get_pdf QUERY NAME: GET pdf_url?QUERY to $tmp/NAME.pdf; dies unless 200 application/pdf with a
# %PDF body; sets got_ms (curl's time_total in ms), got_size, got_cache (X-Gazette-Cache).
get_pdf() {
  local url="$pdf_url?$1" out=$tmp/$2.pdf hdr=$tmp/$2.hdr w code ctype secs
  w=$(curl -s -o "$out" -D "$hdr" -w '%{http_code} %{content_type} %{time_total} %{size_download}' "$url") \
    || die "curl $url failed"
  read -r code ctype secs got_size <<<"$w"
  [ "$code" = 200 ] || { head -c 2000 "$out" >&2; die "$url answered HTTP $code, expected 200"; }
  [[ ${ctype%%;*} == application/pdf ]] || die "$url answered Content-Type '$ctype', expected application/pdf"
  [ "$(head -c 5 "$out")" = "%PDF-" ] || die "$url: the body does not start with %PDF-"
  got_cache=$(tr -d '\r' <"$hdr" | awk -F': ' 'tolower($1) == "x-gazette-cache" { print $2 }')
  got_ms=$(awk -v s="$secs" 'BEGIN { printf "%.3f", s * 1000 }')
}

pages() { # pages FILE: page count (pdfinfo, from poppler-utils, if there)
  if command -v pdfinfo >/dev/null; then
    pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'
  fi
}

# 1. gazette: a first (cold) request not counted, then n distinct queries = n page-cache misses.
# Only the parameters the PDF route declares are in the cache key (src/app/routes.c); images=N
# (any value but 0) asks for the default, images shown, so each N is the same PDF, a new key.
say "PDF of $path: gazette, $n sequential GETs of pdf/?images=1..$n (cache misses)"
get_pdf "images=warmup$$" warmup
cold_ms=$got_ms
gz_ms=()
misses=0
for i in $(seq "$n"); do
  get_pdf "images=$i" "gazette-$i"
  gz_ms+=("$got_ms")
  [ "$got_cache" = hit ] || misses=$((misses + 1))
  [ "$i" = 1 ] && { gz_size=$got_size; gz_pages=$(pages "$tmp/gazette-1.pdf"); }
done
warnings=()
[ "$misses" = "$n" ] || warnings+=("only $misses of $n gazette requests were page-cache misses (X-Gazette-Cache)")
get_pdf "images=1" hit
hit_ms=$got_ms
[ "$got_cache" = hit ] || warnings+=("the repeated request pdf/?images=1 was not a cache hit (X-Gazette-Cache: ${got_cache:-none})")
cmp -s "$tmp/gazette-1.pdf" "$tmp/hit.pdf" || warnings+=("the cache hit's body differs from the first answer to pdf/?images=1")
gz_med=$(median "${gz_ms[@]}")
gz_p90=$(percentile 90 "${gz_ms[@]}")
gz_min=$(percentile 1 "${gz_ms[@]}")
gz_max=$(percentile 100 "${gz_ms[@]}")
printf 'bench: gazette pdf: median %.1f ms, p90 %.1f ms (min %.1f, max %.1f), cold first %.1f ms, cache hit %.2f ms\n' \
  "$gz_med" "$gz_p90" "$gz_min" "$gz_max" "$cold_ms" "$hit_ms" >&2

# 2. the other tools, from the print page; one warm-up run each (not counted), then $runs runs.
# tool_run NAME I: one run; sets elapsed_ms; dies unless the tool made a PDF.
tool_run() {
  local name=$1 i=$2 out=$tmp/$1-$2.pdf log=$tmp/$1-$2.log rc=0
  rm -f "$out"
  case $name in
    weasyprint)
      run_timed "$log" timeout "$tool_timeout" weasyprint "$print_url" "$out" || rc=$? ;;
    chromium)
      run_timed "$log" timeout "$tool_timeout" "$chromium" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$tmp/chromium-profile" --print-to-pdf="$out" "$print_url" || rc=$? ;;
  esac
  [ "$rc" = 0 ] || { tail -n 20 "$log" >&2; die "$name run $i failed (exit $rc)"; }
  if [ ! -s "$out" ] || [ "$(head -c 5 "$out")" != "%PDF-" ]; then
    tail -n 20 "$log" >&2
    die "$name run $i made no PDF"
  fi
}

declare -A ms med size npages version
version[weasyprint]=$(weasyprint --version 2>/dev/null | sed 's/^WeasyPrint version //')
version[chromium]=$("$chromium" --version 2>/dev/null | sed 's/^Chromium //; s/ .*//')
for t in weasyprint chromium; do
  say "$t ${version[$t]}: 1 warm-up + $runs runs from the print page"
  tool_run "$t" warmup
  ms[$t]=""
  for i in $(seq "$runs"); do
    tool_run "$t" "$i"
    ms[$t]+="$elapsed_ms "
    printf 'bench: %-10s run %d %8.1f ms\n' "$t" "$i" "$elapsed_ms" >&2
  done
  # shellcheck disable=SC2086
  med[$t]=$(median ${ms[$t]})
  size[$t]=$(wc -c <"$tmp/$t-1.pdf")
  npages[$t]=$(pages "$tmp/$t-1.pdf")
done
kill -0 "$serve_pid" 2>/dev/null || die "gazette (pid $serve_pid) died during the benchmark"

# --- report ---------------------------------------------------------------------------------------
if awk -v w="${med[weasyprint]}" -v c="${med[chromium]}" 'BEGIN { exit !(w <= c) }'; then
  best=weasyprint
else
  best=chromium
fi
best_ms=${med[$best]}
ratio=$(awk -v b="$best_ms" -v g="$gz_med" 'BEGIN { printf "%.1f", b / g }')

fmt_pages() { [ -n "$1" ] && echo "$1 pages" || echo "pages ?"; }
echo "3. PDF of the seed article $path (print page $print_size bytes)"
echo "   gazette: GET pdf/ in the running server (pango + cairo), $n sequential cache misses, curl time_total;"
echo "   others: wall time of the command making a PDF from GET print/, median of $runs runs after 1 warm-up"
printf '  %-26s %10s %10s %15s  %s\n' tool "median ms" "p90 ms" "time / gazette" "output"
printf '  %-26s %10.1f %10.1f %14.1fx  %s bytes, %s\n' "gazette (in server)" "$gz_med" "$gz_p90" 1 \
  "$gz_size" "$(fmt_pages "$gz_pages")"
for t in weasyprint chromium; do
  r=$(awk -v m="${med[$t]}" -v g="$gz_med" 'BEGIN { printf "%.1f", m / g }')
  printf '  %-26s %10.1f %10s %14sx  %s bytes, %s\n' "$t ${version[$t]}" "${med[$t]}" "-" "$r" \
    "${size[$t]}" "$(fmt_pages "${npages[$t]}")"
done
printf '  gazette cache hit (pdf/?images=1 again): %.2f ms; first request after start (cold): %.1f ms\n' "$hit_ms" "$cold_ms"
echo "  runs (ms): gazette ${gz_ms[*]}"
for t in weasyprint chromium; do echo "             $t ${ms[$t]% }"; done
if awk -v g="$gz_med" -v r="$ratio" -v gm="$goal_ms" -v gr="$goal_ratio" 'BEGIN { exit !(g < gm && r >= gr) }'; then
  verdict=MET
else
  verdict="NOT MET"
fi
printf '  goal (issue 4): gazette median < %d ms and >= %dx faster than the faster of weasyprint/chromium:\n' \
  "$goal_ms" "$goal_ratio"
printf '    %.1f ms, %sx faster than %s (%.1f ms) -> %s\n' "$gz_med" "$ratio" "$best" "$best_ms" "$verdict"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
