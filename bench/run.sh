#!/usr/bin/env bash
# `make bench`: one run, one report. Starts one PostgreSQL server for both parts, then runs
# bench/article.sh (article page: nginx static vs gazette on SQLite and on PostgreSQL),
# bench/comments.sh (comment writes on SQLite and on PostgreSQL) and bench/pdf.sh (the seed
# article's PDF: gazette in the server vs WeasyPrint and headless Chromium), and prints their tables
# together at the end. BENCH_SECONDS sets each wrk run (default 10). Loopback only; temp dirs removed.
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

echo
echo "gazette bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(nginx -v 2>&1 | sed 's/^nginx version: //'),"\
  "PostgreSQL $(pg_sql postgres 'SHOW server_version'), BENCH_SECONDS=$seconds"
echo
cat "$tmp/article.out"
echo
cat "$tmp/comments.out"
echo
cat "$tmp/pdf.out"
exit "$status"
