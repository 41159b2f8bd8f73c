#!/usr/bin/env bash
# Benchmarks gazette's article page against nginx serving the very same bytes as a static file.
# Run from anywhere (`make bench` builds first); loopback only. BENCH_SECONDS sets each wrk run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

seconds=${BENCH_SECONDS:-10}
rounds=3
threads=2
conns=50
gazette=$root/build/gazette
fixture=$root/../shared/fixtures/seed.wxr

die() { echo "bench: error: $*" >&2; exit 1; }

[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive whole number of seconds (got '$seconds')"
[ -x "$gazette" ] || die "$gazette not built; run 'make build' (or 'make bench')"
[ -f "$fixture" ] || die "fixture missing: $fixture (expected ../shared/fixtures/seed.wxr next to the repository)"

"$here/deps"
command -v wrk >/dev/null || die "wrk not found after bench/deps"
command -v curl >/dev/null || die "curl not found after bench/deps"
nginx_bin=$(command -v nginx || true)
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
[ -n "$nginx_bin" ] || die "nginx not found after bench/deps"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench.XXXXXX")
gazette_pid=""
nginx_pid=""
wrk_pid=""

stop() { # stop PID: TERM, wait up to 5 s, then KILL
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$wrk_pid"
  stop "$gazette_pid"
  stop "$nginx_pid"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { # a loopback TCP port nobody listens on
  local p
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free loopback port found"
}

wait_http() { # wait_http URL PID LOG: until URL answers 200, or the server dies / 10 s pass
  local url=$1 pid=$2 log=$3
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2 || true; die "server (pid $pid) exited before $url answered"; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = 200 ] && return 0
    sleep 0.1
  done
  tail -n 20 "$log" >&2 || true
  die "$url did not answer 200 within 10 s"
}

fetch() { # fetch URL FILE: body to FILE, fail unless 200
  local code
  code=$(curl -s -o "$2" -w '%{http_code}' "$1") || die "curl $1 failed"
  [ "$code" = 200 ] || die "$1 answered HTTP $code, expected 200"
}

# --- gazette ------------------------------------------------------------------------------------
db=$tmp/gazette.db
"$gazette" --db "$db" init >/dev/null
"$gazette" --db "$db" import wxr "$fixture" >"$tmp/import.log" || { cat "$tmp/import.log" >&2; die "import of $fixture failed"; }
path=$("$gazette" --db "$db" post list | awk -F'\t' '$2 == "post" { print $5; exit }')
[[ $path == /* ]] || die "no post permalink in 'gazette post list' (5th column): '$path'"
[[ $path == */ ]] || die "permalink '$path' does not end in '/'; cannot map it to index.html"

gport=$(free_port)
"$gazette" --db "$db" serve --listen "127.0.0.1:$gport" --access-log off >"$tmp/gazette.log" 2>&1 &
gazette_pid=$!
wait_http "http://127.0.0.1:$gport/healthz" "$gazette_pid" "$tmp/gazette.log"

gurl="http://127.0.0.1:$gport$path"
fetch "$gurl" "$tmp/article.html"
fetch "http://127.0.0.1:$gport/" "$tmp/front.html"

# --- nginx with the same bytes ------------------------------------------------------------------
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
nurl="http://127.0.0.1:$nport$path"
wait_http "$nurl" "$nginx_pid" "$tmp/nginx-error.log"

# --- same bytes from both? ------------------------------------------------------------------------
fetch "$gurl" "$tmp/check-gazette.html"
fetch "$nurl" "$tmp/check-nginx.html"
cmp "$tmp/check-gazette.html" "$tmp/check-nginx.html" >&2 || die "gazette and nginx bodies differ"
cmp "$tmp/article.html" "$tmp/check-gazette.html" >&2 || die "gazette's article page changed between two requests"
size=$(wc -c <"$tmp/article.html")

# --- wrk ------------------------------------------------------------------------------------------
warnings=()
run_wrk() { # run_wrk NAME URL ROUND: writes "REQ_PER_S P99_MS" (then warnings) to $tmp/result
  local name=$1 url=$2 round=$3 out=$tmp/wrk-$1-$3.txt
  # In the background + wait, so that Ctrl-C/TERM reach the trap (and stop wrk) at once.
  wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency "$url" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || { cat "$out" >&2; die "wrk against $name failed"; }
  wrk_pid=""
  awk -v name="$name" -v round="$round" '
    /^Requests\/sec:/ { rps = $2 }
    /^ +99%/ {
      v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
      p99 = v * (unit == "us" ? 0.001 : unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : 0/0)
    }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { errs = $0 }
    END {
      if (rps == "" || p99 == "") { print "unparsable" ; exit 1 }
      printf "%s %.3f\n", rps, p99
      if (bad != "") printf "WARN %s round %d: %s non-2xx/3xx responses\n", name, round, bad
      if (errs != "") printf "WARN %s round %d: %s\n", name, round, errs
    }' "$out" >"$tmp/result" || { cat "$out" >&2; die "cannot read wrk output for $name"; }
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A rps p99
echo "bench: article $path ($size bytes), wrk -t$threads -c$conns -d${seconds}s --latency, $rounds rounds" >&2
for r in $(seq "$rounds"); do
  for target in gazette nginx gazette-front; do
    case $target in
      gazette) url=$gurl ;;
      nginx) url=$nurl ;;
      gazette-front) url="http://127.0.0.1:$gport/" ;;
    esac
    run_wrk "$target" "$url" "$r"
    res=$(<"$tmp/result")
    read -r q l <<<"$(head -n 1 <<<"$res")"
    while IFS= read -r w; do [ -n "$w" ] && warnings+=("${w#WARN }"); done < <(tail -n +2 <<<"$res")
    rps[$target]+="$q "
    p99[$target]+="$l "
    printf 'bench: round %d %-13s %10.0f req/s  p99 %8.2f ms\n' "$r" "$target" "$q" "$l" >&2
  done
done

# Servers still healthy after the load?
kill -0 "$gazette_pid" 2>/dev/null || die "gazette died during the benchmark (see above)"
kill -0 "$nginx_pid" 2>/dev/null || die "nginx died during the benchmark"
fetch "$gurl" "$tmp/after.html"
cmp -s "$tmp/article.html" "$tmp/after.html" || warnings+=("gazette's article body changed after the load")

declare -A med_rps med_p99
for t in gazette nginx gazette-front; do
  # shellcheck disable=SC2086
  med_rps[$t]=$(median ${rps[$t]})
  # shellcheck disable=SC2086
  med_p99[$t]=$(median ${p99[$t]})
done

echo
echo "article page: $path ($size bytes), median of $rounds x ${seconds}s, wrk -t$threads -c$conns, $(nproc) CPUs"
printf '%-22s %12s %10s\n' server "req/s (med)" "p99 (ms)"
printf '%-22s %12.0f %10.2f\n' gazette "${med_rps[gazette]}" "${med_p99[gazette]}"
printf '%-22s %12.0f %10.2f\n' "nginx (static file)" "${med_rps[nginx]}" "${med_p99[nginx]}"
awk -v g="${med_rps[gazette]}" -v n="${med_rps[nginx]}" -v gl="${med_p99[gazette]}" -v nl="${med_p99[nginx]}" \
  'BEGIN { printf "%-22s %12.2f %10.2f\n", "ratio gazette/nginx", g / n, (nl > 0 ? gl / nl : 0) }'
echo
printf '%-22s %12.0f %10.2f\n' "gazette front page /" "${med_rps[gazette-front]}" "${med_p99[gazette-front]}"
if [ ${#warnings[@]} -gt 0 ]; then
  echo
  printf 'warning: %s\n' "${warnings[@]}"
fi
