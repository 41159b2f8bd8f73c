/* test_media_html.c: the render-time pass over a post's HTML (render/media_html.c) against a
 * real SQLite store holding media rows and their files: a local <img> gets width, height,
 * srcset (the sizes of its kind and shape), sizes, lazy loading from the second image and a
 * WebP <source>; an image of an old site's address is found by its wp-image-N class and name;
 * unknown images and other sites' are left as written; gallery and playlist placeholders
 * become WordPress's markup with the files; hostile values stay escaped; the featured image.
 * The files' bytes are placeholders: the pass reads only their rows (sizes, types, paths). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "render/media_html.h"
#include "temp_store.h"

#define NOW 1700000000LL
#define UP "/wp-content/uploads/2024/05/"

static long long add_media(struct temp_fixture *f, long long id, const char *file, const char *mime,
                           long long post_id, const char *title, const char *caption,
                           const char *alt)
{
    struct store_media m = {
        .id = id,
        .post_id = post_id,
        .file = file,
        .slug = arena_printf(&f->a, "m%lld", id),
        .page_path = arena_printf(&f->a, "/attachment/m%lld/", id),
        .title = title,
        .caption = caption,
        .alt = alt,
        .description = "",
        .mime = mime,
        .width = strncmp(mime, "image/", 6) == 0 ? 1200 : 0,
        .height = strncmp(mime, "image/", 6) == 0 ? 800 : 0,
        .bytes = 4,
        .created_at = NOW + id,
    };
    long long got = 0;
    assert_int_equal(store_media_insert(f->s, &m, &got), STORE_OK);
    assert_int_equal(got, id);
    return got;
}

static void add_file(struct temp_fixture *f, long long media_id, const char *path, const char *size,
                     const char *mime, long long width, long long height)
{
    static const unsigned char bytes[4] = {1, 2, 3, 4};
    struct store_media_file file = {
        .media_id = media_id,
        .path = path,
        .size = size,
        .mime = mime,
        .width = width,
        .height = height,
        .bytes = 4,
        .etag = "e",
        .data = bytes,
    };
    long long id;
    assert_int_equal(store_media_file_put(f->s, &file, &id), STORE_OK);
}

/* An image "2024/05/NAME.jpg" of 1200x800 with WordPress's sizes (a square thumbnail, a medium
 * and a large of its shape), each but the thumbnail also as WebP. */
static void add_image(struct temp_fixture *f, long long id, const char *name, long long post_id,
                      const char *caption, const char *alt)
{
    const char *dir = "2024/05/";
    add_media(f, id, arena_printf(&f->a, "%s%s.jpg", dir, name), "image/jpeg", post_id, name,
              caption, alt);
    add_file(f, id, arena_printf(&f->a, "%s%s.jpg", dir, name), "full", "image/jpeg", 1200, 800);
    add_file(f, id, arena_printf(&f->a, "%s%s-150x150.jpg", dir, name), "thumbnail", "image/jpeg",
             150, 150);
    add_file(f, id, arena_printf(&f->a, "%s%s-300x200.jpg", dir, name), "medium", "image/jpeg", 300,
             200);
    add_file(f, id, arena_printf(&f->a, "%s%s-1024x683.jpg", dir, name), "large", "image/jpeg",
             1024, 683);
    add_file(f, id, arena_printf(&f->a, "%s%s.webp", dir, name), "full", "image/webp", 1200, 800);
    add_file(f, id, arena_printf(&f->a, "%s%s-300x200.webp", dir, name), "medium", "image/webp",
             300, 200);
    add_file(f, id, arena_printf(&f->a, "%s%s-1024x683.webp", dir, name), "large", "image/webp",
             1024, 683);
}

static long long post_shown, post_other; /* the post a pass renders; another one */

static long long add_post(struct temp_fixture *f, const char *slug)
{
    struct store_post post = {
        .type = POST_TYPE_POST,
        .status = POST_STATUS_PUBLISH,
        .slug = slug,
        .path = arena_printf(&f->a, "/%s/", slug),
        .title = slug,
        .body_html = "<p>x</p>",
        .body_text = "x",
        .published_at = NOW,
        .modified_at = NOW,
    };
    long long id = 0;
    assert_int_equal(store_post_insert(f->s, &post, &id), STORE_OK);
    return id;
}

static int setup(void **state)
{
    temp_fixture_setup(state, "media_html");
    struct temp_fixture *f = *state;
    post_shown = add_post(f, "shown");
    post_other = add_post(f, "other");
    add_image(f, 10, "a", post_shown, "", "A door");
    add_image(f, 11, "b", post_shown, "Two <b>\"quoted\"</b> & more", "x\" onerror=\"alert(1)");
    add_media(f, 12, "2024/05/s.mp3", "audio/mpeg", post_shown, "Song <1>", "", "");
    add_file(f, 12, "2024/05/s.mp3", "full", "audio/mpeg", 0, 0);
    add_image(f, 13, "other", post_other, "", "");
    return 0;
}

static const char *rewrite(struct temp_fixture *f, const char *html, int eager, bool print)
{
    struct media_html_options o = {.post_id = post_shown,
                                   .site_url = "https://site.example",
                                   .eager_images = eager,
                                   .print = print};
    const char *out = NULL;
    assert_int_equal(media_html_rewrite(f->s, &f->a, html, &o, &out), STORE_OK);
    assert_non_null(out);
    return out;
}

#define SRCSET_A UP "a-300x200.jpg 300w, " UP "a-1024x683.jpg 1024w, " UP "a.jpg 1200w"
#define WEBP_A UP "a-300x200.webp 300w, " UP "a-1024x683.webp 1024w, " UP "a.webp 1200w"

static void test_local_images(void **state)
{
    struct temp_fixture *f = *state;
    const char *html = "<p>x <img src=\"" UP "a-300x200.jpg\" alt=\"A\"></p>\n"
                       "<p><img src=\"https://site.example" UP "a.jpg\" alt=\"B\" width=\"600\" "
                       "class=\"aligncenter\"></p>";
    /* the first image loads at once; the square thumbnail is not of its shape */
    assert_string_equal(rewrite(f, html, 1, false),
                        "<p>x <picture><source type=\"image/webp\" srcset=\"" WEBP_A "\" "
                        "sizes=\"(max-width: 300px) 100vw, 300px\"><img src=\"" UP
                        "a-300x200.jpg\" alt=\"A\" width=\"300\" height=\"200\" srcset=\"" SRCSET_A
                        "\" sizes=\"(max-width: 300px) 100vw, 300px\"></picture></p>\n"
                        "<p><picture><source type=\"image/webp\" srcset=\"" WEBP_A "\" "
                        "sizes=\"(max-width: 600px) 100vw, 600px\"><img src=\"" UP "a.jpg\" "
                        "alt=\"B\" width=\"600\" class=\"aligncenter\" srcset=\"" SRCSET_A "\" "
                        "sizes=\"(max-width: 600px) 100vw, 600px\" loading=\"lazy\" "
                        "decoding=\"async\"></picture></p>");
    /* below a featured image every image is lazy; print: no picture, nothing lazy */
    const char *lazy = rewrite(f, "<img src=\"" UP "a-300x200.jpg\" alt=\"A\">", 0, false);
    assert_non_null(strstr(lazy, "loading=\"lazy\" decoding=\"async\""));
    assert_string_equal(rewrite(f, "<img src=\"" UP "a-300x200.jpg\" alt=\"A\">", 0, true),
                        "<img src=\"" UP "a-300x200.jpg\" alt=\"A\" width=\"300\" height=\"200\" "
                        "srcset=\"" SRCSET_A "\" sizes=\"(max-width: 300px) 100vw, 300px\">");
}

static void test_left_alone(void **state)
{
    struct temp_fixture *f = *state;
    /* nothing to do: the very same pointer, without a parse */
    const char *plain = "<p>No images here.</p>";
    assert_false(media_html_needed(plain));
    assert_ptr_equal(rewrite(f, plain, 1, false), plain);
    /* another site's image, an upload the store does not have, a wp-image class on another
     * site's file of another name, an image without src */
    const char *others = "<p><img src=\"https://other.example/a.jpg\" alt=\"o\">"
                         "<img src=\"" UP "missing.jpg\" alt=\"m\">"
                         "<img class=\"wp-image-10\" src=\"https://other.example/zebra.jpg\">"
                         "<img alt=\"no src\"></p>";
    assert_ptr_equal(rewrite(f, others, 1, false), others);
}

static void test_old_address_by_class(void **state)
{
    struct temp_fixture *f = *state;
    /* an old site's URL the import could not rewrite: media 10 by its class, the size by the
     * file's name */
    const char *out =
        rewrite(f,
                "<img class=\"alignnone wp-image-10 size-medium\" "
                "src=\"https://old.example/wp-content/uploads/2019/01/a-300x200.jpg\" "
                "alt=\"\">",
                1, true);
    assert_string_equal(out,
                        "<img class=\"alignnone wp-image-10 size-medium\" src=\"" UP
                        "a-300x200.jpg\" alt=\"\" width=\"300\" height=\"200\" srcset=\"" SRCSET_A
                        "\" sizes=\"(max-width: 300px) 100vw, 300px\">");
}

static void test_gallery(void **state)
{
    struct temp_fixture *f = *state;
    /* ids in their order, links to the files, a caption escaped as text */
    const char *out = rewrite(f,
                              "<div class=\"gazette-gallery\" data-ids=\"11,10,999\" "
                              "data-columns=\"2\" data-link=\"file\"></div>",
                              1, false);
    const char *b = strstr(out, "b-150x150.jpg"), *a = strstr(out, "a-150x150.jpg");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(b < a);
    assert_non_null(
        strstr(out, arena_printf(&f->a,
                                 "<div id=\"gallery-1\" class=\"gallery galleryid-%lld "
                                 "gallery-columns-2 gallery-size-thumbnail\"><figure "
                                 "class=\"gallery-item\"><div class=\"gallery-icon landscape\"><a "
                                 "href=\"" UP "b.jpg\"><img src=\"" UP "b-150x150.jpg\"",
                                 post_shown)));
    /* the thumbnail is square: no other size has its shape, so no srcset */
    assert_null(strstr(out, "150w"));
    assert_non_null(strstr(out, "<figcaption class=\"wp-caption-text gallery-caption\" "
                                "id=\"gallery-1-11\">Two &lt;b&gt;\"quoted\"&lt;/b&gt; &amp; "
                                "more</figcaption>"));
    assert_non_null(strstr(out, "alt=\"x&quot; onerror=&quot;alert(1)\""));
    assert_non_null(strstr(out, "aria-describedby=\"gallery-1-11\""));
    /* the first image is eager, the second lazy */
    assert_null(strstr(arena_strndup(&f->a, out, (size_t)(a - out)), "loading="));
    assert_non_null(strstr(a, "loading=\"lazy\""));
    assert_null(strstr(out, "999"));
    assert_null(strstr(out, "gazette-gallery"));

    /* no ids: the post's attached images by ID (not media 13 of post 6), but the excluded;
     * link=none; size medium (srcset of its shape); the attachment page by default */
    out = rewrite(f, "<div class=\"gazette-gallery\" data-size=\"medium\"></div>", 1, false);
    a = strstr(out, UP "a-300x200.jpg\"");
    b = strstr(out, UP "b-300x200.jpg\"");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_null(strstr(out, "other"));
    assert_non_null(strstr(out, "<a href=\"/attachment/m10/\">"));
    assert_non_null(strstr(out, "srcset=\"" SRCSET_A "\""));
    out = rewrite(f,
                  "<p>t</p><div class=\"gazette-gallery\" data-exclude=\"10\" data-link=\"none\">"
                  "</div><p>u</p>",
                  1, false);
    assert_null(strstr(out, "a-150x150"));
    assert_non_null(strstr(out, "b-150x150"));
    assert_null(strstr(out, "<a "));
    assert_true(strncmp(out, "<p>t</p><div id=\"gallery-1\"", 27) == 0);
    assert_string_equal(out + strlen(out) - 14, "</div><p>u</p>");
    /* a gallery of nothing: an empty gallery, no image */
    out = rewrite(f, "<div class=\"gazette-gallery\" data-ids=\"12\"></div>", 1, false);
    assert_null(strstr(out, "<img"));
}

static void test_playlist(void **state)
{
    struct temp_fixture *f = *state;
    const char *out = rewrite(f, "<div class=\"gazette-playlist\"></div>", 1, false);
    assert_string_equal(out, "<ol class=\"wp-playlist gazette-playlist wp-audio-playlist\"><li "
                             "class=\"wp-playlist-item\"><span class=\"wp-playlist-caption\">Song "
                             "&lt;1&gt;</span> <audio controls preload=\"metadata\" src=\"" UP
                             "s.mp3\"></audio></li></ol>");
}

static void test_hostile_markup(void **state)
{
    struct temp_fixture *f = *state;
    /* attribute values come back escaped: gumbo decodes them, the pass writes them again */
    const char *out = rewrite(f,
                              "<img src=\"" UP "a.jpg\" alt=\"&quot;&gt;&lt;script&gt;x\" "
                              "title=\"a &amp; b\">",
                              1, true);
    assert_non_null(strstr(out, "alt=\"&quot;&gt;&lt;script&gt;x\""));
    assert_non_null(strstr(out, "title=\"a &amp; b\""));
    assert_null(strstr(out, "<script"));
    /* text that looks like a placeholder or a tag is text */
    const char *text = "<p>&lt;img src=\"" UP "a.jpg\"&gt; gazette-gallery</p>";
    assert_ptr_equal(rewrite(f, text, 1, false), text);
    /* a placeholder class with more words is not one */
    const char *other = "<div class=\"gazette-gallery x\"></div>";
    assert_ptr_equal(rewrite(f, other, 1, false), other);
}

static void test_featured(void **state)
{
    struct temp_fixture *f = *state;
    struct media_picture p;
    assert_int_equal(media_picture_find(f->s, &f->a, 10, "large", &p), STORE_OK);
    assert_string_equal(p.src, UP "a-1024x683.jpg");
    assert_int_equal(p.width, 1024);
    assert_int_equal(p.height, 683);
    assert_string_equal(p.mime, "image/jpeg");
    buf out = {0};
    media_picture_html(&p, "wp-post-image", NULL, true, true, &out);
    assert_string_equal(buf_cstr(&out),
                        "<picture><source type=\"image/webp\" srcset=\"" WEBP_A "\" "
                        "sizes=\"(max-width: 1024px) 100vw, 1024px\"><img src=\"" UP
                        "a-1024x683.jpg\" alt=\"A door\" width=\"1024\" height=\"683\" "
                        "class=\"wp-post-image\" srcset=\"" SRCSET_A "\" sizes=\"(max-width: "
                        "1024px) 100vw, 1024px\"></picture>");
    buf_free(&out);
    /* a size the media lacks: its full file; audio is no picture; no such media */
    assert_int_equal(media_picture_find(f->s, &f->a, 10, "huge", &p), STORE_OK);
    assert_string_equal(p.src, UP "a.jpg");
    assert_int_equal(media_picture_find(f->s, &f->a, 12, "large", &p), STORE_NOT_FOUND);
    assert_int_equal(media_picture_find(f->s, &f->a, 77, "large", &p), STORE_NOT_FOUND);
    /* the PDF's file: the largest of its kind that fits */
    const char *path;
    assert_int_equal(media_file_for_print(f->s, &f->a, UP "a-300x200.jpg", "", 1024, &path),
                     STORE_OK);
    assert_string_equal(path, "2024/05/a-1024x683.jpg");
    assert_int_equal(media_file_for_print(f->s, &f->a, UP "a.jpg", "", 200, &path), STORE_OK);
    assert_string_equal(path, "2024/05/a-300x200.jpg");
    assert_int_equal(media_file_for_print(f->s, &f->a, "https://x.example/a.jpg", "", 1024, &path),
                     STORE_NOT_FOUND);
}

/* A body of very many images or placeholders costs a bounded number of lookups: past 1,000
 * media, images stay as written and placeholders empty. */
static void test_lookup_bound(void **state)
{
    struct temp_fixture *f = *state;
    buf html = {0};
    for (int i = 0; i < 1005; i++)
        buf_puts(&html, "<img src=\"" UP "a-300x200.jpg\" alt=\"x\">");
    buf_puts(&html, "<div class=\"gazette-gallery\" data-ids=\"10\"></div>");
    const char *out = rewrite(f, buf_cstr(&html), 1, true);
    size_t treated = 0;
    for (const char *p = out; (p = strstr(p, "srcset=")); p++)
        treated++;
    assert_int_equal(treated, 1000);
    assert_non_null(strstr(out, "<div class=\"gazette-gallery\" data-ids=\"10\"></div>"));
    buf_free(&html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_local_images, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_left_alone, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_old_address_by_class, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_gallery, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_playlist, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_markup, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_featured, setup, temp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_lookup_bound, setup, temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
