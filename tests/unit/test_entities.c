/* test_entities.c: unit tests of markup_decode_entities (names WordPress stored escaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "markup/entities.h"
#include "util/buf.h"

static void check(const char *text, const char *expected)
{
    buf out = {0};
    markup_decode_entities(text, strlen(text), &out);
    if (strcmp(buf_cstr(&out), expected) != 0)
        fail_msg("decode(\"%s\") = \"%s\", expected \"%s\"", text, buf_cstr(&out), expected);
    buf_free(&out);
}

static void test_wordpress_escaping_decodes_once(void **state)
{
    (void)state;
    check("Tech &amp; Science", "Tech & Science");
    check("Tech &amp;amp; Science", "Tech &amp; Science"); /* once, not until nothing is left */
    check("&lt;b&gt; &quot;x&quot; &#039;y&#039; &apos;z&apos;", "<b> \"x\" 'y' 'z'");
    check("caf&eacute;", "caf&eacute;"); /* not in the table: kept as written */
}

static void test_numeric_references(void **state)
{
    (void)state;
    check("&#38;&#x26;&#X26;", "&&&");
    check("&#8217;&#x2019;", "\xe2\x80\x99\xe2\x80\x99");
    check("&#128512;", "\xf0\x9f\x98\x80");
    check("&hellip; &ndash; &mdash; &nbsp;", "\xe2\x80\xa6 \xe2\x80\x93 \xe2\x80\x94 \xc2\xa0");
}

static void test_what_is_not_a_character_stays(void **state)
{
    (void)state;
    check("&#0; &#xD800; &#x110000; &#1; &#x85;", "&#0; &#xD800; &#x110000; &#1; &#x85;");
    check("&#; &#x; &#12a; &amp &; &", "&#; &#x; &#12a; &amp &; &");
    check("AT&T &copy 2024", "AT&T &copy 2024"); /* no semicolon: text */
    check("&#99999999999999999999;", "&#99999999999999999999;");
    check("&verylongnamethatisnotone;", "&verylongnamethatisnotone;");
    check("<em>tags stay</em>", "<em>tags stay</em>");
    check("", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wordpress_escaping_decodes_once),
        cmocka_unit_test(test_numeric_references),
        cmocka_unit_test(test_what_is_not_a_character_stays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
