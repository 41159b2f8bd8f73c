/* listing.c: pages that list posts: the front page, search results (/?s=), and the archives of
 * a category, a tag, an author or a date; WordPress's query forms redirect (wp_urls.c). */
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "web/wp_path.h"
#include "model/listing.h"
#include "model/post.h"
#include "model/search.h"
#include "model/settings.h"
#include "site/common.h"
#include "site/site.h"
#include "site/wp_urls.h"
#include "util/log.h"
#include "util/slug.h"

/* Splits "BASE/page/N/" into BASE (ending in '/') and N; a path without it is page 1. Returns
 * 0 for a malformed page number. */
static int split_page(arena *a, const char *path, const char **base)
{
    const char *at = strstr(path, "/page/");
    *base = path;
    if (!at)
        return 1;
    char *end;
    long n = strtol(at + 6, &end, 10);
    if (n < 1 || n > 100000 || strcmp(end, "/") != 0)
        return 0;
    *base = arena_strndup(a, path, (size_t)(at - path) + 1);
    return (int)n;
}

static void render_listing(struct handler_context *context, const struct web_request *req,
                           struct web_response *res, struct listing_view *view)
{
    struct site_view site;
    site_view_load(context, req, &site);
    buf error = {0};
    if (render_listing_page(context->theme, req->arena, &site, view, &res->body, &error) != 0) {
        log_error("listing %s: %s", req->path, buf_cstr(&error));
        site_error(context, req, res, 500, "Internal error", "This page could not be made.");
    } else
        site_cacheable(context, req, res, 0); /* a listing: dropped by any post change */
    buf_free(&error);
}

/* Lists page `view->page` of the published posts in `scope`; 404 when the page is empty. */
static void list_posts(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, struct listing_scope scope,
                       struct listing_view *view)
{
    int per_page = (int)settings_get_int(context->store, req->arena, SETTING_SITE_POSTS_PER_PAGE);
    struct store_post *posts;
    size_t count;
    bool has_next;
    if (listing_page(context->store, req->arena, scope, view->page, per_page, &posts, &count,
                     &has_next) != STORE_OK) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now.");
        return;
    }
    if (count == 0 && (view->page > 1 || view->heading)) {
        site_error(context, req, res, 404, "Not found",
                   view->heading ? "There are no posts here." : "There is no such page.");
        return;
    }
    if (view->page == 1 && strcmp(req->path, view->base_path) != 0) {
        web_redirect(res, 301, view->base_path); /* BASE/page/1/ is BASE, as in WordPress */
        return;
    }
    view->posts = posts;
    view->has_next = has_next;
    view->count = count;
    render_listing(context, req, res, view);
}

static void search(struct handler_context *context, const struct web_request *req,
                   struct web_response *res, const char *query, const char *paged)
{
    arena *a = req->arena;
    struct listing_view view = {.base_path = "/", .query = query, .page = 1};
    if (paged) {
        char *end;
        long n = strtol(paged, &end, 10);
        view.page = *end || n < 1 || n > 1000 ? 1 : (int)n;
    }
    struct store_search_group *groups;
    int group_count = search_parse(a, query, &groups);
    if (group_count < 0) {
        view.query = "";
        view.notice = "That search is too long: 200 characters at most.";
        render_listing(context, req, res, &view);
        res->status = 400;
        res->cacheable = false;
        return;
    }
    if (group_count == 0) {
        view.notice = "Type a word or two to search for.";
        render_listing(context, req, res, &view);
        return;
    }
    int per_page = (int)settings_get_int(context->store, a, SETTING_SITE_POSTS_PER_PAGE);
    struct store_post *posts;
    const char **snippets;
    size_t count;
    if (listing_search(context->store, a, groups, (size_t)group_count, view.page, per_page, &posts,
                       &snippets, &count, &view.total) != STORE_OK) {
        site_error(context, req, res, 503, "Service unavailable",
                   "Search cannot reach the database right now.");
        return;
    }
    view.posts = posts;
    view.snippets = snippets;
    view.count = count;
    view.has_next = view.page * (long long)per_page < view.total;
    render_listing(context, req, res, &view);
}

void site_front(struct handler_context *context, const struct web_request *req,
                struct web_response *res)
{
    struct web_form query;
    web_form_parse(req->arena, strview_from_cstr(req->query), &query);
    const char *words = web_form_get(&query, "s");
    if (words) { /* a search, whatever else the query names (WordPress redirects none) */
        search(context, req, res, words, web_form_get(&query, "paged"));
        return;
    }
    if (site_wp_query(context, req, res, &query)) /* ?p=, ?cat=, ?m=, ?feed=, …: 301 */
        return;
    const char *base;
    struct listing_view view = {.base_path = "/"}; /* the site feed is in every head */
    view.page = split_page(req->arena, req->path, &base);
    if (!view.page || strcmp(base, "/") != 0) {
        site_error(context, req, res, 404, "Not found", "There is no such page.");
        return;
    }
    list_posts(context, req, res, (struct listing_scope){0}, &view);
}

/* The last segment of "/category/parent/child/": nested categories keep their parents' path. */
static const char *last_segment(arena *a, const char *path)
{
    size_t n = strlen(path);
    while (n && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start && path[start - 1] != '/')
        start--;
    return slug_canonical(a, arena_strndup(a, path + start, n - start));
}

void site_archive(struct handler_context *context, const struct web_request *req,
                  struct web_response *res)
{
    if (site_wp_alias(context, req, res)) /* …/rss2/, …/atom/: the archive's feed */
        return;
    arena *a = req->arena;
    const char *base;
    struct listing_view view = {0};
    view.page = split_page(a, req->path, &base);
    view.base_path = base;
    view.feed_path = arena_printf(a, "%sfeed/", base);
    const char *slug = last_segment(a, base);
    enum listing_archive_kind kind = listing_archive_kind_of(base);
    struct listing_archive archive = {0};
    int rc =
        view.page ? listing_archive_find(context->store, a, kind, slug, &archive) : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND && view.page && strcmp(slug_ascii_lower(a, slug), slug) != 0)
        /* "/tag/News/": WordPress finds a slug whatever the case of its letters (then 301) */
        rc = listing_archive_find(context->store, a, kind, slug_ascii_lower(a, slug), &archive);
    if (rc == STORE_OK && strcmp(archive.path, base) != 0) {
        /* one URL an archive: a category under its parents (/category/parent/child/), an
         * author at the nicename, slugs in WordPress's lowercase percent-encoding */
        web_redirect(res, 301,
                     view.page > 1 ? arena_printf(a, "%spage/%d/", archive.path, view.page)
                                   : archive.path);
        return;
    }
    if (rc == STORE_OK && kind == LISTING_AUTHOR)
        view.heading = arena_printf(a, "Posts by %s", archive.name);
    else if (rc == STORE_OK) {
        bool category = kind == LISTING_CATEGORY;
        const struct store_term *term = &archive.term;
        view.heading = arena_printf(a, "%s: %s", category ? "Category" : "Tag", term->name);
        view.description = *term->description ? term->description : NULL;
    }
    if (rc == STORE_ERROR) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now.");
        return;
    }
    if (rc == STORE_NOT_FOUND) {
        /* no such archive: a post may have the path (WordPress's /%postname%/ gives a post
         * named "author" the path /author/), or have had it; else the article's 404 */
        site_article(context, req, res);
        return;
    }
    list_posts(context, req, res, archive.scope, &view);
}

/* "/YYYY/", "/YYYY/MM/", "/YYYY/MM/DD/" (then maybe "page/N/"): the archive of that span.
 * Returns false when the path is not a date archive (the caller answers 404). */
bool site_date_archive(struct handler_context *context, const struct web_request *req,
                       struct web_response *res)
{
    arena *a = req->arena;
    const char *base;
    int page = split_page(a, req->path, &base);
    int parts[3];
    int n = wp_date_path(base, parts);
    if (!page || !n)
        return false;
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    struct listing_scope scope = listing_date_scope(parts, n);
    struct listing_view view = {.base_path = base, .page = page, .feed_path = NULL};
    view.heading =
        n == 1   ? arena_printf(a, "Posts of %d", parts[0])
        : n == 2 ? arena_printf(a, "Posts of %s %d", months[parts[1] - 1], parts[0])
                 : arena_printf(a, "Posts of %s %d, %d", months[parts[1] - 1], parts[2], parts[0]);
    list_posts(context, req, res, scope, &view);
    return true;
}
