/* test_escape.c: markup/escape.h, the bytes of each output context (the callers' golden files
 * and test_feed.c cover them in place; these pin the module itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "markup/escape.h"

enum context { HTML_NONE, HTML_DOUBLE, HTML_BOTH, URL, JSON, XML };

/* Escapes an exact-size heap copy of `text` (no NUL after it, so that an over-read shows under
 * AddressSanitizer) after a prefix, and compares with the prefix and `expected`. */
static void check(enum context context, const char *text, const char *expected)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    buf out = {0};
    buf_puts(&out, "kept:");
    switch (context) {
    case HTML_NONE:
        escape_html(copy, len, ESCAPE_QUOTES_NONE, &out);
        break;
    case HTML_DOUBLE:
        escape_html(copy, len, ESCAPE_QUOTES_DOUBLE, &out);
        break;
    case HTML_BOTH:
        escape_html(copy, len, ESCAPE_QUOTES_BOTH, &out);
        break;
    case URL:
        escape_url_attribute(copy, len, &out);
        break;
    case JSON:
        escape_json_string(copy, len, &out);
        break;
    case XML:
        escape_xml(copy, len, &out);
        break;
    }
    assert_memory_equal(out.ptr, "kept:", 5);
    assert_string_equal(out.ptr + 5, expected);
    buf_free(&out);
    free(copy);
}

static void test_html_quotes(void **state)
{
    (void)state;
    const char *hostile = "a&b<c>d\"e'f";
    check(HTML_NONE, hostile, "a&amp;b&lt;c&gt;d\"e'f");
    check(HTML_DOUBLE, hostile, "a&amp;b&lt;c&gt;d&quot;e'f");
    check(HTML_BOTH, hostile, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    check(HTML_BOTH, "", "");
    check(HTML_BOTH, "plain \xc3\xa9t\xc3\xa9\n", "plain \xc3\xa9t\xc3\xa9\n");
    check(HTML_BOTH, "&amp;", "&amp;amp;");
}

static void test_url_attribute(void **state)
{
    (void)state;
    check(URL, "https://example.com/?a=1&b=2", "https://example.com/?a=1&amp;b=2");
    check(URL, "  /path with space\t", "/path%20with%20space");
    check(URL, "/\"'<>`", "/%22%27%3C%3E%60");
    check(URL, "JaVa\tScRiPt:alert(1)", "#");
    check(URL, "data:text/html,x", "#");
    check(URL, "mailto:a@example.com", "mailto:a@example.com");
    check(URL, "relative/a:b", "relative/a:b");
    check(URL, "", "");
}

static void test_json_string(void **state)
{
    (void)state;
    check(JSON, "", "\"\"");
    check(JSON, "\"\\\n\r\t", "\"\\\"\\\\\\n\\r\\t\"");
    check(JSON, "</script><!--&", "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
    check(JSON, "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
    check(JSON, "\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xa6", "\"\\u2028\\u2029\xe2\x80\xa6\"");
}

static void test_xml(void **state)
{
    (void)state;
    check(XML, "a&b<c>d\"e'f]]>", "a&amp;b&lt;c&gt;d&quot;e&#39;f]]&gt;");
    check(XML, "tab\tlf\ncr\r.", "tab\tlf\ncr&#13;.");
    check(XML, "\x01\x1f|\x7f", "|\x7f");
    check(XML, "\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", "\xef\xbf\xbd");
    check(XML, "x\xf0\x9f\x8e", "x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_quotes),
        cmocka_unit_test(test_url_attribute),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_xml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
