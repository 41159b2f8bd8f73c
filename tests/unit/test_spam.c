/* test_spam.c: unit tests of the comment spam rules: link counting, hold and block word lists
 * (parsing, each field, case), the verdict and its reason, the form's signed time stamp, and
 * comment_submit applying them on a real SQLite store. */
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

#include "model/comment.h"
#include "model/secret.h"
#include "model/settings.h"
#include "model/spam.h"
#include "markup/markdown.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define NOW 1700000000LL /* 2023-11-14 22:13:20 UTC */
#define DAY 86400LL

/* ---- link counting ---- */

/* Links a reader sees in `markdown` once rendered as a comment. */
static size_t links_in(const char *markdown)
{
    buf html = {0};
    markup_markdown(markdown, strlen(markdown), SANITIZE_COMMENT, &html);
    size_t n = spam_count_links(markdown, strlen(markdown), buf_cstr(&html));
    buf_free(&html);
    return n;
}

static void test_links_none(void **state)
{
    (void)state;
    assert_int_equal(links_in(""), 0);
    assert_int_equal(links_in("Plain words, no links at all."), 0);
    assert_int_equal(links_in("example.com is not a link, nor is http:/broken"), 0);
    assert_int_equal(links_in("`https://in.code.example/` and\n\n    http://indented.example/\n"),
                     0);
    assert_int_equal(links_in("<abbr title=\"x\">abbr</abbr> <address>a</address>"), 0);
    assert_int_equal(links_in("a < b and c <a > d"), 0); /* no href */
    assert_int_equal(spam_count_links(NULL, 0, NULL), 0);
}

static void test_links_markdown_and_autolinks(void **state)
{
    (void)state;
    assert_int_equal(links_in("[one](https://a.example/)"), 1);
    assert_int_equal(links_in("<https://a.example/>"), 1);
    assert_int_equal(links_in("bare https://a.example/x and http://b.example/y"), 2);
    assert_int_equal(links_in("www.example.org and www.example.net/page"), 2);
    /* the renderer links "www." in lower case only: a reader sees no link in capitals */
    assert_int_equal(links_in("WWW.EXAMPLE.NET"), 0);
    /* a link whose text is a URL is one link, as a reader sees it */
    assert_int_equal(links_in("[https://a.example/](https://a.example/)"), 1);
    assert_int_equal(links_in("[ref link][r]\n\n[r]: https://r.example/\n"), 1);
    assert_int_equal(links_in("[a](https://1.example) [b](https://2.example) "
                              "<https://3.example> https://4.example www.5.example"),
                     5);
}

static void test_links_html_anchors(void **state)
{
    (void)state;
    /* raw HTML is dropped by the renderer, but a typed anchor still counts */
    assert_int_equal(links_in("<a href=\"https://spam.example/\">cheap</a>"), 1);
    assert_int_equal(links_in("<A HREF='https://spam.example/'>x</A> <a\nhref=x>y</a>"), 2);
    /* footnote links stay on the page: not counted */
    assert_int_equal(links_in("A claim.[^1]\n\n[^1]: The source, in words.\n"), 0);
    /* rendered HTML alone */
    assert_int_equal(spam_count_links(NULL, 0,
                                      "<p><a href=\"#fn-1\">1</a> <a href=\"https://x.example\" "
                                      "rel=\"nofollow ugc\">x</a> <abbr>y</abbr></p>"),
                     1);
}

/* ---- word lists ---- */

static void test_word_list_parsing(void **state)
{
    (void)state;
    arena a = {0};
    const char **words;
    size_t n = spam_word_list(&a, "casino\nviagra, pills\r\n\n ,  \n  cheap loans  \n", &words);
    assert_int_equal(n, 4);
    assert_string_equal(words[0], "casino");
    assert_string_equal(words[1], "viagra");
    assert_string_equal(words[2], "pills");
    assert_string_equal(words[3], "cheap loans"); /* inner blanks kept */
    assert_int_equal(spam_word_list(&a, "", &words), 0);
    assert_int_equal(spam_word_list(&a, NULL, &words), 0);
    assert_int_equal(spam_word_list(&a, " \n,\r\n , \t", &words), 0);
    assert_int_equal(spam_word_list(&a, "one", &words), 1);
    assert_string_equal(words[0], "one");
    arena_free(&a);
}

static struct spam_comment sample(void)
{
    static const char text[] = "Thanks for the article about gardening.";
    return (struct spam_comment){
        .author = "Ann Reader",
        .email = "ann@mail.example",
        .url = "https://ann.example/blog",
        .ip = "192.0.2.7",
        .text = text,
        .text_len = sizeof(text) - 1,
        .html = "<p>Thanks for the article about gardening.</p>",
    };
}

/* spam_match_words on `c` must find `expected_word` in `expected_field`, or nothing (NULL). */
static void expect_match(const char *list, const struct spam_comment *c, const char *expected_word,
                         const char *expected_field)
{
    arena a = {0};
    const char *word = NULL, *field = NULL;
    bool found = spam_match_words(&a, list, c, &word, &field);
    if (!expected_word) {
        if (found)
            fail_msg("list %s: found \"%s\" in the %s, expected nothing", list ? list : "(NULL)",
                     word ? word : "", field ? field : "");
    } else {
        if (!found)
            fail_msg("list %s: nothing found, expected \"%s\" in the %s", list, expected_word,
                     expected_field);
        assert_string_equal(word, expected_word);
        assert_string_equal(field, expected_field);
    }
    arena_free(&a);
}

static void test_words_in_each_field(void **state)
{
    (void)state;
    struct spam_comment c = sample();
    expect_match("gardening", &c, "gardening", "comment");
    expect_match("Ann Reader", &c, "Ann Reader", "name");
    expect_match("mail.example", &c, "mail.example", "email");
    expect_match("ann.example/blog", &c, "ann.example/blog", "website");
    expect_match("192.0.2.", &c, "192.0.2.", "IP address"); /* a prefix: the whole range */
    expect_match("casino\nviagra", &c, NULL, NULL);
    /* the first entry of the list that is found anywhere wins; fields in order */
    expect_match("nothing here\nann\nthanks", &c, "ann", "name");
    expect_match("example", &c, "example", "email");
    /* NULL fields count as "" */
    struct spam_comment bare = {.text = "casino", .text_len = 6};
    expect_match("casino", &bare, "casino", "comment");
    expect_match("x", &bare, NULL, NULL);
    /* only text_len bytes of the text are looked at */
    struct spam_comment cut = {.text = "fine words casino", .text_len = 10};
    expect_match("casino", &cut, NULL, NULL);
}

static void test_words_case_insensitive(void **state)
{
    (void)state;
    struct spam_comment c = sample();
    c.text = "Visit the BEST CaSiNo today";
    c.text_len = strlen(c.text);
    expect_match("casino", &c, "casino", "comment");
    expect_match("CASINO", &c, "CASINO", "comment");
    expect_match("ANN@MAIL", &c, "ANN@MAIL", "email");
    /* ASCII letters fold; other characters must match exactly */
    c.text = "Viele GRüße";
    c.text_len = strlen(c.text);
    expect_match("grüße", &c, "grüße", "comment");
    expect_match("GRÜSSE", &c, NULL, NULL);
}

static void test_words_empty_entries_match_nothing(void **state)
{
    (void)state;
    struct spam_comment c = sample();
    expect_match("", &c, NULL, NULL);
    expect_match(NULL, &c, NULL, NULL);
    expect_match("\n\n , ,\n", &c, NULL, NULL);
    expect_match("\n , gardening", &c, "gardening", "comment");
}

/* ---- the verdict ---- */

static void expect_verdict(const struct spam_rules *rules, const struct spam_comment *c,
                           enum spam_verdict expected, const char *expected_reason)
{
    arena a = {0};
    const char *reason = NULL;
    enum spam_verdict v = spam_check(&a, rules, c, &reason);
    assert_non_null(reason);
    if (v != expected || strcmp(reason, expected_reason) != 0)
        fail_msg("verdict %d \"%s\", expected %d \"%s\"", v, reason, expected, expected_reason);
    arena_free(&a);
}

static void test_verdicts(void **state)
{
    (void)state;
    struct spam_comment c = sample();
    struct spam_rules rules = {.max_links = 2, .hold_words = "", .block_words = ""};
    expect_verdict(&rules, &c, SPAM_PASS, "");

    rules.hold_words = "casino\nann.example";
    expect_verdict(&rules, &c, SPAM_HOLD, "hold word \"ann.example\" in the website");
    rules.block_words = "viagra, 192.0.2.7";
    expect_verdict(&rules, &c, SPAM_REJECT, "block word \"192.0.2.7\" in the IP address");
    /* block beats hold */
    rules.block_words = "ann@";
    expect_verdict(&rules, &c, SPAM_REJECT, "block word \"ann@\" in the email");
    rules.hold_words = NULL;
    rules.block_words = NULL;
    expect_verdict(&rules, &c, SPAM_PASS, "");
}

static void test_verdict_links(void **state)
{
    (void)state;
    struct spam_comment c = sample();
    struct spam_rules rules = {.max_links = 2};
    c.text = "[a](https://1.example) and [b](https://2.example)";
    c.text_len = strlen(c.text);
    c.html = "<p><a href=\"https://1.example\">a</a> and <a href=\"https://2.example\">b</a></p>";
    expect_verdict(&rules, &c, SPAM_PASS, ""); /* two: not more than 2 */
    c.html = "<p><a href=\"https://1.example\">a</a> <a href=\"https://2.example\">b</a> "
             "<a href=\"https://3.example\">c</a></p>";
    expect_verdict(&rules, &c, SPAM_HOLD, "3 links (more than comments.max_links = 2)");
    rules.max_links = 0; /* no limit */
    expect_verdict(&rules, &c, SPAM_PASS, "");
    rules.max_links = 1;
    expect_verdict(&rules, &c, SPAM_HOLD, "3 links (more than comments.max_links = 1)");
    /* a hold word is named before the links */
    rules.hold_words = "thanks";
    c.text = "thanks";
    c.text_len = 6;
    expect_verdict(&rules, &c, SPAM_HOLD, "hold word \"thanks\" in the comment");
}

/* ---- the form's time stamp (a real store holds the site's key) ---- */

struct fixture {
    char dir[TEMP_STORE_DIR];   /* the mkdtemp directory, removed by teardown */
    char path[TEMP_STORE_PATH]; /* the database file in it */
    store *s;                   /* owned, closed by teardown */
    arena a;                    /* freed by teardown */
    struct store_post post;     /* a published post, comments open */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->s = temp_store_open(f->dir, f->path, "spam");
    assert_int_equal(secret_ensure(f->s), STORE_OK);
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = "open",
        .path = "/open/",
        .title = "Open",
        .body_html = "<p>body</p>",
        .published_at = NOW - DAY,
        .modified_at = NOW - DAY,
        .comments_open = true,
    };
    assert_int_equal(store_post_insert(f->s, &post, &post.id), STORE_OK);
    f->post = post;
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

static void test_stamp_format_and_age(void **state)
{
    struct fixture *f = *state;
    const char *stamp = spam_stamp_make(f->s, &f->a, NOW);
    const char *dot = strchr(stamp, '.');
    assert_non_null(dot);
    assert_int_equal(strtoll(stamp, NULL, 10), NOW);
    assert_int_equal(strlen(dot + 1), 32);
    for (const char *p = dot + 1; *p; p++)
        assert_true(isxdigit((unsigned char)*p));

    long long age = -1;
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW + 3, 3, &age), SPAM_STAMP_OK);
    assert_int_equal(age, 3);
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW + 2, 3, &age), SPAM_STAMP_TOO_FAST);
    assert_int_equal(age, 2);
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW, 3, NULL), SPAM_STAMP_TOO_FAST);
    /* from the future (another node's clock, say): too fast, not forged */
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW - 5, 3, &age), SPAM_STAMP_TOO_FAST);
    /* any age is accepted: a cached page carries the time it was made */
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW + 400 * DAY, 3, &age), SPAM_STAMP_OK);
    assert_int_equal(age, 400 * DAY);
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW, 0, NULL), SPAM_STAMP_OK);
}

static void test_stamp_tampered(void **state)
{
    struct fixture *f = *state;
    const char *stamp = spam_stamp_make(f->s, &f->a, NOW);
    long long age = -1;
    /* an older time with the same MAC: what a bot would try to skip the wait */
    const char *older = arena_printf(&f->a, "%lld%s", NOW - 60, strchr(stamp, '.'));
    assert_int_equal(spam_stamp_check(f->s, &f->a, older, NOW + 10, 3, &age), SPAM_STAMP_FORGED);
    assert_int_equal(age, 0);
    char *mac_changed = arena_strdup(&f->a, stamp);
    char *last = mac_changed + strlen(mac_changed) - 1;
    *last = *last == '0' ? '1' : '0';
    assert_int_equal(spam_stamp_check(f->s, &f->a, mac_changed, NOW + 10, 3, NULL),
                     SPAM_STAMP_FORGED);
    const char *malformed[] = {NULL,
                               "",
                               "abc",
                               "1700000000",
                               "1700000000.",
                               ".0123456789abcdef0123456789abcdef",
                               "-1700000000.0123456789abcdef0123456789abcdef",
                               "99999999999999999999.0123456789abcdef0123456789abcdef",
                               arena_printf(&f->a, "%s0", stamp),
                               arena_strndup(&f->a, stamp, strlen(stamp) - 1),
                               arena_printf(&f->a, " %s", stamp)};
    for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
        if (spam_stamp_check(f->s, &f->a, malformed[i], NOW + 10, 3, NULL) != SPAM_STAMP_FORGED)
            fail_msg("stamp %zu \"%s\" was accepted", i, malformed[i] ? malformed[i] : "(null)");
}

static void test_stamp_other_site(void **state)
{
    struct fixture *f = *state;
    void *other_state = NULL;
    setup(&other_state);
    struct fixture *g = other_state;
    const char *theirs = spam_stamp_make(g->s, &g->a, NOW);
    assert_string_not_equal(theirs, spam_stamp_make(f->s, &f->a, NOW));
    assert_int_equal(spam_stamp_check(f->s, &f->a, theirs, NOW + 10, 3, NULL), SPAM_STAMP_FORGED);
    assert_int_equal(spam_stamp_check(g->s, &g->a, theirs, NOW + 10, 3, NULL), SPAM_STAMP_OK);
    teardown(&other_state);
}

static void test_form_fields_follow_settings(void **state)
{
    struct fixture *f = *state;
    bool honeypot = false;
    const char *stamp = NULL;
    spam_form_fields(f->s, &f->a, NOW, &honeypot, &stamp); /* defaults: both on */
    assert_true(honeypot);
    assert_non_null(stamp);
    assert_int_equal(spam_stamp_check(f->s, &f->a, stamp, NOW + 3, 3, NULL), SPAM_STAMP_OK);
    temp_store_set(f->s, "comments.min_seconds", "0");
    temp_store_set(f->s, "comments.honeypot", "false");
    spam_form_fields(f->s, &f->a, NOW, &honeypot, &stamp);
    assert_false(honeypot);
    assert_null(stamp);
}

/* ---- settings ---- */

static void test_settings_validated(void **state)
{
    (void)state;
    struct {
        const char *key, *value;
        int expected;
    } cases[] = {
        {"comments.max_links", "2", 0},
        {"comments.max_links", "0", 0},
        {"comments.max_links", "-1", -2},
        {"comments.max_links", "many", -2},
        {"comments.min_seconds", "0", 0},
        {"comments.min_seconds", "3600", 0},
        {"comments.min_seconds", "3601", -2},
        {"comments.per_ip_10min", "0", 0},
        {"comments.per_ip_10min", "1.5", -2},
        {"comments.honeypot", "false", 0},
        {"comments.honeypot", "off", -2},
        {"comments.hold_words", "", 0},
        {"comments.hold_words", "casino\nviagra\r\ncheap, loans", 0},
        {"comments.block_words", "bad\xff", -2}, /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf error = {0};
        int rc = settings_check(cases[i].key, cases[i].value, &error);
        if (rc != cases[i].expected)
            fail_msg("%s = \"%s\": %d (%s), expected %d", cases[i].key, cases[i].value, rc,
                     buf_cstr(&error), cases[i].expected);
        if (rc)
            assert_non_null(strstr(buf_cstr(&error), cases[i].key));
        buf_free(&error);
    }
    /* a list may be long, not endless */
    char *list = malloc(10002);
    assert_non_null(list);
    memset(list, 'x', 10001);
    list[10001] = '\0';
    buf error = {0};
    assert_int_equal(settings_check("comments.block_words", list, &error), -2);
    assert_non_null(strstr(buf_cstr(&error), "10000"));
    list[10000] = '\0';
    assert_int_equal(settings_check("comments.block_words", list, &error), 0);
    buf_free(&error);
    free(list);
}

/* ---- comment_submit applies the rules ---- */

static size_t count_comments(struct fixture *f)
{
    struct store_comment_filter filter = {0};
    struct store_comment *list;
    size_t count;
    assert_int_equal(store_comment_list(f->s, &f->a, &filter, &list, &count), STORE_OK);
    return count;
}

static struct comment_input input(struct fixture *f, const char *text)
{
    return (struct comment_input){
        .author = "Ann",
        .email = "ann@example.org",
        .url = "",
        .text = text,
        .text_len = strlen(text),
        .ip = "192.0.2.1",
        .user_agent = "cmocka",
        .now = NOW,
        .stamp = spam_stamp_make(f->s, &f->a, NOW - 60),
    };
}

static void submit(struct fixture *f, const struct comment_input *in, struct comment_result *out)
{
    comment_submit(f->s, &f->a, &f->post, in, out);
    if (out->outcome == COMMENT_FAILED)
        fail_msg("comment failed: %s", out->failure);
}

static void test_submit_honeypot_and_stamp(void **state)
{
    struct fixture *f = *state;
    temp_store_set(f->s, "comments.moderation", "none");
    struct comment_result out;
    struct comment_input in = input(f, "Hello there.");

    in.honeypot = "https://bot.example/";
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_REJECTED);
    assert_int_equal(out.rejection, COMMENT_REJECTED_HONEYPOT);
    assert_true(strlen(out.message) > 0);
    assert_int_equal(count_comments(f), 0);
    in.honeypot = "";

    in.stamp = NULL;
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_REJECTED);
    assert_int_equal(out.rejection, COMMENT_REJECTED_FORM);
    assert_non_null(strstr(out.message, "not loaded from this site"));
    /* the form shown again carries a new, genuine stamp */
    assert_int_equal(spam_stamp_check(f->s, &f->a, out.stamp, NOW + 3, 3, NULL), SPAM_STAMP_OK);
    assert_int_equal(count_comments(f), 0);

    in.stamp = spam_stamp_make(f->s, &f->a, NOW - 1);
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_REJECTED);
    assert_int_equal(out.rejection, COMMENT_REJECTED_TOO_FAST);
    assert_non_null(strstr(out.message, "wait 2 seconds"));
    assert_string_equal(out.stamp, in.stamp); /* the same form will do in a moment */
    assert_int_equal(count_comments(f), 0);

    in.now = NOW + 2;
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);
    assert_int_equal(count_comments(f), 1);

    /* off: no stamp needed, the field may hold anything */
    temp_store_set(f->s, "comments.min_seconds", "0");
    temp_store_set(f->s, "comments.honeypot", "false");
    in.stamp = NULL;
    in.honeypot = "filled by a browser";
    in.now = NOW + 3;
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);
    assert_null(out.stamp);
    assert_int_equal(count_comments(f), 2);
}

static void test_submit_content_rules(void **state)
{
    struct fixture *f = *state;
    temp_store_set(f->s, "comments.moderation", "none");
    temp_store_set(f->s, "comments.hold_words", "casino");
    temp_store_set(f->s, "comments.block_words", "spammer.example\n203.0.113.");
    struct comment_result out;

    struct comment_input in = input(f, "See https://1.example https://2.example https://3.example");
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_HELD);
    struct store_comment c;
    assert_int_equal(store_comment_get(f->s, &f->a, out.id, &c), STORE_OK);
    assert_int_equal(c.status, COMMENT_STATUS_PENDING);
    assert_string_equal(c.held_by, "3 links (more than comments.max_links = 2)");

    in = input(f, "Two: https://1.example https://2.example");
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);

    in = input(f, "Nice words.");
    in.url = "https://best-CASINO.example/";
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_HELD);
    assert_int_equal(store_comment_get(f->s, &f->a, out.id, &c), STORE_OK);
    assert_string_equal(c.held_by, "hold word \"casino\" in the website");

    size_t before = count_comments(f);
    in = input(f, "Nice words.");
    in.email = "bot@SPAMMER.example";
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_REJECTED);
    assert_int_equal(out.rejection, COMMENT_REJECTED_BLOCKED);
    assert_null(strstr(out.message, "spammer")); /* the word is not told */
    assert_string_equal(out.reason, "block word \"spammer.example\" in the email");
    in = input(f, "Nice words.");
    in.ip = "203.0.113.9";
    submit(f, &in, &out);
    assert_int_equal(out.rejection, COMMENT_REJECTED_BLOCKED);
    assert_int_equal(count_comments(f), before);

    /* a hold word also holds under first-time moderation, with its own reason */
    temp_store_set(f->s, "comments.moderation", "first-time");
    in = input(f, "Casino night!");
    in.email = "new@example.org";
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_HELD);
    assert_int_equal(store_comment_get(f->s, &f->a, out.id, &c), STORE_OK);
    assert_string_equal(c.held_by, "hold word \"casino\" in the comment");
}

static void test_submit_rate_limit(void **state)
{
    struct fixture *f = *state;
    temp_store_set(f->s, "comments.moderation", "none");
    temp_store_set(f->s, "comments.per_ip_10min", "3");
    struct comment_result out;
    for (int i = 0; i < 3; i++) {
        struct comment_input in = input(f, "Within the limit.");
        in.now = NOW + i;
        submit(f, &in, &out);
        assert_int_equal(out.outcome, COMMENT_APPROVED);
    }
    struct comment_input in = input(f, "One too many.");
    in.now = NOW + 10;
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_REJECTED);
    assert_int_equal(out.rejection, COMMENT_REJECTED_RATE_LIMIT);
    assert_int_equal(out.retry_after, SPAM_IP_WINDOW);
    assert_non_null(strstr(out.message, "10 minutes"));
    assert_int_equal(count_comments(f), 3);
    /* another address is not affected */
    in.ip = "192.0.2.2";
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);
    /* ten minutes after the first, one more fits again */
    in.ip = "192.0.2.1";
    in.now = NOW + SPAM_IP_WINDOW + 1;
    submit(f, &in, &out);
    assert_int_equal(out.outcome, COMMENT_APPROVED);
    /* 0 = no limit */
    temp_store_set(f->s, "comments.per_ip_10min", "0");
    for (int i = 0; i < 5; i++) {
        in.now = NOW + SPAM_IP_WINDOW + 2 + i;
        submit(f, &in, &out);
        assert_int_equal(out.outcome, COMMENT_APPROVED);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links_none),
        cmocka_unit_test(test_links_markdown_and_autolinks),
        cmocka_unit_test(test_links_html_anchors),
        cmocka_unit_test(test_word_list_parsing),
        cmocka_unit_test(test_words_in_each_field),
        cmocka_unit_test(test_words_case_insensitive),
        cmocka_unit_test(test_words_empty_entries_match_nothing),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_verdict_links),
        cmocka_unit_test(test_settings_validated),
        T(test_stamp_format_and_age),
        T(test_stamp_tampered),
        T(test_stamp_other_site),
        T(test_form_fields_follow_settings),
        T(test_submit_honeypot_and_stamp),
        T(test_submit_content_rules),
        T(test_submit_rate_limit),
    };
#undef T
    return temp_store_run_tests(tests);
}
