/* workers.h: the worker pool: threads that run jobs (app/dispatch.h), each on its own store
 * connection, so that the event loops never wait for a store, a render or a PDF. */
#ifndef GAZETTE_APP_WORKERS_H
#define GAZETTE_APP_WORKERS_H

#include "app/dispatch.h"
#include "render/template.h"
#include "store/store.h"

/* Starts one worker per store of `stores[count]`; each worker owns its store from now on and
 * closes it when it ends. `theme` is shared and must outlive the workers. Call once. */
void app_workers_start(store **stores, int count, const template_set *theme);

/* Queues `job` for the next free worker, which runs app_dispatch on it and then calls
 * job->done on its own thread. Safe from any thread; never blocks for long. */
void app_job_submit(struct app_job *job);

/* Lets the workers finish every queued job, then waits for them to end. A job submitted after
 * this began may not run: the adapter stops submitting first. */
void app_workers_stop(void);

#endif
