/* comments.c: the moderation queue (tabs per status, one and bulk actions), editing with
 * history, and replying from the queue. */
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "admin/page.h"
#include "model/comment.h"
#include "model/moderation.h"
#include "model/post.h"
#include "model/user.h"
#include "render/pages.h"

#define COMMENTS_PER_PAGE 50
#define BULK_MAX 200

static const struct {
    enum comment_status status;
    const char *label;
} tabs[] = {{COMMENT_STATUS_PENDING, "Pending"},
            {COMMENT_STATUS_APPROVED, "Approved"},
            {COMMENT_STATUS_SPAM, "Spam"},
            {COMMENT_STATUS_TRASH, "Trash"}};

/* ?status= of a queue page, pending when missing; COMMENT_STATUS_ANY when not a status. */
static enum comment_status queue_status(const char *text)
{
    enum comment_status status = COMMENT_STATUS_ANY;
    if (!text || !*text)
        return COMMENT_STATUS_PENDING;
    comment_status_parse(text, &status);
    return status;
}

static void db_error(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    admin_error(context, req, res, 503, "Database unavailable",
                "The site cannot read or write its database right now; nothing was changed. "
                "Try again in a minute.");
}

ADMIN_HANDLER(admin_comments)
{
    store *s = context->store;
    arena *a = req->arena;
    struct web_form query;
    web_form_parse(a, strview_from_cstr(req->query), &query);
    enum comment_status status = queue_status(web_form_get(&query, "status"));
    const char *status_name = comment_status_name(status);
    if (!status) {
        admin_error(context, req, res, 400, "Unknown status",
                    "status must be pending, approved, spam or trash.");
        return;
    }
    const char *page_text = web_form_get(&query, "page");
    long long page = page_text ? atoll(page_text) : 1;
    if (page < 1 || page > 100000)
        page = 1;
    bool moderator = user_may_moderate(context->user);
    long long own = moderator ? 0 : context->user->id;
    struct store_comment_counts counts;
    struct store_comment *comments;
    size_t count;
    if (moderation_queue(s, a, status, own, page, COMMENTS_PER_PAGE, &counts, &comments, &count) !=
        STORE_OK) {
        db_error(context, req, res);
        return;
    }
    template_data *d = admin_page_data(context, req, "Comments");
    template_set_str(d, "status", status_name);
    template_set_bool(d, "moderator", moderator);
    long long totals[] = {counts.pending, counts.approved, counts.spam, counts.trash};
    for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
        template_data *tab = template_add_item(d, "tabs");
        template_set_str(tab, "value", comment_status_name(tabs[i].status));
        template_set_str(tab, "label", tabs[i].label);
        template_set_int(tab, "count", totals[i]);
        template_set_bool(tab, "current", status == tabs[i].status);
        if (status == tabs[i].status && page * COMMENTS_PER_PAGE < totals[i])
            template_set_str(
                d, "next_page",
                arena_printf(a, "/admin/comments?status=%s&page=%lld", status_name, page + 1));
    }
    if (page > 1)
        template_set_str(
            d, "previous_page",
            arena_printf(a, "/admin/comments?status=%s&page=%lld", status_name, page - 1));
    struct store_post last_post = {0};
    for (size_t i = 0; i < count; i++) {
        const struct store_comment *c = &comments[i];
        template_data *item = template_add_item(d, "comments");
        struct store_comment parent;
        const struct store_post *post = post_get_remembered(s, a, c->post_id, &last_post);
        bool have_post = post != NULL;
        template_set_int(item, "id", c->id);
        template_set_int(item, "post_id", c->post_id);
        template_set_str(item, "post_title", have_post ? post->title : "");
        template_set_str(item, "post_path", have_post ? post->path : "");
        template_set_str(item, "author", c->author);
        template_set_str(item, "email", c->email);
        template_set_str(item, "url", c->url);
        template_set_str(item, "ip", c->ip);
        template_set_str(item, "date", render_date_human(a, c->created_at));
        template_set_str(item, "date_iso", render_date_iso(a, c->created_at));
        template_set_str(item, "held_by", c->held_by);
        template_set_html(item, "body", c->body_html); /* sanitized when stored */
        if (c->parent_id && comment_get(s, a, c->parent_id, &parent) == STORE_OK) {
            template_set_str(item, "parent_author", parent.author);
            template_set_str(item, "parent_excerpt", admin_excerpt(a, &parent, 140));
            template_set_int(item, "parent_id", parent.id);
        }
        for (int action = 0; moderator && action < MODERATE_NONE; action++) {
#define IN(status) (1u << COMMENT_STATUS_##status)
            static const unsigned shows_in[] = {IN(PENDING) | IN(SPAM) | IN(TRASH), IN(APPROVED),
                                                IN(PENDING) | IN(APPROVED) | IN(TRASH),
                                                IN(PENDING) | IN(APPROVED) | IN(SPAM),
                                                IN(SPAM) | IN(TRASH)};
#undef IN
            static const char *const labels[] = {"Approve", "Unapprove", "Spam", "Trash",
                                                 "Delete forever"};
            if (!(shows_in[action] & (1u << status)))
                continue;
            template_data *button = template_add_item(item, "actions");
            template_set_str(button, "action", moderation_action_name(action));
            template_set_str(button, "label", labels[action]);
        }
    }
    admin_render(context, req, res, 200, "admin_comments", d);
}

/* Where to go after an action: the article (from its moderator controls) or the queue tab. */
static const char *back_to(const struct web_request *req, const struct web_form *form, store *s)
{
    const char *back = web_form_get(form, "back");
    if (back && strncmp(back, "post:", 5) == 0) {
        struct store_post post;
        if (post_get(s, req->arena, atoll(back + 5), &post) == STORE_OK)
            return arena_printf(req->arena, "%s#comments", post.path);
    }
    enum comment_status status = queue_status(web_form_get(form, "status"));
    return arena_printf(req->arena, "/admin/comments?status=%s",
                        comment_status_name(status ? status : COMMENT_STATUS_PENDING));
}

static const char *done_code(enum moderation_action action)
{
    static const char *const codes[] = {"approved", "unapproved", "spammed", "trashed", "deleted"};
    return codes[action];
}

/* Applies `action` to the comments `ids` (one model call, one transaction, `detail` in each
 * audit entry), then answers: back to the queue, or why nothing changed. */
static void moderate(struct handler_context *context, const struct web_request *req,
                     struct web_response *res, const struct web_form *form, long long *ids,
                     size_t count, enum moderation_action action, const char *detail)
{
    buf error = {0};
    struct store_audit audit = admin_audit_entry(context, NULL, NULL, detail);
    int rc = moderation_apply_all(context->store, req->arena, ids, count, action, &audit, &error);
    const char *message = arena_take_buf(req->arena, &error);
    if (rc != STORE_OK) {
        admin_error(context, req, res,
                    rc == STORE_NOT_FOUND          ? 404
                    : rc == MODERATION_HAS_REPLIES ? 409
                                                   : 503,
                    "Nothing changed", message);
        return;
    }
    admin_redirect_done(req, res, back_to(req, form, context->store), done_code(action));
}

ADMIN_HANDLER(admin_comment_action)
{
    long long id = admin_path_id(req, "/admin/comments/");
    const char *name = strrchr(req->path, '/') + 1;
    struct web_form form;
    admin_form(req, &form);
    moderate(context, req, res, &form, &id, 1, moderation_action_parse(name), "");
}

ADMIN_HANDLER(admin_comments_bulk)
{
    struct web_form form;
    admin_form(req, &form);
    enum moderation_action action = moderation_action_parse(web_form_get(&form, "action"));
    if (action == MODERATE_NONE) {
        admin_error(context, req, res, 400, "Which action?",
                    "Choose approve, unapprove, spam, trash or delete.");
        return;
    }
    long long ids[BULK_MAX];
    size_t count = 0;
    for (size_t i = 0; i < form.count; i++) {
        if (strcmp(form.fields[i].name, "id") != 0)
            continue;
        char *end;
        long long id = strtoll(form.fields[i].value, &end, 10);
        if (*end || id <= 0 || count == BULK_MAX) {
            admin_error(context, req, res, 400, "Bad selection",
                        "The selection holds something that is not a comment number, or more "
                        "than 200 comments.");
            return;
        }
        ids[count++] = id;
    }
    if (count == 0) {
        admin_error(context, req, res, 400, "Nothing selected", "Tick the comments to change.");
        return;
    }
    moderate(context, req, res, &form, ids, count, action, "bulk");
}

static void show_edit(struct handler_context *context, const struct web_request *req,
                      struct web_response *res, int status, const struct store_comment *c,
                      const char *error)
{
    arena *a = req->arena;
    struct store_comment_edit *edits = NULL;
    size_t count = 0;
    if (moderation_edit_history(context->store, a, c->id, &edits, &count) != STORE_OK)
        count = 0;
    template_data *d = admin_page_data(context, req, "Edit a comment");
    template_set_int(d, "id", c->id);
    template_set_str(d, "author", c->author);
    template_set_str(d, "email", c->email);
    template_set_str(d, "url", c->url);
    template_set_str(d, "comment", *c->body_source ? c->body_source : c->body_html);
    template_set_str(d, "error", error);
    for (size_t i = 0; i < count; i++) {
        template_data *item = template_add_item(d, "history");
        template_set_str(item, "edited", render_date_human(a, edits[i].edited_at));
        template_set_str(item, "by", edits[i].user_login);
        template_set_str(item, "old_author", edits[i].author);
        template_set_str(item, "old_email", edits[i].email);
        template_set_str(item, "old_url", edits[i].url);
        template_set_str(item, "old_text",
                         *edits[i].body_source ? edits[i].body_source : edits[i].body_html);
    }
    admin_render(context, req, res, status, "admin_comment_edit", d);
}

static bool load_comment(struct handler_context *context, const struct web_request *req,
                         struct web_response *res, struct store_comment *c)
{
    long long id = admin_path_id(req, "/admin/comments/");
    int rc = comment_get(context->store, req->arena, id, c);
    if (rc == STORE_OK)
        return true;
    if (rc == STORE_ERROR)
        db_error(context, req, res);
    else
        admin_error(context, req, res, 404, "No such comment",
                    "There is no comment with this number.");
    return false;
}

ADMIN_HANDLER(admin_comment_edit)
{
    struct store_comment c;
    if (load_comment(context, req, res, &c))
        show_edit(context, req, res, 200, &c, NULL);
}

ADMIN_HANDLER(admin_comment_update)
{
    struct store_comment c;
    if (!load_comment(context, req, res, &c))
        return;
    struct web_form form;
    admin_form(req, &form);
    struct moderation_edit edit = {.author = web_form_get(&form, "author"),
                                   .email = web_form_get(&form, "email"),
                                   .url = web_form_get(&form, "url"),
                                   .text = web_form_get(&form, "comment"),
                                   .editor_id = context->user->id,
                                   .now = context->now};
    buf error = {0};
    int rc = moderation_edit(context->store, req->arena, c.id, &edit, &error);
    const char *message = arena_take_buf(req->arena, &error);
    if (rc != STORE_OK) {
        c.author = edit.author ? edit.author : "";
        c.email = edit.email ? edit.email : "";
        c.url = edit.url ? edit.url : "";
        c.body_source = edit.text ? edit.text : "";
        show_edit(context, req, res,
                  rc == MODERATION_INVALID ? 422
                  : rc == STORE_NOT_FOUND  ? 404
                                           : 503,
                  &c, message);
        return;
    }
    admin_audit(context, "comment.edit", arena_printf(req->arena, "comment %lld", c.id), "");
    admin_redirect_done(req, res, arena_printf(req->arena, "/admin/comments/%lld/edit", c.id),
                        "saved");
}

ADMIN_HANDLER(admin_comment_reply)
{
    long long parent_id = admin_path_id(req, "/admin/comments/");
    struct web_form form;
    admin_form(req, &form);
    long long id;
    buf error = {0};
    int rc = moderation_reply(context->store, req->arena, parent_id, context->user,
                              web_form_get(&form, "comment"), context->now, &id, &error);
    const char *message = arena_take_buf(req->arena, &error);
    if (rc != STORE_OK) {
        admin_error(context, req, res,
                    rc == MODERATION_INVALID ? 422
                    : rc == STORE_NOT_FOUND  ? 404
                                             : 503,
                    "No reply made", message);
        return;
    }
    admin_audit(context, "comment.reply", arena_printf(req->arena, "comment %lld", id),
                arena_printf(req->arena, "reply to comment %lld", parent_id));
    admin_redirect_done(req, res, back_to(req, &form, context->store), "replied");
}
