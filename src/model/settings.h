/* settings.h: the site's settings: names, defaults, validation; values live in the store. */
#ifndef GAZETTE_MODEL_SETTINGS_H
#define GAZETTE_MODEL_SETTINGS_H

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "model/settings_table.h"

/* Every setting, named in code; an unknown name is a compile error. */
enum setting_key {
#define SETTING_ENUM_ITEM(name, key, default_value, valid, help) SETTING_##name,
    SETTINGS_TABLE(SETTING_ENUM_ITEM)
#undef SETTING_ENUM_ITEM
        SETTING_COUNT
};

struct setting_spec {
    const char *key;           /* e.g. "comments.moderation": what a person types */
    const char *default_value; /* used when the store has none */
    const char *valid;         /* "a|b|c", "int:MIN:MAX", "text" (1000 bytes), "lines" (10000), "size" */
    const char *help;          /* one line for --help and the man page */
};

/* Indexed by enum setting_key, in the order of settings_table.h; ends with a row of NULLs. */
extern const struct setting_spec settings_table[SETTING_COUNT + 1];

/* For keys typed by a person (the CLI, the admin form, gazette.ini): the setting called `name`,
 * or NULL for an unknown name (settings_describe_valid says what is valid). */
const struct setting_spec *settings_find(const char *name);

/* The enum of a row of settings_table (from settings_find or a walk of the table). */
static inline enum setting_key settings_key_of(const struct setting_spec *spec)
{
    return (enum setting_key)(spec - settings_table);
}

/* The stored value of `key`, or its preset, or its default; never NULL. Store errors fall back
 * to the default (a page still renders), and are logged. Result lives in `a` (or is static).
 * The stored settings are read all at once and kept per thread for at most a second: a server
 * worker calls settings_forget at the start of each request, so a request sees one state. */
const char *settings_get(store *s, arena *a, enum setting_key key);
/* The same as a number, for a setting whose rule is "int:MIN:MAX" (asserted). */
long long settings_get_int(store *s, arena *a, enum setting_key key);
/* The same as a truth, for a setting whose rule is "true|false" (asserted). */
bool settings_get_bool(store *s, arena *a, enum setting_key key);

/* Drops this thread's snapshot of the settings (frees it: call before a thread ends). */
void settings_forget(void);

/* Checks `value` against the rule of the setting called `name` (typed by a person): 0, or -2
 * with a message in `error` listing the valid keys (unknown name) or values. */
int settings_check(const char *name, const char *value, buf *error);

/* Checks `value` against the key's rule and stores it. Returns 0; -2 with a message listing
 * the valid values in `error` for an invalid value; -1 on a store error (its message). */
int settings_set(store *s, enum setting_key key, const char *value, buf *error);
/* settings_set for a name typed by a person: also -2 with the valid keys for an unknown name. */
int settings_set_named(store *s, const char *name, const char *value, buf *error);

/* Whether `value` can be site.url: "" or http(s)://HOST[/PATH], one line, no trailing '/', no
 * query, fragment, space or quote (it is written before paths in links and headers). */
bool settings_url_valid(const char *value);

/* A "size" value, WIDTHxHEIGHT ("300x300"; 0 for no limit one way, not both): true with the two
 * numbers, or false for any other text. */
bool settings_size_parse(const char *value, int *width, int *height);

/* One value a person gave for the setting called `name` (the admin form). */
struct setting_assignment {
    const char *name;
    const char *value;
};

/* Saves a whole form of settings: every assignment is checked first, and when one is refused
 * nothing is stored and -2 returns with each problem ("KEY takes ...") in `error`. Otherwise one
 * transaction stores the values that differ from the current ones and, when any did, `audit`
 * with the changed keys as its detail (audit_record).
 * Returns 0 or -1 on a store error. */
int settings_save(store *s, arena *a, const struct setting_assignment *assignments, size_t count,
                  const struct store_audit *audit, buf *error);

/* Presets the setting called `name` for this process (from gazette.ini): used when the store
 * has no value. Validated like settings_set_named; returns 0 or -2 with a message. Call before
 * threads start. */
int settings_preset(const char *name, const char *value, buf *error);

/* Writes "unknown setting …; valid keys: …" or the valid values of `name` into `error`. */
void settings_describe_valid(const char *name, buf *error);

#endif
