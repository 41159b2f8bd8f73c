/* users.c: accounts (admins): list, add, set a password, disable; and the audit log. */
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "admin/page.h"
#include "model/audit.h"
#include "model/user.h"
#include "render/pages.h"

#define AUDIT_PER_PAGE 100

static void show_users(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, int status, const char *error)
{
    struct store_user *users;
    size_t count;
    if (user_list(context->store, req->arena, &users, &count) != STORE_OK) {
        admin_error(context, req, res, 503, "Database unavailable", store_error(context->store));
        return;
    }
    template_data *d = admin_page_data(context, req, "Users");
    template_set_str(d, "error", error);
    for (size_t i = 0; i < count; i++) {
        template_data *item = template_add_item(d, "users");
        template_set_str(item, "login", users[i].login);
        template_set_str(item, "name", users[i].display_name);
        template_set_str(item, "email", users[i].email);
        template_set_str(item, "role", user_role_name(users[i].role));
        template_set_bool(item, "disabled", users[i].disabled);
    }
    admin_render(context, req, res, status, "admin_users", d);
}

ADMIN_HANDLER(admin_users)
{
    show_users(context, req, res, 200, NULL);
}

ADMIN_HANDLER(admin_users_save)
{
    struct web_form form;
    admin_form(req, &form);
    const char *action = web_form_get(&form, "action");
    const char *login = web_form_get(&form, "login");
    const char *password = web_form_get(&form, "password");
    if (!action || !login || !*login) {
        show_users(context, req, res, 400, "Say which account (login) and what to do.");
        return;
    }
    arena *a = req->arena;
    buf error = {0};
    int rc;
    if (strcmp(action, "add") == 0) {
        enum user_role role = user_role_parse(web_form_get(&form, "role"));
        rc = user_add(context->store, a, login, role, password && *password ? password : NULL,
                      &error);
    } else if (strcmp(action, "passwd") == 0)
        rc = user_set_password(context->store, a, login, password ? password : "", &error);
    else if (strcmp(action, "disable") == 0) {
        if (strcmp(login, context->user->login) == 0) {
            show_users(context, req, res, 409, "You cannot disable your own account.");
            return;
        }
        rc = user_disable(context->store, a, login, &error);
    } else {
        show_users(context, req, res, 400, "The action must be add, passwd or disable.");
        return;
    }
    const char *message = arena_take_buf(a, &error);
    if (rc != STORE_OK) {
        show_users(context, req, res, rc == STORE_NOT_FOUND ? 404 : 422,
                   arena_printf(a, "Nothing changed: %s.", message));
        return;
    }
    admin_audit(context, arena_printf(a, "user.%s", action), arena_printf(a, "user %s", login),
                strcmp(action, "add") == 0 ? web_form_get(&form, "role") : "");
    admin_redirect_done(req, res, "/admin/users", "user-added");
}

ADMIN_HANDLER(admin_audit_log)
{
    arena *a = req->arena;
    struct web_form query;
    web_form_parse(a, strview_from_cstr(req->query), &query);
    const char *page_text = web_form_get(&query, "page");
    long long page = page_text ? atoll(page_text) : 1;
    if (page < 1 || page > 100000)
        page = 1;
    struct store_audit *entries;
    size_t count;
    if (audit_list(context->store, a, AUDIT_PER_PAGE, (int)((page - 1) * AUDIT_PER_PAGE), &entries,
                   &count) != STORE_OK) {
        admin_error(context, req, res, 503, "Database unavailable", store_error(context->store));
        return;
    }
    template_data *d = admin_page_data(context, req, "Audit log");
    for (size_t i = 0; i < count; i++) {
        template_data *item = template_add_item(d, "entries");
        template_set_str(item, "when", render_date_human(a, entries[i].at));
        template_set_str(item, "when_iso", render_date_iso(a, entries[i].at));
        template_set_str(item, "who", *entries[i].user_login ? entries[i].user_login : "—");
        template_set_str(item, "action", entries[i].action);
        template_set_str(item, "target", entries[i].target);
        template_set_str(item, "detail", entries[i].detail);
    }
    if (page > 1)
        template_set_str(d, "previous_page", arena_printf(a, "/admin/audit?page=%lld", page - 1));
    if (count == AUDIT_PER_PAGE)
        template_set_str(d, "next_page", arena_printf(a, "/admin/audit?page=%lld", page + 1));
    admin_render(context, req, res, 200, "admin_audit", d);
}
