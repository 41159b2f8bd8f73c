/* auth.c: sign-in with rate limits, hashed session tokens in cookies, the role and CSRF check. */
#include "admin/auth.h"

#include <sodium.h>
#include <string.h>

#include "admin/page.h"
#include "web/form.h"
#include "web/multipart.h"
#include "site/common.h"

static void load_session(struct handler_context *context, const struct web_request *req)
{
    const char *token = web_cookie_get(req->arena, req->cookie, AUTH_COOKIE);
    if (!token)
        return;
    struct store_session session;
    struct store_user *user = arena_alloc(req->arena, sizeof(*user));
    if (user_session_find(context->store, req->arena, token, context->now, &session, user) ==
        STORE_OK) {
        context->user = user;
        context->csrf = session.csrf;
    }
}

static bool csrf_ok(const struct handler_context *context, const struct web_request *req)
{
    struct web_form form;
    admin_form(req, &form);
    const char *sent = web_form_get(&form, "csrf");
    size_t len = strlen(context->csrf);
    return sent && strlen(sent) == len && sodium_memcmp(sent, context->csrf, len) == 0;
}

/* Why a multipart body the CSRF check found no token in is no form at all (a file name or a
 * field over its limit, a body cut short), in the arena; NULL when it is a form (then the token
 * is what is missing). Only on that failure: it reads the body once more. */
static const char *unreadable_upload(const struct web_request *req)
{
    if (!web_multipart_is_form_data(req->content_type))
        return NULL;
    struct web_multipart *multipart = arena_alloc(req->arena, sizeof(*multipart));
    buf error = {0};
    const char *why = NULL;
    if (web_multipart_parse(req->arena, req->content_type, req->body, false, multipart, &error) !=
        0)
        why = arena_strdup(req->arena, buf_cstr(&error));
    buf_free(&error);
    return why;
}

bool auth_authorize(struct handler_context *context, const struct web_request *req,
                    struct web_response *res, enum user_role need)
{
    if (*req->cookie)
        load_session(context, req);
    if (need == USER_NOBODY)
        return true;
    bool is_post = strcmp(req->method, "POST") == 0;
    if (!context->user) {
        if (is_post)
            admin_error(context, req, res, 403, "Signed out",
                        "You are not signed in (or your session ended), so nothing was changed. "
                        "Sign in and try again.");
        else
            web_redirect(
                res, 303,
                arena_printf(req->arena, "/admin/login?next=%s",
                             web_url_encode(req->arena, *req->query
                                                            ? arena_printf(req->arena, "%s?%s",
                                                                           req->path, req->query)
                                                            : req->path)));
        return false;
    }
    if (user_role_of(context->user) < need) {
        admin_error(context, req, res, 403, "Not allowed",
                    arena_printf(req->arena, "This page needs the %s role; you are %s.",
                                 user_role_name(need), user_role_name(context->user->role)));
        return false;
    }
    if (is_post && !csrf_ok(context, req)) {
        const char *unreadable = unreadable_upload(req);
        if (unreadable) { /* "Form expired" would send the user after the wrong cause */
            admin_error(context, req, res, 400, "Form not read",
                        arena_printf(req->arena, "%s Nothing was changed.", unreadable));
            return false;
        }
        admin_error(context, req, res, 403, "Form expired",
                    "This form did not carry your session's security token (it may be old, or "
                    "sent from another site), so nothing was changed. Reload the page and try "
                    "again.");
        return false;
    }
    return true;
}

/* Only a path of this site's admin may follow a sign-in (no open redirect). */
static const char *safe_next(const char *next)
{
    return next && strncmp(next, "/admin/", 7) == 0 && !strpbrk(next, "\\\r\n") &&
                   strncmp(next, "/admin//", 8) != 0
               ? next
               : "/admin/";
}

static void show_login(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, int status, const char *login, const char *next,
                       const char *message)
{
    template_data *d = admin_page_data(context, req, "Sign in");
    template_set_str(d, "login", login);
    template_set_str(d, "next", safe_next(next));
    template_set_str(d, "error", message);
    admin_render(context, req, res, status, "admin_login", d);
}

void auth_login_form(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    struct web_form query;
    web_form_parse(req->arena, strview_from_cstr(req->query), &query);
    const char *next = web_form_get(&query, "next");
    if (context->user) {
        web_redirect(res, 303, safe_next(next));
        return;
    }
    show_login(context, req, res, 200, "", next, NULL);
}

/* Each refused sign-in: its status and what the form says. */
static const struct sign_in_refusal {
    int status;          /* 429 also sends Retry-After */
    const char *message; /* shown above the form */
} sign_in_refusals[] = {
    [USER_SIGN_IN_WRONG] = {401, "Wrong login or password (or the account is disabled)."},
    [USER_SIGN_IN_ACCOUNT_LOCKED] = {429, "Too many failed sign-ins for this account. Wait 15 "
                                          "minutes and try again, or ask an admin to set a new "
                                          "password."},
    [USER_SIGN_IN_ADDRESS_LOCKED] = {429, "Too many failed sign-ins from your address. Wait 15 "
                                          "minutes and try again."},
    [USER_SIGN_IN_NOT_RECORDED] = {503, "The site cannot use its database right now; try again "
                                        "in a minute."},
    [USER_SIGN_IN_NOT_READ] = {503, "The site cannot read its database right now; try again in "
                                    "a minute."},
    [USER_SIGN_IN_NOT_WRITTEN] = {503, "The site cannot write to its database right now; try "
                                       "again in a minute."},
};

void auth_login(struct handler_context *context, const struct web_request *req,
                struct web_response *res)
{
    struct web_form form;
    admin_form(req, &form);
    const char *login = web_form_get(&form, "login"), *password = web_form_get(&form, "password");
    const char *next = web_form_get(&form, "next");
    if (!site_same_origin(req)) {
        show_login(context, req, res, 403, "", next,
                   "This sign-in form was sent from another site; nothing was done.");
        return;
    }
    if (!login || !password || !*login || !*password || strlen(login) > USER_LOGIN_MAX) {
        show_login(context, req, res, 400, login && strlen(login) <= USER_LOGIN_MAX ? login : "",
                   next, "Enter your login and your password.");
        return;
    }
    arena *a = req->arena;
    struct user_session session;
    enum user_sign_in_result result =
        user_sign_in(context->store, a, login, password, req->client_ip, context->now, &session);
    if (result != USER_SIGNED_IN) {
        const struct sign_in_refusal *refusal = &sign_in_refusals[result];
        if (refusal->status == 429)
            res->retry_after = USER_SIGN_IN_WINDOW;
        show_login(context, req, res, refusal->status, login, next, refusal->message);
        return;
    }
    struct store_user *signed_in = arena_alloc(a, sizeof(*signed_in));
    *signed_in = session.user;
    context->user = signed_in;
    admin_audit(context, "login", arena_printf(a, "user %s", session.user.login), req->client_ip);
    web_add_cookie(res, arena_printf(a,
                                     AUTH_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; "
                                                 "SameSite=Lax%s",
                                     session.token, session.max_age, req->https ? "; Secure" : ""));
    web_redirect(res, 303, safe_next(next));
}

void auth_logout_form(struct handler_context *context, const struct web_request *req,
                      struct web_response *res)
{
    admin_render(context, req, res, 200, "admin_logout",
                 admin_page_data(context, req, "Sign out?"));
}

void auth_logout(struct handler_context *context, const struct web_request *req,
                 struct web_response *res)
{
    const char *token = web_cookie_get(req->arena, req->cookie, AUTH_COOKIE);
    if (token && context->user) {
        if (user_sign_out(context->store, req->arena, token) != STORE_OK) {
            admin_error(context, req, res, 503, "Not signed out",
                        "The site cannot write to its database right now; try again.");
            return;
        }
        admin_audit(context, "logout", arena_printf(req->arena, "user %s", context->user->login),
                    "");
    }
    web_add_cookie(res, arena_printf(req->arena,
                                     AUTH_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
                                     req->https ? "; Secure" : ""));
    web_redirect(res, 303, "/admin/login?done=signed-out");
}
