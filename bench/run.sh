#!/usr/bin/env bash
# `make bench`: one run, one report. Starts one PostgreSQL server for both parts, then runs
# bench/article.sh (article page: nginx static vs gazette on SQLite and on PostgreSQL),
# bench/comments.sh (comment writes on SQLite and on PostgreSQL), bench/pdf.sh (the seed
# article's PDF: gazette in the server vs WeasyPrint and headless Chromium), bench/compressed.sh
# (gzip and brotli clients and the front page vs nginx gzip_static/brotli_static), bench/cold.sh
# (a 1,000-comment thread rendered cold), bench/scale.sh (10,000 posts and 100,000 comments) and
# bench/slowloris.sh (1,000 slow clients), bench/mixed.sh (cached reads while comments are
# written), bench/media-serve.sh (one image vs nginx) and bench/media-upload.sh (a 12 MP JPEG's
# upload with its sizes vs WordPress with GD and Imagick: needs root and bench/wordpress-deps,
# which it runs), and prints their tables together at the end, then one
# summary table (work, gazette, anchor, ratio, goal). BENCH_SECONDS sets each wrk run (default 10).
# Loopback only; temp dirs removed.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

bench_setup run
pg_start
export BENCH_PG_PORT=$pg_port

part() { # part SCRIPT OUT: runs a part in the background (so TERM/Ctrl-C reach our trap at once)
  local rc=0
  "$here/$1" >"$2" &
  local pid=$!
  track_pid "$pid"
  wait "$pid" || rc=$?
  return "$rc"
}

status=0
part article.sh "$tmp/article.out" || { status=$?; say "bench/article.sh failed (exit $status)"; }
part comments.sh "$tmp/comments.out" || { rc=$?; status=$rc; say "bench/comments.sh failed (exit $rc)"; }
part pdf.sh "$tmp/pdf.out" || { rc=$?; status=$rc; say "bench/pdf.sh failed (exit $rc)"; }
# The parts added for issue 7 also append their rows to the final summary table ($BENCH_SUMMARY).
export BENCH_SUMMARY=$tmp/summary-all.tsv
: >"$BENCH_SUMMARY"
extra=(compressed cold scale slowloris mixed media-serve media-upload)
for p in "${extra[@]}"; do
  part "$p.sh" "$tmp/$p.out" || { rc=$?; status=$rc; say "bench/$p.sh failed (exit $rc)"; }
done

echo
echo "gazette bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(nginx -v 2>&1 | sed 's/^nginx version: //'),"\
  "PostgreSQL $(pg_sql postgres 'SHOW server_version'), BENCH_SECONDS=$seconds"
echo
cat "$tmp/article.out"
echo
cat "$tmp/comments.out"
echo
cat "$tmp/pdf.out"
for p in "${extra[@]}"; do
  echo
  cat "$tmp/$p.out"
done

# --- the summary: rows read from the tables of parts 1-3, then the rows the others wrote ---------
# shellcheck disable=SC2016
awk '
  FNR == 1 { part = FILENAME ~ /article.out$/ ? 1 : FILENAME ~ /comments.out$/ ? 2 : 3 }
  part == 1 && /^  nginx \(static file\)/ && !n { n = $4; next }
  part == 1 && /^  gazette, (SQLite|PostgreSQL) / && !seen[$2]++ {
    printf "article, identity, %s: req/s (nginx static)\t%.0f\t%.0f\t%.2fx\t>= 1.0x, p99 %.2f < 5 ms: %s\n",
      $2, $3, n, $3 / n, $4, ($3 >= n && $4 < 5) ? "met" : "NOT MET"
  }
  part == 2 && /^  gazette, (SQLite|PostgreSQL) / {
    printf "comments, %s: 303/s (WordPress 85/s, not run)\t%.0f\t85\t%.1fx\t>= 2000/s: %s\n",
      $2, $3, $3 / 85, ($3 >= 2000) ? "met" : "NOT MET"
  }
  part == 3 && /^    [0-9.]+ ms, [0-9.]+x faster than/ { # "12.3 ms, 45.6x faster than TOOL (560.0 ms) -> MET"
    v = ($(NF - 1) == "NOT") ? "NOT MET" : "met"
    anchor = $7; sub(/^\(/, "", anchor)
    printf "PDF of the seed article: median ms (%s; ratio = x faster)\t%s\t%s\t%s\t< 40 ms, >= 30x faster: %s\n", $6, $1, anchor, $3, v
  }' "$tmp/article.out" "$tmp/comments.out" "$tmp/pdf.out" >"$tmp/summary-head.tsv" 2>/dev/null || true
echo
echo "Summary (ratio = gazette / anchor unless the row says otherwise; goals of issue 7, the PDF's of issue 4,"
echo "the media's of issue 17)"
cat "$tmp/summary-head.tsv" "$BENCH_SUMMARY" >"$tmp/summary.tsv"
print_summary "$tmp/summary.tsv"
exit "$status"
