/* media_library.h: what the admin's media library reads and writes beside an upload
 * (model/media.h's media_add): a page of the library with its count, one media, its texts
 * changed, its deletion; each write one transaction with its audit entry. */
#ifndef GAZETTE_MODEL_MEDIA_LIBRARY_H
#define GAZETTE_MODEL_MEDIA_LIBRARY_H

#include <stddef.h>

#include "model/result.h"
#include "store/store.h"
#include "util/arena.h"

/* One page of the library, newest first: the media that `filter` selects (its limit and
 * offset) in `a`, and how many it selects in all. MODEL_OK or MODEL_STORE_ERROR. */
enum model_result media_library_page(store *s, arena *a, const struct store_media_filter *filter,
                                     struct store_media **media, size_t *count, long long *total);

/* Media `id` in `out` (strings in `a`): MODEL_OK, MODEL_NOT_FOUND or MODEL_STORE_ERROR. */
enum model_result media_library_get(store *s, arena *a, long long id, struct store_media *out);

/* Whether `user` may change or delete `media`: editors and admins any, an author the files
 * they uploaded (WordPress's edit_post on an attachment). */
bool media_library_may_change(const struct store_user *user, const struct store_media *media);

/* Writes media->title, alt, caption and description (the rest as read) with `audit` (NULL:
 * none), in one transaction. MODEL_OK, MODEL_NOT_FOUND or MODEL_STORE_ERROR. */
enum model_result media_library_update(store *s, const struct store_media *media,
                                       const struct store_audit *audit);

/* Deletes media `id` and every file of it (posts that featured it feature nothing), with
 * `audit`, in one transaction. MODEL_OK, MODEL_NOT_FOUND or MODEL_STORE_ERROR. */
enum model_result media_library_delete(store *s, long long id, const struct store_audit *audit);

#endif
