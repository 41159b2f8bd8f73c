/* escape.h: the one place where text is made safe for an output context (cgit's html.c). */
#ifndef GAZETTE_MARKUP_ESCAPE_H
#define GAZETTE_MARKUP_ESCAPE_H

#include <stddef.h>

#include "util/buf.h"

/* Each function appends `text` (len bytes; NULL is allowed when len is 0) to `out`, escaped
 * for one output context. None fails (growing `out` aborts on OOM) and none allocates
 * anything but `out`'s memory. */

/* Which quote characters escape_html escapes besides & < > (which every context needs: they
 * start markup or a character reference). Callers keep the bytes their output always had. */
enum escape_quotes {
    ESCAPE_QUOTES_NONE,   /* text between tags, written as an HTML serializer writes it */
    ESCAPE_QUOTES_DOUBLE, /* " -> &quot; as well: fits a value between double quotes */
    ESCAPE_QUOTES_BOTH,   /* " and ' -> &#39; as well: text or a value in either quotes, as
                             templates need, which cannot see how the theme quotes */
};

/* HTML text or attribute value: & < > -> &amp; &lt; &gt;, and the quotes `quotes` names. */
void escape_html(const char *text, size_t len, enum escape_quotes quotes, buf *out);

/* A URL written into a quoted attribute (href, src, action). A scheme other than http,
 * https or mailto, judged as a browser reads it (case, tabs and newlines ignored), makes the
 * URL "#"; white space around it is trimmed; spaces, controls, quotes, < > and ` are
 * percent-encoded, and & becomes &amp;. */
void escape_url_attribute(const char *text, size_t len, buf *out);

/* A JSON string literal, quotes included, that is safe inside <script>: " \ and controls
 * escaped as JSON wants, < > & as \u003c \u003e \u0026 (so the value cannot end the script
 * or open a comment), U+2028/U+2029 as \u2028/\u2029 (line ends to older JavaScript). */
void escape_json_string(const char *text, size_t len, buf *out);

/* XML character data or a quoted attribute (feeds, sitemaps): & < > " ' -> &amp; &lt; &gt;
 * &quot; &#39; (> always, so that "]]>" never appears) and CR -> &#13; (a parser would turn a
 * raw one into LF); bytes XML 1.0 forbids (C0 controls but tab and LF, U+FFFE, U+FFFF,
 * invalid UTF-8) are dropped. */
void escape_xml(const char *text, size_t len, buf *out);

#endif
