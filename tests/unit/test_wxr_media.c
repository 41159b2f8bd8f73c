/* test_wxr_media.c: unit tests of import/wxr_media.h without a store: an attachment's path under
 * uploads, and the old uploads' URLs in content made this site's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/wxr_media.h"

static const char *file_of(arena *a, const char *attached, const char *url, const char **problem)
{
    struct wxr_postmeta meta = {.key = "_wp_attached_file", .value = attached};
    struct wxr_item item = {.attachment_url = url, .meta = &meta, .meta_count = attached ? 1 : 0};
    return wxr_media_file_of(a, &item, problem);
}

static void check_file(const char *attached, const char *url, const char *expected)
{
    arena a = {0};
    const char *problem = NULL;
    const char *file = file_of(&a, attached, url, &problem);
    if (!expected && file)
        fail_msg("file_of(%s, %s) = %s, expected none", attached, url, file);
    if (expected && (!file || strcmp(file, expected) != 0))
        fail_msg("file_of(%s, %s) = %s (%s), expected %s", attached, url, file ? file : "NULL",
                 problem ? problem : "", expected);
    if (!expected && !problem)
        fail_msg("file_of(%s, %s): no problem named", attached, url);
    arena_free(&a);
}

static void test_path_under_uploads(void **state)
{
    (void)state;
    /* self-hosted: _wp_attached_file */
    check_file("2013/01/a.jpg", "https://old.example/wp-content/uploads/2013/01/a.jpg",
               "2013/01/a.jpg");
    /* very old WordPress kept the server's whole path */
    check_file("/var/www/site/wp-content/uploads/2009/02/b.png", "", "2009/02/b.png");
    /* WordPress.com: the URL's path; a self-hosted URL without the meta: after uploads/ */
    check_file(NULL, "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg",
               "2008/06/canola2.jpg");
    check_file(NULL, "http://old.example/blog/wp-content/uploads/2010/03/c.gif?w=300",
               "2010/03/c.gif");
    check_file(NULL, "https://x.files.wordpress.com/2011/04/caf%C3%A9.jpg",
               "2011/04/caf\xc3\xa9.jpg");
    /* an escaped slash or control stays escaped, so it cannot make a segment */
    check_file(NULL, "https://x.example/2011/04/a%2f..%2fb.jpg", "2011/04/a%2f..%2fb.jpg");
}

static void test_unusable_paths(void **state)
{
    (void)state;
    check_file("../../etc/passwd", "", NULL);
    check_file("2013/../../a.jpg", "", NULL);
    check_file("2013//a.jpg", "", NULL);
    check_file("2013/01/", "", NULL);
    check_file("2013\\01\\a.jpg", "", NULL);
    check_file(NULL, "javascript:alert(1)//.png", NULL);
    check_file(NULL, "https://x.example/", NULL);
    check_file(NULL, "https://x.example/2011/%2e%2e/%2e%2e/a.jpg", NULL);
    check_file(NULL, "", NULL);
}

/* An export with one WordPress.com attachment and one self-hosted one. */
static const char *export_text =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n"
    "<title>T</title><link>https://old.example</link>\n"
    "<wp:wxr_version>1.2</wp:wxr_version>\n"
    "<wp:base_site_url>https://old.example</wp:base_site_url>\n"
    "<wp:base_blog_url>https://old.example</wp:base_blog_url>\n"
    "<item><title>a</title><wp:post_id>5</wp:post_id><wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>https://Files.Example.com/2008/06/a.jpg</wp:attachment_url></item>\n"
    "<item><title>b</title><wp:post_id>6</wp:post_id><wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>https://cdn.example/sub/wp-content/uploads/2013/01/b.jpg"
    "</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
    "<wp:meta_value>2013/01/b.jpg</wp:meta_value></wp:postmeta></item>\n"
    "</channel></rss>\n";

static void check_rewrite(const struct wxr_media *media, const char *html, const char *expected)
{
    buf out = {0};
    wxr_media_rewrite_content(media, html, strlen(html), &out);
    if (strcmp(buf_cstr(&out), expected) != 0)
        fail_msg("rewrite(%s)\n = %s\n expected %s", html, buf_cstr(&out), expected);
    buf_free(&out);
}

static void test_old_uploads_become_local(void **state)
{
    (void)state;
    char path[] = "/tmp/test_wxr_media_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, export_text, strlen(export_text)), (ssize_t)strlen(export_text));
    close(fd);
    struct wxr_media media = {0};
    buf error = {0};
    int rc = wxr_media_scan(&media, path, &error);
    unlink(path);
    if (rc != 0)
        fail_msg("scan: %s", buf_cstr(&error));
    buf_free(&error);

    /* the WordPress.com host (any case, either scheme), with Photon's query dropped */
    check_rewrite(&media, "<img src=\"http://files.example.com/2008/06/a-300x200.jpg?w=300\">",
                  "<img src=\"/wp-content/uploads/2008/06/a-300x200.jpg\">");
    /* the uploads the attachment's _wp_attached_file shows, and the site's own */
    check_rewrite(&media,
                  "<a href=\"https://cdn.example/sub/wp-content/uploads/2013/01/b.jpg\">"
                  "<img src=\"https://old.example/wp-content/uploads/2013/01/b-150x150.jpg\"></a>",
                  "<a href=\"/wp-content/uploads/2013/01/b.jpg\">"
                  "<img src=\"/wp-content/uploads/2013/01/b-150x150.jpg\"></a>");
    /* elsewhere, other paths of the same hosts, and paths that could not be files stay */
    const char *same[] = {
        "<img src=\"https://elsewhere.example/2008/06/a.jpg\">",
        "<a href=\"https://cdn.example/sub/2013/01/x/\">x</a>",
        "<img src=\"https://files.example.com/2008/../../etc/passwd\">",
        "<img src=\"https://files.example.com/\">",
        "<a href=\"https://files.example.com/about\">x</a>",
        "<a href=\"https://files.example.com/2008/06/.htaccess\">x</a>",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        check_rewrite(&media, same[i], same[i]);

    arena a = {0};
    assert_string_equal(wxr_media_local_url(&media, &a, "https://files.example.com/2008/06/s.mp3"),
                        "/wp-content/uploads/2008/06/s.mp3");
    assert_null(wxr_media_local_url(&media, &a, "https://upload.wikimedia.org/x.ogg"));
    arena_free(&a);
    wxr_media_free(&media);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_under_uploads),
        cmocka_unit_test(test_unusable_paths),
        cmocka_unit_test(test_old_uploads_become_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
