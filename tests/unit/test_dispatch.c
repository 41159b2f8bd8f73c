/* test_dispatch.c: unit tests of the request plan (personal, shared, refusals), the cache key
 * and the handler's query, the header and redirect checks (app/dispatch.h), and the path and
 * slug checks imported data passes (model/post.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dispatch.h"
#include "model/post.h"
#include "util/arena.h"

static struct app_plan plan_of(const char *method, const char *target, const char *cookie)
{
    const char *question = strchr(target, '?');
    strview path = {target, question ? (size_t)(question - target) : strlen(target)};
    strview query = strview_from_cstr(question ? question + 1 : "");
    struct app_plan plan;
    app_plan_request(strview_from_cstr(method), path, query, strview_from_cstr(cookie), false,
                     (strview){"", 0}, &plan);
    return plan;
}

static void test_plan_personal_requests_are_not_shared(void **state)
{
    (void)state;
    struct app_plan p = plan_of("GET", "/2024/05/01/a/", "");
    assert_true(p.shared);
    assert_false(p.personal);
    assert_int_equal(p.refusal, 0);
    const char *cookies[] = {"gz_session=abc", "a=1; gz_session=abc", "gz_postpass_12=x",
                             "comment_author=Ann; gz_postpass_3=y"};
    for (size_t i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++) {
        p = plan_of("GET", "/2024/05/01/a/", cookies[i]);
        assert_true(p.personal);
        assert_false(p.shared);
    }
    p = plan_of("GET", "/2024/05/01/a/?unapproved=4&moderation-hash=ab", "");
    assert_true(p.personal);
    assert_false(p.shared);
    p = plan_of("GET", "/2024/05/01/a/?moderation-hash=ab", "");
    assert_true(p.personal);
    /* a remembered commenter's name is not personal: the page's script fills the form */
    p = plan_of("GET", "/2024/05/01/a/", "comment_author=Ann; comment_author_email=a%40b");
    assert_true(p.shared);
    /* not a GET, or a route that is never cached */
    assert_false(plan_of("POST", "/2024/05/01/a/comments", "").shared);
    assert_false(plan_of("GET", "/admin/posts", "").shared);
    assert_false(plan_of("GET", "/2024/05/01/a/email/", "").shared);
    assert_true(plan_of("HEAD", "/feed/", "").shared);
}

static void test_plan_refusals(void **state)
{
    (void)state;
    struct app_plan p = plan_of("DELETE", "/", "");
    assert_int_equal(p.refusal, 405);
    assert_null(p.route);
    struct app_plan q;
    app_plan_request(STRVIEW_LIT("GET"), STRVIEW_LIT("/"), STRVIEW_LIT(""), STRVIEW_LIT(""), true,
                     STRVIEW_LIT("x=1"), &q);
    assert_int_equal(q.refusal, 413); /* a GET takes no body */
    assert_non_null(q.route);
    char fields[600];
    size_t n = 0;
    for (int i = 0; i < 257; i++)
        fields[n++] = '&';
    app_plan_request(STRVIEW_LIT("POST"), STRVIEW_LIT("/2024/05/01/a/comments"), STRVIEW_LIT(""),
                     STRVIEW_LIT(""), true, (strview){fields, n}, &q);
    assert_int_equal(q.refusal, 400);
}

/* http.max_body_kb caps every route but the upload, whose limit is media.max_mb plus the
 * form's allowance; the adapter's limit is the largest; an upload's '&' bytes are no fields. */
static void test_body_limits(void **state)
{
    (void)state;
    size_t largest = app_set_body_limits(1024, 4096);
    assert_int_equal(largest, 4096 + APP_UPLOAD_FORM_BYTES);
    const struct route *upload = app_route_find(STRVIEW_LIT("POST"), STRVIEW_LIT("/admin/media"));
    assert_non_null(upload);
    assert_true(upload->upload);
    assert_int_equal(app_body_limit(upload), 4096 + APP_UPLOAD_FORM_BYTES);
    const struct route *comments =
        app_route_find(STRVIEW_LIT("POST"), STRVIEW_LIT("/2024/05/01/a/comments"));
    assert_int_equal(app_body_limit(comments), 1024);
    size_t size = 4096 + APP_UPLOAD_FORM_BYTES + 1;
    char *body = malloc(size);
    assert_non_null(body);
    memset(body, '&', size);
    struct app_plan q;
    app_plan_request(STRVIEW_LIT("POST"), STRVIEW_LIT("/admin/media"), STRVIEW_LIT(""),
                     STRVIEW_LIT(""), true, (strview){body, size - 1}, &q);
    assert_int_equal(q.refusal, 0);
    app_plan_request(STRVIEW_LIT("POST"), STRVIEW_LIT("/admin/media"), STRVIEW_LIT(""),
                     STRVIEW_LIT(""), true, (strview){body, size}, &q);
    assert_int_equal(q.refusal, 413);
    app_plan_request(STRVIEW_LIT("POST"), STRVIEW_LIT("/2024/05/01/a/comments"), STRVIEW_LIT(""),
                     STRVIEW_LIT(""), true, (strview){body, 1025}, &q);
    assert_int_equal(q.refusal, 413);
    /* http.max_body_kb above the upload's: the adapter takes the larger */
    assert_int_equal(app_set_body_limits(size * 2, 4096), size * 2);
    free(body);
    app_set_body_limits(SIZE_MAX, 64u << 20); /* the other tests see the routes' own limits */
}

/* The cache key of GET `target`, in `out`. */
static const char *key_of(const char *target, char *out)
{
    struct app_plan p = plan_of("GET", target, "");
    assert_true(p.shared);
    const char *question = strchr(target, '?');
    strview path = {target, question ? (size_t)(question - target) : strlen(target)};
    strview query = strview_from_cstr(question ? question + 1 : "");
    out[app_cache_key(p.route, path, query, out)] = '\0';
    return out;
}

static void test_cache_key_holds_only_declared_parameters(void **state)
{
    (void)state;
    char key[256];
    assert_string_equal(key_of("/", key), "/");
    assert_string_equal(key_of("/?x=1", key), "/");
    assert_string_equal(key_of("/?utm_source=a&s=boats&x=2", key), "/?s=boats");
    /* the route's order, whatever the request's; the first of a repeated name */
    assert_string_equal(key_of("/?paged=2&s=a&s=b", key), "/?s=a&paged=2");
    assert_string_equal(key_of("/2024/05/01/a/?replytocom=3&fbclid=z", key),
                        "/2024/05/01/a/?replytocom=3");
    assert_string_equal(key_of("/2024/05/01/a/print/?size=large&comments=1&q=9", key),
                        "/2024/05/01/a/print/?comments=1&size=large");
    assert_string_equal(key_of("/feed/?anything=1", key), "/feed/");
    /* a name that only starts like a declared one is another name */
    assert_string_equal(key_of("/?ss=1&s", key), "/?s");

    arena a = {0};
    struct app_plan p = plan_of("GET", "/?x=1&s=boats", "");
    assert_string_equal(app_handler_query(&a, &p, STRVIEW_LIT("x=1&s=boats")), "s=boats");
    p = plan_of("GET", "/?x=1", "gz_session=1"); /* personal: the handler sees everything */
    assert_string_equal(app_handler_query(&a, &p, STRVIEW_LIT("x=1")), "x=1");
    arena_free(&a);
}

static void test_header_values_and_locations(void **state)
{
    (void)state;
    assert_true(app_header_value_safe(NULL));
    assert_true(app_header_value_safe("text/html; charset=utf-8"));
    assert_true(app_header_value_safe("a\tb"));
    assert_false(app_header_value_safe("/a\r\nSet-Cookie: x=1"));
    assert_false(app_header_value_safe("/a\n"));
    assert_false(app_header_value_safe("/a\x7f"));

    assert_true(app_location_safe("/", ""));
    assert_true(app_location_safe("/2024/05/01/a/#comment-3", NULL));
    assert_false(app_location_safe("//evil.example/", ""));
    assert_false(app_location_safe("/\\evil.example/", ""));
    assert_false(app_location_safe("https://evil.example/", ""));
    assert_false(app_location_safe("", ""));
    assert_false(app_location_safe("/a\r\nb", ""));
    assert_true(app_location_safe("https://news.example.org/a/", "https://news.example.org"));
    assert_true(app_location_safe("https://news.example.org", "https://news.example.org"));
    assert_false(
        app_location_safe("https://news.example.org.evil.example/", "https://news.example.org"));
    assert_false(
        app_location_safe("https://news.example.org@evil.example/", "https://news.example.org"));
}

static void test_route_table_keeps_its_rules(void **state)
{
    (void)state;
    buf error = {0};
    assert_int_equal(app_routes_check(&error), 0);
    assert_int_equal(error.len, 0);
    buf_free(&error);
    assert_int_equal(app_route_find(STRVIEW_LIT("POST"), STRVIEW_LIT("/admin/settings"))->csrf,
                     ROUTE_CSRF_TOKEN);
    assert_int_equal(app_route_find(STRVIEW_LIT("POST"), STRVIEW_LIT("/a/comments"))->csrf,
                     ROUTE_CSRF_ORIGIN);
    /* the trailing-slash rule: every reader page, no file, no POST, nothing of the admin's */
    static const char *const slash[] = {"/tag/x",   "/category/a/b", "/author/x", "/2019/01",
                                        "/page/2",  "/feed",         "/a/print",  "/a/pdf",
                                        "/a/email", "/about",        "/2019/01/a"};
    for (size_t i = 0; i < sizeof(slash) / sizeof(slash[0]); i++) {
        assert_true(app_route_find(STRVIEW_LIT("GET"), strview_from_cstr(slash[i]))->slash);
        char with[64];
        snprintf(with, sizeof with, "%s/", slash[i]);
        assert_true(app_route_find(STRVIEW_LIT("GET"), strview_from_cstr(with))->slash);
    }
    static const char *const exact[] = {"/sitemap.xml",  "/robots.txt", "/admin/posts",
                                        "/admin",        "/healthz",    "/metrics",
                                        "/wp-login.php", "/wp-admin",   "/"};
    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        assert_false(app_route_find(STRVIEW_LIT("GET"), strview_from_cstr(exact[i]))->slash);
    assert_false(app_route_find(STRVIEW_LIT("POST"), STRVIEW_LIT("/a/comments"))->slash);
    /* WordPress's query forms are part of the front page's cache key */
    char key[256];
    const char *target = "/?cat=3&utm=x&m=201901&feed=rss2";
    size_t n = app_cache_key(app_route_find(STRVIEW_LIT("GET"), STRVIEW_LIT("/")), STRVIEW_LIT("/"),
                             strview_from_cstr(strchr(target, '?') + 1), key);
    assert_int_equal(n, strlen("/?cat=3&m=201901&feed=rss2"));
    assert_memory_equal(key, "/?cat=3&m=201901&feed=rss2", n);
}

static void test_path_and_slug_problems(void **state)
{
    (void)state;
    assert_null(post_path_problem("/2024/05/01/a/"));
    assert_null(post_path_problem("/2019/01/%d8%a7%d9%84/"));
    assert_null(post_path_problem("/about/"));
    const char *bad_paths[] = {
        "",          "2024/a/",      "/a",         "/a\r\nSet-Cookie: x=1/",
        "//evil/x/", "/\\evil/y/",   "/a/../b/",   "/a/./b/",
        "/../",      "/a/%2e%2e/b/", "/a/%2E./b/", "/a?b/",
        "/a#b/",     "/a//b/",       "/a%0d%0ab/", "/a\x7f/",
        "/a%5cb/",
    };
    for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++)
        assert_non_null(post_path_problem(bad_paths[i]));
    assert_null(post_path_problem("/a/.../b/")); /* three dots are a name */
    assert_null(post_path_problem("/a/..b/"));

    arena a = {0};
    assert_string_equal(post_path_single_slashes(&a, "//greek/x//y/"), "/greek/x/y/");
    assert_string_equal(post_path_single_slashes(&a, "/a/"), "/a/");
    arena_free(&a);

    assert_null(post_slug_problem("hello-world"));
    assert_null(post_slug_problem("%d8%a7%d9%84"));
    const char *bad_slugs[] = {"", ".", "..", "%2e", "a/b", "a%2fb", "a\\b", "a\nb", "a?b", "a#b"};
    for (size_t i = 0; i < sizeof(bad_slugs) / sizeof(bad_slugs[0]); i++)
        assert_non_null(post_slug_problem(bad_slugs[i]));
    char long_slug[202];
    memset(long_slug, 'a', 201);
    long_slug[201] = '\0';
    assert_non_null(post_slug_problem(long_slug));
    long_slug[200] = '\0';
    assert_null(post_slug_problem(long_slug));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_personal_requests_are_not_shared),
        cmocka_unit_test(test_plan_refusals),
        cmocka_unit_test(test_body_limits),
        cmocka_unit_test(test_cache_key_holds_only_declared_parameters),
        cmocka_unit_test(test_header_values_and_locations),
        cmocka_unit_test(test_route_table_keeps_its_rules),
        cmocka_unit_test(test_path_and_slug_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
