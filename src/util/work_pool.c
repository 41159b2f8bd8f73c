/* work_pool.c: a queue of batches under one mutex; the jobs themselves run outside it. */
#include "util/work_pool.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/alloc.h"

struct work_batch {
    void (*job)(void *context, size_t index);
    void *context;
    size_t count, next;       /* jobs of the batch; the next one to hand out */
    size_t done;              /* jobs that have returned */
    struct work_batch *later; /* the batch queued after this one */
};

struct work_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_ready; /* a batch was queued, or the pool stops */
    pthread_cond_t work_done;  /* the last job of a batch returned */
    pthread_t *threads;
    int helpers;
    bool stopping;
    struct work_batch *first, *last; /* batches with jobs not handed out yet, oldest first */
};

/* Hands out the next job of the oldest queued batch and runs it; called with the lock held and
 * a batch queued, returns with the lock held. */
static void run_one(work_pool *p)
{
    struct work_batch *b = p->first;
    size_t index = b->next++;
    if (b->next == b->count) {
        p->first = b->later;
        if (!p->first)
            p->last = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    b->job(b->context, index);
    pthread_mutex_lock(&p->lock);
    /* the waiter frees the batch once `done` reaches `count`: no touching it after that */
    if (++b->done == b->count)
        pthread_cond_broadcast(&p->work_done);
}

static void *helper_main(void *arg)
{
    work_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stopping && !p->first)
            pthread_cond_wait(&p->work_ready, &p->lock);
        if (p->stopping)
            break;
        run_one(p);
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

work_batch *work_pool_submit(work_pool *p, size_t count, void (*job)(void *context, size_t index),
                             void *context)
{
    work_batch *b = xcalloc(1, sizeof(*b));
    *b = (work_batch){.job = job, .context = context, .count = count};
    if (count == 0)
        return b;
    pthread_mutex_lock(&p->lock);
    if (p->last)
        p->last->later = b;
    else
        p->first = b;
    p->last = b;
    if (p->helpers)
        pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->lock);
    return b;
}

void work_pool_wait(work_pool *p, work_batch *b)
{
    if (b->count) {
        pthread_mutex_lock(&p->lock);
        /* while jobs of b are queued, so is every batch before it: run those first */
        while (b->next < b->count)
            run_one(p);
        while (b->done < b->count)
            pthread_cond_wait(&p->work_done, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
    free(b);
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
    work_pool_wait(p, work_pool_submit(p, count, job, context));
}

void work_pool_stop(work_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    assert(!p->first); /* a batch nobody waited for */
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
