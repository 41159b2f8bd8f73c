/* store.c: picks the backend for a location and dispatches every operation to it; tells the
 * change hook about committed writes. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

static void (*change_hook)(void *context);
static void *change_hook_context;

void store_on_change(void (*hook)(void *context), void *context)
{
    change_hook = hook;
    change_hook_context = context;
}

bool store_location_is_postgres(const char *location)
{
    return strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0;
}

store *store_open(const char *location, buf *error)
{
    return store_location_is_postgres(location) ? pg_store_open(location, error)
                                                : sqlite_store_open(location, error);
}

void store_close(store *s)
{
    if (s)
        s->backend->close(s);
}

const char *store_error(const store *s)
{
    return s->error.ptr ? s->error.ptr : "no error";
}

const char *store_kind(const store *s)
{
    return s->backend->name;
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

static void changed(store *s)
{
    if (s->in_transaction)
        s->wrote = true;
    else if (change_hook)
        change_hook(change_hook_context);
}

#define DISPATCH_READ(name, parameters, arguments)                                             \
    int store_##name parameters                                                                \
    {                                                                                          \
        return s->backend->name arguments;                                                     \
    }
#define DISPATCH_WRITE(name, parameters, arguments)                                            \
    int store_##name parameters                                                                \
    {                                                                                          \
        int rc = s->backend->name arguments;                                                   \
        if (rc == STORE_OK)                                                                    \
            changed(s);                                                                        \
        return rc;                                                                             \
    }
STORE_READS(DISPATCH_READ)
STORE_WRITES(DISPATCH_WRITE)

int store_begin(store *s)
{
    int rc = s->backend->begin(s);
    if (rc == STORE_OK) {
        s->in_transaction = true;
        s->wrote = false;
    }
    return rc;
}

int store_commit(store *s)
{
    int rc = s->backend->commit(s);
    bool wrote = s->wrote;
    s->in_transaction = false;
    s->wrote = false;
    if (rc == STORE_OK && wrote && change_hook)
        change_hook(change_hook_context);
    return rc;
}

void store_rollback(store *s)
{
    if (!s->in_transaction)
        return;
    s->backend->rollback(s);
    s->in_transaction = false;
    s->wrote = false;
}

void store_watch(store *s, void (*on_change)(void *context), void *context, volatile int *stop)
{
    s->backend->watch(s, on_change, context, stop);
}
