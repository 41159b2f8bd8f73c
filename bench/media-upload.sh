#!/usr/bin/env bash
# Benchmarks an upload of a 12-megapixel JPEG with all its sizes (issue 17): gazette's
# `gazette media add FILE --alt TEXT` on a fresh SQLite site against WordPress's own upload path
# (media_handle_sideload: the file moved into uploads, the attachment row, then
# wp_generate_attachment_metadata making the sizes), in the same run, once with WordPress's GD
# editor and once with its Imagick editor. Goal: gazette faster than both. Run by bench/run.sh
# (`make bench`), or alone, as root (MariaDB runs as the mysql user); nothing listens on a port.
# Progress goes to stderr, the table to stdout.
#
# The photo: 4240x2832 (12 MP), made by python3-pil (lib.sh make_photo): gradients, shapes and
# sensor-like grain, quality 90, about 4 MB; EXIF orientation 6 and a GPS position. Both sides
# apply the orientation: gazette in its cleaned original, WordPress in a "-rotated" full-size copy.
#
# The same sizes on both sides: WordPress's defaults, thumbnail 150x150 (cropped), medium 300x300,
# medium_large 768x0 and large 1024x1024, which are gazette's media.* defaults. WordPress 5.3+
# also makes 1536x1536 and 2048x2048 and a "-scaled" 2560 copy of a big original: the filters
# intermediate_image_sizes_advanced (keeps the four) and big_image_size_threshold (false) turn
# those off, so that both do the same work. gazette also makes a WebP copy of each size: more
# work on its side, counted in its time.
#
# gazette: the wall time of the whole `gazette media add` process (start-up, reading the file,
# libvips, the one SQLite transaction that stores the original and every file), into one site.
#
# WordPress: Debian 12's WordPress (6.1.x) and PHP 8.2 CLI, no web server. A PHP script written
# here defines the database constants as Debian's wp-config.php would (nothing is written under
# /etc/wordpress, /usr/share/wordpress or /var/lib/wordpress: uploads go to the temp dir through
# the upload_dir filter) and loads wp-settings.php against a MariaDB started here
# (lib.sh mariadb_start) and a site installed with wp_install(). The editor is forced with the
# wp_image_editors filter (WP_Image_Editor_GD, then WP_Image_Editor_Imagick; the script checks
# that WordPress chose it). One PHP process per editor stays up for the whole run and uploads
# once for every line it reads; each upload is timed inside it (hrtime around media_handle_sideload
# and the alt text's update_post_meta): PHP's start-up and WordPress's bootstrap are not counted
# (shown apart), which favours WordPress.
#
# gazette in the server ("server"): the same upload through the admin's upload form, POST
# /admin/media (multipart, the session's cookie and CSRF token, as a browser sends it) to
# `gazette serve` on another fresh SQLite site, with an admin made by `gazette user add`: curl's
# time_total until the 303 to the new media (the file made on the server's work pool).
#
# One warm-up upload each (not counted), then BENCH_UPLOAD_N rounds (default 7) of one upload by
# each (gazette's CLI, gazette's server, WordPress with GD, with Imagick), so that all see the
# same load on the machine.
#
# BENCH_UPLOAD_TOOLS (default "gazette server gd imagick") runs only some of the four.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$root"

n=${BENCH_UPLOAD_N:-7}
tools=${BENCH_UPLOAD_TOOLS:-gazette server gd imagick}
width=4240
height=2832
alt="A bench photo: shapes and grain"
wp_root=/usr/share/wordpress
php_bin=${BENCH_PHP:-/usr/bin/php8.2}
tool_timeout=600 # s; a hung run must not hang the bench

[[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_UPLOAD_N must be a positive whole number (got '$n')"
run_gazette="" run_server="" run_gd="" run_imagick=""
for t in $tools; do
  case $t in
    gazette) run_gazette=1 ;;
    server) run_server=1 ;;
    gd) run_gd=1 ;;
    imagick) run_imagick=1 ;;
    *) die "BENCH_UPLOAD_TOOLS: unknown '$t' (gazette, server, gd, imagick)" ;;
  esac
done
if [ -n "$run_gd$run_imagick" ]; then
  [ "$(id -u)" -eq 0 ] || die "run bench/media-upload.sh as root: MariaDB runs as the mysql user (BENCH_UPLOAD_TOOLS='gazette server' runs gazette alone)"
  if [ -z "${BENCH_WORDPRESS_DEPS_DONE:-}" ]; then
    "$here/wordpress-deps" >&2
    export BENCH_WORDPRESS_DEPS_DONE=1
  fi
  for t in "$php_bin" "$wp_root/wp-settings.php" "$wp_root/wp-admin/includes/image.php"; do
    [ -e "$t" ] || die "$t missing (bench/wordpress-deps installs wordpress and PHP)"
  done
fi
bench_setup media-upload

photo=$tmp/photo.jpg
say "making a ${width}x$height JPEG with EXIF orientation and GPS (python3-pil)"
make_photo "$photo" "$width" "$height" 90 8 exif
photo_bytes=$(wc -c <"$photo")
photo_mb=$(awk -v b="$photo_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
say "photo: $photo_mb MB"

declare -A med p90 made runs_ms version boot_ms
warnings=()

# --- gazette: a fresh SQLite site ------------------------------------------------------------------
if [ -n "$run_gazette" ]; then
  db=$tmp/gazette.db
  gz "$db" init >/dev/null
  version[gazette]="gazette (SQLite)"
  if command -v vips >/dev/null; then # the libvips-tools of the libvips gazette links
    version[gazette]="gazette (SQLite), libvips $(vips --version | sed 's/^vips-//')"
  fi
fi
# --- gazette serve, signed in as an admin ---------------------------------------------------------
if [ -n "$run_server" ]; then
  sdb=$tmp/server.db
  gz "$sdb" init >/dev/null
  admin_pass=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  printf '%s\n' "$admin_pass" | "$gazette" --db "$sdb" user add bench --role admin --password-stdin \
    >"$tmp/user-add.log" 2>&1 || { cat "$tmp/user-add.log" >&2; die "gazette user add failed"; }
  export XDG_CACHE_HOME=$tmp/cache # the server's media disk cache (media_disk) in the temp dir
  mkdir -p "$XDG_CACHE_HOME"
  gazette_serve "$sdb" "$tmp/server.log"
  sbase=http://127.0.0.1:$serve_port
  code=$(curl -s -o /dev/null -c "$tmp/cookies" -w '%{http_code}' --data-urlencode login=bench \
    --data-urlencode "password=$admin_pass" "$sbase/admin/login") || die "curl POST $sbase/admin/login failed"
  [ "$code" = 303 ] || die "POST /admin/login answered $code, expected 303"
  code=$(curl -s -o "$tmp/admin-media.html" -b "$tmp/cookies" -w '%{http_code}' "$sbase/admin/media") \
    || die "curl $sbase/admin/media failed"
  [ "$code" = 200 ] || die "GET /admin/media answered $code: no admin upload in this build (BENCH_UPLOAD_TOOLS without server)"
  csrf=$(grep -oE '<input[^>]*name="csrf"[^>]*>' "$tmp/admin-media.html" | head -n 1 | sed -n 's/.*value="\([0-9a-f]*\)".*/\1/p')
  [ -n "$csrf" ] || die "no CSRF token in the form of /admin/media"
  version[server]="gazette in the server (POST /admin/media)"
fi

# server_add I: one upload through the admin's form, timed (curl's time_total); dies unless it
# answered 303 to the new media. Sets elapsed_ms.
server_add() {
  local w code loc secs
  w=$(curl -s -o "$tmp/server-add-$1.html" -b "$tmp/cookies" -w '%{http_code} %{redirect_url} %{time_total}' \
    --max-time "$tool_timeout" --form-string "csrf=$csrf" --form-string "alt=$alt" \
    -F "file=@$photo;type=image/jpeg;filename=bench-photo.jpg" "$sbase/admin/media") \
    || die "curl POST $sbase/admin/media failed"
  read -r code loc secs <<<"$w"
  if [ "$code" != 303 ] || [[ $loc != */admin/media/*'?done=uploaded' ]]; then
    sed -e 's/<[^>]*>//g' "$tmp/server-add-$1.html" | grep -v '^\s*$' | head -n 20 >&2
    die "POST /admin/media, run $1, answered $code (Location '$loc'), expected 303 to the new media"
  fi
  elapsed_ms=$(awk -v s="$secs" 'BEGIN { printf "%.1f", s * 1000 }')
}

# gazette_add I: one upload, timed; dies unless it succeeded. Sets elapsed_ms.
gazette_add() {
  local log=$tmp/gazette-add-$1.log rc=0
  run_timed "$log" timeout "$tool_timeout" "$gazette" --db "$db" media add "$photo" --alt "$alt" || rc=$?
  [ "$rc" = 0 ] || { tail -n 20 "$log" >&2; die "gazette media add, run $1, failed (exit $rc)"; }
}
# wp_answer EDITOR WORD: the PHP process's next line, which must start with WORD; sets wp_answer
# to the rest.
wp_answer=""
wp_answer() {
  local line=""
  if ! read -r -t "$tool_timeout" -u "${wp_out[$1]}" line || [[ $line != "$2 "* ]]; then
    tail -n 20 "$tmp/wp-$1.err" >&2 || true
    die "WordPress with ${wp_class[$1]}: expected '$2 …', got '${line}'"
  fi
  wp_answer=${line#"$2 "}
}
# wp_upload EDITOR I: one upload by that PHP process; sets wp_ms, and made[EDITOR] the first time.
wp_ms=""
wp_upload() {
  printf '%s\n' "$2" >&"${wp_in[$1]}"
  wp_answer "$1" DONE
  wp_ms=${wp_answer%%|*}
  [ -n "${made[$1]:-}" ] || made[$1]=${wp_answer#*|}
}

# --- WordPress -------------------------------------------------------------------------------------
if [ -n "$run_gd$run_imagick" ]; then
  mariadb_start
  db_pass=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  mariadb_sql "CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
       CREATE USER 'wordpress'@'localhost' IDENTIFIED BY '$db_pass';
       GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';" || die "cannot create the wordpress database"
  say "MariaDB $mariadb_version on $mariadb_sock (innodb_flush_log_at_trx_commit=1)"
  mkdir -p "$tmp/wp-uploads" "$tmp/wp-incoming"
  wp_version=$(sed -n "s/^\$wp_version = '\([^']*\)';/\1/p" "$wp_root/wp-includes/version.php")
  cat >"$tmp/wp-media.php" <<'PHP'
<?php
/* bench/media-upload.sh: WordPress's own upload path through PHP CLI.
 *   php wp-media.php install
 *   php wp-media.php upload EDITOR_CLASS FILE ALT   (then one upload per line of stdin)
 * The database and the paths come from the environment (BENCH_WP_*). */
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', getenv('BENCH_WP_DB_PASSWORD'));
define('DB_HOST', 'localhost:' . getenv('BENCH_WP_DB_SOCKET'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
define('ABSPATH', '/usr/share/wordpress/');
define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content'); /* Debian's; only read */
define('WP_HOME', 'http://127.0.0.1');
define('WP_SITEURL', 'http://127.0.0.1');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISALLOW_FILE_MODS', true);
define('WP_DEBUG', false);
/* No HTTP request at all: wp_install's pretty-permalink probe and update checks get an error at
 * once (WP_HTTP_BLOCK_EXTERNAL lets requests to this host through). A hook set before WordPress
 * loads, in the form wp-includes/plugin.php takes over. */
$wp_filter = ['pre_http_request' => [10 => [[
    'function' => function () { return new WP_Error('http_request_blocked', 'no HTTP in the bench'); },
    'accepted_args' => 1]]]];
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = '127.0.0.1';

function fail($msg) { fwrite(STDERR, "wp-media.php: $msg\n"); exit(1); }

/* WordPress's files use global names such as $action: the arguments are kept in constants. */
define('BENCH_ARGV', $argv);
define('BENCH_ACTION', $argv[1] ?? '');
if (BENCH_ACTION === 'install') {
    define('WP_INSTALLING', true);
}
$boot = hrtime(true);
require ABSPATH . 'wp-settings.php';

if (BENCH_ACTION === 'install') {
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    $r = wp_install('Gazette bench', 'admin', 'admin@example.com', false, '',
                    bin2hex(random_bytes(12)));
    if (empty($r['user_id'])) fail('wp_install failed');
    echo "installed\n";
    exit(0);
}
if (BENCH_ACTION !== 'upload' || count(BENCH_ARGV) !== 5) fail('usage: install | upload EDITOR_CLASS FILE ALT');
[, , $editor_class, $source, $alt] = BENCH_ARGV;
$boot_ms = (hrtime(true) - $boot) / 1e6;
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/image.php';

/* Uploads in the temp dir, never under /var/lib/wordpress. */
$uploads = getenv('BENCH_WP_UPLOADS');
add_filter('upload_dir', function ($d) use ($uploads) {
    $d['basedir'] = $uploads;
    $d['path'] = $uploads . $d['subdir'];
    $d['baseurl'] = WP_HOME . '/wp-content/uploads';
    $d['url'] = $d['baseurl'] . $d['subdir'];
    $d['error'] = false;
    return $d;
});
/* The editor under test, and the same sizes as gazette's: no 1536, 2048 or -scaled copy. */
add_filter('wp_image_editors', function () use ($editor_class) { return [$editor_class]; });
add_filter('big_image_size_threshold', '__return_false');
$keep = ['thumbnail', 'medium', 'medium_large', 'large'];
add_filter('intermediate_image_sizes_advanced', function ($sizes) use ($keep) {
    return array_intersect_key($sizes, array_flip($keep));
});
$chosen = _wp_image_editor_choose(['path' => $source, 'mime_type' => 'image/jpeg',
                                   'methods' => ['resize', 'save', 'make_subsize']]);
if ($chosen !== $editor_class) fail("WordPress chose the editor '" . var_export($chosen, true) . "', not $editor_class");
if ($editor_class === 'WP_Image_Editor_GD') {
    $lib = 'GD ' . gd_info()['GD Version'];
} else {
    $v = Imagick::getVersion();
    $lib = 'Imagick ' . phpversion('imagick') . ', ' .
        preg_replace('/^ImageMagick ([^ ]+).*$/', 'ImageMagick $1', $v['versionString']);
}

$incoming = getenv('BENCH_WP_INCOMING');
echo "READY $lib|" . sprintf('%.1f', $boot_ms) . "\n";
/* One upload for every line read ("warmup", "1", "2"…); one answer line each. */
while (($run = fgets(STDIN)) !== false) {
    $run = trim($run);
    /* media_handle_sideload moves its file: a fresh copy each time (not timed). */
    $tmp = "$incoming/upload-$run.jpg";
    if (!copy($source, $tmp)) fail("cannot copy $source to $tmp");
    $t = hrtime(true);
    $id = media_handle_sideload(['name' => 'bench-photo.jpg', 'tmp_name' => $tmp], 0);
    if (is_wp_error($id)) fail('media_handle_sideload: ' . $id->get_error_message());
    update_post_meta($id, '_wp_attachment_image_alt', $alt);
    $ms = (hrtime(true) - $t) / 1e6;
    $meta = wp_get_attachment_metadata($id);
    $dir = dirname(get_attached_file($id));
    $made = [];
    foreach ($keep as $name) {
        if (empty($meta['sizes'][$name])) fail("upload $run: no '$name' size made");
        $s = $meta['sizes'][$name];
        if (!is_file("$dir/{$s['file']}")) fail("upload $run: $dir/{$s['file']} missing");
        $made[] = "$name {$s['width']}x{$s['height']}";
    }
    $extra = array_diff(array_keys($meta['sizes']), $keep);
    if ($extra) fail("upload $run: sizes beyond the four made: " . implode(', ', $extra));
    if (!is_file(get_attached_file($id))) fail("upload $run: the attached file is missing");
    $full = isset($meta['original_image']) ? "; full {$meta['width']}x{$meta['height']} -" .
        (str_contains($meta['file'], '-rotated.') ? 'rotated' : 'copy') . ' re-encoded' : '';
    echo 'DONE ' . sprintf('%.1f', $ms) . '|' . implode(', ', $made) . $full . "\n";
}
PHP
  export BENCH_WP_DB_PASSWORD=$db_pass BENCH_WP_DB_SOCKET=$mariadb_sock BENCH_WP_UPLOADS=$tmp/wp-uploads \
    BENCH_WP_INCOMING=$tmp/wp-incoming
  run_timed "$tmp/wp-install.log" timeout 120 "$php_bin" "$tmp/wp-media.php" install \
    || { tail -n 20 "$tmp/wp-install.log" >&2; die "WordPress's wp_install failed"; }
  grep -q '^installed$' "$tmp/wp-install.log" || { tail -n 20 "$tmp/wp-install.log" >&2; die "WordPress's wp_install did not finish"; }
  php_version=$("$php_bin" -r 'echo PHP_VERSION;')
fi

# --- the WordPress processes: one per editor, commands on a FIFO, answers on another ------------
declare -A wp_class=([gd]=WP_Image_Editor_GD [imagick]=WP_Image_Editor_Imagick) wp_in wp_out
editors=()
[ -z "$run_gd" ] || editors+=(gd)
[ -z "$run_imagick" ] || editors+=(imagick)
for e in "${editors[@]}"; do
  mkfifo "$tmp/wp-$e.in" "$tmp/wp-$e.out"
  timeout $((tool_timeout * (n + 1))) "$php_bin" "$tmp/wp-media.php" upload "${wp_class[$e]}" "$photo" "$alt" \
    <"$tmp/wp-$e.in" >"$tmp/wp-$e.out" 2>"$tmp/wp-$e.err" &
  track_pid "$!"
  # The same order as the process opens them (its stdin, then its stdout): neither side blocks.
  exec {fd}>"$tmp/wp-$e.in"
  wp_in[$e]=$fd
  exec {fd}<"$tmp/wp-$e.out"
  wp_out[$e]=$fd
  wp_answer "$e" READY
  version[$e]="WordPress $wp_version, ${wp_answer%|*}"
  boot_ms[$e]=${wp_answer#*|}
done

# --- warm-up, then the rounds ---------------------------------------------------------------------
say "1 warm-up + $n rounds of: ${tools// /, } (gazette media add; WordPress media_handle_sideload)"
[ -z "$run_gazette" ] || gazette_add warmup
[ -z "$run_server" ] || server_add warmup
for e in "${editors[@]}"; do wp_upload "$e" warmup; done
for i in $(seq "$n"); do
  if [ -n "$run_gazette" ]; then
    gazette_add "$i"
    runs_ms[gazette]+="$elapsed_ms "
    printf 'bench: round %d %-10s %8.1f ms\n' "$i" gazette "$elapsed_ms" >&2
  fi
  if [ -n "$run_server" ]; then
    server_add "$i"
    runs_ms[server]+="$elapsed_ms "
    printf 'bench: round %d %-10s %8.1f ms\n' "$i" server "$elapsed_ms" >&2
  fi
  for e in "${editors[@]}"; do
    wp_upload "$e" "$i"
    runs_ms[$e]+="$wp_ms "
    printf 'bench: round %d %-10s %8.1f ms\n' "$i" "WP $e" "$wp_ms" >&2
  done
done
for e in "${editors[@]}"; do
  fd=${wp_in[$e]}
  exec {fd}>&- # the end of its commands: the PHP process exits
done
if [ -n "$run_gazette" ]; then
  # The files one upload made: `gazette media add` prints "media ID: URL" (the original), then
  # "  SIZE WxH URL" for every other file; `gazette media list` the original's size (4th column).
  full=$(gz "$db" media list | awk -F'\t' 'NR == 1 { print $4 }')
  made[gazette]=$(awk -v full="$full" '
    NR > 1 && $3 ~ /\.webp$/ { webp++; next }
    NR > 1 { jpeg = jpeg sep $1 " " $2; sep = ", " }
    END { printf "%s; full %s; + %d WebP", jpeg, full, webp }' "$tmp/gazette-add-1.log")
  count=$(gz "$db" media list | wc -l)
  [ "$count" -eq $((n + 1)) ] || warnings+=("gazette media list shows $count media, expected $((n + 1))")
fi
if [ -n "$run_server" ]; then
  kill -0 "$serve_pid" 2>/dev/null || die "gazette serve (pid $serve_pid) died during the benchmark"
  count=$(gz "$sdb" media list | wc -l)
  [ "$count" -eq $((n + 1)) ] || warnings+=("the server's site has $count media, expected $((n + 1))")
  made[server]="as gazette media add"
fi

# --- report ---------------------------------------------------------------------------------------
order=()
for t in gazette server gd imagick; do
  # shellcheck disable=SC2086
  [ -n "${runs_ms[$t]:-}" ] || continue
  order+=("$t")
  # shellcheck disable=SC2086
  med[$t]=$(median ${runs_ms[$t]})
  # shellcheck disable=SC2086
  p90[$t]=$(percentile 90 ${runs_ms[$t]})
done
secs() { awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }'; }
echo "U. Upload of a 12-megapixel JPEG with all its sizes (${width}x$height, $photo_mb MB, EXIF orientation 6 + GPS)"
echo "   gazette: wall time of \`gazette media add FILE --alt TEXT\` (the whole process), fresh SQLite site;"
echo "   in the server: curl's time for POST /admin/media until its 303 (another fresh SQLite site);"
echo "   WordPress: media_handle_sideload + alt text in PHP ${php_version:-?} CLI, timed in the process after"
echo "   wp-settings.php, MariaDB ${mariadb_version:-?} (durable commits); 1 warm-up each, then $n rounds of one each"
# ratio WHO OVER: median of WHO / median of OVER ("-" when either did not run)
ratio() {
  if [ -n "${med[$1]:-}" ] && [ -n "${med[$2]:-}" ]; then
    awk -v w="${med[$1]}" -v g="${med[$2]}" 'BEGIN { printf "%.2fx", w / g }'
  else
    echo "-"
  fi
}
printf '  %-56s %9s %9s %9s %9s\n' tool "median s" "p90 s" "/ gazette" "/ server"
for t in "${order[@]}"; do
  r1="-" r2="-"
  case $t in gd | imagick) r1=$(ratio "$t" gazette) r2=$(ratio "$t" server) ;; esac
  printf '  %-56s %9s %9s %9s %9s\n' "${version[$t]}" "$(secs "${med[$t]}")" "$(secs "${p90[$t]}")" "$r1" "$r2"
done
echo "  / gazette, / server: WordPress's median over gazette's (CLI, in the server): how many times faster gazette is"
for t in "${order[@]}"; do echo "  made by $t: ${made[$t]}"; done
echo "  same sizes: thumbnail 150x150 crop, medium 300x300, medium_large 768, large 1024x1024; WordPress's"
echo "  1536x1536, 2048x2048 and -scaled 2560 are off (intermediate_image_sizes_advanced, big_image_size_threshold);"
echo "  gazette also makes a WebP copy of each size. WordPress keeps the uploaded original as it came (GPS"
echo "  included) beside its -rotated copy; gazette stores the original cleaned (orientation applied, metadata"
echo "  removed). gazette's CLI time includes its process start-up; WordPress's does not (below)."
for e in gd imagick; do
  [ -n "${boot_ms[$e]:-}" ] && echo "  not counted for WordPress $e: PHP's start-up, and WordPress's bootstrap (wp-settings.php, ${boot_ms[$e]} ms)"
done
for t in "${order[@]}"; do echo "  runs (ms): $t ${runs_ms[$t]% }"; done
if [ ${#warnings[@]} -gt 0 ]; then
  printf '  WARNING: %s\n' "${warnings[@]}"
fi
declare -A row_label=([gazette]="CLI" [server]="in the server")
for g in gazette server; do
  [ -n "${med[$g]:-}" ] || continue
  for e in gd imagick; do
    [ -n "${med[$e]:-}" ] || continue
    label=GD
    [ "$e" = imagick ] && label=Imagick
    summary_row "upload 12 MP, ${row_label[$g]}: median s (WP $label; x faster)" \
      "$(secs "${med[$g]}")" "$(secs "${med[$e]}")" "$(ratio "$e" "$g")" \
      "faster than WordPress $label: $(verdict "${med[$g]} < ${med[$e]}")"
  done
done
[ -n "${BENCH_SUMMARY:-}" ] || print_summary "$tmp/summary.tsv"
