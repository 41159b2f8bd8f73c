/* html_depth.h: bounds the nesting depth of untrusted HTML before gumbo parses it. */
#ifndef GAZETTE_MARKUP_HTML_DEPTH_H
#define GAZETTE_MARKUP_HTML_DEPTH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Open elements an HTML input may nest. Gumbo's tree construction scans its stack of open
 * elements for every tag, so its cost is the number of tags times the depth: 60,000 nested
 * <div>s took seconds. No article or comment a person writes comes near 256. */
#define MARKUP_HTML_DEPTH_LIMIT 256

/* How the HTML will be parsed: as a fragment inside a <div> (the sanitizer) or as a whole
 * document (html_tree_parse); gumbo treats a few tags in foreign content differently. */
enum html_depth_mode {
    HTML_DEPTH_FRAGMENT,
    HTML_DEPTH_DOCUMENT,
};

/* One linear pass over `html` (len bytes) that follows the HTML tokenizer and a conservative
 * model of the tree builder's stack of open elements. A start tag that would make that stack
 * deeper than MARKUP_HTML_DEPTH_LIMIT is dropped, with its end tag, and so is <frameset> in a
 * document (it would switch gumbo into a mode this model does not follow); text is never
 * dropped. Returns false, and leaves `out` untouched, when nothing is dropped (all ordinary
 * HTML); otherwise appends the bounded HTML to `out` and returns true. The bound is not a
 * sanitizer: its output still goes through gumbo and markup_sanitize_html. */
bool markup_html_bound_depth(const char *html, size_t len, enum html_depth_mode mode, buf *out);

#endif
