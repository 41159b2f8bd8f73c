/* blocks.h: WordPress's block grammar (wp-includes/class-wp-block-parser.php) and do_blocks()
 * for imported content: block comments go, saved HTML stays, dynamic blocks are left out. */
#ifndef GAZETTE_MARKUP_BLOCKS_H
#define GAZETTE_MARKUP_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include "markup/wp_content.h"
#include "util/buf.h"

#define BLOCKS_DEPTH_MAX 256       /* deeper openers are taken for plain comments */
#define BLOCKS_INPUT_MAX (1 << 24) /* longer input is copied as it is */
#define BLOCKS_FOOTNOTES_MAX 10000 /* footnotes rendered from the postmeta */

/* One block comment ("delimiter") as the block parser reads it:
 *   <!-- wp:ns/name {"json":…} --> | <!-- /wp:name --> | <!-- wp:name /--> */
struct block_delimiter {
    strview name;       /* "ns/name", or "name" for core (written without "core/") */
    strview attributes; /* the JSON object text, braces included; empty when none */
    bool closer;        /* <!-- /wp:… --> */
    bool void_block;    /* <!-- wp:… /--> */
    size_t len;         /* bytes from "<!--" to "-->" inclusive */
};

/* True when `html` holds a block comment: WordPress's has_blocks() ("<!-- wp:"). */
bool markup_has_blocks(const char *html, size_t len);

/* Reads a block delimiter at text[0] (len bytes). False when text does not start with one
 * (an ordinary comment, or none). */
bool markup_block_delimiter(const char *text, size_t len, struct block_delimiter *d);

/* Appends `html` (len bytes) to `out` as do_blocks() renders it, for the blocks whose output
 * is their saved HTML (paragraph, heading, image, gallery, quote, pullquote, table, code,
 * preformatted, verse, list, separator, buttons, columns, cover, group, media-text, embed,
 * html, shortcode, more, nextpage, and other plugins' blocks): every block comment goes and
 * the HTML between them stays, with the classes the editor saved (wp-block-*, align*,
 * className); a cover block whose image was a CSS background gets it as the <img> later
 * versions save, since the sanitizer drops style. Dynamic blocks (latest-posts, archives, query, navigation, search, post-*…)
 * leave nothing and are counted in `report` (may be NULL), as are void blocks of other
 * namespaces; a paragraph block holding only an empty <p></p> leaves nothing. The footnotes
 * block is rendered from `footnotes_json` (the post's "footnotes" postmeta, may be NULL) as
 * WordPress 6.3+ renders it. Never fails. */
void markup_blocks(const char *html, size_t len, const char *footnotes_json, buf *out,
                   struct wp_report *report);

#endif
