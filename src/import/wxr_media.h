/* wxr_media.h: the attachments of a WordPress export, inside the import's transaction: each a
 * media record without its file (the files come with import_uploads), the featured images of
 * posts (_thumbnail_id), and the old uploads' URLs in posts and pages made this site's
 * ("/wp-content/uploads/2013/01/a.jpg"). */
#ifndef GAZETTE_IMPORT_WXR_MEDIA_H
#define GAZETTE_IMPORT_WXR_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

#include "import/wxr_reader.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* What the import keeps about attachments from start to end. Zero-initialise; free with
 * wxr_media_free. */
struct wxr_media {
    arena keep;
    /* the old uploads' addresses, without scheme, host in lower case, each ending in '/':
     * "wpthemetestdata.files.wordpress.com/", "old.example/wp-content/uploads/" */
    const char **bases;
    size_t base_count, base_capacity;
    struct wxr_media_link {
        long long id;       /* a post (featured) or a media (parent) here */
        long wp_id;         /* the attachment (featured) or the post (parent) it names */
    } * featured, *parents; /* linked by wxr_media_finish, when both ends are in the store */
    size_t featured_count, featured_capacity, parent_count, parent_capacity;
    long media_new, media_present, featured_set;
};

/* Reads the export at `path` once for the addresses its attachments' files had (posts that
 * show them may come before them in the file), and adds the site's own wp-content/uploads.
 * 0, or -1 with "PATH:LINE: what" in `error`. */
int wxr_media_scan(struct wxr_media *media, const char *path, buf *error);

/* Appends `html` (len bytes) to `out` with every src, href, srcset and CSS url() that points
 * at a file (a name with an extension) of the old uploads made "/wp-content/uploads/PATH" (a query
 * string such as Photon's ?w=300 dropped). Only reads `media`: safe from the import's work pool. */
void wxr_media_rewrite_content(const struct wxr_media *media, const char *html, size_t len,
                               buf *out);

/* "/wp-content/uploads/PATH" in `a` when `url` points into the old uploads, else NULL. */
const char *wxr_media_local_url(const struct wxr_media *media, arena *a, const char *url);

/* The path under uploads of an attachment: its _wp_attached_file, else its URL's path under
 * the uploads ("2008/06/canola2.jpg" of https://x.files.wordpress.com/2008/06/canola2.jpg),
 * percent-escapes decoded; NULL with *problem set when there is no usable path. */
const char *wxr_media_file_of(arena *a, const struct wxr_item *item, const char **problem);

/* What the importer knows of an attachment besides the item. */
struct wxr_attachment {
    const char *page_path; /* its page, canonical, "" for none */
    long long author_id;   /* 0 for none */
    long long created_at;  /* Unix seconds, UTC */
};

/* The outcome of one attachment. */
enum wxr_media_outcome {
    WXR_MEDIA_NEW,
    WXR_MEDIA_PRESENT, /* its WordPress ID is in the store already */
    WXR_MEDIA_SKIPPED, /* *why says why */
};

/* Stores attachment `item` as a media without bytes (id and wp_id its wp:post_id when free),
 * with its title, caption (the excerpt), description (the content), alt text, parent post,
 * author, date and page. STORE_OK with *outcome, or STORE_ERROR. */
int wxr_media_add(struct wxr_media *media, store *s, arena *a, const struct wxr_item *item,
                  const struct wxr_attachment *attachment, enum wxr_media_outcome *outcome,
                  const char **why);

/* Notes the featured image of post `post_id` (the item's _thumbnail_id), set by
 * wxr_media_finish. */
void wxr_media_note_featured(struct wxr_media *media, long long post_id,
                             const struct wxr_item *item);

/* At the end of the file: each media's parent post, and each featured image whose media and
 * post are both in the store, set where the post features nothing yet. STORE_OK or
 * STORE_ERROR. */
int wxr_media_finish(struct wxr_media *media, store *s, arena *a);

void wxr_media_free(struct wxr_media *media);

#endif
