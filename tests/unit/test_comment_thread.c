/* test_comment_thread.c: a property test of the displayed comment thread. Thousands of random
 * trees (every status and type, any depth, replies older than their parents, ids in no order)
 * are stored through the model on a real store, then the thread comment_thread shows is
 * compared with a plain reference written here as WordPress's Walker_Comment walks a thread:
 * exactly the approved comments whose ancestors are all approved, children in date order,
 * depth past comments.max_depth flattened after the parent; and the comment pages of
 * comments.per_page with it. Plus unit tests of the pages on fixed threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/comment.h"
#include "model/settings.h"
#include "store/store.h"
#include "util/arena.h"

#define TREES 2000       /* random trees a run checks, on each engine */
#define MAX_COMMENTS 40  /* comments in one tree at most */
#define T0 0x65000000LL  /* creation times count from here */
#define ID_BLOCK 100000  /* ids of tree t are t * ID_BLOCK + 1 .. (t + 1) * ID_BLOCK - 1 */
#define SEED 0x9e3779b9u /* fixed: a failure names its tree and can be run again */

/* A small PRNG (xorshift32): the same trees on every run and every machine. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static int below(uint32_t *state, int n)
{
    return (int)(next_random(state) % (uint32_t)n);
}

/* One comment of a random tree, as the test made it. */
struct model_comment {
    long long id;         /* chosen at random, unique: not in creation or insertion order */
    int parent;           /* index of the parent in the tree, -1 for a top-level comment */
    long long created_at; /* at random: a reply may be older than its parent */
    enum comment_status status;
    enum comment_type type;
};

/* One expected line of the displayed thread. */
struct shown {
    long long id;
    int number, depth;
};

struct reference {
    const struct model_comment *tree;
    int n;
    long long also_id;
    int max_depth;
    struct shown out[MAX_COMMENTS];
    int count;
};

static bool reference_visible(const struct reference *r, int i)
{
    const struct model_comment *c = &r->tree[i];
    return c->type == COMMENT_TYPE_COMMENT &&
           (c->status == COMMENT_STATUS_APPROVED || c->id == r->also_id);
}

/* The visible children of `parent` (-1: the top level) in date order, ties by id. */
static int reference_children(const struct reference *r, int parent, int children[])
{
    int k = 0;
    for (int i = 0; i < r->n; i++)
        if (r->tree[i].parent == parent && reference_visible(r, i))
            children[k++] = i;
    for (int a = 1; a < k; a++)
        for (int b = a; b > 0; b--) {
            const struct model_comment *x = &r->tree[children[b - 1]], *y = &r->tree[children[b]];
            if (x->created_at < y->created_at || (x->created_at == y->created_at && x->id < y->id))
                break;
            int t = children[b];
            children[b] = children[b - 1];
            children[b - 1] = t;
        }
    return k;
}

/* WordPress's Walker_Comment::display_element: the comment, then its children one level
 * deeper, or at its own level when it is at the deepest. */
static void reference_display(struct reference *r, int i, int depth, int *counter)
{
    r->out[r->count++] = (struct shown){r->tree[i].id, ++*counter, depth};
    int children[MAX_COMMENTS];
    int k = reference_children(r, i, children);
    int deeper = 0;
    for (int c = 0; c < k; c++)
        if (depth < r->max_depth)
            reference_display(r, children[c], depth + 1, &deeper);
        else
            reference_display(r, children[c], depth, counter);
}

static void reference_thread(struct reference *r)
{
    r->count = 0;
    int top[MAX_COMMENTS];
    int k = reference_children(r, -1, top);
    int counter = 0;
    for (int c = 0; c < k; c++)
        reference_display(r, top[c], 1, &counter);
}

/* A random tree: each comment's parent is an earlier-made one or none, so any depth comes up
 * (a chain when every parent is the one just before). */
static int random_tree(uint32_t *rng, int tree_number, struct model_comment tree[MAX_COMMENTS])
{
    int n = 1 + below(rng, MAX_COMMENTS);
    int shape = below(rng, 4); /* 0: bushy, 1: deep chains, 2: flat, 3: anything */
    for (int i = 0; i < n; i++) {
        struct model_comment *c = &tree[i];
        int parent = -1;
        if (i > 0) {
            switch (shape) {
            case 0:
                parent = below(rng, 3) == 0 ? -1 : below(rng, i);
                break;
            case 1:
                parent = below(rng, 8) == 0 ? -1 : i - 1 - below(rng, i < 2 ? 1 : 2);
                break;
            case 2:
                parent = below(rng, 4) == 0 ? below(rng, i) : -1;
                break;
            default:
                parent = below(rng, i + 1) - 1;
            }
        }
        c->parent = parent;
        bool unique;
        do {
            /* ids are unique in the store: each tree has its own block of them */
            c->id = (long long)tree_number * ID_BLOCK + 1 + below(rng, ID_BLOCK - 1);
            unique = true;
            for (int j = 0; j < i; j++)
                unique = unique && tree[j].id != c->id;
        } while (!unique);
        /* few distinct times, so that ties (ordered by id) come up too */
        c->created_at = T0 + below(rng, shape == 3 ? 5 : 1000);
        static const enum comment_status statuses[] = {COMMENT_STATUS_PENDING, COMMENT_STATUS_SPAM,
                                                       COMMENT_STATUS_TRASH,
                                                       COMMENT_STATUS_APPROVED};
        /* the tree's mix: all approved, a few hidden, or any status as often */
        int mix = (int)(tree[0].id % 3);
        c->status = mix == 0 || (mix == 1 && below(rng, 5)) ? COMMENT_STATUS_APPROVED
                                                            : statuses[below(rng, 4)];
        c->type = below(rng, 15) == 0   ? COMMENT_TYPE_PINGBACK
                  : below(rng, 30) == 0 ? COMMENT_TYPE_TRACKBACK
                                        : COMMENT_TYPE_COMMENT;
    }
    return n;
}

/* Stores the tree on a new post in a random order where each parent comes first (inside the
 * caller's transaction). */
static long long store_tree(struct temp_fixture *f, uint32_t *rng, int tree_number,
                            const struct model_comment tree[], int n)
{
    char slug[32];
    snprintf(slug, sizeof(slug), "tree-%d", tree_number);
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = slug,
        .body_html = "<p>body</p>",
        .published_at = T0,
        .modified_at = T0,
        .comments_open = true,
    };
    long long post_id = 0;
    if (store_post_insert(f->s, &post, &post_id) != STORE_OK) {
        store_rollback(f->s); /* a failure must not leave the writer's turn taken */
        fail_msg("tree %d: storing its post: %s", tree_number, store_error(f->s));
    }
    bool stored[MAX_COMMENTS] = {false};
    for (int done = 0; done < n;) {
        int i = below(rng, n);
        while (stored[i] || (tree[i].parent >= 0 && !stored[tree[i].parent]))
            i = (i + 1) % n;
        struct store_comment c = {
            .id = tree[i].id,
            .post_id = post_id,
            .parent_id = tree[i].parent >= 0 ? tree[tree[i].parent].id : 0,
            .author = "Random",
            .email = "random@example.org",
            .body_html = "<p>random</p>",
            .status = tree[i].status,
            .type = tree[i].type,
            .created_at = tree[i].created_at,
        };
        long long id = 0;
        if (comment_insert_placed(f->s, &f->a, &c, &id) != STORE_OK || id != tree[i].id) {
            store_rollback(f->s); /* a failure must not leave the writer's turn taken */
            fail_msg("tree %d: storing comment %lld: %s", tree_number, tree[i].id,
                     store_error(f->s));
        }
        stored[i] = true;
        done++;
    }
    return post_id;
}

static void set_int(store *s, const char *key, int value)
{
    char text[16];
    snprintf(text, sizeof(text), "%d", value);
    temp_store_set(s, key, text);
    settings_forget();
}

static void describe(const struct model_comment tree[], int n, long long also_id, int max_depth)
{
    print_message("tree of %d, also_id %lld, max_depth %d:\n", n, also_id, max_depth);
    for (int i = 0; i < n; i++)
        print_message("  id %lld parent %lld at +%lld status %d type %d\n", tree[i].id,
                      tree[i].parent >= 0 ? tree[tree[i].parent].id : 0, tree[i].created_at - T0,
                      tree[i].status, tree[i].type);
}

/* The pages of `thread` hold it whole, in order, whole threads of at most per_page top-level
 * comments each, and comment_page_of names the page holding each comment. */
static void check_pages(const struct comment_thread *thread, long long per_page)
{
    int pages = comment_page_count(thread, per_page);
    assert_true(pages >= 1);
    size_t expected_first = 0;
    for (int page = 1; page <= pages; page++) {
        size_t first, n;
        comment_page_slice(thread, per_page, page, &first, &n);
        assert_int_equal(first, expected_first);
        if (pages > 1)
            assert_true(n > 0);
        size_t threads = 0;
        for (size_t i = first; i < first + n; i++) {
            threads += thread->nodes[i].depth == 1;
            assert_int_equal(comment_page_of(thread, per_page, thread->nodes[i].comment->id), page);
        }
        if (n)
            assert_int_equal(thread->nodes[first].depth, 1);
        assert_true(pages == 1 || threads <= (size_t)per_page);
        if (page < pages)
            assert_int_equal(threads, per_page); /* only the last page is short */
        expected_first = first + n;
    }
    assert_int_equal(expected_first, thread->count);
    assert_int_equal(comment_page_of(thread, per_page, -1), 0);
}

/* One random tree with what the test asks of it. */
struct case_tree {
    struct model_comment comments[MAX_COMMENTS];
    int n;
    long long post_id;
    int max_depth;     /* comments.max_depth when it is shown */
    long long also_id; /* a held comment shown to its author, 0 for none */
    int per_page;      /* comments.per_page its pages are checked with */
};

static void check_tree(struct temp_fixture *f, int t, const struct case_tree *c)
{
    struct reference r = {
        .tree = c->comments, .n = c->n, .max_depth = c->max_depth, .also_id = c->also_id};
    reference_thread(&r);
    struct comment_node *nodes;
    size_t count;
    assert_int_equal(comment_thread(f->s, &f->a, c->post_id, c->also_id, &nodes, &count), STORE_OK);
    bool same = count == (size_t)r.count;
    for (size_t i = 0; same && i < count; i++)
        same = nodes[i].comment->id == r.out[i].id && nodes[i].number == r.out[i].number &&
               nodes[i].depth == r.out[i].depth;
    if (!same) {
        describe(c->comments, c->n, c->also_id, c->max_depth);
        for (int i = 0; i < r.count; i++)
            print_message("  expected %lld number %d depth %d\n", r.out[i].id, r.out[i].number,
                          r.out[i].depth);
        for (size_t i = 0; i < count; i++)
            print_message("  shown    %lld number %d depth %d\n", nodes[i].comment->id,
                          nodes[i].number, nodes[i].depth);
        fail_msg("tree %d: the thread differs from the reference", t);
    }
    struct comment_thread thread;
    assert_int_equal(comment_thread_load(f->s, &f->a, c->post_id, c->also_id, &thread), STORE_OK);
    assert_int_equal(thread.count, count);
    size_t approved = 0, threads = 0;
    for (int i = 0; i < r.count; i++) {
        approved += r.out[i].id != c->also_id;
        threads += r.out[i].depth == 1;
    }
    assert_int_equal(thread.approved, approved);
    assert_int_equal(thread.threads, threads);
    check_pages(&thread, c->per_page);
    check_pages(&thread, 0);
    /* a listing's count: the approved comments shown to every reader */
    struct reference everyone = {.tree = c->comments, .n = c->n, .max_depth = c->max_depth};
    reference_thread(&everyone);
    struct store_post post = {.id = c->post_id, .approved_comments = 1};
    assert_int_equal(comment_shown_counts(f->s, &f->a, &post, 1), STORE_OK);
    assert_int_equal(post.approved_comments, everyone.count);
}

static void test_random_trees(void **state)
{
    struct temp_fixture *f = *state;
    uint32_t rng = SEED;
    struct case_tree *trees = calloc(TREES, sizeof(*trees));
    assert_non_null(trees);
    /* all of them in one transaction: a commit each would spend the run on fsync */
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int t = 0; t < TREES; t++) {
        struct case_tree *c = &trees[t];
        c->n = random_tree(&rng, t, c->comments);
        c->post_id = store_tree(f, &rng, t, c->comments, c->n);
        c->max_depth = 1 + below(&rng, 8);
        c->per_page = 1 + below(&rng, 6);
        if (below(&rng, 4) == 0) {
            const struct model_comment *held = &c->comments[below(&rng, c->n)];
            if (held->type == COMMENT_TYPE_COMMENT && held->status != COMMENT_STATUS_APPROVED)
                c->also_id = held->id;
        }
    }
    assert_int_equal(store_commit(f->s), STORE_OK);
    /* one setting write for each depth, then the trees shown with it */
    for (int depth = 1; depth <= 8; depth++) {
        set_int(f->s, "comments.max_depth", depth);
        for (int t = 0; t < TREES; t++)
            if (trees[t].max_depth == depth) {
                check_tree(f, t, &trees[t]);
                arena_free(&f->a);
            }
    }
    free(trees);
}

/* ---- comment pages on fixed threads ---- */

/* A thread of `n` nodes from a text of depths ("1121" : top, reply, top, ...); ids 1..n. */
static struct comment_thread fixed_thread(arena *a, const char *depths)
{
    size_t n = strlen(depths);
    struct store_comment *all = arena_alloc(a, (n ? n : 1) * sizeof(*all));
    long long stack[16] = {0};
    for (size_t i = 0; i < n; i++) {
        int depth = depths[i] - '0';
        stack[depth] = (long long)i + 1;
        all[i] = (struct store_comment){
            .id = (long long)i + 1,
            .parent_id = depth > 1 ? stack[depth - 1] : 0,
            .status = COMMENT_STATUS_APPROVED,
            .type = COMMENT_TYPE_COMMENT,
            .created_at = T0 + (long long)i,
        };
    }
    struct comment_thread thread;
    comment_thread_place(a, all, n, 0, 6, &thread);
    return thread;
}

static void test_pages_whole_threads(void **state)
{
    (void)state;
    arena a = {0};
    /* six threads: 1 (2, 3), 4, 5 (6 (7)), 8, 9, 10 */
    struct comment_thread thread = fixed_thread(&a, "1221123111");
    assert_int_equal(thread.threads, 6);
    assert_int_equal(thread.count, 10);
    assert_int_equal(comment_page_count(&thread, 0), 1);
    assert_int_equal(comment_page_count(&thread, 6), 1);
    assert_int_equal(comment_page_count(&thread, 5), 2);
    assert_int_equal(comment_page_count(&thread, 2), 3);
    size_t first, n;
    comment_page_slice(&thread, 2, 1, &first, &n); /* threads 1 and 4 */
    assert_int_equal(first, 0);
    assert_int_equal(n, 4);
    comment_page_slice(&thread, 2, 2, &first, &n); /* threads 5 and 8 */
    assert_int_equal(first, 4);
    assert_int_equal(n, 4);
    comment_page_slice(&thread, 2, 3, &first, &n); /* threads 9 and 10 */
    assert_int_equal(first, 8);
    assert_int_equal(n, 2);
    comment_page_slice(&thread, 2, 4, &first, &n); /* none */
    assert_int_equal(n, 0);
    assert_int_equal(comment_page_of(&thread, 2, 3), 1); /* a reply is on its thread's page */
    assert_int_equal(comment_page_of(&thread, 2, 7), 2);
    assert_int_equal(comment_page_of(&thread, 2, 10), 3);
    assert_int_equal(comment_page_of(&thread, 0, 10), 1);
    assert_int_equal(comment_page_of(&thread, 2, 11), 0);
    arena_free(&a);
}

static void test_page_paths(void **state)
{
    (void)state;
    arena a = {0};
    /* the permalink shows the last page (WordPress's default_comments_page "newest") */
    assert_string_equal(comment_page_path(&a, "/2024/05/post/", 3, 3), "/2024/05/post/");
    assert_string_equal(comment_page_path(&a, "/2024/05/post/", 2, 3),
                        "/2024/05/post/comment-page-2/");
    assert_string_equal(comment_page_path(&a, "/2024/05/post/", 1, 3),
                        "/2024/05/post/comment-page-1/");
    assert_string_equal(comment_page_path(&a, "/p/", 0, 3), "/p/"); /* not shown */
    assert_string_equal(comment_page_path(&a, "/p/", 1, 1), "/p/");
    arena_free(&a);
}

static void test_page_path_of_a_stored_comment(void **state)
{
    struct temp_fixture *f = *state;
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = "paged",
        .path = "/paged/",
        .title = "paged",
        .body_html = "<p>body</p>",
        .published_at = T0,
        .modified_at = T0,
        .comments_open = true,
    };
    assert_int_equal(store_post_insert(f->s, &post, &post.id), STORE_OK);
    long long ids[5];
    assert_int_equal(store_begin(f->s), STORE_OK);
    for (int i = 0; i < 5; i++) {
        struct store_comment c = {
            .post_id = post.id,
            .parent_id = i == 4 ? ids[0] : 0, /* the last is a late reply to the first */
            .author = "A",
            .email = "a@example.org",
            .body_html = "<p>a</p>",
            .status = i == 3 ? COMMENT_STATUS_PENDING : COMMENT_STATUS_APPROVED,
            .type = COMMENT_TYPE_COMMENT,
            .created_at = T0 + i,
        };
        if (comment_insert_placed(f->s, &f->a, &c, &ids[i]) != STORE_OK) {
            store_rollback(f->s); /* a failure must not leave the writer's turn taken */
            fail_msg("storing comment %d: %s", i, store_error(f->s));
        }
    }
    assert_int_equal(store_commit(f->s), STORE_OK);
    /* paging off: every comment is on the permalink */
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[4], 0), "/paged/");
    set_int(f->s, "comments.per_page", 2);
    /* threads 0 (with 4), 1 | 2: two pages, the second at the permalink */
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[4], 0),
                        "/paged/comment-page-1/");
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[1], 0),
                        "/paged/comment-page-1/");
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[2], 0), "/paged/");
    /* one thread a page: three pages; the held comment, shown to its author, makes a fourth,
     * the permalink's */
    set_int(f->s, "comments.per_page", 1);
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[4], 0),
                        "/paged/comment-page-1/");
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[1], 0),
                        "/paged/comment-page-2/");
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[2], 0), "/paged/");
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[3], ids[3]), "/paged/");
    assert_string_equal(comment_page_path_of(f->s, &f->a, &post, ids[2], ids[3]),
                        "/paged/comment-page-3/");
}

static int setup(void **state)
{
    return temp_fixture_setup(state, "comment-thread");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_trees, setup, temp_fixture_teardown),
        cmocka_unit_test(test_pages_whole_threads),
        cmocka_unit_test(test_page_paths),
        cmocka_unit_test_setup_teardown(test_page_path_of_a_stored_comment, setup,
                                        temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
