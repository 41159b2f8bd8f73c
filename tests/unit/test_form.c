/* test_form.c: unit tests of form, query-string and cookie decoding, and of UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/utf8.h"

/* An exact-size heap copy of `len` bytes (no NUL after them), so a read past the end shows under
 * AddressSanitizer. The caller frees it. */
static char *exact_copy(const char *bytes, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, bytes, len);
    return copy;
}

/* Parses `len` bytes of `data` from an exact-size copy into `form` (strings in `a`). */
static void parse_exact(arena *a, const char *data, size_t len, struct web_form *form)
{
    char *copy = exact_copy(data, len);
    web_form_parse(a, (strview){copy, len}, form);
    free(copy);
}

static void parse_cstr(arena *a, const char *data, struct web_form *form)
{
    parse_exact(a, data, strlen(data), form);
}

static void test_form_decodes_percent_and_plus(void **state)
{
    (void)state;
    arena a = {0};
    struct web_form form;
    parse_cstr(&a, "author=Ann+Lee&text=caf%C3%A9+%26+more%2B&first+name=J%6fe&pct=100%25", &form);
    assert_int_equal(form.count, 4);
    assert_string_equal(form.fields[0].name, "author");
    assert_string_equal(form.fields[0].value, "Ann Lee");
    assert_int_equal(form.fields[0].value_len, 7);
    assert_string_equal(form.fields[1].name, "text");
    assert_string_equal(form.fields[1].value, "caf\xC3\xA9 & more+");
    assert_int_equal(form.fields[1].value_len, 13);
    assert_string_equal(form.fields[2].name, "first name"); /* names are decoded too */
    assert_string_equal(form.fields[2].value, "Joe");       /* lower-case hex digits */
    assert_string_equal(form.fields[3].value, "100%");
    assert_string_equal(web_form_get(&form, "first name"), "Joe");
    assert_null(web_form_get(&form, "missing"));
    const struct web_field *f = web_form_field(&form, "text");
    assert_non_null(f);
    assert_ptr_equal(f, &form.fields[1]);
    assert_null(web_form_field(&form, "Author")); /* names are case-sensitive */
    arena_free(&a);
}

static void test_form_bad_percent_kept_literally(void **state)
{
    (void)state;
    arena a = {0};
    struct web_form form;
    /* '%' not followed by two hex digits stays as typed, also at the very end of the data */
    parse_cstr(&a, "a=%zz&b=%4&c=%&d=50%2&e=%4g1", &form);
    assert_int_equal(form.count, 5);
    assert_string_equal(web_form_get(&form, "a"), "%zz");
    assert_string_equal(web_form_get(&form, "b"), "%4");
    assert_string_equal(web_form_get(&form, "c"), "%");
    assert_string_equal(web_form_get(&form, "d"), "50%2");
    assert_string_equal(web_form_get(&form, "e"), "%4g1");
    /* the last field ends exactly at a complete escape */
    parse_cstr(&a, "z=%41", &form);
    assert_int_equal(form.count, 1);
    assert_string_equal(form.fields[0].value, "A");
    assert_int_equal(form.fields[0].value_len, 1);
    arena_free(&a);
}

static void test_form_empty_fields(void **state)
{
    (void)state;
    arena a = {0};
    struct web_form form;
    parse_cstr(&a, "&&a=&&b=2&", &form); /* empty pairs between '&' are skipped */
    assert_int_equal(form.count, 2);
    assert_string_equal(form.fields[0].name, "a");
    assert_string_equal(form.fields[0].value, "");
    assert_int_equal(form.fields[0].value_len, 0);
    assert_string_equal(form.fields[1].name, "b");
    assert_string_equal(form.fields[1].value, "2");

    parse_cstr(&a, "", &form);
    assert_int_equal(form.count, 0);
    web_form_parse(&a, (strview){NULL, 0}, &form);
    assert_int_equal(form.count, 0);

    parse_cstr(&a, "=v", &form); /* an empty name is still a field */
    assert_int_equal(form.count, 1);
    assert_string_equal(form.fields[0].name, "");
    assert_string_equal(form.fields[0].value, "v");
    arena_free(&a);
}

static void test_form_missing_equals(void **state)
{
    (void)state;
    arena a = {0};
    struct web_form form;
    parse_cstr(&a, "remember&x=1&we+ird", &form);
    assert_int_equal(form.count, 3);
    assert_string_equal(form.fields[0].name, "remember");
    assert_string_equal(form.fields[0].value, "");
    assert_int_equal(form.fields[0].value_len, 0);
    assert_string_equal(form.fields[1].value, "1");
    assert_string_equal(form.fields[2].name, "we ird");
    assert_string_equal(form.fields[2].value, "");
    /* only the first '=' splits */
    parse_cstr(&a, "eq=a=b", &form);
    assert_int_equal(form.count, 1);
    assert_string_equal(form.fields[0].value, "a=b");
    assert_int_equal(form.fields[0].value_len, 3);
    arena_free(&a);
}

static void test_form_field_limit(void **state)
{
    (void)state;
    arena a = {0};
    buf data = {0};
    for (int i = 0; i < WEB_FORM_MAX_FIELDS + 6; i++)
        buf_printf(&data, "%sf%d=%d", i ? "&" : "", i, i);
    struct web_form form;
    parse_exact(&a, data.ptr, data.len, &form);
    assert_int_equal(form.count, WEB_FORM_MAX_FIELDS);
    assert_string_equal(web_form_get(&form, "f0"), "0");
    assert_string_equal(web_form_get(&form, "f255"), "255"); /* the 256th field is kept */
    assert_null(web_form_get(&form, "f256"));                /* the 257th is ignored */
    assert_null(web_form_get(&form, "f261"));
    /* the server refuses such a body before it is parsed: it counts the fields */
    assert_int_equal(web_form_count((strview){data.ptr, data.len}), WEB_FORM_MAX_FIELDS + 6);
    assert_int_equal(web_form_count((strview){"", 0}), 0);
    assert_int_equal(web_form_count((strview){"a=1", 3}), 1);
    assert_int_equal(web_form_count((strview){"a=1&", 4}), 2);
    buf_free(&data);
    arena_free(&a);
}

static void test_form_nul_cuts_value(void **state)
{
    (void)state;
    arena a = {0};
    struct web_form form;
    parse_cstr(&a, "a=ab%00cd&b=%00&c=x", &form);
    assert_int_equal(form.count, 3);
    assert_string_equal(form.fields[0].value, "ab");
    assert_int_equal(form.fields[0].value_len, 2);
    assert_string_equal(form.fields[1].value, "");
    assert_int_equal(form.fields[1].value_len, 0);
    assert_string_equal(form.fields[2].value, "x"); /* later fields are unaffected */
    /* a raw NUL byte in the body behaves the same */
    parse_exact(&a, "n=1\0002&m=3", 9, &form);
    assert_int_equal(form.count, 2);
    assert_string_equal(form.fields[0].value, "1");
    assert_int_equal(form.fields[0].value_len, 1);
    assert_string_equal(form.fields[1].value, "3");
    arena_free(&a);
}

static void test_form_duplicate_names_first_wins(void **state)
{
    (void)state;
    arena a = {0};
    struct web_form form;
    parse_cstr(&a, "x=1&x=2", &form);
    assert_int_equal(form.count, 2);
    assert_string_equal(web_form_get(&form, "x"), "1");
    arena_free(&a);
}

static void test_cookie_get(void **state)
{
    (void)state;
    arena a = {0};
    const char *header = "theme=dark; comment_author=Ann%20Lee; xsession=1; session=abc";
    assert_string_equal(web_cookie_get(&a, header, "theme"), "dark");
    assert_string_equal(web_cookie_get(&a, header, "comment_author"), "Ann Lee");
    assert_string_equal(web_cookie_get(&a, header, "session"), "abc"); /* not xsession's */
    assert_string_equal(web_cookie_get(&a, header, "xsession"), "1");
    assert_null(web_cookie_get(&a, header, "sess")); /* a prefix of a name is no match */
    assert_null(web_cookie_get(&a, header, "missing"));
    assert_null(web_cookie_get(&a, header, "dark"));              /* values are not names */
    assert_string_equal(web_cookie_get(&a, "a=b+c", "a"), "b+c"); /* no '+' rule */
    assert_string_equal(web_cookie_get(&a, "a=", "a"), "");
    assert_string_equal(web_cookie_get(&a, ";;  a=1;;b=2", "b"), "2");
    assert_string_equal(web_cookie_get(&a, "ab=1; a=2", "a"), "2");
    assert_null(web_cookie_get(&a, "a", "a"));
    assert_null(web_cookie_get(&a, "", "a"));
    assert_null(web_cookie_get(&a, NULL, "a"));
    assert_string_equal(web_cookie_get(&a, "a=%E2%82%AC", "a"), "\xE2\x82\xAC");
    assert_string_equal(web_cookie_get(&a, "a=x%00y", "a"), "x");
    arena_free(&a);
}

static void test_path_decode(void **state)
{
    (void)state;
    arena a = {0};
    const char *path = "/a%20b+c/%C3%A9t%C3%A9/";
    char *copy = exact_copy(path, strlen(path));
    assert_string_equal(web_path_decode(&a, copy, strlen(path)), "/a b+c/\xC3\xA9t\xC3\xA9/");
    assert_string_equal(web_path_decode(&a, copy, 4), "/a%2"); /* only `len` bytes are read */
    free(copy);
    assert_string_equal(web_path_decode(&a, "/x%00y/", 7), "/x"); /* a NUL ends it */
    assert_string_equal(web_path_decode(&a, "/100%/", 6), "/100%/");
    assert_string_equal(web_path_decode(&a, "/%2f%2F", 7), "///");
    assert_string_equal(web_path_decode(&a, "", 0), "");
    arena_free(&a);
}

static void test_url_encode(void **state)
{
    (void)state;
    arena a = {0};
    assert_string_equal(web_url_encode(&a, "AZaz09-._~"), "AZaz09-._~");
    assert_string_equal(web_url_encode(&a, "a b&c=d/e?f+g%"), "a%20b%26c%3Dd%2Fe%3Ff%2Bg%25");
    assert_string_equal(web_url_encode(&a, "caf\xC3\xA9"), "caf%C3%A9");
    assert_string_equal(web_url_encode(&a, "\x7F\x01\xFF"), "%7F%01%FF");
    assert_string_equal(web_url_encode(&a, ""), "");
    /* what web_url_encode makes, web_cookie_get gives back */
    const char *original = "Ann \"Lee\"; <ann@example.org>";
    const char *cookie = arena_printf(&a, "name=%s", web_url_encode(&a, original));
    assert_string_equal(web_cookie_get(&a, cookie, "name"), original);
    arena_free(&a);
}

/* utf8_valid on an exact-size copy, so no byte after `len` can be read unnoticed. */
static bool valid(const char *bytes, size_t len)
{
    char *copy = exact_copy(bytes, len);
    bool result = utf8_valid(copy, len);
    free(copy);
    return result;
}

#define VALID(lit) valid((lit), sizeof(lit) - 1)

static void test_utf8_valid_sequences(void **state)
{
    (void)state;
    assert_true(VALID(""));
    assert_true(utf8_valid(NULL, 0));
    assert_true(VALID("plain ASCII ~\x7F"));
    assert_true(VALID("\xC2\x80"));         /* U+0080, smallest two-byte */
    assert_true(VALID("\xC3\xA9"));         /* U+00E9 é */
    assert_true(VALID("\xDF\xBF"));         /* U+07FF */
    assert_true(VALID("\xE0\xA0\x80"));     /* U+0800, smallest three-byte */
    assert_true(VALID("\xE2\x82\xAC"));     /* U+20AC € */
    assert_true(VALID("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
    assert_true(VALID("\xEE\x80\x80"));     /* U+E000, just above them */
    assert_true(VALID("\xEF\xBF\xBF"));     /* U+FFFF */
    assert_true(VALID("\xF0\x90\x80\x80")); /* U+10000, smallest four-byte */
    assert_true(VALID("\xF0\x9F\x98\x80")); /* U+1F600 */
    assert_true(VALID("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
    assert_true(VALID("L\xC3\xB3pez \xE2\x80\x99 \xF0\x9D\x84\x9E!"));
}

static void test_utf8_overlongs(void **state)
{
    (void)state;
    assert_false(VALID("\xC0\x80"));         /* U+0000 in two bytes */
    assert_false(VALID("\xC0\xAF"));         /* '/' in two bytes */
    assert_false(VALID("\xC1\xBF"));         /* U+007F in two bytes */
    assert_false(VALID("\xE0\x80\x80"));     /* U+0000 in three bytes */
    assert_false(VALID("\xE0\x9F\xBF"));     /* U+07FF in three bytes */
    assert_false(VALID("\xF0\x80\x80\x80")); /* U+0000 in four bytes */
    assert_false(VALID("\xF0\x8F\xBF\xBF")); /* U+FFFF in four bytes */
}

static void test_utf8_surrogates_and_range(void **state)
{
    (void)state;
    assert_false(VALID("\xED\xA0\x80"));             /* U+D800 */
    assert_false(VALID("\xED\xAF\xBF"));             /* U+DBFF */
    assert_false(VALID("\xED\xB0\x80"));             /* U+DC00 */
    assert_false(VALID("\xED\xBF\xBF"));             /* U+DFFF */
    assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80")); /* a CESU-8 surrogate pair */
    assert_false(VALID("\xF4\x90\x80\x80"));         /* U+110000 */
    assert_false(VALID("\xF5\x80\x80\x80"));
    assert_false(VALID("\xF7\xBF\xBF\xBF"));
    assert_false(VALID("\xF8\x88\x80\x80\x80")); /* old five-byte form */
    assert_false(VALID("\xFC\x84\x80\x80\x80\x80"));
    assert_false(VALID("\xFE"));
    assert_false(VALID("\xFF"));
}

static void test_utf8_bad_continuations(void **state)
{
    (void)state;
    assert_false(VALID("\x80")); /* a lone continuation byte */
    assert_false(VALID("a\xBF"
                       "b"));
    assert_false(VALID("\xC3\x28"));     /* lead byte followed by ASCII */
    assert_false(VALID("\xC3\xC3\xA9")); /* lead byte followed by a lead byte */
    assert_false(VALID("\xE2\x28\xA1"));
    assert_false(VALID("\xE2\x82\x28"));
    assert_false(VALID("\xF0\x9F\x98\x28"));
    assert_false(VALID("\xF0\x28\x98\x80"));
}

static void test_utf8_truncated_at_end(void **state)
{
    (void)state;
    assert_false(VALID("a\xC3"));
    assert_false(VALID("a\xE2\x82"));
    assert_false(VALID("a\xE2"));
    assert_false(VALID("a\xF0\x9F\x98"));
    assert_false(VALID("a\xF0\x9F"));
    assert_false(VALID("a\xF0"));
    /* `len` bounds the check even when valid bytes follow in memory */
    assert_false(valid("\xC3\xA9", 1));
    assert_false(valid("\xE2\x82\xAC", 2));
    assert_false(valid("\xF0\x9F\x98\x80", 3));
    assert_true(valid("ab\xC3\xA9", 2));
}

static void test_utf8_nul(void **state)
{
    (void)state;
    assert_false(VALID("\0"));
    assert_false(VALID("a\0b"));
    assert_false(VALID("\xC3\xA9\0"));
    assert_true(valid("ab\0", 2)); /* a NUL past `len` is not looked at */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_decodes_percent_and_plus),
        cmocka_unit_test(test_form_bad_percent_kept_literally),
        cmocka_unit_test(test_form_empty_fields),
        cmocka_unit_test(test_form_missing_equals),
        cmocka_unit_test(test_form_field_limit),
        cmocka_unit_test(test_form_nul_cuts_value),
        cmocka_unit_test(test_form_duplicate_names_first_wins),
        cmocka_unit_test(test_cookie_get),
        cmocka_unit_test(test_path_decode),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_utf8_valid_sequences),
        cmocka_unit_test(test_utf8_overlongs),
        cmocka_unit_test(test_utf8_surrogates_and_range),
        cmocka_unit_test(test_utf8_bad_continuations),
        cmocka_unit_test(test_utf8_truncated_at_end),
        cmocka_unit_test(test_utf8_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
