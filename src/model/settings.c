/* settings.c: the settings table (the one list of keys, defaults and rules) and access to it. */
#include "model/settings.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"
#include "util/log.h"
#include "util/utf8.h"

#define TEXT_MAX 1000   /* bytes of a "text" value */
#define LINES_MAX 10000 /* bytes of a "lines" value (word lists) */

const struct setting_spec settings_table[] = {
    {"site.title", "gazette", "text", "the site's name, shown on every page"},
    {"site.description", "", "text", "a line under the site's name"},
    {"site.url", "", "url",
     "the public base URL, e.g. https://example.org: the only source of absolute links (feeds, "
     "sitemaps, canonical links, emails); until it is set, pages link relatively"},
    {"site.permalink", "/%year%/%monthnum%/%day%/%postname%/", "text",
     "permalink pattern of new posts (WordPress tags %year% %monthnum% %day% %postname% "
     "%post_id%)"},
    {"site.posts_per_page", "10", "int:1:100", "posts on the front page and archives"},
    {"comments.moderation", "first-time", "all|first-time|none",
     "hold every new comment, only a first comment from a name and email (both must match an "
     "approved comment), or none; an account's email is held unless that account is signed in"},
    {"comments.close_after_days", "0", "int:0:100000",
     "close comments on posts older than this many days (0 = never)"},
    {"comments.max_depth", "6", "int:1:20", "deepest reply level; deeper replies attach higher"},
    {"comments.max_kb", "64", "int:1:1024", "largest comment accepted, in KiB"},
    {"comments.honeypot", "true", "true|false",
     "the form has a field hidden from people; a comment that fills it is refused"},
    {"comments.min_seconds", "3", "int:0:3600",
     "refuse a comment sent sooner than this after its form was made (a signed time in the "
     "form; a cached page's form is as old as the page); 0 = off, no time in forms"},
    {"comments.per_ip_10min", "10", "int:0:100000",
     "comments one client address may post in 10 minutes; more answer 429 (0 = no limit)"},
    {"comments.max_links", "2", "int:0:1000",
     "hold a comment with more links than this for moderation (0 = no limit)"},
    {"comments.hold_words", "", "lines",
     "hold a comment whose text, name, email, website or IP address contains one of these "
     "(one a line or comma-separated; case-insensitive)"},
    {"comments.block_words", "", "lines",
     "refuse a comment whose text, name, email, website or IP address contains one of these "
     "(one a line or comma-separated; case-insensitive)"},
    {"admin.session_hours", "48", "int:1:8760", "how long a sign-in lasts, in hours"},
    {"admin.login_limit_account", "5", "int:0:100000",
     "failed sign-ins for one login in 15 minutes before it is locked for the rest (0: none)"},
    {"admin.login_limit_ip", "20", "int:0:100000",
     "failed sign-ins from one address in 15 minutes before it is refused (0: none)"},
    {"posts.password_limit_ip", "10", "int:0:100000",
     "wrong passwords one client address may try on one protected post in 10 minutes; more "
     "answer 429 (0: no limit)"},
    {"metrics.allow", "127.0.0.1 ::1", "text",
     "client addresses (space- or comma-separated) that may read /metrics without signing in; "
     "signed-in admins always may"},
    {"http.threads", "0", "int:0:256", "event-loop threads (0 = one per core)"},
    {"http.workers", "0", "int:0:256", "worker threads for store and rendering (0 = 4 per core)"},
    {"http.timeout_s", "10", "int:1:3600", "header deadline and keep-alive idle timeout"},
    {"http.max_conns_per_ip", "128", "int:0:100000",
     "connections one address may hold open (more are answered 429 and closed); proxies in "
     "http.trusted_proxies are not limited; 0: no limit"},
    {"http.trusted_proxies", "", "text",
     "addresses of proxies whose X-Forwarded-For names the reader (e.g. \"127.0.0.1 ::1\" behind "
     "a local nginx); empty: the connection's address is the reader's"},
    {"http.max_body_kb", "1024", "int:1:1048576", "largest request body accepted, in KiB"},
    {"cache.max_mb", "16", "int:0:65536",
     "memory for the page cache (finished pages with their gzip and brotli variants), in MiB;"
     " 0 turns the cache off"},
    {"print.paper", "a4", "a4|letter", "paper size of PDFs and print pages"},
    {"feed.items", "20", "int:1:200", "entries in each feed"},
    {"feed.full_text", "true", "true|false", "feeds carry whole articles (false: excerpts)"},
    {"cache.control_pages", "no-cache", "text",
     "Cache-Control of pages (no-cache: browsers revalidate with the ETag, cheaply)"},
    {"cache.control_feeds", "public, max-age=300", "text", "Cache-Control of feeds and sitemaps"},
    {"mail.smtp_url", "", "text",
     "SMTP server for mail, e.g. smtp://127.0.0.1:25 or smtps://mail.example.org (empty: no mail)"},
    {"mail.from", "", "text", "sender address of the site's mail, e.g. news@example.org"},
    {"mail.user", "", "text", "SMTP user name (empty: no login)"},
    {"mail.password", "", "text", "SMTP password"},
    {"mail.limit_per_ip_hour", "10", "int:0:100000",
     "articles one client address may email in an hour (0: none)"},
    {"mail.limit_per_recipient_hour", "3", "int:0:100000",
     "articles one recipient may be sent in an hour (0: none)"},
    {NULL, NULL, NULL, NULL},
};

/* Values from the config file, parallel to settings_table; written only before threads start. */
static const char *presets[sizeof(settings_table) / sizeof(settings_table[0])];

const struct setting_spec *settings_find(const char *key)
{
    for (const struct setting_spec *spec = settings_table; spec->key; spec++)
        if (strcmp(spec->key, key) == 0)
            return spec;
    return NULL;
}

/* The stored settings as one thread last read them: all in one query, where each value was one
 * (a comment reads ten: ten round trips to PostgreSQL). Taken again at the start of every
 * request (settings_forget), after a write, for another store, and when a second old. */
static _Thread_local struct {
    unsigned long long store; /* store_serial of the connection read; 0: none */
    struct timespec taken;
    arena memory;
    struct store_setting *values;
    size_t count;
} snapshot;

void settings_forget(void)
{
    arena_free(&snapshot.memory);
    snapshot.store = 0;
    snapshot.values = NULL;
    snapshot.count = 0;
}

static bool snapshot_fresh(store *s)
{
    if (snapshot.store != store_serial(s))
        return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec - snapshot.taken.tv_sec < 1 ||
           (now.tv_sec - snapshot.taken.tv_sec == 1 && now.tv_nsec < snapshot.taken.tv_nsec);
}

/* The stored value of `key` (in the snapshot), STORE_NOT_FOUND, or STORE_ERROR. */
static int stored_value(store *s, const char *key, const char **value)
{
    if (!snapshot_fresh(s)) {
        settings_forget();
        if (store_setting_list(s, &snapshot.memory, &snapshot.values, &snapshot.count) !=
            STORE_OK) {
            settings_forget();
            return STORE_ERROR;
        }
        snapshot.store = store_serial(s);
        clock_gettime(CLOCK_MONOTONIC, &snapshot.taken);
    }
    for (size_t i = 0; i < snapshot.count; i++) {
        if (strcmp(snapshot.values[i].key, key) == 0) {
            *value = snapshot.values[i].value;
            return STORE_OK;
        }
    }
    return STORE_NOT_FOUND;
}

const char *settings_get(store *s, arena *a, const char *key)
{
    const struct setting_spec *spec = settings_find(key);
    if (!spec)
        return NULL;
    const char *value = NULL;
    if (stored_value(s, key, &value) == STORE_OK)
        return arena_strdup(a, value);
    /* a store error (the database unreachable) is logged by the store, once */
    const char *preset = presets[spec - settings_table];
    return preset ? preset : spec->default_value;
}

long long settings_get_int(store *s, arena *a, const char *key)
{
    const char *value = settings_get(s, a, key);
    return value ? strtoll(value, NULL, 10) : 0;
}

/* True when `value` is one of the '|'-separated words of `choices`. */
static bool is_choice(const char *choices, const char *value)
{
    size_t n = strlen(value);
    const char *p = choices;
    while (*p) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, value, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* No control character: values reach pages, and some reach headers (cache.control_pages). */
static bool is_one_line(const char *value)
{
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

bool settings_url_valid(const char *value)
{
    if (!*value)
        return true;
    size_t n = strlen(value);
    const char *host = strncmp(value, "https://", 8) == 0  ? value + 8
                       : strncmp(value, "http://", 7) == 0 ? value + 7
                                                           : NULL;
    return host && n <= TEXT_MAX && is_one_line(value) && *host && *host != '/' &&
           !strpbrk(value, " \\\"'<>?#`{}|^") && value[n - 1] != '/';
}

static bool is_valid(const struct setting_spec *spec, const char *value)
{
    if (strcmp(spec->valid, "text") == 0)
        return strlen(value) <= TEXT_MAX && is_one_line(value) && utf8_valid(value, strlen(value));
    if (strcmp(spec->valid, "url") == 0)
        return settings_url_valid(value);
    if (strcmp(spec->valid, "lines") == 0)
        return strlen(value) <= LINES_MAX && utf8_valid(value, strlen(value));
    long long min, max;
    if (sscanf(spec->valid, "int:%lld:%lld", &min, &max) == 2) {
        char *end;
        errno = 0;
        long long n = strtoll(value, &end, 10);
        return *value && !*end && errno == 0 && n >= min && n <= max;
    }
    return is_choice(spec->valid, value);
}

void settings_describe_valid(const char *key, buf *error)
{
    const struct setting_spec *spec = settings_find(key);
    if (!spec) {
        buf_printf(error, "unknown setting '%s'; valid keys:", key);
        for (spec = settings_table; spec->key; spec++)
            buf_printf(error, " %s", spec->key);
        return;
    }
    long long min, max;
    if (sscanf(spec->valid, "int:%lld:%lld", &min, &max) == 2)
        buf_printf(error, "%s takes a whole number from %lld to %lld", key, min, max);
    else if (strcmp(spec->valid, "text") == 0)
        buf_printf(error, "%s takes one line of text (UTF-8) of at most %d bytes", key, TEXT_MAX);
    else if (strcmp(spec->valid, "url") == 0)
        buf_printf(error,
                   "%s takes an http:// or https:// address without a trailing '/', query or "
                   "spaces, e.g. https://example.org or https://example.org/blog (or \"\")",
                   key);
    else if (strcmp(spec->valid, "lines") == 0)
        buf_printf(error,
                   "%s takes a list of at most %d bytes of UTF-8: one entry a line, or "
                   "entries separated by commas",
                   key, LINES_MAX);
    else
        buf_printf(error, "%s takes one of: %s", key, spec->valid);
}

/* A URL setting's value without its trailing '/'s ("https://example.org/" is meant as
 * "https://example.org"), in `room`; other values as they are. */
static const char *normalised(const char *key, const char *value, char *room, size_t size)
{
    const struct setting_spec *spec = settings_find(key);
    size_t n = strlen(value);
    if (!spec || strcmp(spec->valid, "url") != 0 || n >= size)
        return value;
    while (n && value[n - 1] == '/')
        n--;
    memcpy(room, value, n);
    room[n] = '\0';
    return room;
}

int settings_check(const char *key, const char *value, buf *error)
{
    char room[TEXT_MAX + 1];
    value = normalised(key, value, room, sizeof(room));
    const struct setting_spec *spec = settings_find(key);
    if (!spec || !is_valid(spec, value)) {
        settings_describe_valid(key, error);
        return -2;
    }
    return 0;
}

int settings_preset(const char *key, const char *value, buf *error)
{
    char room[TEXT_MAX + 1];
    value = normalised(key, value, room, sizeof(room));
    if (settings_check(key, value, error) != 0)
        return -2;
    const struct setting_spec *spec = settings_find(key);
    free((char *)presets[spec - settings_table]);
    presets[spec - settings_table] = xstrdup(value); /* lives as long as the process */
    return 0;
}

int settings_set(store *s, const char *key, const char *value, buf *error)
{
    char room[TEXT_MAX + 1];
    value = normalised(key, value, room, sizeof(room));
    if (settings_check(key, value, error) != 0)
        return -2;
    settings_forget();
    if (store_setting_set(s, key, value) != STORE_OK) {
        buf_printf(error, "%s", store_error(s));
        return -1;
    }
    return 0;
}
