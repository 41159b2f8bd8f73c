/* page.h: what every admin page shares: its frame (navigation, the user, the CSRF token),
 * error pages, ids in paths, and the audit log. */
#ifndef GAZETTE_ADMIN_PAGE_H
#define GAZETTE_ADMIN_PAGE_H

#include "web/form.h"
#include "web/request.h"
#include "render/template.h"

/* Data for an admin page titled `title`: site title, the user and role flags, the CSRF token,
 * and a notice from ?done= (a message after a redirect). */
template_data *admin_page_data(struct handler_context *context, const struct web_request *req,
                               const char *title);

/* Renders template `name` (admin_*.html) with `data` into `res` (never cached). */
void admin_render(struct handler_context *context, const struct web_request *req,
                  struct web_response *res, int status, const char *name, template_data *data);

/* An admin error page. */
void admin_error(struct handler_context *context, const struct web_request *req,
                 struct web_response *res, int status, const char *title, const char *message);

/* The number after `prefix` in the path (/admin/posts/12/… → 12), or 0. */
long long admin_path_id(const struct web_request *req, const char *prefix);

/* An audit entry by context->user now, for a model action that writes it in its transaction. */
struct store_audit admin_audit_entry(const struct handler_context *context, const char *action,
                                     const char *target, const char *detail);

/* Records an action in the audit log (who is context->user); failures are logged only. */
void admin_audit(struct handler_context *context, const char *action, const char *target,
                 const char *detail);

/* A 303 to `location` with a notice shown there (?done=… or &done=…). */
void admin_redirect_done(const struct web_request *req, struct web_response *res,
                         const char *location, const char *notice);

/* The text of a comment on one line, at most `max` bytes (cut at a character, with "…"). */
const char *admin_excerpt(arena *a, const struct store_comment *c, size_t max);

/* The posted form's fields (parsed once per call): urlencoded, or the text fields of a
 * multipart/form-data body (web/multipart.h; its files are not read). */
void admin_form(const struct web_request *req, struct web_form *form);

#endif
