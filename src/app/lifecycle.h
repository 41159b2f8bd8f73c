/* lifecycle.h: the server process, apart from HTTP: the theme, the workers and their store
 * connections, the page cache and its invalidation, group commit, fonts, secrets, the mail
 * sender, the chores thread (scheduled posts, expired sessions) and the watcher of other
 * processes' changes; started before the HTTP adapter serves and stopped after it stopped.
 *
 * `gazette serve` runs, in order: app_open, http_listen, app_start, http_serve (until SIGTERM
 * or SIGINT, see app_stop_requested), then app_close and http_close. */
#ifndef GAZETTE_APP_LIFECYCLE_H
#define GAZETTE_APP_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "render/template.h"
#include "util/buf.h"

struct app_options {
    const char *db_location; /* each worker, and each of our threads, opens its own store here */
    const char *theme_dir;   /* templates */
    int workers;             /* worker threads; 0: four per core */
    size_t cache_bytes;      /* page cache bound; 0: no page cache */
    const char *media_cache_dir; /* media files on local disk (cache/media_disk.h); NULL: a
                                    default named after db_location */
};

/* Checks the route table, loads the theme, opens every store connection (so a bad database
 * fails now, not on a reader's request), makes sure the site's secret exists, and sets up the
 * page cache with its invalidation and group commit. No thread runs yet. 0, or -1 with a
 * message in `error`; then call app_close. */
int app_open(const struct app_options *options, buf *error);

/* Catches SIGTERM and SIGINT, loads the fonts, starts the workers, the mail sender, the
 * watcher and the chores thread, and returns once the watcher is subscribed (pages cached
 * before would miss changes), or after three seconds when the database is unreachable.
 * 0, or -1 with a message in `error`; then call app_close. */
int app_start(buf *error);

/* Whether SIGTERM or SIGINT came: the adapter closes its listeners, sends what is in flight
 * and returns. Safe from any thread. */
bool app_stop_requested(void);

/* The templates app_open loaded; shared by every thread, immutable. */
const template_set *app_theme(void);

/* What app_open was given (for the adapter's start-up line). */
const struct app_options *app_options(void);

/* After the adapter stopped submitting jobs: the workers finish the queued ones, group commit
 * writes what is queued, then every thread ends and every connection closes. Safe after a
 * failed app_open or app_start, and without them. */
void app_close(void);

#endif
