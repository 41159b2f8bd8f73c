/* work_pool.h: runs a batch of independent jobs on helper threads and the calling thread, and
 * waits for the batch (a parallel for-loop). The import sanitizes each item's HTML with it. */
#ifndef GAZETTE_UTIL_WORK_POOL_H
#define GAZETTE_UTIL_WORK_POOL_H

#include <stddef.h>

typedef struct work_pool work_pool;

/* Starts `helpers` threads (0: every batch runs on the caller alone). Aborts if a thread
 * cannot be started, like an allocation failure. */
work_pool *work_pool_start(int helpers);

/* Calls job(context, i) once for every i in [0, count), spread over the helpers and the caller,
 * in no particular order; returns when every call has returned. Jobs must not touch anything
 * another job of the batch touches. One batch at a time, from one thread. */
void work_pool_run(work_pool *pool, size_t count, void (*job)(void *context, size_t index),
                   void *context);

/* Stops and joins the helpers; NULL is allowed. */
void work_pool_stop(work_pool *pool);

/* Helpers worth starting on this machine: one fewer than the online processors, at most
 * `limit`. */
int work_pool_helpers(int limit);

#endif
