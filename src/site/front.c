/* front.c: the front page (newest published posts, paginated) and WordPress's /?p=ID links. */
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "model/post.h"
#include "model/settings.h"
#include "site/common.h"
#include "site/site.h"
#include "util/log.h"

/* /?p=ID (and ?page_id=ID) answer 301 to the permalink: WordPress IDs first, then ours. */
static void redirect_post_id(struct handler_context *context, const struct http_request *req,
                             struct http_response *res, const char *id_text)
{
    char *end;
    long long id = strtoll(id_text, &end, 10);
    struct store_post post;
    int rc = STORE_NOT_FOUND;
    if (*id_text && !*end && id > 0) {
        rc = store_post_find_wp_id(context->store, req->arena, id, &post);
        if (rc == STORE_NOT_FOUND)
            rc = store_post_get(context->store, req->arena, id, &post);
    }
    if (rc == STORE_OK && post_is_public(&post))
        http_redirect(res, 301, post.path);
    else if (rc == STORE_ERROR)
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now.");
    else
        site_error(context, req, res, 404, "Not found", "There is no post with that number.");
}

void site_front(struct handler_context *context, const struct http_request *req,
                struct http_response *res)
{
    arena *a = req->arena;
    struct http_form query;
    http_form_parse(a, strview_from_cstr(req->query), &query);
    const char *id = http_form_get(&query, "p");
    if (!id)
        id = http_form_get(&query, "page_id");
    if (id) {
        redirect_post_id(context, req, res, id);
        return;
    }
    int page = 1;
    if (strncmp(req->path, "/page/", 6) == 0) {
        char *end;
        long n = strtol(req->path + 6, &end, 10);
        if (n < 1 || n > 1000000 || (*end && strcmp(end, "/") != 0)) {
            site_error(context, req, res, 404, "Not found", "There is no such page.");
            return;
        }
        page = (int)n;
    }
    int per_page = (int)settings_get_int(context->store, a, "site.posts_per_page");
    struct store_post_filter filter = {.type = "post",
                                       .status = "publish",
                                       .limit = per_page + 1,
                                       .offset = (page - 1) * per_page};
    struct front_view view = {.page = page};
    size_t count;
    struct store_post *posts;
    if (store_post_list(context->store, a, &filter, &posts, &count) != STORE_OK) {
        log_error("front page: %s", store_error(context->store));
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now.");
        return;
    }
    if (page > 1 && count == 0) {
        site_error(context, req, res, 404, "Not found", "There is no such page.");
        return;
    }
    view.posts = posts;
    view.has_next = count > (size_t)per_page;
    view.count = view.has_next ? (size_t)per_page : count;
    struct site_view site;
    site_view_load(context, a, &site);
    buf error = {0};
    if (render_front_page(context->theme, a, &site, &view, &res->body, &error) != 0) {
        log_error("front page: %s", buf_cstr(&error));
        site_error(context, req, res, 500, "Internal error", "This page could not be made.");
    } else
        res->cacheable = true;
    buf_free(&error);
}
