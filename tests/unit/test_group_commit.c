/* test_group_commit.c: store_write with and without group commit, on a real SQLite store, and
 * on PostgreSQL too when GAZETTE_TEST_POSTGRES names a server: many threads' writes all
 * committed, a failing write undone without its batch (which is rolled back and run again, a
 * write at a time: nothing may be stored twice), the change hook told each write's post. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NOW 1700000000LL
#define THREADS 8
#define WRITES_PER_THREAD 40

struct fixture {
    char dir[TEMP_STORE_DIR];
    char path[TEMP_STORE_PATH];
    char name[TEMP_STORE_NAME];
    char location[TEMP_STORE_PATH + 512]; /* what store_open and group commit are given */
    bool postgres;
    store *s;
    arena a;
    long long posts[2];
};

/* What the change hook was told: a count per post, and of "anything". */
static atomic_int told_post[2], told_any, told_other;
static long long hook_posts[2];

static void on_change(void *context, long long post_id)
{
    (void)context;
    if (post_id == hook_posts[0])
        atomic_fetch_add(&told_post[0], 1);
    else if (post_id == hook_posts[1])
        atomic_fetch_add(&told_post[1], 1);
    else if (post_id == -1)
        atomic_fetch_add(&told_any, 1);
    else
        atomic_fetch_add(&told_other, 1);
}

static long long insert_post(struct fixture *f, const char *slug)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = slug,
        .body_html = "<p>words</p>",
        .body_text = "words",
        .guid = arena_printf(&f->a, "urn:%s", slug),
        .published_at = NOW,
        .modified_at = NOW,
        .comments_open = true,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    return id;
}

static void populate(struct fixture *f)
{
    f->posts[0] = insert_post(f, "first");
    f->posts[1] = insert_post(f, "second");
    hook_posts[0] = f->posts[0];
    hook_posts[1] = f->posts[1];
    atomic_store(&told_post[0], 0);
    atomic_store(&told_post[1], 0);
    atomic_store(&told_any, 0);
    atomic_store(&told_other, 0);
    store_on_change(on_change, NULL);
}

static int setup_sqlite(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->s = temp_store_open(f->dir, f->path, "group-commit");
    snprintf(f->location, sizeof(f->location), "%s", f->path);
    populate(f);
    *state = f;
    return 0;
}

static int setup_postgres(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->postgres = true;
    f->s = temp_store_open_postgres(f->name);
    assert_non_null(f->s);
    snprintf(f->location, sizeof(f->location), "%s/%s", getenv(TEMP_STORE_POSTGRES_ENV), f->name);
    populate(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_group_commit_stop(); /* a no-op when the test did not start it */
    store_on_change(NULL, NULL);
    arena_free(&f->a);
    if (f->postgres)
        temp_store_remove_postgres(f->s, f->name);
    else
        temp_store_remove(f->s, f->dir, f->path);
    free(f);
    return 0;
}

/* One write: a comment on `post_id` by `author`; with `then_fail` it is inserted and then the
 * write fails, so it must be undone. */
struct comment_write {
    long long post_id;
    const char *author;
    bool then_fail;
    long long id;       /* set by the insert */
    bool second_stored; /* then_fail's failing statement did not fail */
};

static int write_comment(store *tx, void *arg)
{
    struct comment_write *w = arg;
    struct store_comment c = {
        .post_id = w->post_id,
        .author = w->author,
        .email = "reader@example.org",
        .body_html = "<p>hello</p>",
        .body_source = "hello",
        .status = COMMENT_STATUS_APPROVED,
        .type = COMMENT_TYPE_COMMENT,
        .created_at = NOW,
    };
    if (store_comment_add(tx, &c, "", &w->id) != STORE_OK)
        return STORE_ERROR;
    if (!w->then_fail)
        return STORE_OK;
    c.author = NULL; /* comments.author is NOT NULL: the statement fails (and on PostgreSQL
                        leaves the transaction aborted: the batch must be rolled back) */
    long long second;
    w->second_stored = store_comment_add(tx, &c, "", &second) == STORE_OK;
    return STORE_ERROR; /* runs on the writer's thread: the test checks second_stored */
}

static size_t comments_by(struct fixture *f, long long post_id, const char *author)
{
    struct store_comment *comments;
    size_t count = 0, n = 0;
    assert_int_equal(
        store_comment_thread(f->s, &f->a, post_id, COMMENT_STATUS_ANY, &comments, &count),
        STORE_OK);
    for (size_t i = 0; i < count; i++)
        n += strcmp(comments[i].author, author) == 0;
    return n;
}

struct writer_thread {
    struct fixture *f;
    int number;
    int failures; /* writes that did not return STORE_OK */
    int failing_answered_error;
};

/* Each thread writes on its own connection, as a server's workers do; every fifth write of
 * the odd threads fails after its insert. */
static void *writer_main(void *arg)
{
    struct writer_thread *t = arg;
    buf error = {0};
    store *s = store_open(t->f->location, &error);
    if (!s) {
        fprintf(stderr, "store_open: %s\n", buf_cstr(&error));
        t->failures = -1;
        buf_free(&error);
        return NULL;
    }
    for (int i = 0; i < WRITES_PER_THREAD; i++) {
        bool fail = t->number % 2 == 1 && i % 5 == 0;
        struct comment_write w = {t->f->posts[t->number % 2], fail ? "undone" : "kept", fail, 0,
                                  false};
        int rc = store_write(s, write_comment, &w);
        if (fail)
            t->failing_answered_error += rc == STORE_ERROR && *store_error(s) && !w.second_stored;
        else if (rc != STORE_OK)
            t->failures++;
    }
    store_close(s);
    return NULL;
}

static void run_writers(struct fixture *f)
{
    pthread_t threads[THREADS];
    struct writer_thread t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        t[i] = (struct writer_thread){f, i, 0, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, writer_main, &t[i]), 0);
    }
    int failing = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(t[i].failures, 0);
        failing += t[i].failing_answered_error;
    }
    int expected_failing = (THREADS / 2) * (WRITES_PER_THREAD / 5);
    assert_int_equal(failing, expected_failing);
    size_t kept = (size_t)(THREADS * WRITES_PER_THREAD - expected_failing);
    assert_int_equal(comments_by(f, f->posts[0], "kept") + comments_by(f, f->posts[1], "kept"),
                     kept);
    assert_int_equal(comments_by(f, f->posts[0], "undone") + comments_by(f, f->posts[1], "undone"),
                     0);
    /* each post's count (kept by the store at every insert and undo) matches its comments */
    for (int p = 0; p < 2; p++) {
        struct store_post post;
        assert_int_equal(store_post_get(f->s, &f->a, f->posts[p], &post), STORE_OK);
        assert_int_equal(post.approved_comments, comments_by(f, f->posts[p], "kept"));
    }
    /* the change hook heard of both posts, never of "anything" or of another post */
    assert_true(atomic_load(&told_post[0]) > 0);
    assert_true(atomic_load(&told_post[1]) > 0);
    assert_int_equal(atomic_load(&told_any), 0);
    assert_int_equal(atomic_load(&told_other), 0);
}

static void test_writes_alone(void **state)
{
    run_writers(*state);
}

static void test_writes_grouped(void **state)
{
    struct fixture *f = *state;
    buf error = {0};
    assert_int_equal(store_group_commit_start(f->location, &error), 0);
    buf_free(&error);
    run_writers(f);
    store_group_commit_stop();
    /* stopped: writes go alone again */
    struct comment_write w = {f->posts[0], "after", false, 0, false};
    assert_int_equal(store_write(f->s, write_comment, &w), STORE_OK);
    assert_int_equal(comments_by(f, f->posts[0], "after"), 1);
}

static void test_group_commit_start_fails_on_bad_location(void **state)
{
    (void)state;
    buf error = {0};
    assert_int_equal(store_group_commit_start("/nonexistent-dir/for/sure/site.db", &error), -1);
    assert_true(error.len > 0);
    buf_free(&error);
}

#define TESTS(setup)                                                                               \
    cmocka_unit_test_setup_teardown(test_writes_alone, setup, teardown),                           \
        cmocka_unit_test_setup_teardown(test_writes_grouped, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_group_commit_start_fails_on_bad_location, setup,      \
                                        teardown)

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {TESTS(setup_sqlite)};
    int failed = cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
    if (getenv(TEMP_STORE_POSTGRES_ENV) && *getenv(TEMP_STORE_POSTGRES_ENV)) {
        const struct CMUnitTest postgres_tests[] = {TESTS(setup_postgres)};
        failed += cmocka_run_group_tests_name("postgresql", postgres_tests, NULL, NULL);
    }
    return failed;
}
