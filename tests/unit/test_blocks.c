/* test_blocks.c: the block grammar and do_blocks() against results worked out by hand from
 * WordPress's class-wp-block-parser.php, blocks.php and the footnotes block; the whole
 * content pass (markup/wp_content.h); the sanitizer's dir, lang and more/nextpage rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "markup/blocks.h"
#include "markup/sanitize.h"
#include "markup/wp_content.h"

static void check_blocks(const char *html, const char *footnotes, const char *expected,
                         struct wp_report *report)
{
    size_t len = strlen(html);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, html, len);
    buf out = {0};
    markup_blocks(copy, len, footnotes, &out, report);
    assert_string_equal(buf_cstr(&out), expected);
    buf_free(&out);
    free(copy);
}

static void test_delimiters(void **state)
{
    (void)state;
    struct block_delimiter d;
    const char *t = "<!-- wp:paragraph {\"align\":\"center\"} -->";
    assert_true(markup_block_delimiter(t, strlen(t), &d));
    assert_true(strview_equal_cstr(d.name, "paragraph"));
    assert_true(strview_equal_cstr(d.attributes, "{\"align\":\"center\"}"));
    assert_false(d.closer);
    assert_false(d.void_block);
    assert_int_equal(d.len, strlen(t));

    t = "<!-- /wp:core/paragraph -->";
    assert_true(markup_block_delimiter(t, strlen(t), &d));
    assert_true(strview_equal_cstr(d.name, "paragraph")); /* core/ is the default namespace */
    assert_true(d.closer);

    t = "<!-- wp:my-plugin/thing {\"a\":\"} x\",\"b\":{\"c\":1}} /-->rest";
    assert_true(markup_block_delimiter(t, strlen(t), &d));
    assert_true(strview_equal_cstr(d.name, "my-plugin/thing"));
    assert_true(strview_equal_cstr(d.attributes, "{\"a\":\"} x\",\"b\":{\"c\":1}}"));
    assert_true(d.void_block);
    assert_int_equal(d.len, strlen(t) - 4);

    t = "<!--\n\twp:latest-posts\n/-->";
    assert_true(markup_block_delimiter(t, strlen(t), &d));
    assert_true(d.void_block);

    /* not delimiters */
    static const char *const others[] = {
        "<!--wp:paragraph -->",   /* white space needed after <!-- */
        "<!-- wp:paragraph-->",   /* and before --> */
        "<!-- wp:Paragraph -->",  /* names are lower case */
        "<!-- wp:9p -->",         /* and start with a letter */
        "<!-- wp:a/ -->",         /* a namespace needs a name */
        "<!-- wp:a {\"x\":1}-->", /* white space after the attributes */
        "<!-- more -->",          "<!--more-->", "<!-- wp:a",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_false(markup_block_delimiter(others[i], strlen(others[i]), &d));
    assert_true(markup_has_blocks("x<!-- wp:p -->", 14));
    assert_false(markup_has_blocks("<!--wp:p -->", 12));
}

static void test_static_blocks_keep_saved_html(void **state)
{
    (void)state;
    /* the HTML between the comments is what render_block() gives for a static block */
    check_blocks("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->", NULL, "\n<p>Hi</p>\n",
                 NULL);
    check_blocks("<!-- wp:image {\"align\":\"right\",\"id\":5} -->\n<figure class=\"wp-block-image "
                 "alignright\"><img src=\"a.jpg\" alt=\"\"/></figure>\n<!-- /wp:image -->",
                 NULL,
                 "\n<figure class=\"wp-block-image alignright\"><img src=\"a.jpg\" "
                 "alt=\"\"/></figure>\n",
                 NULL);
    check_blocks("<!-- wp:columns --><div class=\"wp-block-columns\"><!-- wp:column --><div "
                 "class=\"wp-block-column\"><!-- wp:separator --><hr class=\"wp-block-separator\"/>"
                 "<!-- /wp:separator --></div><!-- /wp:column --></div><!-- /wp:columns -->",
                 NULL,
                 "<div class=\"wp-block-columns\"><div class=\"wp-block-column\"><hr "
                 "class=\"wp-block-separator\"/></div></div>",
                 NULL);
    /* ordinary comments and the more/nextpage markers stay */
    check_blocks("<!-- wp:more -->\n<!--more-->\n<!-- /wp:more --><!-- note -->"
                 "<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->",
                 NULL, "\n<!--more-->\n<!-- note -->\n<!--nextpage-->\n", NULL);
    /* an empty paragraph block leaves nothing; a full one stays */
    check_blocks("a<!-- wp:paragraph -->\n<p></p>\n<!-- /wp:paragraph -->b"
                 "<!-- wp:paragraph {\"align\":\"center\"} --><p class=\"has-text-align-center\"> "
                 "</p><!-- /wp:paragraph -->c",
                 NULL, "abc", NULL);
    /* stray closers and unclosed openers leave no trace either */
    check_blocks("<!-- /wp:group -->x<!-- wp:group --><div>y</div>", NULL, "x<div>y</div>", NULL);
}

static void test_dynamic_blocks_leave_nothing(void **state)
{
    (void)state;
    struct wp_report report = {0};
    check_blocks("a<!-- wp:latest-posts {\"postsToShow\":3} /-->b"
                 "<!-- wp:query {\"queryId\":1} --><div class=\"wp-block-query\"><!-- "
                 "wp:post-template --><!-- wp:post-title /--><!-- /wp:post-template --></div><!-- "
                 "/wp:query -->c<!-- wp:search {\"label\":\"S\"} /--><!-- wp:other/widget /-->"
                 "<!-- wp:other/saved --><p>kept</p><!-- /wp:other/saved -->",
                 NULL, "abc<p>kept</p>", &report);
    /* the query's inner blocks are not counted: the query is what was left out */
    assert_int_equal(report.count, 4);
    assert_string_equal(report.entries[0].name, "latest-posts");
    assert_string_equal(report.entries[1].name, "query");
    assert_string_equal(report.entries[2].name, "search");
    assert_string_equal(report.entries[3].name, "other/widget");
    for (size_t i = 0; i < report.count; i++)
        assert_int_equal(report.entries[i].kind, WP_REPORT_BLOCK);
    wp_report_free(&report);
}

static void test_footnotes(void **state)
{
    (void)state;
    /* render_block_core_footnotes(): one <li id> per note, a back link to ID-link */
    check_blocks(
        "<!-- wp:footnotes /-->",
        "[{\"content\":\"A <em>note</em>\",\"id\":\"f1\"},{\"content\":\"B\",\"id\":\"f\\\"2\"}]",
        "<ol class=\"wp-block-footnotes\"><li id=\"f1\">A <em>note</em> <a href=\"#f1-link\" "
        "aria-label=\"Jump to footnote reference 1\">\xE2\x86\xA9\xEF\xB8\x8E</a></li><li "
        "id=\"f&quot;2\">B <a href=\"#f&quot;2-link\" aria-label=\"Jump to footnote "
        "reference 2\">\xE2\x86\xA9\xEF\xB8\x8E</a></li></ol>",
        NULL);
    check_blocks("<!-- wp:footnotes /-->", NULL, "", NULL);
    check_blocks("<!-- wp:footnotes /-->", "not json", "", NULL);
    check_blocks("<!-- wp:footnotes /-->", "[]", "", NULL);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    buf deep = {0}, out = {0};
    for (int i = 0; i < 1000; i++)
        buf_puts(&deep, "<!-- wp:group --><div>");
    buf_puts(&deep, "x");
    for (int i = 0; i < 1000; i++)
        buf_puts(&deep, "</div><!-- /wp:group -->");
    markup_blocks(deep.ptr, deep.len, NULL, &out, NULL);
    assert_null(strstr(buf_cstr(&out), "wp:"));
    assert_non_null(strstr(buf_cstr(&out), "x"));
    buf_free(&deep);
    buf_free(&out);
}

static void check_content(const char *html, bool autop, const char *expected)
{
    buf out = {0}, clean = {0};
    struct wp_content_options options = {.autop = autop};
    markup_wp_content(html, strlen(html), &options, &out, NULL);
    markup_sanitize_html(buf_cstr(&out), out.len, SANITIZE_ARTICLE, &clean);
    assert_string_equal(buf_cstr(&clean), expected);
    buf_free(&out);
    buf_free(&clean);
}

static void test_content_pass_order(void **state)
{
    (void)state;
    /* classic content: shortcodes, wpautop, the more marker alone (not in a <p>) */
    check_content(
        "One\n\n[caption width=\"2\"]<img src=\"i.png\"> Cap[/caption]\n\n<!--more-->\n\nTwo", true,
        "<p>One</p>\n<figure style=\"width: 2px\" class=\"wp-caption alignnone\"><img "
        "src=\"i.png\"><figcaption class=\"wp-caption-text\">Cap</figcaption></figure>\n"
        "<!--more-->\n<p>Two</p>\n");
    /* block content: no wpautop (the free text stays unwrapped), no empty paragraphs */
    check_content("<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->\n\nfree\n\ntext", true,
                  "\n<p>a</p>\n\n\nfree\n\ntext");
    /* an embed block: its URL line becomes the card */
    check_content(
        "<!-- wp:embed {\"url\":\"https://vimeo.com/1\"} -->\n<figure "
        "class=\"wp-block-embed is-provider-vimeo wp-block-embed-vimeo\"><div "
        "class=\"wp-block-embed__wrapper\">\nhttps://vimeo.com/1\n</div></figure>\n<!-- "
        "/wp:embed -->",
        true,
        "\n<figure class=\"wp-block-embed is-provider-vimeo wp-block-embed-vimeo\"><div "
        "class=\"wp-block-embed__wrapper\">\n<figure class=\"gazette-embed "
        "gazette-embed-vimeo\"><a class=\"gazette-embed-link\" "
        "href=\"https://vimeo.com/1\">https://vimeo.com/1</a></figure>\n</div></figure>\n");
    /* video and audio (blocks or pasted HTML): a link to the source until media come */
    check_content("<!-- wp:video {\"id\":1} -->\n<figure class=\"wp-block-video\"><video controls "
                  "src=\"https://x/a.mov\"></video><figcaption>Cap</figcaption></figure>\n<!-- "
                  "/wp:video --><AUDIO><source src='https://x/b.ogg?a=1&amp;b=2'></AUDIO>"
                  "<audio>none</audio><video src=\"javascript:x\"></video>",
                  false,
                  "\n<figure class=\"wp-block-video\"><a class=\"wp-video-link\" "
                  "href=\"https://x/a.mov\">https://x/a.mov</a><figcaption>Cap</figcaption>"
                  "</figure>\n<a class=\"wp-audio-link\" href=\"https://x/b.ogg?a=1&amp;b=2\">"
                  "https://x/b.ogg?a=1&amp;b=2</a>none<a class=\"wp-video-link\">javascript:x</a>");
    /* a shortcode block: the shortcode renders */
    check_content("<!-- wp:shortcode -->\n[foo-bar]x[/foo-bar]\n<!-- /wp:shortcode -->", true,
                  "\nx\n");
}

static void check_sanitize(const char *html, enum sanitize_profile profile, const char *expected)
{
    buf out = {0};
    markup_sanitize_html(html, strlen(html), profile, &out);
    assert_string_equal(buf_cstr(&out), expected);
    buf_free(&out);
}

static void test_sanitizer_direction_language_markers(void **state)
{
    (void)state;
    check_sanitize(
        "<p dir=\"rtl\" lang=\"ar\">a</p><span dir=\"auto\" lang=\"zh-Hant-TW\">b</span>",
        SANITIZE_ARTICLE,
        "<p dir=\"rtl\" lang=\"ar\">a</p><span dir=\"auto\" lang=\"zh-Hant-TW\">b</span>");
    check_sanitize("<p dir=\"RTL\" lang=\"a\">a</p><p dir=\"x\" lang=\"en_US\">b</p><p "
                   "lang=\"en-\">c</p><p lang=\"en-toolongsubtag\">d</p>",
                   SANITIZE_ARTICLE, "<p>a</p><p>b</p><p>c</p><p>d</p>");
    check_sanitize("<p dir=\"ltr\" lang=\"he\">c</p>", SANITIZE_COMMENT,
                   "<p dir=\"ltr\" lang=\"he\">c</p>");
    check_sanitize("a<!--more-->b<!--more Read on-->c<!--nextpage-->d<!-- more --><!--x-->"
                   "<!--more <b>-->",
                   SANITIZE_ARTICLE, "a<!--more-->b<!--more Read on-->c<!--nextpage-->d");
    check_sanitize("a<!--more-->b", SANITIZE_COMMENT, "ab");
    check_sanitize("<figure style=\"width: 300px\">x</figure><figure style=\"width: 3px; "
                   "background: url(x)\">y</figure><p style=\"width: 3px\">z</p>",
                   SANITIZE_ARTICLE,
                   "<figure style=\"width: 300px\">x</figure><figure>y</figure><p>z</p>");
}

/* A cover block saved with its image as a CSS background (before WordPress 5.7) gets it as
 * an <img> first in the block, which the sanitizer keeps; a newer one (with its <img>) and a
 * video cover stay as saved. */
static void test_cover_background_image(void **state)
{
    (void)state;
    check_blocks("<!-- wp:cover {\"url\":\"https://old.example/wp-content/uploads/2019/01/"
                 "c.jpg\",\"id\":42} -->\n<div class=\"wp-block-cover has-background-dim\" "
                 "style=\"background-image:url(https://old.example/wp-content/uploads/2019/01/"
                 "c.jpg)\"><div class=\"wp-block-cover__inner-container\">T</div></div>\n"
                 "<!-- /wp:cover -->",
                 NULL,
                 "\n<div class=\"wp-block-cover has-background-dim\" style=\"background-image:"
                 "url(https://old.example/wp-content/uploads/2019/01/c.jpg)\"><img "
                 "class=\"wp-block-cover__image-background wp-image-42\" alt=\"\" "
                 "src=\"https://old.example/wp-content/uploads/2019/01/c.jpg\"><div "
                 "class=\"wp-block-cover__inner-container\">T</div></div>\n",
                 NULL);
    const char *newer = "<!-- wp:cover {\"url\":\"/c.jpg\",\"id\":4} --><div "
                        "class=\"wp-block-cover\"><img class=\"wp-block-cover__image-background "
                        "wp-image-4\" alt=\"\" src=\"/c.jpg\"/></div><!-- /wp:cover -->";
    check_blocks(newer, NULL,
                 "<div class=\"wp-block-cover\"><img class=\"wp-block-cover__image-background "
                 "wp-image-4\" alt=\"\" src=\"/c.jpg\"/></div>",
                 NULL);
    check_blocks("<!-- wp:cover {\"url\":\"/v.mp4\",\"backgroundType\":\"video\"} --><div "
                 "class=\"wp-block-cover\"></div><!-- /wp:cover -->",
                 NULL, "<div class=\"wp-block-cover\"></div>", NULL);
    check_blocks("<!-- wp:cover {\"url\":\"/c\\\"x.jpg\"} --><div "
                 "class=\"wp-block-cover\"></div><!-- /wp:cover -->",
                 NULL,
                 "<div class=\"wp-block-cover\"><img class=\"wp-block-cover__image-background\" "
                 "alt=\"\" src=\"/c&quot;x.jpg\"></div>",
                 NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delimiters),
        cmocka_unit_test(test_static_blocks_keep_saved_html),
        cmocka_unit_test(test_dynamic_blocks_leave_nothing),
        cmocka_unit_test(test_footnotes),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_cover_background_image),
        cmocka_unit_test(test_content_pass_order),
        cmocka_unit_test(test_sanitizer_direction_language_markers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
