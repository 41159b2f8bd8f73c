/* feed.c: RSS and Atom feeds (/feed/, …/feed/atom/) of the site, an archive, the site's
 * comments and one article's comments; /sitemap.xml and /robots.txt. */
#include <stdlib.h>
#include <string.h>

#include "model/listing.h"
#include "model/post.h"
#include "model/settings.h"
#include "render/feed.h"
#include "site/common.h"
#include "site/site.h"
#include "util/log.h"
#include "util/slug.h"

#define SITEMAP_CHUNK 1000 /* URLs per sitemap file; an index lists the files beyond that */

/* The site's base URL for absolute links: site.url only, never the Host header (anyone may send
 * any); "" while it is unset, so links are relative until then (`serve` warns). */
static const char *base_url(struct handler_context *context, const struct web_request *req)
{
    return settings_get(context->store, req->arena, SETTING_SITE_URL);
}

static const char *excerpt_of(arena *a, const struct store_post *post)
{
    if (*post->password)
        return "This content is password protected.";
    if (*post->excerpt)
        return post->excerpt;
    size_t n = strlen(post->body_text);
    if (n <= 300)
        return post->body_text;
    n = 300;
    while (n && ((unsigned char)post->body_text[n] & 0xC0) == 0x80)
        n--;
    return arena_printf(a, "%.*s…", (int)n, post->body_text);
}

static void fill_post_item(struct handler_context *context, arena *a, const char *base,
                           const struct store_post *post, struct feed_item *item)
{
    struct store_term *terms;
    size_t count = 0;
    if (post_terms(context->store, a, post->id, &terms, &count) != STORE_OK)
        count = 0;
    const char **names = arena_alloc(a, (count ? count : 1) * sizeof(*names));
    for (size_t i = 0; i < count; i++)
        names[i] = terms[i].name;
    const char *link = arena_printf(a, "%s%s", base, post->path);
    *item = (struct feed_item){
        .title = post->title,
        .link = link,
        .guid = *post->guid ? post->guid : link, /* imported posts keep WordPress's */
        .author = post->author_name,
        .content_html = *post->password ? NULL : post->body_html, /* protected: no text */
        .summary = excerpt_of(a, post),
        .comments_link = arena_printf(a, "%s#comments", link),
        .categories = names,
        .category_count = count,
        .published = post->published_at,
        .updated = post->modified_at > post->published_at ? post->modified_at : post->published_at,
    };
}

static void fill_comment_item(arena *a, const char *base, const struct store_post *post,
                              const struct store_comment *c, struct feed_item *item)
{
    const char *link = arena_printf(a, "%s%s#comment-%lld", base, post->path, c->id);
    *item = (struct feed_item){
        .title = arena_printf(a, "Comment on %s by %s", post->title, c->author),
        .link = link,
        .guid = link,
        .author = c->author,
        .content_html = c->body_html,
        .published = c->created_at,
        .updated = c->created_at,
    };
}

/* What a feed path asks for: its scope and the path of the page it belongs to. */
enum feed_scope { FEED_SITE, FEED_SITE_COMMENTS, FEED_ARCHIVE, FEED_POST_COMMENTS };

void site_feed(struct handler_context *context, const struct web_request *req,
               struct web_response *res)
{
    arena *a = req->arena;
    bool atom =
        strlen(req->path) >= 11 && strcmp(req->path + strlen(req->path) - 11, "/feed/atom/") == 0;
    size_t page_len = strlen(req->path) - (atom ? strlen("feed/atom/") : strlen("feed/"));
    /* ends in '/'; in the stored form, whatever form was asked for (util/slug.h) */
    const char *page = slug_canonical(a, arena_strndup(a, req->path, page_len));
    enum feed_scope scope = strcmp(page, "/") == 0            ? FEED_SITE
                            : strcmp(page, "/comments/") == 0 ? FEED_SITE_COMMENTS
                            : strncmp(page, "/category/", 10) == 0 ||
                                    strncmp(page, "/tag/", 5) == 0 ||
                                    strncmp(page, "/author/", 8) == 0
                                ? FEED_ARCHIVE
                                : FEED_POST_COMMENTS;
    const char *base = base_url(context, req);
    int limit = (int)settings_get_int(context->store, a, SETTING_FEED_ITEMS);
    bool full_text = settings_get_bool(context->store, a, SETTING_FEED_FULL_TEXT);
    const char *site_title = settings_get(context->store, a, SETTING_SITE_TITLE);
    struct feed_channel channel = {
        .title = site_title,
        .description = settings_get(context->store, a, SETTING_SITE_DESCRIPTION),
        .link = arena_printf(a, "%s%s", base, scope == FEED_SITE_COMMENTS ? "/" : page),
        .self_url = arena_printf(a, "%s%s", base, req->path),
        .language = "en",
    };
    channel.id = channel.self_url;
    struct feed_item *items = arena_alloc(a, (size_t)limit * sizeof(*items));
    size_t count = 0;
    int rc = STORE_OK;
    long long post_id = 0; /* the post whose comments this is, for the cache */

    if (scope == FEED_SITE || scope == FEED_ARCHIVE) {
        struct listing_archive archive = {0};
        if (scope == FEED_ARCHIVE) {
            const char *slug = page + strlen(page) - 1;
            while (slug > page && slug[-1] != '/')
                slug--;
            slug = arena_strndup(a, slug, strlen(slug) - 1);
            rc = listing_archive_find(context->store, a, listing_archive_kind_of(page), slug,
                                      &archive);
            if (rc == STORE_OK)
                channel.title = arena_printf(a, "%s – %s", site_title, archive.name);
        }
        struct store_post *posts;
        if (rc == STORE_OK)
            rc = listing_feed_posts(context->store, a, archive.scope, limit, &posts, &count);
        for (size_t i = 0; rc == STORE_OK && i < count; i++)
            fill_post_item(context, a, base, &posts[i], &items[i]);
    } else {
        struct store_post post;
        if (scope == FEED_POST_COMMENTS) {
            rc = site_find_public_post(context, a, page, strlen(page), &post);
            if (rc == STORE_OK && *post.password)
                rc = STORE_NOT_FOUND; /* a protected post's comments are protected too */
            post_id = rc == STORE_OK ? post.id : 0;
            if (rc == STORE_OK)
                channel.title = arena_printf(a, "Comments on: %s", post.title);
        } else
            channel.title = arena_printf(a, "Comments for %s", site_title);
        struct store_comment *comments;
        if (rc == STORE_OK)
            rc = listing_feed_comments(context->store, a, post_id, limit, &comments, &count);
        for (size_t i = 0; rc == STORE_OK && i < count; i++) {
            struct store_post *of = &post;
            if (scope == FEED_SITE_COMMENTS) {
                of = arena_alloc(a, sizeof(*of));
                rc = post_get(context->store, a, comments[i].post_id, of);
            }
            if (rc == STORE_OK)
                fill_comment_item(a, base, of, &comments[i], &items[i]);
        }
    }
    if (rc == STORE_NOT_FOUND) {
        site_error(context, req, res, 404, "Not found", "There is no feed at this address.");
        return;
    }
    if (rc != STORE_OK) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now.");
        return;
    }
    for (size_t i = 0; i < count; i++)
        if (items[i].updated > channel.updated)
            channel.updated = items[i].updated;
    if (atom)
        render_atom(&channel, items, count, full_text, &res->body);
    else
        render_rss(&channel, items, count, full_text, &res->body);
    res->content_type =
        atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8";
    res->cache_control = settings_get(context->store, a, SETTING_CACHE_CONTROL_FEEDS);
    site_cacheable(context, req, res, post_id);
}

void site_sitemap(struct handler_context *context, const struct web_request *req,
                  struct web_response *res)
{
    arena *a = req->arena;
    const char *base = base_url(context, req);
    struct store_post *posts;
    size_t count;
    if (listing_sitemap_posts(context->store, a, &posts, &count) != STORE_OK) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now.");
        return;
    }
    size_t chunks = (count + SITEMAP_CHUNK - 1) / SITEMAP_CHUNK;
    int chunk = 0; /* 0: /sitemap.xml itself */
    if (strncmp(req->path, "/sitemap-posts-", 15) == 0) {
        char *end;
        long n = strtol(req->path + 15, &end, 10);
        if (n < 1 || (size_t)n > chunks || strcmp(end, ".xml") != 0) {
            site_error(context, req, res, 404, "Not found", "There is no such sitemap.");
            return;
        }
        chunk = (int)n;
    }
    struct sitemap_url *urls = arena_alloc(a, (count + 1) * sizeof(*urls));
    if (chunk == 0 && chunks > 1) {
        for (size_t i = 0; i < chunks; i++) {
            long long newest = posts[i * SITEMAP_CHUNK].modified_at;
            urls[i] = (struct sitemap_url){arena_printf(a, "%s/sitemap-posts-%zu.xml", base, i + 1),
                                           newest};
        }
        render_sitemap_index(urls, chunks, &res->body);
    } else {
        size_t n = 0, first = chunk ? (size_t)(chunk - 1) * SITEMAP_CHUNK : 0;
        if (chunk == 0)
            urls[n++] = (struct sitemap_url){arena_printf(a, "%s/", base),
                                             count ? posts[0].modified_at : 0};
        for (size_t i = first; i < count && i < first + SITEMAP_CHUNK; i++)
            if (!*posts[i].password)
                urls[n++] = (struct sitemap_url){arena_printf(a, "%s%s", base, posts[i].path),
                                                 posts[i].modified_at};
        render_sitemap(urls, n, &res->body);
    }
    res->content_type = "application/xml; charset=utf-8";
    res->cache_control = settings_get(context->store, a, SETTING_CACHE_CONTROL_FEEDS);
    site_cacheable(context, req, res, 0);
}

void site_robots(struct handler_context *context, const struct web_request *req,
                 struct web_response *res)
{
    res->content_type = "text/plain; charset=utf-8";
    buf_puts(&res->body, "User-agent: *\nDisallow: /admin/\n");
    const char *base = base_url(context, req);
    if (*base) /* the Sitemap line must be absolute: none until site.url is set */
        buf_printf(&res->body, "\nSitemap: %s/sitemap.xml\n", base);
    res->cache_control = settings_get(context->store, req->arena, SETTING_CACHE_CONTROL_FEEDS);
    site_cacheable(context, req, res, 0);
}
