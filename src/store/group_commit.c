/* group_commit.c: store_write, and the writer thread that commits many threads' writes in one
 * transaction (group commit).
 *
 * A durable commit waits for the disk (an fsync of SQLite's WAL, or of PostgreSQL's). One
 * commit per comment made that wait, and the context switches around it, most of a comment's
 * cost. Here the writes queued while the writer commits go into the next transaction together.
 * When one of them fails, the batch is undone and each write runs again alone, so that one
 * write's failure is its own only (errors are rare: savepoints around every write would cost
 * PostgreSQL two round trips each). No caller returns before the commit that holds its write
 * has returned. */
#include <pthread.h>

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

/* The way back when a write of a batch fails: the batch is rolled back, and each of its writes
 * runs again alone, in its own transaction, so that one write's failure is its own only. */
static void run_each_alone(store *tx, struct queued_write *batch)
{
    for (struct queued_write *w = batch; w; w = w->next) {
        w->result = write_alone(tx, w->write, w->arg); /* commits tell the change hook */
        if (w->result != STORE_OK)
            fail_write(w, store_error(tx));
    }
}

/* Runs the batch's writes one after the other in one transaction and commits it. The writes
 * are told their result only after that commit. */
static void commit_batch(store *tx, struct queued_write *batch)
{
    if (!batch->next) {
        run_each_alone(tx, batch);
        return;
    }
    if (store_begin(tx) != STORE_OK) {
        for (struct queued_write *w = batch; w; w = w->next)
            fail_write(w, store_error(tx));
        return;
    }
    for (struct queued_write *w = batch; w; w = w->next) {
        tx->changed = 0;
        if (w->write(tx, w->arg) != STORE_OK) {
            store_rollback(tx);
            run_each_alone(tx, batch);
            return;
        }
        w->scope = tx->changed;
    }
    tx->changed = 0; /* store_commit would report the batch's merged scope: told per write below */
    if (store_commit(tx) != STORE_OK) {
        for (struct queued_write *w = batch; w; w = w->next)
            fail_write(w, store_error(tx));
        return;
    }
    long long told = 0;
    for (struct queued_write *w = batch; w; w = w->next) {
        w->result = STORE_OK;
        if (w->scope != 0 && w->scope != told && told != -1) {
            store_changed(w->scope);
            told = w->scope;
        }
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
