/* test_image.c: media/image.h on the files tests/gen/images.py makes: the kind of each, header
 * dimensions, limits (pixel bomb, bytes), the cleaned "full" (orientation applied, EXIF and GPS
 * gone, checked in the bytes and by the `vipsheader` command), WordPress's size arithmetic,
 * the WebP copies, alpha kept, corrupt files refused, the polyglot's script gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>
#include <unistd.h>

#include "media/image.h"

static char test_dir[64];

struct test_file {
    unsigned char *bytes;
    size_t length;
};

static struct test_file test_read(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", test_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: not made by tests/gen/images.py", path);
    struct test_file file = {0};
    fseek(f, 0, SEEK_END);
    file.length = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    file.bytes = malloc(file.length ? file.length : 1);
    assert_int_equal(fread(file.bytes, 1, file.length, f), file.length);
    fclose(f);
    return file;
}

static const struct image_limits test_limits = {64u << 20, 100000000LL};

/* WordPress's default sizes. */
static const struct image_size_spec test_sizes[] = {
    {"thumbnail", 150, 150, true},
    {"medium", 300, 300, false},
    {"medium_large", 768, 0, false},
    {"large", 1024, 1024, false},
};

static bool test_contains(const unsigned char *data, size_t length, const char *needle)
{
    return memmem(data, length, needle, strlen(needle)) != NULL;
}

static int test_setup(void **state)
{
    (void)state;
    buf error = {0};
    if (image_init("test_image", &error) != 0)
        fail_msg("image_init: %s", buf_cstr(&error));
    buf_free(&error);
    const char *source = getenv("GAZETTE_SOURCE");
    if (!source || !*source)
        fail_msg("GAZETTE_SOURCE is not set (ctest sets it to the source folder)");
    snprintf(test_dir, sizeof(test_dir), "/tmp/test_image.XXXXXX");
    if (!mkdtemp(test_dir))
        fail_msg("mkdtemp failed");
    char command[512];
    snprintf(command, sizeof(command), "/usr/bin/python3 %s/tests/gen/images.py %s", source,
             test_dir);
    if (system(command) != 0)
        fail_msg("%s failed", command);
    return 0;
}

static int test_teardown(void **state)
{
    (void)state;
    char command[128];
    snprintf(command, sizeof(command), "rm -rf %s", test_dir);
    return system(command) == 0 ? 0 : -1;
}

static void test_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum media_kind kind;
    } cases[] = {
        {"big_rotated.jpg", MEDIA_KIND_JPEG}, {"clean.png", MEDIA_KIND_PNG},
        {"animated.gif", MEDIA_KIND_GIF},     {"image.webp", MEDIA_KIND_WEBP},
        {"tiny.pdf", MEDIA_KIND_PDF},         {"tiny.mp3", MEDIA_KIND_MP3},
        {"tiny.mp4", MEDIA_KIND_MP4},         {"tiny.m4a", MEDIA_KIND_MP4},
        {"tiny.ogg", MEDIA_KIND_OGG},         {"tiny.wav", MEDIA_KIND_WAV},
        {"tiny.webm", MEDIA_KIND_WEBM},       {"script.svg", MEDIA_KIND_SVG},
        {"doctype.svg", MEDIA_KIND_SVG},      {"entity.svg", MEDIA_KIND_UNKNOWN},
        {"html.html", MEDIA_KIND_UNKNOWN},    {"polyglot.jpg", MEDIA_KIND_JPEG},
        {"jpeg_magic.html", MEDIA_KIND_JPEG}, {"bomb.png", MEDIA_KIND_PNG},
        {"truncated.jpg", MEDIA_KIND_JPEG},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct test_file f = test_read(cases[i].name);
        if (image_sniff(f.bytes, f.length) != cases[i].kind)
            fail_msg("%s: kind %d, expected %d", cases[i].name, image_sniff(f.bytes, f.length),
                     cases[i].kind);
        free(f.bytes);
    }
    assert_int_equal(image_sniff(NULL, 0), MEDIA_KIND_UNKNOWN);
    assert_int_equal(image_sniff((const unsigned char *)"", 0), MEDIA_KIND_UNKNOWN);
    assert_int_equal(image_sniff((const unsigned char *)"\xFF\xD8", 2), MEDIA_KIND_UNKNOWN);
    assert_int_equal(image_sniff((const unsigned char *)"RIFF\0\0\0\0AVI ", 12),
                     MEDIA_KIND_UNKNOWN);
    /* an <svg> that is not the root, and a "<svgfoo>" element */
    const char *not_svg[] = {"<html><svg></svg></html>", "<svgfoo/>", "hello <svg>",
                             "<?xml version=\"1.0\"?><html><svg/></html>"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(image_sniff((const unsigned char *)not_svg[i], strlen(not_svg[i])),
                         MEDIA_KIND_UNKNOWN);
    assert_string_equal(media_kind_mime(MEDIA_KIND_JPEG), "image/jpeg");
    assert_string_equal(media_kind_extension(MEDIA_KIND_WEBP), "webp");
    assert_string_equal(media_kind_mime(MEDIA_KIND_UNKNOWN), "");
    assert_true(media_kind_is_image(MEDIA_KIND_GIF));
    assert_false(media_kind_is_image(MEDIA_KIND_SVG));
    assert_false(media_kind_is_image(MEDIA_KIND_PDF));
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum media_kind kind;
        int width, height;
    } cases[] = {
        {"big_rotated.jpg", MEDIA_KIND_JPEG, 4000, 6000}, /* upright */
        {"small_gps.jpg", MEDIA_KIND_JPEG, 640, 480},     {"alpha.png", MEDIA_KIND_PNG, 400, 300},
        {"animated.gif", MEDIA_KIND_GIF, 200, 150}, /* a frame */
        {"image.webp", MEDIA_KIND_WEBP, 320, 240},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct test_file f = test_read(cases[i].name);
        enum media_kind kind;
        int width = 0, height = 0;
        buf error = {0};
        if (image_probe(f.bytes, f.length, &test_limits, &kind, &width, &height, &error) != 0)
            fail_msg("%s: %s", cases[i].name, buf_cstr(&error));
        assert_int_equal(kind, cases[i].kind);
        assert_int_equal(width, cases[i].width);
        assert_int_equal(height, cases[i].height);
        buf_free(&error);
        free(f.bytes);
    }
    /* Kinds stored but not decoded are refused by the image functions. */
    const char *others[] = {"script.svg", "tiny.pdf", "tiny.mp3", "html.html"};
    for (size_t i = 0; i < 4; i++) {
        struct test_file f = test_read(others[i]);
        buf error = {0};
        enum media_kind kind;
        int width, height;
        assert_int_equal(
            image_probe(f.bytes, f.length, &test_limits, &kind, &width, &height, &error), -1);
        assert_non_null(strstr(buf_cstr(&error), "not an image"));
        buf_free(&error);
        free(f.bytes);
    }
}

/* The pixel bomb is refused from its header; so is a file over the byte limit. */
static void test_limits_refuse(void **state)
{
    (void)state;
    struct test_file bomb = test_read("bomb.png");
    buf error = {0};
    int width, height;
    enum media_kind kind;
    assert_int_equal(
        image_probe(bomb.bytes, bomb.length, &test_limits, &kind, &width, &height, &error), -1);
    assert_non_null(strstr(buf_cstr(&error), "30000x30000"));
    assert_non_null(strstr(buf_cstr(&error), "media.max_megapixels"));
    buf_reset(&error);
    arena a = {0};
    struct image_output *outputs;
    size_t count;
    assert_int_equal(image_process(&a, bomb.bytes, bomb.length, &test_limits, test_sizes, 4, true,
                                   &outputs, &count, &error),
                     -1);
    assert_non_null(strstr(buf_cstr(&error), "30000x30000"));
    assert_int_equal(count, 0);
    buf_reset(&error);
    unsigned char *pixels;
    assert_int_equal(image_decode_argb(&a, bomb.bytes, bomb.length, &test_limits, 100, 100, &pixels,
                                       &width, &height, &error),
                     -1);
    assert_non_null(strstr(buf_cstr(&error), "30000x30000"));
    buf_reset(&error);

    struct test_file small = test_read("small_gps.jpg");
    struct image_limits tight = {1000, 100000000LL};
    assert_int_equal(image_probe(small.bytes, small.length, &tight, &kind, &width, &height, &error),
                     -1);
    assert_non_null(strstr(buf_cstr(&error), "media.max_mb"));
    buf_reset(&error);
    struct image_limits few_pixels = {64u << 20, 640 * 480 - 1};
    assert_int_equal(image_process(&a, small.bytes, small.length, &few_pixels, test_sizes, 4, true,
                                   &outputs, &count, &error),
                     -1);
    assert_non_null(strstr(buf_cstr(&error), "640x480"));
    /* The animated GIF counts every frame: 3 x 200 x 150. */
    struct test_file gif = test_read("animated.gif");
    buf_reset(&error);
    struct image_limits two_frames = {64u << 20, 2 * 200 * 150};
    assert_int_equal(
        image_probe(gif.bytes, gif.length, &two_frames, &kind, &width, &height, &error), -1);
    assert_non_null(strstr(buf_cstr(&error), "3 frames"));
    buf_free(&error);
    arena_free(&a);
    free(bomb.bytes);
    free(small.bytes);
    free(gif.bytes);
}

/* Writes `data` to DIR/name and returns what `vipsheader -a` says of it, in `out`. */
static void test_vipsheader(const char *name, const unsigned char *data, size_t length, char *out,
                            size_t size)
{
    char path[256], command[320];
    snprintf(path, sizeof(path), "%s/%s", test_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, length, f), length);
    fclose(f);
    snprintf(command, sizeof(command), "vipsheader -a %s 2>&1", path);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
}

static const struct image_output *test_find(const struct image_output *outputs, size_t count,
                                            const char *size, enum media_kind kind)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(outputs[i].size, size) == 0 && outputs[i].kind == kind)
            return &outputs[i];
    return NULL;
}

/* Each size of `kind` with its WebP copy right after it, of the same dimensions, readable. */
static void test_check_size(const struct image_output *outputs, size_t count, const char *size,
                            enum media_kind kind, int width, int height, bool webp)
{
    const struct image_output *o = test_find(outputs, count, size, kind);
    if (!o)
        fail_msg("no %s output", size);
    assert_int_equal(o->width, width);
    assert_int_equal(o->height, height);
    assert_int_equal(image_sniff(o->data, o->length), kind);
    buf error = {0};
    enum media_kind probed;
    int w, h;
    if (image_probe(o->data, o->length, &test_limits, &probed, &w, &h, &error) != 0)
        fail_msg("%s: %s", size, buf_cstr(&error));
    assert_int_equal(w, width);
    assert_int_equal(h, height);
    if (webp) {
        const struct image_output *copy = o + 1;
        assert_true(copy < outputs + count);
        assert_string_equal(copy->size, size);
        assert_int_equal(copy->kind, MEDIA_KIND_WEBP);
        if (image_probe(copy->data, copy->length, &test_limits, &probed, &w, &h, &error) != 0)
            fail_msg("%s WebP: %s", size, buf_cstr(&error));
        assert_int_equal(probed, MEDIA_KIND_WEBP);
        assert_int_equal(w, width);
        assert_int_equal(h, height);
    }
    buf_free(&error);
}

static void test_no_metadata(const char *name, const struct image_output *o)
{
    if (test_contains(o->data, o->length, "Exif") || test_contains(o->data, o->length, "GPS") ||
        test_contains(o->data, o->length, "GazetteCam") ||
        test_contains(o->data, o->length, "http://ns.adobe.com/xap"))
        fail_msg("%s: metadata in the bytes", name);
    char header[8192];
    test_vipsheader(name, o->data, o->length, header, sizeof(header));
    for (char *p = header; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strstr(header, "exif") || strstr(header, "gps") || strstr(header, "orientation") ||
        strstr(header, "xmp") || strstr(header, "iptc"))
        fail_msg("%s still has metadata:\n%s", name, header);
}

/* The 24-megapixel photo taken sideways: upright, no EXIF, WordPress's sizes, WebP copies. */
static void test_big_rotated(void **state)
{
    (void)state;
    struct test_file f = test_read("big_rotated.jpg");
    arena a = {0};
    buf error = {0};
    struct image_output *outputs;
    size_t count;
    if (image_process(&a, f.bytes, f.length, &test_limits, test_sizes, 4, true, &outputs, &count,
                      &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(count, 1 + 2 * 4);
    const struct image_output *full = &outputs[0];
    assert_string_equal(full->size, "full");
    assert_int_equal(full->kind, MEDIA_KIND_JPEG);
    assert_int_equal(full->width, 4000);
    assert_int_equal(full->height, 6000);
    assert_ptr_not_equal(full->data, f.bytes);
    test_no_metadata("big_full.jpg", full);
    /* Upright, the red third is at the top (it was the stored image's left). */
    unsigned char *pixels;
    int width, height;
    if (image_decode_argb(&a, full->data, full->length, &test_limits, 40, 60, &pixels, &width,
                          &height, &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(width, 40);
    assert_int_equal(height, 60);
    uint32_t top = ((uint32_t *)pixels)[5 * width + 20];
    uint32_t bottom = ((uint32_t *)pixels)[55 * width + 20];
    assert_true((top >> 24) == 0xFF && ((top >> 16) & 0xFF) > 200 && ((top >> 8) & 0xFF) < 60);
    assert_false(((bottom >> 16) & 0xFF) > 200 && ((bottom >> 8) & 0xFF) < 60 &&
                 (bottom & 0xFF) < 60);
    /* WordPress on 4000x6000: 150x150 cropped, 200x300, 768x1152, 683x1024. */
    test_check_size(outputs, count, "thumbnail", MEDIA_KIND_JPEG, 150, 150, true);
    test_check_size(outputs, count, "medium", MEDIA_KIND_JPEG, 200, 300, true);
    test_check_size(outputs, count, "medium_large", MEDIA_KIND_JPEG, 768, 1152, true);
    test_check_size(outputs, count, "large", MEDIA_KIND_JPEG, 683, 1024, true);
    for (size_t i = 1; i < count; i++) {
        char name[64];
        snprintf(name, sizeof(name), "big_%zu.%s", i, media_kind_extension(outputs[i].kind));
        test_no_metadata(name, &outputs[i]);
    }
    buf_free(&error);
    arena_free(&a);
    free(f.bytes);
}

/* GPS goes; a size the image does not exceed is not made; without webp, no copies. */
static void test_small_gps(void **state)
{
    (void)state;
    struct test_file f = test_read("small_gps.jpg");
    arena a = {0};
    buf error = {0};
    struct image_output *outputs;
    size_t count;
    if (image_process(&a, f.bytes, f.length, &test_limits, test_sizes, 4, false, &outputs, &count,
                      &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(count, 3); /* full, thumbnail, medium (640 < 768, 1024) */
    assert_int_equal(outputs[0].width, 640);
    assert_int_equal(outputs[0].height, 480);
    test_no_metadata("small_full.jpg", &outputs[0]);
    test_check_size(outputs, count, "thumbnail", MEDIA_KIND_JPEG, 150, 150, false);
    test_check_size(outputs, count, "medium", MEDIA_KIND_JPEG, 300, 225, false);
    assert_null(test_find(outputs, count, "thumbnail", MEDIA_KIND_WEBP));
    buf_free(&error);
    arena_free(&a);
    free(f.bytes);
}

/* Nothing to strip: "full" is the very bytes given; a second pass over a cleaned full keeps
 * it too. */
static void test_clean_kept(void **state)
{
    (void)state;
    const char *names[] = {"clean.jpg", "clean.png", "animated.gif", "image.webp"};
    for (size_t i = 0; i < 4; i++) {
        struct test_file f = test_read(names[i]);
        arena a = {0};
        buf error = {0};
        struct image_output *outputs;
        size_t count;
        if (image_process(&a, f.bytes, f.length, &test_limits, NULL, 0, true, &outputs, &count,
                          &error) != 0)
            fail_msg("%s: %s", names[i], buf_cstr(&error));
        assert_int_equal(count, 1);
        if (outputs[0].data != f.bytes)
            fail_msg("%s: full re-encoded though it holds nothing to strip", names[i]);
        assert_int_equal(outputs[0].length, f.length);
        buf_free(&error);
        arena_free(&a);
        free(f.bytes);
    }
    struct test_file f = test_read("small_gps.jpg");
    arena a = {0};
    buf error = {0};
    struct image_output *first, *second;
    size_t count;
    assert_int_equal(
        image_process(&a, f.bytes, f.length, &test_limits, NULL, 0, false, &first, &count, &error),
        0);
    assert_ptr_not_equal(first[0].data, f.bytes);
    assert_int_equal(image_process(&a, first[0].data, first[0].length, &test_limits, NULL, 0, false,
                                   &second, &count, &error),
                     0);
    assert_ptr_equal(second[0].data, first[0].data);
    buf_free(&error);
    arena_free(&a);
    free(f.bytes);
}

/* PNG sizes keep the alpha channel (colour type 6 in IHDR), the WebP copies too. */
static void test_png_alpha(void **state)
{
    (void)state;
    struct test_file f = test_read("alpha.png");
    arena a = {0};
    buf error = {0};
    struct image_output *outputs;
    size_t count;
    if (image_process(&a, f.bytes, f.length, &test_limits, test_sizes, 4, true, &outputs, &count,
                      &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(count, 5); /* full, thumbnail + WebP, medium + WebP */
    test_check_size(outputs, count, "thumbnail", MEDIA_KIND_PNG, 150, 150, true);
    test_check_size(outputs, count, "medium", MEDIA_KIND_PNG, 300, 225, true);
    for (size_t i = 1; i < count; i++) {
        const struct image_output *o = &outputs[i];
        unsigned char *pixels;
        int width, height;
        if (o->kind == MEDIA_KIND_PNG)
            assert_int_equal(o->data[25], 6); /* RGBA */
        if (image_decode_argb(&a, o->data, o->length, &test_limits, o->width, o->height, &pixels,
                              &width, &height, &error) != 0)
            fail_msg("%s", buf_cstr(&error));
        uint32_t left = ((uint32_t *)pixels)[(height / 2) * width + 2];
        uint32_t right = ((uint32_t *)pixels)[(height / 2) * width + width - 3];
        assert_int_equal(left, 0);            /* transparent, premultiplied: all zero */
        assert_int_equal(right, 0xFF0000FFu); /* opaque blue */
    }
    buf_free(&error);
    arena_free(&a);
    free(f.bytes);
}

/* The animated GIF keeps its frames in full; its sizes are the first frame, as GIF. */
static void test_animated_gif(void **state)
{
    (void)state;
    struct test_file f = test_read("animated.gif");
    arena a = {0};
    buf error = {0};
    struct image_output *outputs;
    size_t count;
    if (image_process(&a, f.bytes, f.length, &test_limits, test_sizes, 4, true, &outputs, &count,
                      &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(count, 3);
    assert_ptr_equal(outputs[0].data, f.bytes);
    test_check_size(outputs, count, "thumbnail", MEDIA_KIND_GIF, 150, 150, true);
    buf_free(&error);
    arena_free(&a);
    free(f.bytes);
}

/* Corrupt files are refused with a sentence, not turned grey. */
static void test_corrupt_refused(void **state)
{
    (void)state;
    const char *names[] = {"truncated.jpg", "jpeg_magic.html"};
    for (size_t i = 0; i < 2; i++) {
        struct test_file f = test_read(names[i]);
        arena a = {0};
        buf error = {0};
        struct image_output *outputs;
        size_t count;
        assert_int_equal(image_process(&a, f.bytes, f.length, &test_limits, test_sizes, 4, true,
                                       &outputs, &count, &error),
                         -1);
        if (!strstr(buf_cstr(&error), "truncated or corrupt"))
            fail_msg("%s: \"%s\"", names[i], buf_cstr(&error));
        unsigned char *pixels;
        int width, height;
        buf_reset(&error);
        assert_int_equal(image_decode_argb(&a, f.bytes, f.length, &test_limits, 50, 50, &pixels,
                                           &width, &height, &error),
                         -1);
        assert_true(error.len > 0);
        buf_free(&error);
        arena_free(&a);
        free(f.bytes);
    }
}

/* The JPEG that is also HTML: a JPEG by its content, processed, and no output holds the
 * script. */
static void test_polyglot(void **state)
{
    (void)state;
    struct test_file f = test_read("polyglot.jpg");
    assert_true(test_contains(f.bytes, f.length, "<script"));
    arena a = {0};
    buf error = {0};
    struct image_output *outputs;
    size_t count;
    if (image_process(&a, f.bytes, f.length, &test_limits, test_sizes, 4, true, &outputs, &count,
                      &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(outputs[0].kind, MEDIA_KIND_JPEG);
    assert_int_equal(count, 5);
    for (size_t i = 0; i < count; i++) {
        assert_false(test_contains(outputs[i].data, outputs[i].length, "<script"));
        assert_false(test_contains(outputs[i].data, outputs[i].length, "<html"));
    }
    buf_free(&error);
    arena_free(&a);
    free(f.bytes);
}

/* Several threads at once (the work pool's way), each with its own arena. */
static void *test_worker(void *data)
{
    const struct test_file *f = data;
    arena a = {0};
    buf error = {0};
    struct image_output *outputs;
    size_t count;
    intptr_t ok = 1;
    for (int round = 0; round < 3; round++)
        if (image_process(&a, f->bytes, f->length, &test_limits, test_sizes, 4, true, &outputs,
                          &count, &error) != 0 ||
            count != 5 || outputs[1].width != 150)
            ok = 0;
    buf_free(&error);
    arena_free(&a);
    return (void *)ok;
}

static void test_threads(void **state)
{
    (void)state;
    struct test_file f = test_read("small_gps.jpg");
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, test_worker, &f), 0);
    for (int i = 0; i < 4; i++) {
        void *ok;
        pthread_join(threads[i], &ok);
        assert_true((intptr_t)ok == 1);
    }
    free(f.bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),           cmocka_unit_test(test_probe),
        cmocka_unit_test(test_limits_refuse),   cmocka_unit_test(test_big_rotated),
        cmocka_unit_test(test_small_gps),       cmocka_unit_test(test_clean_kept),
        cmocka_unit_test(test_png_alpha),       cmocka_unit_test(test_animated_gif),
        cmocka_unit_test(test_corrupt_refused), cmocka_unit_test(test_polyglot),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
