/* lifecycle.c: starting and stopping everything a server process runs besides HTTP. */
#include "app/lifecycle.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "app/routes.h"
#include "app/workers.h"
#include "cache/media_disk.h"
#include "cache/page_cache.h"
#include "mail/sender.h"
#include "model/secret.h"
#include "render/pdf.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/log.h"

/* Each server connection's own SQLite page cache, KiB: the OS caches the file for all. With
 * eight workers, 512 rather than 1,024 took 4-5 MB off the server's RSS after every page of a
 * 10,000-post site once, for the same CPU time (and the same for a 1,000-comment thread). */
#define STORE_CACHE_KIB 512

/* The process's server state: one server per process. Set up by app_open and app_start on
 * the main thread, read-only while serving, torn down by app_close. */
static struct {
    struct app_options options;
    template_set *theme;
    store **stores; /* one per worker; a started worker owns (and closes) its own */
    store *watch_store, *chores_store;
    pthread_t watcher, chores;
    bool workers_started, watching, choring, group_committing; /* what app_close undoes */
} app;

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

bool app_stop_requested(void)
{
    return stop_requested != 0;
}

const template_set *app_theme(void)
{
    return app.theme;
}

const struct app_options *app_options(void)
{
    return &app.options;
}

static atomic_bool watch_subscribed;

static void on_store_changed(void *context, long long post_id)
{
    (void)context;
    page_cache_invalidate(post_id);
    atomic_store(&watch_subscribed, true);
}

/* Pages cached before the watch is subscribed would be dropped by its first call (or, worse,
 * miss a change made meanwhile), so the loops start once it is, or after a few seconds when
 * the database is unreachable at start: then cached pages are dropped at the first connect. */
static void wait_for_watch(void)
{
    for (int i = 0; i < 300 && !atomic_load(&watch_subscribed) && !stop_requested; i++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

/* Timed chores, every two seconds on their own store connection: scheduled posts whose time
 * has come are published (every node may try: the update is idempotent), and expired sessions
 * are deleted now and then. */
static void *chores_main(void *arg)
{
    store *s = arg;
    for (long long round = 0; !stop_requested; round++) {
        long long now = (long long)time(NULL), published = 0;
        if (store_post_publish_due(s, now, &published) != STORE_OK)
            log_error("publishing scheduled posts: %s", store_error(s));
        else if (published > 0)
            log_info("published %lld scheduled post%s", published, published == 1 ? "" : "s");
        if (round % 300 == 0 && store_session_purge(s, now) != STORE_OK)
            log_error("deleting expired sessions: %s", store_error(s));
        for (int i = 0; i < 20 && !stop_requested; i++) {
            struct timespec pause = {0, 100 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    store_close(s);
    return NULL;
}

/* Watches the store for changes made by other processes or nodes. */
static void *watcher_main(void *arg)
{
    store *s = arg;
    store_watch(s, on_store_changed, NULL, &stop_requested);
    store_close(s);
    return NULL;
}

/* A store connection for one of our threads, with the server's memory bound. */
static store *open_store(buf *error)
{
    store *s = store_open(app.options.db_location, error);
    if (s)
        store_limit_memory(s, STORE_CACHE_KIB);
    return s;
}

int app_open(const struct app_options *options, buf *error)
{
    signal(SIGPIPE, SIG_IGN); /* a client resetting mid-response must not kill the process */
#ifdef __GLIBC__
    /* glibc gives each thread its own heap, which keeps what a big page freed: two heaps
     * shared by all threads hold the server's memory to what it uses (issue 7: RSS) */
    mallopt(M_ARENA_MAX, 2);
#endif
    app.options = *options;
    if (app.options.workers <= 0) {
        /* a comment holds its worker until its group commit is on disk: more workers, bigger
         * batches (8 on 2 cores: 4,850 comments/s against 3,350 with 4); one costs ~0.3 MB */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        app.options.workers = 4 * (cores > 0 ? (int)cores : 1);
    }
    if (app_routes_check(error) != 0)
        return -1;
    app.theme = template_load_dir(options->theme_dir, error);
    if (!app.theme)
        return -1;
    /* Every worker's store is opened before serving, so a bad database fails at start. */
    app.stores = xcalloc((size_t)app.options.workers, sizeof(*app.stores));
    for (int i = 0; i < app.options.workers; i++)
        if (!(app.stores[i] = open_store(error)))
            return -1;
    if (store_check_statements(app.stores[0]) != STORE_OK) {
        buf_printf(error, "the store's self-check failed: %s", store_error(app.stores[0]));
        return -1;
    }
    if (secret_ensure(app.stores[0]) != STORE_OK) {
        buf_printf(error, "%s", store_error(app.stores[0]));
        return -1;
    }
    if (!(app.chores_store = open_store(error)) || !(app.watch_store = open_store(error)))
        return -1;
    page_cache_init(options->cache_bytes);
    if (media_disk_open(options->media_cache_dir, options->db_location, error) != 0)
        return -1;
    store_on_change(on_store_changed, NULL);
    if (store_group_commit_start(options->db_location, error) != 0)
        return -1;
    app.group_committing = true;
    return 0;
}

int app_start(buf *error)
{
    struct sigaction stop = {.sa_handler = on_stop_signal};
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGINT, &stop, NULL);

    render_pdf_prepare(); /* fonts loaded now, not on a reader's first PDF */
    app_workers_start(app.stores, app.options.workers, app.theme);
    app.workers_started = true;
    if (mail_sender_start(app.options.db_location, &stop_requested, error) != 0)
        return -1;
    pthread_create(&app.watcher, NULL, watcher_main, app.watch_store);
    app.watching = true;
    pthread_create(&app.chores, NULL, chores_main, app.chores_store);
    app.choring = true;
    wait_for_watch();
    return 0;
}

void app_close(void)
{
    stop_requested = 1; /* for the threads, when start-up failed half-way */
    if (app.workers_started)
        app_workers_stop();
    if (app.group_committing)
        store_group_commit_stop(); /* after the workers: none is left waiting for it */
    render_pdf_release();
    for (int i = 0; !app.workers_started && app.stores && i < app.options.workers; i++)
        store_close(app.stores[i]); /* started workers close their own */
    mail_sender_stop();
    if (app.watching)
        pthread_join(app.watcher, NULL); /* it has seen stop_requested and closes its store */
    else
        store_close(app.watch_store);
    if (app.choring)
        pthread_join(app.chores, NULL);
    else
        store_close(app.chores_store);
    page_cache_free();
    free(app.stores);
}
