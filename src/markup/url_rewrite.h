/* url_rewrite.h: changes the URLs an HTML fragment points at (an import moving its images from
 * the old site's uploads to this site's), everything else left byte for byte. */
#ifndef GAZETTE_MARKUP_URL_REWRITE_H
#define GAZETTE_MARKUP_URL_REWRITE_H

#include <stddef.h>

#include "util/buf.h"

/* Decides the new form of one URL (`url`, len bytes, its character references decoded as a
 * browser reads the attribute): appends it to `out` and returns 1, or returns 0 to keep the
 * URL as it is. */
typedef int (*markup_url_map)(void *context, const char *url, size_t len, buf *out);

/* Appends `html` (len bytes) to `out` with the URLs of href, src, poster, srcset (each of its
 * candidates) and CSS url(…) in style attributes passed through `map`; a link whose text is
 * its own address (WordPress's file links) gets the new address as its text too. The HTML is parsed
 * with gumbo (its nesting bounded first, markup_html_bound_depth) and only the values of the
 * attributes that change are rewritten, double-quoted and escaped; the rest is copied as it
 * was. Returns the number of URLs changed. The result is as untrusted as the input: it still
 * goes through markup_sanitize_html. */
size_t markup_rewrite_urls(const char *html, size_t len, markup_url_map map, void *context,
                           buf *out);

#endif
