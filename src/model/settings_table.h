/* settings_table.h: the one list of settings: for each its name in code, its key, its default,
 * its rule and its help line. settings.h makes the enum of it (SETTING_SITE_TITLE, ...) and
 * settings.c the table, so a key that is not here does not compile.
 * Rules: "a|b|c", "int:MIN:MAX", "text" (one line, 1000 bytes), "lines" (10000), "url",
 * "size" (WIDTHxHEIGHT, settings_size_parse). */
#ifndef GAZETTE_MODEL_SETTINGS_TABLE_H
#define GAZETTE_MODEL_SETTINGS_TABLE_H

/* X(NAME, key, default, rule, help) */
#define SETTINGS_TABLE(X)                                                                          \
    X(SITE_TITLE, "site.title", "gazette", "text", "the site's name, shown on every page")         \
    X(SITE_DESCRIPTION, "site.description", "", "text", "a line under the site's name")            \
    X(SITE_URL, "site.url", "", "url",                                                             \
      "the public base URL, e.g. https://example.org: the only source of absolute links (feeds, "  \
      "sitemaps, canonical links, emails); until it is set, pages link relatively")                \
    X(SITE_PERMALINK, "site.permalink", "/%year%/%monthnum%/%day%/%postname%/", "text",            \
      "permalink pattern of new posts (WordPress tags %year% %monthnum% %day% %postname% "         \
      "%post_id%)")                                                                                \
    X(SITE_LANGUAGE, "site.language", "en", "text",                                                \
      "the site's language as a BCP 47 tag (en, en-US, ar): <html lang> and the feeds' "           \
      "<language>; a WordPress import sets it from the export")                                    \
    X(SITE_UTC_OFFSET, "site.utc_offset", "0", "int:-720:840",                                     \
      "the site's time zone as minutes from UTC (-300 for New York in winter): new posts' "        \
      "permalinks and date archives use their local date, as WordPress does; a WordPress import "  \
      "sets it from its newest post")                                                              \
    X(SITE_MENU, "site.menu", "", "text",                                                          \
      "the slug of the menu shown in every page's header; empty or unknown: the published pages "  \
      "in their order; a WordPress import sets it to its largest menu")                            \
    X(SITE_POSTS_PER_PAGE, "site.posts_per_page", "10", "int:1:100",                               \
      "posts on the front page and archives")                                                      \
    X(COMMENTS_MODERATION, "comments.moderation", "first-time", "all|first-time|none",             \
      "hold every new comment, only a first comment from a name and email (both must match an "    \
      "approved comment), or none; an account's email is held unless that account is signed in")   \
    X(COMMENTS_CLOSE_AFTER_DAYS, "comments.close_after_days", "0", "int:0:100000",                 \
      "close comments on posts older than this many days (0 = never)")                             \
    X(COMMENTS_MAX_DEPTH, "comments.max_depth", "6", "int:1:20",                                   \
      "deepest reply level; deeper replies attach higher")                                         \
    X(COMMENTS_PER_PAGE, "comments.per_page", "0", "int:0:1000",                                   \
      "top-level comments (each with its replies) a comment page shows, as WordPress pages them: " \
      "PERMALINK/comment-page-N/, page 1 the oldest, the permalink the newest (0 = one page)")     \
    X(COMMENTS_MAX_KB, "comments.max_kb", "64", "int:1:1024", "largest comment accepted, in KiB")  \
    X(COMMENTS_HONEYPOT, "comments.honeypot", "true", "true|false",                                \
      "the form has a field hidden from people; a comment that fills it is refused")               \
    X(COMMENTS_MIN_SECONDS, "comments.min_seconds", "3", "int:0:3600",                             \
      "refuse a comment sent sooner than this after its form was made (a signed time in the "      \
      "form; a cached page's form is as old as the page); 0 = off, no time in forms")              \
    X(COMMENTS_PER_IP_10MIN, "comments.per_ip_10min", "10", "int:0:100000",                        \
      "comments one client address may post in 10 minutes; more answer 429 (0 = no limit)")        \
    X(COMMENTS_MAX_LINKS, "comments.max_links", "2", "int:0:1000",                                 \
      "hold a comment with more links than this for moderation (0 = no limit)")                    \
    X(COMMENTS_HOLD_WORDS, "comments.hold_words", "", "lines",                                     \
      "hold a comment whose text, name, email, website or IP address contains one of these "       \
      "(one a line or comma-separated; case-insensitive)")                                         \
    X(COMMENTS_BLOCK_WORDS, "comments.block_words", "", "lines",                                   \
      "refuse a comment whose text, name, email, website or IP address contains one of these "     \
      "(one a line or comma-separated; case-insensitive)")                                         \
    X(ADMIN_SESSION_HOURS, "admin.session_hours", "48", "int:1:8760",                              \
      "how long a sign-in lasts, in hours")                                                        \
    X(ADMIN_LOGIN_LIMIT_ACCOUNT, "admin.login_limit_account", "5", "int:0:100000",                 \
      "failed sign-ins for one login in 15 minutes before it is locked for the rest (0: none)")    \
    X(ADMIN_LOGIN_LIMIT_IP, "admin.login_limit_ip", "20", "int:0:100000",                          \
      "failed sign-ins from one address in 15 minutes before it is refused (0: none)")             \
    X(POSTS_PASSWORD_LIMIT_IP, "posts.password_limit_ip", "10", "int:0:100000",                    \
      "wrong passwords one client address may try on one protected post in 10 minutes; more "      \
      "answer 429 (0: no limit)")                                                                  \
    X(METRICS_ALLOW, "metrics.allow", "127.0.0.1 ::1", "text",                                     \
      "client addresses (space- or comma-separated) that may read /metrics without signing in; "   \
      "signed-in admins always may")                                                               \
    X(HTTP_THREADS, "http.threads", "0", "int:0:256", "event-loop threads (0 = one per core)")     \
    X(HTTP_WORKERS, "http.workers", "0", "int:0:256",                                              \
      "worker threads for store and rendering (0 = 4 per core)")                                   \
    X(HTTP_TIMEOUT_S, "http.timeout_s", "10", "int:1:3600",                                        \
      "header deadline and keep-alive idle timeout")                                               \
    X(HTTP_MAX_CONNS_PER_IP, "http.max_conns_per_ip", "128", "int:0:100000",                       \
      "connections one address may hold open (more are answered 429 and closed); proxies in "      \
      "http.trusted_proxies are not limited; 0: no limit")                                         \
    X(HTTP_TRUSTED_PROXIES, "http.trusted_proxies", "", "text",                                    \
      "addresses of proxies whose X-Forwarded-For names the reader (e.g. \"127.0.0.1 ::1\" "       \
      "behind "                                                                                    \
      "a local nginx); empty: the connection's address is the reader's")                           \
    X(HTTP_MAX_BODY_KB, "http.max_body_kb", "1024", "int:1:1048576",                               \
      "largest request body accepted, in KiB")                                                     \
    X(CACHE_MAX_MB, "cache.max_mb", "16", "int:0:65536",                                           \
      "memory for the page cache (finished pages with their gzip and brotli variants), in MiB;"    \
      " 0 turns the cache off")                                                                    \
    X(MEDIA_MAX_MB, "media.max_mb", "64", "int:1:2048",                                            \
      "largest file an upload or import may store, in MiB")                                        \
    X(MEDIA_MAX_MEGAPIXELS, "media.max_megapixels", "100", "int:1:1000",                           \
      "largest image (width x height, in millions of pixels) decoded; larger ones, such as "       \
      "decompression bombs, are refused")                                                          \
    X(MEDIA_THUMBNAIL_SIZE, "media.thumbnail_size", "150x150", "size",                             \
      "the thumbnail size, WIDTHxHEIGHT, cropped to fill it (WordPress's default)")                \
    X(MEDIA_MEDIUM_SIZE, "media.medium_size", "300x300", "size",                                   \
      "the medium size, WIDTHxHEIGHT, the largest image that fits in it (0: no limit that way)")   \
    X(MEDIA_LARGE_SIZE, "media.large_size", "1024x1024", "size",                                   \
      "the large size, WIDTHxHEIGHT, the largest image that fits in it (0: no limit that way)")    \
    X(MEDIA_WEBP, "media.webp", "true", "true|false",                                              \
      "also make a WebP copy of each size of an image (pages offer it with <picture>)")            \
    X(MEDIA_CACHE_MB, "media.cache_mb", "1024", "int:0:1048576",                                   \
      "local disk cache of media files on each node, in MiB (the bytes live in the store)")        \
    X(PRINT_PAPER, "print.paper", "a4", "a4|letter", "paper size of PDFs and print pages")         \
    X(FEED_ITEMS, "feed.items", "20", "int:1:200", "entries in each feed")                         \
    X(FEED_FULL_TEXT, "feed.full_text", "true", "true|false",                                      \
      "feeds carry whole articles (false: excerpts)")                                              \
    X(CACHE_CONTROL_PAGES, "cache.control_pages", "no-cache", "text",                              \
      "Cache-Control of pages (no-cache: browsers revalidate with the ETag, cheaply)")             \
    X(CACHE_CONTROL_FEEDS, "cache.control_feeds", "public, max-age=300", "text",                   \
      "Cache-Control of feeds and sitemaps")                                                       \
    X(MAIL_SMTP_URL, "mail.smtp_url", "", "text",                                                  \
      "SMTP server for mail, e.g. smtp://127.0.0.1:25 or smtps://mail.example.org (empty: no "     \
      "mail)")                                                                                     \
    X(MAIL_FROM, "mail.from", "", "text",                                                          \
      "sender address of the site's mail, e.g. news@example.org")                                  \
    X(MAIL_USER, "mail.user", "", "text", "SMTP user name (empty: no login)")                      \
    X(MAIL_PASSWORD, "mail.password", "", "text", "SMTP password")                                 \
    X(MAIL_LIMIT_PER_IP_HOUR, "mail.limit_per_ip_hour", "10", "int:0:100000",                      \
      "articles one client address may email in an hour (0: none)")                                \
    X(MAIL_LIMIT_PER_RECIPIENT_HOUR, "mail.limit_per_recipient_hour", "3", "int:0:100000",         \
      "articles one recipient may be sent in an hour (0: none)")

#endif
