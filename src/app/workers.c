/* workers.c: the worker pool: one queue of jobs under one lock, and the threads that run them.
 * It lives in app/, not http/, because nothing in it knows h2o: a job goes back to its event
 * loop through the `done` the adapter gave it. */
#include "app/workers.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "model/settings.h"
#include "util/alloc.h"

/* The queue, process-wide: there is one pool per server process. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct app_job *head, *tail;
    bool stopping;
} work = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false};

/* What each worker thread is given at start: its store (it owns it), the shared theme. */
struct worker {
    pthread_t thread;
    store *store;
    const template_set *theme;
};

static struct worker *workers; /* app_workers_start's, freed by app_workers_stop */
static int worker_count;

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&work.lock);
        while (!work.head && !work.stopping)
            pthread_cond_wait(&work.ready, &work.lock);
        struct app_job *job = work.head;
        if (job) {
            work.head = job->next;
            if (!work.head)
                work.tail = NULL;
        }
        pthread_mutex_unlock(&work.lock);
        if (!job)
            break; /* stopping and the queue is empty */
        app_dispatch(job, w->store, w->theme, (long long)time(NULL));
        job->done(job);
    }
    settings_forget();
    store_close(w->store);
    return NULL;
}

void app_workers_start(store **stores, int count, const template_set *theme)
{
    workers = xcalloc((size_t)count, sizeof(*workers));
    for (; worker_count < count; worker_count++) {
        struct worker *w = &workers[worker_count];
        w->store = stores[worker_count];
        w->theme = theme;
        pthread_create(&w->thread, NULL, worker_main, w);
    }
}

void app_job_submit(struct app_job *job)
{
    pthread_mutex_lock(&work.lock);
    if (work.tail)
        work.tail->next = job;
    else
        work.head = job;
    work.tail = job;
    pthread_cond_signal(&work.ready);
    pthread_mutex_unlock(&work.lock);
}

void app_workers_stop(void)
{
    pthread_mutex_lock(&work.lock);
    work.stopping = true;
    pthread_cond_broadcast(&work.ready);
    pthread_mutex_unlock(&work.lock);
    for (int i = 0; i < worker_count; i++)
        pthread_join(workers[i].thread, NULL);
    free(workers);
    workers = NULL;
    worker_count = 0;
}
