/* temp_store.h: a real SQLite store in a fresh temporary directory, for the unit tests that
 * need one (header-only: each test is its own program). */
#ifndef GAZETTE_TESTS_TEMP_STORE_H
#define GAZETTE_TESTS_TEMP_STORE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/settings.h"
#include "store/store.h"

#define TEMP_STORE_DIR 64   /* bytes of the directory name buffer */
#define TEMP_STORE_PATH 128 /* bytes of the database path buffer */

/* GAZETTE_TEST_POSTGRES names a PostgreSQL server where a test may make databases, as a URI
 * without database or parameters (postgresql://postgres@127.0.0.1:5432). A test that calls
 * temp_store_open_postgres runs on it too when it is set. */
#define TEMP_STORE_POSTGRES_ENV "GAZETTE_TEST_POSTGRES"
#define TEMP_STORE_NAME 64 /* bytes of the database name buffer */

/* Runs one statement on the server's "postgres" database (rows it returns are dropped); fails
 * the test if it fails. */
static inline void temp_store_postgres_exec(const char *server, const char *sql)
{
    char uri[512];
    snprintf(uri, sizeof(uri), "%s/postgres", server);
    PGconn *conn = PQconnectdb(uri);
    if (PQstatus(conn) != CONNECTION_OK)
        fail_msg("%s: %s", uri, PQerrorMessage(conn));
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(conn));
    PQclear(r);
    PQfinish(conn);
}

/* Makes a fresh database NAME ("gazette_unit_PID_N") on the server of GAZETTE_TEST_POSTGRES and
 * opens a store on it; NULL when the variable is not set. */
static inline store *temp_store_open_postgres(char name[TEMP_STORE_NAME])
{
    static int databases; /* made by this process, for unique names */
    const char *server = getenv(TEMP_STORE_POSTGRES_ENV);
    if (!server || !*server)
        return NULL;
    snprintf(name, TEMP_STORE_NAME, "gazette_unit_%ld_%d", (long)getpid(), ++databases);
    char sql[TEMP_STORE_PATH + 64], uri[512];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    temp_store_postgres_exec(server, sql);
    snprintf(uri, sizeof(uri), "%s/%s", server, name);
    buf error = {0};
    store *s = store_open(uri, &error);
    if (!s)
        fail_msg("store_open %s: %s", uri, buf_cstr(&error));
    buf_free(&error);
    return s;
}

/* Closes the store and drops its database. */
static inline void temp_store_remove_postgres(store *s, const char *name)
{
    store_close(s);
    char sql[TEMP_STORE_PATH + 64];
    snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", name);
    temp_store_postgres_exec(getenv(TEMP_STORE_POSTGRES_ENV), sql);
}

/* Whether the suite runs its tests on PostgreSQL now (temp_store_run_tests): temp_store_open
 * then makes a fresh database there instead of a SQLite file. */
static bool temp_store_on_postgres;

/* Makes DIR ($TMPDIR or /tmp, "gazette-NAME-XXXXXX") and opens PATH = DIR/site.db; fails the
 * test when either cannot be made. On PostgreSQL (temp_store_on_postgres), DIR is "" and PATH
 * the name of a fresh database. */
static inline store *temp_store_open(char dir[TEMP_STORE_DIR], char path[TEMP_STORE_PATH],
                                     const char *name)
{
    if (temp_store_on_postgres) {
        dir[0] = '\0';
        store *s = temp_store_open_postgres(path);
        assert_non_null(s);
        return s;
    }
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
    if (!dir[0]) {
        temp_store_remove_postgres(s, path);
        return;
    }
    store_close(s);
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[TEMP_STORE_PATH + 16];
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
    rmdir(dir);
}

/* The fixture of tests that need only a store: a temporary one, and an arena for the records
 * they read back. Each test gets a fresh one: setup calls temp_fixture_setup(state, NAME);
 * teardown is temp_fixture_teardown. */
struct temp_fixture {
    char dir[TEMP_STORE_DIR];   /* the mkdtemp directory, removed by teardown */
    char path[TEMP_STORE_PATH]; /* the database file in it */
    store *s;                   /* owned, closed by teardown */
    arena a;                    /* records read back, freed by teardown */
};

static inline int temp_fixture_setup(void **state, const char *name)
{
    struct temp_fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->s = temp_store_open(f->dir, f->path, name);
    *state = f;
    return 0;
}

static inline int temp_fixture_teardown(void **state)
{
    struct temp_fixture *f = *state;
    arena_free(&f->a);
    temp_store_remove(f->s, f->dir, f->path);
    free(f);
    return 0;
}

/* A setting, by name, that must be accepted. */
static inline void temp_store_set(store *s, const char *key, const char *value)
{
    buf error = {0};
    if (settings_set_named(s, key, value, &error) != 0)
        fail_msg("settings_set %s: %s", key, buf_cstr(&error));
    buf_free(&error);
}

/* Runs one group of a suite's tests in a child process, so that each group starts from the
 * same process state (settings presets, caches); returns how many failed. */
static inline int temp_store_run_group(const char *name, bool postgres,
                                       const struct CMUnitTest *tests, size_t count)
{
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child == 0) {
        temp_store_on_postgres = postgres;
        int failed = _cmocka_run_group_tests(name, tests, count, NULL, NULL);
        fflush(stdout);
        _exit(failed > 100 ? 100 : failed);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
        return 1;
    return WEXITSTATUS(status);
}

/* Runs a suite's tests on SQLite, then again on PostgreSQL when GAZETTE_TEST_POSTGRES names a
 * server (tests/e2e/test_unit_postgres.py lists the suites). Returns how many failed. */
static inline int temp_store_run_groups(const struct CMUnitTest *tests, size_t count)
{
    int failed = temp_store_run_group("sqlite", false, tests, count);
    const char *server = getenv(TEMP_STORE_POSTGRES_ENV);
    if (server && *server)
        failed += temp_store_run_group("postgresql", true, tests, count);
    return failed;
}
#define temp_store_run_tests(tests) temp_store_run_groups(tests, sizeof(tests) / sizeof((tests)[0]))

#endif
