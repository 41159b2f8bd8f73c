/* comment_page.c: PERMALINK/comment-page-N/, the comment pages of comments.per_page, as
 * WordPress answers them (wp-includes/canonical.php with its defaults: the permalink shows the
 * newest page, so its number is not an address of its own). */
#include <string.h>

#include "model/article.h"
#include "site/common.h"
#include "site/site.h"

#define SUFFIX "comment-page-"
#define PAGE_DIGITS_MAX 9 /* comment-page-999999999 at most: more is no page */

/* Splits "PERMALINK/comment-page-N/" (or without the final slash) into the permalink's length
 * and N (1 or more, no leading zero). False for any other path. */
static bool split_comment_page(const char *path, size_t *permalink_len, long long *page,
                               bool *slash)
{
    size_t len = strlen(path);
    *slash = len && path[len - 1] == '/';
    size_t end = *slash ? len - 1 : len;
    size_t digits = 0;
    while (digits < end && path[end - 1 - digits] >= '0' && path[end - 1 - digits] <= '9')
        digits++;
    if (digits == 0 || digits > PAGE_DIGITS_MAX || path[end - digits] == '0')
        return false;
    size_t start = end - digits; /* of the number */
    size_t suffix_len = strlen(SUFFIX);
    if (start < suffix_len + 1 || memcmp(path + start - suffix_len, SUFFIX, suffix_len) != 0 ||
        path[start - suffix_len - 1] != '/')
        return false;
    *permalink_len = start - suffix_len; /* keeps the permalink's own '/' */
    *page = 0;
    for (size_t i = start; i < end; i++)
        *page = *page * 10 + (path[i] - '0');
    return true;
}

bool site_comment_page(struct handler_context *context, const struct web_request *req,
                       struct web_response *res)
{
    size_t permalink_len;
    long long page;
    bool slash;
    if (!split_comment_page(req->path, &permalink_len, &page, &slash))
        return false;
    arena *a = req->arena;
    struct store_post post;
    int rc = site_find_public_post(context, a, arena_strndup(a, req->path, permalink_len),
                                   permalink_len, &post);
    if (rc == STORE_ERROR) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now. Please try again shortly.");
        return true;
    }
    if (rc != STORE_OK)
        return false; /* no post there: the path may be a permalink of its own */
    if (!slash) {
        web_redirect(res, 301, arena_printf(a, "%s" SUFFIX "%lld/", post.path, page));
        return true;
    }
    site_article_show(context, req, res, &post, 0, page);
    return true;
}

void site_comment_page_missing(struct handler_context *context, const struct web_request *req,
                               struct web_response *res, const struct article_view *view,
                               long long page)
{
    if (view->comment_pages > 1 && page > view->comment_pages) {
        site_error(context, req, res, 404, "Not found",
                   "This article has no comment page of that number.");
        return;
    }
    web_redirect(res, 301, arena_printf(req->arena, "%s#comments", view->post.path));
}
