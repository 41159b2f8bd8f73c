/* test_work_pool.c: every job of a batch runs exactly once, on the helpers and the caller, for
 * pools of 0, 1 and 3 helpers and batches of 0 to 1,000 jobs, 2,000 batches in a row, waited for
 * at once or with up to 16 batches queued; the jobs of a batch do run at the same time; and a
 * queued batch runs while its caller does something else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/work_pool.h"

struct batch {
    atomic_int *calls; /* [count]: times job i ran */
    pthread_t caller;  /* the thread that ran the batch */
    atomic_int by_caller, by_others;
};

static void count_job(void *context, size_t index)
{
    struct batch *b = context;
    atomic_fetch_add(&b->calls[index], 1);
    if (pthread_equal(pthread_self(), b->caller))
        atomic_fetch_add(&b->by_caller, 1);
    else
        atomic_fetch_add(&b->by_others, 1);
}

static void run_batches(int helpers)
{
    work_pool *pool = work_pool_start(helpers);
    int others = 0;
    for (int round = 0; round < 2000; round++) {
        size_t count = (size_t)(round * 7919 % 1001); /* 0 .. 1000, in a scattered order */
        struct batch b = {.calls = calloc(count ? count : 1, sizeof(atomic_int)),
                          .caller = pthread_self()};
        work_pool_run(pool, count, count_job, &b);
        for (size_t i = 0; i < count; i++)
            if (atomic_load(&b.calls[i]) != 1)
                fail_msg("%d helpers, round %d: job %zu of %zu ran %d times", helpers, round, i,
                         count, atomic_load(&b.calls[i]));
        assert_int_equal(atomic_load(&b.by_caller) + atomic_load(&b.by_others), (int)count);
        others += atomic_load(&b.by_others);
        free(b.calls);
    }
    work_pool_stop(pool);
    if (helpers == 0)
        assert_int_equal(others, 0); /* no helper: the caller ran everything */
}

/* The same batches, up to 16 queued at a time, each waited for oldest first. */
static void queue_batches(int helpers)
{
    enum { QUEUED = 16 };
    work_pool *pool = work_pool_start(helpers);
    struct batch batches[QUEUED];
    work_batch *queued[QUEUED];
    size_t counts[QUEUED];
    for (int round = 0; round < 2000 + QUEUED; round++) {
        int slot = round % QUEUED;
        if (round >= QUEUED) {
            work_pool_wait(pool, queued[slot]);
            struct batch *b = &batches[slot];
            for (size_t i = 0; i < counts[slot]; i++)
                if (atomic_load(&b->calls[i]) != 1)
                    fail_msg("%d helpers, round %d: job %zu of %zu ran %d times", helpers,
                             round - QUEUED, i, counts[slot], atomic_load(&b->calls[i]));
            assert_int_equal(atomic_load(&b->by_caller) + atomic_load(&b->by_others),
                             (int)counts[slot]);
            if (helpers == 0)
                assert_int_equal(atomic_load(&b->by_others), 0);
            free(b->calls);
        }
        if (round >= 2000)
            continue;
        counts[slot] = (size_t)(round * 7919 % 1001);
        batches[slot] =
            (struct batch){.calls = calloc(counts[slot] ? counts[slot] : 1, sizeof(atomic_int)),
                           .caller = pthread_self()};
        queued[slot] = work_pool_submit(pool, counts[slot], count_job, &batches[slot]);
    }
    work_pool_stop(pool);
}

static void test_queued_batches(void **state)
{
    (void)state;
    queue_batches(0);
    queue_batches(1);
    queue_batches(3);
}

static void flag_job(void *context, size_t index)
{
    (void)index;
    atomic_store((atomic_int *)context, 1);
}

/* A queued batch runs on a helper before the caller waits for it (10 s at most). */
static void test_queued_batch_runs_meanwhile(void **state)
{
    (void)state;
    work_pool *pool = work_pool_start(1);
    atomic_int ran = 0;
    work_batch *b = work_pool_submit(pool, 1, flag_job, &ran);
    for (int i = 0; i < 10000 && !atomic_load(&ran); i++)
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    assert_int_equal(atomic_load(&ran), 1);
    work_pool_wait(pool, b);
    work_pool_stop(pool);
}

static void test_no_helper(void **state)
{
    (void)state;
    run_batches(0);
}

static void test_one_helper(void **state)
{
    (void)state;
    run_batches(1);
}

static void test_three_helpers(void **state)
{
    (void)state;
    run_batches(3);
}

/* Two jobs that each wait (10 s at most) until both have started: they can only finish if a
 * helper runs one while the caller runs the other. */
struct meeting {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int arrived;
    bool met[2];
};

static void meet_job(void *context, size_t index)
{
    struct meeting *m = context;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&m->lock);
    m->arrived++;
    pthread_cond_broadcast(&m->changed);
    while (m->arrived < 2)
        if (pthread_cond_timedwait(&m->changed, &m->lock, &deadline) != 0)
            break;
    m->met[index] = m->arrived == 2;
    pthread_mutex_unlock(&m->lock);
}

static void test_jobs_run_at_the_same_time(void **state)
{
    (void)state;
    work_pool *pool = work_pool_start(1);
    struct meeting m = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};
    work_pool_run(pool, 2, meet_job, &m);
    work_pool_stop(pool);
    assert_true(m.met[0] && m.met[1]);
}

static void test_stop_null_and_idle(void **state)
{
    (void)state;
    work_pool_stop(NULL);
    work_pool_stop(work_pool_start(2)); /* never used */
    assert_true(work_pool_helpers(3) >= 0 && work_pool_helpers(3) <= 3);
    assert_int_equal(work_pool_helpers(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_helper),
        cmocka_unit_test(test_one_helper),
        cmocka_unit_test(test_three_helpers),
        cmocka_unit_test(test_jobs_run_at_the_same_time),
        cmocka_unit_test(test_stop_null_and_idle),
        cmocka_unit_test(test_queued_batches),
        cmocka_unit_test(test_queued_batch_runs_meanwhile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
