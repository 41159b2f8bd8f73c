/* wp_path.h: the URL forms WordPress answers besides its canonical ones, parsed: a ?m= date, a
 * date archive's path and the endings a permalink or an archive may carry (feed aliases,
 * /amp/, /embed/, a page number). Pure functions of their text, for the site's handlers. */
#ifndef GAZETTE_WEB_WP_PATH_H
#define GAZETTE_WEB_WP_PATH_H

#include <stddef.h>

/* ?m=YYYY, YYYYMM or YYYYMMDD: the year, month and day in parts[0..2] (0 when absent); returns
 * how many (1-3), or 0 when `m` is none of these or names no calendar date. */
int wp_m_parse(const char *m, int parts[3]);

/* "/YYYY/", "/YYYY/MM/" or "/YYYY/MM/DD/" exactly (a valid date): the parts as wp_m_parse,
 * returns 1-3; 0 for any other path. */
int wp_date_path(const char *path, int parts[3]);

/* The last part of a path that is not a page of its own in WordPress. */
enum wp_suffix {
    WP_SUFFIX_NONE,
    WP_SUFFIX_FEED,  /* feed/, feed/rss2/, feed/rss/, feed/rdf/, feed/feed/, rss/, rss2/, rdf/ */
    WP_SUFFIX_ATOM,  /* feed/atom/, atom/ */
    WP_SUFFIX_AMP,   /* amp/ */
    WP_SUFFIX_EMBED, /* embed/ */
    WP_SUFFIX_PAGE,  /* N/: page N (1-9999) of a post split by <!--nextpage--> */
};

/* Which ending `path` (ending in '/') has after a non-empty base: *base_len is the length of the
 * base with its '/' ("/x/" of "/x/feed/rss2/"), *page the number of WP_SUFFIX_PAGE. */
enum wp_suffix wp_path_suffix(const char *path, size_t *base_len, int *page);

/* The canonical ending of `kind`'s feed, to append to its base: "feed/" or "feed/atom/"; NULL
 * for a kind that is no feed. */
const char *wp_feed_ending(enum wp_suffix kind);

#endif
