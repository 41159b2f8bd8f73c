/* common.c: what several reader-facing handlers need. */
#include "site/common.h"

#include <string.h>

#include "web/form.h"
#include "mail/outbox.h"
#include "model/menu.h"
#include "model/post.h"
#include "model/secret.h"
#include "model/settings.h"
#include "site/site.h"
#include "util/log.h"
#include "util/slug.h"

void site_view_load(struct handler_context *context, const struct web_request *req,
                    struct site_view *site)
{
    arena *a = req->arena;
    site->title = settings_get(context->store, a, SETTING_SITE_TITLE);
    site->description = settings_get(context->store, a, SETTING_SITE_DESCRIPTION);
    /* never the Host header: anyone may send any (docs/security.md); "" makes links relative */
    site->url = settings_get(context->store, a, SETTING_SITE_URL);
    site->language = settings_get(context->store, a, SETTING_SITE_LANGUAGE);
    struct menu_link *nav = NULL;
    site->nav_count = 0;
    /* a page without its navigation is better than no page; not logged, since every page of
     * an outage would say it again (the store logs the outage once, as settings_get relies on) */
    if (menu_site_nav(context->store, a, &nav, &site->nav_count) != STORE_OK)
        site->nav_count = 0;
    site->nav = nav;
    site->store = context->store; /* pages find their media when they are made */
}

int site_find_public_post(struct handler_context *context, arena *a, const char *path,
                          size_t path_len, struct store_post *post)
{
    /* stored in WordPress's lowercase percent-encoding: any form a reader sends finds it */
    const char *canonical = slug_canonical(a, arena_strndup(a, path, path_len));
    return post_find_public(context->store, a, canonical, post);
}

static const char *unlock_message(arena *a, const struct store_post *post)
{
    return arena_printf(a, "postpass:%lld:%s", post->id, post->password);
}

bool site_post_unlocked(struct handler_context *context, const struct web_request *req,
                        const struct store_post *post)
{
    const char *cookie = web_cookie_get(req->arena, req->cookie,
                                        arena_printf(req->arena, "gz_postpass_%lld", post->id));
    return cookie &&
           secret_mac_ok(context->store, req->arena, unlock_message(req->arena, post), cookie);
}

void site_post_password(struct handler_context *context, const struct web_request *req,
                        struct web_response *res)
{
    if (!site_same_origin(req)) {
        site_error(context, req, res, 403, "Forbidden",
                   "This password form was sent from another site, so it was not accepted.");
        return;
    }
    size_t len = strlen(req->path) - strlen("password");
    struct store_post post;
    int rc = site_find_public_post(context, req->arena, req->path, len, &post);
    if (rc != STORE_OK || !*post.password) {
        site_error(context, req, res, rc == STORE_ERROR ? 503 : 404,
                   rc == STORE_ERROR ? "Service unavailable" : "Not found",
                   rc == STORE_ERROR ? "The site cannot read its database right now."
                                     : "There is nothing at this address.");
        return;
    }
    struct web_form form;
    web_form_parse(req->arena, req->body, &form);
    const char *given = web_form_get(&form, "post_password");
    enum post_password_result tried =
        post_password_try(context->store, req->arena, &post, req->client_ip, given, context->now);
    switch (tried) {
    case POST_PASSWORD_RIGHT:
        break;
    case POST_PASSWORD_WRONG:
        site_error(context, req, res, 403, "Wrong password",
                   "That password is not right for this post. Go back and try again.");
        return;
    case POST_PASSWORD_LIMITED:
        site_error(context, req, res, 429, "Too many tries",
                   "Too many wrong passwords for this post came from your address. Wait 10 "
                   "minutes and try again.");
        res->retry_after = POST_PASSWORD_WINDOW;
        return;
    case POST_PASSWORD_FAILED:
        log_error("checking a post password: %s", store_error(context->store));
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot use its database right now; try again in a minute.");
        return;
    }
    const char *mac = secret_mac(context->store, req->arena, unlock_message(req->arena, &post));
    web_add_cookie(res, arena_printf(req->arena,
                                     "gz_postpass_%lld=%s; Path=/; Max-Age=864000; HttpOnly; "
                                     "SameSite=Lax%s",
                                     post.id, mac, req->https ? "; Secure" : ""));
    web_redirect(res, 303, post.path);
}

void site_render_article(struct handler_context *context, const struct web_request *req,
                         struct web_response *res, int status, struct article_view *view)
{
    view->email_link = mail_configured(context->store, req->arena);
    struct site_view site;
    site_view_load(context, req, &site);
    buf error = {0};
    if (render_article_page(context->theme, req->arena, &site, view, &res->body, &error) != 0) {
        log_error("rendering %s: %s", req->path, buf_cstr(&error));
        buf_free(&error);
        site_error(context, req, res, 500, "Internal error", "This page could not be made.");
        return;
    }
    res->status = status;
}

void site_error(struct handler_context *context, const struct web_request *req,
                struct web_response *res, int status, const char *title, const char *message)
{
    struct site_view site = {.title = "gazette", .description = "", .url = ""};
    if (context->store)
        site_view_load(context, req, &site);
    buf_reset(&res->body);
    res->status = status;
    res->content_type = NULL;
    res->cacheable = false;
    res->retry_after = status == 503 ? 5 : 0;
    buf error = {0};
    if (render_error_page(context->theme, req->arena, &site, status, title, message, &res->body,
                          &error) != 0) {
        log_error("rendering an error page: %s", buf_cstr(&error));
        buf_reset(&res->body);
        buf_printf(&res->body, "%s\n", message);
        res->content_type = "text/plain; charset=utf-8";
    }
    buf_free(&error);
}

void site_cacheable(struct handler_context *context, const struct web_request *req,
                    struct web_response *res, long long post_id)
{
    res->cacheable = true;
    res->cache_post_id = post_id;
    if (!res->cache_control)
        res->cache_control = settings_get(context->store, req->arena, SETTING_CACHE_CONTROL_PAGES);
}

bool site_same_origin(const struct web_request *req)
{
    if (!*req->origin)
        return true; /* not sent: an older browser, a script, a test; the body limits apply */
    if (strcmp(req->origin, "null") == 0)
        return false;
    const char *host = strstr(req->origin, "://");
    return host && strcmp(host + 3, req->host) == 0;
}
