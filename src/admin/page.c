/* page.c: the frame of admin pages, their errors, path ids, notices and the audit log. */
#include "admin/page.h"

#include <stdlib.h>
#include <string.h>

#include "model/audit.h"
#include "model/settings.h"
#include "model/user.h"
#include "markup/text.h"
#include "util/log.h"
#include "util/utf8.h"
#include "web/multipart.h"

/* Notices a redirect may ask for: a fixed list, so a link cannot make the admin say anything. */
static const char *const notices[][2] = {
    {"saved", "Saved."},
    {"published", "Published."},
    {"scheduled", "Scheduled."},
    {"trashed", "Moved to the trash."},
    {"restored", "Restored."},
    {"approved", "Approved."},
    {"unapproved", "Unapproved: the comment waits in the queue."},
    {"spammed", "Marked as spam."},
    {"deleted", "Deleted for good."},
    {"replied", "Your reply is published."},
    {"done", "Done."},
    {"opened", "Comments are open on this post."},
    {"closed", "Comments are closed on this post."},
    {"signed-out", "You are signed out."},
    {"user-added", "The account is saved."},
    {"uploaded", "Uploaded."},
};

static const char *notice_text(const char *code)
{
    for (size_t i = 0; code && i < sizeof(notices) / sizeof(notices[0]); i++)
        if (strcmp(code, notices[i][0]) == 0)
            return notices[i][1];
    return NULL;
}

template_data *admin_page_data(struct handler_context *context, const struct web_request *req,
                               const char *title)
{
    arena *a = req->arena;
    template_data *d = template_data_new(a);
    template_set_str(d, "site_title", settings_get(context->store, a, SETTING_SITE_TITLE));
    template_set_str(d, "page_title", title);
    enum user_role role = user_role_of(context->user);
    if (context->user) {
        template_set_str(d, "user_login", context->user->login);
        template_set_str(d, "user_name", context->user->display_name);
        template_set_str(d, "user_role", user_role_name(context->user->role));
        template_set_str(d, "csrf", context->csrf);
    }
    template_set_bool(d, "signed_in", role >= USER_AUTHOR);
    template_set_bool(d, "is_editor", role >= USER_EDITOR);
    template_set_bool(d, "is_admin", role >= USER_ADMIN);
    struct web_form query;
    web_form_parse(a, strview_from_cstr(req->query), &query);
    template_set_str(d, "notice", notice_text(web_form_get(&query, "done")));
    return d;
}

void admin_render(struct handler_context *context, const struct web_request *req,
                  struct web_response *res, int status, const char *name, template_data *data)
{
    (void)req;
    buf error = {0};
    buf_reset(&res->body);
    if (template_render(context->theme, name, data, &res->body, &error) != 0) {
        log_error("rendering %s: %s", name, buf_cstr(&error));
        buf_reset(&res->body);
        buf_printf(&res->body, "This page could not be made.\n");
        res->content_type = "text/plain; charset=utf-8";
        status = 500;
    } else
        res->content_type = NULL;
    buf_free(&error);
    res->status = status;
    res->cacheable = false;
    res->cache_control = "no-store";
}

void admin_error(struct handler_context *context, const struct web_request *req,
                 struct web_response *res, int status, const char *title, const char *message)
{
    template_data *d = admin_page_data(context, req, title);
    template_set_str(d, "message", message);
    admin_render(context, req, res, status, "admin_error", d);
    res->retry_after = status == 503 ? 5 : 0;
}

long long admin_path_id(const struct web_request *req, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(req->path, prefix, n) != 0)
        return 0;
    char *end;
    long long id = strtoll(req->path + n, &end, 10);
    return id > 0 && (*end == '/' || *end == '\0') ? id : 0;
}

struct store_audit admin_audit_entry(const struct handler_context *context, const char *action,
                                     const char *target, const char *detail)
{
    return (struct store_audit){.user_id = context->user ? context->user->id : 0,
                                .at = context->now,
                                .action = action,
                                .target = target,
                                .detail = detail ? detail : ""};
}

void admin_audit(struct handler_context *context, const char *action, const char *target,
                 const char *detail)
{
    struct store_audit entry = admin_audit_entry(context, action, target, detail);
    audit_record(context->store, &entry);
}

void admin_redirect_done(const struct web_request *req, struct web_response *res,
                         const char *location, const char *notice)
{
    size_t before_fragment = strcspn(location, "#");
    const char *query = memchr(location, '?', before_fragment);
    web_redirect(res, 303,
                 arena_printf(req->arena, "%.*s%cdone=%s%s", (int)before_fragment, location,
                              query ? '&' : '?', notice, location + before_fragment));
}

void admin_form(const struct web_request *req, struct web_form *form)
{
    if (!web_multipart_is_form_data(req->content_type)) {
        web_form_parse(req->arena, req->body, form);
        return;
    }
    /* an upload's text fields (the CSRF token among them); its files are read by its handler.
     * A body that is not a well-formed form has no fields, so the CSRF check refuses it. */
    struct web_multipart *multipart = arena_alloc(req->arena, sizeof(*multipart));
    buf error = {0};
    if (web_multipart_parse(req->arena, req->content_type, req->body, false, multipart, &error) ==
        0)
        *form = multipart->form;
    else
        form->count = 0;
    buf_free(&error);
}

const char *admin_excerpt(arena *a, const struct store_comment *c, size_t max)
{
    buf text = {0};
    struct text_options options = {0};
    markup_html_to_text(c->body_html, strlen(c->body_html), &options, &text);
    /* one line: each run of white space becomes one space */
    char *flat = arena_alloc(a, text.len + 1);
    size_t len = 0;
    for (const char *p = buf_cstr(&text); *p; p++) {
        bool space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
        if (!space)
            flat[len++] = *p;
        else if (len && flat[len - 1] != ' ')
            flat[len++] = ' ';
    }
    buf_free(&text);
    while (len && flat[len - 1] == ' ')
        len--;
    flat[len] = '\0';
    if (len <= max)
        return flat;
    return arena_printf(a, "%.*s…", (int)utf8_cut(flat, len, max), flat);
}
