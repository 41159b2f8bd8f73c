/* pg.c: the store interface on PostgreSQL (libpq, prepared statements only), with reconnection
 * after the server went away and LISTEN for other nodes' changes. */
#include <libpq-fe.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/backend.h"
/* the sum of the post's striped counts (pg_migrations.c, 7) */
#define POST_APPROVED_COMMENTS                                                                     \
    "(SELECT coalesce(sum(cc.n), 0)::bigint FROM comment_counts cc WHERE cc.post_id = p.id)"
#include "store/columns.h"
#include "store/pg_migrations.h"
#include "util/alloc.h"
#include "util/log.h"

enum statement_id {
    PG_COMMIT,
    PG_ROLLBACK,
    PG_SETTING_GET,
    PG_SETTING_SET,
    PG_SETTING_LIST,
    PG_USER_INSERT,
    PG_USER_FIND_LOGIN,
    PG_USER_LIST,
    PG_USER_BUMP_ID,
    PG_TERM_INSERT,
    PG_TERM_FIND,
    PG_TERM_GET,
    PG_TERM_LIST,
    PG_TERM_BUMP_ID,
    PG_POST_TERM_ADD,
    PG_POST_TERMS,
    PG_POST_TERM_LIST,
    PG_POST_INSERT,
    PG_POST_BUMP_ID,
    PG_POST_GET,
    PG_POST_FIND_PATH,
    PG_POST_FIND_SLUG,
    PG_POST_FIND_WP_ID,
    PG_POST_ID_TAKEN,
    PG_POST_SET_STATUS,
    PG_POST_SET_COMMENTS_OPEN,
    PG_POST_LIST,
    PG_POST_COUNT,
    PG_POST_LIST_PUBLIC,
    PG_POST_LIST_FRONT,
    PG_POST_PREVIOUS,
    PG_POST_NEXT,
    PG_SEARCH,
    PG_SEARCH_COUNT,
    PG_COMMENT_INSERT,
    PG_COMMENT_BUMP_ID,
    PG_COMMENT_ADD,
    PG_COMMENT_GET,
    PG_COMMENT_FIND_WP_ID,
    PG_COMMENT_ID_TAKEN,
    PG_COMMENT_SET_STATUS,
    PG_COMMENT_THREAD,
    PG_COMMENT_LIST,
    PG_COMMENT_AUTHOR_APPROVED,
    PG_USER_FIND_EMAIL,
    PG_COUNTS,
    PG_CLEAR,
    PG_DEFER_CONSTRAINTS,
    PG_MAIL_INSERT,
    PG_MAIL_DUE,
    PG_MAIL_CLAIM,
    PG_MAIL_FINISH,
    PG_MAIL_RELEASE,
    PG_MAIL_REQUEUE,
    PG_MAIL_LIST,
    PG_MAIL_GET,
    PG_MAIL_RECENT,
    PG_MAIL_LOCK_LIMITS,
    PG_USER_GET,
    PG_USER_UPDATE,
    PG_SESSION_INSERT,
    PG_SESSION_FIND,
    PG_SESSION_DELETE,
    PG_SESSION_DELETE_USER,
    PG_SESSION_PURGE,
    PG_LOGIN_FAILURE_ADD,
    PG_LOGIN_FAILURES,
    PG_LOGIN_FAILURES_CLEAR,
    PG_LOGIN_FAILURE_REMOVE,
    PG_POST_PASSWORD_FAILURE_ADD,
    PG_POST_PASSWORD_FAILURES,
    PG_POST_PASSWORD_FAILURE_REMOVE,
    PG_AUDIT_INSERT,
    PG_AUDIT_LIST,
    PG_POST_UPDATE,
    PG_POST_TERM_CLEAR,
    PG_POST_PUBLISH_DUE,
    PG_REVISION_INSERT,
    PG_REVISION_TRIM,
    PG_REVISION_LIST,
    PG_REVISION_GET,
    PG_COMMENT_COUNT_IP,
    PG_COMMENT_COUNTS,
    PG_COMMENT_UPDATE,
    PG_COMMENT_DELETE,
    PG_COMMENT_EDIT_INSERT,
    PG_COMMENT_EDIT_LIST,
    PG_STATEMENT_COUNT
};

#define BUMP(table)                                                                                \
    "SELECT setval('" table "_id_seq', greatest((SELECT max(id) FROM " table "), 1))"

/* The filters of store_post_filter: $6 a term (with its descendants), $7 an author, $8/$9 a
 * date range, 0 leaving each open; `title` an ILIKE pattern (NULL: any) that title_pattern
 * made from the substring (its % _ and \ escaped). */
#define TERM_TREE(term)                                                                            \
    "WITH RECURSIVE tree(id) AS (SELECT " term "::bigint UNION SELECT t.id FROM terms t"           \
    " JOIN tree ON t.parent_id = tree.id) "
#define POST_FILTER(type, status, term, author, from, until, title)                                \
    "(" type "::text IS NULL OR p.type = " type "::text)"                                          \
    " AND (" status "::text IS NULL OR p.status = " status "::text)"                               \
    " AND (" term "::bigint = 0 OR p.id IN (SELECT post_id FROM post_terms WHERE term_id IN"       \
    " (SELECT id FROM tree))) AND (" author "::bigint = 0 OR p.author_id = " author "::bigint)"    \
    " AND (" from "::bigint = 0 OR p.published_at >= " from "::bigint)"                            \
    " AND (" until "::bigint = 0 OR p.published_at < " until "::bigint)"                           \
    " AND (" title "::text IS NULL OR p.title ILIKE " title "::text ESCAPE '\\')"

static const char *const statement_sql[PG_STATEMENT_COUNT] = {
    [PG_COMMIT] = "COMMIT",
    [PG_ROLLBACK] = "ROLLBACK",
    [PG_SETTING_GET] = "SELECT value FROM settings WHERE key = $1",
    [PG_SETTING_SET] = "INSERT INTO settings (key, value) VALUES ($1, $2)"
                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [PG_SETTING_LIST] = "SELECT key, value FROM settings ORDER BY key",
    [PG_USER_INSERT] = "INSERT INTO users (id, login, display_name, email, role, disabled,"
                       " password_hash) VALUES (coalesce(nullif($1::bigint, 0),"
                       " nextval('users_id_seq')), $2, $3, $4, $5, $6, $7) RETURNING id",
    [PG_USER_FIND_LOGIN] = "SELECT id, login, display_name, email, role, disabled,"
                           " password_hash FROM users WHERE login = $1",
    [PG_USER_LIST] = "SELECT id, login, display_name, email, role, disabled, password_hash"
                     " FROM users ORDER BY id",
    [PG_USER_BUMP_ID] = BUMP("users"),
    [PG_TERM_INSERT] = "INSERT INTO terms (id, taxonomy, slug, name, description, parent_id)"
                       " VALUES (coalesce(nullif($1::bigint, 0), nextval('terms_id_seq')), $2,"
                       " $3, $4, $5, nullif($6::bigint, 0)) RETURNING id",
    [PG_TERM_FIND] = "SELECT id, taxonomy, slug, name, description, coalesce(parent_id, 0)"
                     " FROM terms WHERE taxonomy = $1 AND slug = $2",
    [PG_TERM_GET] = "SELECT id, taxonomy, slug, name, description, coalesce(parent_id, 0)"
                    " FROM terms WHERE id = $1",
    [PG_TERM_LIST] = "SELECT id, taxonomy, slug, name, description, coalesce(parent_id, 0)"
                     " FROM terms ORDER BY id",
    [PG_TERM_BUMP_ID] = BUMP("terms"),
    [PG_POST_TERM_ADD] = "INSERT INTO post_terms (post_id, term_id) VALUES ($1, $2)"
                         " ON CONFLICT DO NOTHING",
    [PG_POST_TERMS] = "SELECT t.id, t.taxonomy, t.slug, t.name, t.description,"
                      " coalesce(t.parent_id, 0) FROM terms t"
                      " JOIN post_terms pt ON pt.term_id = t.id WHERE pt.post_id = $1"
                      " ORDER BY t.taxonomy, t.name",
    [PG_POST_TERM_LIST] = "SELECT post_id, term_id FROM post_terms ORDER BY post_id, term_id",
    [PG_POST_INSERT] =
        "INSERT INTO posts (id, wp_id, type, status, slug, path, title, excerpt, body_html,"
        " body_source, password, guid, author_id, published_at, modified_at, comments_open,"
        " sticky, body_text) VALUES (coalesce(nullif($1::bigint, 0), nextval('posts_id_seq')),"
        " nullif($2::bigint, 0), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
        " nullif($13::bigint, 0), $14, $15, $16, $17, $18) RETURNING id",
    [PG_POST_BUMP_ID] = BUMP("posts"),
    [PG_POST_GET] = "SELECT " POST_COLUMNS "WHERE p.id = $1",
    [PG_POST_FIND_PATH] = "SELECT " POST_COLUMNS "WHERE p.path = $1",
    [PG_POST_FIND_SLUG] = "SELECT " POST_COLUMNS "WHERE p.slug = $1 ORDER BY p.id LIMIT 1",
    [PG_POST_FIND_WP_ID] = "SELECT " POST_COLUMNS "WHERE p.wp_id = $1",
    [PG_POST_ID_TAKEN] = "SELECT 1 FROM posts WHERE id = $1",
    [PG_POST_SET_STATUS] = "UPDATE posts SET status = $2 WHERE id = $1",
    [PG_POST_SET_COMMENTS_OPEN] = "UPDATE posts SET comments_open = $2 WHERE id = $1",
    /* $11: newest modified first (the admin's lists), else newest published */
    [PG_POST_LIST] = TERM_TREE("$6") "SELECT " POST_COLUMNS "WHERE " POST_FILTER(
        "$1", "$2", "$6", "$7", "$8", "$9",
        "$10") " ORDER BY CASE WHEN $3::boolean THEN p.sticky ELSE false END DESC,"
               " CASE WHEN $11::boolean THEN p.modified_at ELSE p.published_at END DESC,"
               " p.id DESC LIMIT $4::bigint OFFSET $5::bigint",
    [PG_POST_COUNT] = TERM_TREE("$3") "SELECT count(*) FROM posts p WHERE " POST_FILTER(
        "$1", "$2", "$3", "$4", "$5", "$6", "$7"),
    /* Listings readers see (see sqlite.c): $1 type, $2 status, $3 term, $4 author, $5/$6 the
     * dates, $7 limit, $8 offset; the front page: $1, $2, $3 limit, $4 offset. */
    [PG_POST_LIST_PUBLIC] =
        TERM_TREE("$3") "SELECT " POST_COLUMNS
                        "WHERE p.type = $1 AND p.status = $2 AND p.published_at >= $5::bigint"
                        " AND p.published_at < $6::bigint AND ($3::bigint = 0 OR p.id IN"
                        " (SELECT post_id FROM post_terms WHERE term_id IN (SELECT id FROM"
                        " tree))) AND ($4::bigint = 0 OR p.author_id = $4::bigint)"
                        " ORDER BY p.published_at DESC, p.id DESC LIMIT $7 OFFSET $8",
    [PG_POST_LIST_FRONT] = "SELECT " POST_COLUMNS "WHERE p.type = $1 AND p.status = $2"
                           " ORDER BY p.sticky DESC, p.published_at DESC, p.id DESC"
                           " LIMIT $3 OFFSET $4",
    [PG_POST_PREVIOUS] = "SELECT " POST_COLUMNS "WHERE p.type = 'post' AND p.status = 'publish'"
                         " AND (p.published_at < $1 OR (p.published_at = $1 AND p.id < $2))"
                         " ORDER BY p.published_at DESC, p.id DESC LIMIT 1",
    [PG_POST_NEXT] = "SELECT " POST_COLUMNS "WHERE p.type = 'post' AND p.status = 'publish'"
                     " AND (p.published_at > $1 OR (p.published_at = $1 AND p.id > $2))"
                     " ORDER BY p.published_at, p.id LIMIT 1",
    [PG_SEARCH] = "SELECT " POST_FIELDS ", ts_headline('gazette', p.body_text, q,"
                  " 'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=35, "
                  "MinWords=15')" POST_FROM ", to_tsquery('gazette', $1) q"
                  " WHERE p.search @@ q AND p.status = 'publish' AND p.password = ''"
                  " ORDER BY ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', p.search, q) DESC,"
                  " p.published_at DESC LIMIT $2 OFFSET $3",
    [PG_SEARCH_COUNT] = "SELECT count(*) FROM posts p"
                        " WHERE p.search @@ to_tsquery('gazette', $1) AND p.status = 'publish'"
                        " AND p.password = ''",
    [PG_COMMENT_INSERT] =
        "INSERT INTO comments (id, post_id, parent_id, wp_id, depth, author, email, url, ip,"
        " user_agent, body_html, body_source, status, type, held_by, created_at, path)"
        " VALUES (coalesce(nullif($1::bigint, 0), nextval('comments_id_seq')), $2,"
        " nullif($3::bigint, 0), nullif($4::bigint, 0), $5, $6, $7, $8, $9, $10, $11, $12,"
        " $13, $14, $15, $16, $17) RETURNING id",
    [PG_COMMENT_BUMP_ID] = BUMP("comments"),
    /* the path goes in with the row: no second write, no second trigger (store.h); $1 is 0 */
    [PG_COMMENT_ADD] =
        "INSERT INTO comments (id, post_id, parent_id, wp_id, depth, author, email, url, ip,"
        " user_agent, body_html, body_source, status, type, held_by, created_at, path)"
        " SELECT n.id, $2, nullif($3::bigint, 0), nullif($4::bigint, 0), $5, $6, $7, $8, $9,"
        " $10, $11, $12, $13, $14, $15, $16, $17"
        " || lpad(to_hex(greatest($16::bigint, 0) & 4294967295), 8, '0')"
        " || lpad(to_hex(n.id & 4294967295), 8, '0')"
        " FROM (SELECT coalesce(nullif($1::bigint, 0), nextval('comments_id_seq')) AS id) n"
        " RETURNING id",
    [PG_COMMENT_GET] = "SELECT " COMMENT_COLUMNS "WHERE id = $1",
    [PG_COMMENT_FIND_WP_ID] = "SELECT " COMMENT_COLUMNS "WHERE post_id = $1 AND wp_id = $2",
    [PG_COMMENT_ID_TAKEN] = "SELECT 1 FROM comments WHERE id = $1",
    [PG_COMMENT_SET_STATUS] = "UPDATE comments SET status = $2 WHERE id = $1",
    [PG_COMMENT_THREAD] = "SELECT " COMMENT_SHOWN_COLUMNS "WHERE post_id = $1 AND type = 'comment'"
                          " AND ($2::text IS NULL OR status = $2::text) ORDER BY path",
    [PG_COMMENT_LIST] = "SELECT " COMMENT_COLUMNS "WHERE ($1::text IS NULL OR status = $1::text)"
                        " AND ($2::bigint = 0 OR post_id = $2::bigint)"
                        " AND ($4::text IS NULL OR type = $4::text)"
                        " AND (NOT $5::boolean OR post_id IN (SELECT id FROM posts"
                        " WHERE status = 'publish' AND password = ''))"
                        " AND ($6::bigint = 0 OR post_id IN (SELECT id FROM posts"
                        " WHERE author_id = $6::bigint))"
                        " ORDER BY created_at DESC, id DESC LIMIT $3::bigint OFFSET $7::bigint",
    /* lower(email) and the status as the index comments_approved_author has them */
    [PG_COMMENT_AUTHOR_APPROVED] = "SELECT 1 FROM comments WHERE lower(email) = lower($2)"
                                   " AND author = $1 AND status = 'approved' LIMIT 1",
    [PG_USER_FIND_EMAIL] = "SELECT id, login, display_name, email, role, disabled, password_hash"
                           " FROM users WHERE email <> '' AND lower(email) = lower($1)"
                           " ORDER BY id LIMIT 1",
    [PG_COUNTS] = "SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM users),"
                  " (SELECT count(*) FROM terms), (SELECT count(*) FROM posts),"
                  " (SELECT count(*) FROM post_terms), (SELECT count(*) FROM comments)",
    /* every table that references another truncated one must be named too */
    [PG_CLEAR] = "TRUNCATE sessions, login_failures, post_password_failures, audit_log, "
                 "post_revisions, comment_edits,"
                 " outbox, comment_counts, comments, post_terms, posts, terms, users, settings",
    [PG_DEFER_CONSTRAINTS] = "SET CONSTRAINTS ALL DEFERRED",
    [PG_MAIL_INSERT] = "INSERT INTO outbox (post_id, created_at, status, sender, recipient,"
                       " client_ip, message, attempts, next_attempt_at)"
                       " VALUES (nullif($1::bigint, 0), $2, 'queued', $3, $4, $5, $6, 0, $7)"
                       " RETURNING id",
    [PG_MAIL_DUE] = "SELECT " MAIL_COLUMNS "WHERE status = 'queued' AND next_attempt_at <= $1"
                    " ORDER BY next_attempt_at, id LIMIT $2",
    [PG_MAIL_CLAIM] = "UPDATE outbox SET status = 'sending', claimed_at = $2"
                      " WHERE id = $1 AND status = 'queued'",
    [PG_MAIL_FINISH] = "UPDATE outbox SET status = $2, attempts = $3, next_attempt_at = $4,"
                       " sent_at = $5, last_error = $6, claimed_at = 0 WHERE id = $1",
    [PG_MAIL_RELEASE] = "UPDATE outbox SET status = 'queued', claimed_at = 0"
                        " WHERE status = 'sending' AND claimed_at < $1",
    [PG_MAIL_REQUEUE] = "UPDATE outbox SET status = 'queued', next_attempt_at = $2, claimed_at = 0"
                        " WHERE id = $1 AND status IN ('queued', 'sending', 'failed')",
    [PG_MAIL_LIST] = "SELECT " MAIL_COLUMNS "ORDER BY id DESC",
    [PG_MAIL_GET] = "SELECT " MAIL_COLUMNS "WHERE id = $1",
    [PG_MAIL_RECENT] = "SELECT (SELECT count(*) FROM outbox WHERE client_ip = $1"
                       " AND created_at >= $3), (SELECT count(*) FROM outbox"
                       " WHERE recipient = $2 AND created_at >= $3)",
    /* One key for both hourly limits (per client address, per recipient): sends are few, and
     * a single key cannot deadlock, where two per-send keys taken by a batch of group commit
     * could (batches on two nodes locking the same keys in opposite orders). */
    [PG_MAIL_LOCK_LIMITS] = "SELECT pg_advisory_xact_lock(7413571)",
    [PG_USER_GET] = "SELECT id, login, display_name, email, role, disabled, password_hash"
                    " FROM users WHERE id = $1",
    [PG_USER_UPDATE] = "UPDATE users SET display_name = $2, email = $3, role = $4,"
                       " disabled = $5, password_hash = $6 WHERE id = $1",
    [PG_SESSION_INSERT] = "INSERT INTO sessions (token_hash, user_id, csrf, created_at,"
                          " expires_at) VALUES ($1, $2, $3, $4, $5)",
    [PG_SESSION_FIND] = "SELECT " SESSION_COLUMNS "WHERE s.token_hash = $1 AND s.expires_at > $2"
                        " AND NOT u.disabled",
    [PG_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = $1",
    [PG_SESSION_DELETE_USER] = "DELETE FROM sessions WHERE user_id = $1",
    [PG_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at <= $1",
    [PG_LOGIN_FAILURE_ADD] = "INSERT INTO login_failures (ip, login, at) VALUES ($1, $2, $3)",
    [PG_LOGIN_FAILURES] = "SELECT (SELECT count(*) FROM login_failures WHERE ip = $1"
                          " AND at >= $3), (SELECT count(*) FROM login_failures"
                          " WHERE login = $2 AND at >= $3)",
    [PG_LOGIN_FAILURES_CLEAR] = "DELETE FROM login_failures WHERE login = $1",
    [PG_LOGIN_FAILURE_REMOVE] = "DELETE FROM login_failures WHERE id = (SELECT id FROM"
                                " login_failures WHERE ip = $1 AND login = $2 AND at = $3"
                                " LIMIT 1)",
    [PG_POST_PASSWORD_FAILURE_ADD] = "INSERT INTO post_password_failures (ip, post_id, at)"
                                     " VALUES ($1, $2, $3)",
    [PG_POST_PASSWORD_FAILURES] = "SELECT count(*) FROM post_password_failures"
                                  " WHERE ip = $1 AND post_id = $2 AND at >= $3",
    [PG_POST_PASSWORD_FAILURE_REMOVE] = "DELETE FROM post_password_failures WHERE id = (SELECT id"
                                        " FROM post_password_failures WHERE ip = $1"
                                        " AND post_id = $2 AND at = $3 LIMIT 1)",
    [PG_AUDIT_INSERT] = "INSERT INTO audit_log (user_id, at, action, target, detail)"
                        " VALUES (nullif($1::bigint, 0), $2, $3, $4, $5)",
    [PG_AUDIT_LIST] = "SELECT " AUDIT_COLUMNS "ORDER BY l.at DESC, l.id DESC"
                      " LIMIT $1::bigint OFFSET $2::bigint",
    /* body_text with the rest: the posts_search trigger follows title, excerpt and it */
    [PG_POST_UPDATE] = "UPDATE posts SET status = $2, slug = $3, path = $4, title = $5,"
                       " excerpt = $6, body_html = $7, body_source = $8, password = $9,"
                       " author_id = nullif($10::bigint, 0), published_at = $11,"
                       " modified_at = $12, comments_open = $13, sticky = $14, body_text = $15"
                       " WHERE id = $1",
    [PG_POST_TERM_CLEAR] = "DELETE FROM post_terms WHERE post_id = $1",
    [PG_POST_PUBLISH_DUE] = "UPDATE posts SET status = 'publish' WHERE status = 'future'"
                            " AND published_at <= $1",
    [PG_REVISION_INSERT] = "INSERT INTO post_revisions (post_id, user_id, saved_at, title, slug,"
                           " excerpt, body_source, body_html)"
                           " VALUES ($1, nullif($2::bigint, 0), $3, $4, $5, $6, $7, $8)",
    [PG_REVISION_TRIM] = "DELETE FROM post_revisions WHERE post_id = $1 AND id NOT IN"
                         " (SELECT id FROM post_revisions WHERE post_id = $1"
                         " ORDER BY saved_at DESC, id DESC LIMIT $2::bigint)",
    [PG_REVISION_LIST] = "SELECT " REVISION_COLUMNS "WHERE r.post_id = $1"
                         " ORDER BY r.saved_at DESC, r.id DESC",
    [PG_REVISION_GET] = "SELECT " REVISION_COLUMNS "WHERE r.id = $1",
    [PG_COMMENT_COUNT_IP] = "SELECT count(*) FROM comments WHERE ip = $1 AND created_at >= $2",
    [PG_COMMENT_COUNTS] =
        "SELECT count(*) FILTER (WHERE status = 'pending'),"
        " count(*) FILTER (WHERE status = 'approved'), count(*) FILTER (WHERE status = 'spam'),"
        " count(*) FILTER (WHERE status = 'trash') FROM comments WHERE type = 'comment'"
        " AND ($1::bigint = 0 OR post_id IN (SELECT id FROM posts WHERE author_id = $1::bigint))",
    [PG_COMMENT_UPDATE] = "UPDATE comments SET author = $2, email = $3, url = $4,"
                          " body_source = $5, body_html = $6 WHERE id = $1",
    /* a comment with replies stays: deleting it would orphan them */
    [PG_COMMENT_DELETE] = "DELETE FROM comments WHERE id = $1"
                          " AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = $1)",
    [PG_COMMENT_EDIT_INSERT] = "INSERT INTO comment_edits (comment_id, user_id, edited_at, author,"
                               " email, url, body_source, body_html)"
                               " VALUES ($1, nullif($2::bigint, 0), $3, $4, $5, $6, $7, $8)",
    [PG_COMMENT_EDIT_LIST] = "SELECT " COMMENT_EDIT_COLUMNS "WHERE e.comment_id = $1"
                             " ORDER BY e.edited_at DESC, e.id DESC",
};

struct pg_store {
    struct store base;                 /* first: a store * points here */
    PGconn *conn;                      /* owned */
    bool prepared[PG_STATEMENT_COUNT]; /* on this connection (lost at a reconnect) */
    time_t next_reconnect;             /* no reconnect attempt before this… */
    int failed_in_epoch;               /* …unless another connection got through since */
    bool begin_pending;                /* store_begin was called; BEGIN goes with the first
                                          statement, in one round trip (a pipeline) */
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

/* Parameters as text, the way libpq sends them. */
struct params {
    const char *values[20];
    char numbers[20][24];
    int count;
};

static void param_text(struct params *p, const char *value)
{
    p->values[p->count++] = value;
}

static void param_int(struct params *p, long long value)
{
    snprintf(p->numbers[p->count], sizeof(p->numbers[0]), "%lld", value);
    p->values[p->count] = p->numbers[p->count];
    p->count++;
}

static void param_bool(struct params *p, bool value)
{
    p->values[p->count++] = value ? "true" : "false";
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The results of one query of a pipeline: the first, the rest (one, or none) dropped. */
static PGresult *pipeline_result(PGconn *conn)
{
    PGresult *first = PQgetResult(conn), *more;
    while ((more = PQgetResult(conn)) != NULL)
        PQclear(more);
    return first;
}

/* BEGIN and the transaction's first statement in one round trip. Returns the statement's
 * result (PGRES_PIPELINE_ABORTED when BEGIN failed), or NULL when the connection failed. */
static PGresult *begin_and_execute(struct pg_store *q, const char *name, const struct params *p)
{
    q->begin_pending = false;
    if (!PQenterPipelineMode(q->conn))
        return NULL;
    PGresult *begin = NULL, *r = NULL;
    if (PQsendQueryParams(q->conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) &&
        PQsendQueryPrepared(q->conn, name, p ? p->count : 0, p ? p->values : NULL, NULL, NULL, 0) &&
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

/* Runs statement `id`; returns the result (PQclear it) or NULL with the error set. */
static PGresult *execute(store *s, enum statement_id id, const struct params *p)
{
    struct pg_store *q = PQ(s);
    if (!connected(s))
        return NULL;
    char name[16];
    snprintf(name, sizeof(name), "g%d", (int)id);
    if (!q->prepared[id]) {
        PGresult *r = PQprepare(q->conn, name, statement_sql[id], 0, NULL);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            store_fail(s, "prepare: %s", PQerrorMessage(q->conn));
        PQclear(r);
        if (!ok) {
            if (PQstatus(q->conn) != CONNECTION_OK)
                note_unreachable(PQerrorMessage(q->conn));
            return NULL;
        }
        q->prepared[id] = true;
    }
    PGresult *r = q->begin_pending ? begin_and_execute(q, name, p)
                                   : PQexecPrepared(q->conn, name, p ? p->count : 0,
                                                    p ? p->values : NULL, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return r;
    store_fail(s, "%s",
               PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(q->conn));
    PQclear(r);
    if (PQstatus(q->conn) != CONNECTION_OK)
        note_unreachable(PQerrorMessage(q->conn));
    return NULL;
}

/* Runs a statement that returns no rows we need. */
static int run(store *s, enum statement_id id, const struct params *p)
{
    PGresult *r = execute(s, id, p);
    if (!r)
        return STORE_ERROR;
    PQclear(r);
    return STORE_OK;
}

static const char *text(PGresult *r, int row, int column, arena *a)
{
    return arena_strndup(a, PQgetvalue(r, row, column), (size_t)PQgetlength(r, row, column));
}

static long long number(PGresult *r, int row, int column)
{
    return strtoll(PQgetvalue(r, row, column), NULL, 10);
}

static bool boolean(PGresult *r, int row, int column)
{
    return PQgetvalue(r, row, column)[0] == 't';
}

typedef void (*row_reader)(PGresult *r, int row, arena *a, void *record);

/* Runs a query and reads its rows into an arena array. */
static int collect(store *s, enum statement_id id, const struct params *p, arena *a,
                   size_t record_size, row_reader read, void **records, size_t *count)
{
    PGresult *r = execute(s, id, p);
    if (!r)
        return STORE_ERROR;
    int rows = PQntuples(r);
    char *array = arena_alloc(a, (size_t)(rows ? rows : 1) * record_size);
    for (int i = 0; i < rows; i++)
        read(r, i, a, array + (size_t)i * record_size);
    PQclear(r);
    *records = array;
    *count = (size_t)rows;
    return STORE_OK;
}

/* Runs a query expected to return at most one row and reads it. */
static int find_one(store *s, enum statement_id id, const struct params *p, arena *a,
                    row_reader read, void *record)
{
    PGresult *r = execute(s, id, p);
    if (!r)
        return STORE_ERROR;
    int rc = PQntuples(r) > 0 ? STORE_OK : STORE_NOT_FOUND;
    if (rc == STORE_OK && read)
        read(r, 0, a, record);
    PQclear(r);
    return rc;
}

static int insert_returning(store *s, enum statement_id id, const struct params *p,
                            long long *new_id, long long given_id, enum statement_id bump)
{
    PGresult *r = execute(s, id, p);
    if (!r)
        return STORE_ERROR;
    if (new_id)
        *new_id = number(r, 0, 0);
    PQclear(r);
    /* an id given by the caller (import, copy) moves the sequence past it */
    return given_id ? run(s, bump, NULL) : STORE_OK;
}

static int update(store *s, enum statement_id id, const struct params *p)
{
    PGresult *r = execute(s, id, p);
    if (!r)
        return STORE_ERROR;
    int rc = strcmp(PQcmdTuples(r), "0") == 0 ? STORE_NOT_FOUND : STORE_OK;
    PQclear(r);
    return rc;
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
        long long version = number(r, 0, 0);
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

static const struct store_backend pg_backend;

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
    PQfinish(PQ(s)->conn);
    buf_free(&s->error);
    free(s);
}

store *pg_store_open(const char *uri, buf *error)
{
    struct pg_store *q = xcalloc(1, sizeof(*q));
    store *s = &q->base;
    s->backend = &pg_backend;
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
        run(s, PG_ROLLBACK, NULL);
}

static int pg_commit(store *s)
{
    struct pg_store *q = PQ(s);
    if (q->begin_pending) {
        q->begin_pending = false; /* an empty transaction */
        return STORE_OK;
    }
    if (run(s, PG_COMMIT, NULL) != STORE_OK) {
        pg_rollback(s);
        return STORE_ERROR;
    }
    return STORE_OK;
}

/* --- settings, users, terms --- */

static int pg_setting_get(store *s, arena *a, const char *key, const char **value)
{
    struct params p = {0};
    param_text(&p, key);
    PGresult *r = execute(s, PG_SETTING_GET, &p);
    if (!r)
        return STORE_ERROR;
    int rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
    if (rc == STORE_OK)
        *value = text(r, 0, 0, a);
    PQclear(r);
    return rc;
}

static int pg_setting_set(store *s, const char *key, const char *value)
{
    struct params p = {0};
    param_text(&p, key);
    param_text(&p, value);
    return run(s, PG_SETTING_SET, &p);
}

static void read_setting(PGresult *r, int row, arena *a, void *record)
{
    struct store_setting *out = record;
    out->key = text(r, row, 0, a);
    out->value = text(r, row, 1, a);
}

static int pg_setting_list(store *s, arena *a, struct store_setting **settings, size_t *count)
{
    return collect(s, PG_SETTING_LIST, NULL, a, sizeof(**settings), read_setting, (void **)settings,
                   count);
}

static void read_user(PGresult *r, int row, arena *a, void *record)
{
    struct store_user *out = record;
    out->id = number(r, row, 0);
    out->login = text(r, row, 1, a);
    out->display_name = text(r, row, 2, a);
    out->email = text(r, row, 3, a);
    out->role = text(r, row, 4, a);
    out->disabled = boolean(r, row, 5);
    out->password_hash = text(r, row, 6, a);
}

static int pg_user_insert(store *s, const struct store_user *user, long long *id)
{
    struct params p = {0};
    param_int(&p, user->id);
    param_text(&p, user->login);
    param_text(&p, user->display_name);
    param_text(&p, or_empty(user->email));
    param_text(&p, user->role);
    param_bool(&p, user->disabled);
    param_text(&p, or_empty(user->password_hash));
    return insert_returning(s, PG_USER_INSERT, &p, id, user->id, PG_USER_BUMP_ID);
}

static int pg_user_find_login(store *s, arena *a, const char *login, struct store_user *out)
{
    struct params p = {0};
    param_text(&p, login);
    return find_one(s, PG_USER_FIND_LOGIN, &p, a, read_user, out);
}

static int pg_user_find_email(store *s, arena *a, const char *email, struct store_user *out)
{
    struct params p = {0};
    param_text(&p, email);
    return find_one(s, PG_USER_FIND_EMAIL, &p, a, read_user, out);
}

static int pg_user_list(store *s, arena *a, struct store_user **users, size_t *count)
{
    return collect(s, PG_USER_LIST, NULL, a, sizeof(**users), read_user, (void **)users, count);
}

static int pg_user_get(store *s, arena *a, long long id, struct store_user *out)
{
    struct params p = {0};
    param_int(&p, id);
    return find_one(s, PG_USER_GET, &p, a, read_user, out);
}

static int pg_user_update(store *s, const struct store_user *user)
{
    struct params p = {0};
    param_int(&p, user->id);
    param_text(&p, user->display_name);
    param_text(&p, or_empty(user->email));
    param_text(&p, user->role);
    param_bool(&p, user->disabled);
    param_text(&p, or_empty(user->password_hash));
    return update(s, PG_USER_UPDATE, &p);
}

static void read_term(PGresult *r, int row, arena *a, void *record)
{
    struct store_term *out = record;
    out->id = number(r, row, 0);
    out->taxonomy = text(r, row, 1, a);
    out->slug = text(r, row, 2, a);
    out->name = text(r, row, 3, a);
    out->description = text(r, row, 4, a);
    out->parent_id = number(r, row, 5);
}

static int pg_term_insert(store *s, const struct store_term *term, long long *id)
{
    struct params p = {0};
    param_int(&p, term->id);
    param_text(&p, term->taxonomy);
    param_text(&p, term->slug);
    param_text(&p, term->name);
    param_text(&p, or_empty(term->description));
    param_int(&p, term->parent_id);
    return insert_returning(s, PG_TERM_INSERT, &p, id, term->id, PG_TERM_BUMP_ID);
}

static int pg_term_find(store *s, arena *a, const char *taxonomy, const char *slug,
                        struct store_term *out)
{
    struct params p = {0};
    param_text(&p, taxonomy);
    param_text(&p, slug);
    return find_one(s, PG_TERM_FIND, &p, a, read_term, out);
}

static int pg_term_get(store *s, arena *a, long long id, struct store_term *out)
{
    struct params p = {0};
    param_int(&p, id);
    return find_one(s, PG_TERM_GET, &p, a, read_term, out);
}

static int pg_term_list(store *s, arena *a, struct store_term **terms, size_t *count)
{
    return collect(s, PG_TERM_LIST, NULL, a, sizeof(**terms), read_term, (void **)terms, count);
}

static int pg_post_term_add(store *s, long long post_id, long long term_id)
{
    struct params p = {0};
    param_int(&p, post_id);
    param_int(&p, term_id);
    return run(s, PG_POST_TERM_ADD, &p);
}

static int pg_post_terms(store *s, arena *a, long long post_id, struct store_term **terms,
                         size_t *count)
{
    struct params p = {0};
    param_int(&p, post_id);
    return collect(s, PG_POST_TERMS, &p, a, sizeof(**terms), read_term, (void **)terms, count);
}

static void read_post_term(PGresult *r, int row, arena *a, void *record)
{
    (void)a;
    struct store_post_term *out = record;
    out->post_id = number(r, row, 0);
    out->term_id = number(r, row, 1);
}

static int pg_post_term_list(store *s, arena *a, struct store_post_term **links, size_t *count)
{
    return collect(s, PG_POST_TERM_LIST, NULL, a, sizeof(**links), read_post_term, (void **)links,
                   count);
}

/* --- posts --- */

static void read_post(PGresult *r, int row, arena *a, void *record)
{
    struct store_post *p = record;
    p->id = number(r, row, 0);
    p->wp_id = number(r, row, 1);
    p->type = text(r, row, 2, a);
    p->status = text(r, row, 3, a);
    p->slug = text(r, row, 4, a);
    p->path = text(r, row, 5, a);
    p->title = text(r, row, 6, a);
    p->excerpt = text(r, row, 7, a);
    p->body_html = text(r, row, 8, a);
    p->body_source = text(r, row, 9, a);
    p->password = text(r, row, 10, a);
    p->guid = text(r, row, 11, a);
    p->author_id = number(r, row, 12);
    p->published_at = number(r, row, 13);
    p->modified_at = number(r, row, 14);
    p->comments_open = boolean(r, row, 15);
    p->sticky = boolean(r, row, 16);
    p->author_login = text(r, row, 17, a);
    p->author_name = text(r, row, 18, a);
    p->approved_comments = number(r, row, 19);
    p->body_text = text(r, row, 20, a);
}

static int pg_post_insert(store *s, const struct store_post *post, long long *id)
{
    struct params p = {0};
    param_int(&p, post->id);
    param_int(&p, post->wp_id);
    param_text(&p, post->type);
    param_text(&p, post->status);
    param_text(&p, post->slug);
    param_text(&p, post->path);
    param_text(&p, post->title);
    param_text(&p, or_empty(post->excerpt));
    param_text(&p, post->body_html);
    param_text(&p, or_empty(post->body_source));
    param_text(&p, or_empty(post->password));
    param_text(&p, or_empty(post->guid));
    param_int(&p, post->author_id);
    param_int(&p, post->published_at);
    param_int(&p, post->modified_at);
    param_bool(&p, post->comments_open);
    param_bool(&p, post->sticky);
    param_text(&p, or_empty(post->body_text));
    return insert_returning(s, PG_POST_INSERT, &p, id, post->id, PG_POST_BUMP_ID);
}

static int find_post_text(store *s, arena *a, enum statement_id id, const char *key,
                          struct store_post *out)
{
    struct params p = {0};
    param_text(&p, key);
    return find_one(s, id, &p, a, read_post, out);
}

static int find_post_number(store *s, arena *a, enum statement_id id, long long key,
                            struct store_post *out)
{
    struct params p = {0};
    param_int(&p, key);
    return find_one(s, id, &p, a, read_post, out);
}

static int pg_post_get(store *s, arena *a, long long id, struct store_post *out)
{
    return find_post_number(s, a, PG_POST_GET, id, out);
}

static int pg_post_find_path(store *s, arena *a, const char *path, struct store_post *out)
{
    return find_post_text(s, a, PG_POST_FIND_PATH, path, out);
}

static int pg_post_find_slug(store *s, arena *a, const char *slug, struct store_post *out)
{
    return find_post_text(s, a, PG_POST_FIND_SLUG, slug, out);
}

static int pg_post_find_wp_id(store *s, arena *a, long long wp_id, struct store_post *out)
{
    return find_post_number(s, a, PG_POST_FIND_WP_ID, wp_id, out);
}

static int exists(store *s, enum statement_id id, long long key, bool *found)
{
    struct params p = {0};
    param_int(&p, key);
    int rc = find_one(s, id, &p, NULL, NULL, NULL);
    if (rc == STORE_ERROR)
        return rc;
    *found = rc == STORE_OK;
    return STORE_OK;
}

static int pg_post_id_taken(store *s, long long id, bool *taken)
{
    return exists(s, PG_POST_ID_TAKEN, id, taken);
}

static int pg_post_set_status(store *s, long long id, const char *status)
{
    struct params p = {0};
    param_int(&p, id);
    param_text(&p, status);
    return update(s, PG_POST_SET_STATUS, &p);
}

static int pg_post_set_comments_open(store *s, long long id, bool open)
{
    struct params p = {0};
    param_int(&p, id);
    param_bool(&p, open);
    return update(s, PG_POST_SET_COMMENTS_OPEN, &p);
}

static int pg_post_update(store *s, const struct store_post *post)
{
    struct params p = {0};
    param_int(&p, post->id);
    param_text(&p, post->status);
    param_text(&p, post->slug);
    param_text(&p, post->path);
    param_text(&p, post->title);
    param_text(&p, or_empty(post->excerpt));
    param_text(&p, post->body_html);
    param_text(&p, or_empty(post->body_source));
    param_text(&p, or_empty(post->password));
    param_int(&p, post->author_id);
    param_int(&p, post->published_at);
    param_int(&p, post->modified_at);
    param_bool(&p, post->comments_open);
    param_bool(&p, post->sticky);
    param_text(&p, or_empty(post->body_text));
    return update(s, PG_POST_UPDATE, &p);
}

static int pg_post_term_clear(store *s, long long post_id)
{
    struct params p = {0};
    param_int(&p, post_id);
    return run(s, PG_POST_TERM_CLEAR, &p);
}

static int pg_post_publish_due(store *s, long long now, long long *published)
{
    struct params p = {0};
    param_int(&p, now);
    *published = 0;
    PGresult *r = execute(s, PG_POST_PUBLISH_DUE, &p);
    if (!r)
        return STORE_ERROR;
    *published = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return STORE_OK;
}

/* A filter only the admin uses (a title substring, modified order), which the listings
 * readers see (the index-ordered statements) do not know. */
static bool admin_listing(const struct store_post_filter *filter)
{
    return filter->by_modified || (filter->title_contains && filter->title_contains[0]);
}

/* The ILIKE pattern that matches titles containing `contains`, in `pattern` (the caller frees
 * it): its % _ and \ escaped with \, between two %. NULL for no filter. */
static const char *title_pattern(buf *pattern, const char *contains)
{
    if (!contains || !contains[0])
        return NULL;
    buf_putc(pattern, '%');
    for (const char *c = contains; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            buf_putc(pattern, '\\');
        buf_putc(pattern, *c);
    }
    buf_putc(pattern, '%');
    return buf_cstr(pattern);
}

static void param_limit(struct params *p, int limit)
{
    if (limit > 0)
        param_int(p, limit);
    else
        param_text(p, NULL); /* LIMIT NULL: all */
}

static int pg_post_list(store *s, arena *a, const struct store_post_filter *filter,
                        struct store_post **posts, size_t *count)
{
    struct params p = {0};
    if (filter->type && filter->status && !admin_listing(filter)) {
        bool front = store_filter_is_front(filter);
        param_text(&p, filter->type);
        param_text(&p, filter->status);
        if (!front) {
            param_int(&p, filter->term_id);
            param_int(&p, filter->author_id);
            param_int(&p, filter->from);
            param_int(&p, filter->until ? filter->until : LLONG_MAX);
        }
        param_limit(&p, filter->limit);
        param_int(&p, filter->offset);
        return collect(s, front ? PG_POST_LIST_FRONT : PG_POST_LIST_PUBLIC, &p, a, sizeof(**posts),
                       read_post, (void **)posts, count);
    }
    param_text(&p, filter->type);
    param_text(&p, filter->status);
    param_bool(&p, store_filter_is_front(filter));
    if (filter->limit > 0)
        param_int(&p, filter->limit);
    else
        param_text(&p, NULL);
    param_int(&p, filter->offset);
    param_int(&p, filter->term_id);
    param_int(&p, filter->author_id);
    param_int(&p, filter->from);
    param_int(&p, filter->until);
    buf pattern = {0};
    param_text(&p, title_pattern(&pattern, filter->title_contains));
    param_bool(&p, filter->by_modified);
    int rc = collect(s, PG_POST_LIST, &p, a, sizeof(**posts), read_post, (void **)posts, count);
    buf_free(&pattern);
    return rc;
}

static int pg_post_count(store *s, const struct store_post_filter *filter, long long *count)
{
    struct params p = {0};
    param_text(&p, filter->type);
    param_text(&p, filter->status);
    param_int(&p, filter->term_id);
    param_int(&p, filter->author_id);
    param_int(&p, filter->from);
    param_int(&p, filter->until);
    buf pattern = {0};
    param_text(&p, title_pattern(&pattern, filter->title_contains));
    PGresult *r = execute(s, PG_POST_COUNT, &p);
    buf_free(&pattern);
    if (!r)
        return STORE_ERROR;
    *count = number(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

static int adjacent(store *s, arena *a, enum statement_id id, const struct store_post *post,
                    struct store_post *out)
{
    struct params p = {0};
    param_int(&p, post->published_at);
    param_int(&p, post->id);
    memset(out, 0, sizeof(*out));
    int rc = find_one(s, id, &p, a, read_post, out);
    return rc == STORE_ERROR ? rc : STORE_OK;
}

static int pg_post_adjacent(store *s, arena *a, const struct store_post *post,
                            struct store_post *previous, struct store_post *next)
{
    if (adjacent(s, a, PG_POST_PREVIOUS, post, previous) != STORE_OK)
        return STORE_ERROR;
    return adjacent(s, a, PG_POST_NEXT, post, next);
}

/* tsquery syntax for the groups: 'w1' <-> 'w2' for a phrase, :* for a prefix; groups ANDed.
 * Words hold only letters and digits, so quoting them is safe. */
static char *tsquery(arena *a, const struct store_search_group *groups, size_t count)
{
    buf q = {0};
    for (size_t i = 0; i < count; i++) {
        buf_puts(&q, i ? " & (" : "(");
        for (size_t w = 0; w < groups[i].word_count; w++)
            buf_printf(&q, "%s'%s'%s", w ? " <-> " : "", groups[i].words[w],
                       groups[i].prefix && w + 1 == groups[i].word_count ? ":*" : "");
        buf_putc(&q, ')');
    }
    char *text = arena_strndup(a, buf_cstr(&q), q.len);
    buf_free(&q);
    return text;
}

static void read_search_hit(PGresult *r, int row, arena *a, void *record)
{
    struct store_search_hit *hit = record;
    read_post(r, row, a, &hit->post);
    hit->snippet = text(r, row, 21, a);
}

static int pg_search(store *s, arena *a, const struct store_search_group *groups,
                     size_t group_count, int limit, int offset, struct store_search_hit **hits,
                     size_t *count, long long *total)
{
    struct params p = {0};
    param_text(&p, tsquery(a, groups, group_count));
    PGresult *r = execute(s, PG_SEARCH_COUNT, &p);
    if (!r)
        return STORE_ERROR;
    *total = number(r, 0, 0);
    PQclear(r);
    param_int(&p, limit);
    param_int(&p, offset);
    return collect(s, PG_SEARCH, &p, a, sizeof(**hits), read_search_hit, (void **)hits, count);
}

/* --- comments --- */

static void read_comment(PGresult *r, int row, arena *a, void *record)
{
    struct store_comment *c = record;
    c->id = number(r, row, 0);
    c->post_id = number(r, row, 1);
    c->parent_id = number(r, row, 2);
    c->wp_id = number(r, row, 3);
    c->path = text(r, row, 4, a);
    c->depth = (int)number(r, row, 5);
    c->author = text(r, row, 6, a);
    c->email = text(r, row, 7, a);
    c->url = text(r, row, 8, a);
    c->ip = text(r, row, 9, a);
    c->user_agent = text(r, row, 10, a);
    c->body_html = text(r, row, 11, a);
    c->body_source = text(r, row, 12, a);
    c->status = text(r, row, 13, a);
    c->type = text(r, row, 14, a);
    c->held_by = text(r, row, 15, a);
    c->created_at = number(r, row, 16);
}

static void read_shown_comment(PGresult *r, int row, arena *a, void *record)
{
    struct store_comment *c = record;
    *c = COMMENT_SHOWN_REST;
    c->id = number(r, row, 0);
    c->post_id = number(r, row, 1);
    c->parent_id = number(r, row, 2);
    c->depth = (int)number(r, row, 3);
    c->author = text(r, row, 4, a);
    c->url = text(r, row, 5, a);
    c->body_html = text(r, row, 6, a);
    c->status = text(r, row, 7, a);
    c->created_at = number(r, row, 8);
}

/* $1-$16 of PG_COMMENT_INSERT and PG_COMMENT_ADD ($17 is the path: the caller's). */
static void comment_params(struct params *p, const struct store_comment *c, long long id)
{
    param_int(p, id);
    param_int(p, c->post_id);
    param_int(p, c->parent_id);
    param_int(p, c->wp_id);
    param_int(p, c->depth);
    param_text(p, c->author);
    param_text(p, c->email);
    param_text(p, or_empty(c->url));
    param_text(p, or_empty(c->ip));
    param_text(p, or_empty(c->user_agent));
    param_text(p, c->body_html);
    param_text(p, or_empty(c->body_source));
    param_text(p, c->status);
    param_text(p, c->type ? c->type : "comment");
    param_text(p, or_empty(c->held_by));
    param_int(p, c->created_at);
}

static int pg_comment_insert(store *s, const struct store_comment *c, long long *id)
{
    struct params p = {0};
    comment_params(&p, c, c->id);
    param_text(&p, or_empty(c->path));
    return insert_returning(s, PG_COMMENT_INSERT, &p, id, c->id, PG_COMMENT_BUMP_ID);
}

static int pg_comment_add(store *s, const struct store_comment *c, const char *parent_path,
                          long long *id)
{
    struct params p = {0};
    comment_params(&p, c, 0);
    param_text(&p, or_empty(parent_path));
    return insert_returning(s, PG_COMMENT_ADD, &p, id, 0, PG_COMMENT_BUMP_ID);
}

static int pg_comment_get(store *s, arena *a, long long id, struct store_comment *out)
{
    struct params p = {0};
    param_int(&p, id);
    return find_one(s, PG_COMMENT_GET, &p, a, read_comment, out);
}

static int pg_comment_find_wp_id(store *s, arena *a, long long post_id, long long wp_id,
                                 struct store_comment *out)
{
    struct params p = {0};
    param_int(&p, post_id);
    param_int(&p, wp_id);
    return find_one(s, PG_COMMENT_FIND_WP_ID, &p, a, read_comment, out);
}

static int pg_comment_id_taken(store *s, long long id, bool *taken)
{
    return exists(s, PG_COMMENT_ID_TAKEN, id, taken);
}

static int pg_comment_set_status(store *s, long long id, const char *status)
{
    struct params p = {0};
    param_int(&p, id);
    param_text(&p, status);
    return update(s, PG_COMMENT_SET_STATUS, &p);
}

static int pg_comment_thread(store *s, arena *a, long long post_id, const char *status,
                             struct store_comment **comments, size_t *count)
{
    struct params p = {0};
    param_int(&p, post_id);
    param_text(&p, status);
    return collect(s, PG_COMMENT_THREAD, &p, a, sizeof(**comments), read_shown_comment,
                   (void **)comments, count);
}

static int pg_comment_list(store *s, arena *a, const struct store_comment_filter *filter,
                           struct store_comment **comments, size_t *count)
{
    struct params p = {0};
    param_text(&p, filter->status);
    param_int(&p, filter->post_id);
    if (filter->limit > 0)
        param_int(&p, filter->limit);
    else
        param_text(&p, NULL);
    param_text(&p, filter->type);
    param_bool(&p, filter->public_posts);
    param_int(&p, filter->post_author_id);
    param_int(&p, filter->offset);
    return collect(s, PG_COMMENT_LIST, &p, a, sizeof(**comments), read_comment, (void **)comments,
                   count);
}

static int pg_comment_author_approved(store *s, const char *author, const char *email,
                                      bool *has_approved)
{
    struct params p = {0};
    param_text(&p, author);
    param_text(&p, email);
    int rc = find_one(s, PG_COMMENT_AUTHOR_APPROVED, &p, NULL, NULL, NULL);
    if (rc == STORE_ERROR)
        return rc;
    *has_approved = rc == STORE_OK;
    return STORE_OK;
}

static int pg_comment_count_ip(store *s, const char *ip, long long since, long long *count)
{
    struct params p = {0};
    param_text(&p, ip);
    param_int(&p, since);
    PGresult *r = execute(s, PG_COMMENT_COUNT_IP, &p);
    if (!r)
        return STORE_ERROR;
    *count = number(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

static int pg_comment_counts(store *s, long long post_author_id, struct store_comment_counts *out)
{
    struct params p = {0};
    param_int(&p, post_author_id);
    PGresult *r = execute(s, PG_COMMENT_COUNTS, &p);
    if (!r)
        return STORE_ERROR;
    *out = (struct store_comment_counts){number(r, 0, 0), number(r, 0, 1), number(r, 0, 2),
                                         number(r, 0, 3)};
    PQclear(r);
    return STORE_OK;
}

static int pg_comment_update(store *s, const struct store_comment *c)
{
    struct params p = {0};
    param_int(&p, c->id);
    param_text(&p, c->author);
    param_text(&p, c->email);
    param_text(&p, or_empty(c->url));
    param_text(&p, or_empty(c->body_source));
    param_text(&p, c->body_html);
    return update(s, PG_COMMENT_UPDATE, &p);
}

static int pg_comment_delete(store *s, long long id)
{
    struct params p = {0};
    param_int(&p, id);
    int rc = update(s, PG_COMMENT_DELETE, &p);
    if (rc != STORE_NOT_FOUND)
        return rc;
    bool found; /* nothing deleted: missing, or kept for its replies */
    if (exists(s, PG_COMMENT_ID_TAKEN, id, &found) != STORE_OK)
        return STORE_ERROR;
    return found ? store_fail(s, "comment %lld has replies: trash it instead", id)
                 : STORE_NOT_FOUND;
}

static void read_comment_edit(PGresult *r, int row, arena *a, void *record)
{
    struct store_comment_edit *e = record;
    e->id = number(r, row, 0);
    e->comment_id = number(r, row, 1);
    e->user_id = number(r, row, 2);
    e->edited_at = number(r, row, 3);
    e->author = text(r, row, 4, a);
    e->email = text(r, row, 5, a);
    e->url = text(r, row, 6, a);
    e->body_source = text(r, row, 7, a);
    e->body_html = text(r, row, 8, a);
    e->user_login = text(r, row, 9, a);
}

static int pg_comment_edit_insert(store *s, const struct store_comment_edit *e)
{
    struct params p = {0};
    param_int(&p, e->comment_id);
    param_int(&p, e->user_id);
    param_int(&p, e->edited_at);
    param_text(&p, e->author);
    param_text(&p, e->email);
    param_text(&p, or_empty(e->url));
    param_text(&p, or_empty(e->body_source));
    param_text(&p, e->body_html);
    return run(s, PG_COMMENT_EDIT_INSERT, &p);
}

static int pg_comment_edit_list(store *s, arena *a, long long comment_id,
                                struct store_comment_edit **edits, size_t *count)
{
    struct params p = {0};
    param_int(&p, comment_id);
    return collect(s, PG_COMMENT_EDIT_LIST, &p, a, sizeof(**edits), read_comment_edit,
                   (void **)edits, count);
}

/* --- post revisions --- */

static void read_revision(PGresult *r, int row, arena *a, void *record)
{
    struct store_revision *v = record;
    v->id = number(r, row, 0);
    v->post_id = number(r, row, 1);
    v->user_id = number(r, row, 2);
    v->saved_at = number(r, row, 3);
    v->title = text(r, row, 4, a);
    v->slug = text(r, row, 5, a);
    v->excerpt = text(r, row, 6, a);
    v->body_source = text(r, row, 7, a);
    v->body_html = text(r, row, 8, a);
    v->user_login = text(r, row, 9, a);
}

static int pg_revision_insert(store *s, const struct store_revision *v, int keep)
{
    struct params p = {0};
    param_int(&p, v->post_id);
    param_int(&p, v->user_id);
    param_int(&p, v->saved_at);
    param_text(&p, v->title);
    param_text(&p, v->slug);
    param_text(&p, or_empty(v->excerpt));
    param_text(&p, or_empty(v->body_source));
    param_text(&p, v->body_html);
    if (run(s, PG_REVISION_INSERT, &p) != STORE_OK)
        return STORE_ERROR;
    struct params trim = {0};
    param_int(&trim, v->post_id);
    param_limit(&trim, keep); /* keep 0: all */
    return run(s, PG_REVISION_TRIM, &trim);
}

static int pg_revision_list(store *s, arena *a, long long post_id,
                            struct store_revision **revisions, size_t *count)
{
    struct params p = {0};
    param_int(&p, post_id);
    return collect(s, PG_REVISION_LIST, &p, a, sizeof(**revisions), read_revision,
                   (void **)revisions, count);
}

static int pg_revision_get(store *s, arena *a, long long id, struct store_revision *out)
{
    struct params p = {0};
    param_int(&p, id);
    return find_one(s, PG_REVISION_GET, &p, a, read_revision, out);
}

/* --- sessions, failed logins, the audit log --- */

static int pg_session_insert(store *s, const struct store_session *session)
{
    struct params p = {0};
    param_text(&p, session->token_hash);
    param_int(&p, session->user_id);
    param_text(&p, session->csrf);
    param_int(&p, session->created_at);
    param_int(&p, session->expires_at);
    return run(s, PG_SESSION_INSERT, &p);
}

static int pg_session_find(store *s, arena *a, const char *token_hash, long long now,
                           struct store_session *out, struct store_user *user)
{
    struct params p = {0};
    param_text(&p, token_hash);
    param_int(&p, now);
    PGresult *r = execute(s, PG_SESSION_FIND, &p);
    if (!r)
        return STORE_ERROR;
    int rc = PQntuples(r) > 0 ? STORE_OK : STORE_NOT_FOUND;
    if (rc == STORE_OK) {
        read_user(r, 0, a, user);
        out->user_id = user->id;
        out->token_hash = text(r, 0, 7, a);
        out->csrf = text(r, 0, 8, a);
        out->created_at = number(r, 0, 9);
        out->expires_at = number(r, 0, 10);
    }
    PQclear(r);
    return rc;
}

static int pg_session_delete(store *s, const char *token_hash)
{
    struct params p = {0};
    param_text(&p, token_hash);
    return run(s, PG_SESSION_DELETE, &p);
}

static int pg_session_delete_user(store *s, long long user_id)
{
    struct params p = {0};
    param_int(&p, user_id);
    return run(s, PG_SESSION_DELETE_USER, &p);
}

static int pg_session_purge(store *s, long long now)
{
    struct params p = {0};
    param_int(&p, now);
    return run(s, PG_SESSION_PURGE, &p);
}

static int pg_login_failure_add(store *s, const char *ip, const char *login, long long at)
{
    struct params p = {0};
    param_text(&p, ip);
    param_text(&p, login);
    param_int(&p, at);
    return run(s, PG_LOGIN_FAILURE_ADD, &p);
}

static int pg_login_failures(store *s, const char *ip, const char *login, long long since,
                             long long *by_ip, long long *by_login)
{
    struct params p = {0};
    param_text(&p, ip);
    param_text(&p, login);
    param_int(&p, since);
    PGresult *r = execute(s, PG_LOGIN_FAILURES, &p);
    if (!r)
        return STORE_ERROR;
    *by_ip = number(r, 0, 0);
    *by_login = number(r, 0, 1);
    PQclear(r);
    return STORE_OK;
}

static int pg_login_failures_clear(store *s, const char *login)
{
    struct params p = {0};
    param_text(&p, login);
    return run(s, PG_LOGIN_FAILURES_CLEAR, &p);
}

static int pg_login_failure_remove(store *s, const char *ip, const char *login, long long at)
{
    struct params p = {0};
    param_text(&p, ip);
    param_text(&p, login);
    param_int(&p, at);
    return run(s, PG_LOGIN_FAILURE_REMOVE, &p);
}

static int pg_post_password_failure_add(store *s, const char *ip, long long post_id, long long at)
{
    struct params p = {0};
    param_text(&p, ip);
    param_int(&p, post_id);
    param_int(&p, at);
    return run(s, PG_POST_PASSWORD_FAILURE_ADD, &p);
}

static int pg_post_password_failures(store *s, const char *ip, long long post_id, long long since,
                                     long long *count)
{
    struct params p = {0};
    param_text(&p, ip);
    param_int(&p, post_id);
    param_int(&p, since);
    PGresult *r = execute(s, PG_POST_PASSWORD_FAILURES, &p);
    if (!r)
        return STORE_ERROR;
    *count = number(r, 0, 0);
    PQclear(r);
    return STORE_OK;
}

static int pg_post_password_failure_remove(store *s, const char *ip, long long post_id,
                                           long long at)
{
    struct params p = {0};
    param_text(&p, ip);
    param_int(&p, post_id);
    param_int(&p, at);
    return run(s, PG_POST_PASSWORD_FAILURE_REMOVE, &p);
}

static void read_audit(PGresult *r, int row, arena *a, void *record)
{
    struct store_audit *e = record;
    e->id = number(r, row, 0);
    e->user_id = number(r, row, 1);
    e->at = number(r, row, 2);
    e->action = text(r, row, 3, a);
    e->target = text(r, row, 4, a);
    e->detail = text(r, row, 5, a);
    e->user_login = text(r, row, 6, a);
}

static int pg_audit_insert(store *s, const struct store_audit *entry)
{
    struct params p = {0};
    param_int(&p, entry->user_id);
    param_int(&p, entry->at);
    param_text(&p, entry->action);
    param_text(&p, entry->target);
    param_text(&p, or_empty(entry->detail));
    return run(s, PG_AUDIT_INSERT, &p);
}

static int pg_audit_list(store *s, arena *a, int limit, int offset, struct store_audit **entries,
                         size_t *count)
{
    struct params p = {0};
    param_limit(&p, limit);
    param_int(&p, offset);
    return collect(s, PG_AUDIT_LIST, &p, a, sizeof(**entries), read_audit, (void **)entries, count);
}

/* --- whole-site operations --- */

static int pg_counts(store *s, struct store_counts *counts)
{
    PGresult *r = execute(s, PG_COUNTS, NULL);
    if (!r)
        return STORE_ERROR;
    *counts = (struct store_counts){number(r, 0, 0), number(r, 0, 1), number(r, 0, 2),
                                    number(r, 0, 3), number(r, 0, 4), number(r, 0, 5)};
    PQclear(r);
    return STORE_OK;
}

static int pg_clear(store *s)
{
    return run(s, PG_CLEAR, NULL);
}

static int pg_defer_constraints(store *s)
{
    return run(s, PG_DEFER_CONSTRAINTS, NULL);
}

/* --- the mail outbox --- */

static void read_mail(PGresult *r, int row, arena *a, void *record)
{
    struct store_mail *m = record;
    m->id = number(r, row, 0);
    m->post_id = number(r, row, 1);
    m->created_at = number(r, row, 2);
    m->status = text(r, row, 3, a);
    m->sender = text(r, row, 4, a);
    m->recipient = text(r, row, 5, a);
    m->client_ip = text(r, row, 6, a);
    m->message = text(r, row, 7, a);
    m->attempts = (int)number(r, row, 8);
    m->next_attempt_at = number(r, row, 9);
    m->claimed_at = number(r, row, 10);
    m->sent_at = number(r, row, 11);
    m->last_error = text(r, row, 12, a);
}

static int pg_mail_insert(store *s, const struct store_mail *m, long long *id)
{
    struct params p = {0};
    param_int(&p, m->post_id);
    param_int(&p, m->created_at);
    param_text(&p, m->sender);
    param_text(&p, m->recipient);
    param_text(&p, or_empty(m->client_ip));
    param_text(&p, m->message);
    param_int(&p, m->next_attempt_at);
    return insert_returning(s, PG_MAIL_INSERT, &p, id, 0, PG_MAIL_INSERT);
}

static int pg_mail_due(store *s, arena *a, long long now, int limit, struct store_mail **mails,
                       size_t *count)
{
    struct params p = {0};
    param_int(&p, now);
    param_int(&p, limit);
    return collect(s, PG_MAIL_DUE, &p, a, sizeof(**mails), read_mail, (void **)mails, count);
}

static int pg_mail_claim(store *s, long long id, long long now, bool *claimed)
{
    struct params p = {0};
    param_int(&p, id);
    param_int(&p, now);
    int rc = update(s, PG_MAIL_CLAIM, &p);
    *claimed = rc == STORE_OK;
    return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

static int pg_mail_finish(store *s, long long id, const char *status, int attempts,
                          long long next_attempt_at, long long sent_at, const char *last_error)
{
    struct params p = {0};
    param_int(&p, id);
    param_text(&p, status);
    param_int(&p, attempts);
    param_int(&p, next_attempt_at);
    param_int(&p, sent_at);
    param_text(&p, or_empty(last_error));
    return run(s, PG_MAIL_FINISH, &p);
}

static int pg_mail_release(store *s, long long before)
{
    struct params p = {0};
    param_int(&p, before);
    return run(s, PG_MAIL_RELEASE, &p);
}

static int pg_mail_requeue(store *s, long long id, long long now)
{
    struct params p = {0};
    param_int(&p, id);
    param_int(&p, now);
    return update(s, PG_MAIL_REQUEUE, &p);
}

static int pg_mail_list(store *s, arena *a, struct store_mail **mails, size_t *count)
{
    return collect(s, PG_MAIL_LIST, NULL, a, sizeof(**mails), read_mail, (void **)mails, count);
}

static int pg_mail_get(store *s, arena *a, long long id, struct store_mail *out)
{
    struct params p = {0};
    param_int(&p, id);
    return find_one(s, PG_MAIL_GET, &p, a, read_mail, out);
}

/* READ COMMITTED (the default) gives each statement a fresh snapshot: once this lock is
 * held, store_mail_recent sees every message queued by the lock's earlier holders, which
 * committed before releasing it (an xact lock is released at COMMIT or ROLLBACK). Cheaper than
 * SERIALIZABLE, which would make the losing sends fail and retry. */
static int pg_mail_lock_limits(store *s)
{
    return run(s, PG_MAIL_LOCK_LIMITS, NULL);
}

static int pg_mail_recent(store *s, const char *client_ip, const char *recipient, long long since,
                          long long *by_client, long long *by_recipient)
{
    struct params p = {0};
    param_text(&p, client_ip);
    param_text(&p, recipient);
    param_int(&p, since);
    PGresult *r = execute(s, PG_MAIL_RECENT, &p);
    if (!r)
        return STORE_ERROR;
    *by_client = number(r, 0, 0);
    *by_recipient = number(r, 0, 1);
    PQclear(r);
    return STORE_OK;
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

#define PG_OPERATION(name, parameters, arguments, ...) .name = pg_##name,

static const struct store_backend pg_backend = {
    .name = "postgresql",
    STORE_READS(PG_OPERATION) STORE_WRITES(PG_OPERATION).begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .close = pg_close,
    .watch = pg_watch,
};
