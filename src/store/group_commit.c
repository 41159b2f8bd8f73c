/* group_commit.c: store_write, and the writer thread that commits many threads' writes in one
 * transaction (group commit).
 *
 * A durable commit waits for the disk (an fsync of SQLite's WAL, or of PostgreSQL's). One
 * commit per comment made that wait, and the context switches around it, most of a comment's
 * cost. Here the writes queued while the writer commits go into the next transaction together,
 * each in a savepoint, so that one write's failure undoes only itself. No caller returns before
 * the commit that holds its write has returned. */
#include <pthread.h>
#include <stdlib.h>

#include "store/backend.h"

struct queued_write {
    store_write_fn write;
    void *arg;
    store *caller; /* gets the error message */
    int result;
    long long scope; /* the pages the write changed (store.c's merge): 0, a post id, -1 */
    bool done;
    pthread_cond_t finished; /* signalled when done: each caller is woken alone, not every
                                caller waiting, most of them for a later batch */
    struct queued_write *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t queued; /* a write was queued, or stopping */
    struct queued_write *head, *tail;
    bool running, stopping;
    store *writer; /* the writer thread's own connection */
    pthread_t thread;
} group = {.lock = PTHREAD_MUTEX_INITIALIZER, .queued = PTHREAD_COND_INITIALIZER};

static int write_alone(store *s, store_write_fn write, void *arg)
{
    if (store_begin(s) != STORE_OK)
        return STORE_ERROR;
    if (write(s, arg) != STORE_OK) {
        store_rollback(s);
        return STORE_ERROR;
    }
    return store_commit(s);
}

static void fail_write(struct queued_write *w, const char *message)
{
    w->result = store_fail(w->caller, "%s", message);
}

/* Runs one queued write in its own savepoint. Returns false when the transaction itself is
 * lost (a savepoint could not be set or undone: SQLite rolls everything back after some I/O
 * errors), and the writes kept so far in it with it. */
static bool run_one(store *tx, struct queued_write *w)
{
    if (tx->backend->savepoint(tx, SAVEPOINT_SET) != STORE_OK) {
        fail_write(w, store_error(tx));
        return false;
    }
    tx->changed = 0;
    w->result = w->write(tx, w->arg);
    w->scope = tx->changed;
    if (w->result == STORE_OK) {
        if (tx->backend->savepoint(tx, SAVEPOINT_RELEASE) == STORE_OK)
            return true;
        fail_write(w, store_error(tx));
    } else {
        fail_write(w, store_error(tx));
        if (tx->backend->savepoint(tx, SAVEPOINT_UNDO) == STORE_OK)
            return true;
    }
    return false;
}

/* Commits the batch; the writes it kept are told their result only after the commit. */
static void commit_batch(store *tx, struct queued_write *batch)
{
    struct queued_write *w = batch;
    if (store_begin(tx) != STORE_OK) {
        for (; w; w = w->next)
            fail_write(w, store_error(tx));
        return;
    }
    bool whole = true;
    for (; w && whole; w = w->next)
        whole = run_one(tx, w);
    /* the transaction was lost: the writes after it are not tried, those before it are gone */
    for (; w; w = w->next)
        fail_write(w, "the transaction was lost: its writes are undone");
    tx->changed = 0; /* store_commit would report the batch's merged scope: told per write below */
    if (!whole) {
        for (w = batch; w; w = w->next)
            if (w->result == STORE_OK)
                fail_write(w, store_error(tx));
        store_rollback(tx);
        return;
    }
    if (store_commit(tx) != STORE_OK) {
        for (w = batch; w; w = w->next)
            if (w->result == STORE_OK)
                fail_write(w, store_error(tx));
        return;
    }
    long long told = 0;
    for (w = batch; w; w = w->next)
        if (w->result == STORE_OK && w->scope != 0 && w->scope != told && told != -1) {
            store_changed(w->scope);
            told = w->scope;
        }
}

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&group.lock);
    for (;;) {
        while (!group.head && !group.stopping)
            pthread_cond_wait(&group.queued, &group.lock);
        struct queued_write *batch = group.head;
        if (!batch)
            break; /* stopping, and nothing is left */
        group.head = group.tail = NULL;
        pthread_mutex_unlock(&group.lock);
        commit_batch(group.writer, batch);
        pthread_mutex_lock(&group.lock);
        for (struct queued_write *w = batch, *next; w; w = next) {
            next = w->next; /* w belongs to its caller once done */
            w->done = true;
            pthread_cond_signal(&w->finished);
        }
    }
    pthread_mutex_unlock(&group.lock);
    return NULL;
}

int store_write(store *s, store_write_fn write, void *arg)
{
    pthread_mutex_lock(&group.lock);
    if (!group.running || group.stopping) {
        pthread_mutex_unlock(&group.lock);
        return write_alone(s, write, arg);
    }
    struct queued_write w = {write, arg, s, STORE_ERROR, 0, false, PTHREAD_COND_INITIALIZER, NULL};
    if (group.tail)
        group.tail->next = &w;
    else
        group.head = &w;
    group.tail = &w;
    pthread_cond_signal(&group.queued);
    while (!w.done)
        pthread_cond_wait(&w.finished, &group.lock);
    pthread_mutex_unlock(&group.lock);
    pthread_cond_destroy(&w.finished);
    return w.result;
}

int store_group_commit_start(const char *location, buf *error)
{
    store *writer = store_open(location, error);
    if (!writer)
        return -1;
    group.writer = writer;
    group.stopping = false;
    if (pthread_create(&group.thread, NULL, writer_main, NULL) != 0) {
        buf_printf(error, "cannot start the writer thread");
        store_close(writer);
        group.writer = NULL;
        return -1;
    }
    group.running = true;
    return 0;
}

void store_group_commit_stop(void)
{
    pthread_mutex_lock(&group.lock);
    if (!group.running) {
        pthread_mutex_unlock(&group.lock);
        return;
    }
    group.stopping = true; /* new writes go alone from now on; the queued ones are finished */
    pthread_cond_signal(&group.queued);
    pthread_mutex_unlock(&group.lock);
    pthread_join(group.thread, NULL);
    group.running = false;
    store_close(group.writer);
    group.writer = NULL;
}
