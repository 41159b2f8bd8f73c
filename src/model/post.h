/* post.h: rules of posts: lookup by reference, visibility, permalinks, slugs, comment status. */
#ifndef GAZETTE_MODEL_POST_H
#define GAZETTE_MODEL_POST_H

#include <stdbool.h>

#include "model/result.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* Finds a post by a reference a person types: a numeric id, a permalink path ("/2023/…/") or
 * a full URL ending in one, or a slug; paths and slugs in any form (slug_canonical). */
int post_resolve(store *s, arena *a, const char *reference, struct store_post *out);

/* Shown to anonymous readers: published posts and pages. */
bool post_is_public(const struct store_post *post);

/* Comments may be posted now: the post's own switch, and comments.close_after_days. */
bool post_comments_open(store *s, arena *a, const struct store_post *post, long long now);

/* A reader's try at the password of a protected post (post_password_try). */
enum post_password_result {
    POST_PASSWORD_RIGHT,
    POST_PASSWORD_WRONG,
    POST_PASSWORD_LIMITED, /* posts.password_limit_ip tries in POST_PASSWORD_WINDOW: not compared */
    POST_PASSWORD_FAILED,  /* the store failed: message in store_error() */
};

#define POST_PASSWORD_WINDOW (10 * 60) /* seconds over which wrong tries count */

/* Checks `given` against the password of `post` for the reader at `ip`. The try is recorded
 * before it is compared and the tries counted after (a wrong one stays recorded), so parallel
 * tries cannot pass the limit together. The compare takes the same time whatever the texts
 * and their lengths. */
enum post_password_result post_password_try(store *s, arena *a, const struct store_post *post,
                                            const char *ip, const char *given, long long now);

/* The slug WordPress makes from a title (slug_from_title: Latin accents dropped, lowercase,
 * other scripts in WordPress's lowercase percent-encoding, at most 200 bytes); "post" when
 * nothing is left. */
char *post_slugify(arena *a, const char *title);

/* Why `slug` cannot name a post or term, for a person ("a control character"); NULL when it
 * can. A slug is 1-200 bytes without a control character, '/', '\\', '?' or '#', and is not "."
 * or ".." (percent-encoded or not): it becomes a segment of paths sent in Location headers. */
const char *post_slug_problem(const char *slug);

/* Why `path` cannot be a permalink path (NULL when it can): it starts and ends with '/', holds no
 * control character, '\\', "//", '?' or '#', and no "." or ".." segment, percent-encoded or
 * not; so it can never redirect off the site or split a header. */
const char *post_path_problem(const char *path);

/* `path` with every run of '/' made one (in `a`). */
const char *post_path_single_slashes(arena *a, const char *path);

/* The permalink path for a post from a WordPress pattern (%year% %monthnum% %day% %hour%
 * %minute% %second% %postname% %post_id% %category% %author%). %author% is the author's
 * nicename, as WordPress writes it, which the caller puts in post->author_login ("author" when
 * none). */
char *post_permalink(arena *a, const char *pattern, const struct store_post *post);

/* A post written or edited in gazette (the CLI's `post new`, the admin's editor). */
struct post_draft {
    long long id; /* 0: a new post */
    const char *title, *slug, *excerpt, *status, *markdown, *categories, *tags;
    const char *author_login; /* a new post's author (CLI) … */
    long long author_id;      /* … or by id (admin); ignored for an existing post */
    long long editor_id;      /* who saves: recorded with the revision */
    long long published_at;   /* 0 = now (new) or unchanged (existing) */
    bool comments_open;
    bool html; /* `markdown` holds HTML (a post imported from WordPress has no Markdown) */
    long long featured_media_id; /* POST_FEATURED_KEEP, POST_FEATURED_NONE, or a media's id
                                    (one that does not exist is POST_INVALID, field "featured") */
};
#define POST_FEATURED_KEEP 0  /* the featured image stays as it is (none for a new post) */
#define POST_FEATURED_NONE -1 /* no featured image */

#define POST_INVALID (-2) /* a draft a person must correct (see `field` and the message) */
#define POST_TITLE_MAX 1000
#define POST_EXCERPT_MAX 4000
#define POST_REVISIONS_KEPT 20

/* Saves a draft in one transaction: checks it (POST_INVALID with the field's name in *field
 * and a message for a person), renders the Markdown, keeps the slug unique (a numeric suffix)
 * and the permalink (an edited post keeps its path unless its slug changes), schedules a
 * publish dated in the future (status future), keeps the previous state of an edited post as
 * a revision (the newest POST_REVISIONS_KEPT), and links categories and tags (comma lists;
 * created when missing; an edit replaces them, or keeps them when both lists are NULL). Returns
 * STORE_OK with *id, POST_INVALID, STORE_NOT_FOUND (no such post) or STORE_ERROR, with a message in
 * `error`. */
int post_save(store *s, arena *a, const struct post_draft *draft, long long now, long long *id,
              const char **field, buf *error);

/* Post `id` for `user` to edit: MODEL_OK with it in `out` (strings in `a`), MODEL_NOT_FOUND,
 * MODEL_NOT_ALLOWED (user_may_edit_post says no) or MODEL_STORE_ERROR. */
enum model_result post_get_editable(store *s, arena *a, long long id, const struct store_user *user,
                                    struct store_post *out);

/* What became of a restored revision (post_restore_revision). */
enum post_restore_result {
    POST_RESTORED,
    POST_RESTORE_NO_REVISION, /* the post has no revision of that number */
    POST_RESTORE_UNREADABLE,  /* the store failed reading the revision */
    POST_RESTORE_INVALID,     /* post_save refused it (POST_INVALID): message in `error` */
    POST_RESTORE_NOT_SAVED,   /* post_save failed otherwise: message in `error` */
};

/* Makes revision `revision_id` of `post` its current text again (title, slug, excerpt, text; its
 * terms and comment setting stay), through post_save with `editor_id` as who saves. */
enum post_restore_result post_restore_revision(store *s, arena *a, const struct store_post *post,
                                               long long revision_id, long long editor_id,
                                               long long now, buf *error);

/* Publishes `post`, or schedules it (status future, *scheduled true) when its date is after
 * `now`: the server publishes it then. MODEL_OK or MODEL_STORE_ERROR. */
enum model_result post_publish(store *s, const struct store_post *post, long long now,
                               bool *scheduled);

/* Moves post `id` to the trash, or (`trashed` false) out of it as a draft, and records `audit`
 * (NULL: none, the CLI), in one transaction: MODEL_OK or MODEL_STORE_ERROR. */
enum model_result post_set_trashed(store *s, long long id, bool trashed,
                                   const struct store_audit *audit);

/* Opens or closes the comments of post `id` and records `audit` (NULL: none), in one
 * transaction: MODEL_OK or MODEL_STORE_ERROR. */
enum model_result post_set_comments_open(store *s, long long id, bool open,
                                         const struct store_audit *audit);

/* The names of a post's terms of `taxonomy` as a comma list ("" when none, NULL on a store
 * error), as post_draft takes them. */
const char *post_term_names(store *s, arena *a, long long post_id, const char *taxonomy);

/* "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DD" (UTC) to Unix seconds, or -1. */
long long post_parse_date(const char *text);

/* The plain text of a post's sanitized HTML, for the search index (in `a`). */
const char *post_plain_text(arena *a, const char *html);

/* Appends to `out` the body_html an HTML post (an imported one, edited) stores: WordPress's
 * content pass without wpautop (markup/wp_content.h), then the article allow-list. The admin's
 * preview shows the same. Never fails. */
void post_html_body(const char *html, buf *out);

/* The archive path of a term: "/category/parent/child/" (categories nest under their parents,
 * as in WordPress) or "/tag/slug/". Returns a store result; *path lives in `a`. */
int post_term_path(store *s, arena *a, const struct store_term *term, const char **path);

#define POST_OLD_PATHS_MAX 64 /* old paths one call of post_record_old_paths records at most */

/* Records the paths at which `post` (already stored, at its canonical path) answered before, so
 * that they answer 301 to it, as WordPress's wp_old_slug_redirect does: its path with each of
 * `old_slugs` (_wp_old_slug) in place of its slug, with each of `old_dates` ("YYYY-MM-DD",
 * _wp_old_date) in place of its date `date` ("YYYY-MM-DD", the date its path was made with),
 * and with both. A slug or date its path does not hold, or a bad old slug, gives no path. Runs
 * inside the caller's transaction; returns a store result. */
int post_record_old_paths(store *s, arena *a, const struct store_post *post, const char *date,
                          const char *const *old_slugs, size_t slug_count,
                          const char *const *old_dates, size_t date_count);

/* The public post that answered at `path` (canonical) before: STORE_OK with it in `out`, when
 * the caller should answer 301 to its path now; else STORE_NOT_FOUND or STORE_ERROR. */
int post_find_moved(store *s, arena *a, const char *path, struct store_post *out);

/* Finds a term by taxonomy and slug, creating it (named `name`) when missing. */
int post_term_ensure(store *s, arena *a, const char *taxonomy, const char *slug, const char *name,
                     long long parent_id, long long *id);

/* Reading posts: each one query, a store result (STORE_OK, STORE_NOT_FOUND or STORE_ERROR);
 * strings live in `a`. */

/* Post `id`, whatever its status. */
int post_get(store *s, arena *a, long long id, struct store_post *out);

/* Post `id` as a list of comments asks for its posts again and again: remembered in *last
 * between calls, so that only a change of post asks the store. NULL when it cannot be read. */
const struct store_post *post_get_remembered(store *s, arena *a, long long id,
                                             struct store_post *last);

/* The post a /?p=ID link names: by its WordPress id first, then by ours. */
int post_find_number(store *s, arena *a, long long id, struct store_post *out);

/* The post at permalink `path` (decoded) if readers may see it (post_is_public), else
 * STORE_NOT_FOUND. */
int post_find_public(store *s, arena *a, const char *path, struct store_post *out);

/* The terms of post `id`: categories then tags. */
int post_terms(store *s, arena *a, long long id, struct store_term **terms, size_t *count);

/* The kept revisions of post `id`, newest first. */
int post_revisions(store *s, arena *a, long long id, struct store_revision **revisions,
                   size_t *count);

#endif
