/* test_feed.c: feeds and sitemaps parsed by libxml2 (strict) and checked by XPath against values
 * worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "markup/escape.h"
#include "render/feed.h"

#define XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* Fixed instants, each worked out by hand from 1970-01-01 (a Thursday), 86400 s a day:
 * 2023-01-01 is day 53 * 365 + 13 leap days = 19358; Apr 25 is 31 + 28 + 31 + 24 = 114 days
 * later, day 19472 (19472 % 7 = 5: Thursday + 5 = Tuesday); * 86400 + 9 h = 1682413200. */
#define T_2023_04_25_0900 1682413200LL
/* 17586800 s later = 203 days (exactly 29 weeks: Tuesday again) + 13:13:20 -> Nov 14 22:13:20 */
#define T_2023_11_14_221320 1700000000LL
/* 2024-01-01 is day 54 * 365 + 13 = 19723; Feb 29 is day 19723 + 59 = 19782 (19782 % 7 = 0:
 * Thursday); 19782 * 86400 + 23:59:59 (86399 s) = 1709251199, and one second later is
 * Friday 2024-03-01 00:00:00. */
#define T_2024_02_29_235959 1709251199LL
#define T_2024_03_01_0000 1709251200LL

/* Hostile text: every XML special character, a CDATA terminator, controls, bytes that are not
 * UTF-8 (a lone continuation byte, an overlong '/', a surrogate, a code point above U+10FFFF,
 * 0xFF), the non-characters U+FFFE and U+FFFF, and a truncated sequence at the very end. */
#define HOSTILE_RAW                                                                                \
    "Fish & Chips <b>\"q\" 'a' ]]> x\x01y\x08z\x0b\x1f\x7f\tT\r\nN"                                \
    "\x80|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xff|\xef\xbf\xbe|\xef\xbf\xbf|\xef\xbf\xbd"      \
    " \xf0\x9f\x8e\x89 \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\xe2\x82"
/* What a parser must read back: the controls (not tab, LF, CR, DEL) and every invalid or
 * forbidden sequence gone; U+FFFD, the emoji (U+1F389) and the Arabic kept. */
#define HOSTILE_PARSED                                                                             \
    "Fish & Chips <b>\"q\" 'a' ]]> xyz\x7f\tT\r\nN"                                                \
    "|||||||\xef\xbf\xbd"                                                                          \
    " \xf0\x9f\x8e\x89 \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"
/* The same read back from an RSS <description>: HTML, so the text comes HTML-escaped. */
#define HOSTILE_PARSED_HTML                                                                        \
    "Fish &amp; Chips &lt;b&gt;&quot;q&quot; &#39;a&#39; ]]&gt; xyz\x7f\tT&#13;\nN"                \
    "|||||||\xef\xbf\xbd"                                                                          \
    " \xf0\x9f\x8e\x89 \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"

/* Parses `out` strictly (no recovery, no network) and fails the test on any error or warning,
 * including namespace errors that libxml2 reports without giving up. */
static xmlDocPtr parse_xml(const buf *out)
{
    assert_non_null(out->ptr);
    assert_true(out->len >= strlen(XML_DECLARATION));
    assert_memory_equal(out->ptr, XML_DECLARATION, strlen(XML_DECLARATION));
    xmlResetLastError();
    xmlDocPtr doc = xmlReadMemory(out->ptr, (int)out->len, "feed.xml", NULL, XML_PARSE_NONET);
    if (doc == NULL || xmlGetLastError() != NULL)
        print_error("document:\n%s\n", out->ptr);
    assert_non_null(doc);
    assert_null(xmlGetLastError());
    /* the declaration's encoding, read back (the ternary is for clang's analyzer, which does
     * not know that a failed cmocka assertion never returns) */
    const char *encoding = doc ? (const char *)doc->encoding : NULL;
    assert_non_null(encoding);
    assert_string_equal(encoding, "UTF-8");
    return doc;
}

/* Evaluates `expr` with the prefixes the tests use; the caller frees the result. */
static xmlXPathObjectPtr eval(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    assert_non_null(ctx);
    xmlXPathRegisterNs(ctx, BAD_CAST "atom", BAD_CAST "http://www.w3.org/2005/Atom");
    xmlXPathRegisterNs(ctx, BAD_CAST "content",
                       BAD_CAST "http://purl.org/rss/1.0/modules/content/");
    xmlXPathRegisterNs(ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
    xmlXPathRegisterNs(ctx, BAD_CAST "sm", BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
    xmlXPathRegisterNs(ctx, BAD_CAST "xml", BAD_CAST "http://www.w3.org/XML/1998/namespace");
    xmlXPathObjectPtr result = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    if (result == NULL)
        print_error("bad XPath: %s\n", expr);
    assert_non_null(result);
    return result;
}

static void check_string(xmlDocPtr doc, const char *expr, const char *expected)
{
    xmlXPathObjectPtr result = eval(doc, expr);
    xmlChar *value = xmlXPathCastToString(result);
    if (strcmp((const char *)value, expected) != 0)
        print_error("XPath %s\n", expr);
    assert_string_equal((const char *)value, expected);
    xmlFree(value);
    xmlXPathFreeObject(result);
}

static void check_count(xmlDocPtr doc, const char *expr, int expected)
{
    xmlXPathObjectPtr result = eval(doc, expr);
    assert_int_equal(result->type, XPATH_NODESET);
    int n = result->nodesetval ? result->nodesetval->nodeNr : 0;
    if (n != expected)
        print_error("XPath %s\n", expr);
    assert_int_equal(n, expected);
    xmlXPathFreeObject(result);
}

static void check_escape(const char *text, const char *expected)
{
    buf out = {0};
    escape_xml(text, strlen(text), &out);
    assert_string_equal(buf_cstr(&out), expected);
    buf_free(&out);
}

static const char *const first_categories[] = {"News & Views", "", "C <code>"};
static const char *const second_categories[] = {"\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a"};

/* Two posts, newest first; the second has no comments link, no author and no updated date. */
static const struct feed_item sample_items[] = {
    {
        .title = "First & <best>",
        .link = "https://example.test/2023/11/first/?a=1&b=2",
        .guid = "https://example.test/?p=42",
        .author = "Ada \"The Countess\" Lovelace",
        .content_html = "<p>Full &amp; <em>rich</em> text ]]> here</p>",
        .summary = "Full & rich text",
        .comments_link = "https://example.test/2023/11/first/#comments",
        .categories = first_categories,
        .category_count = 3,
        .published = T_2023_11_14_221320,
        .updated = T_2024_03_01_0000,
    },
    {
        .title = "Second",
        .link = "https://example.test/2023/04/second/",
        .guid = "tag:example.test,2023:post-7",
        .author = NULL,
        .content_html = "<p>Second body</p>",
        .summary = "Second summary",
        .comments_link = NULL,
        .categories = second_categories,
        .category_count = 1,
        .published = T_2023_04_25_0900,
        .updated = 0,
    },
};

static const struct feed_channel sample_channel = {
    .title = "Gazette & Co",
    .description = "News <and> views",
    .link = "https://example.test/",
    .self_url = "https://example.test/feed/?type=rss&x=1",
    .id = "https://example.test/feed/",
    .language = "en",
    .updated = T_2024_03_01_0000,
};

static void test_xml_escape_exact(void **state)
{
    (void)state;
    check_escape("a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    check_escape("]]>", "]]&gt;");
    check_escape("", "");
    check_escape("tab\tlf\ncr\r.", "tab\tlf\ncr&#13;.");
    check_escape("\x01\x02\x1f|\x7f", "|\x7f");
    /* lone continuation, 0xC0/0xC1 overlong leads, surrogate, > U+10FFFF, 0xFE/0xFF */
    check_escape("a\x80"
                 "b\xc1\xbf"
                 "c\xed\xbf\xbf"
                 "d\xf5\x80\x80\x80"
                 "e\xfe\xff"
                 "f",
                 "abcdef");
    /* U+FFFE and U+FFFF go; U+FFFD and U+FDD0 (a non-character XML still allows) stay */
    check_escape("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd\xef\xb7\x90", "\xef\xbf\xbd\xef\xb7\x90");
    /* a sequence cut short by the end of the string, and one cut by an ASCII byte */
    check_escape("x\xf0\x9f\x8e", "x");
    check_escape("\xe2\x82<", "&lt;");
    /* the largest and smallest code points of each length pass unchanged */
    check_escape("\xc2\x80\xdf\xbf\xe0\xa0\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
                 "\xc2\x80\xdf\xbf\xe0\xa0\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");

    /* NULL (with length 0) is "", and the escaper appends rather than replacing */
    buf out = {0};
    buf_puts(&out, "keep:");
    escape_xml(NULL, 0, &out);
    escape_xml("<", 1, &out);
    assert_string_equal(buf_cstr(&out), "keep:&lt;");
    buf_free(&out);
}

static void test_rss_full_text(void **state)
{
    (void)state;
    buf out = {0};
    render_rss(&sample_channel, sample_items, 2, true, &out);
    xmlDocPtr doc = parse_xml(&out);

    check_string(doc, "/rss/@version", "2.0");
    check_count(doc, "/rss/channel", 1);
    check_string(doc, "/rss/channel/title", "Gazette & Co");
    check_string(doc, "/rss/channel/link", "https://example.test/");
    check_string(doc, "/rss/channel/description", "News <and> views");
    check_string(doc, "/rss/channel/language", "en");
    check_string(doc, "/rss/channel/lastBuildDate", "Fri, 01 Mar 2024 00:00:00 +0000");
    check_count(doc, "/rss/channel/atom:link", 1);
    check_string(doc, "/rss/channel/atom:link/@href", "https://example.test/feed/?type=rss&x=1");
    check_string(doc, "/rss/channel/atom:link/@rel", "self");
    check_string(doc, "/rss/channel/atom:link/@type", "application/rss+xml");

    check_count(doc, "/rss/channel/item", 2);
    check_string(doc, "/rss/channel/item[1]/title", "First & <best>");
    check_string(doc, "/rss/channel/item[2]/title", "Second");
    check_string(doc, "/rss/channel/item[1]/link", "https://example.test/2023/11/first/?a=1&b=2");
    check_string(doc, "/rss/channel/item[1]/dc:creator", "Ada \"The Countess\" Lovelace");
    check_count(doc, "/rss/channel/item[2]/dc:creator", 0);
    check_string(doc, "/rss/channel/item[1]/pubDate", "Tue, 14 Nov 2023 22:13:20 +0000");
    check_string(doc, "/rss/channel/item[2]/pubDate", "Tue, 25 Apr 2023 09:00:00 +0000");
    check_string(doc, "/rss/channel/item[1]/guid", "https://example.test/?p=42");
    check_string(doc, "/rss/channel/item[2]/guid", "tag:example.test,2023:post-7");
    check_count(doc, "/rss/channel/item/guid[@isPermaLink='false']", 2);
    /* the empty category is skipped, the others keep their order */
    check_count(doc, "/rss/channel/item[1]/category", 2);
    check_string(doc, "/rss/channel/item[1]/category[1]", "News & Views");
    check_string(doc, "/rss/channel/item[1]/category[2]", "C <code>");
    check_count(doc, "/rss/channel/item[2]/category", 1);
    check_string(doc, "/rss/channel/item[2]/category", "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a");
    check_string(doc, "/rss/channel/item[1]/comments",
                 "https://example.test/2023/11/first/#comments");
    check_count(doc, "/rss/channel/item[2]/comments", 0);
    check_string(doc, "/rss/channel/item[1]/description", "Full &amp; rich text");
    check_string(doc, "/rss/channel/item[2]/description", "Second summary");
    check_count(doc, "/rss/channel/item/content:encoded", 2);
    check_string(doc, "/rss/channel/item[1]/content:encoded",
                 "<p>Full &amp; <em>rich</em> text ]]> here</p>");
    check_string(doc, "/rss/channel/item[2]/content:encoded", "<p>Second body</p>");

    xmlFreeDoc(doc);
    buf_free(&out);
}

static void test_rss_summary_only(void **state)
{
    (void)state;
    buf out = {0};
    render_rss(&sample_channel, sample_items, 2, false, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_count(doc, "/rss/channel/item", 2);
    check_count(doc, "//content:encoded", 0);
    check_string(doc, "/rss/channel/item[1]/description", "Full &amp; rich text");
    check_string(doc, "/rss/channel/item[2]/description", "Second summary");
    xmlFreeDoc(doc);
    buf_free(&out);
}

static void test_atom_summary(void **state)
{
    (void)state;
    buf out = {0};
    render_atom(&sample_channel, sample_items, 2, false, &out);
    xmlDocPtr doc = parse_xml(&out);

    check_count(doc, "/atom:feed", 1);
    check_string(doc, "/atom:feed/@xml:lang", "en");
    check_string(doc, "/atom:feed/atom:id", "https://example.test/feed/");
    check_string(doc, "/atom:feed/atom:title", "Gazette & Co");
    check_string(doc, "/atom:feed/atom:subtitle", "News <and> views");
    check_string(doc, "/atom:feed/atom:updated", "2024-03-01T00:00:00Z");
    check_count(doc, "/atom:feed/atom:link", 2);
    check_string(doc, "/atom:feed/atom:link[@rel='self']/@href",
                 "https://example.test/feed/?type=rss&x=1");
    check_string(doc, "/atom:feed/atom:link[@rel='self']/@type", "application/atom+xml");
    check_string(doc, "/atom:feed/atom:link[@rel='alternate']/@href", "https://example.test/");

    check_count(doc, "/atom:feed/atom:entry", 2);
    check_string(doc, "/atom:feed/atom:entry[1]/atom:id", "https://example.test/?p=42");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:id", "tag:example.test,2023:post-7");
    check_string(doc, "/atom:feed/atom:entry[1]/atom:title", "First & <best>");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:title", "Second");
    check_count(doc, "/atom:feed/atom:entry[1]/atom:link", 1);
    check_string(doc, "/atom:feed/atom:entry[1]/atom:link[@rel='alternate']/@href",
                 "https://example.test/2023/11/first/?a=1&b=2");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:link[@rel='alternate']/@href",
                 "https://example.test/2023/04/second/");
    check_string(doc, "/atom:feed/atom:entry[1]/atom:author/atom:name",
                 "Ada \"The Countess\" Lovelace");
    /* no author: the site's name stands in, as RFC 4287 wants one */
    check_string(doc, "/atom:feed/atom:entry[2]/atom:author/atom:name", "Gazette & Co");
    check_string(doc, "/atom:feed/atom:entry[1]/atom:published", "2023-11-14T22:13:20Z");
    check_string(doc, "/atom:feed/atom:entry[1]/atom:updated", "2024-03-01T00:00:00Z");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:published", "2023-04-25T09:00:00Z");
    /* updated 0 means never edited: the publication date */
    check_string(doc, "/atom:feed/atom:entry[2]/atom:updated", "2023-04-25T09:00:00Z");
    check_count(doc, "/atom:feed/atom:entry[1]/atom:category", 2);
    check_string(doc, "/atom:feed/atom:entry[1]/atom:category[1]/@term", "News & Views");
    check_string(doc, "/atom:feed/atom:entry[1]/atom:category[2]/@term", "C <code>");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:category/@term",
                 "\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a");
    check_count(doc, "//atom:content", 0);
    check_count(doc, "/atom:feed/atom:entry/atom:summary[@type='text']", 2);
    check_string(doc, "/atom:feed/atom:entry[1]/atom:summary", "Full & rich text");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:summary", "Second summary");

    xmlFreeDoc(doc);
    buf_free(&out);
}

static void test_atom_full_text(void **state)
{
    (void)state;
    buf out = {0};
    render_atom(&sample_channel, sample_items, 2, true, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_count(doc, "//atom:summary", 0);
    check_count(doc, "/atom:feed/atom:entry/atom:content[@type='html']", 2);
    check_string(doc, "/atom:feed/atom:entry[1]/atom:content",
                 "<p>Full &amp; <em>rich</em> text ]]> here</p>");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:content", "<p>Second body</p>");
    xmlFreeDoc(doc);
    buf_free(&out);
}

/* Every string field hostile, in both formats: the documents stay well-formed and each value
 * reads back with only the forbidden bytes gone. */
static void test_hostile_values(void **state)
{
    (void)state;
    static const char *const categories[] = {HOSTILE_RAW};
    const struct feed_item item = {
        .title = HOSTILE_RAW,
        .link = HOSTILE_RAW,
        .guid = HOSTILE_RAW,
        .author = HOSTILE_RAW,
        .content_html = HOSTILE_RAW,
        .summary = HOSTILE_RAW,
        .comments_link = HOSTILE_RAW,
        .categories = categories,
        .category_count = 1,
        .published = T_2024_02_29_235959,
        .updated = T_2024_02_29_235959,
    };
    const struct feed_channel channel = {
        .title = HOSTILE_RAW,
        .description = HOSTILE_RAW,
        .link = HOSTILE_RAW,
        .self_url = HOSTILE_RAW,
        .id = HOSTILE_RAW,
        .language = "ar",
        .updated = T_2024_02_29_235959,
    };

    buf out = {0};
    render_rss(&channel, &item, 1, true, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_string(doc, "/rss/channel/title", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/link", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/description", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/language", "ar");
    check_string(doc, "/rss/channel/lastBuildDate", "Thu, 29 Feb 2024 23:59:59 +0000");
    check_string(doc, "/rss/channel/item/title", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/link", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/guid", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/dc:creator", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/category", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/comments", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/description", HOSTILE_PARSED_HTML);
    check_string(doc, "/rss/channel/item/content:encoded", HOSTILE_PARSED);
    check_string(doc, "/rss/channel/item/pubDate", "Thu, 29 Feb 2024 23:59:59 +0000");
    xmlFreeDoc(doc);

    /* in attributes too: the escaped CR (&#13;) survives attribute-value normalisation, while
     * the raw tab and LF become spaces as XML 1.0 section 3.3.3 says */
    buf_reset(&out);
    render_atom(&channel, &item, 1, true, &out);
    doc = parse_xml(&out);
    check_string(doc, "/atom:feed/atom:id", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/atom:title", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/atom:subtitle", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/@xml:lang", "ar");
    check_string(doc, "/atom:feed/atom:updated", "2024-02-29T23:59:59Z");
    check_string(doc, "/atom:feed/atom:entry/atom:id", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/atom:entry/atom:title", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/atom:entry/atom:author/atom:name", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/atom:entry/atom:content", HOSTILE_PARSED);
    check_string(doc, "/atom:feed/atom:entry/atom:published", "2024-02-29T23:59:59Z");
    check_string(doc, "/atom:feed/atom:entry/atom:updated", "2024-02-29T23:59:59Z");
    const char *attribute = "Fish & Chips <b>\"q\" 'a' ]]> xyz\x7f T\r N"
                            "|||||||\xef\xbf\xbd"
                            " \xf0\x9f\x8e\x89 \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7";
    check_string(doc, "/atom:feed/atom:link[@rel='self']/@href", attribute);
    check_string(doc, "/atom:feed/atom:link[@rel='alternate']/@href", attribute);
    check_string(doc, "/atom:feed/atom:entry/atom:link/@href", attribute);
    check_string(doc, "/atom:feed/atom:entry/atom:category/@term", attribute);
    xmlFreeDoc(doc);
    buf_free(&out);
}

/* All strings NULL, no items: still complete, well-formed documents. */
static void test_empty_feeds(void **state)
{
    (void)state;
    const struct feed_channel channel = {0};
    const struct feed_item item = {0};

    buf out = {0};
    render_rss(&channel, NULL, 0, true, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_count(doc, "/rss/channel/item", 0);
    check_string(doc, "/rss/channel/title", "");
    check_count(doc, "/rss/channel/language", 0);
    check_string(doc, "/rss/channel/lastBuildDate", "Thu, 01 Jan 1970 00:00:00 +0000");
    xmlFreeDoc(doc);

    buf_reset(&out);
    render_rss(&channel, &item, 1, true, &out);
    doc = parse_xml(&out);
    check_count(doc, "/rss/channel/item", 1);
    check_count(doc, "/rss/channel/item/description", 0);
    check_count(doc, "/rss/channel/item/content:encoded", 0);
    check_count(doc, "/rss/channel/item/comments", 0);
    xmlFreeDoc(doc);

    buf_reset(&out);
    render_atom(&channel, &item, 1, true, &out);
    doc = parse_xml(&out);
    check_count(doc, "/atom:feed/@xml:lang", 0);
    check_count(doc, "/atom:feed/atom:subtitle", 0);
    check_string(doc, "/atom:feed/atom:updated", "1970-01-01T00:00:00Z");
    check_count(doc, "/atom:feed/atom:entry", 1);
    check_string(doc, "/atom:feed/atom:entry/atom:id", "");
    check_count(doc, "/atom:feed/atom:entry/atom:content", 0);
    check_count(doc, "/atom:feed/atom:entry/atom:summary", 0);
    xmlFreeDoc(doc);

    buf_reset(&out);
    render_sitemap(NULL, 0, &out);
    doc = parse_xml(&out);
    check_count(doc, "/sm:urlset", 1);
    check_count(doc, "/sm:urlset/*", 0);
    xmlFreeDoc(doc);
    buf_free(&out);
}

/* Dates outside 1970..9999 are clamped so that both grammars (four-digit years) still hold. */
static void test_dates_clamped(void **state)
{
    (void)state;
    const struct feed_item items[] = {
        {.title = "before", .published = -1},
        {.title = "after", .published = 300000000000LL, .updated = 300000000000LL},
    };
    const struct feed_channel channel = {.title = "t", .updated = T_2024_03_01_0000};
    buf out = {0};
    render_rss(&channel, items, 2, false, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_string(doc, "/rss/channel/lastBuildDate", "Fri, 01 Mar 2024 00:00:00 +0000");
    check_string(doc, "/rss/channel/item[1]/pubDate", "Thu, 01 Jan 1970 00:00:00 +0000");
    /* 1970..9999 is 8030 years with 2007 - 60 = 1947 leap days, so 10000-01-01 is day
     * 2932897 and 2932897 * 86400 - 1 = 253402300799 the last second kept. The calendar
     * repeats every 400 years (146097 days, whole weeks): 9999-12-31 is a Friday as 1999-12-31
     * was. */
    check_string(doc, "/rss/channel/item[2]/pubDate", "Fri, 31 Dec 9999 23:59:59 +0000");
    xmlFreeDoc(doc);

    buf_reset(&out);
    render_atom(&channel, items, 2, false, &out);
    doc = parse_xml(&out);
    check_string(doc, "/atom:feed/atom:entry[1]/atom:published", "1970-01-01T00:00:00Z");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:published", "9999-12-31T23:59:59Z");
    check_string(doc, "/atom:feed/atom:entry[2]/atom:updated", "9999-12-31T23:59:59Z");
    xmlFreeDoc(doc);
    buf_free(&out);
}

static void test_sitemap(void **state)
{
    (void)state;
    const struct sitemap_url urls[] = {
        {"https://example.test/", T_2024_03_01_0000},
        {"https://example.test/?s=a&b=<c>", 0},
        {"https://example.test/\xd9\x85\xd8\xb1/", T_2023_04_25_0900},
    };
    buf out = {0};
    render_sitemap(urls, 3, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_count(doc, "/sm:urlset", 1);
    check_count(doc, "/sm:urlset/sm:url", 3);
    check_string(doc, "/sm:urlset/sm:url[1]/sm:loc", "https://example.test/");
    check_string(doc, "/sm:urlset/sm:url[1]/sm:lastmod", "2024-03-01T00:00:00Z");
    check_string(doc, "/sm:urlset/sm:url[2]/sm:loc", "https://example.test/?s=a&b=<c>");
    check_count(doc, "/sm:urlset/sm:url[2]/sm:lastmod", 0);
    check_string(doc, "/sm:urlset/sm:url[3]/sm:loc", "https://example.test/\xd9\x85\xd8\xb1/");
    check_string(doc, "/sm:urlset/sm:url[3]/sm:lastmod", "2023-04-25T09:00:00Z");
    check_count(doc, "/sm:urlset/sm:url/*", 5);
    xmlFreeDoc(doc);
    buf_free(&out);
}

static void test_sitemap_index(void **state)
{
    (void)state;
    const struct sitemap_url maps[] = {
        {"https://example.test/sitemap-posts.xml?page=1&n=2", T_2023_11_14_221320},
        {"https://example.test/sitemap-pages.xml", T_2024_02_29_235959},
    };
    buf out = {0};
    render_sitemap_index(maps, 2, &out);
    xmlDocPtr doc = parse_xml(&out);
    check_count(doc, "/sm:sitemapindex", 1);
    check_count(doc, "/sm:sitemapindex/sm:sitemap", 2);
    check_count(doc, "//sm:url", 0);
    check_string(doc, "/sm:sitemapindex/sm:sitemap[1]/sm:loc",
                 "https://example.test/sitemap-posts.xml?page=1&n=2");
    check_string(doc, "/sm:sitemapindex/sm:sitemap[1]/sm:lastmod", "2023-11-14T22:13:20Z");
    check_string(doc, "/sm:sitemapindex/sm:sitemap[2]/sm:loc",
                 "https://example.test/sitemap-pages.xml");
    check_string(doc, "/sm:sitemapindex/sm:sitemap[2]/sm:lastmod", "2024-02-29T23:59:59Z");
    xmlFreeDoc(doc);
    buf_free(&out);
}

/* The featured image: RSS <enclosure url length type>, Atom <link rel="enclosure">, escaped;
 * none without a URL. */
static void test_enclosure(void **state)
{
    (void)state;
    struct feed_item item = sample_items[1];
    item.enclosure_url = "https://example.test/wp-content/uploads/2023/04/a&b\".jpg";
    item.enclosure_type = "image/jpeg";
    item.enclosure_length = 12345;
    buf out = {0};
    render_rss(&sample_channel, &item, 1, false, &out);
    assert_non_null(strstr(buf_cstr(&out),
                           "      <enclosure url=\"https://example.test/wp-content/uploads/2023/04/"
                           "a&amp;b&quot;.jpg\" length=\"12345\" type=\"image/jpeg\"/>\n"));
    buf_reset(&out);
    render_atom(&sample_channel, &item, 1, false, &out);
    assert_non_null(
        strstr(buf_cstr(&out),
               "    <link rel=\"enclosure\" type=\"image/jpeg\" length=\"12345\" "
               "href=\"https://example.test/wp-content/uploads/2023/04/a&amp;b&quot;.jpg\"/>\n"));
    buf_reset(&out);
    render_rss(&sample_channel, sample_items, 2, true, &out);
    render_atom(&sample_channel, sample_items, 2, true, &out);
    assert_null(strstr(buf_cstr(&out), "enclosure"));
    buf_free(&out);
}

int main(void)
{
    LIBXML_TEST_VERSION
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escape_exact), cmocka_unit_test(test_rss_full_text),
        cmocka_unit_test(test_rss_summary_only), cmocka_unit_test(test_atom_summary),
        cmocka_unit_test(test_atom_full_text),   cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_empty_feeds),      cmocka_unit_test(test_dates_clamped),
        cmocka_unit_test(test_enclosure),        cmocka_unit_test(test_sitemap),
        cmocka_unit_test(test_sitemap_index),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return failed;
}
