/* embed.h: the providers WordPress embeds (class-wp-oembed.php), as cards that load nothing
 * from a third party until the reader asks. */
#ifndef GAZETTE_MARKUP_EMBED_H
#define GAZETTE_MARKUP_EMBED_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* The provider slug ("youtube", "vimeo", "twitter", …) of an http(s) URL WordPress would
 * embed, or NULL when no provider of WordPress's list matches. */
const char *markup_embed_provider(const char *url, size_t len);

/* Appends the card for `url` (len bytes): for a known provider
 *   <figure class="gazette-embed gazette-embed-PROVIDER"><a class="gazette-embed-link"
 *   href="URL">URL</a></figure>
 * (the link escaped; the player is loaded only by gazette's embed.js on the reader's click);
 * for any other http(s) URL a plain link, as WordPress makes for a URL it cannot embed.
 * Returns false (nothing written) when `url` is not an http(s) URL without spaces. */
bool markup_embed_card(const char *url, size_t len, buf *out);

/* Appends `html` to `out` with WordPress's autoembed: a line holding only the URL of a known
 * provider (white space around it allowed, or a <p> of its own) becomes its card; other URLs
 * stay as they are, as in WordPress. */
void markup_autoembed(const char *html, size_t len, buf *out);

#endif
