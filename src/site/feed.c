/* feed.c: RSS and Atom feeds (/feed/, …/feed/atom/) of the site, an archive, the site's
 * comments and one article's comments; /sitemap.xml and /robots.txt. */
#include <stdlib.h>
#include <string.h>

#include "model/comment.h"
#include "model/listing.h"
#include "model/post.h"
#include "model/settings.h"
#include "render/feed.h"
#include "render/media_html.h"
#include "site/common.h"
#include "site/site.h"
#include "site/wp_urls.h"
#include "web/wp_path.h"
#include "util/log.h"
#include "util/utf8.h"
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
    n = utf8_cut(post->body_text, n, 300);
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
    /* the featured image as the enclosure, when links can be absolute (site.url) */
    struct media_picture featured;
    if (*base && !*post->password && post->featured_media_id > 0 &&
        media_picture_find(context->store, a, post->featured_media_id, "large", &featured) ==
            STORE_OK) {
        item->enclosure_url = arena_printf(a, "%s%s", base, featured.src);
        item->enclosure_type = featured.mime;
        item->enclosure_length = featured.bytes;
    }
}

/* The comment pages of the post of the last comment item (comments.per_page), so that a
 * post's feed reads its thread once. */
struct comment_pages_seen {
    long long per_page;           /* comments.per_page; 0: links go to the permalink */
    long long post_id;            /* whose thread is below, 0 for none yet */
    struct comment_thread thread; /* that post's thread */
};

/* The path of the page showing comment `c` of `post`: its permalink unless the thread is paged
 * (WordPress's get_comment_link). */
static const char *comment_page_of_item(struct handler_context *context, arena *a,
                                        struct comment_pages_seen *seen,
                                        const struct store_post *post,
                                        const struct store_comment *c)
{
    if (seen->per_page <= 0)
        return post->path;
    if (seen->post_id != post->id) {
        seen->post_id = 0;
        if (comment_thread_load(context->store, a, post->id, 0, &seen->thread) != STORE_OK)
            return post->path; /* a link to the permalink still finds the comments */
        seen->post_id = post->id;
    }
    return comment_page_path(a, post->path, comment_page_of(&seen->thread, seen->per_page, c->id),
                             comment_page_count(&seen->thread, seen->per_page));
}

static void fill_comment_item(arena *a, const char *base, const struct store_post *post,
                              const char *page, const struct store_comment *c,
                              struct feed_item *item)
{
    /* the guid stays at the permalink: a comment's page changes as the thread grows */
    const char *guid = arena_printf(a, "%s%s#comment-%lld", base, post->path, c->id);
    *item = (struct feed_item){
        .title = arena_printf(a, "Comment on %s by %s", post->title, c->author),
        .link = arena_printf(a, "%s%s#comment-%lld", base, page, c->id),
        .guid = guid,
        .author = c->author,
        .content_html = c->body_html,
        .published = c->created_at,
        .updated = c->created_at,
    };
}

/* What a feed path asks for: its scope and the path of the page it belongs to. */
enum feed_scope { FEED_SITE, FEED_SITE_COMMENTS, FEED_ARCHIVE, FEED_DATE, FEED_POST_COMMENTS };

void site_feed(struct handler_context *context, const struct web_request *req,
               struct web_response *res)
{
    arena *a = req->arena;
    size_t path_len = strlen(req->path);
    if (path_len >= 11 && strcmp(req->path + path_len - 11, "/feed/feed/") == 0) {
        /* WordPress's ?feed=feed as a path: the feed of the page before it, every repeated
         * "feed/" dropped at once (one level, however long the path) */
        size_t n = path_len - 5;
        while (n >= 11 && strncmp(req->path + n - 11, "/feed/feed/", 11) == 0)
            n -= 5;
        site_answer_as(context, req, res, arena_strndup(a, req->path, n), "", site_feed);
        return;
    }
    bool atom = path_len >= 11 && strcmp(req->path + path_len - 11, "/feed/atom/") == 0;
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
    int date[3];
    int date_parts = wp_date_path(page, date); /* /2019/01/feed/: that month's posts */
    if (scope == FEED_POST_COMMENTS && date_parts)
        scope = FEED_DATE;
    const char *base = base_url(context, req);
    int limit = (int)settings_get_int(context->store, a, SETTING_FEED_ITEMS);
    bool full_text = settings_get_bool(context->store, a, SETTING_FEED_FULL_TEXT);
    const char *site_title = settings_get(context->store, a, SETTING_SITE_TITLE);
    struct feed_channel channel = {
        .title = site_title,
        .description = settings_get(context->store, a, SETTING_SITE_DESCRIPTION),
        .link = arena_printf(a, "%s%s", base, scope == FEED_SITE_COMMENTS ? "/" : page),
        .self_url = arena_printf(a, "%s%s", base, req->path),
        .language = settings_get(context->store, a, SETTING_SITE_LANGUAGE),
    };
    channel.id = channel.self_url;
    struct feed_item *items = arena_alloc(a, (size_t)limit * sizeof(*items));
    size_t count = 0;
    int rc = STORE_OK;
    long long post_id = 0; /* the post whose comments this is, for the cache */

    if (scope == FEED_SITE || scope == FEED_ARCHIVE || scope == FEED_DATE) {
        struct listing_archive archive = {0};
        if (scope == FEED_DATE)
            archive.scope = listing_date_scope(date, date_parts);
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
        struct comment_pages_seen seen = {
            .per_page = settings_get_int(context->store, a, SETTING_COMMENTS_PER_PAGE)};
        if (rc == STORE_OK)
            rc = listing_feed_comments(context->store, a, post_id, limit, &comments, &count);
        for (size_t i = 0; rc == STORE_OK && i < count; i++) {
            struct store_post *of = &post;
            if (scope == FEED_SITE_COMMENTS) {
                of = arena_alloc(a, sizeof(*of));
                rc = post_get(context->store, a, comments[i].post_id, of);
            }
            if (rc == STORE_OK)
                fill_comment_item(a, base, of,
                                  comment_page_of_item(context, a, &seen, of, &comments[i]),
                                  &comments[i], &items[i]);
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
