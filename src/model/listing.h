/* listing.h: the lists a reader sees: a page of published posts (the front page, the archive of
 * an author, a category, a tag or a date span), search results, the items of a feed and the
 * posts of the sitemap. Each list is one query, as the page asks for it. */
#ifndef GAZETTE_MODEL_LISTING_H
#define GAZETTE_MODEL_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

/* Which published posts a list holds: 0 fields narrow nothing. */
struct listing_scope {
    long long author_id;   /* posts by this author */
    long long term_id;     /* posts in this term or its descendants */
    long long from, until; /* published in [from, until) */
};

/* The archives a path can name: /author/NICENAME/, /category/…/SLUG/, /tag/SLUG/. */
enum listing_archive_kind { LISTING_AUTHOR, LISTING_CATEGORY, LISTING_TAG };

/* The kind of archive `path` names by its first segment ("/author/", "/category/", else a tag). */
enum listing_archive_kind listing_archive_kind_of(const char *path);

/* An archive found by its slug. */
struct listing_archive {
    struct listing_scope scope; /* its posts */
    const char *name;           /* the author's display name, or the term's name */
    struct store_term term;     /* LISTING_CATEGORY, LISTING_TAG: the term (id 0 for an author) */
    const char *path; /* its canonical path ("/author/j-doe/", "/category/parent/child/"): a
                       * request at another answers 301 to it */
};

/* The archive of `kind` named `slug` (canonical form: slug_canonical): an author by nicename,
 * else by login (WordPress's /author/ took either), a term by slug. STORE_OK with `out` filled
 * (strings in `a`), STORE_NOT_FOUND or STORE_ERROR. */
int listing_archive_find(store *s, arena *a, enum listing_archive_kind kind, const char *slug,
                         struct listing_archive *out);

/* The archive of `kind` whose WordPress ID (a user's or a term's, kept by the import) is `wp_id`,
 * as listing_archive_find. */
int listing_archive_find_wp_id(store *s, arena *a, enum listing_archive_kind kind, long long wp_id,
                               struct listing_archive *out);

/* The published posts of a date archive: the year, month or day parts[0..n-1] (n 1-3). */
struct listing_scope listing_date_scope(const int parts[3], int n);

/* The path of `user`'s archive, /author/NICENAME/ (in `a`). */
const char *listing_author_path(arena *a, const struct store_user *user);

/* Page `page` (from 1) of the published posts in `scope`, `per_page` a page, in the site's
 * order (sticky first): *count posts at most per_page, *has_next when more follow. A store
 * result. */
int listing_page(store *s, arena *a, struct listing_scope scope, int page, int per_page,
                 struct store_post **posts, size_t *count, bool *has_next);

/* Page `page` (from 1) of the posts matching `groups` (model/search), `per_page` a page:
 * each post with its snippet (plain text, \x01 … \x02 around matches), and *total matches in
 * all. A store error is logged. A store result. */
int listing_search(store *s, arena *a, const struct store_search_group *groups, size_t group_count,
                   int page, int per_page, struct store_post **posts, const char ***snippets,
                   size_t *count, long long *total);

/* The newest `limit` published posts in `scope`, for a feed. A store result. */
int listing_feed_posts(store *s, arena *a, struct listing_scope scope, int limit,
                       struct store_post **posts, size_t *count);

/* The newest `limit` approved comments on public posts (on post `post_id` only, unless 0), for
 * a feed. A store result. */
int listing_feed_comments(store *s, arena *a, long long post_id, int limit,
                          struct store_comment **comments, size_t *count);

/* Every published post and page, newest first, for the sitemap. A store result. */
int listing_sitemap_posts(store *s, arena *a, struct store_post **posts, size_t *count);

#endif
