/* feed.h: RSS 2.0 and Atom 1.0 documents (posts or comments) and sitemaps, written as XML. */
#ifndef GAZETTE_RENDER_FEED_H
#define GAZETTE_RENDER_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* One entry of a feed. Borrowed strings (UTF-8, NUL-terminated; NULL counts as ""). */
struct feed_item {
    const char *title;
    const char *link;          /* absolute URL of the entry */
    const char *guid;          /* stable id: the post's guid or a tag: URI; never changes */
    const char *author;        /* display name */
    const char *content_html;  /* sanitized HTML (full text), or NULL */
    const char *summary;       /* plain text excerpt, or NULL */
    const char *comments_link; /* absolute URL of the comments (RSS <comments>), or NULL */
    const char *const *categories;
    size_t category_count;
    long long published, updated; /* Unix seconds */
    const char *enclosure_url;    /* absolute URL of the featured image (RSS <enclosure>, Atom
                                     link rel="enclosure"), or NULL */
    const char *enclosure_type;   /* its MIME type */
    long long enclosure_length;   /* its bytes */
};

struct feed_channel {
    const char *title, *description;
    const char *link;     /* absolute URL of the page the feed belongs to */
    const char *self_url; /* absolute URL of the feed itself (atom:link rel="self") */
    const char *id;       /* Atom feed id (a stable URI, e.g. the self URL) */
    const char *language; /* e.g. "en" */
    long long updated;    /* Unix seconds: the newest item's date */
};

/* Appends an RSS 2.0 document (with atom:link rel="self", RFC 822 dates, <guid
 * isPermaLink="false">, content:encoded when full_text and content_html is given, else
 * <description> from the summary). */
void render_rss(const struct feed_channel *channel, const struct feed_item *items, size_t count,
                bool full_text, buf *out);

/* Appends an Atom 1.0 document (RFC 3339 dates, <content type="html"> when full_text, else
 * <summary>, link rel="self" and rel="alternate"). */
void render_atom(const struct feed_channel *channel, const struct feed_item *items, size_t count,
                 bool full_text, buf *out);

struct sitemap_url {
    const char *loc;   /* absolute URL */
    long long lastmod; /* Unix seconds, 0 for none */
};

/* Appends a <urlset> sitemap (sitemaps.org 0.9, W3C dates) or a <sitemapindex> of sitemaps. */
void render_sitemap(const struct sitemap_url *urls, size_t count, buf *out);
void render_sitemap_index(const struct sitemap_url *sitemaps, size_t count, buf *out);

#endif
