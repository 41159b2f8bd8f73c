/* wp_content.h: WordPress's the_content filters at write time (blocks, autoembed, wpautop,
 * shortcodes), and the report of what could not be rendered. */
#ifndef GAZETTE_MARKUP_WP_CONTENT_H
#define GAZETTE_MARKUP_WP_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* What a report line counts. */
enum wp_report_kind {
    WP_REPORT_SHORTCODE, /* a shortcode gazette does not know: its tags were dropped */
    WP_REPORT_BLOCK,     /* a dynamic block (no saved HTML): left out */
    WP_REPORT_MEDIA,     /* a gallery or playlist: its media is not imported yet */
    WP_REPORT_KIND_COUNT,
};

struct wp_report_entry {
    enum wp_report_kind kind; /* what it is */
    char *name;               /* shortcode tag or block name (core/ dropped); owned */
    long count;               /* times seen */
};

/* Names and counts of what the pass could not render. Zero-initialise; the memory is the
 * report's own, released by wp_report_free. */
struct wp_report {
    struct wp_report_entry *entries; /* in order of first sight */
    size_t count, capacity;          /* entries used, allocated */
};

/* Adds `times` to the count of `name` (len bytes, at most 64 kept) of kind `kind`. */
void wp_report_add(struct wp_report *report, enum wp_report_kind kind, const char *name, size_t len,
                   long times);
/* Adds every entry of `from` to `into`. */
void wp_report_merge(struct wp_report *into, const struct wp_report *from);
void wp_report_free(struct wp_report *report);
/* Writes "shortcodes not rendered: [contact-form-7] ×3, [foo] ×1\n", "dynamic blocks left
 * out: latest-posts ×2, …\n" and "audio and video without a source (left out): [audio] ×1\n" (a line only for
 * a kind that has entries), most frequent first. */
void wp_report_print(const struct wp_report *report, FILE *out);

struct wp_content_options {
    bool autop;                 /* classic content (no blocks) gets wpautop: WordPress posts */
    const char *footnotes_json; /* the post's "footnotes" postmeta (WordPress 6.3+), or NULL */
};

/* Appends to `out` what WordPress's the_content would make of `html` (len bytes), in its
 * order: [embed] and URLs alone on a line become embed cards (class-wp-embed.php, priority
 * 8); block comments are rendered away (do_blocks, 9); wpautop only when `options->autop` and
 * the content has no blocks (WordPress removes wpautop for block content); shortcodes last.
 * Shortcodes run before wpautop here, not after it as in WordPress: wpautop then sees their
 * <figure>/<div> output as block elements, which is what WordPress's shortcode_unautop
 * achieves. The result is untrusted HTML still: the caller passes it through
 * markup_sanitize_html. What could not be rendered is counted in `report` (NULL: not
 * counted). Never fails (OOM aborts). */
void markup_wp_content(const char *html, size_t len, const struct wp_content_options *options,
                       buf *out, struct wp_report *report);

#endif
