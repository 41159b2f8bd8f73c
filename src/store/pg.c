/* pg.c: the store's engine on PostgreSQL (libpq, prepared statements only): its primitives,
 * with reconnection after the server went away, BEGIN sent with a transaction's first statement,
 * migrations, the full-text query, and LISTEN for other nodes' changes. */
#include <assert.h>
#include <libpq-fe.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/backend.h"
#include "store/pg_migrations.h"
#include "util/alloc.h"
#include "util/log.h"

/* Statements of this engine's own, prepared as those of statements.h are, after them. */
enum own_statement { OWN_COMMIT = STATEMENT_COUNT, OWN_ROLLBACK, PREPARED_COUNT };

#define MAX_PARAMETERS 64 /* the most a statement takes (POST_INSERT: 21; a copied table's row) */

struct pg_store {
    struct store base;             /* first: a store * points here */
    PGconn *conn;                  /* owned */
    bool prepared[PREPARED_COUNT]; /* on this connection (lost at a reconnect) */
    time_t next_reconnect;         /* no reconnect attempt before this… */
    int failed_in_epoch;           /* …unless another connection got through since */
    bool begin_pending;            /* store_begin was called; BEGIN goes with the first
                                      statement, in one round trip (a pipeline) */
    /* the statement operations.c runs: its parameters as text, the way libpq sends them, and
     * its result, read row by row */
    int parameter_count;
    const char *values[MAX_PARAMETERS];
    char numbers[MAX_PARAMETERS][24]; /* the text of integer parameters */
    /* binary parameters (bytea) go as bytes, format 1, with their length; the rest as text */
    int lengths[MAX_PARAMETERS];
    int formats[MAX_PARAMETERS];
    PGresult *result; /* owned; NULL until the first step */
    bool built;       /* the statement is prepare_text's, not a prepared one */
    buf built_text;   /* its text, $N parameters */
    int row;          /* the current row of result */
};

#define PQ(s) ((struct pg_store *)(s))

/* Whether the database was last seen unreachable: the log says so once per outage, not once
 * per request, from whichever thread noticed first. */
static atomic_int database_unreachable;
/* Counts the outages survived: a connection that failed in an earlier epoch retries at once. */
static atomic_int reachable_epoch;

static void note_unreachable(const char *why)
{
    if (atomic_exchange(&database_unreachable, 1) == 0)
        log_error("PostgreSQL unreachable: %s; answering 503 until it is back",
                  why && *why ? why : "connection lost");
}

static void note_reachable(void)
{
    if (atomic_exchange(&database_unreachable, 0) == 1) {
        atomic_fetch_add(&reachable_epoch, 1);
        log_info("PostgreSQL reachable again");
    }
}

/* An idle connection the server closed meanwhile (a restart) has its goodbye waiting on the
 * socket: reading it now marks the connection bad before a statement is lost on it. */
static void notice_closed_connection(struct pg_store *q)
{
    struct pollfd ready = {.fd = PQsocket(q->conn), .events = POLLIN};
    if (ready.fd >= 0 && poll(&ready, 1, 0) > 0)
        PQconsumeInput(q->conn);
}

/* A connection usable now, reconnecting at most once a second. */
static bool connected(store *s)
{
    struct pg_store *q = PQ(s);
    /* nothing of a transaction has been sent while its BEGIN is pending: a new connection
     * is as good as the old one then */
    bool idle = !s->in_transaction || q->begin_pending;
    if (idle && PQstatus(q->conn) == CONNECTION_OK)
        notice_closed_connection(q);
    if (PQstatus(q->conn) == CONNECTION_OK)
        return true;
    if (!idle) {
        /* The transaction died with its connection. Reconnecting here would run the rest of
         * it outside any transaction (and COMMIT would then "succeed"): half of it would be
         * stored. Every statement fails until the caller rolls back. */
        store_fail(s, "the connection to PostgreSQL was lost during a transaction");
        return false;
    }
    time_t now = time(NULL);
    if (now < q->next_reconnect && q->failed_in_epoch == atomic_load(&reachable_epoch)) {
        store_fail(s, "PostgreSQL is unreachable");
        return false;
    }
    PQreset(q->conn);
    if (PQstatus(q->conn) != CONNECTION_OK) {
        q->next_reconnect = now + 1;
        q->failed_in_epoch = atomic_load(&reachable_epoch);
        store_fail(s, "PostgreSQL is unreachable: %s", PQerrorMessage(q->conn));
        note_unreachable(PQerrorMessage(q->conn));
        return false;
    }
    memset(q->prepared, 0, sizeof(q->prepared));
    note_reachable();
    return true;
}

/* The results of one query of a pipeline: the first, the rest (one, or none) dropped. */
static PGresult *pipeline_result(PGconn *conn)
{
    PGresult *first = PQgetResult(conn), *more;
    while ((more = PQgetResult(conn)) != NULL)
        PQclear(more);
    return first;
}

/* The name a statement is prepared under on each connection. */
static void statement_name(char name[16], int id)
{
    snprintf(name, 16, "g%d", id);
}

/* `sql` as PostgreSQL takes it: ?N becomes $N outside string literals. */
static void dollar_parameters(buf *out, const char *sql)
{
    bool quoted = false;
    for (const char *c = sql; *c; c++) {
        if (*c == '\'')
            quoted = !quoted;
        buf_putc(out, !quoted && *c == '?' && c[1] >= '0' && c[1] <= '9' ? '$' : *c);
    }
}

/* Prepares `sql` as statement `id` on this connection, unless it is; `declared` (NULL for the
 * engine's own) is checked against what the server made of it. */
static int prepare_once(store *s, int id, const char *sql, const struct statement *declared)
{
    struct pg_store *q = PQ(s);
    if (q->prepared[id])
        return STORE_OK;
    char name[16];
    statement_name(name, id);
    buf text = {0};
    dollar_parameters(&text, sql);
    bool returns_id = declared && declared->returns_id;
    if (returns_id)
        buf_puts(&text, " RETURNING id"); /* the id SQLite's connection gives */
    PGresult *r = PQprepare(q->conn, name, buf_cstr(&text), 0, NULL);
    buf_free(&text);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        store_fail(s, "prepare %s: %s", declared ? declared->name : sql, PQerrorMessage(q->conn));
    PQclear(r);
    if (ok && declared) {
        r = PQdescribePrepared(q->conn, name);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            store_fail(s, "describe %s: %s", declared->name, PQerrorMessage(q->conn));
        else if (PQnparams(r) != declared->parameters ||
                 PQnfields(r) != declared->columns + returns_id) {
            store_fail(s, "%s: %d parameters and %d columns, declared %d and %d", declared->name,
                       PQnparams(r), PQnfields(r), declared->parameters,
                       declared->columns + returns_id);
            ok = false;
        }
        PQclear(r);
    }
    if (!ok) {
        if (PQstatus(q->conn) != CONNECTION_OK)
            note_unreachable(PQerrorMessage(q->conn));
        return STORE_ERROR;
    }
    q->prepared[id] = true;
    return STORE_OK;
}

/* BEGIN and the transaction's first statement in one round trip. Returns the statement's
 * result (PGRES_PIPELINE_ABORTED when BEGIN failed), or NULL when the connection failed. */
static PGresult *begin_and_execute(struct pg_store *q, const char *name)
{
    q->begin_pending = false;
    if (!PQenterPipelineMode(q->conn))
        return NULL;
    PGresult *begin = NULL, *r = NULL;
    if (PQsendQueryParams(q->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) &&
        (q->built ? PQsendQueryParams(q->conn, buf_cstr(&q->built_text), q->parameter_count, NULL,
                                      q->values, q->lengths, q->formats, 0)
                  : PQsendQueryPrepared(q->conn, name, q->parameter_count, q->values, q->lengths,
                                        q->formats, 0)) &&
        PQpipelineSync(q->conn)) {
        begin = pipeline_result(q->conn);
        r = pipeline_result(q->conn);
        PQclear(PQgetResult(q->conn)); /* the sync point */
    }
    PQexitPipelineMode(q->conn);
    if (PQresultStatus(begin) != PGRES_COMMAND_OK && PQresultStatus(r) == PGRES_COMMAND_OK) {
        PQclear(r); /* cannot happen: a failed BEGIN aborts the pipeline */
        r = NULL;
    }
    PQclear(begin);
    return r;
}

/* Runs prepared statement `id` with the bound parameters (BEGIN first when it is pending);
 * returns its result (owned by the caller) or NULL with the error set, and whether a
 * constraint refused it. */
static PGresult *execute(store *s, int id, bool *conflict)
{
    struct pg_store *q = PQ(s);
    char name[16];
    statement_name(name, id);
    PGresult *r = q->begin_pending ? begin_and_execute(q, name)
                  : q->built ? PQexecParams(q->conn, buf_cstr(&q->built_text), q->parameter_count,
                                            NULL, q->values, q->lengths, q->formats, 0)
                             : PQexecPrepared(q->conn, name, q->parameter_count, q->values,
                                              q->lengths, q->formats, 0);
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return r;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    *conflict = state && strncmp(state, "23", 2) == 0; /* integrity constraint violation */
    store_fail(s, "%s",
               PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(q->conn));
    PQclear(r);
    if (PQstatus(q->conn) != CONNECTION_OK)
        note_unreachable(PQerrorMessage(q->conn));
    return NULL;
}

/* Runs one of the engine's own statements, which take no parameters. */
static int run_own(store *s, enum own_statement id, const char *sql)
{
    bool conflict = false;
    PQ(s)->parameter_count = 0;
    PQ(s)->built = false;
    if (!connected(s) || prepare_once(s, id, sql, NULL) != STORE_OK)
        return STORE_ERROR;
    PGresult *r = execute(s, id, &conflict);
    PQclear(r);
    return r ? STORE_OK : STORE_ERROR;
}

/* --- the primitives (backend.h) --- */

/* The one row of an insert's RETURNING id (prepare_once adds it). */
static long long pg_insert_id(store *s)
{
    struct pg_store *q = PQ(s);
    return q->result && PQntuples(q->result) > 0 ? strtoll(PQgetvalue(q->result, 0, 0), NULL, 10)
                                                 : 0;
}

static void pg_reset(store *s)
{
    PQclear(PQ(s)->result);
    PQ(s)->result = NULL;
}

static int pg_prepare(store *s, enum statement_id id)
{
    struct pg_store *q = PQ(s);
    pg_reset(s);
    q->built = false;
    q->parameter_count = store_statements[id].parameters;
    if (q->parameter_count > MAX_PARAMETERS) /* (the self-check and its unit test see it) */
        return store_fail(s, "%s: %d parameters, more than MAX_PARAMETERS (%d)",
                          store_statements[id].name, q->parameter_count, MAX_PARAMETERS);
    memset(q->values, 0, sizeof(q->values));
    memset(q->formats, 0, sizeof(q->formats));
    if (!connected(s))
        return STORE_ERROR;
    return prepare_once(s, id, statement_text(id, true), &store_statements[id]);
}

static int pg_prepare_text(store *s, const char *sql, int parameters)
{
    struct pg_store *q = PQ(s);
    pg_reset(s);
    if (parameters > MAX_PARAMETERS)
        return store_fail(s, "%s: %d parameters, at most %d", sql, parameters, MAX_PARAMETERS);
    q->parameter_count = parameters;
    memset(q->values, 0, sizeof(q->values));
    memset(q->formats, 0, sizeof(q->formats));
    if (!connected(s))
        return STORE_ERROR;
    buf_reset(&q->built_text);
    dollar_parameters(&q->built_text, sql);
    q->built = true;
    return STORE_OK;
}

static void pg_bind_int(store *s, int index, long long value)
{
    struct pg_store *q = PQ(s);
    assert(index >= 1 && index <= q->parameter_count);
    snprintf(q->numbers[index - 1], sizeof(q->numbers[0]), "%lld", value);
    q->values[index - 1] = q->numbers[index - 1];
}

static void pg_bind_text(store *s, int index, const char *text)
{
    assert(index >= 1 && index <= PQ(s)->parameter_count);
    PQ(s)->values[index - 1] = text;
}

static void pg_bind_bool(store *s, int index, bool value)
{
    pg_bind_text(s, index, value ? "true" : "false");
}

/* The bytes as they are (binary format): no hex text twice their size to build and send. */
static void pg_bind_blob(store *s, int index, const void *data, size_t length)
{
    struct pg_store *q = PQ(s);
    assert(index >= 1 && index <= q->parameter_count && length <= INT_MAX);
    q->values[index - 1] = data ? data : ""; /* NULL would be SQL NULL */
    q->lengths[index - 1] = (int)length;
    q->formats[index - 1] = 1;
}

/* The whole result comes with the first step; later steps move along its rows. */
static enum store_step pg_step(store *s)
{
    struct pg_store *q = PQ(s);
    if (!q->result) {
        bool conflict = false;
        q->result = execute(s, s->statement, &conflict);
        if (!q->result)
            return conflict ? STORE_STEP_CONFLICT : STORE_STEP_ERROR;
        q->row = -1;
    }
    return ++q->row < PQntuples(q->result) ? STORE_STEP_ROW : STORE_STEP_DONE;
}

static long long pg_column_int(store *s, int column)
{
    return strtoll(PQgetvalue(PQ(s)->result, PQ(s)->row, column), NULL, 10);
}

static const char *pg_column_text(store *s, arena *a, int column)
{
    struct pg_store *q = PQ(s);
    size_t len = (size_t)PQgetlength(q->result, q->row, column);
    return len ? arena_strndup(a, PQgetvalue(q->result, q->row, column), len) : "";
}

static const char *pg_column_peek(store *s, int column)
{
    return PQgetvalue(PQ(s)->result, PQ(s)->row, column);
}

static bool pg_column_null(store *s, int column)
{
    return PQgetisnull(PQ(s)->result, PQ(s)->row, column);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Results come as text: bytea in its hex form, \x and two digits a byte (bytea_output's
 * default), decoded straight into `a`; the older escape form through libpq. */
static const unsigned char *pg_column_blob(store *s, arena *a, int column, size_t *length)
{
    static const unsigned char empty[1];
    struct pg_store *q = PQ(s);
    const char *text = PQgetvalue(q->result, q->row, column);
    size_t text_length = (size_t)PQgetlength(q->result, q->row, column);
    *length = 0;
    if (text_length >= 2 && text[0] == '\\' && text[1] == 'x') {
        size_t n = (text_length - 2) / 2;
        if (n == 0)
            return empty;
        unsigned char *bytes = arena_take(a, n);
        for (size_t i = 0; i < n; i++) {
            int high = hex_digit(text[2 + 2 * i]), low = hex_digit(text[3 + 2 * i]);
            if (high < 0 || low < 0)
                return empty; /* PostgreSQL writes none such */
            bytes[i] = (unsigned char)(high << 4 | low);
        }
        *length = n;
        return bytes;
    }
    size_t n = 0;
    unsigned char *unescaped = PQunescapeBytea((const unsigned char *)text, &n);
    if (!unescaped || n == 0) {
        PQfreemem(unescaped);
        return empty;
    }
    unsigned char *bytes = arena_take(a, n);
    memcpy(bytes, unescaped, n);
    PQfreemem(unescaped);
    *length = n;
    return bytes;
}

static bool pg_column_bool(store *s, int column)
{
    return PQgetvalue(PQ(s)->result, PQ(s)->row, column)[0] == 't';
}

static size_t pg_row_count(store *s)
{
    return PQ(s)->result ? (size_t)PQntuples(PQ(s)->result) : 0;
}

static long long pg_changes(store *s)
{
    return PQ(s)->result ? strtoll(PQcmdTuples(PQ(s)->result), NULL, 10) : 0;
}

/* --- connection and schema --- */

static int apply_migrations(store *s)
{
    PGconn *conn = PQ(s)->conn;
    /* One node migrates; others starting at the same time wait for its lock. */
    PGresult *r =
        PQexec(conn, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
    PQclear(r);
    for (;;) {
        r = PQexec(conn, "BEGIN; SELECT pg_advisory_xact_lock(7413570)");
        PQclear(r);
        r = PQexec(conn, "SELECT coalesce(max(version), 0) FROM schema_version");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            store_fail(s, "schema version: %s", PQerrorMessage(conn));
            PQclear(r);
            PQclear(PQexec(conn, "ROLLBACK"));
            return STORE_ERROR;
        }
        long long version = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        if (version >= (long long)pg_migration_count) {
            PQclear(PQexec(conn, "COMMIT"));
            if (version > (long long)pg_migration_count)
                return store_fail(s,
                                  "the database has schema version %lld, newer than this "
                                  "gazette knows (%zu): upgrade gazette",
                                  version, pg_migration_count);
            return STORE_OK;
        }
        r = PQexec(conn, pg_migrations[version]);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (ok) {
            char bump[96];
            snprintf(bump, sizeof(bump), "INSERT INTO schema_version VALUES (%lld); COMMIT",
                     version + 1);
            r = PQexec(conn, bump);
            ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
        }
        if (!ok) {
            store_fail(s, "schema migration %lld: %s", version + 1, PQerrorMessage(conn));
            PQclear(PQexec(conn, "ROLLBACK"));
            return STORE_ERROR;
        }
    }
}

static const struct store_engine pg_engine;

/* The server's notices (a connection terminated by an administrator…) would otherwise go to
 * stderr raw; what matters of them is reported through note_unreachable. */
static void ignore_notice(void *context, const char *message)
{
    (void)context, (void)message;
}

static PGconn *connect_to(const char *uri)
{
    /* the URI's own parameters win; these only fill in what it leaves out */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *const values[] = {"3", "gazette", uri, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (conn)
        PQsetNoticeProcessor(conn, ignore_notice, NULL);
    return conn;
}

static void pg_close(store *s)
{
    PQclear(PQ(s)->result);
    PQfinish(PQ(s)->conn);
    buf_free(&PQ(s)->built_text);
    buf_free(&s->error);
    free(s);
}

store *pg_store_open(const char *uri, buf *error)
{
    struct pg_store *q = xcalloc(1, sizeof(*q));
    store *s = &q->base;
    s->engine = &pg_engine;
    q->conn = connect_to(uri);
    if (PQstatus(q->conn) != CONNECTION_OK) {
        buf_printf(error, "cannot connect to PostgreSQL: %s", PQerrorMessage(q->conn));
        goto failed;
    }
    PQclear(PQexec(q->conn, "SET client_min_messages = warning"));
    if (apply_migrations(s) != STORE_OK) {
        buf_printf(error, "PostgreSQL: %s", buf_cstr(&s->error));
        goto failed;
    }
    return s;
failed:
    pg_close(s);
    return NULL;
}

/* BEGIN waits for the first statement, and goes with it (begin_and_execute). */
static int pg_begin(store *s)
{
    PQ(s)->begin_pending = true;
    return STORE_OK;
}

static void pg_rollback(store *s)
{
    struct pg_store *q = PQ(s);
    if (q->begin_pending) {
        q->begin_pending = false; /* nothing was sent */
        return;
    }
    if (PQstatus(q->conn) == CONNECTION_OK)
        run_own(s, OWN_ROLLBACK, "ROLLBACK");
}

static int pg_commit(store *s)
{
    struct pg_store *q = PQ(s);
    if (q->begin_pending) {
        q->begin_pending = false; /* an empty transaction */
        return STORE_OK;
    }
    /* After a failed statement PostgreSQL answers COMMIT with a rollback and no error: a caller
     * that went on past a failure (a write it deemed optional) must not hear "committed". */
    if (PQtransactionStatus(q->conn) == PQTRANS_INERROR) {
        pg_rollback(s);
        return store_fail(s, "a statement of this transaction failed, so nothing of it was "
                             "written");
    }
    if (run_own(s, OWN_COMMIT, "COMMIT") != STORE_OK) {
        pg_rollback(s);
        return STORE_ERROR;
    }
    return STORE_OK;
}

/* --- what is PostgreSQL's own --- */

/* tsquery syntax for the groups: 'w1' <-> 'w2' for a phrase, :* for a prefix; groups ANDed.
 * Words hold only letters and digits, so quoting them is safe. */
static const char *tsquery(arena *a, const struct store_search_group *groups, size_t count)
{
    buf q = {0};
    for (size_t i = 0; i < count; i++) {
        buf_puts(&q, i ? " & (" : "(");
        for (size_t w = 0; w < groups[i].word_count; w++)
            buf_printf(&q, "%s'%s'%s", w ? " <-> " : "", groups[i].words[w],
                       groups[i].prefix && w + 1 == groups[i].word_count ? ":*" : "");
        buf_putc(&q, ')');
    }
    char *text = arena_take_buf(a, &q);
    return text;
}

/* LISTENs on its own connection; a reconnect counts as a change, since notifications sent
 * while it was away are lost. */
static void pg_watch(store *s, void (*changed)(void *context, long long post_id), void *context,
                     volatile sig_atomic_t *stop)
{
    struct pg_store *q = PQ(s);
    bool listening = false;
    while (!*stop) {
        if (PQstatus(q->conn) != CONNECTION_OK)
            listening = false;
        if (!listening) {
            if (!connected(s)) {
                struct timespec pause = {0, 200 * 1000 * 1000};
                nanosleep(&pause, NULL);
                continue;
            }
            PGresult *r = PQexec(q->conn, "LISTEN gazette_changes");
            listening = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!listening)
                continue;
            changed(context, -1); /* what changed while we were not listening is unknown */
        }
        struct pollfd wait = {.fd = PQsocket(q->conn), .events = POLLIN};
        if (poll(&wait, 1, 100) > 0 && !PQconsumeInput(q->conn)) {
            note_unreachable(PQerrorMessage(q->conn));
            continue;
        }
        PGnotify *notice;
        while ((notice = PQnotifies(q->conn))) {
            /* the payload is "post:ID" for a post and its comments, "all" for anything else */
            long long post_id = -1;
            if (strncmp(notice->extra, "post:", 5) == 0)
                post_id = strtoll(notice->extra + 5, NULL, 10);
            changed(context, post_id > 0 ? post_id : -1);
            PQfreemem(notice);
        }
    }
}

#define PG_PRIMITIVE(name) .name = pg_##name

static const struct store_engine pg_engine = {
    .name = "postgresql",
    .postgres = true,
    PG_PRIMITIVE(prepare),
    PG_PRIMITIVE(prepare_text),
    PG_PRIMITIVE(bind_int),
    PG_PRIMITIVE(bind_text),
    PG_PRIMITIVE(bind_bool),
    PG_PRIMITIVE(bind_blob),
    PG_PRIMITIVE(step),
    PG_PRIMITIVE(column_int),
    PG_PRIMITIVE(column_text),
    PG_PRIMITIVE(column_peek),
    PG_PRIMITIVE(column_bool),
    PG_PRIMITIVE(column_blob),
    PG_PRIMITIVE(column_null),
    PG_PRIMITIVE(row_count),
    PG_PRIMITIVE(changes),
    PG_PRIMITIVE(insert_id),
    PG_PRIMITIVE(reset),
    .search_query = tsquery,
    PG_PRIMITIVE(begin),
    PG_PRIMITIVE(commit),
    PG_PRIMITIVE(rollback),
    PG_PRIMITIVE(close),
    PG_PRIMITIVE(watch),
};
