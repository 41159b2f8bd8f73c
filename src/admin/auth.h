/* auth.h: signing in and out, sessions, and the one authorization check every route passes. */
#ifndef GAZETTE_ADMIN_AUTH_H
#define GAZETTE_ADMIN_AUTH_H

#include <stdbool.h>

#include "web/request.h"
#include "model/user.h"

#define AUTH_COOKIE "gz_session"

/* The one authorization check, made by the server before every handler: loads the session
 * named by the request's cookie (if any) into context->user / context->csrf, then refuses the
 * request unless the user's role is at least `need` (a GET without a session is sent to the
 * login page) and, for a POST to a route that needs a role, unless the form's `csrf` field is
 * the session's token. Returns whether the handler may run; otherwise `res` is filled. */
bool auth_authorize(struct handler_context *context, const struct web_request *req,
                    struct web_response *res, enum user_role need);

/* GET/POST /admin/login; GET /admin/logout asks "Sign out?" with a form, whose POST (with the
 * session's CSRF token, as every admin form) signs out: a link or an image elsewhere must not
 * end a session. */
void auth_login_form(struct handler_context *context, const struct web_request *req,
                     struct web_response *res);
void auth_login(struct handler_context *context, const struct web_request *req,
                struct web_response *res);
void auth_logout_form(struct handler_context *context, const struct web_request *req,
                      struct web_response *res);
void auth_logout(struct handler_context *context, const struct web_request *req,
                 struct web_response *res);

#endif
