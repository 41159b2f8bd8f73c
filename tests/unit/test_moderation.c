/* test_moderation.c: unit tests of what moderators do to comments: status changes, deletion,
 * edits with history, replies from the queue. */
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
#include "model/moderation.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NOW 1700000000LL /* 2023-11-14 22:13:20 UTC */
#define DAY 86400LL

struct fixture {
    char dir[TEMP_STORE_DIR];
    char path[TEMP_STORE_PATH];
    store *s;               /* owned, closed by teardown */
    arena a;                /* records read back */
    long long post_id;      /* a published post the comments are on */
    struct store_user user; /* the moderator (an editor) */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->s = temp_store_open(f->dir, f->path, "moderation");
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = "talk",
        .path = "/2023/11/13/talk/",
        .title = "Talk",
        .body_html = "<p>talk</p>",
        .published_at = NOW - DAY,
        .modified_at = NOW - DAY,
        .comments_open = true,
    };
    assert_int_equal(store_post_insert(f->s, &post, &f->post_id), STORE_OK);
    f->user = (struct store_user){.login = "mod",
                                  .display_name = "Mo Derator",
                                  .email = "mod@example.org",
                                  .role = USER_EDITOR,
                                  .password_hash = ""};
    assert_int_equal(store_user_insert(f->s, &f->user, &f->user.id), STORE_OK);
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

/* Places a reader's comment (under `parent_id`, 0 for top level); returns its id. */
static long long place(struct fixture *f, long long parent_id, enum comment_status status,
                       long long created_at)
{
    struct store_comment c = {
        .post_id = f->post_id,
        .parent_id = parent_id,
        .author = "Reader",
        .email = "reader@example.org",
        .url = "https://reader.example.org/",
        .ip = "192.0.2.1",
        .user_agent = "test",
        .body_source = "old text",
        .body_html = "<p>old text</p>",
        .status = status,
        .type = COMMENT_TYPE_COMMENT,
        .held_by = "",
        .created_at = created_at,
    };
    long long id = 0;
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(comment_insert_placed(f->s, &f->a, &c, &id), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    assert_true(id > 0);
    return id;
}

static struct store_comment get_comment(struct fixture *f, long long id)
{
    struct store_comment c;
    int rc = store_comment_get(f->s, &f->a, id, &c);
    if (rc != STORE_OK)
        fail_msg("store_comment_get(%lld) = %d", id, rc);
    return c;
}

static size_t count_comments(struct fixture *f)
{
    struct store_comment_filter filter = {.post_id = f->post_id};
    struct store_comment *list;
    size_t count;
    assert_int_equal(store_comment_list(f->s, &f->a, &filter, &list, &count), STORE_OK);
    return count;
}

static size_t count_edits(struct fixture *f, long long id)
{
    struct store_comment_edit *edits;
    size_t count;
    assert_int_equal(store_comment_edit_list(f->s, &f->a, id, &edits, &count), STORE_OK);
    return count;
}

/* ---- actions ---- */

static void test_action_names(void **state)
{
    (void)state;
    const char *names[] = {"approve", "unapprove", "spam", "trash", "delete"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(moderation_action_parse(names[i]), i);
        assert_string_equal(moderation_action_name((enum moderation_action)i), names[i]);
    }
    assert_int_equal(moderation_action_parse("approved"), MODERATE_NONE);
    assert_int_equal(moderation_action_parse(""), MODERATE_NONE);
    assert_int_equal(moderation_action_parse(NULL), MODERATE_NONE);
    assert_string_equal(moderation_action_name(MODERATE_NONE), "");
}

static void test_apply_each_status(void **state)
{
    struct fixture *f = *state;
    long long id = place(f, 0, COMMENT_STATUS_PENDING, NOW);
    long long other = place(f, 0, COMMENT_STATUS_PENDING, NOW + 1);
    buf error = {0};
    const struct {
        enum moderation_action action;
        enum comment_status status;
    } steps[] = {
        {MODERATE_APPROVE, COMMENT_STATUS_APPROVED},  {MODERATE_SPAM, COMMENT_STATUS_SPAM},
        {MODERATE_UNAPPROVE, COMMENT_STATUS_PENDING}, {MODERATE_TRASH, COMMENT_STATUS_TRASH},
        {MODERATE_APPROVE, COMMENT_STATUS_APPROVED},  {MODERATE_UNAPPROVE, COMMENT_STATUS_PENDING},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        assert_int_equal(moderation_apply(f->s, id, steps[i].action, &error), STORE_OK);
        assert_int_equal(error.len, 0);
        assert_int_equal(get_comment(f, id).status, steps[i].status);
    }
    assert_int_equal(get_comment(f, other).status, COMMENT_STATUS_PENDING); /* only the one named */
    assert_int_equal(moderation_apply(f->s, id + 1000, MODERATE_APPROVE, &error), STORE_NOT_FOUND);
    assert_true(error.len > 0);
    buf_free(&error);
}

static void test_delete_with_reply_refused(void **state)
{
    struct fixture *f = *state;
    long long parent = place(f, 0, COMMENT_STATUS_APPROVED, NOW);
    long long reply = place(f, parent, COMMENT_STATUS_APPROVED, NOW + 1);
    buf error = {0};
    assert_int_equal(moderation_apply(f->s, parent, MODERATE_DELETE, &error),
                     MODERATION_HAS_REPLIES);
    assert_non_null(strstr(buf_cstr(&error), "replies"));
    assert_int_equal(count_comments(f), 2);
    struct store_comment c = get_comment(f, parent);
    assert_int_equal(c.status, COMMENT_STATUS_APPROVED);
    assert_string_equal(c.body_source, "old text");
    assert_int_equal(get_comment(f, reply).parent_id, parent);

    /* a leaf goes; then its parent, now a leaf, may go too */
    buf_reset(&error);
    assert_int_equal(moderation_apply(f->s, reply, MODERATE_DELETE, &error), STORE_OK);
    assert_int_equal(error.len, 0);
    struct store_comment gone;
    assert_int_equal(store_comment_get(f->s, &f->a, reply, &gone), STORE_NOT_FOUND);
    assert_int_equal(count_comments(f), 1);
    assert_int_equal(moderation_apply(f->s, parent, MODERATE_DELETE, &error), STORE_OK);
    assert_int_equal(store_comment_get(f->s, &f->a, parent, &gone), STORE_NOT_FOUND);
    assert_int_equal(count_comments(f), 0);

    /* deleting again: not found, with a message */
    assert_int_equal(moderation_apply(f->s, parent, MODERATE_DELETE, &error), STORE_NOT_FOUND);
    assert_true(error.len > 0);
    buf_free(&error);
}

static void test_delete_with_trashed_reply_refused(void **state)
{
    struct fixture *f = *state;
    long long parent = place(f, 0, COMMENT_STATUS_APPROVED, NOW);
    place(f, parent, COMMENT_STATUS_TRASH,
          NOW + 1); /* a reply in the trash still holds its parent */
    buf error = {0};
    assert_int_equal(moderation_apply(f->s, parent, MODERATE_DELETE, &error),
                     MODERATION_HAS_REPLIES);
    assert_non_null(strstr(buf_cstr(&error), "replies"));
    assert_int_equal(count_comments(f), 2);
    buf_free(&error);
}

/* ---- edits ---- */

static void test_edit_keeps_history(void **state)
{
    struct fixture *f = *state;
    long long id = place(f, 0, COMMENT_STATUS_APPROVED, NOW);
    struct moderation_edit edit = {.author = "Reader, Fixed",
                                   .email = "fixed@example.org",
                                   .url = "",
                                   .text = "*x*",
                                   .editor_id = f->user.id,
                                   .now = NOW + 60};
    buf error = {0};
    assert_int_equal(moderation_edit(f->s, &f->a, id, &edit, &error), STORE_OK);
    assert_int_equal(error.len, 0);

    struct store_comment c = get_comment(f, id);
    assert_string_equal(c.author, "Reader, Fixed");
    assert_string_equal(c.email, "fixed@example.org");
    assert_string_equal(c.url, "");
    assert_string_equal(c.body_source, "*x*");
    assert_non_null(strstr(c.body_html, "<em>x</em>"));
    assert_int_equal(c.status, COMMENT_STATUS_APPROVED); /* an edit does not moderate */
    assert_int_equal(c.parent_id, 0);
    assert_int_equal(c.depth, 1);

    struct store_comment_edit *edits;
    size_t count;
    assert_int_equal(store_comment_edit_list(f->s, &f->a, id, &edits, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(edits[0].comment_id, id);
    assert_int_equal(edits[0].user_id, f->user.id);
    assert_string_equal(edits[0].user_login, "mod");
    assert_int_equal(edits[0].edited_at, NOW + 60);
    assert_string_equal(edits[0].author, "Reader");
    assert_string_equal(edits[0].email, "reader@example.org");
    assert_string_equal(edits[0].url, "https://reader.example.org/");
    assert_string_equal(edits[0].body_source, "old text");
    assert_string_equal(edits[0].body_html, "<p>old text</p>");

    /* a second edit: two versions, newest first; raw HTML in the text is not kept */
    edit.text = "**y** <script>alert(1)</script>";
    edit.now = NOW + 120;
    assert_int_equal(moderation_edit(f->s, &f->a, id, &edit, &error), STORE_OK);
    c = get_comment(f, id);
    assert_non_null(strstr(c.body_html, "<strong>y</strong>"));
    assert_null(strstr(c.body_html, "<script"));
    assert_int_equal(store_comment_edit_list(f->s, &f->a, id, &edits, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(edits[0].edited_at, NOW + 120);
    assert_string_equal(edits[0].body_source, "*x*");
    assert_string_equal(edits[0].author, "Reader, Fixed");
    assert_string_equal(edits[1].body_source, "old text");
    buf_free(&error);
}

static void test_edit_invalid_changes_nothing(void **state)
{
    struct fixture *f = *state;
    long long id = place(f, 0, COMMENT_STATUS_PENDING, NOW);
    struct moderation_edit edit = {
        .author = "Someone", .text = "", .editor_id = f->user.id, .now = NOW + 60};
    buf error = {0};
    assert_int_equal(moderation_edit(f->s, &f->a, id, &edit, &error), MODERATION_INVALID);
    assert_true(error.len > 0);
    edit.text = NULL;
    buf_reset(&error);
    assert_int_equal(moderation_edit(f->s, &f->a, id, &edit, &error), MODERATION_INVALID);
    assert_true(error.len > 0);
    edit.text = "fine";
    edit.author = "";
    buf_reset(&error);
    assert_int_equal(moderation_edit(f->s, &f->a, id, &edit, &error), MODERATION_INVALID);
    assert_true(error.len > 0);

    struct store_comment c = get_comment(f, id);
    assert_string_equal(c.author, "Reader");
    assert_string_equal(c.body_source, "old text");
    assert_string_equal(c.body_html, "<p>old text</p>");
    assert_int_equal(c.status, COMMENT_STATUS_PENDING);
    assert_int_equal(count_edits(f, id), 0);

    /* a missing comment */
    edit.author = "Someone";
    buf_reset(&error);
    assert_int_equal(moderation_edit(f->s, &f->a, id + 1000, &edit, &error), STORE_NOT_FOUND);
    assert_true(error.len > 0);
    assert_int_equal(count_edits(f, id + 1000), 0);
    buf_free(&error);
}

/* ---- replies ---- */

static void test_reply_approves_parent(void **state)
{
    struct fixture *f = *state;
    long long parent = place(f, 0, COMMENT_STATUS_PENDING, NOW);
    buf error = {0};
    long long id = 0;
    assert_int_equal(
        moderation_reply(f->s, &f->a, parent, &f->user, "Thanks, *noted*.", NOW + 60, &id, &error),
        STORE_OK);
    assert_int_equal(error.len, 0);
    assert_true(id > 0 && id != parent);

    assert_int_equal(get_comment(f, parent).status, COMMENT_STATUS_APPROVED);
    struct store_comment reply = get_comment(f, id);
    assert_int_equal(reply.status, COMMENT_STATUS_APPROVED);
    assert_int_equal(reply.parent_id, parent);
    assert_int_equal(reply.depth, 2);
    assert_int_equal(reply.post_id, f->post_id);
    assert_string_equal(reply.author, "Mo Derator");
    assert_string_equal(reply.email, "mod@example.org");
    assert_string_equal(reply.body_source, "Thanks, *noted*.");
    assert_non_null(strstr(reply.body_html, "<em>noted</em>"));
    assert_int_equal(reply.type, COMMENT_TYPE_COMMENT);
    assert_int_equal(reply.created_at, NOW + 60);
    /* the reply's path continues its parent's */
    struct store_comment p = get_comment(f, parent);
    assert_int_equal(strlen(reply.path), 2 * COMMENT_PATH_SEGMENT);
    assert_memory_equal(reply.path, p.path, COMMENT_PATH_SEGMENT);

    /* a reply to the reply: depth 3 (the default comments.max_depth is 6) */
    long long deeper = 0;
    assert_int_equal(
        moderation_reply(f->s, &f->a, id, &f->user, "more", NOW + 120, &deeper, &error), STORE_OK);
    assert_int_equal(get_comment(f, deeper).depth, 3);
    assert_int_equal(get_comment(f, deeper).parent_id, id);
    buf_free(&error);
}

static void test_reply_no_display_name(void **state)
{
    struct fixture *f = *state;
    long long parent = place(f, 0, COMMENT_STATUS_APPROVED, NOW);
    struct store_user bare = f->user;
    bare.display_name = "";
    buf error = {0};
    long long id = 0;
    assert_int_equal(moderation_reply(f->s, &f->a, parent, &bare, "hi", NOW + 1, &id, &error),
                     STORE_OK);
    assert_string_equal(get_comment(f, id).author, "mod");
    buf_free(&error);
}

static void test_reply_invalid_changes_nothing(void **state)
{
    struct fixture *f = *state;
    long long parent = place(f, 0, COMMENT_STATUS_PENDING, NOW);
    buf error = {0};
    long long id = 0;
    assert_int_equal(moderation_reply(f->s, &f->a, parent, &f->user, "", NOW + 1, &id, &error),
                     MODERATION_INVALID);
    assert_true(error.len > 0);
    assert_int_equal(get_comment(f, parent).status, COMMENT_STATUS_PENDING);
    assert_int_equal(count_comments(f), 1);

    buf_reset(&error);
    assert_int_equal(
        moderation_reply(f->s, &f->a, parent + 1000, &f->user, "hello", NOW + 1, &id, &error),
        STORE_NOT_FOUND);
    assert_true(error.len > 0);
    assert_int_equal(count_comments(f), 1);
    buf_free(&error);
}

static void test_reply_max_depth(void **state)
{
    struct fixture *f = *state;
    temp_store_set(f->s, "comments.max_depth", "2");
    long long top = place(f, 0, COMMENT_STATUS_APPROVED, NOW);
    long long second = place(f, top, COMMENT_STATUS_PENDING, NOW + 1);
    assert_int_equal(get_comment(f, second).depth, 2);

    buf error = {0};
    long long id = 0;
    assert_int_equal(
        moderation_reply(f->s, &f->a, second, &f->user, "beside", NOW + 60, &id, &error), STORE_OK);
    struct store_comment reply = get_comment(f, id);
    assert_int_equal(reply.depth, 2);       /* not 3 */
    assert_int_equal(reply.parent_id, top); /* beside `second`, under its parent */
    assert_int_equal(get_comment(f, second).status, COMMENT_STATUS_APPROVED); /* the one answered */

    /* a reply to the top-level comment still nests under it */
    long long under = 0;
    assert_int_equal(
        moderation_reply(f->s, &f->a, top, &f->user, "under", NOW + 61, &under, &error), STORE_OK);
    assert_int_equal(get_comment(f, under).depth, 2);
    assert_int_equal(get_comment(f, under).parent_id, top);

    /* max_depth 1: every reply is top level */
    temp_store_set(f->s, "comments.max_depth", "1");
    long long flat = 0;
    assert_int_equal(
        moderation_reply(f->s, &f->a, second, &f->user, "flat", NOW + 62, &flat, &error), STORE_OK);
    assert_int_equal(get_comment(f, flat).depth, 1);
    assert_int_equal(get_comment(f, flat).parent_id, 0);
    buf_free(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_action_names),
        cmocka_unit_test_setup_teardown(test_apply_each_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_with_reply_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_with_trashed_reply_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit_keeps_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit_invalid_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_approves_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_no_display_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_invalid_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_max_depth, setup, teardown),
    };
    return temp_store_run_tests(tests);
}
