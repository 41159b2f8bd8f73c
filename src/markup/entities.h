/* entities.h: decodes HTML character references in plain text (WordPress stores names escaped). */
#ifndef GAZETTE_MARKUP_ENTITIES_H
#define GAZETTE_MARKUP_ENTITIES_H

#include <stddef.h>

#include "util/buf.h"

/* Appends `text` (len bytes) to `out` with its character references decoded once: numeric
 * ones (&#38; &#x26;) and the named ones WordPress writes into names and titles (&amp; &lt;
 * &gt; &quot; &apos; &nbsp; the typographic quotes and dashes, &hellip;, …; the semicolon is
 * required). A reference that is unknown, malformed, or names a code point that is not a
 * character (0, a surrogate, above U+10FFFF, a C0 or C1 control but tab, LF and CR) is kept as
 * it was. Tags are text here: nothing else changes. Never fails. */
void markup_decode_entities(const char *text, size_t len, buf *out);

#endif
