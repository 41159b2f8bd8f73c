/* test_autop.c: markup_autop against wpautop() results worked out by hand from the PHP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "markup/autop.h"

/* Runs markup_autop on an exact-size heap copy of `html` (no NUL after it, so that an
 * over-read shows under AddressSanitizer) and compares with `expected`. */
static void check_autop(const char *html, const char *expected)
{
    size_t len = strlen(html);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, html, len);
    buf out = {0};
    markup_autop(copy, len, &out);
    assert_string_equal(buf_cstr(&out), expected);
    buf_free(&out);
    free(copy);
}

static void test_paragraphs_and_line_breaks(void **state)
{
    (void)state;
    check_autop("Hello\nworld\n\nSecond", "<p>Hello<br />\nworld</p>\n<p>Second</p>\n");
    check_autop("one\n\n\n\ntwo", "<p>one</p>\n<p>two</p>\n");
    check_autop("a\r\nb\r\n\r\nc", "<p>a<br />\nb</p>\n<p>c</p>\n");
}

static void test_existing_paragraphs_keep_structure(void **state)
{
    (void)state;
    check_autop("<p>One</p>\n<p>Two</p>", "<p>One</p>\n<p>Two</p>\n");
    check_autop("<p>line1\nline2</p>", "<p>line1<br />\nline2</p>\n");
    /* running it on its own output changes nothing */
    check_autop("<p>Hello<br />\nworld</p>\n<p>Second</p>\n",
                "<p>Hello<br />\nworld</p>\n<p>Second</p>\n");
    check_autop("<p>(with Vito’s voice)<br />\nAnd gimme.</p>\n<p>(Fault)</p>",
                "<p>(with Vito’s voice)<br />\nAnd gimme.</p>\n<p>(Fault)</p>\n");
}

static void test_block_elements_not_wrapped(void **state)
{
    (void)state;
    check_autop("<div>text</div>", "<div>text</div>\n");
    check_autop("<h2>Title</h2>\nText", "<h2>Title</h2>\n<p>Text</p>\n");
    check_autop("a\n<hr />\nb", "<p>a</p>\n<hr />\n<p>b</p>\n");
    check_autop("Intro\n<ul>\n<li>a</li>\n</ul>\nOutro",
                "<p>Intro</p>\n<ul>\n<li>a</li>\n</ul>\n<p>Outro</p>\n");
    check_autop("<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
                "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
}

static void test_blockquote_gets_paragraph_inside(void **state)
{
    (void)state;
    check_autop("<blockquote>quoted</blockquote>", "<blockquote><p>quoted</p></blockquote>\n");
    check_autop("<blockquote>\n<p>a</p>\n</blockquote>", "<blockquote>\n<p>a</p>\n</blockquote>\n");
    check_autop("<blockquote><blockquote>deep</blockquote></blockquote>",
                "<blockquote>\n<blockquote><p>deep</p></blockquote>\n</blockquote>\n");
}

static void test_pre_untouched(void **state)
{
    (void)state;
    check_autop("a\n<pre>x\n\ny</pre>\nb", "<p>a</p>\n<pre>x\n\ny</pre>\n<p>b</p>\n");
    check_autop("<pre class=\"c\">  <b>k</b>\n\n\n</pre>",
                "<pre class=\"c\">  <b>k</b>\n\n\n</pre>\n");
    /* an unclosed <pre> protects everything after it */
    check_autop("x\n<pre>a\n\nb", "<p>x</p>\n<pre>a\n\nb\n");
    /* a literal placeholder of WordPress's own is just a (empty) <pre> here */
    check_autop("<pre wp-pre-tag-0></pre>", "<pre wp-pre-tag-0></pre>\n");
}

static void test_double_br_is_paragraph_break(void **state)
{
    (void)state;
    check_autop("x<br><br>y", "<p>x</p>\n<p>y</p>\n");
    check_autop("x<br/>\n <br />y", "<p>x</p>\n<p>y</p>\n");
}

static void test_newlines_inside_tags_kept(void **state)
{
    (void)state;
    check_autop("<a\nhref=\"x\">l</a>\n\nz", "<p><a\nhref=\"x\">l</a></p>\n<p>z</p>\n");
    check_autop("<script>a\nb</script>", "<p><script>a\nb</script></p>\n");
}

static void test_empty_and_blank(void **state)
{
    (void)state;
    check_autop("", "");
    check_autop("  \n\t \r\n", "");
    buf out = {0};
    markup_autop(NULL, 0, &out);
    assert_int_equal(out.len, 0);
    buf_puts(&out, "kept");
    markup_autop("x", 1, &out);
    assert_string_equal(buf_cstr(&out), "kept<p>x</p>\n");
    buf_free(&out);
}

static void test_garbage_and_unclosed_tags(void **state)
{
    (void)state;
    check_autop("<p>unclosed <b>bold\n\nnext", "<p>unclosed <b>bold</p>\n<p>next</p>\n");
    /* WordPress reads an unclosed '<' as a tag to the end: its newlines are not breaks */
    check_autop("a < b\n\nc", "<p>a < b\n\nc\n</p>\n");
    check_autop("<", "<p><\n</p>\n");
    /* upper-case block tags count as blocks (WordPress would wrap them in <p>) */
    check_autop("<P>x</P>", "<P>x</P>\n");
}

/* Random bytes from a fixed seed, drawn mostly from the characters the passes look for:
 * nothing may crash or read outside the input (AddressSanitizer watches). */
static void test_random_input_is_safe(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "<",           ">",        "/",         "p",     "<p>",
        "</p>",        "<br />",   "<br>",      "\n",    "\n\n",
        " ",           "<pre>",    "</pre>",    "<div ", "</div>",
        "<blockquote", "<li",      "<!--",      "-->",   "<![CDATA[",
        "]]>",         "<script>", "</script>", "\r",    "<option",
        "</object>",   "<source",  "[video",    "</p",   "<figcaption>",
        "x",           "é",        "<hr",       "\t",    "<pre gzautop0-pre0></pre>",
    };
    unsigned seed = 12345;
    for (int round = 0; round < 3000; round++) {
        buf in = {0};
        int count = (int)(seed % 40);
        for (int k = 0; k < count; k++) {
            seed = seed * 1103515245u + 12345u;
            buf_puts(&in, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
        }
        seed = seed * 1103515245u + 12345u;
        char *copy = malloc(in.len ? in.len : 1);
        assert_non_null(copy);
        if (in.len)
            memcpy(copy, in.ptr, in.len);
        buf out = {0};
        markup_autop(copy, in.len, &out);
        free(copy);
        buf_free(&out);
        buf_free(&in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs_and_line_breaks),
        cmocka_unit_test(test_existing_paragraphs_keep_structure),
        cmocka_unit_test(test_block_elements_not_wrapped),
        cmocka_unit_test(test_blockquote_gets_paragraph_inside),
        cmocka_unit_test(test_pre_untouched),
        cmocka_unit_test(test_double_br_is_paragraph_break),
        cmocka_unit_test(test_newlines_inside_tags_kept),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_garbage_and_unclosed_tags),
        cmocka_unit_test(test_random_input_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
