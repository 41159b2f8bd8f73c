/* test_text.c: markup_html_to_text on paragraphs, quotes, lists, <pre> and wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "markup/html_depth.h"
#include "markup/text.h"

/* Renders an exact-size heap copy of `html` (no NUL after it, so an over-read shows under
 * AddressSanitizer) and compares with `expected`. */
static void check_text(const char *html, int indent, const char *prefix, int width,
                       const char *expected)
{
    size_t len = strlen(html);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, html, len);
    struct text_options options = {.indent = indent, .quote_prefix = prefix, .width = width};
    buf out = {0};
    markup_html_to_text(copy, len, &options, &out);
    assert_string_equal(buf_cstr(&out), expected);
    buf_free(&out);
    free(copy);
}

static void test_brief_examples(void **state)
{
    (void)state;
    check_text("<p>(with Vito’s voice)<br />\nAnd gimme.</p>\n<p>(Fault)</p>", 6, ">", 0,
               "      (with Vito’s voice)\n      And gimme.\n\n      (Fault)\n");
    check_text("<blockquote><p>US Secretary said “x.”</p></blockquote>\n<p>At least.</p>", 4, ">",
               0, "    >US Secretary said “x.”\n\n    At least.\n");
}

static void test_nested_blockquotes(void **state)
{
    (void)state;
    const char *html = "<blockquote><p>outer</p><blockquote><p>inner</p></blockquote>"
                       "<p>after</p></blockquote>";
    check_text(html, 0, ">", 0, ">outer\n>\n>>inner\n>\n>after\n");
    check_text(html, 2, "> ", 0, "  > outer\n  >\n  > > inner\n  >\n  > after\n");
    check_text(html, 2, NULL, 0, "  outer\n\n  inner\n\n  after\n");
}

static void test_lists(void **state)
{
    (void)state;
    check_text("<ul><li>one</li><li>two</li></ul>", 0, NULL, 0, "- one\n\n- two\n");
    check_text("<ol start=\"3\"><li>c</li><li>d</li></ol>", 0, NULL, 0, "3. c\n\n4. d\n");
    check_text("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", 0, NULL, 0,
               "- a\n\n  - b\n\n- c\n");
    check_text("<ol><li>x<br>y</li></ol>", 1, NULL, 0, " 1. x\n    y\n");
    check_text("<ul><li><ol><li>z</li></ol></li></ul>", 0, NULL, 0, "- 1. z\n");
    check_text("<ul><li></li><li>only</li></ul>", 0, NULL, 0, "- only\n");
}

static void test_pre_keeps_lines(void **state)
{
    (void)state;
    check_text("<p>before</p><pre>  a  b\n\tc   \n\n\nd\n</pre><p>after</p>", 2, NULL, 0,
               "  before\n\n    a  b\n  \tc\n\n\n  d\n\n  after\n");
    check_text("<blockquote><pre>x\n\ny</pre></blockquote>", 0, ">", 0, ">x\n>\n>y\n");
    /* no wrapping inside <pre> */
    check_text("<pre>aaa bbb ccc</pre>", 0, NULL, 4, "aaa bbb ccc\n");
}

static void test_whitespace_and_entities(void **state)
{
    (void)state;
    check_text("<p>  a \n\t b&amp;c&nbsp;d  </p>", 0, NULL, 0,
               "a b&c\xC2\xA0"
               "d\n");
    check_text("a<b>b</b>c", 0, NULL, 0, "abc\n");
    check_text("<p>a<br><br><br>b<br></p>", 0, NULL, 0, "a\n\nb\n");
}

static void test_links_images_headings(void **state)
{
    (void)state;
    check_text("<p>See <a href=\"/x\">the <em>docs</em></a> <img src=\"i.png\" alt=\"a cat\"> "
               "now</p>",
               0, NULL, 0, "See the docs a cat now\n");
    check_text("<h1>Title</h1><p>Body</p><h2>Sub</h2>", 0, NULL, 0, "Title\n\nBody\n\nSub\n");
    check_text("<figure><img alt=\"Map\"><figcaption>Fig. 1</figcaption></figure>", 0, NULL, 0,
               "Map\n\nFig. 1\n");
    check_text("<p>a</p><hr><p>b</p>", 0, NULL, 0, "a\n\nb\n");
    check_text("<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>30</td></tr>"
               "</table>",
               0, NULL, 0, "Name Age\n\nAnn 30\n");
    check_text("<p>x<script>var a;</script></p><style>p{}</style>", 0, NULL, 0, "x\n");
}

static void test_wrapping(void **state)
{
    (void)state;
    check_text("<p>The quick brown fox jumps over the lazy dog</p>", 2, NULL, 20,
               "  The quick brown\n  fox jumps over the\n  lazy dog\n");
    /* 12 code points per line, though a Cyrillic letter is two bytes */
    check_text("<p>Съешь же ещё этих мягких булок</p>", 0, NULL, 12,
               "Съешь же ещё\nэтих мягких\nбулок\n");
    /* the prefix counts: 2 of the 7 columns; an emoji is one code point of four bytes */
    check_text("<blockquote><p>😀 😀😀 ab 😀</p></blockquote>", 0, "> ", 7, "> 😀 😀😀\n> ab 😀\n");
    check_text("<p>a supercalifragilisticexpialidocious b c</p>", 2, NULL, 10,
               "  a\n  supercalifragilisticexpialidocious\n  b c\n");
    check_text("<ul><li>alpha beta gamma delta</li></ul>", 0, NULL, 12,
               "- alpha beta\n  gamma\n  delta\n");
    /* less room than the indent: one word a line */
    check_text("<p>ab cd</p>", 4, NULL, 3, "    ab\n    cd\n");
}

static void test_empty_input(void **state)
{
    (void)state;
    check_text("", 4, ">", 0, "");
    check_text("   \n ", 4, ">", 0, "");
    check_text("<p></p><div> </div><br><br>", 4, ">", 0, "");
    buf out = {0};
    markup_html_to_text(NULL, 0, NULL, &out);
    assert_int_equal(out.len, 0);
    buf_puts(&out, "X\n");
    markup_html_to_text("<p>a</p>", 8, NULL, &out);
    assert_string_equal(buf_cstr(&out), "X\na\n");
    buf_free(&out);
}

static void test_garbage(void **state)
{
    (void)state;
    check_text("<p>unclosed <b>bold<p>next</i></div>", 0, NULL, 0, "unclosed bold\n\nnext\n");
    check_text("<<>>&&<", 0, NULL, 0, "<<>>&&<\n");
    check_text("<blockquote><li>stray", 0, ">", 0, ">- stray\n");

    /* deep nesting is walked without recursion */
    buf deep = {0};
    for (int k = 0; k < 5000; k++)
        buf_puts(&deep, "<div>");
    buf_puts(&deep, "x");
    check_text(buf_cstr(&deep), 0, NULL, 0, "x\n");
    buf_free(&deep);
}

/* Random markup from a fixed seed: whatever comes out has no trailing blanks on a line, no
 * blank first or last line, no two blank lines in a row (there is no <pre> in the pieces) and
 * one final newline. AddressSanitizer watches the reads. */
static void test_random_input_keeps_the_shape(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "<p>",
        "</p>",
        "<br>",
        "<blockquote>",
        "</blockquote>",
        "<ul>",
        "<ol>",
        "<li>",
        "</li>",
        "</ul>",
        "<div>",
        "</div>",
        " ",
        "\n",
        "word",
        "ёж",
        "😀",
        "&amp;",
        "<",
        ">",
        "<img alt=' a '>",
        "<h2>",
        "<hr>",
        "<td>",
        "<tr>",
        "<table>",
        "<a href=x>",
        "</a>",
        "\t",
        "&nbsp;",
    };
    unsigned seed = 4242;
    for (int round = 0; round < 1500; round++) {
        buf in = {0};
        int count = (int)(seed % 30);
        for (int k = 0; k < count; k++) {
            seed = seed * 1103515245u + 12345u;
            buf_puts(&in, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
        }
        seed = seed * 1103515245u + 12345u;
        struct text_options options = {.indent = (int)(seed % 3),
                                       .quote_prefix = (seed & 8) ? "> " : NULL,
                                       .width = (int)((seed >> 8) % 12)};
        buf out = {0};
        markup_html_to_text(in.ptr, in.len, &options, &out);
        if (out.len) {
            assert_true(out.ptr[out.len - 1] == '\n');
            assert_true(out.ptr[0] != '\n');
            assert_true(out.len < 2 || out.ptr[out.len - 2] != '\n');
            assert_null(strstr(out.ptr, " \n"));
            assert_null(strstr(out.ptr, "\n\n\n"));
        }
        buf_free(&out);
        buf_free(&in);
    }
}

/* Stored posts from before the sanitizer bounded nesting may be 60,000 quotes deep: the text
 * (like the PDF) is made from a tree bounded to MARKUP_HTML_DEPTH_LIMIT, so the one line of
 * text carries that many quote marks, not 60,000 (and the walk stays linear). */
static void test_deep_stored_html(void **state)
{
    (void)state;
    buf html = {0}, out = {0};
    for (int i = 0; i < 60000; i++)
        buf_puts(&html, "<blockquote>");
    buf_puts(&html, "x");
    for (int i = 0; i < 60000; i++)
        buf_puts(&html, "</blockquote>");
    struct text_options options = {.quote_prefix = ">"};
    markup_html_to_text(html.ptr, html.len, &options, &out);
    const char *x = strchr(buf_cstr(&out), 'x');
    assert_non_null(x);
    size_t quotes = 0;
    while (x > out.ptr && x[-1] == '>') {
        x--;
        quotes++;
    }
    assert_int_equal(quotes, MARKUP_HTML_DEPTH_LIMIT);
    buf_free(&out);
    buf_free(&html);
}

/* `render text` labels images: "[Image: ALT]", "[Image]" without alt; other callers (search
 * text, summaries) keep the alt text alone. */
static void test_image_labels(void **state)
{
    (void)state;
    const char *html = "<p>See <img src=\"/a.jpg\" alt=\"a red  door\"> and <img src=\"/b.jpg\" "
                       "alt=\"\"><img src=\"/c.jpg\"></p>";
    struct text_options options = {.image_labels = true};
    buf out = {0};
    markup_html_to_text(html, strlen(html), &options, &out);
    assert_string_equal(buf_cstr(&out), "See [Image: a red door] and [Image][Image]\n");
    buf_reset(&out);
    markup_html_to_text(html, strlen(html), NULL, &out);
    assert_string_equal(buf_cstr(&out), "See a red door and\n");
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brief_examples),
        cmocka_unit_test(test_nested_blockquotes),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_pre_keeps_lines),
        cmocka_unit_test(test_whitespace_and_entities),
        cmocka_unit_test(test_links_images_headings),
        cmocka_unit_test(test_wrapping),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_random_input_keeps_the_shape),
        cmocka_unit_test(test_deep_stored_html),
        cmocka_unit_test(test_image_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
