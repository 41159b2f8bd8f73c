/* work_pool.c: a batch counter under one mutex; the jobs themselves run outside it. */
#include "util/work_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/alloc.h"

struct work_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_ready; /* a batch was posted, or the pool stops */
    pthread_cond_t work_done;  /* the last helper of a batch left it */
    pthread_t *threads;
    int helpers;
    bool stopping;
    unsigned long batch; /* number of the current batch; helpers wait for it to change */
    void (*job)(void *context, size_t index);
    void *context;
    size_t count, next; /* jobs of the batch; the next one to hand out */
    int busy;           /* helpers still in the current batch */
};

/* Takes jobs of the current batch until none is left; called with the lock held. */
static void drain(work_pool *p)
{
    while (p->next < p->count) {
        size_t index = p->next++;
        void (*job)(void *, size_t) = p->job;
        void *context = p->context;
        pthread_mutex_unlock(&p->lock);
        job(context, index);
        pthread_mutex_lock(&p->lock);
    }
}

static void *helper_main(void *arg)
{
    work_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stopping && p->batch == seen)
            pthread_cond_wait(&p->work_ready, &p->lock);
        if (p->stopping)
            break;
        seen = p->batch;
        drain(p);
        if (--p->busy == 0)
            pthread_cond_signal(&p->work_done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

work_pool *work_pool_start(int helpers)
{
    work_pool *p = xcalloc(1, sizeof(*p));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work_ready, NULL);
    pthread_cond_init(&p->work_done, NULL);
    p->helpers = helpers > 0 ? helpers : 0;
    p->threads = xcalloc(p->helpers ? (size_t)p->helpers : 1, sizeof(*p->threads));
    for (int i = 0; i < p->helpers; i++)
        if (pthread_create(&p->threads[i], NULL, helper_main, p) != 0)
            abort();
    return p;
}

void work_pool_run(work_pool *p, size_t count, void (*job)(void *context, size_t index),
                   void *context)
{
    if (count == 0)
        return;
    if (p->helpers == 0 || count == 1) {
        for (size_t i = 0; i < count; i++)
            job(context, i);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->job = job;
    p->context = context;
    p->count = count;
    p->next = 0;
    p->busy = p->helpers;
    p->batch++;
    pthread_cond_broadcast(&p->work_ready);
    drain(p);
    /* every helper must leave the batch before the next one may reuse the fields */
    while (p->busy > 0)
        pthread_cond_wait(&p->work_done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void work_pool_stop(work_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->helpers; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->work_ready);
    pthread_cond_destroy(&p->work_done);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}

int work_pool_helpers(int limit)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int helpers = online > 1 ? (int)online - 1 : 0;
    return helpers < limit ? helpers : limit;
}
