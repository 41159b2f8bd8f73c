/* form.h: application/x-www-form-urlencoded bodies, query strings and Cookie headers. */
#ifndef GAZETTE_WEB_FORM_H
#define GAZETTE_WEB_FORM_H

#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

/* The most fields a form may have: the server answers 400 to a body with more (a form of ours
 * has ~10; the moderation queue's bulk action up to 200 ticked comments); a query string's
 * fields past this are ignored. */
#define WEB_FORM_MAX_FIELDS 256

/* How many fields `data` (form-encoded) has: one more than its '&'s, 0 when empty. */
size_t web_form_count(strview data);

struct web_field {
    const char *name, *value; /* decoded, NUL-terminated; value may hold NUL-free bytes only */
    size_t value_len;         /* bytes in value (it may contain any bytes but NUL) */
};

struct web_form {
    struct web_field fields[WEB_FORM_MAX_FIELDS];
    size_t count;
};

/* Splits `data` on '&' into name=value pairs, percent- and '+'-decoding both, into `form`
 * (strings in `a`). A value holding a NUL byte after decoding is cut there. */
void web_form_parse(arena *a, strview data, struct web_form *form);

/* The first value named `name`, or NULL. */
const char *web_form_get(const struct web_form *form, const char *name);
const struct web_field *web_form_field(const struct web_form *form, const char *name);

/* The value of cookie `name` in a Cookie header, or NULL; percent-decoded. */
const char *web_cookie_get(arena *a, const char *cookie_header, const char *name);

/* Percent-decodes a URL path (no '+' rule); a decoded NUL ends the result. */
const char *web_path_decode(arena *a, const char *path, size_t len);

/* Percent-encodes `value` for a URL query or cookie value (unreserved characters kept). */
const char *web_url_encode(arena *a, const char *value);

#endif
