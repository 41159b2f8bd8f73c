/* wxr_import.h: imports a WordPress export into the store, in one transaction. */
#ifndef GAZETTE_IMPORT_WXR_IMPORT_H
#define GAZETTE_IMPORT_WXR_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "markup/wp_content.h"
#include "store/store.h"
#include "util/buf.h"

struct wxr_import_summary {
    long posts_new, posts_present, pages_new, pages_present;
    long comments_new, comments_present;
    long comments_by_status[4]; /* approved, pending, spam, trash (new ones) */
    long pingbacks_new, pingbacks_present;
    long authors_new, categories_new, tags_new;
    long skipped;
    buf skipped_lines; /* "  LINE: reason\n" per skipped item */
    buf site_url;      /* the site.url the import set (it was unset), or empty */
    long warnings;
    buf warning_lines; /* "  FILE:LINE: what was changed and why\n" per value not taken as is */
    struct wp_report content;        /* shortcodes, blocks and media the content pass left out */
    long menus_new, menu_items_new;  /* nav_menu_item items become menus (model/menu.h) */
    long custom_fields_new;          /* postmeta not starting with "_" */
    long media_new, media_present;   /* attachments, as media records without their files */
    long featured_set;               /* posts given their featured image (_thumbnail_id) */
    long comments_trashed_with_post; /* post-trashed: come back when their post is restored */
    buf identity_lines;              /* "  site.title: …\n" per setting taken from the export */
    buf not_imported_lines;          /* "  N KIND: why\n": what was left out, by kind */
};

/* Imports the WXR file at `path`. Everything or nothing: on any error the store is left as it
 * was, and `error` says "PATH:LINE: what". Items already present (same WordPress ID) are not
 * duplicated. `progress`, when not NULL, gets a progress line rewritten in place (a
 * terminal). Returns 0 or -1. The caller frees the summary (wxr_import_summary_free).
 *
 * The site's identity comes with it, into each setting the store has no value of yet: the
 * channel's title (site.title), description (site.description), language (site.language),
 * the time zone of its newest post (site.utc_offset: post_date less post_date_gmt), its
 * largest menu (site.menu), and its address (site.url). Absolute links in posts and menus to
 * the old address become paths of this site. Names, titles and comment authors, which
 * WordPress stores HTML-escaped, are decoded once. A link or slug that could not be a path of this
 * site (a control character, "//", a ".." segment, …) is replaced by one made here, with a warning.
 * Attachments become media records without their files (wxr_media.h; import_uploads gives them
 * their files), posts keep their featured images, and URLs of the old uploads in posts, pages
 * and enclosures become "/wp-content/uploads/PATH".
 */
int wxr_import(store *s, const char *path, FILE *progress, struct wxr_import_summary *summary,
               buf *error);

void wxr_import_print_summary(const struct wxr_import_summary *summary, FILE *out);

/* Frees the summary's buffers. */
void wxr_import_summary_free(struct wxr_import_summary *summary);

#endif
