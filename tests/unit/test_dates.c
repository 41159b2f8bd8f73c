/* test_dates.c: the page dates (render_date_iso, render_date_human), worked out by hand for a few
 * instants, and compared with the C library's gmtime_r + strftime over a sweep of 900 years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/pages.h"

static void check(long long t, const char *iso, const char *human)
{
    arena a = {0};
    assert_string_equal(render_date_iso(&a, t), iso);
    assert_string_equal(render_date_human(&a, t), human);
    arena_free(&a);
}

/* Instants worked out by hand from 1970-01-01 00:00:00 (86,400 s a day). */
static void test_hand_checked(void **state)
{
    (void)state;
    check(0, "1970-01-01T00:00:00Z", "January 1, 1970");
    check(-1, "1969-12-31T23:59:59Z", "December 31, 1969");
    /* 2000-02-29 (a leap day of a year divisible by 400): 30 years = 10,957 days (7 leap days:
     * 72 76 80 84 88 92 96), + 31 + 28 = day 11,016; + 12:34:56 */
    check(11016LL * 86400 + 45296, "2000-02-29T12:34:56Z", "February 29, 2000");
    /* 2100 is not a leap year: 2100-03-01 is day 47,541 (130 years = 47,482 days: 32 leap days
     * 1972..2096), + 31 + 28; the second before it is 2100-02-28 23:59:59 */
    check(47541LL * 86400, "2100-03-01T00:00:00Z", "March 1, 2100");
    check(47541LL * 86400 - 1, "2100-02-28T23:59:59Z", "February 28, 2100");
    /* 1900-01-01 is 70 years before 1970: 25,567 days back (17 leap days 1904..1968) */
    check(-25567LL * 86400, "1900-01-01T00:00:00Z", "January 1, 1900");
}

/* Every 7 hours 13 minutes 17 seconds from 1600 to 2500, against the C library. */
static void test_same_as_gmtime(void **state)
{
    (void)state;
    const long long from = -11676096000LL, to = 16725225600LL, step = 7 * 3600 + 13 * 60 + 17;
    arena a = {0};
    long long checked = 0;
    for (long long t = from; t < to; t += step) {
        time_t tt = (time_t)t;
        struct tm tm;
        assert_non_null(gmtime_r(&tt, &tm));
        char iso[32], human[48];
        strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
        strftime(human, sizeof(human), "%B ", &tm);
        snprintf(human + strlen(human), sizeof(human) - strlen(human), "%d, %d", tm.tm_mday,
                 tm.tm_year + 1900);
        if (strcmp(render_date_iso(&a, t), iso) != 0 ||
            strcmp(render_date_human(&a, t), human) != 0)
            fail_msg("at %lld: %s / %s, gmtime_r says %s / %s", t, render_date_iso(&a, t),
                     render_date_human(&a, t), iso, human);
        if (++checked % 4096 == 0)
            arena_free(&a);
    }
    arena_free(&a);
    assert_true(checked > 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_checked),
        cmocka_unit_test(test_same_as_gmtime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
