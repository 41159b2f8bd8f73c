#!/usr/bin/env bash
# bench/compare.sh OLD_GAZETTE [PART...]: the same bench parts, in one run, for another build of
# gazette (OLD_GAZETTE, e.g. a worktree of the last release built with `make build`) and for this
# tree's build/gazette, alternating part by part so that both see the same machine. For a change
# that must not make anything slower (a refactoring): each part's table is printed for both.
# PARTS default to the four of a store or request-path change: article (cached page, SQLite and
# PostgreSQL), cold (a 1,000-comment thread rendered cold), comments (durable comment writes),
# scale (import of a generated site, and its pages). Any other part may be named, e.g. media-serve
# (one image vs nginx) or media-upload (a 12 MP upload; BENCH_UPLOAD_TOOLS=gazette leaves
# WordPress out, whose figures do not depend on the build). BENCH_SECONDS as for `make bench`.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

[ $# -ge 1 ] || die "usage: bench/compare.sh OLD_GAZETTE [article cold comments scale media-serve media-upload ...]"
old=$(realpath "$1")
shift
[ -x "$old" ] || die "$old is not an executable gazette"
new=$gazette
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(article cold comments scale)
for p in "${parts[@]}"; do
  [ -x "$here/$p.sh" ] || die "no bench part bench/$p.sh"
done

bench_setup compare
pg_start
export BENCH_PG_PORT=$pg_port

status=0
for p in "${parts[@]}"; do
  for which in old new; do
    binary=$old
    [ $which = new ] && binary=$new
    say "$p with the $which build ($binary)"
    BENCH_GAZETTE=$binary "$here/$p.sh" >"$tmp/$p.$which.out" &
    pid=$!
    track_pid "$pid"
    wait "$pid" || { rc=$?; status=$rc; say "bench/$p.sh failed with the $which build (exit $rc)"; }
  done
done

for p in "${parts[@]}"; do
  for which in old new; do
    binary=$old
    [ $which = new ] && binary=$new
    echo "== $p, $which build: $binary"
    cat "$tmp/$p.$which.out"
    echo
  done
done
exit "$status"
