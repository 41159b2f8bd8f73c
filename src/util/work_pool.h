/* work_pool.h: runs batches of independent jobs on helper threads and the calling thread (a
 * parallel for-loop), either waiting at once or later, so that the caller can do other work
 * meanwhile. The import sanitizes items' HTML with it while it writes earlier items. */
#ifndef GAZETTE_UTIL_WORK_POOL_H
#define GAZETTE_UTIL_WORK_POOL_H

#include <stddef.h>

typedef struct work_pool work_pool;
typedef struct work_batch work_batch;

/* Starts `helpers` threads (0: every batch runs on the caller alone, when it waits). Aborts if
 * a thread cannot be started, like an allocation failure. */
work_pool *work_pool_start(int helpers);

/* Calls job(context, i) once for every i in [0, count), spread over the helpers and the caller,
 * in no particular order; returns when every call has returned. Jobs must not touch anything
 * another job of the batch touches. */
void work_pool_run(work_pool *pool, size_t count, void (*job)(void *context, size_t index),
                   void *context);

/* Queues the same batch without waiting: the helpers start on it once the batches queued before
 * it have been handed out. The caller owns the returned batch and must pass it to
 * work_pool_wait (before work_pool_stop); `context` must stay valid until then. */
work_batch *work_pool_submit(work_pool *pool, size_t count,
                             void (*job)(void *context, size_t index), void *context);

/* Returns when every job of `batch` has returned, and frees the batch. While jobs of it are
 * still queued the caller runs queued jobs itself, oldest batch first. Batches are submitted and
 * waited for from one thread. */
void work_pool_wait(work_pool *pool, work_batch *batch);

/* Stops and joins the helpers; NULL is allowed. Every submitted batch must have been waited for. */
void work_pool_stop(work_pool *pool);

/* Helpers worth starting on this machine: one fewer than the online processors, at most
 * `limit`. */
int work_pool_helpers(int limit);

#endif
