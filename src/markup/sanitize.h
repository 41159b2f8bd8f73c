/* sanitize.h: untrusted HTML in, allow-listed HTML out (gumbo parse + our serializer). */
#ifndef GAZETTE_MARKUP_SANITIZE_H
#define GAZETTE_MARKUP_SANITIZE_H

#include <stddef.h>

#include "util/buf.h"

/* What the HTML is for: an article allows headings, images, figures, tables; a comment only
 * inline markup, paragraphs, quotes, lists and code, and its links get rel="nofollow ugc". */
enum sanitize_profile {
    SANITIZE_ARTICLE,
    SANITIZE_COMMENT,
};

/* Appends to `out` a well-formed HTML fragment holding only allow-listed elements and
 * attributes of `html` (len bytes, any encoding errors replaced by U+FFFD). Never fails:
 * whatever cannot be kept is dropped (script/style/iframe/object with their content; event
 * handlers; URLs whose scheme is not http, https, mailto or relative). Text is re-escaped. */
void markup_sanitize_html(const char *html, size_t len, enum sanitize_profile profile, buf *out);

/* True when `url` (len bytes) is safe in href/src: http:, https:, mailto:, or relative
 * (no scheme), judged after removing whitespace/control characters and decoding entities as
 * a browser would. */
int markup_url_is_safe(const char *url, size_t len);

#endif
