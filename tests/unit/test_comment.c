/* test_comment.c: unit tests of comment rules on a real SQLite store: placement, thread
 * numbering, validation, moderation, the depth rule, closing, and moderation hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/comment.h"
#include "model/post.h"
#include "model/secret.h"
#include "model/settings.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NOW 1700000000LL /* 2023-11-14 22:13:20 UTC */
#define DAY 86400LL
#define T0 0x65000000LL /* creation times of placed comments count from here */

/* A fresh store with its secret and one open, published post; one per test. */
struct fixture {
    char dir[TEMP_STORE_DIR];   /* the mkdtemp directory, removed by teardown */
    char path[TEMP_STORE_PATH]; /* the database file in it */
    store *s;                   /* owned, closed by teardown */
    arena a;                    /* records read back, freed by teardown */
    struct store_post post;     /* the published post, comments open, a day old */
};

static long long insert_post(struct fixture *f, const char *slug, enum post_status status,
                             bool comments_open, long long published_at, struct store_post *out)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = status,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = slug,
        .body_html = "<p>body</p>",
        .published_at = published_at,
        .modified_at = published_at,
        .comments_open = comments_open,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    assert_true(id > 0);
    post.id = id;
    if (out)
        *out = post;
    return id;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->s = temp_store_open(f->dir, f->path, "comment");
    assert_int_equal(secret_ensure(f->s), STORE_OK);
    /* the form's time stamp and the per-address limit are tested in test_spam.c */
    temp_store_set(f->s, "comments.min_seconds", "0");
    temp_store_set(f->s, "comments.per_ip_10min", "0");
    insert_post(f, "open-post", POST_STATUS_PUBLISH, true, NOW - DAY, &f->post);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(&f->a);
    temp_store_remove(f->s, f->dir, f->path);
    free(f);
    return 0;
}

static void set(struct fixture *f, const char *key, const char *value)
{
    temp_store_set(f->s, key, value);
}

/* Places a comment with comment_insert_placed in its own transaction; returns its id. */
static long long place_typed(struct fixture *f, long long post_id, long long parent_id,
                             long long created_at, enum comment_status status,
                             enum comment_type type)
{
    struct store_comment c = {
        .post_id = post_id,
        .parent_id = parent_id,
        .author = "Placed",
        .email = "placed@example.org",
        .body_html = "<p>placed</p>",
        .status = status,
        .type = type,
        .created_at = created_at,
    };
    long long id = 0;
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(comment_insert_placed(f->s, &f->a, &c, &id), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_true(id > 0);
    assert_int_equal(c.id, id);
    return id;
}

static long long place(struct fixture *f, long long parent_id, long long created_at,
                       enum comment_status status)
{
    return place_typed(f, f->post.id, parent_id, created_at, status, COMMENT_TYPE_COMMENT);
}

static size_t count_comments(struct fixture *f, long long post_id)
{
    struct store_comment_filter filter = {
        .status = COMMENT_STATUS_ANY, .post_id = post_id, .limit = 0};
    struct store_comment *list;
    size_t count;
    assert_int_equal(store_comment_list(f->s, &f->a, &filter, &list, &count), STORE_OK);
    return count;
}

static struct store_comment get_comment(struct fixture *f, long long id)
{
    struct store_comment c;
    assert_int_equal(store_comment_get(f->s, &f->a, id, &c), STORE_OK);
    return c;
}

/* One expected node of a displayed thread. */
struct expected_node {
    long long id;
    int number, depth;
};

static void check_thread(struct fixture *f, long long post_id, long long also_id,
                         const struct expected_node *expected, size_t expected_count)
{
    struct comment_node *nodes;
    size_t count;
    assert_int_equal(comment_thread(f->s, &f->a, post_id, also_id, &nodes, &count), STORE_OK);
    for (size_t i = 0; i < count && i < expected_count; i++) {
        if (nodes[i].comment->id != expected[i].id || nodes[i].number != expected[i].number ||
            nodes[i].depth != expected[i].depth)
            fail_msg("node %zu: comment %lld number %d depth %d, expected %lld %d %d", i,
                     nodes[i].comment->id, nodes[i].number, nodes[i].depth, expected[i].id,
                     expected[i].number, expected[i].depth);
    }
    assert_int_equal(count, expected_count);
}

static struct comment_input valid_input(void)
{
    return (struct comment_input){
        .author = "Ann",
        .email = "ann@example.org",
        .url = "",
        .text = "Hello *there*",
        .text_len = strlen("Hello *there*"),
        .ip = "192.0.2.1",
        .user_agent = "cmocka",
        .now = NOW,
    };
}

/* comment_submit must refuse `in` with exactly one error, about `field`, storing nothing. */
static void expect_invalid(struct fixture *f, const struct comment_input *in, const char *field)
{
    size_t before = count_comments(f, 0);
    struct comment_result out;
    comment_submit(f->s, &f->a, &f->post, in, &out);
    assert_int_equal(out.outcome, COMMENT_INVALID);
    if (out.error_count != 1)
        fail_msg("%zu errors (first: %s), expected one about %s", out.error_count,
                 out.error_count ? out.errors[0] : "-", field);
    assert_string_equal(out.error_fields[0], field);
    assert_non_null(out.errors[0]);
    assert_true(strlen(out.errors[0]) > 0);
    assert_int_equal(count_comments(f, 0), before);
}

static enum comment_outcome submit(struct fixture *f, const struct comment_input *in, long long *id)
{
    struct comment_result out;
    comment_submit(f->s, &f->a, &f->post, in, &out);
    if (out.outcome == COMMENT_INVALID)
        fail_msg("comment refused: %s", out.error_count ? out.errors[0] : "-");
    if (out.outcome == COMMENT_FAILED)
        fail_msg("comment failed: %s", out.failure);
    assert_int_equal(out.error_count, 0);
    if (id)
        *id = out.id;
    return out.outcome;
}

/* ---- comment_insert_placed ---- */

static void test_placed_paths_and_depths(void **state)
{
    struct fixture *f = *state;
    /* a fresh database numbers comments from 1; T0 = 0x65000000 */
    long long top = place(f, 0, T0, COMMENT_STATUS_APPROVED);
    long long reply = place(f, top, T0 + 0x10, COMMENT_STATUS_APPROVED);
    long long deeper = place(f, reply, T0 + 0x20, COMMENT_STATUS_PENDING);
    long long second_top = place(f, 0, T0 + 0x1000, COMMENT_STATUS_APPROVED);
    assert_int_equal(top, 1);
    assert_int_equal(reply, 2);
    assert_int_equal(deeper, 3);
    assert_int_equal(second_top, 4);

    struct store_comment c = get_comment(f, top);
    assert_int_equal(c.depth, 1);
    assert_int_equal(c.parent_id, 0);
    assert_string_equal(c.path, "6500000000000001");
    c = get_comment(f, reply);
    assert_int_equal(c.depth, 2);
    assert_int_equal(c.parent_id, top);
    assert_string_equal(c.path, "6500000000000001"
                                "6500001000000002");
    c = get_comment(f, deeper);
    assert_int_equal(c.depth, 3);
    assert_int_equal(c.parent_id, reply);
    assert_int_equal(c.status, COMMENT_STATUS_PENDING);
    assert_string_equal(c.path, "6500000000000001"
                                "6500001000000002"
                                "6500002000000003");
    assert_int_equal(strlen(c.path), 3 * COMMENT_PATH_SEGMENT);
    c = get_comment(f, second_top);
    assert_int_equal(c.depth, 1);
    assert_string_equal(c.path, "6500100000000004");

    /* the caller's record is filled in too */
    struct store_comment placed = {.post_id = f->post.id,
                                   .parent_id = deeper,
                                   .author = "X",
                                   .email = "x@example.org",
                                   .body_html = "",
                                   .status = COMMENT_STATUS_APPROVED,
                                   .created_at = T0 + 0xff,
                                   .depth = 99,
                                   .path = "ignored"};
    long long id = 0;
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(comment_insert_placed(f->s, &f->a, &placed, &id), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_int_equal(id, 5);
    assert_int_equal(placed.id, 5);
    assert_int_equal(placed.depth, 4);
    assert_string_equal(placed.path, "6500000000000001"
                                     "6500001000000002"
                                     "6500002000000003"
                                     "650000ff00000005");
    c = get_comment(f, id);
    assert_int_equal(c.depth, 4);
    assert_string_equal(c.path, placed.path);
}

/* The store makes the path of a new comment in SQL (store_comment_add); the edges of the
 * segment, worked out by hand: a time before 1970 counts as 0, and only the low 32 bits of the
 * time are written (2^32 + 0x10 seconds, in 2106, gives 00000010). */
static void test_placed_path_edges(void **state)
{
    struct fixture *f = *state;
    long long before_1970 = place(f, 0, -86400, COMMENT_STATUS_APPROVED);
    long long after_2106 = place(f, before_1970, (1LL << 32) + 0x10, COMMENT_STATUS_APPROVED);
    assert_string_equal(get_comment(f, before_1970).path, "0000000000000001");
    assert_string_equal(get_comment(f, after_2106).path, "0000000000000001"
                                                         "0000001000000002");
}

static void test_placed_missing_parent(void **state)
{
    struct fixture *f = *state;
    struct store_comment c = {.post_id = f->post.id,
                              .parent_id = 12345,
                              .author = "X",
                              .email = "x@example.org",
                              .body_html = "",
                              .status = COMMENT_STATUS_APPROVED,
                              .created_at = T0};
    long long id = 0;
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(comment_insert_placed(f->s, &f->a, &c, &id), STORE_ERROR);
    store_rollback(f->s);
    assert_int_equal(count_comments(f, 0), 0);
}

/* ---- comment_thread ---- */

/* The thread used by the numbering tests; ids in insertion order, times deliberately not. */
struct sample_thread {
    long long a, b, c;                        /* approved top-level, created at +300, +100, +200 */
    long long a_late, a_early, a_early_reply; /* replies to a at +500, +350; reply to a_early */
    long long held, held_reply; /* pending top-level at +150; its approved reply at +160 */
    long long spam, trash;      /* top-level at +250, +260 */
    long long b1, b1_held, b2;  /* replies to b at +170 (approved), to b1 (pending), +180 */
    long long pingback;         /* an approved pingback at +120: never in the thread */
};

static struct sample_thread make_sample(struct fixture *f)
{
    struct sample_thread t;
    t.a = place(f, 0, T0 + 300, COMMENT_STATUS_APPROVED);
    t.b = place(f, 0, T0 + 100, COMMENT_STATUS_APPROVED);
    t.c = place(f, 0, T0 + 200, COMMENT_STATUS_APPROVED);
    t.a_late = place(f, t.a, T0 + 500, COMMENT_STATUS_APPROVED);
    t.a_early = place(f, t.a, T0 + 350, COMMENT_STATUS_APPROVED);
    t.a_early_reply = place(f, t.a_early, T0 + 600, COMMENT_STATUS_APPROVED);
    t.held = place(f, 0, T0 + 150, COMMENT_STATUS_PENDING);
    t.held_reply = place(f, t.held, T0 + 160, COMMENT_STATUS_APPROVED);
    t.spam = place(f, 0, T0 + 250, COMMENT_STATUS_SPAM);
    t.trash = place(f, 0, T0 + 260, COMMENT_STATUS_TRASH);
    t.b1 = place(f, t.b, T0 + 170, COMMENT_STATUS_APPROVED);
    t.b1_held = place(f, t.b1, T0 + 175, COMMENT_STATUS_PENDING);
    t.b2 = place(f, t.b, T0 + 180, COMMENT_STATUS_APPROVED);
    t.pingback =
        place_typed(f, f->post.id, 0, T0 + 120, COMMENT_STATUS_APPROVED, COMMENT_TYPE_PINGBACK);
    return t;
}

static void test_thread_numbering(void **state)
{
    struct fixture *f = *state;
    struct sample_thread t = make_sample(f);
    /* another post's comments stay out */
    long long other_post = insert_post(f, "other", POST_STATUS_PUBLISH, true, NOW, NULL);
    long long elsewhere =
        place_typed(f, other_post, 0, T0 + 50, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT);

    const struct expected_node expected[] = {
        {t.b, 1, 1},
        {t.b1, 1, 2},
        {t.b2, 2, 2},
        {t.c, 2, 1},
        {t.a, 3, 1},
        {t.a_early, 1, 2},
        {t.a_early_reply, 1, 3},
        {t.a_late, 2, 2},
    };
    check_thread(f, f->post.id, 0, expected, sizeof(expected) / sizeof(expected[0]));

    /* the nodes point at full records */
    struct comment_node *nodes;
    size_t count;
    assert_int_equal(comment_thread(f->s, &f->a, f->post.id, 0, &nodes, &count), STORE_OK);
    assert_int_equal(count, 8);
    assert_int_equal(nodes[6].comment->parent_id, t.a_early);
    assert_int_equal(nodes[6].comment->created_at, T0 + 600);
    assert_int_equal(nodes[6].comment->status, COMMENT_STATUS_APPROVED);
    assert_int_equal(nodes[6].comment->depth, 3);

    /* the other post has its own thread */
    const struct expected_node other[] = {{elsewhere, 1, 1}};
    check_thread(f, other_post, 0, other, 1);
}

static void test_thread_also_shows_held(void **state)
{
    struct fixture *f = *state;
    struct sample_thread t = make_sample(f);

    /* the held top-level comment is shown, takes its place by date, and its reply returns */
    const struct expected_node with_held[] = {
        {t.b, 1, 1}, {t.b1, 1, 2}, {t.b2, 2, 2},      {t.held, 2, 1},          {t.held_reply, 1, 2},
        {t.c, 3, 1}, {t.a, 4, 1},  {t.a_early, 1, 2}, {t.a_early_reply, 1, 3}, {t.a_late, 2, 2},
    };
    check_thread(f, f->post.id, t.held, with_held, sizeof(with_held) / sizeof(with_held[0]));

    /* a held reply shows under its parent, numbered first by its date (+175 < +180) */
    const struct expected_node with_held_reply[] = {
        {t.b, 1, 1}, {t.b1, 1, 2},      {t.b1_held, 1, 3},       {t.b2, 2, 2},     {t.c, 2, 1},
        {t.a, 3, 1}, {t.a_early, 1, 2}, {t.a_early_reply, 1, 3}, {t.a_late, 2, 2},
    };
    check_thread(f, f->post.id, t.b1_held, with_held_reply,
                 sizeof(with_held_reply) / sizeof(with_held_reply[0]));

    /* spam shown to its author too ("whatever its status") */
    const struct expected_node with_spam[] = {
        {t.b, 1, 1},      {t.b1, 1, 2}, {t.b2, 2, 2},      {t.c, 2, 1},
        {t.spam, 3, 1},   {t.a, 4, 1},  {t.a_early, 1, 2}, {t.a_early_reply, 1, 3},
        {t.a_late, 2, 2},
    };
    check_thread(f, f->post.id, t.spam, with_spam, sizeof(with_spam) / sizeof(with_spam[0]));

    /* an approved comment as also_id changes nothing */
    const struct expected_node plain[] = {
        {t.b, 1, 1},
        {t.b1, 1, 2},
        {t.b2, 2, 2},
        {t.c, 2, 1},
        {t.a, 3, 1},
        {t.a_early, 1, 2},
        {t.a_early_reply, 1, 3},
        {t.a_late, 2, 2},
    };
    check_thread(f, f->post.id, t.c, plain, sizeof(plain) / sizeof(plain[0]));
}

static void test_thread_hidden_parent_hides_subtree(void **state)
{
    struct fixture *f = *state;
    long long top = place(f, 0, T0 + 10, COMMENT_STATUS_APPROVED);
    long long mid = place(f, top, T0 + 20, COMMENT_STATUS_APPROVED);
    long long leaf = place(f, mid, T0 + 30, COMMENT_STATUS_APPROVED);
    long long leaf2 = place(f, leaf, T0 + 40, COMMENT_STATUS_APPROVED);
    long long next = place(f, 0, T0 + 50, COMMENT_STATUS_APPROVED);
    assert_int_equal(store_comment_set_status(f->s, mid, COMMENT_STATUS_TRASH), STORE_OK);
    const struct expected_node expected[] = {{top, 1, 1}, {next, 2, 1}};
    check_thread(f, f->post.id, 0, expected, 2);
    assert_int_equal(store_comment_set_status(f->s, mid, COMMENT_STATUS_APPROVED), STORE_OK);
    const struct expected_node all[] = {
        {top, 1, 1}, {mid, 1, 2}, {leaf, 1, 3}, {leaf2, 1, 4}, {next, 2, 1}};
    check_thread(f, f->post.id, 0, all, 5);
    assert_int_equal(store_comment_set_status(f->s, top, COMMENT_STATUS_SPAM), STORE_OK);
    const struct expected_node only_next[] = {{next, 1, 1}};
    check_thread(f, f->post.id, 0, only_next, 1);
}

/* The fault of issue 16: an approved reply below a hidden one emptied the ancestors, and every
 * later approved reply in the thread vanished with it. */
static void test_thread_replies_after_a_hidden_branch(void **state)
{
    struct fixture *f = *state;
    long long top = place(f, 0, T0 + 10, COMMENT_STATUS_APPROVED);
    long long held = place(f, top, T0 + 20, COMMENT_STATUS_PENDING);
    place(f, held, T0 + 30, COMMENT_STATUS_APPROVED); /* under the held one: not shown */
    long long later = place(f, top, T0 + 40, COMMENT_STATUS_APPROVED);
    long long later_reply = place(f, later, T0 + 50, COMMENT_STATUS_APPROVED);
    long long older_reply = place(f, later, T0 + 5, COMMENT_STATUS_APPROVED); /* older */
    long long next = place(f, 0, T0 + 60, COMMENT_STATUS_APPROVED);
    const struct expected_node expected[] = {
        {top, 1, 1}, {later, 1, 2}, {older_reply, 1, 3}, {later_reply, 2, 3}, {next, 2, 1},
    };
    check_thread(f, f->post.id, 0, expected, sizeof(expected) / sizeof(expected[0]));
}

static void test_thread_empty(void **state)
{
    struct fixture *f = *state;
    check_thread(f, f->post.id, 0, NULL, 0);
    check_thread(f, f->post.id, 999, NULL, 0);
    place(f, 0, T0, COMMENT_STATUS_PENDING);
    check_thread(f, f->post.id, 0, NULL, 0);
}

/* ---- comment_submit: validation ---- */

static void test_submit_empty_name(void **state)
{
    struct fixture *f = *state;
    struct comment_input in = valid_input();
    in.author = "";
    expect_invalid(f, &in, "author");
    in.author = NULL;
    expect_invalid(f, &in, "author");
    in.author = " \t\n ";
    expect_invalid(f, &in, "author");
}

static void test_submit_bad_email(void **state)
{
    struct fixture *f = *state;
    const char *bad[] = {
        "",
        "   ",
        "ann",
        "ann@",
        "@example.org",
        "ann@example",
        "ann@example.",
        "ann@.org",
        "ann@@example.org",
        "ann@exa@mple.org",
        "a nn@example.org",
        "<ann@example.org>",
        "ann@example.org,bob@example.org",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct comment_input in = valid_input();
        in.email = bad[i];
        expect_invalid(f, &in, "email");
    }
    struct comment_input in = valid_input();
    in.email = NULL;
    expect_invalid(f, &in, "email");
}

static void test_submit_empty_comment(void **state)
{
    struct fixture *f = *state;
    struct comment_input in = valid_input();
    in.text = "";
    in.text_len = 0;
    expect_invalid(f, &in, "comment");
    in.text = " \n\t\r\n  ";
    in.text_len = strlen(in.text);
    expect_invalid(f, &in, "comment");
    in.text = NULL;
    in.text_len = 0;
    expect_invalid(f, &in, "comment");
}

static void test_submit_too_long(void **state)
{
    struct fixture *f = *state;
    set(f, "comments.moderation", "none");
    set(f, "comments.max_kb", "1"); /* 1024 bytes */
    char *text = malloc(1025);      /* exact size: no NUL after the text */
    assert_non_null(text);
    memset(text, 'a', 1025);
    struct comment_input in = valid_input();
    in.text = text;
    in.text_len = 1025;
    expect_invalid(f, &in, "comment");
    in.text_len = 1024; /* the limit itself is accepted */
    long long id = 0;
    assert_int_equal(submit(f, &in, &id), COMMENT_APPROVED);
    struct store_comment c = get_comment(f, id);
    assert_int_equal(strlen(c.body_source), 1024);
    free(text);

    /* the default limit is 64 KiB */
    set(f, "comments.max_kb", "64");
    text = malloc(64 * 1024 + 1);
    assert_non_null(text);
    memset(text, 'b', 64 * 1024 + 1);
    in.text = text;
    in.text_len = 64 * 1024 + 1;
    in.now = NOW + 1;
    expect_invalid(f, &in, "comment");
    in.text_len = 64 * 1024;
    assert_int_equal(submit(f, &in, NULL), COMMENT_APPROVED);
    free(text);
}

static void test_submit_invalid_utf8(void **state)
{
    struct fixture *f = *state;
    struct comment_input in = valid_input();
    in.text = "caf\xC3";
    in.text_len = 4;
    expect_invalid(f, &in, "comment");
    in.text = "\xED\xA0\x80 surrogate";
    in.text_len = strlen(in.text);
    expect_invalid(f, &in, "comment");
    in.text = "a\0b"; /* a NUL inside the text */
    in.text_len = 3;
    expect_invalid(f, &in, "comment");

    /* in the other fields too: refused, whichever field the message names */
    const char *bad_author = "\xC0\xAF"
                             "Ann";
    struct comment_input in2 = valid_input();
    in2.author = bad_author;
    struct comment_result out;
    comment_submit(f->s, &f->a, &f->post, &in2, &out);
    assert_int_equal(out.outcome, COMMENT_INVALID);
    assert_true(out.error_count >= 1);
    in2 = valid_input();
    in2.email = "ann\xFF@example.org";
    comment_submit(f->s, &f->a, &f->post, &in2, &out);
    assert_int_equal(out.outcome, COMMENT_INVALID);
    assert_int_equal(count_comments(f, 0), 0);
}

static void test_submit_bad_url(void **state)
{
    struct fixture *f = *state;
    struct comment_input in = valid_input();
    in.url = "javascript:alert(1)";
    expect_invalid(f, &in, "url");
    in.url = "data:text/html,x";
    expect_invalid(f, &in, "url");
}

static void test_submit_several_errors(void **state)
{
    struct fixture *f = *state;
    struct comment_input in = valid_input();
    in.author = "";
    in.email = "nope";
    in.text = "  ";
    in.text_len = 2;
    struct comment_result out;
    comment_submit(f->s, &f->a, &f->post, &in, &out);
    assert_int_equal(out.outcome, COMMENT_INVALID);
    assert_int_equal(out.error_count, 3);
    bool author = false, email = false, comment = false;
    for (size_t i = 0; i < out.error_count; i++) {
        author |= strcmp(out.error_fields[i], "author") == 0;
        email |= strcmp(out.error_fields[i], "email") == 0;
        comment |= strcmp(out.error_fields[i], "comment") == 0;
    }
    assert_true(author && email && comment);
    assert_int_equal(count_comments(f, 0), 0);
}

static void test_submit_bad_parent(void **state)
{
    struct fixture *f = *state;
    long long other_post = insert_post(f, "other", POST_STATUS_PUBLISH, true, NOW - DAY, NULL);
    long long elsewhere =
        place_typed(f, other_post, 0, T0, COMMENT_STATUS_APPROVED, COMMENT_TYPE_COMMENT);
    long long pending = place(f, 0, T0 + 1, COMMENT_STATUS_PENDING);
    long long spam = place(f, 0, T0 + 2, COMMENT_STATUS_SPAM);
    long long trash = place(f, 0, T0 + 3, COMMENT_STATUS_TRASH);
    size_t before = count_comments(f, 0);
    struct comment_input in = valid_input();
    in.parent_id = elsewhere;
    expect_invalid(f, &in, "comment_parent");
    in.parent_id = pending;
    expect_invalid(f, &in, "comment_parent");
    in.parent_id = spam;
    expect_invalid(f, &in, "comment_parent");
    in.parent_id = trash;
    expect_invalid(f, &in, "comment_parent");
    in.parent_id = 987654;
    expect_invalid(f, &in, "comment_parent");
    assert_int_equal(count_comments(f, 0), before);

    /* an approved parent on this post is fine */
    set(f, "comments.moderation", "none");
    long long parent = place(f, 0, T0 + 4, COMMENT_STATUS_APPROVED);
    in.parent_id = parent;
    long long id = 0;
    assert_int_equal(submit(f, &in, &id), COMMENT_APPROVED);
    struct store_comment c = get_comment(f, id);
    assert_int_equal(c.parent_id, parent);
    assert_int_equal(c.depth, 2);
}

/* ---- comment_submit: closed posts ---- */

static void test_submit_closed(void **state)
{
    struct fixture *f = *state;
    struct store_post closed, draft;
    insert_post(f, "closed", POST_STATUS_PUBLISH, false, NOW - DAY, &closed);
    insert_post(f, "draft", POST_STATUS_DRAFT, true, NOW - DAY, &draft);
    set(f, "comments.moderation", "none");
    struct comment_input in = valid_input();
    struct comment_result out;
    comment_submit(f->s, &f->a, &closed, &in, &out);
    assert_int_equal(out.outcome, COMMENT_CLOSED);
    assert_int_equal(out.error_count, 0);
    comment_submit(f->s, &f->a, &draft, &in, &out);
    assert_int_equal(out.outcome, COMMENT_CLOSED);
    assert_int_equal(count_comments(f, 0), 0);
}

static void test_submit_close_after_days(void **state)
{
    struct fixture *f = *state;
    struct store_post old;
    insert_post(f, "old", POST_STATUS_PUBLISH, true, NOW - 10 * DAY, &old);
    set(f, "comments.moderation", "none");
    struct comment_input in = valid_input();
    struct comment_result out;

    set(f, "comments.close_after_days", "10"); /* the post is exactly 10 days old: closed */
    comment_submit(f->s, &f->a, &old, &in, &out);
    assert_int_equal(out.outcome, COMMENT_CLOSED);
    assert_int_equal(count_comments(f, 0), 0);
    /* the day-old post is still open */
    assert_int_equal(submit(f, &in, NULL), COMMENT_APPROVED);

    set(f, "comments.close_after_days", "11");
    comment_submit(f->s, &f->a, &old, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);
    assert_int_equal(count_comments(f, old.id), 1);

    set(f, "comments.close_after_days", "0"); /* never */
    in.now = NOW + 1000 * DAY;
    comment_submit(f->s, &f->a, &old, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);
    assert_int_equal(count_comments(f, old.id), 2);
}

/* ---- comment_submit: moderation ---- */

static void test_moderation_none(void **state)
{
    struct fixture *f = *state;
    set(f, "comments.moderation", "none");
    struct comment_input in = valid_input();
    in.author = "  Ann  ";
    in.email = " ann@example.org ";
    long long id = 0;
    assert_int_equal(submit(f, &in, &id), COMMENT_APPROVED);
    assert_true(id > 0);
    struct store_comment c = get_comment(f, id);
    assert_int_equal(c.post_id, f->post.id);
    assert_int_equal(c.parent_id, 0);
    assert_int_equal(c.depth, 1);
    assert_int_equal(c.status, COMMENT_STATUS_APPROVED);
    assert_int_equal(c.type, COMMENT_TYPE_COMMENT);
    assert_string_equal(c.held_by, "");
    assert_string_equal(c.author, "Ann"); /* trimmed */
    assert_string_equal(c.email, "ann@example.org");
    assert_string_equal(c.ip, "192.0.2.1");
    assert_string_equal(c.user_agent, "cmocka");
    assert_string_equal(c.body_source, "Hello *there*");
    assert_non_null(strstr(c.body_html, "<em>there</em>"));
    assert_int_equal(c.created_at, NOW);
    assert_int_equal(strlen(c.path), COMMENT_PATH_SEGMENT);
    const struct expected_node shown[] = {{id, 1, 1}};
    check_thread(f, f->post.id, 0, shown, 1);

    /* the Markdown is rendered safely */
    in.text = "<script>alert(1)</script> [x](javascript:alert(2)) <b onclick=\"x\">b</b>";
    in.text_len = strlen(in.text);
    in.now = NOW + 1;
    assert_int_equal(submit(f, &in, &id), COMMENT_APPROVED);
    c = get_comment(f, id);
    assert_null(strstr(c.body_html, "<script"));
    assert_null(strstr(c.body_html, "javascript:"));
    assert_null(strstr(c.body_html, "onclick"));
    assert_string_equal(c.body_source, in.text);
}

static void test_moderation_all(void **state)
{
    struct fixture *f = *state;
    set(f, "comments.moderation", "all");
    place(f, 0, T0, COMMENT_STATUS_APPROVED); /* even a known email is held */
    struct comment_input in = valid_input();
    in.email = "placed@example.org";
    long long id = 0;
    assert_int_equal(submit(f, &in, &id), COMMENT_HELD);
    assert_true(id > 0);
    struct store_comment c = get_comment(f, id);
    assert_int_equal(c.status, COMMENT_STATUS_PENDING);
    assert_true(strlen(c.held_by) > 0);
    /* held: not in the thread, except for its author */
    struct comment_node *nodes;
    size_t count;
    assert_int_equal(comment_thread(f->s, &f->a, f->post.id, 0, &nodes, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(comment_thread(f->s, &f->a, f->post.id, id, &nodes, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(nodes[1].comment->id, id); /* NOW is later than T0 */
    assert_int_equal(nodes[1].number, 2);
}

static void test_moderation_first_time(void **state)
{
    struct fixture *f = *state;
    /* first-time is the default */
    struct comment_input in = valid_input();
    long long first = 0, second = 0, other = 0, third = 0;
    assert_int_equal(submit(f, &in, &first), COMMENT_HELD);
    struct store_comment c = get_comment(f, first);
    assert_int_equal(c.status, COMMENT_STATUS_PENDING);
    assert_true(strlen(c.held_by) > 0);
    /* a held comment does not make the email known */
    in.now = NOW + 1;
    assert_int_equal(submit(f, &in, &second), COMMENT_HELD);

    assert_int_equal(store_comment_set_status(f->s, first, COMMENT_STATUS_APPROVED), STORE_OK);
    in.now = NOW + 2;
    in.email = "  ann@example.org"; /* compared after trimming */
    assert_int_equal(submit(f, &in, &third), COMMENT_APPROVED);
    c = get_comment(f, third);
    assert_int_equal(c.status, COMMENT_STATUS_APPROVED);
    assert_string_equal(c.held_by, "");

    struct comment_input bob = valid_input();
    bob.author = "Bob";
    bob.email = "bob@example.org";
    bob.now = NOW + 3;
    assert_int_equal(submit(f, &bob, &other), COMMENT_HELD);

    /* settings_set switches modes at once */
    set(f, "comments.moderation", "none");
    bob.now = NOW + 4;
    assert_int_equal(submit(f, &bob, NULL), COMMENT_APPROVED);
    set(f, "comments.moderation", "first-time");
    bob.now = NOW + 5;
    assert_int_equal(submit(f, &bob, NULL), COMMENT_APPROVED); /* bob now has one approved */
}

/* ---- comment_submit: the depth rule ---- */

static void test_depth_rule(void **state)
{
    struct fixture *f = *state;
    set(f, "comments.moderation", "none");
    set(f, "comments.max_depth", "3");
    struct comment_input in = valid_input();
    long long d1, d2, d3, reply_to_d3, reply_to_that, reply_to_d2;
    assert_int_equal(submit(f, &in, &d1), COMMENT_APPROVED);
    in.parent_id = d1;
    in.now = NOW + 10;
    assert_int_equal(submit(f, &in, &d2), COMMENT_APPROVED);
    in.parent_id = d2;
    in.now = NOW + 20;
    assert_int_equal(submit(f, &in, &d3), COMMENT_APPROVED);
    assert_int_equal(get_comment(f, d3).depth, 3);

    /* a reply to the depth-3 comment attaches to its depth-2 parent: a depth-3 sibling */
    in.parent_id = d3;
    in.now = NOW + 30;
    assert_int_equal(submit(f, &in, &reply_to_d3), COMMENT_APPROVED);
    struct store_comment c = get_comment(f, reply_to_d3);
    assert_int_equal(c.parent_id, d2);
    assert_int_equal(c.depth, 3);
    /* and so does a reply to that one */
    in.parent_id = reply_to_d3;
    in.now = NOW + 40;
    assert_int_equal(submit(f, &in, &reply_to_that), COMMENT_APPROVED);
    c = get_comment(f, reply_to_that);
    assert_int_equal(c.parent_id, d2);
    assert_int_equal(c.depth, 3);
    /* a reply to the depth-2 comment attaches where it was aimed */
    in.parent_id = d2;
    in.now = NOW + 50;
    assert_int_equal(submit(f, &in, &reply_to_d2), COMMENT_APPROVED);
    c = get_comment(f, reply_to_d2);
    assert_int_equal(c.parent_id, d2);
    assert_int_equal(c.depth, 3);

    const struct expected_node expected[] = {
        {d1, 1, 1},          {d2, 1, 2}, {d3, 1, 3}, {reply_to_d3, 2, 3}, {reply_to_that, 3, 3},
        {reply_to_d2, 4, 3},
    };
    check_thread(f, f->post.id, 0, expected, sizeof(expected) / sizeof(expected[0]));
}

static void test_depth_rule_max_depth_one(void **state)
{
    struct fixture *f = *state;
    set(f, "comments.moderation", "none");
    set(f, "comments.max_depth", "1");
    struct comment_input in = valid_input();
    long long top, reply;
    assert_int_equal(submit(f, &in, &top), COMMENT_APPROVED);
    in.parent_id = top;
    in.now = NOW + 10;
    assert_int_equal(submit(f, &in, &reply), COMMENT_APPROVED);
    struct store_comment c = get_comment(f, reply);
    assert_int_equal(c.depth, 1);
    assert_int_equal(c.parent_id, 0);
}

/* ---- moderation hashes ---- */

static void test_moderation_hash(void **state)
{
    struct fixture *f = *state;
    long long id = place(f, 0, T0, COMMENT_STATUS_PENDING);
    const char *hash = comment_moderation_hash(f->s, &f->a, id);
    assert_int_equal(strlen(hash), 32); /* 128 bits in hex */
    for (const char *p = hash; *p; p++)
        assert_true(isxdigit((unsigned char)*p));
    assert_string_equal(comment_moderation_hash(f->s, &f->a, id), hash); /* stable */
    assert_true(comment_moderation_hash_ok(f->s, &f->a, id, hash));

    /* secret_ensure keeps an existing key */
    assert_int_equal(secret_ensure(f->s), STORE_OK);
    assert_true(comment_moderation_hash_ok(f->s, &f->a, id, hash));

    /* another comment's hash, a changed digit, truncated, extended, empty, missing */
    const char *other = comment_moderation_hash(f->s, &f->a, id + 1);
    assert_string_not_equal(other, hash);
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, other));
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id + 1, hash));
    char *forged = arena_strdup(&f->a, hash);
    forged[31] = forged[31] == '0' ? '1' : '0';
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, forged));
    forged = arena_strdup(&f->a, hash);
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, forged));
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, arena_strndup(&f->a, hash, 31)));
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, arena_printf(&f->a, "%s0", hash)));
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, ""));
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, NULL));
    assert_false(comment_moderation_hash_ok(f->s, &f->a, id, "00000000000000000000000000000000"));
}

/* A hash made under one site's key is worthless under another's. */
static void test_moderation_hash_other_site(void **state)
{
    struct fixture *f = *state;
    long long id = place(f, 0, T0, COMMENT_STATUS_PENDING);
    const char *hash = comment_moderation_hash(f->s, &f->a, id);
    struct fixture *g = NULL;
    void *other_state = NULL;
    setup(&other_state);
    g = other_state;
    long long same_id = place(g, 0, T0, COMMENT_STATUS_PENDING);
    assert_int_equal(same_id, id);
    assert_false(comment_moderation_hash_ok(g->s, &g->a, id, hash));
    assert_string_not_equal(comment_moderation_hash(g->s, &g->a, id), hash);
    teardown(&other_state);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_placed_paths_and_depths),
        T(test_placed_path_edges),
        T(test_placed_missing_parent),
        T(test_thread_numbering),
        T(test_thread_also_shows_held),
        T(test_thread_hidden_parent_hides_subtree),
        T(test_thread_replies_after_a_hidden_branch),
        T(test_thread_empty),
        T(test_submit_empty_name),
        T(test_submit_bad_email),
        T(test_submit_empty_comment),
        T(test_submit_too_long),
        T(test_submit_invalid_utf8),
        T(test_submit_bad_url),
        T(test_submit_several_errors),
        T(test_submit_bad_parent),
        T(test_submit_closed),
        T(test_submit_close_after_days),
        T(test_moderation_none),
        T(test_moderation_all),
        T(test_moderation_first_time),
        T(test_depth_rule),
        T(test_depth_rule_max_depth_one),
        T(test_moderation_hash),
        T(test_moderation_hash_other_site),
    };
#undef T
    return temp_store_run_tests(tests);
}
