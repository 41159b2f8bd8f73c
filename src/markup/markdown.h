/* markdown.h: reader and author Markdown to safe HTML (cmark-gfm, safe mode, GFM extensions). */
#ifndef GAZETTE_MARKUP_MARKDOWN_H
#define GAZETTE_MARKUP_MARKDOWN_H

#include <stddef.h>

#include "markup/sanitize.h"
#include "util/buf.h"

/* Renders `src` (len bytes of UTF-8) with cmark-gfm in safe mode (raw HTML dropped, unsafe
 * link schemes emptied) with the footnotes, table, autolink, strikethrough and tagfilter
 * extensions, then passes the result through markup_sanitize_html with `profile`. Appends to
 * `out`. Never fails (OOM aborts). Rendering happens once, at write time. */
void markup_markdown(const char *src, size_t len, enum sanitize_profile profile, buf *out);

#endif
