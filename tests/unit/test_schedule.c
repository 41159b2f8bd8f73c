/* test_schedule.c: unit tests of saving posts: scheduling (status future), publishing due
 * posts, validation, revisions, paths kept or moved on edit, and date parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/post.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* 1700000000 is 2023-11-14 22:13:20 UTC; an hour later is still Nov 14 (23:13:20). */
#define NOW 1700000000LL
#define HOUR 3600LL
#define DAY 86400LL

static int setup(void **state)
{
    return temp_fixture_setup(state, "schedule");
}

/* post_save that must succeed; returns the id. */
static long long save(struct temp_fixture *f, const struct post_draft *draft, long long now)
{
    buf error = {0};
    const char *field = "unset";
    long long id = 0;
    int rc = post_save(f->s, &f->a, draft, now, &id, &field, &error);
    if (rc != STORE_OK)
        fail_msg("post_save(\"%s\") = %d: %s", draft->title ? draft->title : "(null)", rc,
                 buf_cstr(&error));
    assert_null(field);
    assert_true(id > 0);
    buf_free(&error);
    return id;
}

static struct store_post get_post(struct temp_fixture *f, long long id)
{
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    return post;
}

static long long count_posts(struct temp_fixture *f)
{
    struct store_post_filter any = {0};
    long long count = -1;
    assert_int_equal(store_post_count(f->s, &any, &count), STORE_OK);
    return count;
}

static size_t count_revisions(struct temp_fixture *f, long long post_id)
{
    struct store_revision *revisions;
    size_t count;
    assert_int_equal(store_revision_list(f->s, &f->a, post_id, &revisions, &count), STORE_OK);
    return count;
}

/* ---- scheduling ---- */

static void test_publish_in_future_is_scheduled(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Later", .status = "publish", .markdown = "x", .published_at = NOW + HOUR};
    long long id = save(f, &draft, NOW);
    struct store_post post = get_post(f, id);
    assert_int_equal(post.status, POST_STATUS_FUTURE);
    assert_int_equal(post.published_at, NOW + HOUR);
    assert_string_equal(post.path, "/2023/11/14/later/");
    assert_false(post_is_public(&post));

    /* a second later than now, still the future */
    draft.title = "Just later";
    draft.published_at = NOW + 1;
    assert_int_equal(get_post(f, save(f, &draft, NOW)).status, POST_STATUS_FUTURE);
}

static void test_publish_in_past_is_published(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Earlier", .status = "publish", .markdown = "x", .published_at = NOW - HOUR};
    struct store_post post = get_post(f, save(f, &draft, NOW));
    assert_int_equal(post.status, POST_STATUS_PUBLISH);
    assert_int_equal(post.published_at, NOW - HOUR);
    assert_true(post_is_public(&post));

    /* exactly now is not the future */
    draft.title = "Right now";
    draft.published_at = NOW;
    assert_int_equal(get_post(f, save(f, &draft, NOW)).status, POST_STATUS_PUBLISH);

    /* status future with a date already passed publishes */
    draft.title = "Late schedule";
    draft.status = "future";
    draft.published_at = NOW - DAY;
    assert_int_equal(get_post(f, save(f, &draft, NOW)).status, POST_STATUS_PUBLISH);

    /* a draft dated in the future stays a draft */
    draft.title = "Future draft";
    draft.status = "draft";
    draft.published_at = NOW + DAY;
    assert_int_equal(get_post(f, save(f, &draft, NOW)).status, POST_STATUS_DRAFT);
}

static void test_edit_future_into_past(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Moving", .status = "publish", .markdown = "x", .published_at = NOW + DAY};
    long long id = save(f, &draft, NOW);
    assert_int_equal(get_post(f, id).status, POST_STATUS_FUTURE);

    /* edited without touching the date or status: still scheduled */
    struct post_draft edit = {.id = id, .title = "Moving (edited)", .markdown = "y"};
    assert_int_equal(save(f, &edit, NOW + 60), id);
    struct store_post post = get_post(f, id);
    assert_int_equal(post.status, POST_STATUS_FUTURE);
    assert_int_equal(post.published_at, NOW + DAY);
    assert_int_equal(post.modified_at, NOW + 60);

    /* the date moved into the past (status unchanged): published */
    edit.published_at = NOW - HOUR;
    assert_int_equal(save(f, &edit, NOW + 120), id);
    post = get_post(f, id);
    assert_int_equal(post.status, POST_STATUS_PUBLISH);
    assert_int_equal(post.published_at, NOW - HOUR);
    assert_string_equal(post.path, "/2023/11/15/moving/"); /* the path is kept: slug unchanged */

    /* moved back into the future with status publish: scheduled again */
    edit.status = "publish";
    edit.published_at = NOW + 2 * DAY;
    assert_int_equal(save(f, &edit, NOW + 180), id);
    assert_int_equal(get_post(f, id).status, POST_STATUS_FUTURE);
}

static void test_publish_due(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {.status = "publish", .markdown = "x"};
    draft.title = "Soon";
    draft.published_at = NOW + 100;
    long long soon = save(f, &draft, NOW);
    draft.title = "Exactly";
    draft.published_at = NOW + 200;
    long long exactly = save(f, &draft, NOW);
    draft.title = "Much later";
    draft.published_at = NOW + 10000;
    long long later = save(f, &draft, NOW);
    draft.title = "Drafted";
    draft.status = "draft";
    draft.published_at = NOW + 50;
    long long drafted = save(f, &draft, NOW);
    draft.title = "Already out";
    draft.status = "publish";
    draft.published_at = NOW - 50;
    long long out = save(f, &draft, NOW);

    long long published = -1;
    assert_int_equal(store_post_publish_due(f->s, NOW, &published), STORE_OK);
    assert_int_equal(published, 0); /* nothing due yet */

    assert_int_equal(store_post_publish_due(f->s, NOW + 200, &published), STORE_OK);
    assert_int_equal(published, 2); /* NOW+100 and NOW+200 (due at their second) */
    assert_int_equal(get_post(f, soon).status, POST_STATUS_PUBLISH);
    assert_int_equal(get_post(f, exactly).status, POST_STATUS_PUBLISH);
    assert_int_equal(get_post(f, later).status, POST_STATUS_FUTURE);
    assert_int_equal(get_post(f, drafted).status, POST_STATUS_DRAFT);
    assert_int_equal(get_post(f, out).status, POST_STATUS_PUBLISH);

    published = -1;
    assert_int_equal(store_post_publish_due(f->s, NOW + 200, &published), STORE_OK);
    assert_int_equal(published, 0); /* twice publishes nothing more */
    assert_int_equal(get_post(f, later).status, POST_STATUS_FUTURE);

    assert_int_equal(store_post_publish_due(f->s, NOW + 9999, &published), STORE_OK);
    assert_int_equal(published, 0);
    assert_int_equal(store_post_publish_due(f->s, NOW + 10000, &published), STORE_OK);
    assert_int_equal(published, 1);
    assert_int_equal(get_post(f, later).status, POST_STATUS_PUBLISH);
    assert_int_equal(get_post(f, drafted).status, POST_STATUS_DRAFT);
}

/* ---- validation ---- */

static void check_invalid(struct temp_fixture *f, const struct post_draft *draft,
                          const char *expected_field)
{
    long long before = count_posts(f);
    buf error = {0};
    const char *field = NULL;
    long long id = 0;
    int rc = post_save(f->s, &f->a, draft, NOW, &id, &field, &error);
    if (rc != POST_INVALID)
        fail_msg("post_save = %d, expected POST_INVALID (field %s)", rc, expected_field);
    assert_non_null(field);
    assert_string_equal(field, expected_field);
    assert_true(error.len > 0);
    assert_int_equal(count_posts(f), before);
    buf_free(&error);
}

static void test_validation(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft good = {
        .title = "Fine", .status = "publish", .markdown = "x", .published_at = NOW - DAY};

    struct post_draft d = good;
    d.title = "";
    check_invalid(f, &d, "title");
    d.title = NULL;
    check_invalid(f, &d, "title");

    d = good;
    d.status = "published";
    check_invalid(f, &d, "status");
    d.status = "";
    check_invalid(f, &d, "status");
    d.status = "trash";
    check_invalid(f, &d, "status");

    d = good;
    d.published_at = -1;
    check_invalid(f, &d, "date");
    assert_int_equal(count_posts(f), 0);

    /* an invalid edit changes nothing and keeps no revision */
    long long id = save(f, &good, NOW);
    assert_int_equal(count_posts(f), 1);
    d = good;
    d.id = id;
    d.title = "";
    check_invalid(f, &d, "title");
    d = good;
    d.id = id;
    d.title = "Changed";
    d.status = "bogus";
    check_invalid(f, &d, "status");
    assert_string_equal(get_post(f, id).title, "Fine");
    assert_int_equal(count_revisions(f, id), 0);

    /* an edit of a missing post */
    d = good;
    d.id = id + 100;
    buf error = {0};
    const char *field;
    long long out = 0;
    assert_int_equal(post_save(f->s, &f->a, &d, NOW, &out, &field, &error), STORE_NOT_FOUND);
    assert_true(error.len > 0);
    assert_int_equal(count_posts(f), 1);
    buf_free(&error);
}

/* ---- revisions ---- */

static void test_revisions_kept(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Title 0", .status = "publish", .markdown = "body 0", .published_at = NOW};
    long long id = save(f, &draft, NOW);
    assert_int_equal(count_revisions(f, id), 0); /* a new post has none */

    for (int i = 1; i <= 25; i++) {
        struct post_draft edit = {.id = id,
                                  .title = arena_printf(&f->a, "Title %d", i),
                                  .markdown = arena_printf(&f->a, "body %d", i)};
        assert_int_equal(save(f, &edit, NOW + i * 60), id);
        size_t expected = i < POST_REVISIONS_KEPT ? (size_t)i : POST_REVISIONS_KEPT;
        assert_int_equal(count_revisions(f, id), expected);
    }

    struct store_revision *revisions;
    size_t count;
    assert_int_equal(store_revision_list(f->s, &f->a, id, &revisions, &count), STORE_OK);
    assert_int_equal(count, 20);
    /* the save at NOW + i*60 kept "Title i-1": newest first, saves 25 down to 6 */
    for (size_t k = 0; k < count; k++) {
        int save_number = 25 - (int)k;
        char title[32], body[32];
        snprintf(title, sizeof(title), "Title %d", save_number - 1);
        snprintf(body, sizeof(body), "body %d", save_number - 1);
        assert_string_equal(revisions[k].title, title);
        assert_string_equal(revisions[k].body_source, body);
        assert_int_equal(revisions[k].saved_at, NOW + save_number * 60);
        assert_int_equal(revisions[k].post_id, id);
        assert_string_equal(revisions[k].slug, "title-0");
    }
    assert_string_equal(revisions[19].title, "Title 5");

    struct store_post post = get_post(f, id);
    assert_string_equal(post.title, "Title 25");
    assert_string_equal(post.slug, "title-0"); /* an edit keeps the slug */
    assert_string_equal(post.path, "/2023/11/14/title-0/");
}

/* ---- paths on edit ---- */

static long long insert_imported(struct temp_fixture *f, const char *slug, const char *path)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = slug,
        .path = path,
        .title = "Imported",
        .body_html = "<p>old</p>",
        .body_source = "",
        .published_at = NOW,
        .modified_at = NOW,
        .comments_open = true,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    return id;
}

static void test_edit_keeps_or_moves_path(void **state)
{
    struct temp_fixture *f = *state;
    long long id = insert_imported(f, "some-slug", "/old/2019/some-slug/");

    /* the same slug (implicit or explicit) keeps the imported path, not the pattern's */
    struct post_draft edit = {.id = id, .title = "Imported, edited", .markdown = "new"};
    assert_int_equal(save(f, &edit, NOW + 60), id);
    struct store_post post = get_post(f, id);
    assert_string_equal(post.slug, "some-slug");
    assert_string_equal(post.path, "/old/2019/some-slug/");
    edit.slug = "some-slug";
    edit.published_at = NOW - 400 * DAY; /* another date would give another pattern path */
    assert_int_equal(save(f, &edit, NOW + 120), id);
    assert_string_equal(get_post(f, id).path, "/old/2019/some-slug/");

    /* a new slug replaces its segment, the shape stays */
    edit.slug = "new-slug";
    assert_int_equal(save(f, &edit, NOW + 180), id);
    post = get_post(f, id);
    assert_string_equal(post.slug, "new-slug");
    assert_string_equal(post.path, "/old/2019/new-slug/");
    struct store_post found;
    assert_int_equal(post_resolve(f->s, &f->a, "/old/2019/new-slug/", &found), STORE_OK);
    assert_int_equal(found.id, id);
    assert_int_equal(post_resolve(f->s, &f->a, "/old/2019/some-slug/", &found), STORE_NOT_FOUND);
    assert_int_equal(count_revisions(f, id), 3);
}

static void test_edit_path_without_slug_segment(void **state)
{
    struct temp_fixture *f = *state;
    /* a path without the slug in it: a new slug takes the site's pattern (default
     * /%year%/%monthnum%/%day%/%postname%/ with the post's date, 2023-11-14) */
    long long id = insert_imported(f, "legacy", "/archives/123/");
    struct post_draft edit = {.id = id, .title = "Renamed", .slug = "Renamed Now", .markdown = ""};
    assert_int_equal(save(f, &edit, NOW + 60), id);
    struct store_post post = get_post(f, id);
    assert_string_equal(post.slug, "renamed-now"); /* slugified */
    assert_string_equal(post.path, "/2023/11/14/renamed-now/");
}

/* The slug's own segment is the last one: an earlier segment that happens to spell the same
 * (a category named like the post, from /%category%/%year%/%postname%/) stays. */
static void test_edit_path_replaces_last_slug_segment(void **state)
{
    struct temp_fixture *f = *state;
    long long id = insert_imported(f, "news", "/news/2019/news/");
    struct post_draft edit = {.id = id, .title = "News", .slug = "renamed", .markdown = ""};
    assert_int_equal(save(f, &edit, NOW + 60), id);
    assert_string_equal(get_post(f, id).path, "/news/2019/renamed/");
}

static void test_edit_slug_taken(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Alpha", .status = "publish", .markdown = "a", .published_at = NOW};
    long long alpha = save(f, &draft, NOW);
    draft.title = "Beta";
    long long beta = save(f, &draft, NOW);
    /* renaming beta to alpha's slug gets a suffix */
    struct post_draft edit = {.id = beta, .title = "Beta", .slug = "alpha", .markdown = "b"};
    assert_int_equal(save(f, &edit, NOW + 60), beta);
    struct store_post post = get_post(f, beta);
    assert_string_equal(post.slug, "alpha-2");
    assert_string_equal(post.path, "/2023/11/14/alpha-2/");
    assert_string_equal(get_post(f, alpha).path, "/2023/11/14/alpha/");
}

/* ---- dates ---- */

static void test_parse_date(void **state)
{
    (void)state;
    /* 2024-01-01 is day 54*365 + 13 leap days = 19723 (1704067200); May 1 is 31+29+31+30 = 121
     * days later: day 19844 = 1714521600 */
    assert_int_equal(post_parse_date("2024-05-01"), 1714521600LL);
    assert_int_equal(post_parse_date("2024-05-01 10:30"), 1714521600LL + 10 * HOUR + 30 * 60);
    assert_int_equal(post_parse_date("2024-05-01 10:30:15"),
                     1714521600LL + 10 * HOUR + 30 * 60 + 15);
    assert_int_equal(post_parse_date("1970-01-01"), 0);
    assert_int_equal(post_parse_date("2023-11-14 22:13:20"), NOW);
    assert_int_equal(post_parse_date("2024-02-29 23:59:59"), 1709251199LL);
}

static void test_parse_date_rejects(void **state)
{
    (void)state;
    assert_int_equal(post_parse_date("2024-13-01"), -1);
    assert_int_equal(post_parse_date("2024-00-01"), -1);
    assert_int_equal(post_parse_date("2024-05-32"), -1);
    assert_int_equal(post_parse_date("2024-05-00"), -1);
    assert_int_equal(post_parse_date("2024-05-01 24:00"), -1);
    assert_int_equal(post_parse_date("2024-05-01 10:60"), -1);
    assert_int_equal(post_parse_date("1969-12-31"), -1);
    assert_int_equal(post_parse_date("yesterday"), -1);
    assert_int_equal(post_parse_date(""), -1);
    assert_int_equal(post_parse_date("2024-05"), -1);
    assert_int_equal(post_parse_date("2024-05-01 10"), -1);
    assert_int_equal(post_parse_date("2024-05-01 10:30:15 extra"), -1);
}

/* Trailing text after the minutes (or after the date alone) must be refused as well. */
static void test_parse_date_rejects_trailing_text(void **state)
{
    (void)state;
    assert_int_equal(post_parse_date("2024-05-01 10:30 extra"), -1);
    assert_int_equal(post_parse_date("2024-05-01 extra"), -1);
    assert_int_equal(post_parse_date("2024-05-01x"), -1);
    assert_int_equal(post_parse_date("2024-05-01T10:30"), -1); /* not midnight, silently */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_publish_in_future_is_scheduled, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_publish_in_past_is_published, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_future_into_past, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_publish_due, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_validation, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_revisions_kept, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_keeps_or_moves_path, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_path_without_slug_segment, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_path_replaces_last_slug_segment, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_slug_taken, setup, temp_fixture_teardown),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_date_rejects),
        cmocka_unit_test(test_parse_date_rejects_trailing_text),
    };
    return temp_store_run_tests(tests);
}
