/* media.h: the rules of media: what may be stored, under which names, with which sizes (the
 * settings), and the one transaction that stores a media with all its files. Uploads (admin,
 * `gazette media add`), imports (`import wxr --uploads`, `gazette media import`) and pages
 * (srcset, galleries, featured images) all go through here. */
#ifndef GAZETTE_MODEL_MEDIA_H
#define GAZETTE_MODEL_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

#include "media/image.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* What a new media is made of. */
struct media_upload {
    const unsigned char *bytes; /* the file; NULL with length 0: a record whose file comes later
                                   (an import without --uploads) */
    size_t length;
    const char *filename; /* the name it came with ("IMG_1234.JPG"): the stored name and, when
                             title is "", the title are made from it */
    const char *file;     /* an import's path under uploads to keep ("2013/01/a.jpg"); NULL: a
                             new "YYYY/MM/NAME.EXT" (the extension of the sniffed kind), made
                             unique with -1, -2… as WordPress's wp_unique_filename */
    const char *title, *caption, *alt, *description; /* NULL or "" for none */
    long long author_id, post_id; /* 0 for none */
    long long created_at;         /* 0: now */
    long long id, wp_id;          /* an import keeps WordPress's ID in both; 0: new */
    const char *slug, *page_path; /* an import's attachment page; NULL: made from the title */
};

/* The limits and sizes of the site's settings (media.*), read once per action. */
struct media_settings {
    struct image_limits limits;
    struct image_size_spec sizes[4]; /* thumbnail, medium, medium_large (768x0), large */
    size_t size_count;
    bool webp;
};
void media_settings_read(store *s, arena *a, struct media_settings *out);

/* Stores a new media: the kind from the bytes (refused: not a kind of image.h, over a limit,
 * a corrupt image), the image's files made (image_process) before the transaction, then the
 * media and every file in one store_write. *id is the media's id. 0; -2 with a message a person
 * understands (the file was refused: nothing stored); -1 on a store error (message). */
int media_add(store *s, arena *a, const struct media_settings *settings,
              const struct media_upload *upload, long long *id, buf *error);

/* Gives media `id` (a record imported without its file, or one whose file changes) the file
 * `bytes`: as media_add does, its files made again. Files WordPress made beside it
 * (`extra`, e.g. "2013/01/a-300x200.jpg", kept at their paths so old links answer) are stored
 * as they are once checked to be images of the same kind with nothing to strip, else cleaned.
 * 0, -2 (refused, message), -1 (store error). */
struct media_extra_file {
    const char *path; /* under uploads */
    const char *size; /* WordPress's size name ("medium", "post-thumbnail"), or "" */
    const unsigned char *bytes;
    size_t length;
};
int media_attach(store *s, arena *a, const struct media_settings *settings, long long id,
                 const unsigned char *bytes, size_t length, const struct media_extra_file *extra,
                 size_t extra_count, buf *error);

/* The URL path of a file under uploads: "/wp-content/uploads/" + path. */
const char *media_url(arena *a, const char *path);
/* The path under uploads of a URL path or absolute URL that points into uploads on this site
 * or on `old_site` (an import's base URL, "" for none): "2013/01/a.jpg", or NULL. */
const char *media_path_of_url(arena *a, const char *url, const char *site_url,
                              const char *old_site);

#endif
