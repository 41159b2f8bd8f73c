/* test_shortcode.c: the shortcode grammar and the core shortcodes against results worked out
 * by hand from WordPress's shortcodes.php, media.php and class-wp-embed.php. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "markup/embed.h"
#include "markup/shortcode.h"
#include "markup/wp_content.h"

/* markup_shortcodes on an exact-size heap copy (an over-read shows under ASan). */
static void check_render(const char *html, const char *expected, struct wp_report *report)
{
    size_t len = strlen(html);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, html, len);
    buf out = {0};
    markup_shortcodes(copy, len, &out, report);
    assert_string_equal(buf_cstr(&out), expected);
    buf_free(&out);
    free(copy);
}

static void check_attribute(const struct shortcode_tag *tag, size_t i, const char *name,
                            const char *value)
{
    assert_true(i < tag->attribute_count);
    assert_string_equal(tag->attributes[i].name, name);
    assert_int_equal(tag->attributes[i].value.len, strlen(value));
    assert_memory_equal(tag->attributes[i].value.ptr, value, strlen(value));
}

static void test_attribute_forms(void **state)
{
    (void)state;
    struct shortcode_tag tag;
    const char *text = "[gallery IDS=\"1,2\" columns='3' link=file 42 \"two words\" 'x y' bare]";
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_true(strview_equal_cstr(tag.name, "gallery"));
    assert_int_equal(tag.attribute_count, 7);
    check_attribute(&tag, 0, "ids", "1,2"); /* names lower-cased */
    check_attribute(&tag, 1, "columns", "3");
    check_attribute(&tag, 2, "link", "file");
    check_attribute(&tag, 3, "", "42");
    check_attribute(&tag, 4, "", "two words");
    check_attribute(&tag, 5, "", "x y");
    check_attribute(&tag, 6, "", "bare");
    assert_false(tag.enclosing);
    assert_int_equal(tag.whole.len, strlen(text));

    /* a quoted value not followed by white space: the whole run is one positional value,
     * as shortcode_parse_atts()'s last alternative reads it */
    text = "[x a=\"1\"b=\"2\" c = \"3\"]";
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_int_equal(tag.attribute_count, 2);
    check_attribute(&tag, 0, "", "a=\"1\"b=\"2\"");
    check_attribute(&tag, 1, "c", "3");

    /* U+00A0 separates attributes like a space */
    text = "[x a=1\xC2\xA0"
           "b=2]";
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_int_equal(tag.attribute_count, 2);
    check_attribute(&tag, 1, "b", "2");
}

static void test_grammar(void **state)
{
    (void)state;
    struct shortcode_tag tag;
    const char *text = "[caption width=\"3\"]in [b]x[/b][/caption] after";
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_true(tag.enclosing);
    assert_int_equal(tag.content.len, strlen("in [b]x[/b]"));
    assert_int_equal(tag.whole.len, strlen("[caption width=\"3\"]in [b]x[/b][/caption]"));

    text = "[embed /] [/embed]"; /* self-closing: the later closer is not its */
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_true(tag.self_closing);
    assert_false(tag.enclosing);
    assert_int_equal(tag.whole.len, 9);

    text = "[a]x[/a][/a]"; /* the first closer ends it: the same tag does not nest */
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_int_equal(tag.whole.len, 8);

    text = "[[gallery]]";
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_true(tag.escaped);
    assert_int_equal(tag.whole.len, strlen(text));

    assert_false(markup_shortcode_parse("[[gallery]", 10, &tag)); /* '[' then a shortcode */
    assert_false(markup_shortcode_parse("[gallery", 8, &tag));    /* never closed */
    assert_false(markup_shortcode_parse("[]", 2, &tag));
    assert_false(markup_shortcode_parse("[ x]", 4, &tag));
    assert_false(markup_shortcode_parse("x[a]", 4, &tag));

    text = "[captions]";
    assert_true(markup_shortcode_parse(text, strlen(text), &tag));
    assert_false(markup_shortcode_is_core(tag.name.ptr, tag.name.len));
    assert_true(markup_shortcode_is_core("caption", 7));
    assert_true(markup_shortcode_is_core("wp_caption", 10));
    assert_false(markup_shortcode_is_core("Caption", 7)); /* tags are case-sensitive */
}

static void test_caption(void **state)
{
    (void)state;
    /* img_caption_shortcode() with the theme's html5 caption support (WordPress 6): the
     * caption is what follows the image; the width is not padded; caption-attachment-12 made
     * from the id with '_' turned to '-'. */
    check_render("[caption id=\"attachment_12\" align=\"alignright\" width=\"300\"]"
                 "<a href=\"/b.jpg\"><img src=\"/b.jpg\" alt=\"Bell\" width=\"300\" /></a> Bell on "
                 "wharf[/caption]",
                 "<figure id=\"attachment_12\" aria-describedby=\"caption-attachment-12\" "
                 "style=\"width: 300px\" class=\"wp-caption alignright\"><a href=\"/b.jpg\"><img "
                 "src=\"/b.jpg\" alt=\"Bell\" width=\"300\" /></a><figcaption "
                 "id=\"caption-attachment-12\" class=\"wp-caption-text\">Bell on "
                 "wharf</figcaption></figure>",
                 NULL);
    /* the caption attribute (old form); align defaults to alignnone; no id, no ids */
    check_render("[caption width=\"150\" caption=\"A <em>cap</em>\"]<img src=\"a.jpg\">[/caption]",
                 "<figure style=\"width: 150px\" class=\"wp-caption alignnone\"><img "
                 "src=\"a.jpg\"><figcaption class=\"wp-caption-text\">A "
                 "<em>cap</em></figcaption></figure>",
                 NULL);
    /* a class attribute is added; the id is cleaned as sanitize_html_class() does */
    check_render(
        "[wp_caption id=\"a%20b!c\" width=\"10px\" class=\"big\"]<img src=\"i\"> c[/wp_caption]",
        "<figure id=\"abc\" aria-describedby=\"caption-abc\" style=\"width: 10px\" "
        "class=\"wp-caption alignnone big\"><img src=\"i\"><figcaption id=\"caption-abc\" "
        "class=\"wp-caption-text\">c</figcaption></figure>",
        NULL);
    /* no width or no caption: the image alone (text before the image is not kept) */
    check_render("[caption width=\"0\"]<img src=\"i\"> c[/caption]", "<img src=\"i\">", NULL);
    check_render("[caption width=\"50\"]x <img src=\"i\">[/caption]", "<img src=\"i\">", NULL);
    check_render("[caption width=\"50\"]no image[/caption]", "no image", NULL);
    /* shortcodes inside the caption's content are rendered (do_shortcode) */
    check_render("[caption width=\"5\" caption=\"c\"][embed]https://youtu.be/v[/embed][/caption]",
                 "<figure style=\"width: 5px\" class=\"wp-caption alignnone\"><figure "
                 "class=\"gazette-embed gazette-embed-youtube\"><a class=\"gazette-embed-link\" "
                 "href=\"https://youtu.be/v\">https://youtu.be/v</a></figure><figcaption "
                 "class=\"wp-caption-text\">c</figcaption></figure>",
                 NULL);
}

static void test_media_and_embeds(void **state)
{
    (void)state;
    struct wp_report report = {0};
    check_render("[embed]https://vimeo.com/123[/embed]",
                 "<figure class=\"gazette-embed gazette-embed-vimeo\"><a "
                 "class=\"gazette-embed-link\" href=\"https://vimeo.com/123\">"
                 "https://vimeo.com/123</a></figure>",
                 &report);
    /* not a provider: a link, as WordPress's maybe_make_link() */
    check_render(
        "[embed]https://example.com/a?b=1&c=2[/embed]",
        "<a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a>",
        &report);
    check_render("[embed]javascript:alert(1)[/embed]", "javascript:alert(1)", &report);
    check_render("[video mp4=\"http://v/a.mp4\" width=\"640\"]",
                 "<div class=\"wp-video\"><a href=\"http://v/a.mp4\">http://v/a.mp4</a></div>",
                 &report);
    check_render("[audio https://a/b.mp3]",
                 "<span class=\"wp-audio\"><a href=\"https://a/b.mp3\">https://a/b.mp3</a></span>",
                 &report);
    check_render("x[audio]y[gallery columns=\"2\"]z[playlist ids=\"1\"]",
                 "xy<div class=\"gazette-gallery\" data-columns=\"2\"></div>z"
                 "<div class=\"gazette-playlist\" data-ids=\"1\"></div>",
                 &report);
    /* the placeholder keeps ids as digits and commas, words as [A-Za-z0-9_-]: nothing a
     * value could use to leave its attribute */
    check_render("[gallery ids='1, 2,x\"3' size='\"><script>' link=file orderby=rand]",
                 "<div class=\"gazette-gallery\" data-ids=\"1,2,3\" data-size=\"script\" "
                 "data-link=\"file\" data-orderby=\"rand\"></div>",
                 &report);
    assert_int_equal(report.count, 1); /* [audio] without a source */
    assert_int_equal(report.entries[0].kind, WP_REPORT_MEDIA);
    wp_report_free(&report);
}

static void test_unknown_and_escaped(void **state)
{
    (void)state;
    struct wp_report report = {0};
    check_render("A [contact-form-7 id=\"3\" title=\"C\"] B", "A  B", &report);
    check_render("[box]inner [b2 x=1]text[/b2][/box]", "inner text", &report);
    check_render("[contact-form-7 id=\"4\"]", "", &report);
    /* bracketed prose stays */
    check_render("[sic] [1] [citation needed] [a]", "[sic] [1] [citation needed] [a]", &report);
    assert_int_equal(report.count, 3);
    assert_string_equal(report.entries[0].name, "contact-form-7");
    assert_int_equal(report.entries[0].count, 2);
    assert_string_equal(report.entries[1].name, "box");
    assert_string_equal(report.entries[2].name, "b2");
    wp_report_free(&report);

    check_render("[[caption width=\"1\"]x[/caption]]", "[caption width=\"1\"]x[/caption]", NULL);
    check_render("[[gallery]] and [[foo-bar]]", "[gallery] and [foo-bar]", NULL);
    check_render("[[embed]https://youtu.be/x[/embed]", /* '[' then the shortcode */
                 "[<figure class=\"gazette-embed gazette-embed-youtube\"><a "
                 "class=\"gazette-embed-link\" href=\"https://youtu.be/x\">https://youtu.be/x</a>"
                 "</figure>",
                 NULL);
    /* inside a tag or a comment: left alone */
    check_render("<a title=\"[foo-bar x=1]\">t</a><!-- [gallery] -->",
                 "<a title=\"[foo-bar x=1]\">t</a><!-- [gallery] -->", NULL);
}

static void test_hostile_input(void **state)
{
    (void)state;
    /* deep nesting stops at SHORTCODE_DEPTH_MAX and copies the rest */
    buf deep = {0};
    for (int i = 0; i < 100; i++)
        buf_printf(&deep, "[n%d]", i);
    buf_puts(&deep, "x");
    for (int i = 99; i >= 0; i--)
        buf_printf(&deep, "[/n%d]", i);
    buf out = {0};
    markup_shortcodes(deep.ptr, deep.len, &out, NULL);
    assert_non_null(strstr(buf_cstr(&out), "x"));
    buf_free(&out);
    buf_free(&deep);
    /* many openers and no closers: bounded work (the closing-tag budget); each is an
     * unknown shortcode (its name has a "-"), so all go */
    buf many = {0};
    for (int i = 0; i < 20000; i++)
        buf_puts(&many, "[x-y]");
    markup_shortcodes(many.ptr, many.len, &out, NULL);
    assert_int_equal(out.len, 0);
    buf_free(&out);
    buf_free(&many);
}

static void test_embed_providers(void **state)
{
    (void)state;
    static const struct {
        const char *url, *provider;
    } cases[] = {
        {"https://www.youtube.com/watch?v=abc", "youtube"},
        {"http://m.youtube.com/watch?v=abc", "youtube"},
        {"https://youtu.be/abc", "youtube"},
        {"https://www.youtube.com/playlist?list=x", "youtube"},
        {"https://www.youtube.com/about", NULL},
        {"https://vimeo.com/123", "vimeo"},
        {"https://player.vimeo.com/video/1", "vimeo"},
        {"https://twitter.com/wordpress/status/1", "twitter"},
        {"https://x.com/wordpress/status/1", "twitter"},
        {"https://open.spotify.com/track/1", "spotify"},
        {"https://www.ted.com/talks/x", "ted"},
        {"https://www.ted.com/about", NULL},
        {"https://evil.example/?https://youtube.com/watch", NULL},
        {"https://youtube.com.evil.example/watch", NULL},
        {"https://notvimeo.com/1", NULL},
        {"https://user@vimeo.com/1", NULL},
        {"ftp://vimeo.com/1", NULL},
        {"https://vimeo.com", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = markup_embed_provider(cases[i].url, strlen(cases[i].url));
        if (cases[i].provider)
            assert_string_equal(got, cases[i].provider);
        else
            assert_null(got);
    }
    buf out = {0};
    assert_false(markup_embed_card("javascript:x", 12, &out));
    assert_false(markup_embed_card("https://a/\"onx", 14, &out));
    assert_int_equal(out.len, 0);
    buf_free(&out);
}

static void test_autoembed(void **state)
{
    (void)state;
    const char *card = "<figure class=\"gazette-embed gazette-embed-youtube\"><a "
                       "class=\"gazette-embed-link\" href=\"https://youtu.be/v\">"
                       "https://youtu.be/v</a></figure>";
    buf out = {0}, expected = {0};
    const char *in = "Intro\n\n  https://youtu.be/v  \n\n<p>https://youtu.be/v</p>\nSee "
                     "https://youtu.be/v here.\nhttps://example.com/x\n";
    markup_autoembed(in, strlen(in), &out);
    buf_printf(&expected,
               "Intro\n\n  %s  \n\n%s\nSee https://youtu.be/v here.\nhttps://example.com/x\n", card,
               card);
    assert_string_equal(buf_cstr(&out), buf_cstr(&expected));
    buf_free(&out);
    buf_free(&expected);
}

static void test_report_print(void **state)
{
    (void)state;
    struct wp_report report = {0}, other = {0};
    wp_report_add(&report, WP_REPORT_SHORTCODE, "foo", 3, 1);
    wp_report_add(&other, WP_REPORT_SHORTCODE, "contact-form-7", 14, 3);
    wp_report_add(&other, WP_REPORT_BLOCK, "latest-posts", 12, 2);
    wp_report_merge(&report, &other);
    char text[512] = {0};
    FILE *f = fmemopen(text, sizeof text - 1, "w");
    assert_non_null(f);
    wp_report_print(&report, f);
    fclose(f);
    assert_string_equal(text, "shortcodes not rendered (their text is kept): [contact-form-7] "
                              "\xC3\x97"
                              "3, [foo] \xC3\x97"
                              "1\n"
                              "dynamic blocks left out: latest-posts \xC3\x97"
                              "2\n");
    wp_report_free(&report);
    wp_report_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attribute_forms),
        cmocka_unit_test(test_grammar),
        cmocka_unit_test(test_caption),
        cmocka_unit_test(test_media_and_embeds),
        cmocka_unit_test(test_unknown_and_escaped),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_embed_providers),
        cmocka_unit_test(test_autoembed),
        cmocka_unit_test(test_report_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
