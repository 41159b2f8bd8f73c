/* text.h: stored (sanitized) HTML to plain text, for `render text`, emails and feeds. */
#ifndef GAZETTE_MARKUP_TEXT_H
#define GAZETTE_MARKUP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct text_options {
    int indent; /* spaces put before every output line */
    const char
        *quote_prefix; /* put before each line inside <blockquote> (after indent), e.g. ">" */
    int width;         /* wrap paragraphs at this column (counting the indent); 0 = no wrap */
    bool image_labels; /* an image is "[Image: ALT]" ("[Image]" without alt), not its alt */
};

/* Appends the text of `html` (len bytes, parsed with gumbo) to `out`: block elements (p,
 * headings, blockquote, li, pre, div, figure…) become paragraphs separated by one blank line,
 * <br> a line break, list items "- " or "N. ", runs of white space inside a paragraph one
 * space, entities decoded, UTF-8 kept as is; images give their alt text (or a label,
 * options->image_labels); links their text.
 * The output ends with exactly one '\n' when anything was written. Never fails. */
void markup_html_to_text(const char *html, size_t len, const struct text_options *options,
                         buf *out);

#endif
