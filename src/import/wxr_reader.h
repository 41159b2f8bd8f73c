/* wxr_reader.h: streams a WordPress eXtended RSS (WXR 1.0-1.2) file into callbacks (libxml2). */
#ifndef GAZETTE_IMPORT_WXR_READER_H
#define GAZETTE_IMPORT_WXR_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

/* Every string is UTF-8, NUL-terminated, never NULL ("" when the element is missing or
 * empty), with CDATA and entities already resolved, and valid only during the callback
 * (wxr_item_copy keeps one longer). */

struct wxr_site {
    const char *title, *link, *description, *base_site_url, *base_blog_url, *wxr_version;
    const char *language; /* <language>, e.g. "en-US", "ar" */
};

struct wxr_author {
    long wp_id; /* wp:author_id, 0 if missing */
    const char *login, *email, *display_name, *first_name, *last_name;
    int line; /* line of <wp:author> in the file */
};

struct wxr_term {
    long wp_id;           /* wp:term_id, 0 if missing */
    const char *taxonomy; /* "category", "post_tag", or another taxonomy name */
    const char *slug, *name, *description;
    const char *parent_slug; /* slug of the parent category ("" for none) */
    int line;
};

struct wxr_item_term {
    const char *domain;   /* "category", "post_tag", … */
    const char *nicename; /* slug */
    const char *name;
};

struct wxr_comment {
    long wp_id, parent_wp_id, user_id;
    const char *author, *author_email, *author_url, *author_ip;
    const char *date, *date_gmt; /* "YYYY-MM-DD HH:MM:SS" as in the file */
    const char *content;         /* raw, as WordPress stored it (HTML or plain text) */
    const char *approved;        /* "1", "0", "spam", "trash" (as in the file) */
    const char *type;            /* "", "comment", "pingback", "trackback" */
    int line;
};

struct wxr_postmeta {
    const char *key, *value;
};

struct wxr_item {
    long wp_id, parent_wp_id, menu_order;
    const char *title, *link, *guid, *creator;     /* creator: the author's login */
    const char *content, *excerpt;                 /* content:encoded, excerpt:encoded */
    const char *pub_date;                          /* RFC 822 pubDate */
    const char *post_date, *post_date_gmt;         /* "YYYY-MM-DD HH:MM:SS" */
    const char *post_modified, *post_modified_gmt; /* the same, of the last change */
    const char *post_name;                         /* slug */
    const char *status;    /* publish, draft, pending, private, future, trash, inherit, … */
    const char *post_type; /* post, page, attachment, nav_menu_item, … */
    const char *post_password, *comment_status, *ping_status;
    const char *attachment_url; /* wp:attachment_url: an attachment's file on the old site */
    bool sticky;
    const struct wxr_item_term *terms;
    size_t term_count;
    const struct wxr_comment *comments;
    size_t comment_count;
    const struct wxr_postmeta *meta;
    size_t meta_count;
    int line; /* line of <item> in the file */
};

/* Callbacks; each returns 0 to go on or non-zero to stop the parse (that value is returned).
 * Any of them may be NULL. */
struct wxr_sink {
    void *context;
    int (*site)(void *context, const struct wxr_site *site); /* once, before the first item */
    int (*author)(void *context, const struct wxr_author *author);
    int (*term)(void *context, const struct wxr_term *term); /* wp:category, wp:tag, wp:term */
    int (*item)(void *context, const struct wxr_item *item);
    void (*progress)(void *context, size_t bytes_done, size_t bytes_total);
};

/* Parses the file at `path` streaming (xmlTextReader; memory bounded by the largest item).
 * Returns 0 on success; -1 when the file cannot be read, is not well-formed XML, is not UTF-8,
 * is truncated or is not a WXR document (no <rss> with a <channel> and a wp:wxr_version), with
 * "PATH:LINE: what is wrong" in `error`; or the non-zero value a callback returned (the
 * callback writes its own message). No external entities or DTDs are loaded. */
int import_wxr_read(const char *path, const struct wxr_sink *sink, buf *error);

/* Copies `item`, with every string and array it points to, into `a`, so that it outlives its
 * callback; returns the bytes of its strings. */
size_t wxr_item_copy(arena *a, const struct wxr_item *item, struct wxr_item *copy);

#endif
