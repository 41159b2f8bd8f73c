# lib.sh: shared helpers for bench/run.sh, bench/article.sh, bench/comments.sh and bench/pdf.sh
# (sourced).
#
# After sourcing, call bench_setup: it checks the tools, makes the temp dir ($tmp) and installs the
# cleanup trap, which stops every process registered with track_pid, the PostgreSQL server if this
# script started it, and removes $tmp. Everything listens on 127.0.0.1 only.
#
# PostgreSQL: pg_start starts Debian's PostgreSQL 15 in $tmp/pg (initdb --auth=trust, pg_ctl; as
# the postgres user when we are root, since the server refuses to run as root), with the defaults
# fsync=on and synchronous_commit=on, so every commit is durable. When BENCH_PG_PORT is set (by
# bench/run.sh), the server already running there is used and left alone.
# shellcheck shell=bash

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

seconds=${BENCH_SECONDS:-10}
threads=2
conns=50
gazette=${BENCH_GAZETTE:-$root/build/gazette} # BENCH_GAZETTE: another build (bench/compare.sh)
# shellcheck disable=SC2034 # used by article.sh
fixture=$root/../shared/fixtures/seed.wxr
pg_bindir=${BENCH_PG_BINDIR:-/usr/lib/postgresql/15/bin}

# libpq's PG* variables would redirect psql/createdb and gazette; the bench names everything itself.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep '^PG' || true)

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

tmp=""
pids=()        # processes to stop at exit (track_pid)
wrk_pid=""
fg_pid=""      # the command run_timed is waiting for (stopped at exit)
pg_data=""     # set when this script started a PostgreSQL server (stopped at exit)

bench_setup() { # bench_setup NAME: checks, temp dir, cleanup trap
  [[ $seconds =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive whole number of seconds (got '$seconds')"
  [ -x "$gazette" ] || die "$gazette not built; run 'make build' (or 'make bench')"
  if [ -z "${BENCH_DEPS_DONE:-}" ]; then
    "$here/deps" >&2
    export BENCH_DEPS_DONE=1
  fi
  command -v wrk >/dev/null || die "wrk not found after bench/deps"
  command -v curl >/dev/null || die "curl not found after bench/deps"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/gazette-bench-$1.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

stop() { # stop PID: TERM, wait up to 5 s, then KILL
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

track_pid() { pids+=("$1"); }

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  stop "$wrk_pid"
  stop "$fg_pid"
  for p in "${pids[@]}"; do stop "$p"; done
  pg_stop
  [ -n "$tmp" ] && rm -rf "$tmp"
  exit "$rc"
}

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

# --- gazette --------------------------------------------------------------------------------------

gz() { # gz DB ARGS...: the gazette CLI on DB, output to stdout; on failure shows it and dies
  local db=$1 out
  shift
  out=$("$gazette" --db "$db" "$@" 2>&1) || { echo "$out" >&2; die "gazette --db $db $* failed"; }
  printf '%s\n' "$out"
}

serve_pid=""
serve_port=""
gazette_serve() { # gazette_serve DB LOG: starts 'gazette serve' on a free port; sets serve_pid, serve_port
  local db=$1 log=$2
  serve_port=$(free_port)
  "$gazette" --db "$db" serve --listen "127.0.0.1:$serve_port" --access-log off >"$log" 2>&1 &
  serve_pid=$!
  track_pid "$serve_pid"
  wait_http "http://127.0.0.1:$serve_port/healthz" "$serve_pid" "$log"
}

# --- PostgreSQL -----------------------------------------------------------------------------------

pg_port=${BENCH_PG_PORT:-}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() { # starts a server in $tmp/pg unless BENCH_PG_PORT names one already running
  [ -n "$pg_port" ] && return 0
  local t
  for t in initdb pg_ctl postgres createdb; do
    [ -x "$pg_bindir/$t" ] || die "PostgreSQL binary $pg_bindir/$t missing (bench/deps installs postgresql)"
  done
  local dir=$tmp/pg
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' user to run the server as"
    chmod 0711 "$tmp" # the postgres user must reach $tmp/pg; the rest stays unreadable to it
    chown postgres: "$dir"
    as_pg test -w "$dir" || die "the postgres user cannot write $dir (a parent directory closed to it? set TMPDIR)"
  fi
  as_pg "$pg_bindir/initdb" -D "$dir/data" --auth=trust -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
  pg_data=$dir/data
  local port ok=""
  for _ in 1 2 3; do # a port taken between free_port and bind: try another
    port=$(free_port)
    # fsync and synchronous_commit stay at their defaults (on): every commit is durable.
    as_pg sh -c "cat >>'$pg_data/postgresql.conf'" <<EOF

# gazette bench (bench/lib.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
logging_collector = off
EOF
    if as_pg "$pg_bindir/pg_ctl" -D "$pg_data" -l "$dir/postgres.log" -w -t 30 start >"$tmp/pg_ctl.log" 2>&1; then
      ok=1
      break
    fi
    grep -q "could not bind\|already in use" "$dir/postgres.log" 2>/dev/null || break
  done
  [ -n "$ok" ] || { cat "$tmp/pg_ctl.log" >&2; tail -n 20 "$dir/postgres.log" >&2 || true; die "PostgreSQL did not start"; }
  pg_port=$port
  local s
  s=$(pg_sql postgres "SHOW fsync") && [ "$s" = on ] || die "PostgreSQL fsync is '$s', expected on"
  s=$(pg_sql postgres "SHOW synchronous_commit") && [ "$s" = on ] || die "PostgreSQL synchronous_commit is '$s', expected on"
  say "PostgreSQL $(pg_sql postgres "SHOW server_version") on 127.0.0.1:$pg_port (fsync on, synchronous_commit on)"
}

pg_stop() { # stops the server this script started (if any)
  [ -n "$pg_data" ] || return 0
  if [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$pg_bindir/pg_ctl" -D "$pg_data" -m fast -w -t 20 stop >/dev/null 2>&1 \
      || as_pg "$pg_bindir/pg_ctl" -D "$pg_data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  fi
  pg_data=""
}

pg_sql() { # pg_sql DBNAME SQL: one value
  "$pg_bindir/psql" -X -q -t -A -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" -c "$2" 2>&1
}

pg_createdb() { # pg_createdb NAME: a new database; prints its URI for --db
  local name=$1 out
  out=$("$pg_bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$name" 2>&1) \
    || { echo "$out" >&2; die "createdb $name failed"; }
  echo "postgresql://postgres@127.0.0.1:$pg_port/$name"
}

# --- wrk ------------------------------------------------------------------------------------------

# settle_writes: writes made before a measurement (an import, an earlier bench's comments, the
# PostgreSQL server's dirty buffers) are flushed now, not by the kernel or a checkpoint while wrk
# measures, where they showed as noise in the p99 of whichever run they fell on.
settle_writes() {
  sync
  [ -z "$pg_port" ] || pg_sql postgres CHECKPOINT >/dev/null || die "CHECKPOINT failed"
}

# run_wrk NAME OUTFILE [WRK ARGS...]: settles writes, runs wrk -t -c -d --latency with the extra
# args; then writes "REQ_PER_S P99_MS" and WARN lines to $tmp/result.
run_wrk() {
  local name=$1 out=$2
  shift 2
  settle_writes
  # In the background + wait, so that Ctrl-C/TERM reach the trap (and stop wrk) at once.
  wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency "$@" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || { cat "$out" >&2; die "wrk against $name failed"; }
  wrk_pid=""
  awk -v name="$name" '
    /^Requests\/sec:/ { rps = $2 }
    /^ +99%/ {
      v = $2; unit = v; sub(/^[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
      # an unknown unit leaves p99 unset: "unparsable" below (gawk refuses a literal 0/0)
      scale = unit == "us" ? 0.001 : unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : -1
      if (scale > 0) p99 = v * scale
    }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { errs = $0; sub(/^ +/, "", errs) }
    END {
      if (rps == "" || p99 == "") { print "unparsable" ; exit 1 }
      printf "%s %.3f\n", rps, p99
      if (bad != "") printf "WARN %s: %s non-2xx/3xx responses\n", name, bad
      if (errs != "") printf "WARN %s: %s\n", name, errs
    }' "$out" >"$tmp/result" || { cat "$out" >&2; die "cannot read wrk output for $name"; }
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

percentile() { # percentile P VALUES...: nearest-rank P-th percentile (P in 1..100)
  local p=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '
    { v[NR] = $1 }
    END { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

# run_timed LOG CMD ARGS...: runs CMD (stdout+stderr to LOG) in the background and waits (so that
# Ctrl-C/TERM reach the trap, which stops it); sets elapsed_ms to its wall time in ms (not printed:
# in a $(...) subshell the trap would not know the pid); returns CMD's status.
# shellcheck disable=SC2034 # read by the scripts that call run_timed
elapsed_ms=""
run_timed() {
  local log=$1 t0 t1 rc=0
  shift
  t0=$EPOCHREALTIME
  "$@" >"$log" 2>&1 &
  fg_pid=$!
  wait "$fg_pid" || rc=$?
  t1=$EPOCHREALTIME
  fg_pid=""
  # shellcheck disable=SC2034
  elapsed_ms=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
  return "$rc"
}

# --- helpers of the parts added for issue 7 (compressed.sh, cold.sh, scale.sh, slowloris.sh) -----

# summary_row WORK GAZETTE ANCHOR RATIO GOAL: one row of the final summary table (tab-separated),
# appended to $BENCH_SUMMARY (set by bench/run.sh) and to $tmp/summary.tsv (printed by
# print_summary when a part runs alone). GOAL is the goal and its verdict, e.g. ">= 1.0x: met".
summary_row() {
  local line
  line=$(printf '%s\t%s\t%s\t%s\t%s' "$@")
  printf '%s\n' "$line" >>"$tmp/summary.tsv"
  [ -z "${BENCH_SUMMARY:-}" ] || printf '%s\n' "$line" >>"$BENCH_SUMMARY"
}

print_summary() { # print_summary FILE: the rows of FILE as a table
  [ -s "$1" ] || return 0
  awk -F'\t' '
    BEGIN { printf "  %-60s %10s %10s %7s  %s\n", "work", "gazette", "anchor", "ratio", "goal" }
    { printf "  %-60s %10s %10s %7s  %s\n", $1, $2, $3, $4, $5 }' "$1"
}

verdict() { # verdict CONDITION (an awk expression): "met" or "NOT MET"
  if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT MET"; fi
}

proc_cpu_ticks() { # proc_cpu_ticks PID: utime + stime of PID, in clock ticks (/proc/PID/stat)
  # The command name (field 2) may hold spaces: read the fields after its closing parenthesis.
  local stat
  stat=$(<"/proc/$1/stat") || die "cannot read /proc/$1/stat"
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

proc_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
proc_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

metric() { # metric PORT NAME: a value from gazette's /metrics
  curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}

brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so

# nginx_static DOCROOT: starts nginx (bench/nginx-static.conf.template: 2 workers, sendfile,
# open_file_cache, no access log, gzip_static on, and brotli_static on when Debian's module
# libnginx-mod-http-brotli-static is there) serving DOCROOT; sets nginx_port, nginx_pid and
# nginx_brotli (1 when brotli_static is on).
nginx_port=""
nginx_pid=""
nginx_brotli=""
nginx_static() {
  local docroot=$1 dir conf user_line load="" brotli="# brotli_static: module not installed" nginx_bin
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx_bin" ] || die "nginx not found after bench/deps"
  local built
  built=$("$nginx_bin" -V 2>&1) || true
  [[ $built == *--with-http_gzip_static_module* ]] \
    || die "this nginx has no gzip_static module (nginx -V); bench/deps installs Debian's nginx"
  nginx_brotli=""
  if [ -f "$brotli_module" ]; then
    load="load_module $brotli_module;"
    brotli="brotli_static on;"
    # shellcheck disable=SC2034 # read by the scripts that call nginx_static
    nginx_brotli=1
  fi
  dir=$(mktemp -d "$tmp/nginx.XXXXXX")
  mkdir -p "$dir/tmp"
  conf=$dir/nginx.conf
  user_line="# not root: workers run as the invoking user"
  if [ "$(id -u)" -eq 0 ]; then
    user_line="user root $(id -gn);" # the 0700 temp dir must stay readable by the workers
  fi
  nginx_port=$(free_port)
  sed -e "s|@DIR@|$dir|g" -e "s|@DOCROOT@|$docroot|g" -e "s|@PORT@|$nginx_port|g" \
    -e "s|@USER_LINE@|$user_line|" -e "s|@LOAD_MODULE@|$load|" -e "s|@BROTLI@|$brotli|" \
    "$here/nginx-static.conf.template" >"$conf"
  "$nginx_bin" -t -q -p "$dir" -c "$conf" -e "$dir/error.log" 2>"$dir/test.log" \
    || { cat "$dir/test.log" >&2; die "nginx rejected $conf"; }
  "$nginx_bin" -p "$dir" -c "$conf" -e "$dir/error.log" >"$dir/nginx.log" 2>&1 &
  nginx_pid=$!
  track_pid "$nginx_pid"
  wait_http "http://127.0.0.1:$nginx_port/" "$nginx_pid" "$dir/error.log"
}

# fetch_enc URL ENCODING FILE: the raw body for Accept-Encoding: ENCODING (not decoded) to FILE;
# fails unless 200; prints the Content-Encoding of the answer ("identity" when none).
fetch_enc() {
  local code hdr=$3.hdr
  code=$(curl -s -o "$3" -D "$hdr" -w '%{http_code}' -H "Accept-Encoding: $2" "$1") || die "curl $1 failed"
  [ "$code" = 200 ] || die "$1 (Accept-Encoding: $2) answered HTTP $code, expected 200"
  tr -d '\r' <"$hdr" | awk -F': ' 'tolower($1) == "content-encoding" { e = $2 } END { print (e == "" ? "identity" : e) }'
}

# --- helpers of the media parts (issue 17: media-upload.sh, media-serve.sh) -----------------------

# make_photo OUT WIDTH HEIGHT QUALITY GRAIN [exif]: writes a photo-like JPEG with Debian's
# python3-pil (installed by scripts/deps), the same bytes for the same arguments: a smooth colour
# field with blurred shapes (gradients and edges), plus Gaussian grain of sigma GRAIN, which sets
# the file's size the way a camera's sensor noise does (a flat colour would compress to nothing).
# With "exif": EXIF orientation 6 (turn 90° clockwise to show) and a GPS position, as a phone
# writes them. Prints nothing; dies when Pillow is missing.
make_photo() {
  local py=python3
  [ -x /usr/bin/python3 ] && py=/usr/bin/python3 # Debian's python3-pil is in its path
  "$py" -c 'import PIL' 2>/dev/null || die "python3-pil missing (scripts/deps installs it)"
  "$py" - "$@" <<'PY' || die "cannot make the photo $1"
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter

out, width, height, quality, grain = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
with_exif = len(sys.argv) > 6 and sys.argv[6] == "exif"
rnd = random.Random(17)
field = Image.new("RGB", (12, 8))
field.putdata([tuple(rnd.randrange(40, 220) for _ in range(3)) for _ in range(12 * 8)])
img = field.resize((width, height), Image.BICUBIC)
draw = ImageDraw.Draw(img)
for _ in range(250):
    x, y = rnd.randrange(width), rnd.randrange(height)
    r = rnd.randrange(max(2, width // 200), max(3, width // 8))
    colour = tuple(rnd.randrange(30, 230) for _ in range(3))
    if rnd.random() < 0.5:
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    else:
        draw.rectangle((x, y, x + r, y + r // 3), fill=colour)
img = img.filter(ImageFilter.GaussianBlur(2))
noise = Image.effect_noise((width, height), grain)
img = ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), 1.0, -128)
if with_exif:
    exif = Image.Exif()
    exif[0x010F] = "Gazette bench"  # Make
    exif[0x0110] = "Bench Camera 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.12), 3: "E", 4: (2.0, 21.0, 7.5)}  # GPS IFD
    img.save(out, "JPEG", quality=quality, exif=exif)
else:  # no APP1 segment at all (an empty one is still metadata to strip)
    img.save(out, "JPEG", quality=quality)
PY
}

# mariadb_start: Debian's MariaDB (bench/wordpress-deps installs mariadb-server) in $tmp/mysql,
# run as the mysql user on a unix socket only (no TCP port), Debian's /etc/mysql not read
# (--no-defaults); the default innodb_flush_log_at_trx_commit=1 (checked): commits are durable.
# Root only. Sets mariadb_sock and mariadb_version; mariadb_sql STATEMENTS runs them as MariaDB's
# root (unix_socket authentication). Stopped at exit (track_pid).
mariadb_sock=""
mariadb_version=""
mariadb_start() {
  local dir=$tmp/mysql pid t
  [ "$(id -u)" -eq 0 ] || die "MariaDB is started as the mysql user: run as root"
  for t in /usr/sbin/mariadbd /usr/bin/mariadb-install-db /usr/bin/mariadb /usr/bin/mariadb-admin; do
    [ -x "$t" ] || die "$t missing (bench/wordpress-deps installs mariadb-server)"
  done
  id mysql >/dev/null 2>&1 || die "no 'mysql' user to run MariaDB as (mariadb-server creates it)"
  chmod 0711 "$tmp" # the mysql user must reach $tmp/mysql; the rest stays closed to it
  mkdir -p "$dir"
  chown mysql: "$dir"
  mariadb_sock=$dir/mysqld.sock
  mariadb-install-db --no-defaults --user=mysql --basedir=/usr --datadir="$dir/data" --skip-test-db \
    --auth-root-authentication-method=socket >"$tmp/install-db.log" 2>&1 \
    || { cat "$tmp/install-db.log" >&2; die "mariadb-install-db failed"; }
  /usr/sbin/mariadbd --no-defaults --user=mysql --basedir=/usr --datadir="$dir/data" \
    --lc-messages-dir=/usr/share/mysql --skip-networking --socket="$mariadb_sock" \
    --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" >"$tmp/mariadbd.out" 2>&1 &
  pid=$!
  track_pid "$pid"
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$dir/error.log" >&2 || true; die "mariadbd exited at start"; }
    /usr/bin/mariadb-admin --no-defaults --socket="$mariadb_sock" -u root ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  /usr/bin/mariadb-admin --no-defaults --socket="$mariadb_sock" -u root ping >/dev/null 2>&1 \
    || { tail -n 20 "$dir/error.log" >&2 || true; die "MariaDB did not answer within 30 s"; }
  # shellcheck disable=SC2034 # read by the scripts that call mariadb_start
  mariadb_version=$(mariadb_sql "SELECT VERSION()")
  t=$(mariadb_sql "SELECT @@innodb_flush_log_at_trx_commit")
  [ "$t" = 1 ] || die "MariaDB innodb_flush_log_at_trx_commit is '$t', expected 1 (durable commits)"
}
mariadb_sql() { /usr/bin/mariadb --no-defaults --socket="$mariadb_sock" -u root -N -B -e "$1"; }
