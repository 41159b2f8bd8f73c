/* media_disk.h: the bounded local disk cache of media files on a node. The bytes live in the
 * store; a file too large for the page cache (video, audio, PDF, a big original) is written
 * here once, named by its ETag, and sent from here a chunk at a time, so a Range request of a
 * video costs neither a store read nor the whole file in memory. Several processes may share
 * the directory: everything they agree on is in it (names, sizes, modification times), and
 * eviction reads it afresh. Safe from any thread. */
#ifndef GAZETTE_CACHE_MEDIA_DISK_H
#define GAZETTE_CACHE_MEDIA_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Uses `dir` (created if missing, mode 0700), or when NULL or "" a default named after the
 * database location: $XDG_CACHE_HOME/gazette-media-HASH, else /var/tmp/gazette-media-HASH (so
 * two sites on one machine never share files, and a restart finds its files again). 0, or -1
 * with a message. Until it has run, media_disk_get and media_disk_put find and keep nothing. */
int media_disk_open(const char *dir, const char *db_location, buf *error);

/* The directory in use ("" before media_disk_open). */
const char *media_disk_dir(void);

/* An open descriptor of the cached file `etag` when it holds `size` bytes (the caller closes
 * it), its use noted for eviction; -1 when it is not cached. */
int media_disk_get(const char *etag, uint64_t size);

/* Keeps `data` as `etag` (written to a temporary name, then renamed), then removes the files
 * used least recently until the directory holds at most `max_bytes`. Returns an open descriptor
 * of the file, or -1 when it is not kept (larger than max_bytes, not an ETag gazette makes, a
 * disk error: logged), and the caller sends the bytes it has. */
int media_disk_put(const char *etag, const unsigned char *data, size_t size, uint64_t max_bytes);

#endif
