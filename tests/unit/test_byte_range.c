/* test_byte_range.c: the Range header (web/byte_range.h) and a request's path under uploads
 * (web/upload_path.h): what is a part, what is ignored, what no file can be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "web/byte_range.h"
#include "web/upload_path.h"

static enum byte_range_result parse(const char *header, uint64_t size, uint64_t *first,
                                    uint64_t *last)
{
    return byte_range_parse(header, header ? strlen(header) : 0, size, first, last);
}

static void assert_part(const char *header, uint64_t size, uint64_t first, uint64_t last)
{
    uint64_t f = 0, l = 0;
    if (parse(header, size, &f, &l) != BYTE_RANGE_PART)
        fail_msg("\"%s\" of %llu: not a part", header, (unsigned long long)size);
    if (f != first || l != last)
        fail_msg("\"%s\" of %llu: %llu-%llu, expected %llu-%llu", header, (unsigned long long)size,
                 (unsigned long long)f, (unsigned long long)l, (unsigned long long)first,
                 (unsigned long long)last);
}

static void assert_result(const char *header, uint64_t size, enum byte_range_result want)
{
    uint64_t f, l;
    enum byte_range_result got = parse(header, size, &f, &l);
    if (got != want)
        fail_msg("\"%s\" of %llu: %d, expected %d", header ? header : "(none)",
                 (unsigned long long)size, got, want);
}

static void test_parts(void **state)
{
    (void)state;
    assert_part("bytes=0-99", 1000, 0, 99);
    assert_part("bytes=100-", 1000, 100, 999);
    assert_part("bytes=-100", 1000, 900, 999);
    assert_part("bytes=-5000", 1000, 0, 999);      /* more than there is: all of it */
    assert_part("bytes=990-5000", 1000, 990, 999); /* the end cut to the end */
    assert_part("Bytes= 5-5 ", 1000, 5, 5);        /* the unit in any case, blanks around */
    assert_part("bytes=999-999", 1000, 999, 999);
}

static void test_ignored(void **state)
{
    (void)state;
    assert_result(NULL, 1000, BYTE_RANGE_WHOLE);
    assert_result("", 1000, BYTE_RANGE_WHOLE);
    assert_result("items=0-5", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=-", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=5", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=9-5", 1000, BYTE_RANGE_WHOLE); /* last before first: invalid */
    assert_result("bytes=a-5", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=0-5x", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=0 -5", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=+1-5", 1000, BYTE_RANGE_WHOLE);
    assert_result("bytes=0-1,5-9", 1000, BYTE_RANGE_WHOLE); /* several: the whole answers */
    assert_result("bytes=99999999999999999999-", 1000, BYTE_RANGE_WHOLE); /* 20 digits */
}

static void test_unsatisfiable(void **state)
{
    (void)state;
    assert_result("bytes=1000-", 1000, BYTE_RANGE_UNSATISFIABLE);
    assert_result("bytes=5000-6000", 1000, BYTE_RANGE_UNSATISFIABLE);
    assert_result("bytes=-0", 1000, BYTE_RANGE_UNSATISFIABLE);
    assert_result("bytes=0-0", 0, BYTE_RANGE_UNSATISFIABLE);
    assert_result("bytes=-1", 0, BYTE_RANGE_UNSATISFIABLE);
}

static void assert_path(const char *sent, const char *want)
{
    arena a = {0};
    const char *got = upload_path_decode(&a, sent);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("\"%s\": \"%s\", expected \"%s\"", sent, got ? got : "(refused)", want);
    if (!want && got)
        fail_msg("\"%s\": \"%s\", expected a refusal", sent, got);
    arena_free(&a);
}

static void test_upload_paths(void **state)
{
    (void)state;
    assert_path("2013/01/a.jpg", "2013/01/a.jpg");
    assert_path("2013/01/caf%C3%A9.jpg", "2013/01/caf\xc3\xa9.jpg");
    assert_path("2013/01/caf%c3%a9.jpg", "2013/01/caf\xc3\xa9.jpg");
    assert_path("2013/01/a%20b.jpg", "2013/01/a b.jpg");
    assert_path("2013/01/.hidden", "2013/01/.hidden"); /* a dot file is a name */
    assert_path("2013/01/a..b.jpg", "2013/01/a..b.jpg");
    assert_path("", NULL);
    assert_path("../etc/passwd", NULL);
    assert_path("2013/../../etc/passwd", NULL);
    assert_path("2013/%2e%2e/a.jpg", NULL);
    assert_path("2013/%2E%2E/a.jpg", NULL);
    assert_path("2013/.%2e/a.jpg", NULL);
    assert_path("2013/./a.jpg", NULL);
    assert_path("..%2fetc%2fpasswd", NULL);
    assert_path("2013%2f01%2fa.jpg", NULL);
    assert_path("2013%5c..%5ca.jpg", NULL);
    assert_path("2013/01/a.jpg%00.png", NULL);
    assert_path("/etc/passwd", NULL);
    assert_path("2013//a.jpg", NULL);
    assert_path("2013/01/", NULL);
    assert_path("2013/01/a%zz.jpg", NULL);
    assert_path("2013/01/a%4", NULL);
    assert_path("2013/01/a%", NULL);
    assert_path("2013/01/a%0a.jpg", NULL);
    assert_path("2013/01/a\\b.jpg", NULL);
    assert_path("2013/01/%ff%fe.jpg", NULL); /* not UTF-8 */
    char long_path[UPLOAD_PATH_MAX + 2];
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = '\0';
    assert_path(long_path, NULL);
    long_path[UPLOAD_PATH_MAX] = '\0';
    assert_path(long_path, long_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_ignored),
        cmocka_unit_test(test_unsatisfiable),
        cmocka_unit_test(test_upload_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
