/* store.h: the one storage interface; every read and write of site data goes through it. */
#ifndef GAZETTE_STORE_STORE_H
#define GAZETTE_STORE_STORE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

/*
 * A store is one connection to the site's database, used by one thread at a time (each server
 * worker opens its own). Records returned by the store are allocated in the arena the caller
 * passes, and live as long as it. No database type leaks through this header, so a second
 * backend (PostgreSQL) implements the same functions.
 *
 * Every function returns STORE_OK, STORE_NOT_FOUND (a lookup found nothing), or STORE_ERROR
 * (the message is in store_error()); STORE_CONFLICT only where its comment says so. Writes
 * outside store_begin/store_commit are each their own transaction.
 */

enum store_result {
    STORE_ERROR = -1,
    STORE_OK = 0,
    STORE_NOT_FOUND = 1,
    STORE_CONFLICT = 2, /* the data refused the write (only where a function says so) */
};

typedef struct store store;

/*
 * The vocabulary of the data: statuses, types and roles as enums. The database keeps them as
 * text (the schema is unchanged); the store's parameter binding and row readers map between
 * the two (operations.c), and text from outside (CLI, forms, imports) is parsed once at the
 * edge with the *_parse functions, which return false for an unknown name. The value 0 of
 * each (…_ANY) means "any" in a filter and is never stored.
 */
enum post_status {
    POST_STATUS_ANY = 0,
    POST_STATUS_PUBLISH,
    POST_STATUS_DRAFT,
    POST_STATUS_PENDING,
    POST_STATUS_PRIVATE,
    POST_STATUS_FUTURE,
    POST_STATUS_TRASH,
};
enum post_type { POST_TYPE_ANY = 0, POST_TYPE_POST, POST_TYPE_PAGE };
enum comment_status {
    COMMENT_STATUS_ANY = 0,
    COMMENT_STATUS_APPROVED,
    COMMENT_STATUS_PENDING,
    COMMENT_STATUS_SPAM,
    COMMENT_STATUS_TRASH,
};
enum comment_type {
    COMMENT_TYPE_ANY = 0,
    COMMENT_TYPE_COMMENT,
    COMMENT_TYPE_PINGBACK,
    COMMENT_TYPE_TRACKBACK,
};
/* Roles in increasing power; a route names the least it needs. */
enum user_role {
    USER_NOBODY = 0, /* not signed in (and a stored role this version does not know) */
    USER_AUTHOR,     /* own posts; sees comments on own posts */
    USER_EDITOR,     /* all posts, moderation */
    USER_ADMIN,      /* everything: settings, users, audit log */
};
enum mail_status {
    MAIL_STATUS_ANY = 0,
    MAIL_STATUS_QUEUED,
    MAIL_STATUS_SENDING,
    MAIL_STATUS_SENT,
    MAIL_STATUS_FAILED
};

/* The database text of each value (NULL for …_ANY), and the value of a text. */
const char *post_status_name(enum post_status status);
bool post_status_parse(const char *text, enum post_status *out);
const char *post_type_name(enum post_type type);
bool post_type_parse(const char *text, enum post_type *out);
const char *comment_status_name(enum comment_status status);
bool comment_status_parse(const char *text, enum comment_status *out);
const char *comment_type_name(enum comment_type type);
bool comment_type_parse(const char *text, enum comment_type *out);
const char *mail_status_name(enum mail_status status);
bool mail_status_parse(const char *text, enum mail_status *out);
/* Roles: USER_NOBODY for NULL or an unknown name, whose name is "". */
enum user_role user_role_parse(const char *name);
const char *user_role_name(enum user_role role);

struct store_user {
    long long id; /* an insert with id 0 lets the store choose */
    const char *login, *display_name, *email;
    enum user_role role;
    bool disabled;             /* imported authors are disabled until given a password */
    const char *password_hash; /* "" for none */
    long long wp_id;           /* WordPress user ID (for /?author=), 0 when none; unique */
    const char *nicename;      /* the author archive's slug, /author/NICENAME/ (canonical form) */
};

struct store_term {
    long long id;         /* an insert with id 0 lets the store choose */
    const char *taxonomy; /* "category" or "post_tag" */
    const char *slug, *name, *description;
    long long parent_id; /* 0 for a top-level category */
    long long wp_id;     /* WordPress term ID (for /?cat=), 0 when none; unique */
};

struct store_post {
    long long id;
    long long wp_id; /* WordPress post ID (for /?p=), 0 when none */
    enum post_type type;
    enum post_status status;
    const char *slug, *path; /* path: the permalink path, "/…/" */
    const char *title, *excerpt;
    const char *body_html;   /* sanitized at write time */
    const char *body_source; /* Markdown source when written in gazette, else "" */
    const char *body_text;   /* plain text of the body, for search (written by the model) */
    const char *password;    /* "" for none */
    const char *guid;
    long long author_id;
    long long published_at, modified_at; /* Unix seconds, UTC */
    bool comments_open, sticky;
    long long utc_offset; /* seconds: the local time (permalinks, date archives) is
                             published_at + utc_offset, as WordPress's post_date */
    const char *format; /* WordPress post format ("aside", "gallery", …); "" or NULL: standard */
    long long menu_order; /* the order of pages (WordPress's menu_order) */
    long long featured_media_id; /* the featured image (WordPress's _thumbnail_id): a media id,
                                    0 for none */
    /* filled by reads, ignored by writes: */
    const char *author_login, *author_name;
    long long approved_comments;
};

struct store_comment {
    long long id, post_id, parent_id; /* parent_id 0 for a top-level comment */
    long long wp_id;                  /* WordPress comment ID, 0 when none */
    const char *path;                 /* materialised path: 16 hex digits per level */
    int depth;                        /* 1 for a top-level comment */
    const char *author, *email, *url, *ip, *user_agent;
    const char *body_html;   /* sanitized at write time */
    const char *body_source; /* what the commenter typed (Markdown), "" if imported */
    enum comment_status status;
    enum comment_type type; /* COMMENT_TYPE_ANY writes as a comment */
    const char *held_by;    /* the rule that held it, "" when none */
    long long created_at;   /* Unix seconds, UTC */
};

struct store_setting {
    const char *key, *value;
};

/* A signed-in session: the cookie holds a random token, the store only its hash. */
struct store_session {
    const char *token_hash; /* hex SHA-256 of the cookie's token */
    long long user_id;
    const char *csrf; /* the session's CSRF token (hex), put in every admin form */
    long long created_at, expires_at;
};

/* One administrative action, for the audit log. */
struct store_audit {
    long long id, user_id, at;
    const char *action; /* e.g. "comment.approve" */
    const char *target; /* e.g. "comment 12", "post 7", "setting site.title" */
    const char *detail; /* a short free text, "" when none */
    /* filled by reads: */
    const char *user_login;
};

/* A saved state of a post, made before each edit (the last few are kept). */
struct store_revision {
    long long id, post_id, user_id, saved_at;
    const char *title, *slug, *excerpt, *body_source, *body_html;
    /* filled by reads: */
    const char *user_login;
};

/* The text of a comment before a moderator edited it. */
struct store_comment_edit {
    long long id, comment_id, user_id, edited_at;
    const char *author, *email, *url, *body_source, *body_html;
    /* filled by reads: */
    const char *user_login;
};

/* Comments per status (type "comment" only), for the moderation queue's tabs. */
struct store_comment_counts {
    long long pending, approved, spam, trash;
};

struct store_post_term {
    long long post_id, term_id;
};

/* A message in the mail outbox. */
struct store_mail {
    long long id, post_id;
    long long created_at;
    enum mail_status status;
    const char *sender;    /* envelope sender address */
    const char *recipient; /* one address */
    const char *client_ip; /* who asked for it (rate limits) */
    const char *message;   /* the whole MIME message */
    int attempts;
    long long next_attempt_at, claimed_at, sent_at;
    const char *last_error;
};

/* Rows per table, for `gazette copy` to verify what it wrote. */
struct store_counts {
    long long settings, users, terms, posts, post_terms, comments;
};

struct store_post_filter {
    enum post_type type;        /* POST_TYPE_ANY = any */
    enum post_status status;    /* POST_STATUS_ANY = any */
    long long term_id;          /* 0 = any; else posts in this term or its descendants */
    long long author_id;        /* 0 = any */
    long long from, until;      /* published_at in [from, until); 0 = open */
    int limit, offset;          /* limit 0 = no limit */
    const char *title_contains; /* NULL or "" = any; else a case-insensitive substring (admin) */
    bool by_modified;           /* newest modified_at first, no sticky rule (admin lists) */
};

struct store_comment_filter {
    enum comment_status status; /* COMMENT_STATUS_ANY = any */
    enum comment_type type;     /* COMMENT_TYPE_ANY = any */
    bool public_posts;          /* only comments on published posts without a password */
    long long post_id;          /* 0 = any */
    int limit;                  /* 0 = no limit */
    int offset;
    long long post_author_id; /* 0 = any; else only comments on this user's posts */
};

/* Opens the database named by `location`, a SQLite file path (created if needed) or a
 * postgresql:// URI (the database must exist), and brings its schema to the current version.
 * Returns NULL with a message in `error`. */
store *store_open(const char *location, buf *error);
void store_close(store *s);
/* The self-check `gazette serve` runs at start (and a unit test on both engines): prepares every
 * statement the engine of `s` runs, each checked against the parameter and column counts it
 * declares, so that a miscounted statement stops the start rather than a page. STORE_OK, or
 * STORE_ERROR naming the first that failed. */
int store_check_statements(store *s);
/* A number no other connection opened by this process has (a cache of what one connection
 * read is keyed by it: a new connection may reuse a closed one's address). */
unsigned long long store_serial(const store *s);
const char *store_error(const store *s); /* the last error message, valid until the next call */
const char *store_kind(const store *s);  /* "sqlite" or "postgresql" */
bool store_location_is_postgres(const char *location);

/* A process-wide hook called after every committed write made through any store of this
 * process, with the post whose pages may have changed (-1: any page): the page cache drops
 * what may be stale. Set it before threads start. */
void store_on_change(void (*hook)(void *context, long long post_id), void *context);

/* Blocks until *stop becomes non-zero, calling changed(context, post_id) whenever another
 * connection, process or node may have changed the data: SQLite polls its data version and
 * reads the change feed, PostgreSQL LISTENs to notifications its triggers send at commit,
 * naming the post (-1: anything). The first call, changed(context, -1), comes as soon as the
 * watch is subscribed, so a caller can wait for it before caching anything; a PostgreSQL
 * reconnect calls it again, since notifications may have been missed. `s` is used for nothing
 * else meanwhile. */
void store_watch(store *s, void (*changed)(void *context, long long post_id), void *context,
                 volatile sig_atomic_t *stop);

/* Bounds the memory this connection keeps for its own page cache (SQLite; PostgreSQL keeps
 * none in the client): a server has a connection per worker, and the operating system caches
 * the file anyway. */
void store_limit_memory(store *s, int kib);

int store_begin(store *s);
/* store_begin for one long transaction of many writes (an import): the backend may trade memory
 * for fewer system calls until the transaction ends. What the commit makes durable, and that
 * a failure or crash before it leaves nothing behind, is the same as for store_begin. */
int store_begin_bulk(store *s);
int store_commit(store *s);
void store_rollback(store *s); /* safe to call when no transaction is open */

/* One write for store_write: runs inside a transaction on `tx`, which need not be the caller's
 * connection (it may hold other requests' writes too); returns STORE_OK to keep what it wrote,
 * STORE_ERROR (message on tx) to undo it. It may run a second time, after its first run was
 * undone (another write of its batch failed): it must start from its inputs each time. */
typedef int (*store_write_fn)(store *tx, void *arg);

/* Runs `write` in a transaction and returns once that is committed, durably, or undone:
 * write's result, or STORE_ERROR (message on s) when the commit failed. Without group commit
 * the transaction is on s. With it, the write goes to the process's writer connection, which
 * runs the writes queued meanwhile by other threads one after the other and commits them
 * together: one fsync for the batch, and every write is durable before any caller returns.
 * `write` runs on the writer's thread while the caller waits. */
int store_write(store *s, store_write_fn write, void *arg);

/* Starts group commit for this process: a writer thread with its own connection to
 * `location`. Returns -1 with a message in `error` when the database cannot be opened. */
int store_group_commit_start(const char *location, buf *error);
/* Finishes the queued writes, stops the writer and closes its connection. */
void store_group_commit_stop(void);

/* Settings: key/value strings. */
int store_setting_get(store *s, arena *a, const char *key, const char **value);
int store_setting_set(store *s, const char *key, const char *value);
int store_setting_list(store *s, arena *a, struct store_setting **settings, size_t *count);

/* Users. */
int store_user_insert(store *s, const struct store_user *user, long long *id);
int store_user_find_login(store *s, arena *a, const char *login, struct store_user *out);
/* The user imported with WordPress user ID `wp_id`. */
int store_user_find_wp_id(store *s, arena *a, long long wp_id, struct store_user *out);

/* The user of nicename `nicename` (the lowest id if several); STORE_NOT_FOUND when none. */
int store_user_find_nicename(store *s, arena *a, const char *nicename, struct store_user *out);
int store_user_list(store *s, arena *a, struct store_user **users, size_t *count);
int store_user_get(store *s, arena *a, long long id, struct store_user *out);
/* The account (enabled or not; the lowest id when several) whose email is `email`, compared
 * without regard to ASCII case; STORE_NOT_FOUND when none. */
int store_user_find_email(store *s, arena *a, const char *email, struct store_user *out);
/* Writes display_name, email, role, disabled and password_hash of the user `user->id`. */
int store_user_update(store *s, const struct store_user *user);

/* Sessions. store_session_find returns only a session not expired at `now` whose user is not
 * disabled, with that user. */
int store_session_insert(store *s, const struct store_session *session);
int store_session_find(store *s, arena *a, const char *token_hash, long long now,
                       struct store_session *out, struct store_user *user);
int store_session_delete(store *s, const char *token_hash);
int store_session_delete_user(store *s, long long user_id); /* every session of a user */
int store_session_purge(store *s, long long now);           /* expired sessions */

/* Failed logins, for rate limits: one row per failure. A sign-in records its attempt before it
 * checks the password and counts after (each call its own transaction, so outside one): then
 * parallel attempts each see the others, and no more than the limit get a password check. */
int store_login_failure_add(store *s, const char *ip, const char *login, long long at);
/* Removes one row with these values (an attempt refused before its check), if any. */
int store_login_failure_remove(store *s, const char *ip, const char *login, long long at);
/* Failures since `since` from this address and for this login. */
int store_login_failures(store *s, const char *ip, const char *login, long long since,
                         long long *by_ip, long long *by_login);
int store_login_failures_clear(store *s, const char *login); /* after a good login */

/* Wrong passwords of password-protected posts, for their limit (posts.password_tries): one row
 * per try, recorded before the password is compared, as the failed sign-ins above. */
int store_post_password_failure_add(store *s, const char *ip, long long post_id, long long at);
/* Tries from this address at this post since `since`. */
int store_post_password_failures(store *s, const char *ip, long long post_id, long long since,
                                 long long *count);
/* Removes one row with these values (a try refused before its compare, or a right one). */
int store_post_password_failure_remove(store *s, const char *ip, long long post_id, long long at);

/* The audit log: newest first. */
int store_audit_insert(store *s, const struct store_audit *entry);
int store_audit_list(store *s, arena *a, int limit, int offset, struct store_audit **entries,
                     size_t *count);

/* Terms (categories, tags) and their links to posts. */
int store_term_insert(store *s, const struct store_term *term, long long *id);
int store_term_find(store *s, arena *a, const char *taxonomy, const char *slug,
                    struct store_term *out);
int store_term_list(store *s, arena *a, struct store_term **terms, size_t *count); /* by id */
int store_term_get(store *s, arena *a, long long id, struct store_term *out);
/* The term of `taxonomy` imported with WordPress term ID `wp_id`. */
int store_term_find_wp_id(store *s, arena *a, const char *taxonomy, long long wp_id,
                          struct store_term *out);
int store_post_term_add(store *s, long long post_id, long long term_id);
int store_post_term_list(store *s, arena *a, struct store_post_term **links, size_t *count);
/* Every old path (post_id, path), and every post with a parent (post_id, parent_id), by id. */
int store_post_terms(store *s, arena *a, long long post_id, struct store_term **terms,
                     size_t *count); /* ordered by taxonomy, then name */
/* Sets the name, description and parent of term->id (a WordPress import meets a parent after
 * the child that named it). STORE_NOT_FOUND when there is no such term. */
int store_term_update(store *s, const struct store_term *term);

/* Custom fields of a post (WordPress's postmeta whose key does not start with "_"), in the
 * order they were added. Strings of the records live in `a`. */
struct store_custom_field {
    const char *name, *value;
};
int store_custom_field_add(store *s, long long post_id, const char *name, const char *value);
int store_custom_fields(store *s, arena *a, long long post_id, struct store_custom_field **fields,
                        size_t *count);

/* Menus: each item of menu `menu` (a slug) points at a post (post_id), a term (term_id) or a
 * URL; children name their parent item. */
struct store_menu_item {
    long long id;
    const char *menu;           /* the menu's slug */
    long long parent_id;        /* 0 at the top level */
    long long position;         /* order among the menu's items */
    const char *title;          /* "" takes the title of what it points at */
    long long post_id, term_id; /* 0 when it points at neither */
    const char *url;            /* a custom link ("" when it points at a post or term) */
    /* filled by reads, ignored by writes: what it points at (the post's path "" and the term's
     * taxonomy "" when it points at none, or at one that is gone) */
    const char *post_path, *post_title;
    enum post_status post_status;
    struct store_term term; /* id is term_id */
};
int store_menu_item_insert(store *s, const struct store_menu_item *item, long long *id);
int store_menu_clear(store *s, const char *menu); /* removes every item of `menu` */
/* The items of `menu` by position (parents before children when the import wrote them so). */
int store_menu_items(store *s, arena *a, const char *menu, struct store_menu_item **items,
                     size_t *count);
/* The published pages without a password, by menu_order then title; at most `limit`. */
int store_page_list(store *s, arena *a, int limit, struct store_post **pages, size_t *count);

/* Posts. An insert with id 0 lets the store choose; a non-zero id is kept. */
int store_post_insert(store *s, const struct store_post *post, long long *id);
int store_post_get(store *s, arena *a, long long id, struct store_post *out);
int store_post_find_path(store *s, arena *a, const char *path, struct store_post *out);
int store_post_find_slug(store *s, arena *a, const char *slug, struct store_post *out);
int store_post_find_wp_id(store *s, arena *a, long long wp_id, struct store_post *out);
int store_post_id_taken(store *s, long long id, bool *taken);
/* The post that had path `path` (post_old_paths): STORE_NOT_FOUND when none had it. */
int store_post_find_old_path(store *s, arena *a, const char *path, struct store_post *out);
/* Records that post `post_id` had path `path` (a later post that had it takes it over). */
int store_post_old_path_add(store *s, const char *path, long long post_id);
/* Sets the parent page of post `id` (0: none); STORE_NOT_FOUND when there is no post `id`. */
int store_post_set_parent(store *s, long long id, long long parent_id);
/* The parent page of post `id` into *parent_id (0 for none); STORE_NOT_FOUND without post. */
int store_post_parent(store *s, long long id, long long *parent_id);
/* The posts whose parent is `id`, by id. */
int store_post_children(store *s, arena *a, long long id, struct store_post **posts, size_t *count);
int store_post_set_status(store *s, long long id, enum post_status status);
int store_post_set_comments_open(store *s, long long id, bool open);
/* Writes every field of `post` (found by post->id) but id, wp_id, guid, type, utc_offset, format
 * and menu_order (which only an insert sets). */
int store_post_update(store *s, const struct store_post *post);
int store_post_term_clear(store *s, long long post_id); /* unlinks all its terms */
/* Scheduled posts whose time has come (status future, published_at <= now) become publish;
 * *published = how many. Safe to run on several nodes at once. */
int store_post_publish_due(store *s, long long now, long long *published);

/* Post revisions: store_revision_insert keeps only the newest `keep` of the post. Newest
 * first. */
int store_revision_insert(store *s, const struct store_revision *revision, int keep);
int store_revision_list(store *s, arena *a, long long post_id, struct store_revision **revisions,
                        size_t *count);
int store_revision_get(store *s, arena *a, long long id, struct store_revision *out);
/* Newest first (sticky first for type POST_TYPE_POST and status POST_STATUS_PUBLISH). */
int store_post_list(store *s, arena *a, const struct store_post_filter *filter,
                    struct store_post **posts, size_t *count);
int store_post_count(store *s, const struct store_post_filter *filter, long long *count);
/* The published posts just before and after `post` in date order (id 0 when none). */
int store_post_adjacent(store *s, arena *a, const struct store_post *post,
                        struct store_post *previous, struct store_post *next);

/* Full-text search over published posts. A query is a list of groups: one word, or a phrase
 * (words in order); the last word of a group may be a prefix. Words hold only letters and
 * digits (the model's parser guarantees it). The store ranks by relevance (title counts most)
 * and makes a snippet of the body where the words match between \x01 and \x02. */
struct store_search_group {
    const char *const *words;
    size_t word_count;
    bool prefix; /* the last word matches as a prefix */
};
struct store_search_hit {
    struct store_post post;
    const char *snippet; /* plain text with \x01 … \x02 around matches */
};
int store_search(store *s, arena *a, const struct store_search_group *groups, size_t group_count,
                 int limit, int offset, struct store_search_hit **hits, size_t *count,
                 long long *total);
/* The search index reads each post's title, excerpt and plain text folded by
 * util/search_fold.h (Arabic and Hebrew normalised, unspaced scripts cut into letters); the
 * store writes the folded texts with the post. store_search_refold folds every post's texts
 * again when a migration asked for it (the task "search_fold" of store_task_pending, which
 * store_open runs in its own transaction); STORE_OK or STORE_ERROR. */
int store_task_pending(store *s, const char *name, bool *pending);
int store_search_refold(store *s);

/* Comments. store_comment_insert writes the comment as given, its id (0: the next one) and its
 * `path` (NULL: "") included: an import or a copy, which know the id. store_comment_add gives a
 * new comment the next id and writes its path in the same statement: `parent_path` ("" at the
 * top level) followed by the comment's own segment, 8 hex digits of created_at (below 0: 0) and
 * 8 of the id, each its low 32 bits (COMMENT_PATH_SEGMENT in model/comment.h); comment->id and
 * comment->path are not read. */
int store_comment_insert(store *s, const struct store_comment *comment, long long *id);
int store_comment_add(store *s, const struct store_comment *comment, const char *parent_path,
                      long long *id);
int store_comment_get(store *s, arena *a, long long id, struct store_comment *out);
int store_comment_find_wp_id(store *s, arena *a, long long post_id, long long wp_id,
                             struct store_comment *out);
int store_comment_id_taken(store *s, long long id, bool *taken);
/* Whether any comment answers comment `id` (model/moderation.c: such a comment stays). */
int store_comment_has_replies(store *s, long long id, bool *has_replies);
int store_comment_set_status(store *s, long long id, enum comment_status status);
/* WordPress's post-trashed: comment `id` becomes trash and goes back to `restore` when its post
 * is restored (store_comments_restore_with_post). */
int store_comment_set_trashed_with_post(store *s, long long id, enum comment_status restore);
/* Trashes the post's comments that are not trash, remembering each one's status. */
int store_comments_trash_with_post(store *s, long long post_id);
/* Gives the post's comments trashed with it their status back. */
int store_comments_restore_with_post(store *s, long long post_id);
/* All comments of a post of type "comment" with `status` (COMMENT_STATUS_ANY = any), in path order:
 * the thread in display order, in one query, with what a page shows: id, post_id, parent_id, depth,
 * author, url, body_html, status and created_at (type is "comment", wp_id 0, the other strings
 * ""). */
int store_comment_thread(store *s, arena *a, long long post_id, enum comment_status status,
                         struct store_comment **comments, size_t *count);
/* The approved comments of type "comment" of a post in path order, id and parent_id only (the
 * other fields zero or ""): what the count of shown comments needs, without their text. */
int store_comment_thread_shape(store *s, arena *a, long long post_id,
                               struct store_comment **comments, size_t *count);
/* Newest first. */
int store_comment_list(store *s, arena *a, const struct store_comment_filter *filter,
                       struct store_comment **comments, size_t *count);
/* Whether an approved comment has this author name (exactly) and email (without regard to
 * ASCII case): the comments.moderation = first-time rule, as WordPress's check_comment(). */
int store_comment_author_approved(store *s, const char *author, const char *email,
                                  bool *has_approved);
/* How many comments (any status) were made from `ip` since `since`. */
int store_comment_count_ip(store *s, const char *ip, long long since, long long *count);
/* Per status, of type "comment"; post_author_id 0 = all posts, else only that user's. */
int store_comment_counts(store *s, long long post_author_id, struct store_comment_counts *out);
/* Rewrites author, email, url, body_source and body_html of comment `c->id`. */
int store_comment_update(store *s, const struct store_comment *c);
/* Deletes a comment for good; STORE_NOT_FOUND when missing. The replies of a comment refer
 * to it: deleting one that has replies is refused with STORE_CONFLICT. */
int store_comment_delete(store *s, long long id);
int store_comment_edit_insert(store *s, const struct store_comment_edit *edit);
int store_comment_edit_list(store *s, arena *a, long long comment_id,
                            struct store_comment_edit **edits, size_t *count); /* newest first */

/* The mail outbox. store_mail_claim moves a due message from queued to sending (claimed_at =
 * now) only if it still is queued, so one node sends it; *claimed says whether it did.
 * store_mail_finish records an attempt's outcome. store_mail_release puts messages claimed
 * before `before` back in the queue (a sender that died mid-delivery). store_mail_requeue
 * puts a failed or queued message back, due now. */
int store_mail_insert(store *s, const struct store_mail *mail, long long *id);
int store_mail_due(store *s, arena *a, long long now, int limit, struct store_mail **mails,
                   size_t *count);
int store_mail_claim(store *s, long long id, long long now, bool *claimed);
int store_mail_finish(store *s, long long id, enum mail_status status, int attempts,
                      long long next_attempt_at, long long sent_at, const char *last_error);
int store_mail_release(store *s, long long before);
int store_mail_requeue(store *s, long long id, long long now);
int store_mail_list(store *s, arena *a, struct store_mail **mails,
                    size_t *count); /* newest first */
int store_mail_get(store *s, arena *a, long long id, struct store_mail *out);
/* Makes the open transaction the only one between here and its end that counts and queues
 * limited mail (outbox_enqueue), on every connection, process and node: the count it then
 * reads cannot go stale before its insert commits. Call it inside a transaction (store_write),
 * before store_mail_recent. SQLite: nothing to do, its write transactions (BEGIN IMMEDIATE)
 * already run one at a time; PostgreSQL: a transaction-scoped advisory lock. */
int store_mail_lock_limits(store *s);
/* Messages created since `since` for this client address and for this recipient. */
int store_mail_recent(store *s, const char *client_ip, const char *recipient, long long since,
                      long long *by_client, long long *by_recipient);

/* Media: a file uploaded or imported (WordPress's attachment) and the files made from it (the
 * original, its sizes, their WebP copies), each at its path under /wp-content/uploads/. The bytes
 * live in the store, so every node serves every file and a SQLite site stays one file. */
struct store_media {
    long long id;          /* an insert with id 0 lets the store choose; a non-zero id is kept
                              (an import keeps WordPress's attachment ID, as `wp-image-N` names it) */
    long long wp_id;       /* WordPress attachment ID (?attachment_id=), 0 when none; unique */
    long long post_id;     /* the post it is attached to (WordPress's post_parent), 0 for none */
    long long author_id;   /* 0 for none */
    const char *file;      /* the original's path under uploads, "2013/01/a.jpg"; unique */
    const char *slug;      /* the attachment page's slug (canonical form of util/slug.h) */
    const char *page_path; /* the attachment page, "/…/"; "" for none; unique when not "" */
    const char *title, *caption, *alt, *description; /* "" for none */
    const char *mime;        /* decided from the content ("" while the file is missing) */
    long long width, height; /* of the original image, in pixels; 0 when not an image */
    long long bytes;         /* of the original; 0 while its file is missing */
    long long created_at;    /* Unix seconds, UTC */
};

/* One stored file of a media. */
struct store_media_file {
    long long id;       /* an insert with id 0 lets the store choose */
    long long media_id;
    const char *path;   /* under uploads, "2013/01/a-300x200.jpg"; unique across all media */
    const char *size;   /* "full" (the original), a size of the site ("thumbnail", "medium",
                           "medium_large", "large"), or one WordPress made and named */
    const char *mime;
    long long width, height; /* 0 when not an image */
    long long bytes;
    const char *etag;   /* hex of a hash of the bytes (ETag, the disk cache's file name) */
    /* the bytes: written by store_media_file_put; read only by store_media_file_data */
    const unsigned char *data;
};

struct store_media_filter {
    const char *search; /* NULL or "" = any; else a case-insensitive substring of title,
                           caption, alt or file */
    long long post_id;  /* 0 = any */
    bool missing_only;  /* only media whose original has no bytes yet (bytes = 0) */
    int limit, offset;  /* limit 0 = no limit */
};

int store_media_insert(store *s, const struct store_media *media, long long *id);
/* Writes every field of `media` (found by media->id) but id and wp_id. */
int store_media_update(store *s, const struct store_media *media);
int store_media_get(store *s, arena *a, long long id, struct store_media *out);
int store_media_find_wp_id(store *s, arena *a, long long wp_id, struct store_media *out);
int store_media_find_file(store *s, arena *a, const char *file, struct store_media *out);
int store_media_find_page(store *s, arena *a, const char *page_path, struct store_media *out);
/* Newest first (created_at, then id). */
int store_media_list(store *s, arena *a, const struct store_media_filter *filter,
                     struct store_media **media, size_t *count);
int store_media_count(store *s, const struct store_media_filter *filter, long long *count);
/* Deletes a media and its files; posts that featured it feature nothing. STORE_NOT_FOUND. */
int store_media_delete(store *s, long long id);
/* Writes a file of a media with its bytes (file->data, file->bytes of them); a file already at
 * file->path is replaced when it belongs to the same media, else STORE_CONFLICT. */
int store_media_file_put(store *s, const struct store_media_file *file, long long *id);
/* The file at `path` (under uploads), without its bytes (data NULL). */
int store_media_file_find(store *s, arena *a, const char *path, struct store_media_file *out);
/* The bytes of the file at `path`, in `a`: *data and *length. */
int store_media_file_data(store *s, arena *a, const char *path, const unsigned char **data,
                          size_t *length);
/* Every file of media `media_id`, without bytes, by width then path. */
int store_media_files(store *s, arena *a, long long media_id, struct store_media_file **files,
                      size_t *count);
/* Removes every file of media `media_id` (before its files are made again). */
int store_media_files_clear(store *s, long long media_id);

/* Whole-site operations for `gazette copy`. store_clear deletes all site data (inside the
 * caller's transaction); store_defer_constraints postpones foreign-key checks to the commit of
 * the open transaction, so rows may be written in any order. */
int store_counts(store *s, struct store_counts *counts);
int store_clear(store *s);
int store_defer_constraints(store *s);

/* One table as gazette copy verifies it. */
struct store_table_sum {
    const char *table; /* its name (static or in the arena) */
    long long rows;    /* how many it holds */
    char checksum[65]; /* hex BLAKE2b-256 of its rows (store/copy.c says how) */
};

/* Copies every table of the site's data from `from` into `s`, emptying each first, inside the
 * caller's transaction on `s` (constraints deferred): the tables and columns come from the
 * catalog, so a table a migration adds is copied as soon as store/copy.c's list names it.
 * STORE_ERROR with nothing written when either store has a table that list does not name, or
 * `from` has a column `s` has no place for. */
int store_copy_from(store *s, store *from, arena *a);
/* Each copied table of `s`, in the list's order, with its row count and a checksum that is
 * the same on both engines for the same rows (row and column order do not count). */
int store_table_sums(store *s, arena *a, struct store_table_sum **sums, size_t *count);

#endif
