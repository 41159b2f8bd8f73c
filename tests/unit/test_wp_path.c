/* test_wp_path.c: WordPress's other URL forms (web/wp_path.h): ?m= dates, date archive paths and
 * the endings of permalinks and archives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "web/wp_path.h"

static void assert_m(const char *m, int n, int year, int month, int day)
{
    int parts[3] = {-1, -1, -1};
    int got = wp_m_parse(m, parts);
    if (got != n)
        fail_msg("?m=%s: %d parts, expected %d", m, got, n);
    assert_int_equal(parts[0], year);
    assert_int_equal(parts[1], month);
    assert_int_equal(parts[2], day);
}

static void test_m(void **state)
{
    (void)state;
    assert_m("2019", 1, 2019, 0, 0);
    assert_m("201901", 2, 2019, 1, 0);
    assert_m("20190131", 3, 2019, 1, 31);
    assert_m("20240229", 3, 2024, 2, 29); /* a leap year */
    assert_m("20000229", 3, 2000, 2, 29);
    static const char *const bad[] = {
        "",         "201",      "20191",    "2019013",  "2019010100", "201913",  "201900",
        "20190132", "20190229", "19000229", "0000",     "abcd",       "2019-01", "20l9",
        " 2019",    "2019 ",    "+2019",    "20190431", "2019013a",   "-201",    "201901010",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_m(bad[i], 0, 0, 0, 0);
}

static void assert_date_path(const char *path, int n, int year, int month, int day)
{
    int parts[3] = {-1, -1, -1};
    int got = wp_date_path(path, parts);
    if (got != n)
        fail_msg("%s: %d parts, expected %d", path, got, n);
    assert_int_equal(parts[0], year);
    assert_int_equal(parts[1], month);
    assert_int_equal(parts[2], day);
}

static void test_date_path(void **state)
{
    (void)state;
    assert_date_path("/2019/", 1, 2019, 0, 0);
    assert_date_path("/2019/01/", 2, 2019, 1, 0);
    assert_date_path("/2019/12/31/", 3, 2019, 12, 31);
    static const char *const bad[] = {
        "/",
        "",
        "/2019",
        "/2019/1/",
        "/2019/13/",
        "/2019/00/",
        "/2019/02/30/",
        "/19/",
        "/20190/",
        "/2019/01/01/x/",
        "/2019//",
        "2019/",
        "/2019/01/1/",
        "/abcd/",
        "/2019/01/01/01/",
        "/2019/ab/",
        "/0000/",
        "/2019/01/32/",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_date_path(bad[i], 0, 0, 0, 0);
}

static void assert_suffix(const char *path, enum wp_suffix kind, const char *base, int page)
{
    size_t base_len;
    int got_page;
    enum wp_suffix got = wp_path_suffix(path, &base_len, &got_page);
    if (got != kind)
        fail_msg("%s: ending %d, expected %d", path, (int)got, (int)kind);
    if (kind != WP_SUFFIX_NONE) {
        if (base_len != strlen(base) || memcmp(path, base, base_len) != 0)
            fail_msg("%s: base \"%.*s\", expected \"%s\"", path, (int)base_len, path, base);
        assert_int_equal(got_page, page);
    }
}

static void test_suffix(void **state)
{
    (void)state;
    assert_suffix("/feed/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/feed/rss2/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/feed/rss/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/feed/rdf/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/feed/feed/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/rss/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/rss2/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/rdf/", WP_SUFFIX_FEED, "/", 0);
    assert_suffix("/atom/", WP_SUFFIX_ATOM, "/", 0);
    assert_suffix("/feed/atom/", WP_SUFFIX_ATOM, "/", 0);
    assert_suffix("/category/a/b/rss2/", WP_SUFFIX_FEED, "/category/a/b/", 0);
    assert_suffix("/tag/x/feed/atom/", WP_SUFFIX_ATOM, "/tag/x/", 0);
    assert_suffix("/2019/01/atom/", WP_SUFFIX_ATOM, "/2019/01/", 0);
    assert_suffix("/comments/feed/rss2/", WP_SUFFIX_FEED, "/comments/", 0);
    assert_suffix("/2019/01/a-post/amp/", WP_SUFFIX_AMP, "/2019/01/a-post/", 0);
    assert_suffix("/about/embed/", WP_SUFFIX_EMBED, "/about/", 0);
    assert_suffix("/2019/01/a-post/2/", WP_SUFFIX_PAGE, "/2019/01/a-post/", 2);
    assert_suffix("/a/1/", WP_SUFFIX_PAGE, "/a/", 1);
    assert_suffix("/a/9999/", WP_SUFFIX_PAGE, "/a/", 9999);
    static const char *const none[] = {
        "/",    "",       "/a/",    "/a/0/",     "/a/02/",      "/a/10000/",
        "/2/",  "/a/2",   "/a/b2/", "/a/2b/",    "/feeds/",     "/a/x-rss/",
        "/amp", "/a/-1/", "//2/",   "/a/myrss/", "/a/subatom/", "/a/2//",
    };
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        assert_suffix(none[i], WP_SUFFIX_NONE, "", 0);
    assert_string_equal(wp_feed_ending(WP_SUFFIX_FEED), "feed/");
    assert_string_equal(wp_feed_ending(WP_SUFFIX_ATOM), "feed/atom/");
    assert_null(wp_feed_ending(WP_SUFFIX_AMP));
    assert_null(wp_feed_ending(WP_SUFFIX_PAGE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_m),
        cmocka_unit_test(test_date_path),
        cmocka_unit_test(test_suffix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
