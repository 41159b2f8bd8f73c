/* test_url_rewrite.c: unit tests of markup_rewrite_urls (an import moving images to its
 * uploads): which attributes change, how, and that nothing else does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "markup/url_rewrite.h"
#include "util/buf.h"

#define OLD "https://old.example/up/"

/* The map of these tests: OLD + PATH becomes /local/PATH (the query string dropped). */
static int to_local(void *context, const char *url, size_t len, buf *out)
{
    (void)context;
    size_t n = strlen(OLD);
    if (len <= n || strncmp(url, OLD, n) != 0)
        return 0;
    buf_puts(out, "/local/");
    buf_append(out, url + n, strcspn(url + n, "?") < len - n ? strcspn(url + n, "?") : len - n);
    return 1;
}

static void check(const char *html, const char *expected, size_t changes)
{
    buf out = {0};
    size_t changed = markup_rewrite_urls(html, strlen(html), to_local, NULL, &out);
    if (strcmp(buf_cstr(&out), expected) != 0)
        fail_msg("rewrite(\"%s\")\n = \"%s\"\n expected \"%s\"", html, buf_cstr(&out), expected);
    if (changed != changes)
        fail_msg("rewrite(\"%s\") counted %zu changes, expected %zu", html, changed, changes);
    buf_free(&out);
}

static void test_src_and_href(void **state)
{
    (void)state;
    check("<p><a href=\"" OLD "a.jpg\"><img class=\"x\" src='" OLD "a-300x200.jpg?w=300'"
          " alt=\"A\"></a></p>",
          "<p><a href=\"/local/a.jpg\"><img class=\"x\" src=\"/local/a-300x200.jpg\""
          " alt=\"A\"></a></p>",
          2);
    /* unquoted, and with white space around it */
    check("<img src=" OLD "b.png>", "<img src=\"/local/b.png\">", 1);
    check("<img src=\"  " OLD "b.png \">", "<img src=\"  /local/b.png \">", 1);
    /* a character reference in the URL is read as a browser reads it */
    check("<img src=\"" OLD "c.jpg?w=1&amp;h=2\">", "<img src=\"/local/c.jpg\">", 1);
    check("<video poster=\"" OLD "p.jpg\"></video>", "<video poster=\"/local/p.jpg\"></video>", 1);
}

static void test_link_text_that_is_its_address(void **state)
{
    (void)state;
    /* WordPress's file links ([audio] fallback, the file block) show their address */
    check("<a href=\"" OLD "s.mp3\">" OLD "s.mp3</a>", "<a href=\"/local/s.mp3\">/local/s.mp3</a>",
          1);
    check("<a href=\"" OLD "s.mp3?a=1&amp;b=2\">" OLD "s.mp3?a=1&amp;b=2</a>",
          "<a href=\"/local/s.mp3\">/local/s.mp3</a>", 1);
    /* other text stays */
    check("<a href=\"" OLD "s.mp3\">Listen: " OLD "s.mp3</a>",
          "<a href=\"/local/s.mp3\">Listen: " OLD "s.mp3</a>", 1);
    check("<a href=\"" OLD "s.mp3\"><b>" OLD "s.mp3</b></a>",
          "<a href=\"/local/s.mp3\"><b>" OLD "s.mp3</b></a>", 1);
}

static void test_srcset_and_style(void **state)
{
    (void)state;
    check("<img srcset=\"" OLD "a-300x200.jpg 300w, " OLD "a.jpg 1200w,https://cdn.example/z.jpg"
          " 2x\">",
          "<img srcset=\"/local/a-300x200.jpg 300w, /local/a.jpg 1200w,https://cdn.example/z.jpg"
          " 2x\">",
          2);
    check("<div style=\"background:url(" OLD "bg.jpg) no-repeat; color: red\">x</div>",
          "<div style=\"background:url(/local/bg.jpg) no-repeat; color: red\">x</div>", 1);
    check("<div style=\"background-image: URL( '" OLD "bg.jpg' )\"></div>",
          "<div style=\"background-image: URL( '/local/bg.jpg' )\"></div>", 1);
    check("<div style=\"background:url(&quot;" OLD "q.jpg&quot;)\"></div>",
          "<div style=\"background:url(&quot;/local/q.jpg&quot;)\"></div>", 1);
}

static void test_everything_else_stays(void **state)
{
    (void)state;
    const char *same[] = {
        "",
        "text " OLD "a.jpg in text stays",
        "<a href=\"https://elsewhere.example/up/a.jpg\">x</a>",
        "<img alt=\"" OLD "a.jpg\" data-src=\"" OLD "a.jpg\">",
        "<!-- <img src=\"" OLD "a.jpg\"> --><p title='&lt;x&gt;'>&amp;</p>",
        "<img src>",
        "<div style=\"url(\"></div>",
        "<script>var s = '<img src=\"" OLD "a.jpg\">';</script>",
        "<b><p>misnested</b></p>",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        check(same[i], same[i], 0);
}

static void test_misnested_and_broken_markup(void **state)
{
    (void)state;
    /* gumbo moves and clones elements here; each attribute in the text changes once */
    check("<b><p><a href=\"" OLD "1.jpg\">x</b>y</a></p>",
          "<b><p><a href=\"/local/1.jpg\">x</b>y</a></p>", 1);
    check("<table><a href=\"" OLD "2.jpg\">x</a><tr><td>y</td></tr></table>",
          "<table><a href=\"/local/2.jpg\">x</a><tr><td>y</td></tr></table>", 1);
    /* a value with a quote in it comes out escaped */
    check("<img src='" OLD "a\"b.jpg'>", "<img src=\"/local/a&quot;b.jpg\">", 1);
    /* a tag left open at the end: gumbo drops it, and so nothing changes */
    check("<img src=\"" OLD "a.jpg\"", "<img src=\"" OLD "a.jpg\"", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_src_and_href),
        cmocka_unit_test(test_link_text_that_is_its_address),
        cmocka_unit_test(test_srcset_and_style),
        cmocka_unit_test(test_everything_else_stays),
        cmocka_unit_test(test_misnested_and_broken_markup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
