/* post.h: rules of posts: lookup by reference, visibility, permalinks, slugs, comment status. */
#ifndef GAZETTE_MODEL_POST_H
#define GAZETTE_MODEL_POST_H

#include <stdbool.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* Finds a post by a reference a person types: a numeric id, a permalink path ("/2023/…/") or
 * a full URL ending in one, or a slug. */
int post_resolve(store *s, arena *a, const char *reference, struct store_post *out);

/* Shown to anonymous readers: published posts and pages. */
bool post_is_public(const struct store_post *post);

/* Comments may be posted now: the post's own switch, and comments.close_after_days. */
bool post_comments_open(store *s, arena *a, const struct store_post *post, long long now);

/* A URL slug from a title: lower-case ASCII letters and digits, others folded to '-',
 * Latin accents dropped, at most 200 bytes; "post" when nothing is left. */
char *post_slugify(arena *a, const char *title);

/* The permalink path for a post from a WordPress pattern (%year% %monthnum% %day% %hour%
 * %minute% %second% %postname% %post_id% %category% %author%). */
char *post_permalink(arena *a, const char *pattern, const struct store_post *post);

/* A new post written in gazette: fills slug (unique), path, timestamps, renders the Markdown
 * source, and stores it with its categories and tags (comma lists; created when missing) in
 * one transaction. Returns STORE_OK with *id, or STORE_ERROR with a message in `error`. */
struct post_draft {
    const char *title, *slug, *status, *markdown, *categories, *tags, *author_login;
    long long published_at; /* 0 = now */
    bool comments_open;
};
int post_create(store *s, arena *a, const struct post_draft *draft, long long *id, buf *error);

/* The plain text of a post's sanitized HTML, for the search index (in `a`). */
const char *post_plain_text(arena *a, const char *html);

/* The archive path of a term: "/category/parent/child/" (categories nest under their parents,
 * as in WordPress) or "/tag/slug/". Returns a store result; *path lives in `a`. */
int post_term_path(store *s, arena *a, const struct store_term *term, const char **path);

/* Finds a term by taxonomy and slug, creating it (named `name`) when missing. */
int post_term_ensure(store *s, arena *a, const char *taxonomy, const char *slug, const char *name,
                     long long parent_id, long long *id);

#endif
