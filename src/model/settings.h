/* settings.h: the site's settings: names, defaults, validation; values live in the store. */
#ifndef GAZETTE_MODEL_SETTINGS_H
#define GAZETTE_MODEL_SETTINGS_H

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

struct setting_spec {
    const char *key;           /* e.g. "comments.moderation" */
    const char *default_value; /* used when the store has none */
    const char *valid;         /* "a|b|c", "int:MIN:MAX", "text" (1000 bytes), "lines" (10000) */
    const char *help;          /* one line for --help and the man page */
};

extern const struct setting_spec settings_table[];

const struct setting_spec *settings_find(const char *key); /* NULL for an unknown key */

/* The stored value of `key`, or its default; for an unknown key NULL. Store errors fall back
 * to the default (a page still renders), and are logged. Result lives in `a`. The stored
 * settings are read all at once and kept per thread for at most a second: a server worker
 * calls settings_forget at the start of each request, so a request sees one state. */
const char *settings_get(store *s, arena *a, const char *key);
long long settings_get_int(store *s, arena *a, const char *key);

/* Drops this thread's snapshot of the settings (frees it: call before a thread ends). */
void settings_forget(void);

/* Checks `value` against the key's rule: 0, or -2 with a message listing what is valid. */
int settings_check(const char *key, const char *value, buf *error);

/* Checks `value` against the key's rule and stores it. Returns 0; -2 with a message listing
 * the valid keys or values in `error` for an unknown key or invalid value; -1 on a store error. */
int settings_set(store *s, const char *key, const char *value, buf *error);

/* Whether `value` can be site.url: "" or http(s)://HOST[/PATH], one line, no trailing '/', no
 * query, fragment, space or quote (it is written before paths in links and headers). */
bool settings_url_valid(const char *value);

/* Presets `key` for this process (from gazette.ini): used when the store has no value.
 * Validated like settings_set; returns 0 or -2 with a message. Call before threads start. */
int settings_preset(const char *key, const char *value, buf *error);

/* Writes "unknown setting …; valid keys: …" or the valid values of `key` into `error`. */
void settings_describe_valid(const char *key, buf *error);

#endif
