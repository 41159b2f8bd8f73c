/* autop.h: WordPress's wpautop for imported content stored without paragraph tags. */
#ifndef GAZETTE_MARKUP_AUTOP_H
#define GAZETTE_MARKUP_AUTOP_H

#include <stddef.h>

#include "util/buf.h"

/* Appends `html` to `out` with WordPress's display-time paragraph rules applied, as the
 * classic editor's content expects: text separated by a blank line becomes <p>…</p>, a single
 * newline inside a paragraph becomes <br />, and block-level elements (p, div, blockquote,
 * h1-h6, ul, ol, li, pre, table, figure, hr, …) are not wrapped. Content that already has its
 * paragraphs comes out with the same structure. The result still goes through the sanitizer. */
void markup_autop(const char *html, size_t len, buf *out);

#endif
