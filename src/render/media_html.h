/* media_html.h: what pages show of the site's media, found in the store when a page is made
 * (a cold render: pages are cached), because a post's HTML is made at write time and its files
 * may come later (an import brings attachments after the posts that show them; `gazette media
 * import` adds files to a site). <img> of local uploads get their sizes (width, height, srcset,
 * sizes, lazy loading, WebP in <picture>); the gallery and playlist placeholders that
 * markup/shortcode.c writes become WordPress's markup with real files; the featured image is
 * found for articles, listings, heads and feeds. */
#ifndef GAZETTE_RENDER_MEDIA_HTML_H
#define GAZETTE_RENDER_MEDIA_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* An image of a media, resolved to one of its files, with what an <img> of it carries. All
 * strings in the arena. */
struct media_picture {
    struct store_media media; /* the media (title, alt, caption…) */
    const char *path;         /* the chosen file, under uploads ("2013/01/a-300x200.jpg") */
    const char *src;          /* its URL path ("/wp-content/uploads/2013/01/a-300x200.jpg") */
    const char *mime;         /* its type */
    long long bytes;          /* its length */
    int width, height;        /* its pixels (0 when unknown) */
    const char *srcset;       /* the files of the same kind and shape ("URL 300w, …"); "" */
    const char *webp_srcset;  /* their WebP copies likewise; "" when there are none */
};

/* What a pass needs besides the HTML. */
struct media_html_options {
    long long post_id;    /* the post shown: [gallery] without ids shows its attached media */
    const char *site_url; /* site.url ("" when unset): an <img> naming it is local too */
    int eager_images;     /* how many images from the top load at once (above the fold): 1
                             on an article without a featured image, 0 below one */
    bool print;           /* print page: no <picture>, no lazy loading (the printer wants all) */
};

/* Whether `html` holds anything the pass changes ("<img", a gallery or playlist placeholder):
 * a body without them costs this one scan. */
bool media_html_needed(const char *html);

/* `html` (sanitized body HTML) with its local images and placeholders made real, in `a`: *out
 * is `html` itself when nothing changed. An image or media the store does not have is left as
 * it is; an <img> of another site is not touched. STORE_OK, or STORE_ERROR (store_error says
 * why; *out is then `html`, which a page may still show). */
int media_html_rewrite(store *s, arena *a, const char *html, const struct media_html_options *o,
                       const char **out);

/* The image of media `id` at size `size` ("thumbnail", "medium", "large"…; the full file when
 * the media has no such size), with srcset of its other sizes. STORE_OK, STORE_NOT_FOUND (no
 * such media, not an image, or its file missing) or STORE_ERROR. */
int media_picture_find(store *s, arena *a, long long id, const char *size,
                       struct media_picture *out);

/* Appends <img> of `picture` with class `class_name` (may be NULL) and alt text `alt` (NULL:
 * the media's), sizes for its width, loading="lazy" unless `eager`; wrapped in <picture> with
 * a WebP <source> when it has WebP copies and `webp`. */
void media_picture_html(const struct media_picture *picture, const char *class_name,
                        const char *alt, bool eager, bool webp, buf *out);

/* The file of the image at URL `src` (a local upload) that best fits `max_pixels` wide and
 * high: the largest of its kind not over it, else the smallest. STORE_OK with *path, or
 * STORE_NOT_FOUND / STORE_ERROR. For the PDF, which decodes it. */
int media_file_for_print(store *s, arena *a, const char *src, const char *site_url, int max_pixels,
                         const char **path);

#endif
