/* sqlite.c: the store's engine on SQLite (WAL, foreign keys, prepared statements only): its
 * primitives, migrations, full-text query, bulk transactions and watch. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/backend.h"
#include "store/sqlite_migrations.h"
#include "util/slug.h"
#include "util/alloc.h"

/* Statements of this engine's own, beside those of statements.h. */
enum own_statement {
    OWN_BEGIN,
    OWN_COMMIT,
    OWN_ROLLBACK,
    OWN_DATA_VERSION,
    OWN_CHANGES_SINCE,
    OWN_CHANGES_LATEST,
    OWN_COUNT
};

static const char *const own_sql[OWN_COUNT] = {
    [OWN_BEGIN] = "BEGIN IMMEDIATE",
    [OWN_COMMIT] = "COMMIT",
    [OWN_ROLLBACK] = "ROLLBACK",
    [OWN_DATA_VERSION] = "PRAGMA data_version",
    [OWN_CHANGES_SINCE] = "SELECT post_id, version FROM changes WHERE version > ?1",
    [OWN_CHANGES_LATEST] = "SELECT coalesce(max(version), 0) FROM changes",
};

struct sqlite_store {
    struct store base;                         /* first: a store * points here */
    sqlite3 *db;                               /* the connection, owned */
    sqlite3_stmt *statements[STATEMENT_COUNT]; /* prepared lazily, owned */
    sqlite3_stmt *own[OWN_COUNT];              /* prepared lazily, owned */
    sqlite3_stmt *current;                     /* the statement operations.c runs */
    sqlite3_stmt *built;                       /* prepare_text's statement, owned */
    bool writing;                              /* holds writer_turn */
    bool bulk;               /* the open transaction is a bulk one: its pragmas to undo */
    long long cache_setting; /* PRAGMA cache_size before the bulk transaction */
};

/* The writers of one process take turns here, in arrival order, instead of in SQLite's busy
 * handler, which sleeps and retries: under a burst of comments it let some writers wait past
 * the busy timeout (a 503) while others went again and again. Other processes still meet the
 * busy timeout. */
static pthread_mutex_t writer_turn = PTHREAD_MUTEX_INITIALIZER;

static void end_turn(store *s)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    if (q->writing) {
        q->writing = false;
        pthread_mutex_unlock(&writer_turn);
    }
}

#define Q(s) ((struct sqlite_store *)(s))
#define DB(s) (Q(s)->db)

static int fail(store *s, const char *what)
{
    return store_fail(s, "%s: %s", what, sqlite3_errmsg(DB(s)));
}

/* Returns the statement in `slot`, prepared from `sql` on first use, reset and with bindings
 * cleared; NULL with the error set. */
static sqlite3_stmt *prepared(store *s, sqlite3_stmt **slot, const char *sql)
{
    sqlite3_stmt *st = *slot;
    if (!st) {
        if (sqlite3_prepare_v3(DB(s), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
            fail(s, "prepare");
            return NULL;
        }
        *slot = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static sqlite3_stmt *own(store *s, enum own_statement id)
{
    return prepared(s, &Q(s)->own[id], own_sql[id]);
}

/* Runs one of the engine's own statements that returns no rows. */
static int run_own(store *s, enum own_statement id, const char *what)
{
    sqlite3_stmt *st = own(s, id);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, what);
}

/* --- the primitives (backend.h) --- */

static int sqlite_prepare(store *s, enum statement_id id)
{
    struct sqlite_store *q = Q(s);
    const struct statement *declared = &store_statements[id];
    bool first = !q->statements[id];
    q->current = prepared(s, &q->statements[id], statement_text(id, false));
    if (!q->current)
        return store_fail(s, "%s: %s", declared->name, sqlite3_errmsg(q->db));
    if (first && (sqlite3_bind_parameter_count(q->current) != declared->parameters ||
                  sqlite3_column_count(q->current) != declared->columns)) {
        int parameters = sqlite3_bind_parameter_count(q->current);
        int columns = sqlite3_column_count(q->current);
        sqlite3_finalize(q->current);
        q->statements[id] = q->current = NULL;
        return store_fail(s, "%s: %d parameters and %d columns, declared %d and %d", declared->name,
                          parameters, columns, declared->parameters, declared->columns);
    }
    return STORE_OK;
}

static void sqlite_reset(store *s);

static int sqlite_prepare_text(store *s, const char *sql, int parameters)
{
    struct sqlite_store *q = Q(s);
    sqlite_reset(s);
    sqlite3_finalize(q->built);
    q->built = NULL;
    if (sqlite3_prepare_v2(q->db, sql, -1, &q->built, NULL) != SQLITE_OK)
        return store_fail(s, "%s: %s", sql, sqlite3_errmsg(q->db));
    if (sqlite3_bind_parameter_count(q->built) != parameters)
        return store_fail(s, "%s: %d parameters, expected %d", sql,
                          sqlite3_bind_parameter_count(q->built), parameters);
    q->current = q->built;
    return STORE_OK;
}

static void sqlite_bind_int(store *s, int index, long long value)
{
    sqlite3_bind_int64(Q(s)->current, index, value);
}

static void sqlite_bind_text(store *s, int index, const char *text)
{
    if (text)
        sqlite3_bind_text(Q(s)->current, index, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(Q(s)->current, index);
}

static void sqlite_bind_bool(store *s, int index, bool value)
{
    sqlite3_bind_int(Q(s)->current, index, value);
}

static void sqlite_bind_blob(store *s, int index, const void *data, size_t length)
{
    /* a NULL pointer would bind SQL NULL: an empty file is an empty blob */
    sqlite3_bind_blob64(Q(s)->current, index, data ? data : "", length, SQLITE_STATIC);
}

static enum store_step sqlite_step(store *s)
{
    int rc = sqlite3_step(Q(s)->current);
    if (rc == SQLITE_ROW)
        return STORE_STEP_ROW;
    if (rc == SQLITE_DONE)
        return STORE_STEP_DONE;
    fail(s, store_statements[s->statement].name);
    return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_STEP_CONFLICT : STORE_STEP_ERROR;
}

static long long sqlite_column_int(store *s, int column)
{
    return sqlite3_column_int64(Q(s)->current, column);
}

static const char *sqlite_column_text(store *s, arena *a, int column)
{
    sqlite3_stmt *st = Q(s)->current;
    const unsigned char *text = sqlite3_column_text(st, column);
    size_t len = (size_t)sqlite3_column_bytes(st, column);
    /* empty columns are common (a comment's URL, user agent, moderation reason): no copy */
    return len ? arena_strndup(a, (const char *)text, len) : "";
}

static const unsigned char *sqlite_column_blob(store *s, arena *a, int column, size_t *length)
{
    static const unsigned char empty[1];
    sqlite3_stmt *st = Q(s)->current;
    const void *data = sqlite3_column_blob(st, column); /* before its size, as SQLite asks */
    *length = (size_t)sqlite3_column_bytes(st, column);
    if (!data || *length == 0) {
        *length = 0;
        return empty;
    }
    unsigned char *copy = arena_take(a, *length);
    memcpy(copy, data, *length);
    return copy;
}

static const char *sqlite_column_peek(store *s, int column)
{
    const unsigned char *text = sqlite3_column_text(Q(s)->current, column);
    return text ? (const char *)text : "";
}

static bool sqlite_column_null(store *s, int column)
{
    return sqlite3_column_type(Q(s)->current, column) == SQLITE_NULL;
}

static bool sqlite_column_bool(store *s, int column)
{
    return sqlite3_column_int(Q(s)->current, column) != 0;
}

static size_t sqlite_row_count(store *s)
{
    (void)s;
    return 0; /* rows come one step at a time */
}

static long long sqlite_changes(store *s)
{
    return sqlite3_changes(DB(s));
}

static long long sqlite_insert_id(store *s)
{
    return sqlite3_last_insert_rowid(DB(s));
}

static void sqlite_reset(store *s)
{
    if (Q(s)->current)
        sqlite3_reset(Q(s)->current);
    Q(s)->current = NULL;
}

/* --- connection and schema --- */

/* gazette_slug_canonical(text) and gazette_nicename(login): util/slug.c's forms, for the
 * migration that rewrites stored slugs and paths (sqlite_migrations.c, 8). */
static void slug_function(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    if (!text) {
        sqlite3_result_null(context);
        return;
    }
    arena a = {0};
    const char *out;
    if (sqlite3_user_data(context)) {
        out = slug_nicename(&a, text);
        if (!*out) /* a login of no Latin letter: its slug, as a title's */
            out = slug_from_title(&a, text);
    } else
        out = slug_canonical(&a, text);
    sqlite3_result_text(context, out, -1, SQLITE_TRANSIENT);
    arena_free(&a);
}

static int add_functions(sqlite3 *db)
{
    static int nicename = 1; /* the user data that tells the two apart */
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function(db, "gazette_slug_canonical", 1, flags, NULL, slug_function, NULL,
                                NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "gazette_nicename", 1, flags, &nicename, slug_function, NULL,
                                NULL) != SQLITE_OK)
        return STORE_ERROR;
    return STORE_OK;
}

static int apply_migrations(store *s)
{
    char *message = NULL;
    if (sqlite3_exec(DB(s), "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                     NULL, NULL, &message) != SQLITE_OK)
        goto failed;
    for (;;) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(DB(s), "SELECT coalesce(max(version), 0) FROM schema_version", -1,
                               &st, NULL) != SQLITE_OK)
            return fail(s, "schema version");
        long long version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        if (version > (long long)sqlite_migration_count) {
            store_fail(s,
                       "the database has schema version %lld, newer than this "
                       "gazette knows (%zu): upgrade gazette",
                       version, sqlite_migration_count);
            return STORE_ERROR;
        }
        if (version == (long long)sqlite_migration_count)
            return STORE_OK;
        buf sql = {0};
        buf_printf(&sql, "BEGIN IMMEDIATE; %s; INSERT INTO schema_version VALUES (%lld); COMMIT;",
                   sqlite_migrations[version], version + 1);
        int rc = sqlite3_exec(DB(s), buf_cstr(&sql), NULL, NULL, &message);
        buf_free(&sql);
        if (rc != SQLITE_OK) {
            sqlite3_exec(DB(s), "ROLLBACK", NULL, NULL, NULL);
            goto failed;
        }
    }
failed:
    store_fail(s, "schema migration: %s", message ? message : sqlite3_errmsg(DB(s)));
    sqlite3_free(message);
    return STORE_ERROR;
}

static const struct store_engine sqlite_engine;
static void sqlite_close(store *s);

store *sqlite_store_open(const char *location, buf *error)
{
    struct sqlite_store *q = xcalloc(1, sizeof(*q));
    store *s = &q->base;
    s->engine = &sqlite_engine;
    if (sqlite3_open_v2(location, &q->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        buf_printf(error, "%s: cannot open database: %s", location,
                   q->db ? sqlite3_errmsg(q->db) : "out of memory");
        goto failed;
    }
    sqlite3_busy_timeout(q->db, 5000);
    /* WAL lets readers run beside the writer; synchronous=FULL makes each commit durable
     * before it returns, so a 303 after a comment means the comment survives a crash. */
    char *message = NULL;
    if (sqlite3_exec(q->db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     " PRAGMA foreign_keys = ON;",
                     NULL, NULL, &message) != SQLITE_OK) {
        buf_printf(error, "%s: %s", location, message ? message : sqlite3_errmsg(q->db));
        sqlite3_free(message);
        goto failed;
    }
    if (add_functions(q->db) != STORE_OK) {
        buf_printf(error, "%s: %s", location, sqlite3_errmsg(q->db));
        goto failed;
    }
    if (apply_migrations(s) != STORE_OK) {
        buf_printf(error, "%s: %s", location, buf_cstr(&s->error));
        goto failed;
    }
    return s;
failed:
    sqlite_close(s);
    return NULL;
}

static void sqlite_close(store *s)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    for (int i = 0; i < STATEMENT_COUNT; i++)
        sqlite3_finalize(q->statements[i]);
    for (int i = 0; i < OWN_COUNT; i++)
        sqlite3_finalize(q->own[i]);
    sqlite3_finalize(q->built);
    sqlite3_close(q->db);
    buf_free(&s->error);
    free(q);
}

static void sqlite_limit_memory(store *s, int kib)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    char pragma[64]; /* a number of ours: no outside text reaches this SQL */
    snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", kib > 0 ? kib : 1);
    sqlite3_exec(q->db, pragma, NULL, NULL, NULL);
}

static int sqlite_begin(store *s)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    pthread_mutex_lock(&writer_turn);
    q->writing = true;
    int rc = run_own(s, OWN_BEGIN, "begin");
    if (rc != STORE_OK)
        end_turn(s);
    return rc;
}

/* Settings of a bulk transaction (an import: one transaction of ~10 statements per row).
 * Each statement of a transaction keeps a journal of the pages it changes, to undo itself alone
 * if it fails; past 64 KiB SQLite moves it to a temporary file, and an insert into comments
 * (six indexes, two triggers) passes that, so every insert wrote its pages to a file that is
 * thrown away. temp_store = MEMORY keeps those journals in memory. A larger page cache writes
 * fewer pages to the WAL before the commit (the default 2 MB holds a few index pages of a
 * 100 MB import). An import of 10,000 posts and 100,000 comments made 3.2 million pwrite()
 * calls before, 110,000 with both. Neither changes durability: the rows reach the database
 * only through the WAL at COMMIT (synchronous = FULL), and a crash before it leaves the
 * database as it was. */
#define BULK_CACHE_KIB (16 * 1024)

static void end_bulk(store *s)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    if (!q->bulk)
        return;
    q->bulk = false;
    char pragma[96]; /* numbers of ours: no outside text reaches this SQL */
    snprintf(pragma, sizeof(pragma), "PRAGMA temp_store = DEFAULT; PRAGMA cache_size = %lld",
             q->cache_setting);
    sqlite3_exec(q->db, pragma, NULL, NULL, NULL);
}

static int sqlite_begin_bulk(store *s)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "PRAGMA cache_size", -1, &st, NULL) != SQLITE_OK)
        return fail(s, "cache size");
    q->cache_setting = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2000;
    sqlite3_finalize(st);
    char pragma[96];
    snprintf(pragma, sizeof(pragma), "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -%d",
             BULK_CACHE_KIB);
    q->bulk = true;
    if (sqlite3_exec(q->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
        int rc = fail(s, "bulk settings");
        end_bulk(s);
        return rc;
    }
    int rc = sqlite_begin(s);
    if (rc != STORE_OK)
        end_bulk(s);
    return rc;
}

static void sqlite_rollback(store *s)
{
    /* After some errors (a full disk: SQLITE_FULL, SQLITE_IOERR, …) SQLite has already rolled
     * the transaction back; a ROLLBACK then fails and its "no transaction is active" would
     * replace the error that says what happened. */
    if (!sqlite3_get_autocommit(DB(s))) {
        run_own(s, OWN_ROLLBACK, "rollback");
    }
    end_turn(s);
    end_bulk(s);
}

static int sqlite_commit(store *s)
{
    if (run_own(s, OWN_COMMIT, "commit") != STORE_OK) {
        sqlite_rollback(s);
        return STORE_ERROR;
    }
    end_turn(s);
    end_bulk(s);
    return STORE_OK;
}

/* --- what is SQLite's own --- */

/* FTS5 syntax for the groups: "w1 w2" for a phrase, a trailing * for a prefix; groups ANDed.
 * Words hold no quotes (the parser keeps letters and digits only). */
static const char *fts5_query(arena *a, const struct store_search_group *groups, size_t count)
{
    buf q = {0};
    for (size_t i = 0; i < count; i++) {
        buf_puts(&q, i ? " \"" : "\"");
        for (size_t w = 0; w < groups[i].word_count; w++)
            buf_printf(&q, "%s%s", w ? " " : "", groups[i].words[w]);
        buf_puts(&q, groups[i].prefix ? "\"*" : "\"");
    }
    char *text = arena_take_buf(a, &q);
    return text;
}

/* The newest version in the change feed, or -1 on an error. */
static long long latest_change(store *s)
{
    sqlite3_stmt *st = own(s, OWN_CHANGES_LATEST);
    long long version = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int64(st, 0);
    if (st)
        sqlite3_reset(st);
    return version;
}

/* Another connection's commit changes PRAGMA data_version on this one, which costs
 * microseconds to read; only then is the change feed (written by triggers) read, to learn
 * which posts changed. Ten polls a second bound how stale another process's write leaves a
 * cached page. */
static void sqlite_watch(store *s, void (*changed)(void *context, long long post_id), void *context,
                         volatile sig_atomic_t *stop)
{
    long long data_version = -1, seen = latest_change(s);
    changed(context, -1); /* subscribed: later commits are seen through `seen` */
    while (!*stop) {
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
        sqlite3_stmt *st = own(s, OWN_DATA_VERSION);
        if (!st || sqlite3_step(st) != SQLITE_ROW) {
            if (st)
                sqlite3_reset(st);
            continue;
        }
        long long version = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (version == data_version)
            continue;
        data_version = version;
        st = own(s, OWN_CHANGES_SINCE);
        if (!st)
            continue;
        sqlite3_bind_int64(st, 1, seen);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            long long post_id = sqlite3_column_int64(st, 0);
            long long change = sqlite3_column_int64(st, 1);
            changed(context, post_id > 0 ? post_id : -1);
            if (change > seen)
                seen = change;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            changed(context, -1); /* could not read what changed: assume anything did */
    }
}

#define SQLITE_PRIMITIVE(name) .name = sqlite_##name

static const struct store_engine sqlite_engine = {
    .name = "sqlite",
    .postgres = false,
    SQLITE_PRIMITIVE(prepare),
    SQLITE_PRIMITIVE(prepare_text),
    SQLITE_PRIMITIVE(bind_int),
    SQLITE_PRIMITIVE(bind_text),
    SQLITE_PRIMITIVE(bind_blob),
    SQLITE_PRIMITIVE(bind_bool),
    SQLITE_PRIMITIVE(step),
    SQLITE_PRIMITIVE(column_int),
    SQLITE_PRIMITIVE(column_text),
    SQLITE_PRIMITIVE(column_peek),
    SQLITE_PRIMITIVE(column_bool),
    SQLITE_PRIMITIVE(column_blob),
    SQLITE_PRIMITIVE(column_null),
    SQLITE_PRIMITIVE(row_count),
    SQLITE_PRIMITIVE(changes),
    SQLITE_PRIMITIVE(insert_id),
    SQLITE_PRIMITIVE(reset),
    .search_query = fts5_query,
    SQLITE_PRIMITIVE(begin),
    SQLITE_PRIMITIVE(begin_bulk),
    SQLITE_PRIMITIVE(commit),
    SQLITE_PRIMITIVE(rollback),
    SQLITE_PRIMITIVE(close),
    SQLITE_PRIMITIVE(limit_memory),
    SQLITE_PRIMITIVE(watch),
};
