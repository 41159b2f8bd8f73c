/* temp_store.h: a real SQLite store in a fresh temporary directory, for the unit tests that
 * need one (header-only: each test is its own program). */
#ifndef GAZETTE_TESTS_TEMP_STORE_H
#define GAZETTE_TESTS_TEMP_STORE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model/settings.h"
#include "store/store.h"

#define TEMP_STORE_DIR 64   /* bytes of the directory name buffer */
#define TEMP_STORE_PATH 128 /* bytes of the database path buffer */

/* Makes DIR ($TMPDIR or /tmp, "gazette-NAME-XXXXXX") and opens PATH = DIR/site.db; fails the
 * test when either cannot be made. */
static inline store *temp_store_open(char dir[TEMP_STORE_DIR], char path[TEMP_STORE_PATH],
                                     const char *name)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, TEMP_STORE_DIR, "%s/gazette-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    assert_non_null(mkdtemp(dir));
    snprintf(path, TEMP_STORE_PATH, "%s/site.db", dir);
    buf error = {0};
    store *s = store_open(path, &error);
    if (!s)
        fail_msg("store_open: %s", buf_cstr(&error));
    buf_free(&error);
    return s;
}

/* Closes the store and removes the database, its WAL files and the directory. */
static inline void temp_store_remove(store *s, const char *dir, const char *path)
{
    store_close(s);
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[TEMP_STORE_PATH + 16];
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
    rmdir(dir);
}

/* A setting that must be accepted. */
static inline void temp_store_set(store *s, const char *key, const char *value)
{
    buf error = {0};
    if (settings_set(s, key, value, &error) != 0)
        fail_msg("settings_set %s: %s", key, buf_cstr(&error));
    buf_free(&error);
}

#endif
