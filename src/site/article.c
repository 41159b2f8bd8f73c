/* article.c: GET of an article or page at its permalink, with its comment thread. */
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/spam.h"
#include "model/post.h"
#include "model/user.h"
#include "site/common.h"
#include "site/site.h"
#include "site/wp_urls.h"
#include "util/slug.h"

void site_article(struct handler_context *context, const struct web_request *req,
                  struct web_response *res)
{
    arena *a = req->arena;
    if (site_comment_page(context, req, res))
        return;
    size_t path_len = strlen(req->path);
    struct store_post post;
    int rc = site_find_public_post(context, a, req->path, path_len, &post);
    if (rc == STORE_OK && strcmp(req->path, post.path) != 0) {
        /* another form of its path (upper-case escapes, raw UTF-8): one URL answers 200 */
        web_redirect(res, 301, post.path);
        return;
    }
    /* WordPress permalinks end in '/': "/2023/04/slug" finds "/2023/04/slug/"; and an empty
     * segment, which WordPress writes in the <link> of a page whose parent it lost
     * ("//greek/slug/"), finds the page at "/greek/slug/" */
    const char *tidy = post_path_single_slashes(a, path_len && req->path[path_len - 1] != '/'
                                                       ? arena_printf(a, "%s/", req->path)
                                                       : req->path);
    if (rc == STORE_NOT_FOUND && strcmp(tidy, req->path) != 0) {
        rc = site_find_public_post(context, a, tidy, strlen(tidy), &post);
        if (rc == STORE_OK) {
            web_redirect(res, 301, post.path);
            return;
        }
    }
    const char *canonical = slug_canonical(a, tidy);
    if (rc == STORE_NOT_FOUND) {
        /* a path the post had before (_wp_old_slug, _wp_old_date, a slug changed since) */
        rc = post_find_moved(context->store, a, canonical, &post);
        if (rc == STORE_OK) {
            web_redirect(res, 301, post.path);
            return;
        }
    }
    const char *lower = slug_ascii_lower(a, canonical);
    if (rc == STORE_NOT_FOUND && strcmp(lower, canonical) != 0) {
        /* "/2019/01/Hello-World/": WordPress finds a slug whatever the case of its letters */
        rc = site_find_public_post(context, a, lower, strlen(lower), &post);
        if (rc == STORE_NOT_FOUND)
            rc = post_find_moved(context->store, a, lower, &post);
        if (rc == STORE_OK) {
            web_redirect(res, 301, post.path);
            return;
        }
    }
    int page = 0; /* PERMALINK/N/: page N of a post split by <!--nextpage--> (wp_urls.c) */
    if (rc == STORE_NOT_FOUND)
        rc = site_find_post_page(context, a, req->path, &post, &page);
    if (rc == STORE_ERROR) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now. Please try again shortly.");
        return;
    }
    if (rc == STORE_NOT_FOUND && site_date_archive(context, req, res))
        return;
    if (rc == STORE_NOT_FOUND && site_wp_alias(context, req, res))
        return;
    if (page == 1) { /* WordPress's first page is the permalink itself */
        web_redirect(res, 301, post.path);
        return;
    }
    if (rc == STORE_NOT_FOUND && site_attachment_page(context, req, res, canonical))
        return;
    if (rc == STORE_NOT_FOUND) {
        site_error(context, req, res, 404, "Not found", "There is nothing at this address.");
        return;
    }
    site_article_show(context, req, res, &post, page, 0);
}

void site_article_show(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, const struct store_post *found, int page,
                       long long comment_page)
{
    arena *a = req->arena;
    struct store_post post = *found;
    struct web_form query;
    web_form_parse(a, strview_from_cstr(req->query), &query);
    long long held_id = 0;
    const char *unapproved = web_form_get(&query, "unapproved");
    if (unapproved && comment_moderation_hash_ok(context->store, a, atoll(unapproved),
                                                 web_form_get(&query, "moderation-hash")))
        held_id = atoll(unapproved);
    struct article_view view;
    if (article_load(context->store, a, &post, held_id, context->now, &view) != STORE_OK) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now. Please try again shortly.");
        return;
    }
    if (!article_comment_page(context->store, a, &view, comment_page) && comment_page) {
        site_comment_page_missing(context, req, res, &view, comment_page);
        return;
    }
    if (view.locked && site_post_unlocked(context, req, &post))
        view.locked = false;
    if (!article_select_page(a, &view, page ? page : 1)) {
        site_error(context, req, res, 404, "Not found", "This post has no such page.");
        return;
    }
    const char *reply_to = web_form_get(&query, "replytocom");
    article_reply_to(&view, reply_to ? atoll(reply_to) : 0);
    if (view.comments_open)
        spam_form_fields(context->store, a, context->now, &view.form.honeypot, &view.form.stamp);
    if (user_may_moderate(context->user)) /* never cached: app/dispatch.c */
        view.moderator_csrf = context->csrf;
    site_render_article(context, req, res, 200, &view);
    /* what a held comment's author or an unlocked reader sees is theirs alone */
    if (res->status == 200 && !held_id && !*post.password)
        site_cacheable(context, req, res, post.id);
}
