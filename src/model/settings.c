/* settings.c: the settings table (the one list of keys, defaults and rules) and access to it. */
#include "model/settings.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/audit.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/utf8.h"

#define TEXT_MAX 1000   /* bytes of a "text" value */
#define SIZE_MAX_PIXELS 10000 /* each side of a "size" value */
#define LINES_MAX 10000 /* bytes of a "lines" value (word lists) */

/* The rows of settings_table.h, at the index of their enum setting_key. */
const struct setting_spec settings_table[SETTING_COUNT + 1] = {
#define SETTING_ROW(name, key, default_value, valid, help)                                         \
    [SETTING_##name] = {key, default_value, valid, help},
    SETTINGS_TABLE(SETTING_ROW)
#undef SETTING_ROW
        [SETTING_COUNT] = {NULL, NULL, NULL, NULL},
};

/* Values from the config file, parallel to settings_table; written only before threads start. */
static const char *presets[SETTING_COUNT];

const struct setting_spec *settings_find(const char *name)
{
    for (const struct setting_spec *spec = settings_table; spec->key; spec++)
        if (strcmp(spec->key, name) == 0)
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

const char *settings_get(store *s, arena *a, enum setting_key key)
{
    assert(key >= 0 && key < SETTING_COUNT);
    const struct setting_spec *spec = &settings_table[key];
    const char *value = NULL;
    if (stored_value(s, spec->key, &value) == STORE_OK)
        return arena_strdup(a, value);
    /* a store error (the database unreachable) is logged by the store, once */
    return presets[key] ? presets[key] : spec->default_value;
}

long long settings_get_int(store *s, arena *a, enum setting_key key)
{
    assert(strncmp(settings_table[key].valid, "int:", 4) == 0);
    return strtoll(settings_get(s, a, key), NULL, 10);
}

bool settings_get_bool(store *s, arena *a, enum setting_key key)
{
    assert(strcmp(settings_table[key].valid, "true|false") == 0);
    return strcmp(settings_get(s, a, key), "true") == 0;
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

/* Digits at *p (at most 5), as a number into *n; false when there are none. */
static bool size_side(const char **p, int *n)
{
    int value = 0, digits = 0;
    while (**p >= '0' && **p <= '9' && digits < 6) {
        value = value * 10 + (**p - '0');
        (*p)++;
        digits++;
    }
    *n = value;
    return digits > 0 && digits <= 5;
}

bool settings_size_parse(const char *value, int *width, int *height)
{
    const char *p = value;
    int w, h;
    if (!size_side(&p, &w) || *p++ != 'x' || !size_side(&p, &h) || *p)
        return false;
    if (w > SIZE_MAX_PIXELS || h > SIZE_MAX_PIXELS || (w == 0 && h == 0))
        return false;
    *width = w;
    *height = h;
    return true;
}

static bool is_valid(const struct setting_spec *spec, const char *value)
{
    int width, height;
    if (strcmp(spec->valid, "size") == 0)
        return settings_size_parse(value, &width, &height);
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

void settings_describe_valid(const char *name, buf *error)
{
    const struct setting_spec *spec = settings_find(name);
    if (!spec) {
        buf_printf(error, "unknown setting '%s'; valid keys:", name);
        for (spec = settings_table; spec->key; spec++)
            buf_printf(error, " %s", spec->key);
        return;
    }
    long long min, max;
    if (sscanf(spec->valid, "int:%lld:%lld", &min, &max) == 2)
        buf_printf(error, "%s takes a whole number from %lld to %lld", name, min, max);
    else if (strcmp(spec->valid, "text") == 0)
        buf_printf(error, "%s takes one line of text (UTF-8) of at most %d bytes", name, TEXT_MAX);
    else if (strcmp(spec->valid, "url") == 0)
        buf_printf(error,
                   "%s takes an http:// or https:// address without a trailing '/', query or "
                   "spaces, e.g. https://example.org or https://example.org/blog (or \"\")",
                   name);
    else if (strcmp(spec->valid, "size") == 0)
        buf_printf(error,
                   "%s takes WIDTHxHEIGHT in pixels, each from 0 to %d and not both 0, e.g. "
                   "300x300 (0: no limit that way)",
                   name, SIZE_MAX_PIXELS);
    else if (strcmp(spec->valid, "lines") == 0)
        buf_printf(error,
                   "%s takes a list of at most %d bytes of UTF-8: one entry a line, or "
                   "entries separated by commas",
                   name, LINES_MAX);
    else
        buf_printf(error, "%s takes one of: %s", name, spec->valid);
}

/* A URL setting's value without its trailing '/'s ("https://example.org/" is meant as
 * "https://example.org"), in `room`; other values as they are. */
static const char *normalised(const char *name, const char *value, char *room, size_t size)
{
    const struct setting_spec *spec = settings_find(name);
    size_t n = strlen(value);
    if (!spec || strcmp(spec->valid, "url") != 0 || n >= size)
        return value;
    while (n && value[n - 1] == '/')
        n--;
    memcpy(room, value, n);
    room[n] = '\0';
    return room;
}

int settings_check(const char *name, const char *value, buf *error)
{
    char room[TEXT_MAX + 1];
    value = normalised(name, value, room, sizeof(room));
    const struct setting_spec *spec = settings_find(name);
    if (!spec || !is_valid(spec, value)) {
        settings_describe_valid(name, error);
        return -2;
    }
    return 0;
}

int settings_preset(const char *name, const char *value, buf *error)
{
    char room[TEXT_MAX + 1];
    value = normalised(name, value, room, sizeof(room));
    if (settings_check(name, value, error) != 0)
        return -2;
    enum setting_key key = settings_key_of(settings_find(name));
    free((char *)presets[key]);
    presets[key] = xstrdup(value); /* lives as long as the process */
    return 0;
}

int settings_set_named(store *s, const char *name, const char *value, buf *error)
{
    char room[TEXT_MAX + 1];
    value = normalised(name, value, room, sizeof(room));
    if (settings_check(name, value, error) != 0)
        return -2;
    settings_forget();
    if (store_setting_set(s, name, value) != STORE_OK) {
        buf_printf(error, "%s", store_error(s));
        return -1;
    }
    return 0;
}

int settings_set(store *s, enum setting_key key, const char *value, buf *error)
{
    assert(key >= 0 && key < SETTING_COUNT);
    return settings_set_named(s, settings_table[key].key, value, error);
}

int settings_save(store *s, arena *a, const struct setting_assignment *assignments, size_t count,
                  const struct store_audit *audit, buf *error)
{
    for (size_t i = 0; i < count; i++) {
        buf problem = {0};
        if (settings_check(assignments[i].name, assignments[i].value, &problem) != 0)
            buf_printf(error, "%s%s.", error->len ? " " : "", buf_cstr(&problem));
        buf_free(&problem);
    }
    if (error->len)
        return -2;
    int rc = store_begin(s);
    buf changed = {0};
    for (size_t i = 0; rc == STORE_OK && i < count; i++) {
        enum setting_key key = settings_key_of(settings_find(assignments[i].name));
        if (strcmp(settings_get(s, a, key), assignments[i].value) == 0)
            continue;
        rc = settings_set(s, key, assignments[i].value, error) == 0 ? STORE_OK : STORE_ERROR;
        buf_printf(&changed, "%s%s", changed.len ? ", " : "", assignments[i].name);
    }
    if (rc == STORE_OK && changed.len) {
        struct store_audit entry = *audit;
        entry.detail = buf_cstr(&changed);
        audit_record(s, &entry);
    }
    if (rc != STORE_OK || store_commit(s) != STORE_OK) {
        store_rollback(s);
        rc = STORE_ERROR;
    }
    buf_free(&changed);
    return rc == STORE_OK ? 0 : -1;
}
