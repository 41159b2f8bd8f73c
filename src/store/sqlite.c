/* sqlite.c: the store interface on SQLite (WAL, foreign keys, prepared statements only). */
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_migrations.h"
#include "store/backend.h"
/* SQLite has one writer at a time: a counter column on the post costs nothing more */
#define POST_APPROVED_COMMENTS "p.approved_comments"
#include "store/columns.h"
#include "util/alloc.h"

/* Every statement the store runs, prepared once per connection on first use. */
enum statement_id {
    SQL_BEGIN,
    SQL_COMMIT,
    SQL_ROLLBACK,
    SQL_SETTING_GET,
    SQL_SETTING_SET,
    SQL_USER_INSERT,
    SQL_USER_FIND_LOGIN,
    SQL_TERM_INSERT,
    SQL_TERM_FIND,
    SQL_TERM_GET,
    SQL_POST_TERM_ADD,
    SQL_POST_TERMS,
    SQL_POST_INSERT,
    SQL_POST_GET,
    SQL_POST_FIND_PATH,
    SQL_POST_FIND_SLUG,
    SQL_POST_FIND_WP_ID,
    SQL_POST_ID_TAKEN,
    SQL_POST_SET_STATUS,
    SQL_POST_SET_COMMENTS_OPEN,
    SQL_POST_LIST,
    SQL_POST_COUNT,
    SQL_POST_LIST_PUBLIC,
    SQL_POST_LIST_FRONT,
    SQL_POST_PREVIOUS,
    SQL_POST_NEXT,
    SQL_SEARCH,
    SQL_SEARCH_COUNT,
    SQL_COMMENT_INSERT,
    SQL_COMMENT_ADD,
    SQL_COMMENT_GET,
    SQL_COMMENT_FIND_WP_ID,
    SQL_COMMENT_ID_TAKEN,
    SQL_COMMENT_SET_STATUS,
    SQL_COMMENT_THREAD,
    SQL_COMMENT_THREAD_ANY,
    SQL_COMMENT_LIST,
    SQL_COMMENT_AUTHOR_APPROVED,
    SQL_USER_FIND_EMAIL,
    SQL_SETTING_LIST,
    SQL_USER_LIST,
    SQL_TERM_LIST,
    SQL_POST_TERM_LIST,
    SQL_COUNTS,
    SQL_CLEAR_COMMENTS,
    SQL_CLEAR_POST_TERMS,
    SQL_CLEAR_POSTS,
    SQL_CLEAR_TERMS,
    SQL_CLEAR_USERS,
    SQL_CLEAR_SETTINGS,
    SQL_DEFER_FOREIGN_KEYS,
    SQL_DATA_VERSION,
    SQL_CHANGES_SINCE,
    SQL_CHANGES_LATEST,
    SQL_CLEAR_OUTBOX,
    SQL_MAIL_INSERT,
    SQL_MAIL_DUE,
    SQL_MAIL_CLAIM,
    SQL_MAIL_FINISH,
    SQL_MAIL_RELEASE,
    SQL_MAIL_REQUEUE,
    SQL_MAIL_LIST,
    SQL_MAIL_GET,
    SQL_MAIL_RECENT,
    SQL_USER_GET,
    SQL_USER_UPDATE,
    SQL_SESSION_INSERT,
    SQL_SESSION_FIND,
    SQL_SESSION_DELETE,
    SQL_SESSION_DELETE_USER,
    SQL_SESSION_PURGE,
    SQL_LOGIN_FAILURE_ADD,
    SQL_LOGIN_FAILURES,
    SQL_LOGIN_FAILURES_CLEAR,
    SQL_LOGIN_FAILURE_REMOVE,
    SQL_POST_PASSWORD_FAILURE_ADD,
    SQL_POST_PASSWORD_FAILURES,
    SQL_POST_PASSWORD_FAILURE_REMOVE,
    SQL_AUDIT_INSERT,
    SQL_AUDIT_LIST,
    SQL_POST_UPDATE,
    SQL_POST_TERM_CLEAR,
    SQL_POST_PUBLISH_DUE,
    SQL_REVISION_INSERT,
    SQL_REVISION_TRIM,
    SQL_REVISION_LIST,
    SQL_REVISION_GET,
    SQL_COMMENT_COUNT_IP,
    SQL_COMMENT_COUNTS,
    SQL_COMMENT_UPDATE,
    SQL_COMMENT_DELETE,
    SQL_COMMENT_EDIT_INSERT,
    SQL_COMMENT_EDIT_LIST,
    SQL_CLEAR_SESSIONS,
    SQL_CLEAR_LOGIN_FAILURES,
    SQL_CLEAR_POST_PASSWORD_FAILURES,
    SQL_CLEAR_AUDIT_LOG,
    SQL_CLEAR_POST_REVISIONS,
    SQL_CLEAR_COMMENT_EDITS,
    SQL_STATEMENT_COUNT
};

/* The filters of store_post_filter: ?6 a term (with its descendants), ?7 an author, ?8/?9 a
 * date range, 0 leaving each open; ?10 a substring of the title, any case (NULL: any). instr
 * rather than LIKE, so that % and _ in it are plain characters; lower() folds ASCII only. */
#define TERM_TREE                                                                                  \
    "WITH RECURSIVE tree(id) AS (SELECT ?6 UNION SELECT t.id FROM terms t"                         \
    " JOIN tree ON t.parent_id = tree.id) "
#define POST_FILTER                                                                                \
    "(?1 IS NULL OR p.type = ?1) AND (?2 IS NULL OR p.status = ?2)"                                \
    " AND (?6 = 0 OR p.id IN (SELECT post_id FROM post_terms WHERE term_id IN"                     \
    " (SELECT id FROM tree))) AND (?7 = 0 OR p.author_id = ?7)"                                    \
    " AND (?8 = 0 OR p.published_at >= ?8) AND (?9 = 0 OR p.published_at < ?9)"                    \
    " AND (?10 IS NULL OR instr(lower(p.title), lower(?10)) > 0)"

static const char *const statement_sql[SQL_STATEMENT_COUNT] = {
    [SQL_BEGIN] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
    [SQL_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [SQL_SETTING_SET] = "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [SQL_USER_INSERT] = "INSERT INTO users (id, login, display_name, email, role, disabled,"
                        " password_hash) VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5, ?6, ?7)",
    [SQL_USER_FIND_LOGIN] = "SELECT id, login, display_name, email, role, disabled,"
                            " password_hash FROM users WHERE login = ?1",
    [SQL_TERM_INSERT] = "INSERT INTO terms (id, taxonomy, slug, name, description, parent_id)"
                        " VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5, nullif(?6, 0))",
    [SQL_TERM_FIND] = "SELECT id, taxonomy, slug, name, description, coalesce(parent_id, 0)"
                      " FROM terms WHERE taxonomy = ?1 AND slug = ?2",
    [SQL_TERM_GET] = "SELECT id, taxonomy, slug, name, description, coalesce(parent_id, 0)"
                     " FROM terms WHERE id = ?1",
    [SQL_POST_TERM_ADD] = "INSERT OR IGNORE INTO post_terms (post_id, term_id) VALUES (?1, ?2)",
    [SQL_POST_TERMS] = "SELECT t.id, t.taxonomy, t.slug, t.name, t.description,"
                       " coalesce(t.parent_id, 0) FROM terms t"
                       " JOIN post_terms pt ON pt.term_id = t.id WHERE pt.post_id = ?1"
                       " ORDER BY t.taxonomy, t.name",
    [SQL_POST_INSERT] =
        "INSERT INTO posts (id, wp_id, type, status, slug, path, title, excerpt, body_html,"
        " body_source, password, guid, author_id, published_at, modified_at, comments_open,"
        " sticky, body_text) VALUES (nullif(?1, 0), nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
        " ?10, ?11, ?12, nullif(?13, 0), ?14, ?15, ?16, ?17, ?18)",
    [SQL_POST_GET] = "SELECT " POST_COLUMNS "WHERE p.id = ?1",
    [SQL_POST_FIND_PATH] = "SELECT " POST_COLUMNS "WHERE p.path = ?1",
    [SQL_POST_FIND_SLUG] = "SELECT " POST_COLUMNS "WHERE p.slug = ?1 ORDER BY p.id LIMIT 1",
    [SQL_POST_FIND_WP_ID] = "SELECT " POST_COLUMNS "WHERE p.wp_id = ?1",
    [SQL_POST_ID_TAKEN] = "SELECT 1 FROM posts WHERE id = ?1",
    [SQL_POST_SET_STATUS] = "UPDATE posts SET status = ?2 WHERE id = ?1",
    [SQL_POST_SET_COMMENTS_OPEN] = "UPDATE posts SET comments_open = ?2 WHERE id = ?1",
    /* ?11: newest modified first (the admin's lists), else newest published */
    [SQL_POST_LIST] = TERM_TREE "SELECT " POST_COLUMNS "WHERE " POST_FILTER
                                " ORDER BY CASE WHEN ?3 THEN p.sticky ELSE 0 END DESC,"
                                " CASE WHEN ?11 THEN p.modified_at ELSE p.published_at END DESC,"
                                " p.id DESC LIMIT ?4 OFFSET ?5",
    [SQL_POST_COUNT] = TERM_TREE "SELECT count(*) FROM posts p WHERE " POST_FILTER,
    /* Listings readers see: type and status compared plainly and the dates as a range, so
     * the listing index gives the order and the page without sorting every post. */
    [SQL_POST_LIST_PUBLIC] = TERM_TREE
    "SELECT " POST_COLUMNS "WHERE p.type = ?1 AND p.status = ?2 AND p.published_at >= ?8"
    " AND p.published_at < ?9 AND (?6 = 0 OR p.id IN (SELECT post_id"
    " FROM post_terms WHERE term_id IN (SELECT id FROM tree)))"
    " AND (?7 = 0 OR p.author_id = ?7)"
    " ORDER BY p.published_at DESC, p.id DESC LIMIT ?4 OFFSET ?5",
    [SQL_POST_LIST_FRONT] = "SELECT " POST_COLUMNS "WHERE p.type = ?1 AND p.status = ?2"
                            " ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC"
                            " LIMIT ?4 OFFSET ?5",
    [SQL_POST_PREVIOUS] = "SELECT " POST_COLUMNS "WHERE p.type = 'post' AND p.status = 'publish'"
                          " AND (p.published_at < ?1 OR (p.published_at = ?1 AND p.id < ?2))"
                          " ORDER BY p.published_at DESC, p.id DESC LIMIT 1",
    [SQL_POST_NEXT] = "SELECT " POST_COLUMNS "WHERE p.type = 'post' AND p.status = 'publish'"
                      " AND (p.published_at > ?1 OR (p.published_at = ?1 AND p.id > ?2))"
                      " ORDER BY p.published_at, p.id LIMIT 1",
    [SQL_SEARCH] = "SELECT " POST_FIELDS ", snippet(posts_fts, 2, char(1), char(2), '…', 24)"
                   " FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid"
                   " LEFT JOIN users u ON u.id = p.author_id"
                   " WHERE posts_fts MATCH ?1 AND p.status = 'publish' AND p.password = ''"
                   " ORDER BY bm25(posts_fts, 10.0, 4.0, 1.0), p.published_at DESC"
                   " LIMIT ?2 OFFSET ?3",
    [SQL_SEARCH_COUNT] = "SELECT count(*) FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid"
                         " WHERE posts_fts MATCH ?1 AND p.status = 'publish'"
                         " AND p.password = ''",
    [SQL_COMMENT_INSERT] =
        "INSERT INTO comments (id, post_id, parent_id, wp_id, depth, author, email, url, ip,"
        " user_agent, body_html, body_source, status, type, held_by, created_at, path)"
        " VALUES (nullif(?1, 0), ?2, nullif(?3, 0), nullif(?4, 0), ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    /* the next id as SQLite picks it for an INTEGER PRIMARY KEY (the largest plus one), known
     * in the statement so that the path goes in with the row: no second write (store.h) */
    [SQL_COMMENT_ADD] =
        "INSERT INTO comments (id, post_id, parent_id, wp_id, depth, author, email, url, ip,"
        " user_agent, body_html, body_source, status, type, held_by, created_at, path)"
        " SELECT n.id, ?2, nullif(?3, 0), nullif(?4, 0), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16, ?17 || printf('%08x%08x', max(?16, 0) & 4294967295, n.id & 4294967295)"
        " FROM (SELECT coalesce(max(id), 0) + 1 AS id FROM comments) n",
    [SQL_COMMENT_GET] = "SELECT " COMMENT_COLUMNS "WHERE id = ?1",
    [SQL_COMMENT_FIND_WP_ID] = "SELECT " COMMENT_COLUMNS "WHERE post_id = ?1 AND wp_id = ?2",
    [SQL_COMMENT_ID_TAKEN] = "SELECT 1 FROM comments WHERE id = ?1",
    [SQL_COMMENT_SET_STATUS] = "UPDATE comments SET status = ?2 WHERE id = ?1",
    /* one status: the index (post_id, type, status, path) gives the order, no sorting */
    [SQL_COMMENT_THREAD] = "SELECT " COMMENT_SHOWN_COLUMNS
                           "WHERE post_id = ?1 AND type = 'comment' AND status = ?2 ORDER BY path",
    [SQL_COMMENT_THREAD_ANY] =
        "SELECT " COMMENT_SHOWN_COLUMNS "WHERE post_id = ?1 AND type = 'comment' ORDER BY path",
    [SQL_COMMENT_LIST] =
        "SELECT " COMMENT_COLUMNS "WHERE (?1 IS NULL OR status = ?1) AND (?2 = 0 OR post_id = ?2)"
        " AND (?4 IS NULL OR type = ?4)"
        " AND (?5 = 0 OR post_id IN (SELECT id FROM posts WHERE status = 'publish'"
        " AND password = ''))"
        " AND (?6 = 0 OR post_id IN (SELECT id FROM posts WHERE author_id = ?6))"
        " ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?7",
    /* lower(email) and the status as the index comments_approved_author has them */
    [SQL_COMMENT_AUTHOR_APPROVED] = "SELECT 1 FROM comments WHERE lower(email) = lower(?2)"
                                    " AND author = ?1 AND status = 'approved' LIMIT 1",
    [SQL_USER_FIND_EMAIL] = "SELECT id, login, display_name, email, role, disabled, password_hash"
                            " FROM users WHERE email <> '' AND lower(email) = lower(?1)"
                            " ORDER BY id LIMIT 1",
    [SQL_SETTING_LIST] = "SELECT key, value FROM settings ORDER BY key",
    [SQL_USER_LIST] = "SELECT id, login, display_name, email, role, disabled, password_hash"
                      " FROM users ORDER BY id",
    [SQL_TERM_LIST] = "SELECT id, taxonomy, slug, name, description, coalesce(parent_id, 0)"
                      " FROM terms ORDER BY id",
    [SQL_POST_TERM_LIST] = "SELECT post_id, term_id FROM post_terms ORDER BY post_id, term_id",
    [SQL_COUNTS] = "SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM users),"
                   " (SELECT count(*) FROM terms), (SELECT count(*) FROM posts),"
                   " (SELECT count(*) FROM post_terms), (SELECT count(*) FROM comments)",
    [SQL_CLEAR_COMMENTS] = "DELETE FROM comments",
    [SQL_CLEAR_POST_TERMS] = "DELETE FROM post_terms",
    [SQL_CLEAR_POSTS] = "DELETE FROM posts",
    [SQL_CLEAR_TERMS] = "DELETE FROM terms",
    [SQL_CLEAR_USERS] = "DELETE FROM users",
    [SQL_CLEAR_SETTINGS] = "DELETE FROM settings",
    [SQL_DEFER_FOREIGN_KEYS] = "PRAGMA defer_foreign_keys = ON",
    [SQL_DATA_VERSION] = "PRAGMA data_version",
    [SQL_CHANGES_SINCE] = "SELECT post_id, version FROM changes WHERE version > ?1",
    [SQL_CHANGES_LATEST] = "SELECT coalesce(max(version), 0) FROM changes",
    [SQL_CLEAR_OUTBOX] = "DELETE FROM outbox",
    [SQL_MAIL_INSERT] = "INSERT INTO outbox (post_id, created_at, status, sender, recipient,"
                        " client_ip, message, attempts, next_attempt_at)"
                        " VALUES (nullif(?1, 0), ?2, 'queued', ?3, ?4, ?5, ?6, 0, ?7)",
    [SQL_MAIL_DUE] = "SELECT " MAIL_COLUMNS "WHERE status = 'queued' AND next_attempt_at <= ?1"
                     " ORDER BY next_attempt_at, id LIMIT ?2",
    [SQL_MAIL_CLAIM] = "UPDATE outbox SET status = 'sending', claimed_at = ?2"
                       " WHERE id = ?1 AND status = 'queued'",
    [SQL_MAIL_FINISH] = "UPDATE outbox SET status = ?2, attempts = ?3, next_attempt_at = ?4,"
                        " sent_at = ?5, last_error = ?6, claimed_at = 0 WHERE id = ?1",
    [SQL_MAIL_RELEASE] = "UPDATE outbox SET status = 'queued', claimed_at = 0"
                         " WHERE status = 'sending' AND claimed_at < ?1",
    [SQL_MAIL_REQUEUE] = "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, claimed_at = 0"
                         " WHERE id = ?1 AND status IN ('queued', 'sending', 'failed')",
    [SQL_MAIL_LIST] = "SELECT " MAIL_COLUMNS "ORDER BY id DESC",
    [SQL_MAIL_GET] = "SELECT " MAIL_COLUMNS "WHERE id = ?1",
    [SQL_MAIL_RECENT] = "SELECT (SELECT count(*) FROM outbox WHERE client_ip = ?1"
                        " AND created_at >= ?3), (SELECT count(*) FROM outbox"
                        " WHERE recipient = ?2 AND created_at >= ?3)",
    [SQL_USER_GET] = "SELECT id, login, display_name, email, role, disabled, password_hash"
                     " FROM users WHERE id = ?1",
    [SQL_USER_UPDATE] = "UPDATE users SET display_name = ?2, email = ?3, role = ?4,"
                        " disabled = ?5, password_hash = ?6 WHERE id = ?1",
    [SQL_SESSION_INSERT] = "INSERT INTO sessions (token_hash, user_id, csrf, created_at,"
                           " expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQL_SESSION_FIND] = "SELECT " SESSION_COLUMNS "WHERE s.token_hash = ?1 AND s.expires_at > ?2"
                         " AND NOT u.disabled",
    [SQL_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
    [SQL_SESSION_DELETE_USER] = "DELETE FROM sessions WHERE user_id = ?1",
    [SQL_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at <= ?1",
    [SQL_LOGIN_FAILURE_ADD] = "INSERT INTO login_failures (ip, login, at) VALUES (?1, ?2, ?3)",
    [SQL_LOGIN_FAILURES] = "SELECT (SELECT count(*) FROM login_failures WHERE ip = ?1"
                           " AND at >= ?3), (SELECT count(*) FROM login_failures"
                           " WHERE login = ?2 AND at >= ?3)",
    [SQL_LOGIN_FAILURES_CLEAR] = "DELETE FROM login_failures WHERE login = ?1",
    [SQL_LOGIN_FAILURE_REMOVE] = "DELETE FROM login_failures WHERE id = (SELECT id FROM"
                                 " login_failures WHERE ip = ?1 AND login = ?2 AND at = ?3"
                                 " LIMIT 1)",
    [SQL_POST_PASSWORD_FAILURE_ADD] = "INSERT INTO post_password_failures (ip, post_id, at)"
                                      " VALUES (?1, ?2, ?3)",
    [SQL_POST_PASSWORD_FAILURES] = "SELECT count(*) FROM post_password_failures"
                                   " WHERE ip = ?1 AND post_id = ?2 AND at >= ?3",
    [SQL_POST_PASSWORD_FAILURE_REMOVE] = "DELETE FROM post_password_failures WHERE id = (SELECT id"
                                         " FROM post_password_failures WHERE ip = ?1"
                                         " AND post_id = ?2 AND at = ?3 LIMIT 1)",
    [SQL_AUDIT_INSERT] = "INSERT INTO audit_log (user_id, at, action, target, detail)"
                         " VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5)",
    [SQL_AUDIT_LIST] = "SELECT " AUDIT_COLUMNS "ORDER BY l.at DESC, l.id DESC LIMIT ?1 OFFSET ?2",
    /* body_text with the rest: the FTS5 update trigger re-indexes title, excerpt and it */
    [SQL_POST_UPDATE] = "UPDATE posts SET status = ?2, slug = ?3, path = ?4, title = ?5,"
                        " excerpt = ?6, body_html = ?7, body_source = ?8, password = ?9,"
                        " author_id = nullif(?10, 0), published_at = ?11, modified_at = ?12,"
                        " comments_open = ?13, sticky = ?14, body_text = ?15 WHERE id = ?1",
    [SQL_POST_TERM_CLEAR] = "DELETE FROM post_terms WHERE post_id = ?1",
    [SQL_POST_PUBLISH_DUE] = "UPDATE posts SET status = 'publish' WHERE status = 'future'"
                             " AND published_at <= ?1",
    [SQL_REVISION_INSERT] = "INSERT INTO post_revisions (post_id, user_id, saved_at, title, slug,"
                            " excerpt, body_source, body_html)"
                            " VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8)",
    [SQL_REVISION_TRIM] = "DELETE FROM post_revisions WHERE post_id = ?1 AND id NOT IN"
                          " (SELECT id FROM post_revisions WHERE post_id = ?1"
                          " ORDER BY saved_at DESC, id DESC LIMIT ?2)",
    [SQL_REVISION_LIST] = "SELECT " REVISION_COLUMNS "WHERE r.post_id = ?1"
                          " ORDER BY r.saved_at DESC, r.id DESC",
    [SQL_REVISION_GET] = "SELECT " REVISION_COLUMNS "WHERE r.id = ?1",
    [SQL_COMMENT_COUNT_IP] = "SELECT count(*) FROM comments WHERE ip = ?1 AND created_at >= ?2",
    [SQL_COMMENT_COUNTS] =
        "SELECT count(CASE WHEN status = 'pending' THEN 1 END),"
        " count(CASE WHEN status = 'approved' THEN 1 END),"
        " count(CASE WHEN status = 'spam' THEN 1 END), count(CASE WHEN status = 'trash' THEN 1 END)"
        " FROM comments WHERE type = 'comment'"
        " AND (?1 = 0 OR post_id IN (SELECT id FROM posts WHERE author_id = ?1))",
    [SQL_COMMENT_UPDATE] = "UPDATE comments SET author = ?2, email = ?3, url = ?4,"
                           " body_source = ?5, body_html = ?6 WHERE id = ?1",
    /* a comment with replies stays: deleting it would orphan them */
    [SQL_COMMENT_DELETE] = "DELETE FROM comments WHERE id = ?1"
                           " AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = ?1)",
    [SQL_COMMENT_EDIT_INSERT] = "INSERT INTO comment_edits (comment_id, user_id, edited_at, author,"
                                " email, url, body_source, body_html)"
                                " VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8)",
    [SQL_COMMENT_EDIT_LIST] = "SELECT " COMMENT_EDIT_COLUMNS "WHERE e.comment_id = ?1"
                              " ORDER BY e.edited_at DESC, e.id DESC",
    [SQL_CLEAR_SESSIONS] = "DELETE FROM sessions",
    [SQL_CLEAR_LOGIN_FAILURES] = "DELETE FROM login_failures",
    [SQL_CLEAR_POST_PASSWORD_FAILURES] = "DELETE FROM post_password_failures",
    [SQL_CLEAR_AUDIT_LOG] = "DELETE FROM audit_log",
    [SQL_CLEAR_POST_REVISIONS] = "DELETE FROM post_revisions",
    [SQL_CLEAR_COMMENT_EDITS] = "DELETE FROM comment_edits",
};

struct sqlite_store {
    struct store base;                             /* first: a store * points here */
    sqlite3 *db;                                   /* the connection, owned */
    sqlite3_stmt *statements[SQL_STATEMENT_COUNT]; /* prepared lazily, owned */
    bool writing;                                  /* holds writer_turn */
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

#define DB(s) (((struct sqlite_store *)(s))->db)

static int fail(store *s, const char *what)
{
    return store_fail(s, "%s: %s", what, sqlite3_errmsg(DB(s)));
}

/* Returns the statement, reset and with bindings cleared, or NULL (error set). */
static sqlite3_stmt *statement(store *s, enum statement_id id)
{
    sqlite3_stmt **slot = &((struct sqlite_store *)s)->statements[id];
    sqlite3_stmt *st = *slot;
    if (!st) {
        if (sqlite3_prepare_v3(DB(s), statement_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st,
                               NULL) != SQLITE_OK) {
            fail(s, "prepare");
            return NULL;
        }
        *slot = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void bind_text(sqlite3_stmt *st, int index, const char *text)
{
    if (text)
        sqlite3_bind_text(st, index, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, index);
}

static const char *column_text(sqlite3_stmt *st, arena *a, int column)
{
    const unsigned char *text = sqlite3_column_text(st, column);
    size_t len = (size_t)sqlite3_column_bytes(st, column);
    /* empty columns are common (a comment's URL, user agent, moderation reason): no copy */
    return len ? arena_strndup(a, (const char *)text, len) : "";
}

/* Runs a statement that returns no rows. */
static int run(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, what);
}

static int run_insert(store *s, sqlite3_stmt *st, const char *what, long long *id)
{
    int rc = run(s, st, what);
    if (rc == STORE_OK && id)
        *id = sqlite3_last_insert_rowid(DB(s));
    return rc;
}

/* Steps a statement expected to return at most one row: STORE_OK with the row current,
 * STORE_NOT_FOUND, or STORE_ERROR. */
static int step_one(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_NOT_FOUND : fail(s, what);
}

static int exists(store *s, enum statement_id id, long long key, bool *found)
{
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, key);
    int rc = step_one(s, st, "exists");
    sqlite3_reset(st);
    if (rc == STORE_ERROR)
        return rc;
    *found = rc == STORE_OK;
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

static const struct store_backend sqlite_backend;
static void sqlite_close(store *s);

store *sqlite_store_open(const char *location, buf *error)
{
    struct sqlite_store *q = xcalloc(1, sizeof(*q));
    store *s = &q->base;
    s->backend = &sqlite_backend;
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
    for (int i = 0; i < SQL_STATEMENT_COUNT; i++)
        sqlite3_finalize(q->statements[i]);
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
    sqlite3_stmt *st = statement(s, SQL_BEGIN);
    int rc = st ? run(s, st, "begin") : STORE_ERROR;
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
        sqlite3_stmt *st = statement(s, SQL_ROLLBACK);
        if (st)
            run(s, st, "rollback");
    }
    end_turn(s);
    end_bulk(s);
}

static int sqlite_commit(store *s)
{
    sqlite3_stmt *st = statement(s, SQL_COMMIT);
    if (!st || run(s, st, "commit") != STORE_OK) {
        sqlite_rollback(s);
        return STORE_ERROR;
    }
    end_turn(s);
    end_bulk(s);
    return STORE_OK;
}

static int sqlite_setting_get(store *s, arena *a, const char *key, const char **value)
{
    sqlite3_stmt *st = statement(s, SQL_SETTING_GET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    int rc = step_one(s, st, "read setting");
    if (rc == STORE_OK)
        *value = column_text(st, a, 0);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_setting_set(store *s, const char *key, const char *value)
{
    sqlite3_stmt *st = statement(s, SQL_SETTING_SET);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    return run(s, st, "write setting");
}

static int sqlite_user_insert(store *s, const struct store_user *user, long long *id)
{
    sqlite3_stmt *st = statement(s, SQL_USER_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, user->id);
    bind_text(st, 2, user->login);
    bind_text(st, 3, user->display_name);
    bind_text(st, 4, user->email ? user->email : "");
    bind_text(st, 5, user->role);
    sqlite3_bind_int(st, 6, user->disabled);
    bind_text(st, 7, user->password_hash ? user->password_hash : "");
    return run_insert(s, st, "insert user", id);
}

static void read_user(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_user *out = record;
    out->id = sqlite3_column_int64(st, 0);
    out->login = column_text(st, a, 1);
    out->display_name = column_text(st, a, 2);
    out->email = column_text(st, a, 3);
    out->role = column_text(st, a, 4);
    out->disabled = sqlite3_column_int(st, 5) != 0;
    out->password_hash = column_text(st, a, 6);
}

static int sqlite_user_find_login(store *s, arena *a, const char *login, struct store_user *out)
{
    sqlite3_stmt *st = statement(s, SQL_USER_FIND_LOGIN);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, login);
    int rc = step_one(s, st, "find user");
    if (rc == STORE_OK)
        read_user(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_user_find_email(store *s, arena *a, const char *email, struct store_user *out)
{
    sqlite3_stmt *st = statement(s, SQL_USER_FIND_EMAIL);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, email);
    int rc = step_one(s, st, "find user by email");
    if (rc == STORE_OK)
        read_user(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_user_get(store *s, arena *a, long long id, struct store_user *out)
{
    sqlite3_stmt *st = statement(s, SQL_USER_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_one(s, st, "get user");
    if (rc == STORE_OK)
        read_user(st, a, out);
    sqlite3_reset(st);
    return rc;
}

/* Runs a statement whose only row change tells whether its row existed: STORE_NOT_FOUND when
 * none changed. */
static int run_changing(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = run(s, st, what);
    if (rc == STORE_OK && sqlite3_changes(DB(s)) == 0)
        return STORE_NOT_FOUND;
    return rc;
}

static int sqlite_user_update(store *s, const struct store_user *user)
{
    sqlite3_stmt *st = statement(s, SQL_USER_UPDATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, user->id);
    bind_text(st, 2, user->display_name);
    bind_text(st, 3, user->email ? user->email : "");
    bind_text(st, 4, user->role);
    sqlite3_bind_int(st, 5, user->disabled);
    bind_text(st, 6, user->password_hash ? user->password_hash : "");
    return run_changing(s, st, "update user");
}

static void read_term(sqlite3_stmt *st, arena *a, struct store_term *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->taxonomy = column_text(st, a, 1);
    out->slug = column_text(st, a, 2);
    out->name = column_text(st, a, 3);
    out->description = column_text(st, a, 4);
    out->parent_id = sqlite3_column_int64(st, 5);
}

static int sqlite_term_insert(store *s, const struct store_term *term, long long *id)
{
    sqlite3_stmt *st = statement(s, SQL_TERM_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, term->id);
    bind_text(st, 2, term->taxonomy);
    bind_text(st, 3, term->slug);
    bind_text(st, 4, term->name);
    bind_text(st, 5, term->description ? term->description : "");
    sqlite3_bind_int64(st, 6, term->parent_id);
    return run_insert(s, st, "insert term", id);
}

static int sqlite_term_find(store *s, arena *a, const char *taxonomy, const char *slug,
                            struct store_term *out)
{
    sqlite3_stmt *st = statement(s, SQL_TERM_FIND);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, taxonomy);
    bind_text(st, 2, slug);
    int rc = step_one(s, st, "find term");
    if (rc == STORE_OK)
        read_term(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_term_get(store *s, arena *a, long long id, struct store_term *out)
{
    sqlite3_stmt *st = statement(s, SQL_TERM_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_one(s, st, "get term");
    if (rc == STORE_OK)
        read_term(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_post_term_add(store *s, long long post_id, long long term_id)
{
    sqlite3_stmt *st = statement(s, SQL_POST_TERM_ADD);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post_id);
    sqlite3_bind_int64(st, 2, term_id);
    return run(s, st, "link term");
}

/* Collects every row of a statement into an arena array, `read` filling one record. */
typedef void (*row_reader)(sqlite3_stmt *st, arena *a, void *record);

static int collect(store *s, sqlite3_stmt *st, arena *a, size_t record_size, row_reader read,
                   void **records, size_t *count, const char *what)
{
    size_t capacity = 16, n = 0;
    /* zeroed record by record, not array by array: a thread of 1,000 comments zeroed 280 KB */
    char *array = arena_take(a, capacity * record_size);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == capacity) {
            char *bigger = arena_take(a, 2 * capacity * record_size);
            memcpy(bigger, array, n * record_size);
            array = bigger;
            capacity *= 2;
        }
        memset(array + n * record_size, 0, record_size);
        read(st, a, array + n * record_size);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail(s, what);
    *records = array;
    *count = n;
    return STORE_OK;
}

static void read_term_row(sqlite3_stmt *st, arena *a, void *record)
{
    read_term(st, a, record);
}

static int sqlite_post_terms(store *s, arena *a, long long post_id, struct store_term **terms,
                             size_t *count)
{
    sqlite3_stmt *st = statement(s, SQL_POST_TERMS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post_id);
    return collect(s, st, a, sizeof(**terms), read_term_row, (void **)terms, count, "post terms");
}

static void read_post(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_post *p = record;
    p->id = sqlite3_column_int64(st, 0);
    p->wp_id = sqlite3_column_int64(st, 1);
    p->type = column_text(st, a, 2);
    p->status = column_text(st, a, 3);
    p->slug = column_text(st, a, 4);
    p->path = column_text(st, a, 5);
    p->title = column_text(st, a, 6);
    p->excerpt = column_text(st, a, 7);
    p->body_html = column_text(st, a, 8);
    p->body_source = column_text(st, a, 9);
    p->password = column_text(st, a, 10);
    p->guid = column_text(st, a, 11);
    p->author_id = sqlite3_column_int64(st, 12);
    p->published_at = sqlite3_column_int64(st, 13);
    p->modified_at = sqlite3_column_int64(st, 14);
    p->comments_open = sqlite3_column_int(st, 15) != 0;
    p->sticky = sqlite3_column_int(st, 16) != 0;
    p->author_login = column_text(st, a, 17);
    p->author_name = column_text(st, a, 18);
    p->approved_comments = sqlite3_column_int64(st, 19);
    p->body_text = column_text(st, a, 20);
}

static int sqlite_post_insert(store *s, const struct store_post *post, long long *id)
{
    sqlite3_stmt *st = statement(s, SQL_POST_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post->id);
    sqlite3_bind_int64(st, 2, post->wp_id);
    bind_text(st, 3, post->type);
    bind_text(st, 4, post->status);
    bind_text(st, 5, post->slug);
    bind_text(st, 6, post->path);
    bind_text(st, 7, post->title);
    bind_text(st, 8, post->excerpt ? post->excerpt : "");
    bind_text(st, 9, post->body_html);
    bind_text(st, 10, post->body_source ? post->body_source : "");
    bind_text(st, 11, post->password ? post->password : "");
    bind_text(st, 12, post->guid ? post->guid : "");
    sqlite3_bind_int64(st, 13, post->author_id);
    sqlite3_bind_int64(st, 14, post->published_at);
    sqlite3_bind_int64(st, 15, post->modified_at);
    sqlite3_bind_int(st, 16, post->comments_open);
    sqlite3_bind_int(st, 17, post->sticky);
    bind_text(st, 18, post->body_text ? post->body_text : "");
    return run_insert(s, st, "insert post", id);
}

static int find_post(store *s, arena *a, enum statement_id id, const char *text, long long number,
                     struct store_post *out)
{
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    if (text)
        bind_text(st, 1, text);
    else
        sqlite3_bind_int64(st, 1, number);
    int rc = step_one(s, st, "find post");
    if (rc == STORE_OK)
        read_post(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_post_get(store *s, arena *a, long long id, struct store_post *out)
{
    return find_post(s, a, SQL_POST_GET, NULL, id, out);
}

static int sqlite_post_find_path(store *s, arena *a, const char *path, struct store_post *out)
{
    return find_post(s, a, SQL_POST_FIND_PATH, path, 0, out);
}

static int sqlite_post_find_slug(store *s, arena *a, const char *slug, struct store_post *out)
{
    return find_post(s, a, SQL_POST_FIND_SLUG, slug, 0, out);
}

static int sqlite_post_find_wp_id(store *s, arena *a, long long wp_id, struct store_post *out)
{
    return find_post(s, a, SQL_POST_FIND_WP_ID, NULL, wp_id, out);
}

static int sqlite_post_id_taken(store *s, long long id, bool *taken)
{
    return exists(s, SQL_POST_ID_TAKEN, id, taken);
}

static int update_by_id(store *s, enum statement_id id, long long key, const char *text,
                        long long number, const char *what)
{
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, key);
    if (text)
        bind_text(st, 2, text);
    else
        sqlite3_bind_int64(st, 2, number);
    int rc = run(s, st, what);
    if (rc == STORE_OK && sqlite3_changes(DB(s)) == 0)
        return STORE_NOT_FOUND;
    return rc;
}

static int sqlite_post_set_status(store *s, long long id, const char *status)
{
    return update_by_id(s, SQL_POST_SET_STATUS, id, status, 0, "set post status");
}

static int sqlite_post_set_comments_open(store *s, long long id, bool open)
{
    return update_by_id(s, SQL_POST_SET_COMMENTS_OPEN, id, NULL, open, "set comment status");
}

static int sqlite_post_update(store *s, const struct store_post *post)
{
    sqlite3_stmt *st = statement(s, SQL_POST_UPDATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post->id);
    bind_text(st, 2, post->status);
    bind_text(st, 3, post->slug);
    bind_text(st, 4, post->path);
    bind_text(st, 5, post->title);
    bind_text(st, 6, post->excerpt ? post->excerpt : "");
    bind_text(st, 7, post->body_html);
    bind_text(st, 8, post->body_source ? post->body_source : "");
    bind_text(st, 9, post->password ? post->password : "");
    sqlite3_bind_int64(st, 10, post->author_id);
    sqlite3_bind_int64(st, 11, post->published_at);
    sqlite3_bind_int64(st, 12, post->modified_at);
    sqlite3_bind_int(st, 13, post->comments_open);
    sqlite3_bind_int(st, 14, post->sticky);
    bind_text(st, 15, post->body_text ? post->body_text : "");
    return run_changing(s, st, "update post");
}

/* Runs a statement of one integer parameter that returns no rows. */
static int run_with_key(store *s, enum statement_id id, long long key, const char *what)
{
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, key);
    return run(s, st, what);
}

static int sqlite_post_term_clear(store *s, long long post_id)
{
    return run_with_key(s, SQL_POST_TERM_CLEAR, post_id, "unlink terms");
}

static int sqlite_post_publish_due(store *s, long long now, long long *published)
{
    *published = 0;
    int rc = run_with_key(s, SQL_POST_PUBLISH_DUE, now, "publish due posts");
    if (rc == STORE_OK)
        *published = sqlite3_changes(DB(s));
    return rc;
}

/* A filter only the admin uses (a title substring, modified order), which the listings
 * readers see (the index-ordered statements) do not know. */
static bool admin_listing(const struct store_post_filter *filter)
{
    return filter->by_modified || (filter->title_contains && filter->title_contains[0]);
}

static void bind_post_filter(sqlite3_stmt *st, const struct store_post_filter *filter)
{
    bind_text(st, 1, filter->type);
    bind_text(st, 2, filter->status);
    sqlite3_bind_int64(st, 6, filter->term_id);
    sqlite3_bind_int64(st, 7, filter->author_id);
    sqlite3_bind_int64(st, 8, filter->from);
    sqlite3_bind_int64(st, 9, filter->until);
    if (filter->title_contains && filter->title_contains[0])
        bind_text(st, 10, filter->title_contains);
}

static int sqlite_post_list(store *s, arena *a, const struct store_post_filter *filter,
                            struct store_post **posts, size_t *count)
{
    bool public_listing = filter->type && filter->status && !admin_listing(filter);
    enum statement_id id = !public_listing                 ? SQL_POST_LIST
                           : store_filter_is_front(filter) ? SQL_POST_LIST_FRONT
                                                           : SQL_POST_LIST_PUBLIC;
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    bind_post_filter(st, filter);
    if (public_listing)
        sqlite3_bind_int64(st, 9, filter->until ? filter->until : LLONG_MAX);
    sqlite3_bind_int(st, 3, 0); /* the generic statement never puts sticky posts first */
    sqlite3_bind_int(st, 11, filter->by_modified);
    sqlite3_bind_int(st, 4, filter->limit > 0 ? filter->limit : -1);
    sqlite3_bind_int(st, 5, filter->offset);
    return collect(s, st, a, sizeof(**posts), read_post, (void **)posts, count, "list posts");
}

static int sqlite_post_count(store *s, const struct store_post_filter *filter, long long *count)
{
    sqlite3_stmt *st = statement(s, SQL_POST_COUNT);
    if (!st)
        return STORE_ERROR;
    bind_post_filter(st, filter);
    int rc = step_one(s, st, "count posts");
    if (rc == STORE_OK)
        *count = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == STORE_ERROR ? rc : STORE_OK;
}

static int adjacent(store *s, arena *a, enum statement_id id, const struct store_post *post,
                    struct store_post *out)
{
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post->published_at);
    sqlite3_bind_int64(st, 2, post->id);
    int rc = step_one(s, st, "adjacent post");
    memset(out, 0, sizeof(*out));
    if (rc == STORE_OK)
        read_post(st, a, out);
    sqlite3_reset(st);
    return rc == STORE_ERROR ? rc : STORE_OK;
}

static int sqlite_post_adjacent(store *s, arena *a, const struct store_post *post,
                                struct store_post *previous, struct store_post *next)
{
    if (adjacent(s, a, SQL_POST_PREVIOUS, post, previous) != STORE_OK)
        return STORE_ERROR;
    return adjacent(s, a, SQL_POST_NEXT, post, next);
}

/* FTS5 syntax for the groups: "w1 w2" for a phrase, a trailing * for a prefix; groups ANDed.
 * Words hold no quotes (the parser keeps letters and digits only). */
static char *fts5_query(arena *a, const struct store_search_group *groups, size_t count)
{
    buf q = {0};
    for (size_t i = 0; i < count; i++) {
        buf_puts(&q, i ? " \"" : "\"");
        for (size_t w = 0; w < groups[i].word_count; w++)
            buf_printf(&q, "%s%s", w ? " " : "", groups[i].words[w]);
        buf_puts(&q, groups[i].prefix ? "\"*" : "\"");
    }
    char *text = arena_strndup(a, buf_cstr(&q), q.len);
    buf_free(&q);
    return text;
}

static void read_search_hit(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_search_hit *hit = record;
    read_post(st, a, &hit->post);
    hit->snippet = column_text(st, a, 21);
}

static int sqlite_search(store *s, arena *a, const struct store_search_group *groups,
                         size_t group_count, int limit, int offset, struct store_search_hit **hits,
                         size_t *count, long long *total)
{
    const char *query = fts5_query(a, groups, group_count);
    sqlite3_stmt *st = statement(s, SQL_SEARCH_COUNT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, query);
    int rc = step_one(s, st, "count search results");
    *total = rc == STORE_OK ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc == STORE_ERROR)
        return rc;
    st = statement(s, SQL_SEARCH);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, query);
    sqlite3_bind_int(st, 2, limit);
    sqlite3_bind_int(st, 3, offset);
    return collect(s, st, a, sizeof(**hits), read_search_hit, (void **)hits, count, "search");
}

static void read_comment(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_comment *c = record;
    c->id = sqlite3_column_int64(st, 0);
    c->post_id = sqlite3_column_int64(st, 1);
    c->parent_id = sqlite3_column_int64(st, 2);
    c->wp_id = sqlite3_column_int64(st, 3);
    c->path = column_text(st, a, 4);
    c->depth = sqlite3_column_int(st, 5);
    c->author = column_text(st, a, 6);
    c->email = column_text(st, a, 7);
    c->url = column_text(st, a, 8);
    c->ip = column_text(st, a, 9);
    c->user_agent = column_text(st, a, 10);
    c->body_html = column_text(st, a, 11);
    c->body_source = column_text(st, a, 12);
    c->status = column_text(st, a, 13);
    c->type = column_text(st, a, 14);
    c->held_by = column_text(st, a, 15);
    c->created_at = sqlite3_column_int64(st, 16);
}

static void read_shown_comment(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_comment *c = record;
    *c = COMMENT_SHOWN_REST;
    c->id = sqlite3_column_int64(st, 0);
    c->post_id = sqlite3_column_int64(st, 1);
    c->parent_id = sqlite3_column_int64(st, 2);
    c->depth = sqlite3_column_int(st, 3);
    c->author = column_text(st, a, 4);
    c->url = column_text(st, a, 5);
    c->body_html = column_text(st, a, 6);
    c->status = column_text(st, a, 7);
    c->created_at = sqlite3_column_int64(st, 8);
}

/* Binds ?1-?16 of SQL_COMMENT_INSERT and SQL_COMMENT_ADD (?17 is the path: the caller's). */
static void bind_comment(sqlite3_stmt *st, const struct store_comment *c)
{
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int64(st, 2, c->post_id);
    sqlite3_bind_int64(st, 3, c->parent_id);
    sqlite3_bind_int64(st, 4, c->wp_id);
    sqlite3_bind_int(st, 5, c->depth);
    bind_text(st, 6, c->author);
    bind_text(st, 7, c->email);
    bind_text(st, 8, c->url ? c->url : "");
    bind_text(st, 9, c->ip ? c->ip : "");
    bind_text(st, 10, c->user_agent ? c->user_agent : "");
    bind_text(st, 11, c->body_html);
    bind_text(st, 12, c->body_source ? c->body_source : "");
    bind_text(st, 13, c->status);
    bind_text(st, 14, c->type ? c->type : "comment");
    bind_text(st, 15, c->held_by ? c->held_by : "");
    sqlite3_bind_int64(st, 16, c->created_at);
}

static int sqlite_comment_insert(store *s, const struct store_comment *c, long long *id)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_comment(st, c);
    bind_text(st, 17, c->path ? c->path : "");
    return run_insert(s, st, "insert comment", id);
}

static int sqlite_comment_add(store *s, const struct store_comment *c, const char *parent_path,
                              long long *id)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_ADD);
    if (!st)
        return STORE_ERROR;
    bind_comment(st, c);
    bind_text(st, 17, parent_path ? parent_path : "");
    return run_insert(s, st, "add comment", id);
}

static int find_comment(store *s, arena *a, enum statement_id id, long long key1, long long key2,
                        struct store_comment *out)
{
    sqlite3_stmt *st = statement(s, id);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, key1);
    if (key2)
        sqlite3_bind_int64(st, 2, key2);
    int rc = step_one(s, st, "find comment");
    if (rc == STORE_OK)
        read_comment(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_comment_get(store *s, arena *a, long long id, struct store_comment *out)
{
    return find_comment(s, a, SQL_COMMENT_GET, id, 0, out);
}

static int sqlite_comment_find_wp_id(store *s, arena *a, long long post_id, long long wp_id,
                                     struct store_comment *out)
{
    return find_comment(s, a, SQL_COMMENT_FIND_WP_ID, post_id, wp_id, out);
}

static int sqlite_comment_id_taken(store *s, long long id, bool *taken)
{
    return exists(s, SQL_COMMENT_ID_TAKEN, id, taken);
}

static int sqlite_comment_set_status(store *s, long long id, const char *status)
{
    return update_by_id(s, SQL_COMMENT_SET_STATUS, id, status, 0, "set comment status");
}

static int sqlite_comment_thread(store *s, arena *a, long long post_id, const char *status,
                                 struct store_comment **comments, size_t *count)
{
    sqlite3_stmt *st = statement(s, status ? SQL_COMMENT_THREAD : SQL_COMMENT_THREAD_ANY);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post_id);
    if (status)
        bind_text(st, 2, status);
    return collect(s, st, a, sizeof(**comments), read_shown_comment, (void **)comments, count,
                   "comment thread");
}

static int sqlite_comment_list(store *s, arena *a, const struct store_comment_filter *filter,
                               struct store_comment **comments, size_t *count)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_LIST);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, filter->status);
    sqlite3_bind_int64(st, 2, filter->post_id);
    sqlite3_bind_int(st, 3, filter->limit > 0 ? filter->limit : -1);
    bind_text(st, 4, filter->type);
    sqlite3_bind_int(st, 5, filter->public_posts);
    sqlite3_bind_int64(st, 6, filter->post_author_id);
    sqlite3_bind_int(st, 7, filter->offset);
    return collect(s, st, a, sizeof(**comments), read_comment, (void **)comments, count,
                   "list comments");
}

static int sqlite_comment_author_approved(store *s, const char *author, const char *email,
                                          bool *has_approved)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_AUTHOR_APPROVED);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, author);
    bind_text(st, 2, email);
    int rc = step_one(s, st, "find approved comment");
    sqlite3_reset(st);
    if (rc == STORE_ERROR)
        return rc;
    *has_approved = rc == STORE_OK;
    return STORE_OK;
}

static int sqlite_comment_count_ip(store *s, const char *ip, long long since, long long *count)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_COUNT_IP);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    sqlite3_bind_int64(st, 2, since);
    int rc = step_one(s, st, "count comments by address");
    if (rc == STORE_OK)
        *count = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_comment_counts(store *s, long long post_author_id,
                                 struct store_comment_counts *out)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_COUNTS);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post_author_id);
    int rc = step_one(s, st, "count comments");
    if (rc == STORE_OK)
        *out =
            (struct store_comment_counts){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                          sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
    sqlite3_reset(st);
    return rc;
}

static int sqlite_comment_update(store *s, const struct store_comment *c)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_UPDATE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, c->id);
    bind_text(st, 2, c->author);
    bind_text(st, 3, c->email);
    bind_text(st, 4, c->url ? c->url : "");
    bind_text(st, 5, c->body_source ? c->body_source : "");
    bind_text(st, 6, c->body_html);
    return run_changing(s, st, "update comment");
}

static int sqlite_comment_delete(store *s, long long id)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_DELETE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = run_changing(s, st, "delete comment");
    if (rc != STORE_NOT_FOUND)
        return rc;
    bool found; /* nothing deleted: missing, or kept for its replies */
    if (exists(s, SQL_COMMENT_ID_TAKEN, id, &found) != STORE_OK)
        return STORE_ERROR;
    return found ? store_fail(s, "comment %lld has replies: trash it instead", id)
                 : STORE_NOT_FOUND;
}

static void read_comment_edit(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_comment_edit *e = record;
    e->id = sqlite3_column_int64(st, 0);
    e->comment_id = sqlite3_column_int64(st, 1);
    e->user_id = sqlite3_column_int64(st, 2);
    e->edited_at = sqlite3_column_int64(st, 3);
    e->author = column_text(st, a, 4);
    e->email = column_text(st, a, 5);
    e->url = column_text(st, a, 6);
    e->body_source = column_text(st, a, 7);
    e->body_html = column_text(st, a, 8);
    e->user_login = column_text(st, a, 9);
}

static int sqlite_comment_edit_insert(store *s, const struct store_comment_edit *e)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_EDIT_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, e->comment_id);
    sqlite3_bind_int64(st, 2, e->user_id);
    sqlite3_bind_int64(st, 3, e->edited_at);
    bind_text(st, 4, e->author);
    bind_text(st, 5, e->email);
    bind_text(st, 6, e->url ? e->url : "");
    bind_text(st, 7, e->body_source ? e->body_source : "");
    bind_text(st, 8, e->body_html);
    return run(s, st, "save comment edit");
}

static int sqlite_comment_edit_list(store *s, arena *a, long long comment_id,
                                    struct store_comment_edit **edits, size_t *count)
{
    sqlite3_stmt *st = statement(s, SQL_COMMENT_EDIT_LIST);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, comment_id);
    return collect(s, st, a, sizeof(**edits), read_comment_edit, (void **)edits, count,
                   "list comment edits");
}

/* --- post revisions --- */

static void read_revision(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_revision *r = record;
    r->id = sqlite3_column_int64(st, 0);
    r->post_id = sqlite3_column_int64(st, 1);
    r->user_id = sqlite3_column_int64(st, 2);
    r->saved_at = sqlite3_column_int64(st, 3);
    r->title = column_text(st, a, 4);
    r->slug = column_text(st, a, 5);
    r->excerpt = column_text(st, a, 6);
    r->body_source = column_text(st, a, 7);
    r->body_html = column_text(st, a, 8);
    r->user_login = column_text(st, a, 9);
}

static int sqlite_revision_insert(store *s, const struct store_revision *r, int keep)
{
    sqlite3_stmt *st = statement(s, SQL_REVISION_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->post_id);
    sqlite3_bind_int64(st, 2, r->user_id);
    sqlite3_bind_int64(st, 3, r->saved_at);
    bind_text(st, 4, r->title);
    bind_text(st, 5, r->slug);
    bind_text(st, 6, r->excerpt ? r->excerpt : "");
    bind_text(st, 7, r->body_source ? r->body_source : "");
    bind_text(st, 8, r->body_html);
    if (run(s, st, "save revision") != STORE_OK)
        return STORE_ERROR;
    st = statement(s, SQL_REVISION_TRIM);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, r->post_id);
    sqlite3_bind_int(st, 2, keep > 0 ? keep : -1); /* keep 0: all */
    return run(s, st, "trim revisions");
}

static int sqlite_revision_list(store *s, arena *a, long long post_id,
                                struct store_revision **revisions, size_t *count)
{
    sqlite3_stmt *st = statement(s, SQL_REVISION_LIST);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, post_id);
    return collect(s, st, a, sizeof(**revisions), read_revision, (void **)revisions, count,
                   "list revisions");
}

static int sqlite_revision_get(store *s, arena *a, long long id, struct store_revision *out)
{
    sqlite3_stmt *st = statement(s, SQL_REVISION_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_one(s, st, "get revision");
    if (rc == STORE_OK)
        read_revision(st, a, out);
    sqlite3_reset(st);
    return rc;
}

/* --- sessions, failed logins, the audit log --- */

static int sqlite_session_insert(store *s, const struct store_session *session)
{
    sqlite3_stmt *st = statement(s, SQL_SESSION_INSERT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, session->token_hash);
    sqlite3_bind_int64(st, 2, session->user_id);
    bind_text(st, 3, session->csrf);
    sqlite3_bind_int64(st, 4, session->created_at);
    sqlite3_bind_int64(st, 5, session->expires_at);
    return run(s, st, "insert session");
}

static int sqlite_session_find(store *s, arena *a, const char *token_hash, long long now,
                               struct store_session *out, struct store_user *user)
{
    sqlite3_stmt *st = statement(s, SQL_SESSION_FIND);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, token_hash);
    sqlite3_bind_int64(st, 2, now);
    int rc = step_one(s, st, "find session");
    if (rc == STORE_OK) {
        read_user(st, a, user);
        out->user_id = user->id;
        out->token_hash = column_text(st, a, 7);
        out->csrf = column_text(st, a, 8);
        out->created_at = sqlite3_column_int64(st, 9);
        out->expires_at = sqlite3_column_int64(st, 10);
    }
    sqlite3_reset(st);
    return rc;
}

static int sqlite_session_delete(store *s, const char *token_hash)
{
    sqlite3_stmt *st = statement(s, SQL_SESSION_DELETE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, token_hash);
    return run(s, st, "delete session");
}

static int sqlite_session_delete_user(store *s, long long user_id)
{
    return run_with_key(s, SQL_SESSION_DELETE_USER, user_id, "delete sessions");
}

static int sqlite_session_purge(store *s, long long now)
{
    return run_with_key(s, SQL_SESSION_PURGE, now, "purge sessions");
}

static int sqlite_login_failure_add(store *s, const char *ip, const char *login, long long at)
{
    sqlite3_stmt *st = statement(s, SQL_LOGIN_FAILURE_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    bind_text(st, 2, login);
    sqlite3_bind_int64(st, 3, at);
    return run(s, st, "note failed login");
}

static int sqlite_login_failures(store *s, const char *ip, const char *login, long long since,
                                 long long *by_ip, long long *by_login)
{
    sqlite3_stmt *st = statement(s, SQL_LOGIN_FAILURES);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    bind_text(st, 2, login);
    sqlite3_bind_int64(st, 3, since);
    int rc = step_one(s, st, "count failed logins");
    if (rc == STORE_OK) {
        *by_ip = sqlite3_column_int64(st, 0);
        *by_login = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc;
}

static int sqlite_login_failures_clear(store *s, const char *login)
{
    sqlite3_stmt *st = statement(s, SQL_LOGIN_FAILURES_CLEAR);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, login);
    return run(s, st, "clear failed logins");
}

static int sqlite_login_failure_remove(store *s, const char *ip, const char *login, long long at)
{
    sqlite3_stmt *st = statement(s, SQL_LOGIN_FAILURE_REMOVE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    bind_text(st, 2, login);
    sqlite3_bind_int64(st, 3, at);
    return run(s, st, "remove failed login");
}

static int sqlite_post_password_failure_add(store *s, const char *ip, long long post_id,
                                            long long at)
{
    sqlite3_stmt *st = statement(s, SQL_POST_PASSWORD_FAILURE_ADD);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    sqlite3_bind_int64(st, 2, post_id);
    sqlite3_bind_int64(st, 3, at);
    return run(s, st, "note wrong post password");
}

static int sqlite_post_password_failures(store *s, const char *ip, long long post_id,
                                         long long since, long long *count)
{
    sqlite3_stmt *st = statement(s, SQL_POST_PASSWORD_FAILURES);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    sqlite3_bind_int64(st, 2, post_id);
    sqlite3_bind_int64(st, 3, since);
    int rc = step_one(s, st, "count wrong post passwords");
    if (rc == STORE_OK)
        *count = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_post_password_failure_remove(store *s, const char *ip, long long post_id,
                                               long long at)
{
    sqlite3_stmt *st = statement(s, SQL_POST_PASSWORD_FAILURE_REMOVE);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, ip);
    sqlite3_bind_int64(st, 2, post_id);
    sqlite3_bind_int64(st, 3, at);
    return run(s, st, "remove wrong post password");
}

static void read_audit(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_audit *e = record;
    e->id = sqlite3_column_int64(st, 0);
    e->user_id = sqlite3_column_int64(st, 1);
    e->at = sqlite3_column_int64(st, 2);
    e->action = column_text(st, a, 3);
    e->target = column_text(st, a, 4);
    e->detail = column_text(st, a, 5);
    e->user_login = column_text(st, a, 6);
}

static int sqlite_audit_insert(store *s, const struct store_audit *entry)
{
    sqlite3_stmt *st = statement(s, SQL_AUDIT_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, entry->user_id);
    sqlite3_bind_int64(st, 2, entry->at);
    bind_text(st, 3, entry->action);
    bind_text(st, 4, entry->target);
    bind_text(st, 5, entry->detail ? entry->detail : "");
    return run(s, st, "write audit log");
}

static int sqlite_audit_list(store *s, arena *a, int limit, int offset,
                             struct store_audit **entries, size_t *count)
{
    sqlite3_stmt *st = statement(s, SQL_AUDIT_LIST);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
    sqlite3_bind_int(st, 2, offset);
    return collect(s, st, a, sizeof(**entries), read_audit, (void **)entries, count,
                   "list audit log");
}

/* --- whole-site operations (gazette copy) --- */

static void read_setting(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_setting *out = record;
    out->key = column_text(st, a, 0);
    out->value = column_text(st, a, 1);
}

static void read_post_term(sqlite3_stmt *st, arena *a, void *record)
{
    (void)a;
    struct store_post_term *out = record;
    out->post_id = sqlite3_column_int64(st, 0);
    out->term_id = sqlite3_column_int64(st, 1);
}

static int list_all(store *s, enum statement_id id, arena *a, size_t record_size, row_reader read,
                    void **records, size_t *count)
{
    sqlite3_stmt *st = statement(s, id);
    return st ? collect(s, st, a, record_size, read, records, count, "list") : STORE_ERROR;
}

static int sqlite_setting_list(store *s, arena *a, struct store_setting **settings, size_t *count)
{
    return list_all(s, SQL_SETTING_LIST, a, sizeof(**settings), read_setting, (void **)settings,
                    count);
}

static int sqlite_user_list(store *s, arena *a, struct store_user **users, size_t *count)
{
    return list_all(s, SQL_USER_LIST, a, sizeof(**users), read_user, (void **)users, count);
}

static int sqlite_term_list(store *s, arena *a, struct store_term **terms, size_t *count)
{
    return list_all(s, SQL_TERM_LIST, a, sizeof(**terms), read_term_row, (void **)terms, count);
}

static int sqlite_post_term_list(store *s, arena *a, struct store_post_term **links, size_t *count)
{
    return list_all(s, SQL_POST_TERM_LIST, a, sizeof(**links), read_post_term, (void **)links,
                    count);
}

static int sqlite_counts(store *s, struct store_counts *counts)
{
    sqlite3_stmt *st = statement(s, SQL_COUNTS);
    if (!st)
        return STORE_ERROR;
    int rc = step_one(s, st, "count rows");
    if (rc == STORE_OK)
        *counts = (struct store_counts){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                        sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                                        sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5)};
    sqlite3_reset(st);
    return rc;
}

static int sqlite_clear(store *s)
{
    /* referencing tables before those they reference */
    static const enum statement_id order[] = {
        SQL_CLEAR_SESSIONS,  SQL_CLEAR_LOGIN_FAILURES, SQL_CLEAR_POST_PASSWORD_FAILURES,
        SQL_CLEAR_AUDIT_LOG, SQL_CLEAR_POST_REVISIONS, SQL_CLEAR_COMMENT_EDITS,
        SQL_CLEAR_OUTBOX,    SQL_CLEAR_COMMENTS,       SQL_CLEAR_POST_TERMS,
        SQL_CLEAR_POSTS,     SQL_CLEAR_TERMS,          SQL_CLEAR_USERS,
        SQL_CLEAR_SETTINGS};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        sqlite3_stmt *st = statement(s, order[i]);
        if (!st || run(s, st, "clear") != STORE_OK)
            return STORE_ERROR;
    }
    return STORE_OK;
}

static int sqlite_defer_constraints(store *s)
{
    sqlite3_stmt *st = statement(s, SQL_DEFER_FOREIGN_KEYS);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : fail(s, "defer foreign keys");
}

/* The newest version in the change feed, or -1 on an error. */
static long long latest_change(store *s)
{
    sqlite3_stmt *st = statement(s, SQL_CHANGES_LATEST);
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
        sqlite3_stmt *st = statement(s, SQL_DATA_VERSION);
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
        st = statement(s, SQL_CHANGES_SINCE);
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

/* --- the mail outbox --- */

static void read_mail(sqlite3_stmt *st, arena *a, void *record)
{
    struct store_mail *m = record;
    m->id = sqlite3_column_int64(st, 0);
    m->post_id = sqlite3_column_int64(st, 1);
    m->created_at = sqlite3_column_int64(st, 2);
    m->status = column_text(st, a, 3);
    m->sender = column_text(st, a, 4);
    m->recipient = column_text(st, a, 5);
    m->client_ip = column_text(st, a, 6);
    m->message = column_text(st, a, 7);
    m->attempts = sqlite3_column_int(st, 8);
    m->next_attempt_at = sqlite3_column_int64(st, 9);
    m->claimed_at = sqlite3_column_int64(st, 10);
    m->sent_at = sqlite3_column_int64(st, 11);
    m->last_error = column_text(st, a, 12);
}

/* BEGIN IMMEDIATE takes the database's one write lock, with a snapshot that is current, so
 * count-then-insert in one write transaction is already serialised against every writer. */
static int sqlite_mail_lock_limits(store *s)
{
    (void)s;
    return STORE_OK;
}

static int sqlite_mail_insert(store *s, const struct store_mail *m, long long *id)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_INSERT);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, m->post_id);
    sqlite3_bind_int64(st, 2, m->created_at);
    bind_text(st, 3, m->sender);
    bind_text(st, 4, m->recipient);
    bind_text(st, 5, m->client_ip ? m->client_ip : "");
    bind_text(st, 6, m->message);
    sqlite3_bind_int64(st, 7, m->next_attempt_at);
    return run_insert(s, st, "queue mail", id);
}

static int sqlite_mail_due(store *s, arena *a, long long now, int limit, struct store_mail **mails,
                           size_t *count)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_DUE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, limit);
    return collect(s, st, a, sizeof(**mails), read_mail, (void **)mails, count, "due mail");
}

static int sqlite_mail_claim(store *s, long long id, long long now, bool *claimed)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_CLAIM);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rc = run(s, st, "claim mail");
    *claimed = rc == STORE_OK && sqlite3_changes(DB(s)) == 1;
    return rc;
}

static int sqlite_mail_finish(store *s, long long id, const char *status, int attempts,
                              long long next_attempt_at, long long sent_at, const char *last_error)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_FINISH);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    sqlite3_bind_int(st, 3, attempts);
    sqlite3_bind_int64(st, 4, next_attempt_at);
    sqlite3_bind_int64(st, 5, sent_at);
    bind_text(st, 6, last_error ? last_error : "");
    return run(s, st, "finish mail");
}

static int sqlite_mail_release(store *s, long long before)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_RELEASE);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, before);
    return run(s, st, "release mail");
}

static int sqlite_mail_requeue(store *s, long long id, long long now)
{
    return update_by_id(s, SQL_MAIL_REQUEUE, id, NULL, now, "requeue mail");
}

static int sqlite_mail_list(store *s, arena *a, struct store_mail **mails, size_t *count)
{
    return list_all(s, SQL_MAIL_LIST, a, sizeof(**mails), read_mail, (void **)mails, count);
}

static int sqlite_mail_get(store *s, arena *a, long long id, struct store_mail *out)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_GET);
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = step_one(s, st, "find mail");
    if (rc == STORE_OK)
        read_mail(st, a, out);
    sqlite3_reset(st);
    return rc;
}

static int sqlite_mail_recent(store *s, const char *client_ip, const char *recipient,
                              long long since, long long *by_client, long long *by_recipient)
{
    sqlite3_stmt *st = statement(s, SQL_MAIL_RECENT);
    if (!st)
        return STORE_ERROR;
    bind_text(st, 1, client_ip);
    bind_text(st, 2, recipient);
    sqlite3_bind_int64(st, 3, since);
    int rc = step_one(s, st, "count recent mail");
    if (rc == STORE_OK) {
        *by_client = sqlite3_column_int64(st, 0);
        *by_recipient = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc;
}

#define SQLITE_OPERATION(name, parameters, arguments, ...) .name = sqlite_##name,

static const struct store_backend sqlite_backend = {
    .name = "sqlite",
    STORE_READS(SQLITE_OPERATION) STORE_WRITES(SQLITE_OPERATION).begin = sqlite_begin,
    .begin_bulk = sqlite_begin_bulk,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .close = sqlite_close,
    .limit_memory = sqlite_limit_memory,
    .watch = sqlite_watch,
};
