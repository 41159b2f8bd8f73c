/* feed.c: RSS 2.0, Atom 1.0 and sitemap documents, every borrowed string through one escaper. */
#include "render/feed.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "markup/escape.h"
#include "util/buf.h"

#define FEED_XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define FEED_NS_ATOM "http://www.w3.org/2005/Atom"
#define FEED_NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define FEED_NS_DC "http://purl.org/dc/elements/1.1/"
#define FEED_NS_SITEMAP "http://www.sitemaps.org/schemas/sitemap/0.9"

/* Both date formats want four-digit years; 253402300799 is 9999-12-31T23:59:59Z. */
#define FEED_TIME_MAX 253402300799LL

/* English names, not strftime's %a/%b: RFC 822 does not follow the process locale. */
static const char *const feed_day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const feed_month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Breaks `seconds` into UTC fields, clamped to years 1970..9999 so that the formats below
 * always print what their grammars allow. */
static void feed_utc(long long seconds, struct tm *tm)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds > FEED_TIME_MAX)
        seconds = FEED_TIME_MAX;
    time_t t = (time_t)seconds;
    gmtime_r(&t, tm);
}

/* RFC 822 (with RFC 1123's four-digit year), as RSS 2.0 wants: "Tue, 25 Apr 2023 09:00:00 +0000".
 */
static void feed_put_rfc822(long long seconds, buf *out)
{
    struct tm tm;
    feed_utc(seconds, &tm);
    buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000", feed_day_names[tm.tm_wday], tm.tm_mday,
               feed_month_names[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* RFC 3339 in UTC, which is also a W3C date-time for sitemaps: "2023-04-25T09:00:00Z". */
static void feed_put_rfc3339(long long seconds, buf *out)
{
    struct tm tm;
    feed_utc(seconds, &tm);
    buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
               tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool feed_empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

/* escape_xml for the borrowed strings of a feed, where NULL counts as "". */
static void feed_escape(const char *text, buf *out)
{
    if (text)
        escape_xml(text, strlen(text), out);
}

/* `before`, `text` escaped, then `after`: an element's or attribute's value with its markup. */
static void feed_put_escaped(buf *out, const char *before, const char *text, const char *after)
{
    buf_puts(out, before);
    feed_escape(text, out);
    buf_puts(out, after);
}

/* <name>escaped text</name>, on its own indented line. */
static void feed_put_element(buf *out, const char *indent, const char *name, const char *text)
{
    buf_printf(out, "%s<%s>", indent, name);
    feed_escape(text, out);
    buf_printf(out, "</%s>\n", name);
}

static void feed_put_rfc822_element(buf *out, const char *indent, const char *name,
                                    long long seconds)
{
    buf_printf(out, "%s<%s>", indent, name);
    feed_put_rfc822(seconds, out);
    buf_printf(out, "</%s>\n", name);
}

static void feed_put_rfc3339_element(buf *out, const char *indent, const char *name,
                                     long long seconds)
{
    buf_printf(out, "%s<%s>", indent, name);
    feed_put_rfc3339(seconds, out);
    buf_printf(out, "</%s>\n", name);
}

static void feed_put_rss_item(const struct feed_item *item, bool full_text, buf *out)
{
    buf_puts(out, "    <item>\n");
    feed_put_element(out, "      ", "title", item->title);
    feed_put_element(out, "      ", "link", item->link);
    if (!feed_empty(item->author))
        feed_put_element(out, "      ", "dc:creator", item->author);
    feed_put_rfc822_element(out, "      ", "pubDate", item->published);
    /* Not a permalink: guids outlive URL changes, and readers must not fetch them. */
    feed_put_escaped(out, "      <guid isPermaLink=\"false\">", item->guid, "</guid>\n");
    for (size_t i = 0; i < item->category_count; i++)
        if (!feed_empty(item->categories[i]))
            feed_put_element(out, "      ", "category", item->categories[i]);
    if (item->comments_link)
        feed_put_element(out, "      ", "comments", item->comments_link);
    if (!feed_empty(item->enclosure_url)) { /* RSS 2.0: url, length and type are required */
        feed_put_escaped(out, "      <enclosure url=\"", item->enclosure_url, "\"");
        buf_printf(out, " length=\"%lld\"", item->enclosure_length);
        feed_put_escaped(out, " type=\"", item->enclosure_type, "\"/>\n");
    }
    /* The excerpt stays in <description> even with full text, as WordPress does, so readers
     * that ignore content:encoded still show something. Readers take <description> as HTML
     * (RSS 2.0: "entity-encoded HTML is allowed") while the summary is plain text, so it is
     * escaped as HTML first: a "<script>" typed in an excerpt reaches them as text. */
    if (item->summary) {
        buf html = {0};
        feed_escape(item->summary, &html); /* & < > " ': the HTML text escapes too */
        feed_put_element(out, "      ", "description", buf_cstr(&html));
        buf_free(&html);
    }
    if (full_text && item->content_html)
        feed_put_element(out, "      ", "content:encoded", item->content_html);
    buf_puts(out, "    </item>\n");
}

void render_rss(const struct feed_channel *channel, const struct feed_item *items, size_t count,
                bool full_text, buf *out)
{
    buf_puts(out, FEED_XML_DECLARATION);
    buf_puts(out, "<rss version=\"2.0\" xmlns:atom=\"" FEED_NS_ATOM
                  "\" xmlns:content=\"" FEED_NS_CONTENT "\" xmlns:dc=\"" FEED_NS_DC "\">\n");
    buf_puts(out, "  <channel>\n");
    feed_put_element(out, "    ", "title", channel->title);
    feed_put_element(out, "    ", "link", channel->link);
    feed_put_element(out, "    ", "description", channel->description);
    if (!feed_empty(channel->language))
        feed_put_element(out, "    ", "language", channel->language);
    feed_put_rfc822_element(out, "    ", "lastBuildDate", channel->updated);
    feed_put_escaped(out, "    <atom:link href=\"", channel->self_url,
                     "\" rel=\"self\" type=\"application/rss+xml\"/>\n");
    for (size_t i = 0; i < count; i++)
        feed_put_rss_item(&items[i], full_text, out);
    buf_puts(out, "  </channel>\n</rss>\n");
}

static void feed_put_atom_entry(const struct feed_channel *channel, const struct feed_item *item,
                                bool full_text, buf *out)
{
    buf_puts(out, "  <entry>\n");
    feed_put_element(out, "    ", "id", item->guid);
    feed_put_element(out, "    ", "title", item->title);
    feed_put_escaped(out, "    <link rel=\"alternate\" type=\"text/html\" href=\"", item->link,
                     "\"/>\n");
    /* RFC 4287 4.1.2: an entry needs an author when the feed has none; the site stands in for
     * an anonymous one. */
    buf_puts(out, "    <author>\n");
    feed_put_element(out, "      ", "name",
                     feed_empty(item->author) ? channel->title : item->author);
    buf_puts(out, "    </author>\n");
    feed_put_rfc3339_element(out, "    ", "published", item->published);
    /* A never-edited item may carry updated == 0; its last change is then its publication. */
    feed_put_rfc3339_element(out, "    ", "updated",
                             item->updated > item->published ? item->updated : item->published);
    for (size_t i = 0; i < item->category_count; i++) {
        if (feed_empty(item->categories[i]))
            continue;
        feed_put_escaped(out, "    <category term=\"", item->categories[i], "\"/>\n");
    }
    if (!feed_empty(item->enclosure_url)) {
        feed_put_escaped(out, "    <link rel=\"enclosure\" type=\"", item->enclosure_type, "\"");
        buf_printf(out, " length=\"%lld\"", item->enclosure_length);
        feed_put_escaped(out, " href=\"", item->enclosure_url, "\"/>\n");
    }
    if (full_text && item->content_html) {
        feed_put_escaped(out, "    <content type=\"html\">", item->content_html, "</content>\n");
    } else if (item->summary) {
        feed_put_escaped(out, "    <summary type=\"text\">", item->summary, "</summary>\n");
    }
    buf_puts(out, "  </entry>\n");
}

void render_atom(const struct feed_channel *channel, const struct feed_item *items, size_t count,
                 bool full_text, buf *out)
{
    buf_puts(out, FEED_XML_DECLARATION);
    buf_puts(out, "<feed xmlns=\"" FEED_NS_ATOM "\"");
    if (!feed_empty(channel->language))
        feed_put_escaped(out, " xml:lang=\"", channel->language, "\"");
    buf_puts(out, ">\n");
    feed_put_element(out, "  ", "id", channel->id);
    feed_put_element(out, "  ", "title", channel->title);
    if (!feed_empty(channel->description))
        feed_put_element(out, "  ", "subtitle", channel->description);
    feed_put_rfc3339_element(out, "  ", "updated", channel->updated);
    feed_put_escaped(out, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"",
                     channel->self_url, "\"/>\n");
    feed_put_escaped(out, "  <link rel=\"alternate\" type=\"text/html\" href=\"", channel->link,
                     "\"/>\n");
    for (size_t i = 0; i < count; i++)
        feed_put_atom_entry(channel, &items[i], full_text, out);
    buf_puts(out, "</feed>\n");
}

/* Shared by both sitemap kinds: they differ only in the element names. */
static void feed_put_sitemap(const char *root, const char *entry, const struct sitemap_url *urls,
                             size_t count, buf *out)
{
    buf_puts(out, FEED_XML_DECLARATION);
    buf_printf(out, "<%s xmlns=\"" FEED_NS_SITEMAP "\">\n", root);
    for (size_t i = 0; i < count; i++) {
        buf_printf(out, "  <%s>\n", entry);
        feed_put_element(out, "    ", "loc", urls[i].loc);
        if (urls[i].lastmod != 0)
            feed_put_rfc3339_element(out, "    ", "lastmod", urls[i].lastmod);
        buf_printf(out, "  </%s>\n", entry);
    }
    buf_printf(out, "</%s>\n", root);
}

void render_sitemap(const struct sitemap_url *urls, size_t count, buf *out)
{
    feed_put_sitemap("urlset", "url", urls, count, out);
}

void render_sitemap_index(const struct sitemap_url *sitemaps, size_t count, buf *out)
{
    feed_put_sitemap("sitemapindex", "sitemap", sitemaps, count, out);
}
