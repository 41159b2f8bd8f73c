/* listing.c: the lists a reader sees, each one store query. */
#include "model/listing.h"

#include <string.h>
#include <time.h>

#include "model/post.h"
#include "util/buf.h"
#include "model/comment.h"
#include "util/log.h"
#include "util/search_fold.h"

enum listing_archive_kind listing_archive_kind_of(const char *path)
{
    if (strncmp(path, "/author/", 8) == 0)
        return LISTING_AUTHOR;
    return strncmp(path, "/category/", 10) == 0 ? LISTING_CATEGORY : LISTING_TAG;
}

const char *listing_author_path(arena *a, const struct store_user *user)
{
    return arena_printf(a, "/author/%s/", *user->nicename ? user->nicename : user->login);
}

/* `out` as the archive of `user` or of `term` (a store result `rc` of finding it). */
static int archive_of_user(arena *a, int rc, const struct store_user *user,
                           struct listing_archive *out)
{
    out->scope.author_id = user->id;
    out->name = user->display_name;
    if (rc == STORE_OK)
        out->path = listing_author_path(a, user);
    return rc;
}

static int archive_of_term(store *s, arena *a, int rc, struct listing_archive *out)
{
    out->scope.term_id = out->term.id;
    out->name = out->term.name;
    if (rc == STORE_OK)
        rc = post_term_path(s, a, &out->term, &out->path);
    return rc;
}

int listing_archive_find(store *s, arena *a, enum listing_archive_kind kind, const char *slug,
                         struct listing_archive *out)
{
    *out = (struct listing_archive){0};
    if (kind == LISTING_AUTHOR) {
        struct store_user user = {0};
        int rc = store_user_find_nicename(s, a, slug, &user);
        if (rc == STORE_NOT_FOUND)
            rc = store_user_find_login(s, a, slug, &user);
        return archive_of_user(a, rc, &user, out);
    }
    int rc =
        store_term_find(s, a, kind == LISTING_CATEGORY ? "category" : "post_tag", slug, &out->term);
    return archive_of_term(s, a, rc, out);
}

int listing_archive_find_wp_id(store *s, arena *a, enum listing_archive_kind kind, long long wp_id,
                               struct listing_archive *out)
{
    *out = (struct listing_archive){0};
    if (wp_id <= 0)
        return STORE_NOT_FOUND;
    if (kind == LISTING_AUTHOR) {
        struct store_user user = {0};
        int rc = store_user_find_wp_id(s, a, wp_id, &user);
        return archive_of_user(a, rc, &user, out);
    }
    int rc = store_term_find_wp_id(s, a, kind == LISTING_CATEGORY ? "category" : "post_tag", wp_id,
                                   &out->term);
    return archive_of_term(s, a, rc, out);
}

struct listing_scope listing_date_scope(const int parts[3], int n)
{
    struct tm from = {.tm_year = parts[0] - 1900,
                      .tm_mon = n > 1 ? parts[1] - 1 : 0,
                      .tm_mday = n > 2 ? parts[2] : 1};
    struct tm until = from;
    if (n == 1)
        until.tm_year++;
    else if (n == 2)
        until.tm_mon++;
    else
        until.tm_mday++;
    return (struct listing_scope){.from = (long long)timegm(&from),
                                  .until = (long long)timegm(&until)};
}

/* The filter of the published posts in `scope`. */
static struct store_post_filter published(struct listing_scope scope)
{
    return (struct store_post_filter){.type = POST_TYPE_POST,
                                      .status = POST_STATUS_PUBLISH,
                                      .author_id = scope.author_id,
                                      .term_id = scope.term_id,
                                      .from = scope.from,
                                      .until = scope.until};
}

int listing_page(store *s, arena *a, struct listing_scope scope, int page, int per_page,
                 struct store_post **posts, size_t *count, bool *has_next)
{
    struct store_post_filter filter = published(scope);
    filter.limit = per_page + 1; /* one more says whether a next page follows */
    filter.offset = (page - 1) * per_page;
    int rc = store_post_list(s, a, &filter, posts, count);
    if (rc != STORE_OK)
        return rc;
    *has_next = *count > (size_t)per_page;
    if (*has_next)
        *count = (size_t)per_page;
    return comment_shown_counts(s, a, *posts, *count);
}

int listing_search(store *s, arena *a, const struct store_search_group *groups, size_t group_count,
                   int page, int per_page, struct store_post **posts, const char ***snippets,
                   size_t *count, long long *total)
{
    struct store_search_hit *hits;
    if (store_search(s, a, groups, group_count, per_page, (page - 1) * per_page, &hits, count,
                     total) != STORE_OK) {
        log_error("search: %s", store_error(s));
        return STORE_ERROR;
    }
    *posts = arena_alloc(a, (*count ? *count : 1) * sizeof(**posts));
    *snippets = arena_alloc(a, (*count ? *count : 1) * sizeof(**snippets));
    for (size_t i = 0; i < *count; i++) {
        (*posts)[i] = hits[i].post;
        /* the engine cut the snippet from the folded text: show the post's own letters */
        const char *original = hits[i].post.body_text ? hits[i].post.body_text : "";
        char *snippet = arena_strdup(a, hits[i].snippet ? hits[i].snippet : "");
        buf own = {0};
        if (search_fold_unfold_snippet(&own, original, strlen(original), snippet)) {
            snippet = arena_take_buf(a, &own);
        } else {
            buf_free(&own);
            search_fold_strip_separators(snippet);
        }
        (*snippets)[i] = snippet;
    }
    return comment_shown_counts(s, a, *posts, *count);
}

int listing_feed_posts(store *s, arena *a, struct listing_scope scope, int limit,
                       struct store_post **posts, size_t *count)
{
    struct store_post_filter filter = published(scope);
    filter.limit = limit;
    return store_post_list(s, a, &filter, posts, count);
}

int listing_feed_comments(store *s, arena *a, long long post_id, int limit,
                          struct store_comment **comments, size_t *count)
{
    struct store_comment_filter filter = {.status = COMMENT_STATUS_APPROVED,
                                          .type = COMMENT_TYPE_COMMENT,
                                          .public_posts = true,
                                          .post_id = post_id,
                                          .limit = limit};
    return store_comment_list(s, a, &filter, comments, count);
}

int listing_sitemap_posts(store *s, arena *a, struct store_post **posts, size_t *count)
{
    struct store_post_filter filter = {.status = POST_STATUS_PUBLISH};
    return store_post_list(s, a, &filter, posts, count);
}
