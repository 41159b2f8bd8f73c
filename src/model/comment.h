/* comment.h: the rules of reader comments: validation, moderation, depth, thread numbering. */
#ifndef GAZETTE_MODEL_COMMENT_H
#define GAZETTE_MODEL_COMMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* One segment of the materialised path: 8 hex digits of the creation time and 8 of the id,
 * so that sorting paths lists a thread depth-first with siblings in date order. */
#define COMMENT_PATH_SEGMENT 16

/* What a reader sent. Strings are borrowed; they may be NULL (treated as ""). */
struct comment_input {
    const char *author, *email, *url;
    const char *text; /* Markdown as typed */
    size_t text_len;
    long long parent_id; /* 0 = a top-level comment */
    const char *ip, *user_agent;
    long long now;        /* Unix seconds */
    const char *honeypot; /* the form field people leave empty (SPAM_HONEYPOT_FIELD) */
    const char *stamp;    /* the form's signed time stamp (SPAM_STAMP_FIELD), NULL when missing */
    const struct store_user *user; /* the signed-in user sending it (a session), or NULL */
};

enum comment_outcome {
    COMMENT_APPROVED, /* stored and public */
    COMMENT_HELD,     /* stored, waits for a moderator */
    COMMENT_INVALID,  /* nothing stored: see errors */
    COMMENT_CLOSED,   /* nothing stored: the post takes no comments */
    COMMENT_FAILED,   /* nothing stored: the store failed (see error) */
    COMMENT_REJECTED, /* nothing stored: a spam rule refused it (see rejection, message) */
};

/* Which spam rule refused a comment (COMMENT_REJECTED). */
enum comment_rejection {
    COMMENT_REJECTED_NONE,
    COMMENT_REJECTED_HONEYPOT,   /* the field hidden from people was filled (comments.honeypot) */
    COMMENT_REJECTED_FORM,       /* no genuine time stamp: the form was not loaded from this site */
    COMMENT_REJECTED_TOO_FAST,   /* sent sooner than comments.min_seconds after the form was made */
    COMMENT_REJECTED_BLOCKED,    /* an entry of comments.block_words matched */
    COMMENT_REJECTED_RATE_LIMIT, /* comments.per_ip_10min reached for this address */
};

#define COMMENT_MAX_ERRORS 8

struct comment_result {
    enum comment_outcome outcome;
    long long id;                                 /* the new comment's id when stored */
    const char *errors[COMMENT_MAX_ERRORS];       /* messages for a person, arena strings */
    const char *error_fields[COMMENT_MAX_ERRORS]; /* the form field each message is about */
    size_t error_count;
    const char *failure;              /* the store's message for COMMENT_FAILED */
    enum comment_rejection rejection; /* for COMMENT_REJECTED */
    const char *message;              /* COMMENT_REJECTED: what to tell the person, arena */
    const char *reason; /* COMMENT_REJECTED: the rule for the log ("block word …"); HELD: held_by */
    int retry_after;    /* COMMENT_REJECTED_RATE_LIMIT: seconds until it may be tried again */
    const char *stamp; /* a time stamp for a form shown again: the reader's when genuine, else
                          a fresh one; NULL when comments.min_seconds is 0 */
    bool honeypot;     /* a form shown again has the honeypot field (comments.honeypot) */
};

/* Validates `in` against `post` and the settings, applies the spam rules (model/spam: honeypot,
 * form time stamp, block words, per-address limit refuse it; hold words and too many links
 * hold it), renders the Markdown, decides moderation, and stores the comment in one
 * transaction. An email of an account is held unless in->user is that account; first-time
 * moderation approves a name and email that have an approved comment. Never leaves a
 * half-written comment. */
void comment_submit(store *s, arena *a, const struct store_post *post,
                    const struct comment_input *in, struct comment_result *out);

/* A comment placed in its thread for display. */
struct comment_node {
    const struct store_comment *comment;
    int number; /* 1..n among its displayed siblings, in date order */
    int depth;  /* 1 for top level */
};

/* A post's thread as readers see it (comment_thread_load). */
struct comment_thread {
    struct comment_node *nodes; /* display order: threaded, siblings oldest first */
    size_t count;               /* nodes */
    size_t approved;            /* nodes that are approved (all but a held `also_id`) */
    size_t threads;             /* nodes at depth 1: what comment pages count */
};

/* The approved thread of a post in display order (one ordered query), numbered: exactly the
 * approved comments whose ancestors are all approved, as WordPress shows them. Replies past
 * comments.max_depth show at that depth right after their parent. When `also_id` is non-zero
 * that comment is shown too whatever its status (a held comment shown to its author). Nodes
 * live in `a`. */
int comment_thread_load(store *s, arena *a, long long post_id, long long also_id,
                        struct comment_thread *out);
/* The same, nodes and their count only. */
int comment_thread(store *s, arena *a, long long post_id, long long also_id,
                   struct comment_node **nodes, size_t *count);

/* What comment_thread_load does with the rows: `all` holds a post's comments in path order
 * (each parent before its replies, siblings in date order); hidden ones, other than
 * `also_id`, and every comment below one are left out. Nodes point into `all` and live in
 * `a`. No store: the unit tests check it against a plain model. */
void comment_thread_place(arena *a, const struct store_comment *all, size_t n, long long also_id,
                          int max_depth, struct comment_thread *out);

/* Sets each post's approved_comments to the approved comments its page shows (those whose
 * ancestors are all approved: the count readers read under a listing's post, the same as on
 * its page); the store's count includes replies below hidden comments. One query per post
 * with comments. */
int comment_shown_counts(store *s, arena *a, struct store_post *posts, size_t count);

/* Comment pages (comments.per_page, as WordPress's page_comments with its defaults:
 * default_comments_page "newest", comment_order "asc"): whole threads, `per_page` top-level
 * comments a page, page 1 the oldest; the permalink shows the last page, so
 * PERMALINK/comment-page-N/ exists for 1 <= N < comment_page_count. per_page 0: one page. */
int comment_page_count(const struct comment_thread *thread, long long per_page);
/* The nodes of page `page` (1..comment_page_count): [*first, *first + *n). */
void comment_page_slice(const struct comment_thread *thread, long long per_page, int page,
                        size_t *first, size_t *n);
/* The page showing comment `id` (1..count), 0 when the thread does not show it. */
int comment_page_of(const struct comment_thread *thread, long long per_page, long long id);
/* The path of comment page `page` of `permalink`: the permalink itself for the last one. */
const char *comment_page_path(arena *a, const char *permalink, int page, int page_count);

/* The path of the page of `post` that shows comment `id` (the permalink, or its
 * comment-page-N/ when comments.per_page pages the thread), without a fragment; `also_id` as
 * in comment_thread_load. NULL when the store failed. In `a`. */
const char *comment_page_path_of(store *s, arena *a, const struct store_post *post, long long id,
                                 long long also_id);

/* Stores an approved/pending/... comment with its path computed (import, demo content):
 * `c->depth` and `c->path` are computed from c->parent_id. Call inside a transaction. */
int comment_insert_placed(store *s, arena *a, struct store_comment *c, long long *id);

/* Moves `parent` up to the deepest allowed ancestor for a reply: replies below max_depth
 * attach to the parent's ancestor at depth max_depth - 1, so they show beside the deepest
 * comments. With max_depth 1 every reply becomes a top-level comment (*top_level). */
int comment_reply_parent(store *s, arena *a, struct store_comment *parent, int max_depth,
                         bool *top_level);

/* Hex HMAC of the comment id with the site's secret: lets the author of a held comment see
 * it (WordPress's moderation-hash). */
const char *comment_moderation_hash(store *s, arena *a, long long id);
bool comment_moderation_hash_ok(store *s, arena *a, long long id, const char *hash);

/* Comment `id`, whatever its status: a store result, strings in `a`. */
int comment_get(store *s, arena *a, long long id, struct store_comment *out);

#endif
