/* listing.c: the lists a reader sees, each one store query. */
#include "model/listing.h"

#include <string.h>

#include "model/post.h"
#include "util/log.h"

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

int listing_archive_find(store *s, arena *a, enum listing_archive_kind kind, const char *slug,
                         struct listing_archive *out)
{
    *out = (struct listing_archive){0};
    if (kind == LISTING_AUTHOR) {
        struct store_user user = {0};
        int rc = store_user_find_nicename(s, a, slug, &user);
        if (rc == STORE_NOT_FOUND)
            rc = store_user_find_login(s, a, slug, &user);
        out->scope.author_id = user.id;
        out->name = user.display_name;
        if (rc == STORE_OK)
            out->path = listing_author_path(a, &user);
        return rc;
    }
    int rc =
        store_term_find(s, a, kind == LISTING_CATEGORY ? "category" : "post_tag", slug, &out->term);
    out->scope.term_id = out->term.id;
    out->name = out->term.name;
    if (rc == STORE_OK)
        rc = post_term_path(s, a, &out->term, &out->path);
    return rc;
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
    return STORE_OK;
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
        (*snippets)[i] = hits[i].snippet;
    }
    return STORE_OK;
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
