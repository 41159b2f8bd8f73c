#!/usr/bin/env bash
# Measures Debian 12's WordPress (6.1.x) on this machine, for the figures gazette is compared with
# (issue 7): the article page and comment writes, with the same wrk load as bench/article.sh and
# bench/comments.sh. Run by `make bench-wordpress` (after bench/wordpress-deps), or alone as root;
# not part of `make bench` or `make test`. Progress goes to stderr, the table to stdout.
#
# Everything is started here, in the temp dir, on free loopback ports, and stopped at exit:
# - MariaDB: mariadb-install-db into $tmp/mysql/data, mariadbd --no-defaults (Debian's
#   /etc/mysql is not read) as the mysql user, on 127.0.0.1:PORT and a socket in $tmp; InnoDB's
#   default innodb_flush_log_at_trx_commit=1 (checked): every commit is durable, as gazette's;
# - php-fpm 8.2 with its own config: one pool on a unix socket in $tmp, pm=static with 2 children
#   per CPU, workers as www-data; Debian's php.ini for FPM (opcache on);
# - nginx with its own config: root /usr/share/wordpress, PHP through fastcgi to that pool, 2
#   workers (as www-data), no access log, as bench/nginx.conf.template.
# Debian's wp-config.php reads /etc/wordpress/config-<host>.php: this script writes
# /etc/wordpress/config-127.0.0.1.php (the database above; cron and outgoing HTTP off, so that no
# request of the run waits for api.wordpress.org; no file changes, and FS_METHOD set, so that the
# installer does not test-write into wp-content; must-use plugins from $tmp/mu-plugins) and
# removes it at exit. It refuses to run if that file exists and is not a leftover of its own.
# Nothing under /usr/share/wordpress or /var/lib/wordpress is written.
#
# The site is installed by POSTing the installer's form (/wp-admin/install.php?step=2). For a
# benchmark of comment writes: comment_moderation=0 and comment_previously_approved=0 (every
# comment approved at once), comments_notify=0 (no mail for each comment: there is no MTA here),
# and a must-use plugin returning false from comment_flood_filter (wrk posts thousands of comments
# a minute from one address; WordPress's flood check would refuse all but the first). The post is
# WordPress's own "Hello world!" (ID 1, comments open).
#
# Measured, each for BENCH_SECONDS with wrk -t2 -c50 --latency --timeout 30s:
#   (a) GET of the post's permalink: requests/s and p99;
#   (b) POST /wp-comments-post.php (bench/comment-post.lua, unique text per request): 302s
#       per second. Afterwards wp_comments must hold at least one new approved row per 302.
# With BENCH_SUMMARY set, the two figures go to the summary table (WordPress is the anchor
# column); with BENCH_WORDPRESS_OUT set, they are written there as key=value lines
# (wordpress_article_rps=..., wordpress_comments_per_s=..., and a few more).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

wp_root=/usr/share/wordpress
wp_conf=/etc/wordpress/config-127.0.0.1.php
wp_marker="written by gazette's bench/wordpress.sh"
fpm_bin=${BENCH_PHP_FPM:-/usr/sbin/php-fpm8.2}
children=$((2 * $(nproc)))
# 50 connections queue on 2 php-fpm children per CPU: at a few dozen pages a second, a request
# waits about 2 s, wrk's default timeout (timed-out requests would drop out of the latencies).
wrk_timeout=30s

[ "$(id -u)" -eq 0 ] || die "run bench/wordpress.sh as root: it writes $wp_conf and starts MariaDB, php-fpm and nginx as their users"
if [ -z "${BENCH_WORDPRESS_DEPS_DONE:-}" ]; then
  "$here/wordpress-deps" >&2
fi
# bench/deps (PostgreSQL, WeasyPrint, Chromium...) is not needed by this part.
export BENCH_DEPS_DONE=1
for t in /usr/sbin/mariadbd /usr/bin/mariadb-install-db /usr/bin/mariadb /usr/bin/mariadb-admin "$fpm_bin" \
  "$wp_root/wp-comments-post.php" /etc/nginx/fastcgi_params; do
  [ -e "$t" ] || die "$t missing (bench/wordpress-deps installs wordpress, mariadb-server, php-fpm, php-mysql, nginx)"
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || die "nginx not found"
id mysql >/dev/null 2>&1 || die "no 'mysql' user to run MariaDB as (mariadb-server creates it)"
id www-data >/dev/null 2>&1 || die "no 'www-data' user to run php-fpm and nginx workers as"

# A config file of our own left by a run that was killed (SIGKILL: no trap) may go; any other stays.
if [ -e "$wp_conf" ]; then
  old_pid=$(sed -n "s|^// $wp_marker (pid \([0-9]*\)).*|\1|p" "$wp_conf" | head -n 1)
  if [ -n "$old_pid" ] && ! kill -0 "$old_pid" 2>/dev/null; then
    say "removing $wp_conf, left by an earlier run (pid $old_pid, gone)"
    rm -f "$wp_conf"
  else
    die "$wp_conf exists (${old_pid:+another run, pid $old_pid, is using it; }not ours to overwrite)"
  fi
fi

bench_setup wordpress
chmod 0711 "$tmp" # mysql and www-data must reach their files in $tmp; the rest stays closed to them

# --- cleanup: the servers in reverse order, then the config file, then lib.sh's cleanup ---------
db_pid=""
fpm_pid=""
web_pid=""
conf_written=""
db_stop() { # TERM, then up to 60 s for InnoDB's shutdown, then KILL
  [ -n "$db_pid" ] || return 0
  kill -TERM "$db_pid" 2>/dev/null || { db_pid=""; return 0; }
  for _ in $(seq 600); do kill -0 "$db_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$db_pid" 2>/dev/null || true
  wait "$db_pid" 2>/dev/null || true
  db_pid=""
}
wp_cleanup() {
  local rc=$?
  set +e
  stop "$wrk_pid"
  wrk_pid=""
  stop "$web_pid"
  stop "$fpm_pid"
  db_stop
  [ -z "$conf_written" ] || rm -f "$wp_conf"
  (exit "$rc")
  cleanup
}
trap wp_cleanup EXIT

wp_version=$(sed -n "s/^\$wp_version = '\([^']*\)';/\1/p" "$wp_root/wp-includes/version.php")

# --- MariaDB --------------------------------------------------------------------------------------
mydir=$tmp/mysql
mkdir -p "$mydir"
chown mysql: "$mydir"
sock=$mydir/mysqld.sock
mariadb-install-db --no-defaults --user=mysql --basedir=/usr --datadir="$mydir/data" --skip-test-db \
  --auth-root-authentication-method=socket >"$tmp/install-db.log" 2>&1 \
  || { cat "$tmp/install-db.log" >&2; die "mariadb-install-db failed"; }
db_port=$(free_port)
/usr/sbin/mariadbd --no-defaults --user=mysql --basedir=/usr --datadir="$mydir/data" \
  --lc-messages-dir=/usr/share/mysql --skip-networking=0 --bind-address=127.0.0.1 --port="$db_port" \
  --socket="$sock" --pid-file="$mydir/mariadbd.pid" --log-error="$mydir/error.log" \
  --skip-name-resolve --max-connections=300 >"$tmp/mariadbd.out" 2>&1 &
db_pid=$!
sql() { # sql STATEMENTS: as MariaDB's root over the socket (unix_socket auth); values tab-separated
  /usr/bin/mariadb --no-defaults --socket="$sock" -u root -N -B -e "$1"
}
for _ in $(seq 300); do
  kill -0 "$db_pid" 2>/dev/null || { tail -n 20 "$mydir/error.log" >&2 || true; die "mariadbd exited at start"; }
  /usr/bin/mariadb-admin --no-defaults --socket="$sock" -u root ping >/dev/null 2>&1 && break
  sleep 0.1
done
/usr/bin/mariadb-admin --no-defaults --socket="$sock" -u root ping >/dev/null 2>&1 \
  || { tail -n 20 "$mydir/error.log" >&2 || true; die "MariaDB did not answer within 30 s"; }
db_version=$(sql "SELECT VERSION()")
flush=$(sql "SELECT @@innodb_flush_log_at_trx_commit")
[ "$flush" = 1 ] || die "MariaDB innodb_flush_log_at_trx_commit is '$flush', expected 1 (durable commits)"
db_pass=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
sql "CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
     CREATE USER 'wordpress'@'127.0.0.1' IDENTIFIED BY '$db_pass';
     GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'127.0.0.1';" || die "cannot create the wordpress database"
say "MariaDB $db_version on 127.0.0.1:$db_port (innodb_flush_log_at_trx_commit=1)"

# --- WordPress's config and the must-use plugin ---------------------------------------------------
mkdir -p "$tmp/mu-plugins"
cat >"$tmp/mu-plugins/gazette-bench.php" <<'EOF'
<?php
/* gazette bench/wordpress.sh: wrk posts thousands of comments a minute from one address; without
   this, WordPress's comment flood check refuses all but the first (429). */
add_filter('comment_flood_filter', '__return_false', PHP_INT_MAX);
EOF
chmod 0755 "$tmp/mu-plugins"
chmod 0644 "$tmp/mu-plugins/gazette-bench.php"
# Written next to nothing of ours: the file is created new (noclobber), 0640 root:www-data.
(umask 027 && set -o noclobber && cat >"$wp_conf") <<EOF || die "cannot write $wp_conf"
<?php
// $wp_marker (pid $$); removed when it exits.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '$db_pass');
define('DB_HOST', '127.0.0.1:$db_port');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WPMU_PLUGIN_DIR', '$tmp/mu-plugins');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISALLOW_FILE_MODS', true);
define('FS_METHOD', 'direct');
define('WP_DEBUG', false);
EOF
conf_written=1
chgrp www-data "$wp_conf"

# --- php-fpm --------------------------------------------------------------------------------------
fpm_sock=$tmp/php-fpm.sock
cat >"$tmp/php-fpm.conf" <<EOF
; php-fpm for bench/wordpress.sh (its own config; Debian's pool.d is not read)
[global]
pid = $tmp/php-fpm.pid
error_log = $tmp/php-fpm.log
daemonize = no

[wordpress]
user = www-data
group = www-data
listen = $fpm_sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = $children
catch_workers_output = yes
EOF
"$fpm_bin" -t -y "$tmp/php-fpm.conf" >"$tmp/php-fpm-test.log" 2>&1 \
  || { cat "$tmp/php-fpm-test.log" >&2; die "php-fpm rejected $tmp/php-fpm.conf"; }
"$fpm_bin" --nodaemonize -y "$tmp/php-fpm.conf" >"$tmp/php-fpm.out" 2>&1 &
fpm_pid=$!
for _ in $(seq 100); do
  kill -0 "$fpm_pid" 2>/dev/null || { cat "$tmp/php-fpm.log" >&2 || true; die "php-fpm exited at start"; }
  [ -S "$fpm_sock" ] && break
  sleep 0.1
done
[ -S "$fpm_sock" ] || die "php-fpm did not open $fpm_sock within 10 s"
php_version=$("$fpm_bin" -v | awk 'NR == 1 { print $2 }')

# --- nginx ----------------------------------------------------------------------------------------
mkdir -p "$tmp/nginx-tmp"
web_port=$(free_port)
# Debian's fastcgi_params passes HTTP_HOST as \$host, without the port (a security workaround of
# its nginx 1.22 packages): WordPress would then make every URL without our port. Its list, with
# HTTP_HOST rebuilt from the host and the port we listen on (not the client's raw Host header).
grep -v '^[[:space:]]*fastcgi_param[[:space:]]*HTTP_HOST[[:space:]]' /etc/nginx/fastcgi_params >"$tmp/fastcgi_params"
# shellcheck disable=SC2016 # nginx variables, written as they are
echo 'fastcgi_param  HTTP_HOST        $host:$server_port;' >>"$tmp/fastcgi_params"
cat >"$tmp/nginx-wp.conf" <<EOF
# nginx for bench/wordpress.sh: WordPress through php-fpm; everything lives in the temp dir.
user www-data www-data;
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;

    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;
    access_log off;

    client_body_temp_path $tmp/nginx-tmp/body;
    proxy_temp_path $tmp/nginx-tmp/proxy;
    fastcgi_temp_path $tmp/nginx-tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx-tmp/uwsgi;
    scgi_temp_path $tmp/nginx-tmp/scgi;

    server {
        listen 127.0.0.1:$web_port;
        root $wp_root;
        index index.php;

        # Debian's WordPress keeps its content (themes, plugins, uploads) here.
        location /wp-content/ {
            alias /var/lib/wordpress/wp-content/;
        }
        location / {
            try_files \$uri \$uri/ /index.php?\$args;
        }
        location ~ \.php\$ {
            try_files \$uri =404;
            include $tmp/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass unix:$fpm_sock;
        }
    }
}
EOF
"$nginx_bin" -t -q -p "$tmp" -c "$tmp/nginx-wp.conf" -e "$tmp/nginx-error.log" 2>"$tmp/nginx-test.log" \
  || { cat "$tmp/nginx-test.log" >&2; die "nginx rejected $tmp/nginx-wp.conf"; }
"$nginx_bin" -p "$tmp" -c "$tmp/nginx-wp.conf" -e "$tmp/nginx-error.log" >"$tmp/nginx.log" 2>&1 &
web_pid=$!
base="http://127.0.0.1:$web_port"
wait_http "$base/wp-admin/install.php" "$web_pid" "$tmp/nginx-error.log"

# --- install the site ----------------------------------------------------------------------------
admin_pass=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
code=$(curl -s -o "$tmp/install.html" -w '%{http_code}' --max-time 120 \
  --data-urlencode "weblog_title=Gazette bench" --data-urlencode "user_name=admin" \
  --data-urlencode "admin_password=$admin_pass" --data-urlencode "admin_password2=$admin_pass" \
  --data-urlencode "admin_email=admin@example.com" --data-urlencode "blog_public=0" \
  "$base/wp-admin/install.php?step=2") || die "curl POST $base/wp-admin/install.php?step=2 failed"
if [ "$code" != 200 ] || ! grep -q 'Success!' "$tmp/install.html"; then
  sed -e 's/<[^>]*>//g' "$tmp/install.html" | grep -v '^\s*$' | head -n 20 >&2
  tail -n 20 "$tmp/php-fpm.log" >&2 || true
  die "WordPress's installer answered $code without 'Success!'"
fi
siteurl=$(sql "SELECT option_value FROM wordpress.wp_options WHERE option_name = 'siteurl'")
[ "$siteurl" = "$base" ] || die "siteurl is '$siteurl', expected $base"

# Comment writes without moderation, notification mail or flood check (the mu-plugin).
sql "UPDATE wordpress.wp_options SET option_value = '0'
     WHERE option_name IN ('comment_moderation', 'comment_previously_approved', 'comments_notify', 'moderation_notify')"
post_id=1
read -r p_status p_comments <<<"$(sql "SELECT post_status, comment_status FROM wordpress.wp_posts WHERE ID = $post_id AND post_type = 'post'")"
[ "${p_status:-}:${p_comments:-}" = publish:open ] \
  || die "WordPress's post $post_id is not a published post with comments open (status '${p_status:-}', comments '${p_comments:-}')"
permalinks=$(sql "SELECT option_value FROM wordpress.wp_options WHERE option_name = 'permalink_structure'")

# The permalink: /?p=1 redirects (301) to it when pretty permalinks are on.
read -r code redirect <<<"$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/?p=$post_id")"
case $code in
  301) article_url=$redirect ;;
  200) article_url="$base/?p=$post_id" ;;
  *) die "$base/?p=$post_id answered $code" ;;
esac
[[ $article_url == "$base"/* ]] || die "unexpected permalink '$article_url'"
fetch "$article_url" "$tmp/article.html"
grep -q 'Hello world!' "$tmp/article.html" || die "$article_url does not show 'Hello world!'"
size=$(wc -c <"$tmp/article.html")
say "WordPress $wp_version, PHP $php_version ($children php-fpm children), nginx on $base;" \
  "permalink structure '${permalinks:-plain}'; article $article_url ($size bytes)"

warnings=()
failed=()

# --- (a) the article page ------------------------------------------------------------------------
say "article page: wrk -t$threads -c$conns -d${seconds}s --latency --timeout $wrk_timeout"
run_wrk wordpress-article "$tmp/wrk-article.txt" --timeout "$wrk_timeout" "$article_url"
read -r art_rps art_p99 <<<"$(head -n 1 "$tmp/result")"
while IFS= read -r w; do [ -n "$w" ] && warnings+=("${w#WARN }"); done < <(tail -n +2 "$tmp/result")
fetch "$article_url" "$tmp/article-after.html"
grep -q 'Hello world!' "$tmp/article-after.html" || warnings+=("the article page changed after the load")

# --- (b) comment writes --------------------------------------------------------------------------
count_comments() { sql "SELECT COUNT(*) FROM wordpress.wp_comments WHERE comment_post_ID = $post_id${1:+ AND comment_approved = '1'}"; }
post_url="$base/wp-comments-post.php"
# One comment by hand first: it must answer 302 to the new comment before wrk hammers the form.
read -r code redirect <<<"$(curl -s -o "$tmp/first-comment.html" -w '%{http_code} %{redirect_url}' \
  --data "comment_post_ID=$post_id&author=Bench+Reader&email=reader%40example.com&url=&comment_parent=0&comment=First+bench+comment" \
  "$post_url")"
if [ "$code" != 302 ] || [[ $redirect != *"#comment-"* ]]; then
  sed -e 's/<[^>]*>//g' "$tmp/first-comment.html" | grep -v '^\s*$' | head -n 20 >&2
  die "POST $post_url answered $code (Location '$redirect'), expected 302 to #comment-N"
fi
before=$(count_comments)

say "comment writes: wrk -t$threads -c$conns -d${seconds}s --latency --timeout $wrk_timeout -s bench/comment-post.lua"
out=$tmp/wrk-comments.txt
run_wrk wordpress-comments "$out" --timeout "$wrk_timeout" -s "$here/comment-post.lua" "$post_url" -- "wp-$$" 302 "$post_id"
read -r _ com_p99 <<<"$(head -n 1 "$tmp/result")"
while IFS= read -r w; do [ -n "$w" ] && warnings+=("${w#WARN }"); done < <(tail -n +2 "$tmp/result")
line=$(grep '^BENCH ' "$out" | tail -n 1) || { cat "$out" >&2; die "no BENCH line from comment-post.lua"; }
ok="" other="" sent="" dur="" codes=""
for kv in ${line#BENCH }; do
  case $kv in
    ok=*) ok=${kv#ok=} ;;
    other=*) other=${kv#other=} ;;
    sent=*) sent=${kv#sent=} ;;
    duration_us=*) dur=${kv#duration_us=} ;;
    codes=*) codes=${kv#codes=} ;;
  esac
done
if [ -z "$ok" ] || [ -z "$dur" ] || [ -z "$sent" ] || [ -z "$other" ]; then
  cat "$out" >&2
  die "cannot parse: $line"
fi
for p in "$web_pid" "$fpm_pid" "$db_pid"; do kill -0 "$p" 2>/dev/null || die "a server (pid $p) died during the benchmark"; done
# Stop nginx and php-fpm (nothing in flight afterwards) before counting what MariaDB holds.
stop "$web_pid"
web_pid=""
stop "$fpm_pid"
fpm_pid=""
after=$(count_comments)
approved_after=$(count_comments approved)
stored=$((after - before))
rate=$(awk -v n="$ok" -v us="$dur" 'BEGIN { printf "%.1f", n / (us / 1e6) }')
say "comments: $ok x 302 in $(awk -v us="$dur" 'BEGIN { printf "%.2f", us / 1e6 }') s = $rate/s," \
  "$other other (${codes:-none}), $sent sent; stored $stored (wp_comments: $before before, $after after)"
[ "$other" -eq 0 ] || warnings+=("wordpress-comments: $other responses were not 302 (status:count $codes)")
[ "$approved_after" -eq "$after" ] || warnings+=("wordpress-comments: only $approved_after of $after comments are approved (moderation is off)")
[ "$stored" -ge "$ok" ] || failed+=("only $stored comments stored, but wrk counted $ok x 302")
[ "$stored" -le "$sent" ] || failed+=("$stored comments stored, more than the $sent requests wrk sent")

# --- table ---------------------------------------------------------------------------------------
echo "W. WordPress $wp_version (Debian 12): nginx + php-fpm $php_version (pm static, $children children, opcache)"
echo "   + MariaDB $db_version (innodb_flush_log_at_trx_commit=1); ${seconds}s per run, wrk -t$threads -c$conns"
echo "   --latency --timeout $wrk_timeout, keep-alive; $(nproc) CPUs shared by wrk and the servers"
printf '  %-46s %9s %9s %10s %8s %8s\n' work "per s" "p99 (ms)" "acked" stored other
awk -v r="$art_rps" -v l="$art_p99" -v s="$size" \
  'BEGIN { printf "  %-46s %9.0f %9.2f %10s %8s %8s\n", "article page (\"Hello world!\", " s " bytes), GET", r, l, "-", "-", "-" }'
awk -v r="$rate" -v l="$com_p99" -v ok="$ok" -v st="$stored" -v ot="$other" \
  'BEGIN { printf "  %-46s %9.1f %9.2f %10d %8d %8d\n", "comment writes, POST /wp-comments-post.php", r, l, ok, st, ot }'
echo "  acked = 302 answers wrk counted; stored = rows added to wp_comments (must be >= acked)"
echo "  permalink: $article_url; moderation, notification mail and the flood check off"
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi

art_rps_int=$(printf '%.0f' "$art_rps")
summary_row "WordPress $wp_version: article page req/s (p99 $(printf '%.0f' "$art_p99") ms)" "-" "$art_rps_int" "-" "-"
summary_row "WordPress $wp_version: comment writes/s (durable, 302)" "-" "$rate" "-" "-"
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
if [ -n "${BENCH_WORDPRESS_OUT:-}" ]; then
  cat >"$BENCH_WORDPRESS_OUT" <<EOF
wordpress_article_rps=$art_rps_int
wordpress_comments_per_s=$rate
wordpress_article_p99_ms=$art_p99
wordpress_comments_p99_ms=$com_p99
wordpress_version=$wp_version
wordpress_seconds=$seconds
EOF
  say "figures written to $BENCH_WORDPRESS_OUT"
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf '  FAILED: %s\n' "${failed[@]}"
  exit 1
fi
