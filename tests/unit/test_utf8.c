/* test_utf8.c: util/utf8.h's cuts: at every position of a text of 1-, 2-, 3- and 4-byte
 * characters, the cut is whole characters, as long as it can be, and never past the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* "a", "é" (2 bytes), "€" and "中" (3), "😀" (4), a space, in an order where each width
 * follows each other. */
static const char test_text[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 "
                                "\xE4\xB8\xAD\xC3\xA9\xF0\x9F\x98\x80\xE2\x82\xAC"
                                "a\xF0\x9F\x98\x80\xC3\xA9\xE4\xB8\xAD \xC3\xA9";

/* Whether a character starts at byte i of s (or s ends there). */
static bool test_boundary(const char *s, size_t len, size_t i)
{
    return i >= len || ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* An exact-size heap copy, so that reading past it shows under AddressSanitizer. */
static char *test_copy(const char *s, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    return copy;
}

static void test_cut_everywhere(void **state)
{
    (void)state;
    size_t len = strlen(test_text);
    assert_true(utf8_valid(test_text, len));
    char *s = test_copy(test_text, len);
    for (size_t max = 0; max <= len + 2; max++) {
        size_t n = utf8_cut(s, len, max);
        assert_true(n <= max && n <= len);
        assert_true(utf8_valid(s, n)); /* whole characters only */
        assert_true(test_boundary(s, len, n));
        assert_true(n + 3 >= (max < len ? max : len)); /* no more than a character is lost */
        if (test_boundary(s, len, max))
            assert_int_equal(n, max < len ? max : len);
    }
    free(s);
}

/* Each width alone: every cut inside the character drops it whole. */
static void test_cut_each_width(void **state)
{
    (void)state;
    static const char *const characters[] = {"\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80"};
    for (size_t k = 0; k < 3; k++) {
        char text[16];
        size_t width = strlen(characters[k]);
        memcpy(text, "xy", 2);
        memcpy(text + 2, characters[k], width);
        memcpy(text + 2 + width, "z", 1);
        size_t len = 3 + width;
        for (size_t cut = 3; cut < 2 + width; cut++)
            assert_int_equal(utf8_cut(text, len, cut), 2);
        assert_int_equal(utf8_cut(text, len, 2 + width), 2 + width);
        assert_int_equal(utf8_cut(text, len, len), len);
    }
}

static void test_cut_at_space(void **state)
{
    (void)state;
    size_t len = strlen(test_text);
    char *s = test_copy(test_text, len);
    for (size_t max = 1; max <= len + 2; max++)
        for (size_t min = 0; min < max; min++) {
            size_t n = utf8_cut_at_space(s, len, max, min);
            assert_true(n <= max && n <= len);
            assert_true(utf8_valid(s, n));
            if (max >= len) {
                assert_int_equal(n, len);
                continue;
            }
            /* at a space after min when there is one up to max, else as utf8_cut */
            const char *space = NULL;
            for (size_t i = max; i > min; i--)
                if (s[i] == ' ') {
                    space = s + i;
                    break;
                }
            assert_int_equal(n, space ? (size_t)(space - s) : utf8_cut(s, len, max));
        }
    /* prose is cut at its last word that fits */
    const char *prose = "one two three four";
    assert_int_equal(utf8_cut_at_space(prose, strlen(prose), 10, 2), 7);
    free(s);
}

/* What snprintf leaves in a short buffer: a prefix ending anywhere; utf8_whole drops a last
 * character that is not all there, and nothing else. */
static void test_whole(void **state)
{
    (void)state;
    size_t len = strlen(test_text);
    for (size_t end = 0; end <= len; end++) {
        char *s = test_copy(test_text, end);
        size_t n = utf8_whole(s, end);
        assert_true(n <= end);
        assert_true(utf8_valid(s, n));
        assert_true(test_boundary(test_text, len, n));
        assert_int_equal(n, utf8_cut(test_text, len, end));
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_everywhere),
        cmocka_unit_test(test_cut_each_width),
        cmocka_unit_test(test_cut_at_space),
        cmocka_unit_test(test_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
