/* comment_post.c: POST PERMALINK/comments: a new comment or reply from the reader's form. */
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "model/article.h"
#include "model/comment.h"
#include "model/spam.h"
#include "site/common.h"
#include "site/site.h"
#include "util/log.h"

#define REMEMBER_SECONDS (365 * 86400)

static void remember_reader(const struct web_request *req, struct web_response *res, bool remember,
                            const char *author, const char *email, const char *url)
{
    static const char *const names[] = {"comment_author", "comment_author_email",
                                        "comment_author_url"};
    const char *values[] = {author, email, url};
    for (int i = 0; i < 3; i++) {
        /* Not HttpOnly: the page's script fills the form from them, so pages stay cacheable. */
        web_add_cookie(res,
                       arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%d; SameSite=Lax%s",
                                    names[i], remember ? web_url_encode(req->arena, values[i]) : "",
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

/* A page saying what went wrong, with the form and the reader's text in it to send again. */
static void answer_with_form(struct handler_context *context, const struct web_request *req,
                             struct web_response *res, int status, const char *title,
                             const char *message, const struct comment_form *form)
{
    struct site_view site = {.title = "gazette", .description = "", .url = ""};
    site_view_load(context, req, &site);
    buf error = {0};
    buf_reset(&res->body);
    if (render_comment_retry_page(context->theme, req->arena, &site, title, message, req->path,
                                  form, &res->body, &error) != 0) {
        log_error("rendering the retry page: %s", buf_cstr(&error));
        site_error(context, req, res, status, title, message);
    }
    buf_free(&error);
    res->status = status;
}

/* The database could not be reached: say so, and give the reader's text back in the form. */
static void retry_later(struct handler_context *context, const struct web_request *req,
                        struct web_response *res, const struct comment_form *form)
{
    answer_with_form(context, req, res, 503, "Please try again shortly",
                     "Your comment could not be stored just now: the site cannot write to its "
                     "database (it is unreachable or full). Nothing was saved. Your comment is "
                     "still below; send it again in a moment.",
                     form);
    res->retry_after = 5;
}

/* How a comment refused by a spam rule is answered. Where a person may have been caught (a
 * browser filling the hidden field, a page from an old copy, typing fast, a busy shared
 * address) the form comes back with their text; a block word gets no second try. */
static const struct {
    enum comment_rejection rejection;
    int status;
    const char *title;
    bool keep_form; /* show the form again with what the reader typed */
} rejections[] = {
    {COMMENT_REJECTED_HONEYPOT, 400, "Comment not accepted", true},
    {COMMENT_REJECTED_FORM, 400, "Please send your comment again", true},
    {COMMENT_REJECTED_TOO_FAST, 400, "Please wait a few seconds", true},
    {COMMENT_REJECTED_BLOCKED, 403, "Comment not accepted", false},
    {COMMENT_REJECTED_RATE_LIMIT, 429, "Too many comments", true},
};

static void answer_rejected(struct handler_context *context, const struct web_request *req,
                            struct web_response *res, const struct comment_result *result,
                            const struct comment_form *form)
{
    for (size_t i = 0; i < sizeof(rejections) / sizeof(rejections[0]); i++) {
        if (rejections[i].rejection != result->rejection)
            continue;
        if (rejections[i].keep_form)
            answer_with_form(context, req, res, rejections[i].status, rejections[i].title,
                             result->message, form);
        else
            site_error(context, req, res, rejections[i].status, rejections[i].title,
                       result->message);
        res->retry_after = result->retry_after;
        return;
    }
    site_error(context, req, res, 400, "Comment not accepted", result->message);
}

/* The page of `post` that shows comment `id` (comments.per_page), or its permalink when the
 * store cannot say: the comment is stored, and the permalink shows the newest page. */
static const char *comment_path(struct handler_context *context, arena *a,
                                const struct store_post *post, long long id)
{
    const char *path = comment_page_path_of(context->store, a, post, id, id);
    return path ? path : post->path;
}

void site_comment_post(struct handler_context *context, const struct web_request *req,
                       struct web_response *res)
{
    arena *a = req->arena;
    if (!site_same_origin(req)) {
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
    struct web_form form;
    web_form_parse(a, req->body, &form);
    const struct web_field *text = web_form_field(&form, "comment");
    const char *parent = web_form_get(&form, "comment_parent");
    struct comment_input in = {
        .author = web_form_get(&form, "author"),
        .email = web_form_get(&form, "email"),
        .url = web_form_get(&form, "url"),
        .text = text ? text->value : "",
        .text_len = text ? text->value_len : 0,
        .parent_id = parent_id(parent),
        .ip = req->client_ip,
        .user_agent = req->user_agent,
        .now = context->now,
        .honeypot = web_form_get(&form, SPAM_HONEYPOT_FIELD),
        .stamp = web_form_get(&form, SPAM_STAMP_FIELD),
    };
    bool remember = web_form_get(&form, "remember") != NULL;
    struct comment_form typed = {.author = in.author,
                                 .email = in.email,
                                 .url = in.url,
                                 .comment = in.text,
                                 .parent_id = in.parent_id,
                                 .remember = remember,
                                 .stamp = in.stamp, /* until the model has checked it */
                                 .honeypot = true};

    size_t post_path_len = strlen(req->path) - strlen("comments");
    struct store_post post;
    int rc = site_find_public_post(context, a, req->path, post_path_len, &post);
    if (rc == STORE_ERROR) {
        retry_later(context, req, res, &typed);
        return;
    }
    if (rc != STORE_OK) {
        site_error(context, req, res, 404, "Not found",
                   "There is no article at this address to comment on.");
        return;
    }
    if (*post.password && !site_post_unlocked(context, req, &post)) {
        /* its comments are as hidden as its text: a reader who has not unlocked it has not
         * read it */
        site_error(context, req, res, 403, "Unlock this post first",
                   "Unlock this post first: it is protected by a password. Enter the password "
                   "on the post's page, then send your comment.");
        return;
    }
    in.user = context->user;
    struct comment_result result;
    comment_submit(context->store, a, &post, &in, &result);
    if (result.outcome != COMMENT_CLOSED) {
        typed.stamp = result.stamp;
        typed.honeypot = result.honeypot;
    }
    switch (result.outcome) {
    case COMMENT_APPROVED:
        remember_reader(req, res, remember, in.author, in.email, in.url ? in.url : "");
        web_redirect(res, 303,
                     arena_printf(a, "%s#comment-%lld", comment_path(context, a, &post, result.id),
                                  result.id));
        return;
    case COMMENT_HELD:
        remember_reader(req, res, remember, in.author, in.email, in.url ? in.url : "");
        web_redirect(res, 303,
                     arena_printf(a, "%s?unapproved=%lld&moderation-hash=%s#comment-%lld",
                                  comment_path(context, a, &post, result.id), result.id,
                                  comment_moderation_hash(context->store, a, result.id),
                                  result.id));
        return;
    case COMMENT_CLOSED:
        site_error(context, req, res, 403, "Comments are closed.",
                   "Comments are closed. This article takes no new comments.");
        return;
    case COMMENT_FAILED:
        retry_later(context, req, res, &typed);
        return;
    case COMMENT_REJECTED:
        answer_rejected(context, req, res, &result, &typed);
        return;
    case COMMENT_INVALID:
        break;
    }
    /* Show the article again with what the reader typed, and what is wrong. */
    struct article_view view;
    if (article_load(context->store, a, &post, 0, context->now, &view) != STORE_OK) {
        retry_later(context, req, res, &typed);
        return;
    }
    article_comment_page(context->store, a, &view, 0);
    view.comments_open = true;
    article_reply_to(&view, typed.parent_id);
    const char *reply_to_name = view.form.reply_to_name;
    view.form = typed;
    view.form.reply_to_name = reply_to_name;
    view.form.errors = result.errors;
    view.form.error_count = result.error_count;
    site_render_article(context, req, res, 400, &view);
}
