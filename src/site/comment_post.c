/* comment_post.c: POST PERMALINK/comments: a new comment or reply from the reader's form. */
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "model/article.h"
#include "model/comment.h"
#include "site/common.h"
#include "site/site.h"

#define REMEMBER_SECONDS (365 * 86400)

/* Cross-site form posts are refused when the browser says where the form came from. Cached
 * pages cannot hold per-reader tokens, so the comment form is checked by Origin. */
static bool same_origin(const struct http_request *req)
{
    if (!*req->origin || strcmp(req->origin, "null") == 0)
        return !*req->origin;
    const char *host = strstr(req->origin, "://");
    return host && strcmp(host + 3, req->host) == 0;
}

static void remember_reader(const struct http_request *req, struct http_response *res,
                            bool remember, const char *author, const char *email, const char *url)
{
    static const char *const names[] = {"comment_author", "comment_author_email",
                                        "comment_author_url"};
    const char *values[] = {author, email, url};
    for (int i = 0; i < 3; i++) {
        /* Not HttpOnly: the page's script fills the form from them, so pages stay cacheable. */
        http_add_cookie(
            res, arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%d; SameSite=Lax%s", names[i],
                              remember ? http_url_encode(req->arena, values[i]) : "",
                              remember ? REMEMBER_SECONDS : 0, req->https ? "; Secure" : ""));
    }
}

/* comment_parent: "" or "0" for a top-level comment, else a comment id; -1 for garbage, which
 * the model refuses as an unknown parent. */
static long long parent_id(const char *text)
{
    if (!text || !*text)
        return 0;
    char *end;
    long long id = strtoll(text, &end, 10);
    return *end || id < 0 ? -1 : id;
}

void site_comment_post(struct handler_context *context, const struct http_request *req,
                       struct http_response *res)
{
    arena *a = req->arena;
    size_t post_path_len = strlen(req->path) - strlen("comments");
    struct store_post post;
    int rc = site_find_public_post(context, a, req->path, post_path_len, &post);
    if (rc != STORE_OK) {
        site_error(context, req, res, rc == STORE_ERROR ? 503 : 404,
                   rc == STORE_ERROR ? "Service unavailable" : "Not found",
                   rc == STORE_ERROR ? "The site cannot store comments right now. Go back: your "
                                       "comment is still in the form."
                                     : "There is no article at this address to comment on.");
        return;
    }
    if (!same_origin(req)) {
        site_error(context, req, res, 403, "Forbidden",
                   "This form was sent from another site, so it was not accepted.");
        return;
    }
    if (*req->content_type &&
        strncmp(req->content_type, "application/x-www-form-urlencoded", 33) != 0) {
        site_error(context, req, res, 415, "Unsupported form",
                   "Comments are sent as an ordinary form (application/x-www-form-urlencoded).");
        return;
    }
    struct http_form form;
    http_form_parse(a, req->body, &form);
    const struct http_field *text = http_form_field(&form, "comment");
    const char *parent = http_form_get(&form, "comment_parent");
    struct comment_input in = {
        .author = http_form_get(&form, "author"),
        .email = http_form_get(&form, "email"),
        .url = http_form_get(&form, "url"),
        .text = text ? text->value : "",
        .text_len = text ? text->value_len : 0,
        .parent_id = parent_id(parent),
        .ip = req->client_ip,
        .user_agent = req->user_agent,
        .now = context->now,
    };
    bool remember = http_form_get(&form, "remember") != NULL;
    struct comment_result result;
    comment_submit(context->store, a, &post, &in, &result);
    switch (result.outcome) {
    case COMMENT_APPROVED:
        remember_reader(req, res, remember, in.author, in.email, in.url ? in.url : "");
        http_redirect(res, 303, arena_printf(a, "%s#comment-%lld", post.path, result.id));
        return;
    case COMMENT_HELD:
        remember_reader(req, res, remember, in.author, in.email, in.url ? in.url : "");
        http_redirect(res, 303,
                      arena_printf(a, "%s?unapproved=%lld&moderation-hash=%s#comment-%lld",
                                   post.path, result.id,
                                   comment_moderation_hash(context->store, a, result.id),
                                   result.id));
        return;
    case COMMENT_CLOSED:
        site_error(context, req, res, 403, "Comments are closed.",
                   "Comments are closed. This article takes no new comments.");
        return;
    case COMMENT_INVALID:
    case COMMENT_FAILED:
        break;
    }
    /* Show the article again with what the reader typed, and what is wrong. */
    struct article_view view;
    if (article_load(context->store, a, &post, 0, context->now, &view) != STORE_OK) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot store comments right now. Go back: your comment is still "
                   "in the form.");
        return;
    }
    static const char *const failed[] = {
        "Your comment could not be stored just now. It is still here: please try again."};
    view.comments_open = true;
    view.form = (struct comment_form){
        .author = in.author,
        .email = in.email,
        .url = in.url,
        .comment = in.text,
        .parent_id = in.parent_id,
        .remember = remember,
        .errors = result.outcome == COMMENT_FAILED ? failed : result.errors,
        .error_count = result.outcome == COMMENT_FAILED ? 1 : result.error_count,
    };
    site_render_article(context, req, res, result.outcome == COMMENT_FAILED ? 503 : 400, &view);
}
