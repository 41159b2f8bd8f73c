/* test_media_model.c: model/media.h on a real store (SQLite; PostgreSQL too with
 * GAZETTE_TEST_POSTGRES): the settings read, media_add's files (names, sizes, WebP copies,
 * metadata gone, ETags), names made unique, refused files leaving nothing, other kinds stored as
 * they are, attachment pages, media_attach to a record without its file (with WordPress's extra
 * files kept or cleaned), and URL paths. Images come from tests/gen/images.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/media.h"
#include "temp_store.h"

#define MAY_2024 1715300000LL /* 2024-05-10 UTC */

static char images_dir[64];

struct test_bytes {
    unsigned char *data;
    size_t length;
};

static struct test_bytes read_image(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", images_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: not made by tests/gen/images.py", path);
    struct test_bytes b = {0};
    fseek(f, 0, SEEK_END);
    b.length = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(b.length ? b.length : 1);
    assert_int_equal(fread(b.data, 1, b.length, f), b.length);
    fclose(f);
    return b;
}

static int setup(void **state)
{
    return temp_fixture_setup(state, "media_model");
}

static struct media_settings read_settings(struct temp_fixture *f)
{
    struct media_settings settings;
    media_settings_read(f->s, &f->a, &settings);
    return settings;
}

/* Adds `image` as `filename` in May 2024; returns media_add's result. */
static int add(struct temp_fixture *f, const char *image, const char *filename, long long post_id,
               long long *id, buf *error)
{
    struct media_settings settings = read_settings(f);
    struct test_bytes b = read_image(image);
    struct media_upload upload = {
        .bytes = b.data,
        .length = b.length,
        .filename = filename,
        .alt = "alt text",
        .post_id = post_id,
        .created_at = MAY_2024,
    };
    int rc = media_add(f->s, &f->a, &settings, &upload, id, error);
    free(b.data);
    return rc;
}

static const struct store_media_file *file_at(const struct store_media_file *files, size_t count,
                                              const char *path)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(files[i].path, path) == 0)
            return &files[i];
    return NULL;
}

static void expect_file(const struct store_media_file *files, size_t count, const char *path,
                        const char *size, const char *mime, long long width, long long height)
{
    const struct store_media_file *file = file_at(files, count, path);
    if (!file) {
        for (size_t i = 0; i < count; i++)
            print_message("  have %s\n", files[i].path);
        fail_msg("no file %s", path);
    }
    assert_string_equal(file->size, size);
    assert_string_equal(file->mime, mime);
    assert_int_equal(file->width, width);
    assert_int_equal(file->height, height);
    assert_true(file->bytes > 0);
    assert_int_equal(strlen(file->etag), 32);
}

static void test_settings(void **state)
{
    struct temp_fixture *f = *state;
    struct media_settings s = read_settings(f);
    assert_int_equal(s.limits.max_bytes, 64u << 20);
    assert_int_equal(s.limits.max_pixels, 100000000LL);
    assert_int_equal(s.size_count, 4);
    assert_string_equal(s.sizes[0].name, "thumbnail");
    assert_true(s.sizes[0].crop);
    assert_int_equal(s.sizes[0].width, 150);
    assert_string_equal(s.sizes[1].name, "medium");
    assert_false(s.sizes[1].crop);
    assert_int_equal(s.sizes[1].height, 300);
    assert_string_equal(s.sizes[2].name, "medium_large");
    assert_int_equal(s.sizes[2].width, 768);
    assert_int_equal(s.sizes[2].height, 0);
    assert_string_equal(s.sizes[3].name, "large");
    assert_int_equal(s.sizes[3].width, 1024);
    assert_true(s.webp);
    temp_store_set(f->s, "media.thumbnail_size", "100x50");
    temp_store_set(f->s, "media.large_size", "2048x0");
    temp_store_set(f->s, "media.webp", "false");
    temp_store_set(f->s, "media.max_mb", "2");
    s = read_settings(f);
    assert_int_equal(s.sizes[0].width, 100);
    assert_int_equal(s.sizes[0].height, 50);
    assert_int_equal(s.sizes[3].width, 2048);
    assert_int_equal(s.sizes[3].height, 0);
    assert_false(s.webp);
    assert_int_equal(s.limits.max_bytes, 2u << 20);
}

/* A JPEG with GPS: the files WordPress would make, named as it would, with nothing of the EXIF. */
static void test_add_jpeg(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    long long id = 0;
    if (add(f, "small_gps.jpg", "C:\\Photos\\My Photo É.JPG", 0, &id, &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, id, &m), STORE_OK);
    assert_string_equal(m.file, "2024/05/my-photo-e.jpg");
    assert_string_equal(m.title, "My Photo É");
    assert_string_equal(m.slug, "my-photo-e");
    assert_string_equal(m.page_path, "/attachment/my-photo-e/");
    assert_string_equal(m.alt, "alt text");
    assert_string_equal(m.mime, "image/jpeg");
    assert_int_equal(m.width, 640);
    assert_int_equal(m.height, 480);
    assert_int_equal(m.created_at, MAY_2024);
    struct store_media_file *files;
    size_t count;
    assert_int_equal(store_media_files(f->s, &f->a, id, &files, &count), STORE_OK);
    assert_int_equal(count, 5);
    expect_file(files, count, "2024/05/my-photo-e.jpg", "full", "image/jpeg", 640, 480);
    expect_file(files, count, "2024/05/my-photo-e-150x150.jpg", "thumbnail", "image/jpeg", 150,
                150);
    expect_file(files, count, "2024/05/my-photo-e-150x150.webp", "thumbnail", "image/webp", 150,
                150);
    expect_file(files, count, "2024/05/my-photo-e-300x225.jpg", "medium", "image/jpeg", 300, 225);
    expect_file(files, count, "2024/05/my-photo-e-300x225.webp", "medium", "image/webp", 300, 225);
    assert_int_equal(m.bytes, file_at(files, count, "2024/05/my-photo-e.jpg")->bytes);
    for (size_t i = 0; i < count; i++) {
        const unsigned char *data;
        size_t length;
        assert_int_equal(store_media_file_data(f->s, &f->a, files[i].path, &data, &length),
                         STORE_OK);
        assert_int_equal((long long)length, files[i].bytes);
        assert_null(memmem(data, length, "Exif", 4));
        assert_null(memmem(data, length, "GazetteCam", 10));
    }
    /* the ETag is the bytes' hash: two different files, two ETags */
    assert_string_not_equal(files[0].etag, files[1].etag);
    buf_free(&error);
}

/* The same name again: -1, then -2 for its page; a WebP whose sizes would take the JPEG's
 * WebP copies' names gets a free name too. */
static void test_unique_names(void **state)
{
    struct temp_fixture *f = *state;
    buf error = {0};
    long long first, second, webp;
    assert_int_equal(add(f, "small_gps.jpg", "photo.jpg", 0, &first, &error), 0);
    assert_int_equal(add(f, "small_gps.jpg", "photo.jpeg", 0, &second, &error), 0);
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, second, &m), STORE_OK);
    assert_string_equal(m.file, "2024/05/photo-1.jpg");
    assert_string_equal(m.slug, "photo-2");
    assert_string_equal(m.page_path, "/attachment/photo-2/");
    struct store_media_file file;
    assert_int_equal(store_media_file_find(f->s, &f->a, "2024/05/photo-1-150x150.webp", &file),
                     STORE_OK);
    assert_int_equal(file.media_id, second);
    /* photo.webp is free, but its size photo-150x150.webp is the first JPEG's copy, and
     * photo-1-150x150.webp the second's */
    if (add(f, "image.webp", "photo.webp", 0, &webp, &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(store_media_get(f->s, &f->a, webp, &m), STORE_OK);
    assert_string_equal(m.file, "2024/05/photo-2.webp");
    assert_string_equal(m.mime, "image/webp");
    assert_int_equal(store_media_file_find(f->s, &f->a, "2024/05/photo-2-150x150.webp", &file),
                     STORE_OK);
    assert_int_equal(file.media_id, webp);
    assert_int_equal(store_media_file_find(f->s, &f->a, "2024/05/photo-150x150.webp", &file),
                     STORE_OK);
    assert_int_equal(file.media_id, first);
    buf_free(&error);
}

/* Refused files: -2 with a sentence naming the file, nothing stored. */
static void test_refused(void **state)
{
    struct temp_fixture *f = *state;
    static const struct {
        const char *image, *filename, *message;
    } cases[] = {
        {"html.html", "page.html", "not a kind of file"},
        {"jpeg_magic.html", "fake.jpg", "truncated or corrupt"},
        {"truncated.jpg", "cut.jpg", "truncated or corrupt"},
        {"bomb.png", "bomb.png", "media.max_megapixels"},
        {"entity.svg", "entity.svg", "not a kind of file"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf error = {0};
        long long id = 99;
        assert_int_equal(add(f, cases[i].image, cases[i].filename, 0, &id, &error), -2);
        assert_int_equal(id, 0);
        if (!strstr(buf_cstr(&error), cases[i].message) ||
            !strstr(buf_cstr(&error), cases[i].filename))
            fail_msg("%s: \"%s\"", cases[i].image, buf_cstr(&error));
        buf_free(&error);
    }
    temp_store_set(f->s, "media.max_mb", "1");
    buf error = {0};
    long long id;
    assert_int_equal(add(f, "big_rotated.jpg", "big.jpg", 0, &id, &error), 0); /* 450 KB */
    struct media_settings settings = read_settings(f);
    settings.limits.max_bytes = 1000;
    struct test_bytes b = read_image("small_gps.jpg");
    struct media_upload upload = {.bytes = b.data, .length = b.length, .filename = "s.jpg"};
    buf_reset(&error);
    assert_int_equal(media_add(f->s, &f->a, &settings, &upload, &id, &error), -2);
    assert_non_null(strstr(buf_cstr(&error), "media.max_mb"));
    free(b.data);
    struct store_media_filter all = {0};
    long long count = 0;
    assert_int_equal(store_media_count(f->s, &all, &count), STORE_OK);
    assert_int_equal(count, 1); /* only big.jpg */
    buf_free(&error);
}

/* PDF and SVG are stored as they are: one file, no dimensions. */
static void test_other_kinds(void **state)
{
    struct temp_fixture *f = *state;
    static const struct {
        const char *image, *filename, *path, *mime;
    } cases[] = {
        {"tiny.pdf", "Report 2024.pdf", "2024/05/report-2024.pdf", "application/pdf"},
        {"script.svg", "logo.svg", "2024/05/logo.svg", "image/svg+xml"},
        {"tiny.mp3", "song.bin", "2024/05/song.mp3", "audio/mpeg"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf error = {0};
        long long id;
        if (add(f, cases[i].image, cases[i].filename, 0, &id, &error) != 0)
            fail_msg("%s: %s", cases[i].image, buf_cstr(&error));
        struct store_media m;
        assert_int_equal(store_media_get(f->s, &f->a, id, &m), STORE_OK);
        assert_string_equal(m.file, cases[i].path);
        assert_string_equal(m.mime, cases[i].mime);
        assert_int_equal(m.width, 0);
        struct store_media_file *files;
        size_t count;
        assert_int_equal(store_media_files(f->s, &f->a, id, &files, &count), STORE_OK);
        assert_int_equal(count, 1);
        const unsigned char *data;
        size_t length;
        assert_int_equal(store_media_file_data(f->s, &f->a, cases[i].path, &data, &length),
                         STORE_OK);
        struct test_bytes b = read_image(cases[i].image);
        assert_int_equal(length, b.length);
        assert_memory_equal(data, b.data, length);
        free(b.data);
        buf_free(&error);
    }
}

/* A media attached to a post answers under the post's path. */
static void test_attachment_page(void **state)
{
    struct temp_fixture *f = *state;
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = "hello",
        .path = "/2020/01/hello/",
        .title = "Hello",
        .body_html = "<p>x</p>",
        .body_text = "x",
        .published_at = MAY_2024,
        .modified_at = MAY_2024,
        .comments_open = true,
    };
    long long post_id = 0, id;
    assert_int_equal(store_post_insert(f->s, &post, &post_id), STORE_OK);
    buf error = {0};
    assert_int_equal(add(f, "clean.png", "Sunset.png", post_id, &id, &error), 0);
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, id, &m), STORE_OK);
    assert_string_equal(m.page_path, "/2020/01/hello/sunset/");
    assert_int_equal(m.post_id, post_id);
    /* an unattached media whose page would be a post's path gets -2 */
    struct store_post taken = post;
    taken.slug = "moon";
    taken.path = "/attachment/moon/";
    long long taken_id;
    assert_int_equal(store_post_insert(f->s, &taken, &taken_id), STORE_OK);
    assert_int_equal(add(f, "clean.png", "moon.png", 0, &id, &error), 0);
    assert_int_equal(store_media_get(f->s, &f->a, id, &m), STORE_OK);
    assert_string_equal(m.page_path, "/attachment/moon-2/");
    buf_free(&error);
}

/* An import without its file, then the file and WordPress's sizes from the old uploads. */
static void test_attach(void **state)
{
    struct temp_fixture *f = *state;
    struct media_settings settings = read_settings(f);
    struct media_upload record = {
        .filename = "a.jpg",
        .file = "2013/01/a.jpg",
        .title = "A",
        .id = 77,
        .wp_id = 77,
        .slug = "a",
        .page_path = "/a/",
        .created_at = MAY_2024,
    };
    buf error = {0};
    long long id;
    if (media_add(f->s, &f->a, &settings, &record, &id, &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_int_equal(id, 77);
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, 77, &m), STORE_OK);
    assert_string_equal(m.file, "2013/01/a.jpg");
    assert_string_equal(m.mime, "");
    assert_int_equal(m.bytes, 0);
    assert_string_equal(m.page_path, "/a/");
    struct store_media_file *files;
    size_t count;
    assert_int_equal(store_media_files(f->s, &f->a, 77, &files, &count), STORE_OK);
    assert_int_equal(count, 0);

    struct test_bytes original = read_image("small_gps.jpg"), clean = read_image("clean.jpg");
    struct media_extra_file extra[] = {
        {"2013/01/a-300x225.jpg", "medium", clean.data, clean.length},          /* bare: kept */
        {"2013/01/a-150x150.jpg", "thumbnail", original.data, original.length}, /* cleaned */
        {"2013/01/a-1x1.jpg", "", (const unsigned char *)"hello", 5},           /* skipped */
        {"2013/../../etc/x.jpg", "", clean.data, clean.length},                 /* skipped */
    };
    if (media_attach(f->s, &f->a, &settings, 77, original.data, original.length, extra, 4,
                     &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    assert_non_null(strstr(buf_cstr(&error), "2013/01/a-1x1.jpg"));
    assert_non_null(strstr(buf_cstr(&error), "2013/../../etc/x.jpg"));
    assert_int_equal(store_media_get(f->s, &f->a, 77, &m), STORE_OK);
    assert_string_equal(m.mime, "image/jpeg");
    assert_int_equal(m.width, 640);
    assert_true(m.bytes > 0);
    assert_int_equal(store_media_files(f->s, &f->a, 77, &files, &count), STORE_OK);
    expect_file(files, count, "2013/01/a.jpg", "full", "image/jpeg", 640, 480);
    /* at a generated size's path, the old site's file wins (its own dimensions: the test gave
     * other images than WordPress would have made) */
    expect_file(files, count, "2013/01/a-150x150.jpg", "thumbnail", "image/jpeg", 640, 480);
    expect_file(files, count, "2013/01/a-150x150.webp", "thumbnail", "image/webp", 150, 150);
    expect_file(files, count, "2013/01/a-300x225.jpg", "medium", "image/jpeg", 500, 400);
    assert_null(file_at(files, count, "2013/01/a-1x1.jpg"));
    assert_int_equal(count, 5);
    const unsigned char *data;
    size_t length;
    assert_int_equal(store_media_file_data(f->s, &f->a, "2013/01/a-300x225.jpg", &data, &length),
                     STORE_OK);
    assert_int_equal(length, clean.length);
    assert_memory_equal(data, clean.data, length);
    assert_int_equal(store_media_file_data(f->s, &f->a, "2013/01/a-150x150.jpg", &data, &length),
                     STORE_OK);
    assert_null(memmem(data, length, "GazetteCam", 10));
    assert_null(memmem(data, length, "Exif", 4));

    /* Attached again (a corrected file): the files are made again, none left over. */
    buf_reset(&error);
    assert_int_equal(
        media_attach(f->s, &f->a, &settings, 77, clean.data, clean.length, NULL, 0, &error), 0);
    assert_int_equal(store_media_files(f->s, &f->a, 77, &files, &count), STORE_OK);
    assert_int_equal(count, 5); /* full, thumbnail + WebP, medium 300x240 + WebP */
    assert_null(file_at(files, count, "2013/01/a-300x225.jpg"));
    expect_file(files, count, "2013/01/a-300x240.jpg", "medium", "image/jpeg", 300, 240);

    /* refused: no such media; a file of no accepted kind */
    buf_reset(&error);
    assert_int_equal(
        media_attach(f->s, &f->a, &settings, 12345, clean.data, clean.length, NULL, 0, &error), -2);
    buf_reset(&error);
    assert_int_equal(media_attach(f->s, &f->a, &settings, 77, (const unsigned char *)"hello", 5,
                                  NULL, 0, &error),
                     -2);
    assert_int_equal(store_media_files(f->s, &f->a, 77, &files, &count), STORE_OK);
    assert_int_equal(count, 5); /* unchanged */
    /* an import's path another media has */
    buf_reset(&error);
    assert_int_equal(media_add(f->s, &f->a, &settings, &record, &id, &error), -2);
    free(original.data);
    free(clean.data);
    buf_free(&error);
}

/* An import with its file: the path is kept, sizes beside it, a size path another media holds
 * left to it. */
static void test_import_path(void **state)
{
    struct temp_fixture *f = *state;
    struct media_settings settings = read_settings(f);
    struct test_bytes b = read_image("small_gps.jpg");
    buf error = {0};
    long long other, id;
    struct media_upload first = {.bytes = b.data,
                                 .length = b.length,
                                 .filename = "x.jpg",
                                 .file = "2012/12/x-150x150.jpg",
                                 .created_at = MAY_2024};
    if (media_add(f->s, &f->a, &settings, &first, &other, &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    struct media_upload upload = {.bytes = b.data,
                                  .length = b.length,
                                  .filename = "IMG 1.JPG",
                                  .file = "2012/12/x.jpg",
                                  .wp_id = 5,
                                  .created_at = MAY_2024};
    if (media_add(f->s, &f->a, &settings, &upload, &id, &error) != 0)
        fail_msg("%s", buf_cstr(&error));
    struct store_media m;
    assert_int_equal(store_media_get(f->s, &f->a, id, &m), STORE_OK);
    assert_string_equal(m.file, "2012/12/x.jpg");
    assert_string_equal(m.title, "IMG 1");
    assert_int_equal(m.wp_id, 5);
    struct store_media_file *files;
    size_t count;
    assert_int_equal(store_media_files(f->s, &f->a, id, &files, &count), STORE_OK);
    expect_file(files, count, "2012/12/x.jpg", "full", "image/jpeg", 640, 480);
    expect_file(files, count, "2012/12/x-150x150.webp", "thumbnail", "image/webp", 150, 150);
    expect_file(files, count, "2012/12/x-300x225.jpg", "medium", "image/jpeg", 300, 225);
    assert_null(file_at(files, count, "2012/12/x-150x150.jpg")); /* the other media's */
    assert_int_equal(count, 4);
    /* an unsafe import path is refused */
    upload.file = "2012/../../x.jpg";
    upload.wp_id = 6;
    assert_int_equal(media_add(f->s, &f->a, &settings, &upload, &id, &error), -2);
    upload.file = "/etc/x.jpg";
    assert_int_equal(media_add(f->s, &f->a, &settings, &upload, &id, &error), -2);
    free(b.data);
    buf_free(&error);
}

static void test_urls(void **state)
{
    struct temp_fixture *f = *state;
    arena *a = &f->a;
    const char *site = "https://new.example/blog", *old = "http://old.example";
    static const struct {
        const char *url, *path;
    } cases[] = {
        {"/wp-content/uploads/2013/01/a.jpg", "2013/01/a.jpg"},
        {"/wp-content/uploads/2013/01/a.jpg?ver=2#top", "2013/01/a.jpg"},
        {"/wp-content/uploads/2013/01/a%20b.jpg", "2013/01/a b.jpg"},
        {"http://old.example/wp-content/uploads/2013/01/a.jpg", "2013/01/a.jpg"},
        {"https://OLD.example/wp-content/uploads/2013/01/a.jpg", "2013/01/a.jpg"},
        {"//old.example/wp-content/uploads/a.jpg", "a.jpg"},
        {"https://new.example/blog/wp-content/uploads/a.jpg", "a.jpg"},
        {"https://new.example/wp-content/uploads/a.jpg", NULL}, /* outside the site's path */
        {"https://other.example/wp-content/uploads/a.jpg", NULL},
        {"https://old.example.evil/wp-content/uploads/a.jpg", NULL},
        {"/wp-content/uploads/../../etc/passwd", NULL},
        {"/wp-content/uploads/2013/%2e%2e/%2e%2e/x.jpg", NULL},
        {"/wp-content/uploads/2013%2f01/a.jpg", NULL},
        {"/wp-content/uploads/2013%2F01/a.jpg", NULL},
        {"/wp-content/uploads/a%00.jpg", NULL},
        {"/wp-content/uploads/a%zz.jpg", NULL},
        {"/wp-content/uploads/a//b.jpg", NULL},
        {"/wp-content/uploads/a\\b.jpg", NULL},
        {"/wp-content/uploads/", NULL},
        {"/wp-content/uploadsx/a.jpg", NULL},
        {"/other/a.jpg", NULL},
        {"javascript:alert(1)", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = media_path_of_url(a, cases[i].url, site, old);
        if (cases[i].path ? !path || strcmp(path, cases[i].path) != 0 : path != NULL)
            fail_msg("%s: \"%s\", expected \"%s\"", cases[i].url, path ? path : "(null)",
                     cases[i].path ? cases[i].path : "(null)");
    }
    assert_null(media_path_of_url(a, "http://old.example/wp-content/uploads/a.jpg", site, ""));
    assert_null(media_path_of_url(a, NULL, site, old));
    assert_string_equal(media_url(a, "2013/01/a.jpg"), "/wp-content/uploads/2013/01/a.jpg");
    const char *url = media_url(a, "2013/01/a b&c\"é.jpg");
    assert_string_equal(url, "/wp-content/uploads/2013/01/a%20b%26c%22%C3%A9.jpg");
    assert_string_equal(media_path_of_url(a, url, site, old), "2013/01/a b&c\"é.jpg");
}

int main(void)
{
    buf error = {0};
    if (image_init("test_media_model", &error) != 0) {
        fprintf(stderr, "image_init: %s\n", buf_cstr(&error));
        return 1;
    }
    const char *source = getenv("GAZETTE_SOURCE");
    if (!source || !*source) {
        fprintf(stderr, "GAZETTE_SOURCE is not set (ctest sets it to the source folder)\n");
        return 1;
    }
    snprintf(images_dir, sizeof(images_dir), "/tmp/test_media_model.XXXXXX");
    if (!mkdtemp(images_dir))
        return 1;
    char command[512];
    snprintf(command, sizeof(command), "/usr/bin/python3 %s/tests/gen/images.py %s", source,
             images_dir);
    if (system(command) != 0) {
        fprintf(stderr, "%s failed\n", command);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_settings, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_add_jpeg, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unique_names, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_other_kinds, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_attachment_page, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_attach, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_import_path, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_urls, setup, temp_fixture_teardown),
    };
    int failed = temp_store_run_tests(tests);
    snprintf(command, sizeof(command), "rm -rf %s", images_dir);
    if (system(command) != 0)
        failed++;
    return failed;
}
