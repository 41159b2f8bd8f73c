/* backend.h: the store's operations, the primitives each engine (sqlite.c, pg.c) supplies to
 * run them, and the connection they share. Only store/ (and its tests) include this file. */
#ifndef GAZETTE_STORE_BACKEND_H
#define GAZETTE_STORE_BACKEND_H

#include "store/statements.h"
#include "store/store.h"

/* Every operation of store.h that returns a store result, as X(name, parameters, arguments).
 * Reads and writes are listed apart: store.c tells the change hook about writes. */
#define STORE_READS(X)                                                                             \
    X(setting_get, (store * s, arena * a, const char *key, const char **value),                    \
      (s, a, key, value))                                                                          \
    X(setting_list, (store * s, arena * a, struct store_setting * *settings, size_t * count),      \
      (s, a, settings, count))                                                                     \
    X(user_find_login, (store * s, arena * a, const char *login, struct store_user *out),          \
      (s, a, login, out))                                                                          \
    X(user_list, (store * s, arena * a, struct store_user * *users, size_t * count),               \
      (s, a, users, count))                                                                        \
    X(user_find_nicename, (store * s, arena * a, const char *nicename, struct store_user *out),    \
      (s, a, nicename, out))                                                                       \
    X(post_find_old_path, (store * s, arena * a, const char *path, struct store_post *out),        \
      (s, a, path, out))                                                                           \
    X(post_parent, (store * s, long long id, long long *parent_id), (s, id, parent_id))            \
    X(post_children,                                                                               \
      (store * s, arena * a, long long id, struct store_post **posts, size_t *count),              \
      (s, a, id, posts, count))                                                                    \
    X(term_find,                                                                                   \
      (store * s, arena * a, const char *taxonomy, const char *slug, struct store_term *out),      \
      (s, a, taxonomy, slug, out))                                                                 \
    X(term_get, (store * s, arena * a, long long id, struct store_term *out), (s, a, id, out))     \
    X(term_find_wp_id,                                                                             \
      (store * s, arena * a, const char *taxonomy, long long wp_id, struct store_term *out),       \
      (s, a, taxonomy, wp_id, out))                                                                \
    X(user_find_wp_id, (store * s, arena * a, long long wp_id, struct store_user *out),            \
      (s, a, wp_id, out))                                                                          \
    X(term_list, (store * s, arena * a, struct store_term * *terms, size_t * count),               \
      (s, a, terms, count))                                                                        \
    X(custom_fields,                                                                               \
      (store * s, arena * a, long long post_id, struct store_custom_field **fields,                \
       size_t *count),                                                                             \
      (s, a, post_id, fields, count))                                                              \
    X(menu_items,                                                                                  \
      (store * s, arena * a, const char *menu, struct store_menu_item **items, size_t *count),     \
      (s, a, menu, items, count))                                                                  \
    X(page_list, (store * s, arena * a, int limit, struct store_post **pages, size_t *count),      \
      (s, a, limit, pages, count))                                                                 \
    X(post_terms,                                                                                  \
      (store * s, arena * a, long long post_id, struct store_term **terms, size_t *count),         \
      (s, a, post_id, terms, count))                                                               \
    X(post_term_list, (store * s, arena * a, struct store_post_term * *links, size_t * count),     \
      (s, a, links, count))                                                                        \
    X(post_get, (store * s, arena * a, long long id, struct store_post *out), (s, a, id, out))     \
    X(post_find_path, (store * s, arena * a, const char *path, struct store_post *out),            \
      (s, a, path, out))                                                                           \
    X(post_find_slug, (store * s, arena * a, const char *slug, struct store_post *out),            \
      (s, a, slug, out))                                                                           \
    X(post_find_wp_id, (store * s, arena * a, long long wp_id, struct store_post *out),            \
      (s, a, wp_id, out))                                                                          \
    X(post_id_taken, (store * s, long long id, bool *taken), (s, id, taken))                       \
    X(post_list,                                                                                   \
      (store * s, arena * a, const struct store_post_filter *filter, struct store_post **posts,    \
       size_t *count),                                                                             \
      (s, a, filter, posts, count))                                                                \
    X(post_count, (store * s, const struct store_post_filter *filter, long long *count),           \
      (s, filter, count))                                                                          \
    X(post_adjacent,                                                                               \
      (store * s, arena * a, const struct store_post *post, struct store_post *previous,           \
       struct store_post *next),                                                                   \
      (s, a, post, previous, next))                                                                \
    X(search,                                                                                      \
      (store * s, arena * a, const struct store_search_group *groups, size_t group_count,          \
       int limit, int offset, struct store_search_hit **hits, size_t *count, long long *total),    \
      (s, a, groups, group_count, limit, offset, hits, count, total))                              \
    X(task_pending, (store * s, const char *name, bool *pending), (s, name, pending))              \
    X(comment_get, (store * s, arena * a, long long id, struct store_comment *out),                \
      (s, a, id, out))                                                                             \
    X(comment_find_wp_id,                                                                          \
      (store * s, arena * a, long long post_id, long long wp_id, struct store_comment *out),       \
      (s, a, post_id, wp_id, out))                                                                 \
    X(comment_id_taken, (store * s, long long id, bool *taken), (s, id, taken))                    \
    X(comment_has_replies, (store * s, long long id, bool *has_replies), (s, id, has_replies))     \
    X(comment_thread,                                                                              \
      (store * s, arena * a, long long post_id, enum comment_status status,                        \
       struct store_comment **comments, size_t *count),                                            \
      (s, a, post_id, status, comments, count))                                                    \
    X(comment_thread_shape,                                                                        \
      (store * s, arena * a, long long post_id, struct store_comment **comments, size_t *count),   \
      (s, a, post_id, comments, count))                                                            \
    X(comment_list,                                                                                \
      (store * s, arena * a, const struct store_comment_filter *filter,                            \
       struct store_comment **comments, size_t *count),                                            \
      (s, a, filter, comments, count))                                                             \
    X(comment_author_approved,                                                                     \
      (store * s, const char *author, const char *email, bool *has_approved),                      \
      (s, author, email, has_approved))                                                            \
    X(user_find_email, (store * s, arena * a, const char *email, struct store_user *out),          \
      (s, a, email, out))                                                                          \
    X(post_password_failures,                                                                      \
      (store * s, const char *ip, long long post_id, long long since, long long *count),           \
      (s, ip, post_id, since, count))                                                              \
    X(counts, (store * s, struct store_counts * counts), (s, counts))                              \
    X(table_sums, (store * s, arena * a, struct store_table_sum * *sums, size_t * count),          \
      (s, a, sums, count))                                                                         \
    X(user_get, (store * s, arena * a, long long id, struct store_user *out), (s, a, id, out))     \
    X(session_find,                                                                                \
      (store * s, arena * a, const char *token_hash, long long now, struct store_session *out,     \
       struct store_user *user),                                                                   \
      (s, a, token_hash, now, out, user))                                                          \
    X(login_failures,                                                                              \
      (store * s, const char *ip, const char *login, long long since, long long *by_ip,            \
       long long *by_login),                                                                       \
      (s, ip, login, since, by_ip, by_login))                                                      \
    X(audit_list,                                                                                  \
      (store * s, arena * a, int limit, int offset, struct store_audit **entries, size_t *count),  \
      (s, a, limit, offset, entries, count))                                                       \
    X(revision_list,                                                                               \
      (store * s, arena * a, long long post_id, struct store_revision **revisions, size_t *count), \
      (s, a, post_id, revisions, count))                                                           \
    X(revision_get, (store * s, arena * a, long long id, struct store_revision *out),              \
      (s, a, id, out))                                                                             \
    X(comment_count_ip, (store * s, const char *ip, long long since, long long *count),            \
      (s, ip, since, count))                                                                       \
    X(comment_counts, (store * s, long long post_author_id, struct store_comment_counts *out),     \
      (s, post_author_id, out))                                                                    \
    X(comment_edit_list,                                                                           \
      (store * s, arena * a, long long comment_id, struct store_comment_edit **edits,              \
       size_t *count),                                                                             \
      (s, a, comment_id, edits, count))                                                            \
    X(mail_due,                                                                                    \
      (store * s, arena * a, long long now, int limit, struct store_mail **mails, size_t *count),  \
      (s, a, now, limit, mails, count))                                                            \
    X(mail_list, (store * s, arena * a, struct store_mail * *mails, size_t * count),               \
      (s, a, mails, count))                                                                        \
    X(mail_get, (store * s, arena * a, long long id, struct store_mail *out), (s, a, id, out))     \
    X(mail_recent,                                                                                 \
      (store * s, const char *client_ip, const char *recipient, long long since,                   \
       long long *by_client, long long *by_recipient),                                             \
      (s, client_ip, recipient, since, by_client, by_recipient))                                   \
    X(media_get, (store * s, arena * a, long long id, struct store_media *out), (s, a, id, out))   \
    X(media_find_wp_id, (store * s, arena * a, long long wp_id, struct store_media *out),          \
      (s, a, wp_id, out))                                                                          \
    X(media_find_file, (store * s, arena * a, const char *file, struct store_media *out),          \
      (s, a, file, out))                                                                           \
    X(media_find_page, (store * s, arena * a, const char *page_path, struct store_media *out),     \
      (s, a, page_path, out))                                                                      \
    X(media_list,                                                                                  \
      (store * s, arena * a, const struct store_media_filter *filter, struct store_media **media,  \
       size_t *count),                                                                             \
      (s, a, filter, media, count))                                                                \
    X(media_count, (store * s, const struct store_media_filter *filter, long long *count),         \
      (s, filter, count))                                                                          \
    X(media_file_find, (store * s, arena * a, const char *path, struct store_media_file *out),     \
      (s, a, path, out))                                                                           \
    X(media_file_data,                                                                             \
      (store * s, arena * a, const char *path, const unsigned char **data, size_t *length),        \
      (s, a, path, data, length))                                                                  \
    X(media_files,                                                                                 \
      (store * s, arena * a, long long media_id, struct store_media_file **files, size_t *count),  \
      (s, a, media_id, files, count))

/* Writes carry a fourth element: which post's pages the write may change (read after the call:
 * it may use the arguments), 0 for none, -1 for any page of the site. */
#define STORE_WRITES(X)                                                                            \
    X(setting_set, (store * s, const char *key, const char *value), (s, key, value), -1)           \
    X(user_insert, (store * s, const struct store_user *user, long long *id), (s, user, id), -1)   \
    X(term_insert, (store * s, const struct store_term *term, long long *id), (s, term, id), -1)   \
    X(term_update, (store * s, const struct store_term *term), (s, term), -1)                      \
    X(custom_field_add, (store * s, long long post_id, const char *name, const char *value),       \
      (s, post_id, name, value), post_id)                                                          \
    X(menu_item_insert, (store * s, const struct store_menu_item *item, long long *id),            \
      (s, item, id), -1)                                                                           \
    X(menu_clear, (store * s, const char *menu), (s, menu), -1)                                    \
    X(comment_set_trashed_with_post, (store * s, long long id, enum comment_status restore),       \
      (s, id, restore), -1)                                                                        \
    X(comments_trash_with_post, (store * s, long long post_id), (s, post_id), post_id)             \
    X(comments_restore_with_post, (store * s, long long post_id), (s, post_id), post_id)           \
    X(post_term_add, (store * s, long long post_id, long long term_id), (s, post_id, term_id),     \
      post_id)                                                                                     \
    X(post_insert, (store * s, const struct store_post *post, long long *id), (s, post, id), *id)  \
    X(post_set_status, (store * s, long long id, enum post_status status), (s, id, status), id)    \
    X(post_set_comments_open, (store * s, long long id, bool open), (s, id, open), id)             \
    X(comment_insert, (store * s, const struct store_comment *comment, long long *id),             \
      (s, comment, id), comment->post_id)                                                          \
    X(comment_add,                                                                                 \
      (store * s, const struct store_comment *comment, const char *parent_path, long long *id),    \
      (s, comment, parent_path, id), comment->post_id)                                             \
    X(comment_set_status, (store * s, long long id, enum comment_status status), (s, id, status),  \
      -1)                                                                                          \
    X(clear, (store * s), (s), -1)                                                                 \
    X(copy_from, (store * s, store * from, arena * a), (s, from, a), -1)                           \
    X(defer_constraints, (store * s), (s), 0)                                                      \
    X(mail_insert, (store * s, const struct store_mail *mail, long long *id), (s, mail, id), 0)    \
    X(mail_lock_limits, (store * s), (s), 0)                                                       \
    X(mail_claim, (store * s, long long id, long long now, bool *claimed), (s, id, now, claimed),  \
      0)                                                                                           \
    X(mail_finish,                                                                                 \
      (store * s, long long id, enum mail_status status, int attempts, long long next_attempt_at,  \
       long long sent_at, const char *last_error),                                                 \
      (s, id, status, attempts, next_attempt_at, sent_at, last_error), 0)                          \
    X(mail_release, (store * s, long long before), (s, before), 0)                                 \
    X(mail_requeue, (store * s, long long id, long long now), (s, id, now), 0)                     \
    X(user_update, (store * s, const struct store_user *user), (s, user), -1)                      \
    X(session_insert, (store * s, const struct store_session *session), (s, session), 0)           \
    X(session_delete, (store * s, const char *token_hash), (s, token_hash), 0)                     \
    X(session_delete_user, (store * s, long long user_id), (s, user_id), 0)                        \
    X(session_purge, (store * s, long long now), (s, now), 0)                                      \
    X(login_failure_add, (store * s, const char *ip, const char *login, long long at),             \
      (s, ip, login, at), 0)                                                                       \
    X(login_failures_clear, (store * s, const char *login), (s, login), 0)                         \
    X(login_failure_remove, (store * s, const char *ip, const char *login, long long at),          \
      (s, ip, login, at), 0)                                                                       \
    X(post_password_failure_add, (store * s, const char *ip, long long post_id, long long at),     \
      (s, ip, post_id, at), 0)                                                                     \
    X(post_password_failure_remove, (store * s, const char *ip, long long post_id, long long at),  \
      (s, ip, post_id, at), 0)                                                                     \
    X(audit_insert, (store * s, const struct store_audit *entry), (s, entry), 0)                   \
    X(post_update, (store * s, const struct store_post *post), (s, post), -1)                      \
    X(search_refold, (store * s), (s), -1)                                                         \
    X(post_term_clear, (store * s, long long post_id), (s, post_id), post_id)                      \
    X(post_old_path_add, (store * s, const char *path, long long post_id), (s, path, post_id),     \
      post_id)                                                                                     \
    X(post_set_parent, (store * s, long long id, long long parent_id), (s, id, parent_id), id)     \
    X(post_publish_due, (store * s, long long now, long long *published), (s, now, published),     \
      (*published > 0 ? -1 : 0))                                                                   \
    X(revision_insert, (store * s, const struct store_revision *revision, int keep),               \
      (s, revision, keep), 0)                                                                      \
    X(comment_update, (store * s, const struct store_comment *c), (s, c),                          \
      (c->post_id > 0 ? c->post_id : -1))                                                          \
    X(comment_delete, (store * s, long long id), (s, id), -1)                                      \
    X(comment_edit_insert, (store * s, const struct store_comment_edit *edit), (s, edit), 0)       \
    /* a media no page shows yet: nothing; its files, its fields or its end: any page */           \
    X(media_insert, (store * s, const struct store_media *media, long long *id), (s, media, id),   \
      0)                                                                                           \
    X(media_update, (store * s, const struct store_media *media), (s, media), -1)                  \
    X(media_delete, (store * s, long long id), (s, id), -1)                                        \
    X(media_file_put, (store * s, const struct store_media_file *file, long long *id),             \
      (s, file, id), -1)                                                                           \
    X(media_files_clear, (store * s, long long media_id), (s, media_id), -1)

/* What each engine supplies: the primitives operations.c runs every operation with, and what
 * is truly its own. A connection runs one statement at a time: prepare makes it current, the
 * binds and steps act on it, and reset ends it. */
enum store_step {
    STORE_STEP_ROW,      /* a row is current: read its columns */
    STORE_STEP_DONE,     /* no more rows */
    STORE_STEP_ERROR,    /* failed: the message is on the store */
    STORE_STEP_CONFLICT, /* a constraint refused the write: the message is on the store */
};

struct store_engine {
    const char *name; /* "sqlite", "postgresql" */
    bool postgres;    /* which texts of statements.h it runs */
    /* Makes statement `id` current with every parameter NULL, preparing it on its first use on
     * this connection and checking it against its declared counts. STORE_OK or STORE_ERROR. */
    int (*prepare)(store *s, enum statement_id id);
    /* Makes `sql` (?N parameters, `parameters` of them) the current statement as prepare does,
     * for the statements store/copy.c builds from the catalog's names; not kept after reset.
     * s->statement names it in messages. */
    int (*prepare_text)(store *s, const char *sql, int parameters);
    void (*bind_int)(store *s, int index, long long value);
    /* NULL binds SQL NULL; the text is not copied and must outlive the statement's steps */
    void (*bind_text)(store *s, int index, const char *text);
    void (*bind_bool)(store *s, int index, bool value);
    /* binary data, `length` bytes (NULL with 0: empty, not SQL NULL); not copied: it must
     * outlive the statement's steps */
    void (*bind_blob)(store *s, int index, const void *data, size_t length);
    enum store_step (*step)(store *s);
    long long (*column_int)(store *s, int column);
    /* an empty text is "" (no copy); else a copy in `a` */
    const char *(*column_text)(store *s, arena *a, int column);
    /* the text itself, not copied ("" for NULL), valid until the next step: a status to map */
    const char *(*column_peek)(store *s, int column);
    bool (*column_bool)(store *s, int column);
    /* a binary column's bytes, copied into `a` (never NULL: an empty one is a valid pointer),
     * and their number */
    const unsigned char *(*column_blob)(store *s, arena *a, int column, size_t *length);
    bool (*column_null)(store *s, int column); /* whether the column is SQL NULL */
    /* rows the current result holds when the engine knows them after the first step, else 0 */
    size_t (*row_count)(store *s);
    long long (*changes)(store *s); /* rows the finished write changed */
    /* the id of the row a finished insert that .returns_id made (before reset) */
    long long (*insert_id)(store *s);
    void (*reset)(store *s); /* ends the current statement; safe when none is */
    /* the full-text query for the groups, in the engine's syntax, allocated in `a` */
    const char *(*search_query)(arena *a, const struct store_search_group *groups, size_t count);
    int (*begin)(store *s);
    int (*begin_bulk)(store *s); /* NULL: begin */
    int (*commit)(store *s);
    void (*rollback)(store *s);
    void (*close)(store *s);
    void (*limit_memory)(store *s, int kib); /* NULL: nothing to bound */
    /* Blocks until *stop, calling changed(context, post id or -1 for anything) when another
     * connection or process may have changed the data (-1 after a reconnect too, since
     * changes may have been missed). */
    void (*watch)(store *s, void (*changed)(void *context, long long post_id), void *context,
                  volatile sig_atomic_t *stop);
};

/* The part of every backend's connection that store.c and operations.c use; each backend's
 * struct starts with it. */
struct store {
    const struct store_engine *engine;
    unsigned long long serial; /* store_serial */
    bool in_transaction;       /* between store_begin and store_commit/store_rollback */
    long long changed; /* pages the open transaction's writes change: 0 none, a post id, -1 all */
    buf error;         /* the last error message */
    enum statement_id statement; /* the current statement (operations.c) */
};

/* Each operation of the lists above, written once in operations.c; store.c calls them. */
#define STORE_OPERATION_DECLARATION(name, parameters, ...) int operation_##name parameters;
STORE_READS(STORE_OPERATION_DECLARATION)
STORE_WRITES(STORE_OPERATION_DECLARATION)

store *sqlite_store_open(const char *path, buf *error);
store *pg_store_open(const char *uri, buf *error);

/* Whether a listing is the front page's: only there do sticky posts come first. */
bool store_filter_is_front(const struct store_post_filter *filter);

/* Tells the change hook (store_on_change) that committed writes changed `scope`: a post id,
 * -1 for any page; 0 is nothing. */
void store_changed(long long scope);

/* Sets the error message of `s` (printf-style); returns STORE_ERROR. */
int store_fail(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
