/* store.c: picks the engine for a location, runs every operation (operations.c) and tells the
 * change hook about committed writes. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

static void (*change_hook)(void *context, long long post_id);
static void *change_hook_context;

void store_on_change(void (*hook)(void *context, long long post_id), void *context)
{
    change_hook = hook;
    change_hook_context = context;
}

bool store_location_is_postgres(const char *location)
{
    return strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0;
}

/* What a migration left for C code to do (store_tasks): done once, by the connection whose
 * transaction takes the task; a cheap read when there is none. */
static int run_tasks(store *s)
{
    bool pending;
    if (store_task_pending(s, "search_fold", &pending) != STORE_OK)
        return STORE_ERROR;
    if (!pending)
        return STORE_OK;
    if (store_begin(s) != STORE_OK)
        return STORE_ERROR;
    if (store_search_refold(s) != STORE_OK) {
        store_rollback(s);
        return STORE_ERROR;
    }
    return store_commit(s);
}

store *store_open(const char *location, buf *error)
{
    static atomic_ullong opened;
    store *s = store_location_is_postgres(location) ? pg_store_open(location, error)
                                                    : sqlite_store_open(location, error);
    if (s)
        s->serial = atomic_fetch_add(&opened, 1) + 1;
    if (s && run_tasks(s) != STORE_OK) {
        buf_reset(error);
        buf_printf(error, "schema migration (search index): %s", store_error(s));
        store_close(s);
        return NULL;
    }
    return s;
}

unsigned long long store_serial(const store *s)
{
    return s->serial;
}

void store_limit_memory(store *s, int kib)
{
    if (s->engine->limit_memory)
        s->engine->limit_memory(s, kib);
}

void store_close(store *s)
{
    if (s)
        s->engine->close(s);
}

const char *store_error(const store *s)
{
    return s->error.ptr ? s->error.ptr : "no error";
}

const char *store_kind(const store *s)
{
    return s->engine->name;
}

int store_fail(store *s, const char *fmt, ...)
{
    va_list ap;
    buf_reset(&s->error);
    va_start(ap, fmt);
    buf_vprintf(&s->error, fmt, ap);
    va_end(ap);
    return STORE_ERROR;
}

/* Merges what one write changes into what the transaction changes: one post, or all. */
static long long merge_scope(long long so_far, long long write)
{
    if (write == 0)
        return so_far;
    if (so_far == 0 || so_far == write)
        return write;
    return -1;
}

void store_changed(long long scope)
{
    if (change_hook && scope != 0)
        change_hook(change_hook_context, scope);
}

static void changed(store *s, long long scope)
{
    if (s->in_transaction)
        s->changed = merge_scope(s->changed, scope);
    else
        store_changed(scope);
}

#define DISPATCH_READ(name, parameters, arguments)                                                 \
    int store_##name parameters                                                                    \
    {                                                                                              \
        return operation_##name arguments;                                                         \
    }
#define DISPATCH_WRITE(name, parameters, arguments, scope)                                         \
    int store_##name parameters                                                                    \
    {                                                                                              \
        int rc = operation_##name arguments;                                                       \
        if (rc == STORE_OK)                                                                        \
            changed(s, scope);                                                                     \
        return rc;                                                                                 \
    }
STORE_READS(DISPATCH_READ)
STORE_WRITES(DISPATCH_WRITE)

static int begin_with(store *s, int (*begin)(store *s))
{
    int rc = begin(s);
    if (rc == STORE_OK) {
        s->in_transaction = true;
        s->changed = 0;
    }
    return rc;
}

int store_begin(store *s)
{
    return begin_with(s, s->engine->begin);
}

int store_begin_bulk(store *s)
{
    return begin_with(s, s->engine->begin_bulk ? s->engine->begin_bulk : s->engine->begin);
}

int store_commit(store *s)
{
    int rc = s->engine->commit(s);
    long long scope = s->changed;
    s->in_transaction = false;
    s->changed = 0;
    if (rc == STORE_OK)
        store_changed(scope);
    return rc;
}

void store_rollback(store *s)
{
    if (!s->in_transaction)
        return;
    s->engine->rollback(s);
    s->in_transaction = false;
    s->changed = 0;
}

void store_watch(store *s, void (*on_change)(void *context, long long post_id), void *context,
                 volatile sig_atomic_t *stop)
{
    s->engine->watch(s, on_change, context, stop);
}

bool store_filter_is_front(const struct store_post_filter *filter)
{
    return filter->type == POST_TYPE_POST && filter->status == POST_STATUS_PUBLISH &&
           !filter->term_id && !filter->author_id && !filter->from && !filter->until &&
           !filter->by_modified && !(filter->title_contains && filter->title_contains[0]);
}
