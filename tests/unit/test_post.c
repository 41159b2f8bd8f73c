/* test_post.c: unit tests of post rules: slugs, permalinks, lookup, creation, visibility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/post.h"
#include "model/settings.h"
#include "model/user.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* 1700000000 is 2023-11-14 22:13:20 UTC: 19675 days after 1970-01-01 (2023-01-01 is day
 * 53 * 365 + 13 leap days = 19358, so day 317 of 2023 counted from 0: Nov 14), 80000 s in. */
#define NOV_14_2023 1700000000LL
#define DAY 86400LL

/* A fresh SQLite store in its own temporary directory; one per test. */
/* post_save for a new post, now. */
static int create_post(store *s, arena *a, const struct post_draft *draft, long long *id,
                       buf *error)
{
    const char *field;
    return post_save(s, a, draft, (long long)time(NULL), id, &field, error);
}

static int setup(void **state)
{
    return temp_fixture_setup(state, "post");
}

static void set(struct temp_fixture *f, const char *key, const char *value)
{
    temp_store_set(f->s, key, value);
}

/* Slugifies an exact-size heap copy, so a read past the title's NUL shows under ASan. */
static void check_slug(const char *title, const char *expected)
{
    arena a = {0};
    size_t n = strlen(title);
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy, title, n + 1);
    const char *slug = post_slugify(&a, copy);
    if (strcmp(slug, expected) != 0)
        fail_msg("post_slugify(\"%s\") = \"%s\", expected \"%s\"", title, slug, expected);
    free(copy);
    arena_free(&a);
}

static void test_slugify_ascii(void **state)
{
    (void)state;
    check_slug("Hello World", "hello-world");
    check_slug("hello-world", "hello-world");
    check_slug("2024: A Year in Review", "2024-a-year-in-review");
    check_slug("MiXeD CaSe 42", "mixed-case-42");
    check_slug("snake_case_title", "snake_case_title"); /* WordPress keeps '_' */
}

static void test_slugify_accents(void **state)
{
    (void)state;
    check_slug("L\xC3\xB3pez", "lopez"); /* López */
    check_slug("Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9\x65 \xC3\xA0 la Fran\xC3\xA7\x61ise",
               "creme-brulee-a-la-francaise"); /* Crème brûlée … */
    check_slug("\xC3\x80\xC3\x89\xC3\x8E\xC3\x95\xC3\x9C \xC3\x91 \xC3\x9F",
               "aeiou-n-s");                            /* ÀÉÎÕÜ Ñ ß */
    check_slug("Espa\xC3\xB1ol", "espanol");            /* Español */
    check_slug("na\xC3\xAFve \xC3\xB8re", "naive-ore"); /* naïve øre */
}

static void test_slugify_latin_extended(void **state)
{
    (void)state;
    check_slug("Dvo\xC5\x99\xC3\xA1k", "dvorak");       /* Dvořák */
    check_slug("\xC5\x81\xC3\xB3\x64\xC5\xBA", "lodz"); /* Łódź */
}

static void test_slugify_apostrophes(void **state)
{
    (void)state;
    check_slug("Don't stop", "dont-stop");
    check_slug("'quoted'", "quoted");
    check_slug("it''s", "its");
}

static void test_slugify_curly_apostrophe(void **state)
{
    (void)state;
    check_slug("Tolstoy\xE2\x80\x99s plan", "tolstoys-plan");
    check_slug("It\xE2\x80\x99s", "its");
}

static void test_slugify_punctuation(void **state)
{
    (void)state;
    check_slug("Hello,  world!!! -- again?", "hello-world-again");
    check_slug("C++ & C#", "c-c");
    check_slug("a\xE2\x80\x94"
               "b",
               "a-b");                                              /* an em dash is punctuation */
    check_slug("a \xE2\x80\x9Cquoted\xE2\x80\x9D b", "a-quoted-b"); /* curly double quotes */
    check_slug("x\xE6\x97\xA5y", "x%e6%97%a5y");        /* a non-Latin letter is percent-encoded */
    check_slug("tab\there\nnewline", "tabherenewline"); /* only spaces become '-' */
}

static void test_slugify_trims_dashes(void **state)
{
    (void)state;
    check_slug("  --Hello--  ", "hello");
    check_slug("-a-", "a");
    check_slug("...why?", "why");
    check_slug("end.", "end");
}

static void test_slugify_empty(void **state)
{
    (void)state;
    check_slug("", "post");
    check_slug("   ", "post");
    check_slug("!!! ???", "post");
    check_slug("'", "post");
    check_slug("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "%e6%97%a5%e6%9c%ac%e8%aa%9e"); /* 日本語 */
    check_slug("a\xC3", "a"); /* truncated é */
}

static void test_slugify_length_cap(void **state)
{
    (void)state;
    char title[301];
    memset(title, 'a', 250);
    title[250] = '\0';
    char expected[201];
    memset(expected, 'a', 200);
    expected[200] = '\0';
    check_slug(title, expected); /* 250 letters: the first 200 */

    memset(title, 'c', 200);
    memcpy(title + 200, "-dd", 4);
    arena a = {0};
    const char *slug = post_slugify(&a, title);
    assert_int_equal(strlen(slug), 200); /* 200 letters, the rest past the cap */
    assert_int_equal(slug[199], 'c');
    arena_free(&a);
}

static void test_slugify_length_cap_at_dash(void **state)
{
    (void)state;
    char title[205];
    memset(title, 'a', 199);
    memcpy(title + 199, " bbbb", 6);
    char expected[200];
    memset(expected, 'a', 199);
    expected[199] = '\0';
    check_slug(title, expected);

    /* "b b b …" (150 b's): 100 b's and 99 dashes make 199 bytes; one more pair is too many */
    char spaced[301];
    for (int i = 0; i < 300; i++)
        spaced[i] = i % 2 ? ' ' : 'b';
    spaced[300] = '\0';
    arena a = {0};
    const char *slug = post_slugify(&a, spaced);
    assert_int_equal(strlen(slug), 199);
    arena_free(&a);
}

static const struct store_post permalink_post = {
    .id = 42,
    .slug = "hello-world",
    .published_at = NOV_14_2023,
};

static void check_permalink(const char *pattern, const struct store_post *post,
                            const char *expected)
{
    arena a = {0};
    const char *path = post_permalink(&a, pattern, post);
    if (strcmp(path, expected) != 0)
        fail_msg("post_permalink(\"%s\") = \"%s\", expected \"%s\"", pattern, path, expected);
    arena_free(&a);
}

static void test_permalink_default(void **state)
{
    (void)state;
    check_permalink("/%year%/%monthnum%/%day%/%postname%/", &permalink_post,
                    "/2023/11/14/hello-world/");
    /* the default of site.permalink is that pattern */
    const struct setting_spec *spec = settings_find("site.permalink");
    assert_non_null(spec);
    check_permalink(spec->default_value, &permalink_post, "/2023/11/14/hello-world/");
}

static void test_permalink_other_patterns(void **state)
{
    (void)state;
    /* 90061 s = 1 day + 1 h + 1 min + 1 s: 1970-01-02 01:01:01, every field zero-padded */
    struct store_post early = {.id = 7, .slug = "first", .published_at = DAY + 3600 + 60 + 1};
    check_permalink("/%year%/%monthnum%/%day%/%hour%-%minute%-%second%/", &early,
                    "/1970/01/02/01-01-01/");
    check_permalink("/%hour%%minute%%second%/", &permalink_post, "/221320/");
    check_permalink("/archives/%post_id%", &permalink_post, "/archives/42/");
    check_permalink("%postname%", &permalink_post, "/hello-world/"); /* '/' added both ends */
    check_permalink("/%postname%/", &permalink_post, "/hello-world/");
    check_permalink("/%year%/%post_id%-%postname%/", &permalink_post, "/2023/42-hello-world/");
    check_permalink("/%category%/%postname%/", &permalink_post, "/uncategorized/hello-world/");
    check_permalink("/%author%/%postname%/", &permalink_post, "/author/hello-world/");
    struct store_post by_ann = permalink_post;
    by_ann.author_login = "ann";
    check_permalink("/%author%/%postname%/", &by_ann, "/ann/hello-world/");
    check_permalink("/%unknown%/%postname%/", &permalink_post, "/%unknown%/hello-world/");
    check_permalink("", &permalink_post, "/");
    check_permalink("/", &permalink_post, "/");
    /* last second of a leap day */
    struct store_post leap = {.slug = "leap", .published_at = 1709251199}; /* 2024-02-29T23:59:59 */
    check_permalink("/%year%/%monthnum%/%day%/%hour%/%minute%/%second%/%postname%/", &leap,
                    "/2024/02/29/23/59/59/leap/");
}

/* Inserts a published post with the given slug and path; returns its id. */
static long long insert_post(struct temp_fixture *f, const char *slug, const char *path,
                             enum post_status status)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = status,
        .slug = slug,
        .path = path,
        .title = slug,
        .body_html = "<p>body</p>",
        .published_at = NOV_14_2023,
        .modified_at = NOV_14_2023,
        .comments_open = true,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    assert_true(id > 0);
    return id;
}

static void check_resolves(struct temp_fixture *f, const char *reference, long long id)
{
    struct store_post out = {0};
    int rc = post_resolve(f->s, &f->a, reference, &out);
    if (rc != STORE_OK)
        fail_msg("post_resolve(\"%s\") = %d", reference, rc);
    if (out.id != id)
        fail_msg("post_resolve(\"%s\") found post %lld, expected %lld", reference, out.id, id);
}

static void check_not_found(struct temp_fixture *f, const char *reference)
{
    struct store_post out = {0};
    int rc = post_resolve(f->s, &f->a, reference, &out);
    if (rc != STORE_NOT_FOUND)
        fail_msg("post_resolve(\"%s\") = %d, expected STORE_NOT_FOUND", reference, rc);
}

static void test_resolve(void **state)
{
    struct temp_fixture *f = *state;
    long long other = insert_post(f, "other", "/2023/11/14/other/", POST_STATUS_PUBLISH);
    long long id = insert_post(f, "hello-world", "/2023/11/14/hello-world/", POST_STATUS_PUBLISH);
    long long page = insert_post(f, "about", "/about/", POST_STATUS_PUBLISH);
    char number[32];
    snprintf(number, sizeof(number), "%lld", id);
    check_resolves(f, number, id);
    snprintf(number, sizeof(number), "%lld", other);
    check_resolves(f, number, other);
    check_resolves(f, "hello-world", id);
    check_resolves(f, "about", page);
    check_resolves(f, "/2023/11/14/hello-world/", id);
    check_resolves(f, "/2023/11/14/hello-world", id); /* trailing '/' added */
    check_resolves(f, "/about", page);
    check_resolves(f, "https://example.org/2023/11/14/hello-world/", id);
    check_resolves(f, "http://example.org/2023/11/14/hello-world", id);
    check_resolves(f, "https://example.org/2023/11/14/hello-world/?replytocom=3#respond", id);
    check_resolves(f, "/2023/11/14/hello-world/#comments", id);
    check_resolves(f, "/2023/11/14/hello-world?p=1", id);
    /* a slug in another script, in any form WordPress accepts */
    long long arabic =
        insert_post(f, "%d8%a7%d9%84", "/2023/11/14/%d8%a7%d9%84/", POST_STATUS_PUBLISH);
    check_resolves(f, "\xD8\xA7\xD9\x84", arabic);
    check_resolves(f, "%D8%A7%D9%84", arabic);
    check_resolves(f, "/2023/11/14/\xD8\xA7\xD9\x84/", arabic);
    check_resolves(f, "https://example.org/2023/11/14/%D8%A7%D9%84", arabic);
    check_not_found(f, "999999");
    check_not_found(f, "nope");
    check_not_found(f, "/2023/11/14/nope/");
    check_not_found(f, "https://example.org");
    check_not_found(f, "https://example.org/");
    check_not_found(f, "/2023/11/14/");
}

static void test_create(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Hello World",
        .status = "publish",
        .markdown = "Some *text*.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n",
        .categories = "News, Caf\xC3\xA9 Talk",
        .tags = " sqlite ,c,, ",
        .published_at = NOV_14_2023,
        .comments_open = true,
    };
    buf error = {0};
    long long id = 0;
    assert_int_equal(create_post(f->s, &f->a, &draft, &id, &error), STORE_OK);
    assert_int_equal(error.len, 0);
    assert_true(id > 0);

    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    assert_int_equal(post.type, POST_TYPE_POST);
    assert_int_equal(post.status, POST_STATUS_PUBLISH);
    assert_string_equal(post.title, "Hello World");
    assert_string_equal(post.slug, "hello-world");
    assert_string_equal(post.path, "/2023/11/14/hello-world/");
    assert_int_equal(post.published_at, NOV_14_2023);
    assert_int_equal(post.modified_at, NOV_14_2023);
    assert_true(post.comments_open);
    assert_string_equal(post.body_source, draft.markdown);
    /* Markdown rendered, raw HTML and unsafe links dropped */
    assert_non_null(strstr(post.body_html, "<em>text</em>"));
    assert_null(strstr(post.body_html, "<script"));
    assert_null(strstr(post.body_html, "alert(1)</"));
    assert_null(strstr(post.body_html, "javascript:"));

    /* categories then tags, each by name; names trimmed, empty entries skipped */
    struct store_term *terms;
    size_t count;
    assert_int_equal(store_post_terms(f->s, &f->a, id, &terms, &count), STORE_OK);
    assert_int_equal(count, 4);
    assert_string_equal(terms[0].taxonomy, "category");
    assert_string_equal(terms[0].name, "Caf\xC3\xA9 Talk");
    assert_string_equal(terms[0].slug, "cafe-talk");
    assert_string_equal(terms[1].taxonomy, "category");
    assert_string_equal(terms[1].name, "News");
    assert_string_equal(terms[1].slug, "news");
    assert_string_equal(terms[2].taxonomy, "post_tag");
    assert_string_equal(terms[2].name, "c");
    assert_string_equal(terms[3].taxonomy, "post_tag");
    assert_string_equal(terms[3].name, "sqlite");
    assert_string_equal(terms[3].slug, "sqlite");

    /* an existing term is linked again, not created twice */
    struct post_draft second = {.title = "Another",
                                .status = "publish",
                                .markdown = "x",
                                .categories = "news",
                                .published_at = NOV_14_2023};
    long long id2 = 0;
    assert_int_equal(create_post(f->s, &f->a, &second, &id2, &error), STORE_OK);
    struct store_term *terms2;
    assert_int_equal(store_post_terms(f->s, &f->a, id2, &terms2, &count), STORE_OK);
    assert_int_equal(count, 1);
    assert_int_equal(terms2[0].id, terms[1].id);
    assert_string_equal(terms2[0].name, "News");
    buf_free(&error);
}

/* A slug another route answers (a feed, PERMALINK/print/ …) is never a post's: WordPress's
 * wp_unique_post_slug adds "-2" to "feed", and /2023/11/14/print/ would be the print view of
 * the day archive's missing post. */
/* A slug or a category whose slug no address can hold ("%2e%2e" is "..") is refused, naming
 * the field, as the importer refuses one from a file; nothing is stored. */
static void test_create_refuses_unaddressable_slugs(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft drafts[] = {
        {.title = "T", .slug = "%2e%2e", .status = "publish", .markdown = "a"},
        {.title = "T", .slug = "a%00b", .status = "publish", .markdown = "a"},
        {.title = "T", .categories = "News, %2E%2E", .status = "publish", .markdown = "a"},
        {.title = "T", .tags = "ok, a%2fb", .status = "publish", .markdown = "a"},
    };
    const char *fields[] = {"slug", "slug", "categories", "tags"};
    for (size_t i = 0; i < 4; i++) {
        buf error = {0};
        const char *field = NULL;
        long long id = 0;
        assert_int_equal(post_save(f->s, &f->a, &drafts[i], NOV_14_2023, &id, &field, &error),
                         POST_INVALID);
        assert_string_equal(field, fields[i]);
        assert_non_null(strstr(buf_cstr(&error), "cannot be part of an address"));
        buf_free(&error);
    }
    struct store_post *posts;
    size_t count;
    struct store_post_filter all = {0};
    assert_int_equal(store_post_list(f->s, &f->a, &all, &posts, &count), STORE_OK);
    assert_int_equal(count, 0);
}

static void test_create_reserved_slug(void **state)
{
    struct temp_fixture *f = *state;
    const char *asked[] = {"Feed", "print", "comment-page-2", "Embed"};
    const char *made[] = {"feed-2", "print-2", "comment-page-2-2", "embed-2"};
    for (size_t i = 0; i < 4; i++) {
        struct post_draft draft = {.title = asked[i],
                                   .slug = i == 1 ? asked[i] : NULL,
                                   .status = "publish",
                                   .markdown = "a",
                                   .published_at = NOV_14_2023};
        buf error = {0};
        long long id = 0;
        assert_int_equal(create_post(f->s, &f->a, &draft, &id, &error), STORE_OK);
        struct store_post post;
        assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
        assert_string_equal(post.slug, made[i]);
        buf_free(&error);
    }
}

static void test_create_unique_slug(void **state)
{
    struct temp_fixture *f = *state;
    struct post_draft draft = {
        .title = "Hello World", .status = "publish", .markdown = "a", .published_at = NOV_14_2023};
    buf error = {0};
    long long first = 0, second = 0, third = 0, fourth = 0;
    assert_int_equal(create_post(f->s, &f->a, &draft, &first, &error), STORE_OK);
    assert_int_equal(create_post(f->s, &f->a, &draft, &second, &error), STORE_OK);
    /* another day: the path would be free, the slug still is not */
    draft.published_at = NOV_14_2023 + 40 * DAY; /* 2023-12-24 */
    assert_int_equal(create_post(f->s, &f->a, &draft, &third, &error), STORE_OK);
    /* an explicit slug is used as given */
    draft.slug = "greeting";
    assert_int_equal(create_post(f->s, &f->a, &draft, &fourth, &error), STORE_OK);
    assert_int_equal(error.len, 0);

    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, first, &post), STORE_OK);
    assert_string_equal(post.slug, "hello-world");
    assert_string_equal(post.path, "/2023/11/14/hello-world/");
    assert_int_equal(store_post_get(f->s, &f->a, second, &post), STORE_OK);
    assert_string_equal(post.slug, "hello-world-2");
    assert_string_equal(post.path, "/2023/11/14/hello-world-2/");
    assert_int_equal(store_post_get(f->s, &f->a, third, &post), STORE_OK);
    assert_string_equal(post.slug, "hello-world-3");
    assert_string_equal(post.path, "/2023/12/24/hello-world-3/");
    assert_int_equal(store_post_get(f->s, &f->a, fourth, &post), STORE_OK);
    assert_string_equal(post.slug, "greeting");
    assert_string_equal(post.path, "/2023/12/24/greeting/");
    buf_free(&error);
}

static void test_create_defaults_and_pattern(void **state)
{
    struct temp_fixture *f = *state;
    set(f, "site.permalink", "/%postname%/");
    struct post_draft draft = {.title = "\xC2\xBFQu\xC3\xA9 tal?", .markdown = ""};
    buf error = {0};
    long long id = 0;
    long long before = (long long)time(NULL);
    assert_int_equal(create_post(f->s, &f->a, &draft, &id, &error), STORE_OK);
    long long after = (long long)time(NULL);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    assert_int_equal(post.status, POST_STATUS_DRAFT); /* no status: a draft */
    assert_string_equal(post.slug, "que-tal");        /* ¿Qué tal? */
    assert_string_equal(post.path, "/que-tal/");
    assert_true(post.published_at >= before && post.published_at <= after); /* 0 = now */
    assert_false(post.comments_open);
    assert_false(post_is_public(&post));
    struct store_term *terms;
    size_t count;
    assert_int_equal(store_post_terms(f->s, &f->a, id, &terms, &count), STORE_OK);
    assert_int_equal(count, 0);
    buf_free(&error);
}

static void test_create_failure_stores_nothing(void **state)
{
    struct temp_fixture *f = *state;
    /* a path made from %post_id% is refused (documented in post.c as not supported yet); the
     * point here is that the refusal leaves no post and no term behind */
    set(f, "site.permalink", "/archives/%post_id%/");
    struct post_draft draft = {.title = "Lonely",
                               .status = "publish",
                               .markdown = "x",
                               .categories = "Solo",
                               .published_at = NOV_14_2023};
    buf error = {0};
    long long id = 0;
    assert_int_equal(create_post(f->s, &f->a, &draft, &id, &error), STORE_ERROR);
    assert_true(error.len > 0);
    struct store_post post;
    assert_int_equal(store_post_find_slug(f->s, &f->a, "lonely", &post), STORE_NOT_FOUND);
    struct store_term term;
    assert_int_equal(store_term_find(f->s, &f->a, "category", "solo", &term), STORE_NOT_FOUND);
    long long count = -1;
    struct store_post_filter any = {0};
    assert_int_equal(store_post_count(f->s, &any, &count), STORE_OK);
    assert_int_equal(count, 0);
    buf_free(&error);
}

/* %author% is the author's nicename, as WordPress writes it: "j.doe" is at /j-doe/. A title
 * in Greek gives its slug as WordPress makes it. */
static void test_create_author_nicename_and_script(void **state)
{
    struct temp_fixture *f = *state;
    set(f, "site.permalink", "/%author%/%postname%/");
    buf error = {0};
    assert_int_equal(user_add(f->s, &f->a, "j.doe", USER_AUTHOR, NULL, &error), STORE_OK);
    struct post_draft draft = {.title = "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD"
                                        "\xCF\x81\xCE\xB1", /* Καλημέρα */
                               .author_login = "j.doe",
                               .status = "publish",
                               .markdown = "x",
                               .published_at = NOV_14_2023};
    long long id = 0;
    assert_int_equal(create_post(f->s, &f->a, &draft, &id, &error), STORE_OK);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    /* κ ce ba, α ce b1, λ ce bb, η ce b7, μ ce bc, έ ce ad, ρ cf 81, α ce b1 */
    assert_string_equal(post.slug, "%ce%ba%ce%b1%ce%bb%ce%b7%ce%bc%ce%ad%cf%81%ce%b1");
    assert_string_equal(post.path, "/j-doe/%ce%ba%ce%b1%ce%bb%ce%b7%ce%bc%ce%ad%cf%81%ce%b1/");
    buf_free(&error);
}

/* A page at `path` (publish) with `parent_id`; returns its id. */
static long long insert_page(struct temp_fixture *f, const char *slug, const char *path,
                             long long parent_id)
{
    struct store_post page = {.type = POST_TYPE_PAGE,
                              .status = POST_STATUS_PUBLISH,
                              .slug = slug,
                              .path = path,
                              .title = slug,
                              .excerpt = "",
                              .body_html = "<p>x</p>",
                              .body_source = "",
                              .body_text = "x",
                              .password = "",
                              .guid = "",
                              .published_at = NOV_14_2023,
                              .modified_at = NOV_14_2023};
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &page, &id), STORE_OK);
    if (parent_id)
        assert_int_equal(store_post_set_parent(f->s, id, parent_id), STORE_OK);
    long long parent = -1;
    assert_int_equal(store_post_parent(f->s, id, &parent), STORE_OK);
    assert_int_equal(parent, parent_id);
    return id;
}

/* The post that `path` answers 301 for (0: none). */
static long long moved_to(struct temp_fixture *f, const char *path)
{
    struct store_post post;
    int rc = post_find_moved(f->s, &f->a, path, &post);
    assert_int_not_equal(rc, STORE_ERROR);
    return rc == STORE_OK ? post.id : 0;
}

/* A page whose slug an editor changes moves, with its children under it, and every old path
 * answers 301 (WordPress's children follow their parent; its old slugs redirect). */
static void test_slug_change_moves_children(void **state)
{
    struct temp_fixture *f = *state;
    long long about = insert_page(f, "about", "/about/", 0);
    long long team = insert_page(f, "team", "/about/team/", about);
    long long editors = insert_page(f, "editors", "/about/team/editors/", team);
    long long own = insert_page(f, "own", "/elsewhere/own/", about); /* a <link> of its own */
    struct post_draft draft = {.id = about,
                               .title = "About us",
                               .slug = "About Us",
                               .status = "publish",
                               .markdown = "x",
                               .html = true};
    buf error = {0};
    long long id;
    const char *field;
    assert_int_equal(post_save(f->s, &f->a, &draft, NOV_14_2023 + DAY, &id, &field, &error),
                     STORE_OK);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, about, &post), STORE_OK);
    assert_string_equal(post.path, "/about-us/");
    assert_int_equal(store_post_get(f->s, &f->a, team, &post), STORE_OK);
    assert_string_equal(post.path, "/about-us/team/");
    assert_int_equal(store_post_get(f->s, &f->a, editors, &post), STORE_OK);
    assert_string_equal(post.path, "/about-us/team/editors/");
    assert_int_equal(store_post_get(f->s, &f->a, own, &post), STORE_OK);
    assert_string_equal(post.path, "/elsewhere/own/");
    assert_int_equal(moved_to(f, "/about/"), about);
    assert_int_equal(moved_to(f, "/about/team/"), team);
    assert_int_equal(moved_to(f, "/about/team/editors/"), editors);
    assert_int_equal(moved_to(f, "/about-us/"), 0); /* its own path is no old one */
    struct store_post *children;
    size_t count;
    assert_int_equal(store_post_children(f->s, &f->a, about, &children, &count), STORE_OK);
    assert_int_equal(count, 2);
    assert_int_equal(children[0].id, team);
    assert_int_equal(children[1].id, own);
    buf_free(&error);
}

/* _wp_old_slug and _wp_old_date: each old slug and each old date, and both, answer 301. */
static void test_record_old_paths(void **state)
{
    struct temp_fixture *f = *state;
    long long id = insert_page(f, "%d8%a7", "/2019/01/%d8%a7/", 0);
    struct store_post post;
    assert_int_equal(store_post_get(f->s, &f->a, id, &post), STORE_OK);
    const char *slugs[] = {"old", "%D9%82", "../x", "a/b"};
    const char *dates[] = {"2018-12-31", "not a date"};
    assert_int_equal(
        post_record_old_paths(f->s, &f->a, &post, "2019-01-15 10:00:00", slugs, 4, dates, 2),
        STORE_OK);
    assert_int_equal(moved_to(f, "/2019/01/old/"), id);
    assert_int_equal(moved_to(f, "/2019/01/%d9%82/"), id);
    assert_int_equal(moved_to(f, "/2018/12/%d8%a7/"), id);
    assert_int_equal(moved_to(f, "/2018/12/old/"), id);
    assert_int_equal(moved_to(f, "/2018/12/%d9%82/"), id);
    assert_int_equal(moved_to(f, "/2019/01/x/"), 0);
    assert_int_equal(moved_to(f, "/2019/01/../x/"), 0);
    assert_int_equal(moved_to(f, "/2017/12/old/"), 0);
    /* a post readers may not see is not redirected to */
    assert_int_equal(store_post_set_status(f->s, id, POST_STATUS_DRAFT), STORE_OK);
    assert_int_equal(moved_to(f, "/2019/01/old/"), 0);
}

static void test_is_public(void **state)
{
    (void)state;
    struct store_post post = {.type = POST_TYPE_POST, .status = POST_STATUS_PUBLISH};
    assert_true(post_is_public(&post));
    post.type = POST_TYPE_PAGE;
    assert_true(post_is_public(&post));
    const enum post_status hidden[] = {POST_STATUS_DRAFT, POST_STATUS_PENDING, POST_STATUS_PRIVATE,
                                       POST_STATUS_FUTURE, POST_STATUS_TRASH};
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        post.status = hidden[i];
        assert_false(post_is_public(&post));
    }
}

static void test_comments_open(void **state)
{
    struct temp_fixture *f = *state;
    long long now = NOV_14_2023 + 10 * DAY;
    struct store_post post = {.type = POST_TYPE_POST,
                              .status = POST_STATUS_PUBLISH,
                              .published_at = NOV_14_2023,
                              .comments_open = true};
    assert_true(post_comments_open(f->s, &f->a, &post, now)); /* close_after_days 0: never */
    post.comments_open = false;
    assert_false(post_comments_open(f->s, &f->a, &post, now));
    post.comments_open = true;
    post.status = POST_STATUS_DRAFT;
    assert_false(post_comments_open(f->s, &f->a, &post, now));
    post.status = POST_STATUS_PRIVATE;
    assert_false(post_comments_open(f->s, &f->a, &post, now));
    post.status = POST_STATUS_PUBLISH;

    set(f, "comments.close_after_days", "10");
    assert_false(post_comments_open(f->s, &f->a, &post, now));    /* exactly 10 days old */
    assert_true(post_comments_open(f->s, &f->a, &post, now - 1)); /* a second younger */
    set(f, "comments.close_after_days", "11");
    assert_true(post_comments_open(f->s, &f->a, &post, now));
    assert_false(post_comments_open(f->s, &f->a, &post, now + DAY)); /* 11 days old */
    set(f, "comments.close_after_days", "0");
    assert_true(post_comments_open(f->s, &f->a, &post, now + 10000 * DAY));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slugify_ascii),
        cmocka_unit_test(test_slugify_accents),
        cmocka_unit_test(test_slugify_latin_extended),
        cmocka_unit_test(test_slugify_apostrophes),
        cmocka_unit_test(test_slugify_curly_apostrophe),
        cmocka_unit_test(test_slugify_punctuation),
        cmocka_unit_test(test_slugify_trims_dashes),
        cmocka_unit_test(test_slugify_empty),
        cmocka_unit_test(test_slugify_length_cap),
        cmocka_unit_test(test_slugify_length_cap_at_dash),
        cmocka_unit_test(test_permalink_default),
        cmocka_unit_test(test_permalink_other_patterns),
        cmocka_unit_test_setup_teardown(test_resolve, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_unique_slug, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_reserved_slug, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_refuses_unaddressable_slugs, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_defaults_and_pattern, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_failure_stores_nothing, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test(test_is_public),
        cmocka_unit_test_setup_teardown(test_slug_change_moves_children, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_record_old_paths, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_author_nicename_and_script, setup,
                                        temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_comments_open, setup, temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
