/* test_store_search.c: search in every script through the store (store_search with the
 * model's parser, search_parse), on SQLite and, with GAZETTE_TEST_POSTGRES, on PostgreSQL:
 * the folded texts the store writes with a post, a run of Chinese or Thai letters found at any
 * length, Arabic and Hebrew with and without their marks, the title above the body, and an edit
 * that takes a post's old letters out of the index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/search.h"
#include "temp_store.h"

#define NOW 1700000000LL

static int setup(void **state)
{
    return temp_fixture_setup(state, "search");
}

static long long insert_post(struct temp_fixture *f, const char *slug, const char *title,
                             const char *body_text, long long published_at)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = title,
        .body_html = arena_printf(&f->a, "<p>%s</p>", body_text),
        .body_text = body_text,
        .published_at = published_at,
        .modified_at = published_at,
        .comments_open = true,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    return id;
}

/* The slugs of what `query` finds, best first, joined by spaces ("" for none). */
static const char *found(struct temp_fixture *f, const char *query)
{
    struct store_search_group *groups;
    int n = search_parse(&f->a, query, &groups);
    assert_true(n > 0);
    struct store_search_hit *hits;
    size_t count;
    long long total = -1;
    assert_int_equal(store_search(f->s, &f->a, groups, (size_t)n, 20, 0, &hits, &count, &total),
                     STORE_OK);
    assert_int_equal((long long)count, total);
    buf out = {0};
    for (size_t i = 0; i < count; i++)
        buf_printf(&out, "%s%s", i ? " " : "", hits[i].post.slug);
    return arena_take_buf(&f->a, &out);
}

static void populate(struct temp_fixture *f)
{
    /* the title match is the older post each time: dates cannot be what orders them */
    insert_post(f, "ja-title", "\u6771\u4EAC\u306E\u591C", "\u96E8\u3067\u3057\u305F", NOW - 9);
    insert_post(f, "ja-body", "\u6563\u6B69", "\u53CB\u9054\u3068\u6771\u4EAC\u99C5\u3078",
                NOW - 1);
    insert_post(f, "kyoto", "\u4EAC\u90FD", "\u5BFA", NOW - 5);
    /* Thai: "Bangkok in the morning" / "the floating market in Bangkok" */
    insert_post(f, "th-title", "\u0E01\u0E23\u0E38\u0E07\u0E40\u0E17\u0E1E\u0E40\u0E0A\u0E49\u0E32",
                "\u0E23\u0E16\u0E15\u0E34\u0E14", NOW - 8);
    insert_post(f, "th-body", "\u0E15\u0E25\u0E32\u0E14",
                "\u0E15\u0E25\u0E32\u0E14\u0E17\u0E35\u0E48\u0E01\u0E23\u0E38\u0E07\u0E40\u0E17"
                "\u0E1E",
                NOW - 2);
    /* Arabic: "the boy went to the library", pointed; "the library", bare */
    insert_post(f, "ar-marks", "\u0642\u0635\u0629",
                "\u0630\u064E\u0647\u064E\u0628\u064E \u0625\u0650\u0644\u064E\u0649 "
                "\u0627\u0644\u0645\u064E\u0643\u0652\u062A\u064E\u0628\u064E\u0629\u0650",
                NOW - 3);
    insert_post(f, "ar-plain", "\u0627\u0644\u0645\u0643\u062A\u0628\u0629", "\u0643\u062A\u0628",
                NOW - 7);
    /* Hebrew: "shalom" pointed in a title, bare in a body */
    insert_post(f, "he-points", "\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD", "\u05E1\u05E4\u05E8",
                NOW - 6);
    insert_post(f, "he-plain", "\u05E1\u05E4\u05E8", "\u05E9\u05DC\u05D5\u05DD \u05DC\u05DB\u05DD",
                NOW - 4);
    insert_post(f, "en", "Tokyo notes", "We walked in Tokyo.", NOW - 10);
}

static void test_unspaced_scripts(void **state)
{
    struct temp_fixture *f = *state;
    populate(f);
    assert_string_equal(found(f, "\u6771\u4EAC"), "ja-title ja-body");          /* Tokyo */
    assert_string_equal(found(f, "\u6771\u4EAC\u99C5"), "ja-body");             /* Tokyo station */
    assert_string_equal(found(f, "\u4EAC\u90FD"), "kyoto");                     /* Kyoto */
    assert_string_equal(found(f, "\u90FD\u4EAC"), "");                          /* reversed */
    assert_string_equal(found(f, "\u5BFA"), "kyoto");                           /* one letter */
    assert_string_equal(found(f, "\u0E01\u0E23\u0E38\u0E07\u0E40\u0E17\u0E1E"), /* Bangkok */
                        "th-title th-body");
    assert_string_equal(found(f, "\u0E15\u0E25\u0E32\u0E14"), "th-body");
    assert_string_equal(found(f, "tokyo"), "en");
    assert_string_equal(found(f, "toky"), "");
}

static void test_arabic_and_hebrew(void **state)
{
    struct temp_fixture *f = *state;
    populate(f);
    /* al-maktaba bare, pointed, and with heh for teh marbuta: title first */
    assert_string_equal(found(f, "\u0627\u0644\u0645\u0643\u062A\u0628\u0629"),
                        "ar-plain ar-marks");
    assert_string_equal(found(f, "\u0627\u0644\u0645\u064E\u0643\u0652\u062A\u064E\u0628\u064E"
                                 "\u0629\u0650"),
                        "ar-plain ar-marks");
    assert_string_equal(found(f, "\u0627\u0644\u0645\u0643\u062A\u0628\u0647"),
                        "ar-plain ar-marks");
    /* ila typed with a bare alef and a yeh */
    assert_string_equal(found(f, "\u0627\u0644\u064A"), "ar-marks");
    /* shalom bare and pointed */
    assert_string_equal(found(f, "\u05E9\u05DC\u05D5\u05DD"), "he-points he-plain");
    assert_string_equal(found(f, "\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD"),
                        "he-points he-plain");
}

static void test_edit_takes_old_letters_out(void **state)
{
    struct temp_fixture *f = *state;
    populate(f);
    struct store_post post;
    assert_int_equal(store_post_find_path(f->s, &f->a, "/ja-body/", &post), STORE_OK);
    post.title = "A walk";
    post.body_text = "Nothing but English now.";
    post.body_html = "<p>Nothing but English now.</p>";
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    assert_string_equal(found(f, "\u6771\u4EAC"), "ja-title");
    assert_string_equal(found(f, "english"), "ja-body");
    /* and back: the folded texts are written again */
    post.body_text = "\u6771\u4EAC\u99C5";
    assert_int_equal(store_post_update(f->s, &post), STORE_OK);
    assert_string_equal(found(f, "\u6771\u4EAC\u99C5"), "ja-body");
    assert_string_equal(found(f, "english"), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unspaced_scripts, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_arabic_and_hebrew, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_takes_old_letters_out, setup,
                                        temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
