/* test_media_lookup.c: which stored file answers an old "NAME-WxH.EXT" (model/media_lookup.h):
 * the name's parts, and the pick among a media's files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "model/media_lookup.h"

static void assert_variant(const char *path, const char *original, int width, int height)
{
    arena a = {0};
    const char *got = NULL;
    int w = -1, h = -1;
    bool parsed = media_size_variant_parse(&a, path, &got, &w, &h);
    if (!original && parsed)
        fail_msg("\"%s\": parsed as %s %dx%d, expected no size", path, got, w, h);
    if (original && (!parsed || strcmp(got, original) != 0 || w != width || h != height))
        fail_msg("\"%s\": %s %dx%d, expected %s %dx%d", path, parsed ? got : "(none)", w, h,
                 original, width, height);
    arena_free(&a);
}

static void test_variant_names(void **state)
{
    (void)state;
    assert_variant("2013/01/photo-300x200.jpg", "2013/01/photo.jpg", 300, 200);
    assert_variant("2013/01/a-b-1024x768.png", "2013/01/a-b.png", 1024, 768);
    assert_variant("photo-1x1.gif", "photo.gif", 1, 1);
    assert_variant("2013/01/photo-99999x1.jpg", "2013/01/photo.jpg", 99999, 1);
    assert_variant("2013/01/photo.jpg", NULL, 0, 0);
    assert_variant("2013/01/-300x200.jpg", NULL, 0, 0); /* no NAME */
    assert_variant("2013/01/photo-300x.jpg", NULL, 0, 0);
    assert_variant("2013/01/photo-x200.jpg", NULL, 0, 0);
    assert_variant("2013/01/photo300x200.jpg", NULL, 0, 0);
    assert_variant("2013/01/photo-300x200", NULL, 0, 0); /* no extension */
    assert_variant("2013/01/photo-0x200.jpg", NULL, 0, 0);
    assert_variant("2013/01/photo-123456x2.jpg", NULL, 0, 0); /* six digits */
    assert_variant("2013/01-300x200/photo.jpg", NULL, 0, 0);  /* in a folder's name */
}

static void test_pick(void **state)
{
    (void)state;
    const struct store_media_file files[] = {
        {.path = "t.jpg", .mime = "image/jpeg", .width = 150, .height = 150},
        {.path = "t.webp", .mime = "image/webp", .width = 150, .height = 150},
        {.path = "m.jpg", .mime = "image/jpeg", .width = 300, .height = 200},
        {.path = "l.jpg", .mime = "image/jpeg", .width = 1024, .height = 683},
        {.path = "o.jpg", .mime = "image/jpeg", .width = 3000, .height = 2000},
        {.path = "o.webp", .mime = "image/webp", .width = 3000, .height = 2000},
    };
    size_t n = sizeof(files) / sizeof(files[0]);
    assert_string_equal(media_pick_equivalent(files, n, "image/jpeg", 300, 200)->path, "m.jpg");
    assert_string_equal(media_pick_equivalent(files, n, "image/jpeg", 150, 150)->path, "t.jpg");
    /* not stored: the smallest that covers it, never a smaller one */
    assert_string_equal(media_pick_equivalent(files, n, "image/jpeg", 250, 180)->path, "m.jpg");
    assert_string_equal(media_pick_equivalent(files, n, "image/jpeg", 301, 200)->path, "l.jpg");
    assert_string_equal(media_pick_equivalent(files, n, "image/jpeg", 100, 100)->path, "t.jpg");
    /* larger than all: the original */
    assert_string_equal(media_pick_equivalent(files, n, "image/jpeg", 4000, 100)->path, "o.jpg");
    /* the original's type only: never its WebP copy */
    assert_string_equal(media_pick_equivalent(files, n, "image/webp", 300, 200)->path, "o.webp");
    assert_null(media_pick_equivalent(files, n, "image/png", 300, 200));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variant_names),
        cmocka_unit_test(test_pick),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
