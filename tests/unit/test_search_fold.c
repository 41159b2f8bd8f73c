/* test_search_fold.c: util/search_fold.h, the text search indexes and asks for. Expected
 * values are written out code point by code point (\u escapes), checked by hand against the
 * Unicode charts: not copied from the program's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/search_fold.h"

#define SEP "\u200B"

enum fold { NORMALISE, TEXT };

/* Folds an exact-size heap copy of `text` (no NUL after it, so that an over-read shows under
 * AddressSanitizer) after a prefix, compares with the prefix and `expected`, and folds the
 * result again: folding twice changes nothing. */
static void check_fold(enum fold fold, const char *text, const char *expected)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    buf out = {0};
    buf_puts(&out, "kept:");
    if (fold == NORMALISE)
        search_fold_normalise(&out, copy, len);
    else
        search_fold_text(&out, copy, len);
    free(copy);
    assert_int_equal(strncmp(buf_cstr(&out), "kept:", 5), 0);
    assert_string_equal(buf_cstr(&out) + 5, expected);
    buf again = {0};
    if (fold == NORMALISE)
        search_fold_normalise(&again, expected, strlen(expected));
    else
        search_fold_text(&again, expected, strlen(expected));
    assert_string_equal(buf_cstr(&again), expected);
    buf_free(&again);
    buf_free(&out);
}

static void test_arabic_marks_removed(void **state)
{
    (void)state;
    /* kataba with three fathas: kaf, teh, beh */
    check_fold(NORMALISE, "\u0643\u064E\u062A\u064E\u0628\u064E", "\u0643\u062A\u0628");
    /* al-rahman: alef lam reh+fatha+shadda hah+sukun meem+dagger-alef noon */
    check_fold(NORMALISE, "\u0627\u0644\u0631\u064E\u0651\u062D\u0652\u0645\u0670\u0646",
               "\u0627\u0644\u0631\u062D\u0645\u0646");
    /* tanwin (fathatan after alef) and kasratan */
    check_fold(NORMALISE, "\u0643\u062A\u0627\u0628\u064B \u0628\u0650\u064D",
               "\u0643\u062A\u0627\u0628 \u0628");
    /* tatweel: ain, three tatweels, reh beh yeh */
    check_fold(NORMALISE, "\u0639\u0640\u0640\u0640\u0631\u0628\u064A", "\u0639\u0631\u0628\u064A");
    /* the small high marks of Quranic text go, the small waw (a letter) stays */
    check_fold(NORMALISE, "\u0645\u06D6\u0646\u06E5", "\u0645\u0646\u06E5");
}

static void test_arabic_letters_folded(void **state)
{
    (void)state;
    /* Ahmad with alef-hamza-above; Islam with alef-hamza-below; amana with alef-madda */
    check_fold(NORMALISE, "\u0623\u062D\u0645\u062F", "\u0627\u062D\u0645\u062F");
    check_fold(NORMALISE, "\u0625\u0633\u0644\u0627\u0645", "\u0627\u0633\u0644\u0627\u0645");
    check_fold(NORMALISE, "\u0622\u0645\u0646", "\u0627\u0645\u0646");
    /* Allah with alef wasla */
    check_fold(NORMALISE, "\u0671\u0644\u0644\u0647", "\u0627\u0644\u0644\u0647");
    /* Mustafa ends in alef maksura -> yeh; madrasa ends in teh marbuta -> heh */
    check_fold(NORMALISE, "\u0645\u0635\u0637\u0641\u0649", "\u0645\u0635\u0637\u0641\u064A");
    check_fold(NORMALISE, "\u0645\u062F\u0631\u0633\u0629", "\u0645\u062F\u0631\u0633\u0647");
    /* Persian keheh and Farsi yeh (ketab, kaf-teh-alef-beh; ki) */
    check_fold(NORMALISE, "\u06A9\u062A\u0627\u0628 \u06A9\u06CC",
               "\u0643\u062A\u0627\u0628 \u0643\u064A");
    /* hamza on waw and on yeh, and the Arabic comma, are kept */
    check_fold(NORMALISE, "\u0645\u0624\u0645\u0646\u060C \u0628\u0626\u0631",
               "\u0645\u0624\u0645\u0646\u060C \u0628\u0626\u0631");
}

static void test_hebrew_points_removed(void **state)
{
    (void)state;
    /* shalom: shin+qamats+shin-dot lamed vav+holam final-mem */
    check_fold(NORMALISE, "\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD", "\u05E9\u05DC\u05D5\u05DD");
    /* bereshit with dagesh, sheva, tsere, hiriq, shin dot and the tipeha accent */
    check_fold(NORMALISE,
               "\u05D1\u05B0\u05BC\u05E8\u05B5\u05D0\u05E9\u05B4\u05C1\u0596\u05D9\u05EA",
               "\u05D1\u05E8\u05D0\u05E9\u05D9\u05EA");
    /* the maqaf (a hyphen) stays: beit-sefer */
    check_fold(NORMALISE, "\u05D1\u05B5\u05BC\u05D9\u05EA\u05BE\u05E1\u05B5\u05E4\u05B6\u05E8",
               "\u05D1\u05D9\u05EA\u05BE\u05E1\u05E4\u05E8");
    /* rafe, upper and lower dots, qamats qatan */
    check_fold(NORMALISE, "\u05DB\u05BF\u05C4\u05D0\u05C5\u05D1\u05C7", "\u05DB\u05D0\u05D1");
}

static void test_other_text_unchanged(void **state)
{
    (void)state;
    check_fold(NORMALISE, "", "");
    check_fold(TEXT, "", "");
    /* nothing but marks: nothing, and still a string */
    check_fold(NORMALISE, "\u064E\u0651\u05B8", "");
    check_fold(NORMALISE, "L\u00F3pez caf\u00E9, na\u00EFve", "L\u00F3pez caf\u00E9, na\u00EFve");
    check_fold(NORMALISE, "\u041A\u043E\u0431\u0437\u0430\u0440 \u0439",
               "\u041A\u043E\u0431\u0437\u0430\u0440 \u0439");
    check_fold(NORMALISE, "\u6771\u4EAC \u0E17\u0E35\u0E48", "\u6771\u4EAC \u0E17\u0E35\u0E48");
    /* malformed bytes are copied as they are */
    check_fold(NORMALISE, "a\xFF\xC3", "a\xFF\xC3");
    check_fold(NORMALISE, "\xD9", "\xD9");
    check_fold(TEXT, "L\u00F3pez, zephyr* \"a b\"", "L\u00F3pez, zephyr* \"a b\"");
    check_fold(TEXT, "x\xE6\x9D", "x\xE6\x9D");
}

static void test_unspaced_scripts_cut(void **state)
{
    (void)state;
    /* Tokyo; Tokyo Tower in katakana with the long-vowel mark */
    check_fold(TEXT, "\u6771\u4EAC", "\u6771" SEP "\u4EAC");
    check_fold(TEXT, "\u6771\u4EAC\u30BF\u30EF\u30FC",
               "\u6771" SEP "\u4EAC" SEP "\u30BF" SEP "\u30EF" SEP "\u30FC");
    /* next to Latin letters and digits a separator; next to a space or ASCII punctuation none */
    check_fold(TEXT, "iPhone\u6771\u4EAC2024", "iPhone" SEP "\u6771" SEP "\u4EAC" SEP "2024");
    check_fold(TEXT, "\u6771\u4EAC Tokyo (\u6771)", "\u6771" SEP "\u4EAC Tokyo (\u6771)");
    /* the ideographic full stop is not a letter of the run: separated too */
    check_fold(TEXT, "\u4EAC\u3002", "\u4EAC" SEP "\u3002");
    /* Thai: "thi-ni" (here): tho thahan + sara ii + mai ek, no nu + sara ii + mai ek; the marks
     * stay with their consonant */
    check_fold(TEXT, "\u0E17\u0E35\u0E48\u0E19\u0E35\u0E48",
               "\u0E17\u0E35\u0E48" SEP "\u0E19\u0E35\u0E48");
    /* mueang: sara e, mo ma + sara ue, o ang, ngo ngu */
    check_fold(TEXT, "\u0E40\u0E21\u0E37\u0E2D\u0E07",
               "\u0E40" SEP "\u0E21\u0E37" SEP "\u0E2D" SEP "\u0E07");
    /* Korean: Seoul-eseo (in Seoul) */
    check_fold(TEXT, "\uC11C\uC6B8\uC5D0\uC11C", "\uC11C" SEP "\uC6B8" SEP "\uC5D0" SEP "\uC11C");
    /* a separator already there is not doubled */
    check_fold(TEXT, "\u6771" SEP "\u4EAC", "\u6771" SEP "\u4EAC");
    /* hiragana with a combining voicing mark stays one letter */
    check_fold(TEXT, "\u304B\u3099\u3044", "\u304B\u3099" SEP "\u3044");
    /* Arabic is written with spaces: normalised, not cut */
    check_fold(TEXT, "\u0645\u0643\u062A\u0628\u0629", "\u0645\u0643\u062A\u0628\u0647");
    /* a letter outside the basic plane (CJK extension B, U+20BB7) */
    check_fold(TEXT, "\U00020BB7\u91CE", "\U00020BB7" SEP "\u91CE");
}

static void strip(const char *text, const char *expected)
{
    char *copy = strdup(text);
    assert_non_null(copy);
    search_fold_strip_separators(copy);
    assert_string_equal(copy, expected);
    free(copy);
}

static void test_strip_separators(void **state)
{
    (void)state;
    strip("", "");
    strip("plain text", "plain text");
    strip("\u6771" SEP "\u4EAC", "\u6771\u4EAC");
    /* highlights of one letter each become one */
    strip("a \x01\u6771\x02" SEP "\x01\u4EAC\x02" SEP "\u90FD", "a \x01\u6771\u4EAC\x02\u90FD");
    strip(SEP SEP "x" SEP, "x");
    strip("\x02" SEP, "\x02");
    strip(SEP "\x01", "\x01");
}

static void test_has_letter(void **state)
{
    (void)state;
    assert_true(search_fold_has_letter("a", 1));
    assert_true(search_fold_has_letter("-7-", 3));
    assert_true(search_fold_has_letter("\u6771", 3));             /* a Han letter */
    assert_true(search_fold_has_letter("\u0E17\u0E35\u0E48", 9)); /* Thai with its marks */
    assert_true(search_fold_has_letter("\u00E9", 2));             /* e acute */
    assert_true(search_fold_has_letter("\u00AB\u05E9", 4));       /* a guillemet and shin */
    assert_false(search_fold_has_letter("", 0));
    assert_false(search_fold_has_letter("-*'", 3));
    assert_false(search_fold_has_letter("\u3002", 3));       /* ideographic full stop */
    assert_false(search_fold_has_letter("\u300C\u300D", 6)); /* corner brackets */
    assert_false(search_fold_has_letter("\U0001F389", 4));   /* party popper */
    assert_false(search_fold_has_letter("\u202E\u200B", 6)); /* bidi override, ZWSP */
    assert_false(search_fold_has_letter("\u060C\u00BB", 4)); /* Arabic comma, guillemet */
    assert_false(search_fold_has_letter("\xFF\xFE", 2));     /* malformed */
}

static void unfold(const char *original, const char *snippet, const char *expected)
{
    buf out = {0};
    buf_puts(&out, "kept:");
    bool found = search_fold_unfold_snippet(&out, original, strlen(original), snippet);
    if (!expected) {
        assert_false(found);
        assert_string_equal(buf_cstr(&out), "kept:");
    } else {
        assert_true(found);
        assert_int_equal(strncmp(buf_cstr(&out), "kept:", 5), 0);
        assert_string_equal(buf_cstr(&out) + 5, expected);
    }
    buf_free(&out);
}

static void test_unfold_snippet(void **state)
{
    (void)state;
    /* Latin: folding changes nothing, the snippet is the original */
    unfold("We flew to Tokyo in October.", "We flew to \x01Tokyo\x02 in",
           "We flew to \x01Tokyo\x02 in");
    unfold("We flew to Tokyo in October.", "\u2026to \x01Tokyo\x02\u2026",
           "\u2026to \x01Tokyo\x02\u2026");
    /* Arabic: dhahaba al-waladu ila al-maktabati, pointed; the engine's snippet is unpointed,
     * with yeh for alef maksura and heh for teh marbuta: the post's own letters come back, the
     * highlight around the same word */
    unfold("\u0630\u064E\u0647\u064E\u0628\u064E \u0625\u0650\u0644\u064E\u0649 "
           "\u0627\u0644\u0645\u064E\u0643\u0652\u062A\u064E\u0628\u064E\u0629\u0650.",
           "\u0630\u0647\u0628 \x01\u0627\u0644\u064A\x02 "
           "\u0627\u0644\u0645\u0643\u062A\u0628\u0647.",
           "\u0630\u064E\u0647\u064E\u0628\u064E \x01\u0625\u0650\u0644\u064E\u0649\x02 "
           "\u0627\u0644\u0645\u064E\u0643\u0652\u062A\u064E\u0628\u064E\u0629\u0650.");
    /* a highlighted word followed by removed marks takes them in */
    unfold("\u0643\u064E\u062A\u064E\u0628\u064E \u0645", "\x01\u0643\u062A\u0628\x02 \u0645",
           "\x01\u0643\u064E\u062A\u064E\u0628\u064E\x02 \u0645");
    /* Japanese (tomodachi to Tokyo-eki no chikaku): SQLite's one highlight of the phrase,
     * with the ellipses it adds */
    unfold("\u53CB\u9054\u3068\u6771\u4EAC\u99C5\u306E\u8FD1\u304F",
           "\u2026\u3068" SEP "\x01\u6771" SEP "\u4EAC" SEP "\u99C5\x02" SEP "\u306E\u2026",
           "\u2026\u3068\x01\u6771\u4EAC\u99C5\x02\u306E\u2026");
    /* PostgreSQL's highlight of each letter: one highlight */
    unfold("\u6771\u4EAC\u99C5", "\x01\u6771\x02" SEP "\x01\u4EAC\x02" SEP "\u99C5",
           "\x01\u6771\u4EAC\x02\u99C5");
    /* a stretch that is not the post's: nothing */
    unfold("We flew to Tokyo.", "\x01Osaka\x02", NULL);
    unfold("", "x", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arabic_marks_removed),
        cmocka_unit_test(test_arabic_letters_folded),
        cmocka_unit_test(test_hebrew_points_removed),
        cmocka_unit_test(test_other_text_unchanged),
        cmocka_unit_test(test_unspaced_scripts_cut),
        cmocka_unit_test(test_strip_separators),
        cmocka_unit_test(test_has_letter),
        cmocka_unit_test(test_unfold_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
