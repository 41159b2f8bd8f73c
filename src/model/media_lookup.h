/* media_lookup.h: what the reader's side reads of media: a file by its path under uploads
 * (or the stored size that stands for an old "NAME-WxH.EXT" WordPress made), its bytes, and an
 * attachment page by its path or WordPress ID. Reads only; writes are model/media.h. */
#ifndef GAZETTE_MODEL_MEDIA_LOOKUP_H
#define GAZETTE_MODEL_MEDIA_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

/* The file at `path` under uploads (store form, web/upload_path.h), without its bytes; when no
 * file is there and `path` is "DIR/NAME-WxH.EXT", the file that stands for it: see
 * media_pick_equivalent (*equivalent true then). STORE_OK, STORE_NOT_FOUND, STORE_ERROR. */
int media_file_lookup(store *s, arena *a, const char *path, struct store_media_file *out,
                      bool *equivalent);

/* The bytes of the file at `path`, in `a`. */
int media_file_bytes(store *s, arena *a, const char *path, const unsigned char **data,
                     size_t *length);

/* "DIR/NAME-WxH.EXT" (W and H of 1-5 digits): "DIR/NAME.EXT" into *original (in `a`), W and H;
 * false for a path of another form. */
bool media_size_variant_parse(arena *a, const char *path, const char **original, int *width,
                              int *height);

/* Of `files` (a media's, store_media_files), the one to answer a request for a width x height
 * size that was not stored: of the files of `mime`, one of exactly that size, else the
 * smallest that covers it (never a smaller image, which the page would enlarge), else the
 * largest (the original). NULL when none is of `mime`. */
const struct store_media_file *media_pick_equivalent(const struct store_media_file *files,
                                                     size_t count, const char *mime, int width,
                                                     int height);

/* The media whose attachment page is at `page_path` (canonical form, util/slug.h). */
int media_find_page(store *s, arena *a, const char *page_path, struct store_media *out);
/* The media with WordPress attachment ID `wp_id` (?attachment_id=, ?p=). */
int media_find_wp_id(store *s, arena *a, long long wp_id, struct store_media *out);
/* Every file of media `id`, by width (store_media_files). */
int media_files_of(store *s, arena *a, long long id, struct store_media_file **files,
                   size_t *count);

#endif
