/* wp_content.c: the order of WordPress's content filters, and the report of what they could
 * not render. */
#include "markup/wp_content.h"
#include "markup/autop.h"
#include "markup/blocks.h"
#include "markup/embed.h"
#include "markup/shortcode.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"

#define WP_REPORT_NAME_MAX 64

void wp_report_add(struct wp_report *report, enum wp_report_kind kind, const char *name, size_t len,
                   long times)
{
    if (len > WP_REPORT_NAME_MAX)
        len = WP_REPORT_NAME_MAX;
    for (size_t i = 0; i < report->count; i++) {
        struct wp_report_entry *e = &report->entries[i];
        if (e->kind == kind && strlen(e->name) == len && memcmp(e->name, name, len) == 0) {
            e->count += times;
            return;
        }
    }
    if (report->count == report->capacity) {
        report->capacity = report->capacity ? report->capacity * 2 : 8;
        report->entries = xrealloc(report->entries, report->capacity * sizeof *report->entries);
    }
    report->entries[report->count++] =
        (struct wp_report_entry){.kind = kind, .name = xstrndup(name, len), .count = times};
}

void wp_report_merge(struct wp_report *into, const struct wp_report *from)
{
    for (size_t i = 0; i < from->count; i++)
        wp_report_add(into, from->entries[i].kind, from->entries[i].name,
                      strlen(from->entries[i].name), from->entries[i].count);
}

void wp_report_free(struct wp_report *report)
{
    for (size_t i = 0; i < report->count; i++)
        free(report->entries[i].name);
    free(report->entries);
    *report = (struct wp_report){0};
}

static int wp_report_compare(const void *a, const void *b)
{
    const struct wp_report_entry *x = *(const struct wp_report_entry *const *)a;
    const struct wp_report_entry *y = *(const struct wp_report_entry *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

void wp_report_print(const struct wp_report *report, FILE *out)
{
    static const char *const titles[WP_REPORT_KIND_COUNT] = {
        [WP_REPORT_SHORTCODE] = "shortcodes not rendered (their text is kept)",
        [WP_REPORT_BLOCK] = "dynamic blocks left out",
        [WP_REPORT_MEDIA] = "audio and video without a source (left out)",
    };
    if (!report->count)
        return;
    const struct wp_report_entry **sorted = xcalloc(report->count, sizeof *sorted);
    for (int kind = 0; kind < WP_REPORT_KIND_COUNT; kind++) {
        size_t n = 0;
        for (size_t i = 0; i < report->count; i++)
            if ((int)report->entries[i].kind == kind)
                sorted[n++] = &report->entries[i];
        if (!n)
            continue;
        qsort(sorted, n, sizeof *sorted, wp_report_compare);
        fprintf(out, "%s:", titles[kind]);
        for (size_t i = 0; i < n; i++)
            fprintf(out, kind == WP_REPORT_BLOCK ? "%s %s \xC3\x97%ld" : "%s [%s] \xC3\x97%ld",
                    i ? "," : "", sorted[i]->name, sorted[i]->count);
        fputc('\n', out);
    }
    free(sorted);
}

/* The value of attribute `name` in the tag tag[0..len) (as written: quoted or not), or an
 * empty view. Only values without < > " are returned: they go into an attribute as they are. */
static strview wp_content_tag_attribute(const char *tag, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 1; i + n + 1 < len; i++) {
        if (!strchr(" \t\n\r\f", tag[i - 1]) || strncasecmp(tag + i, name, n) != 0 ||
            tag[i + n] != '=')
            continue;
        size_t v = i + n + 1, end;
        char quote = v < len && (tag[v] == '"' || tag[v] == '\'') ? tag[v] : 0;
        if (quote) {
            v++;
            const char *q = memchr(tag + v, quote, len - v);
            if (!q)
                return (strview){"", 0};
            end = (size_t)(q - tag);
        } else
            for (end = v; end < len && !strchr(" \t\n\r\f>", tag[end]); end++)
                ;
        for (size_t k = v; k < end; k++)
            if (strchr("<>\"", tag[k]))
                return (strview){"", 0};
        return (strview){tag + v, end - v};
    }
    return (strview){"", 0};
}

/* <video>/<audio> elements (the video and audio blocks, pasted HTML) become a link to their
 * source until the media import comes: the sanitizer keeps no player. */
static void wp_content_media_links(const char *html, size_t len, buf *out)
{
    size_t at = 0;
    while (at < len) {
        const char *lt = memchr(html + at, '<', len - at);
        if (!lt) {
            buf_append(out, html + at, len - at);
            return;
        }
        size_t start = (size_t)(lt - html);
        buf_append(out, html + at, start - at);
        at = start;
        const char *kind = NULL;
        if (len - at > 6 && strncasecmp(lt, "<video", 6) == 0 && strchr(" \t\n>", lt[6]))
            kind = "video";
        else if (len - at > 6 && strncasecmp(lt, "<audio", 6) == 0 && strchr(" \t\n>", lt[6]))
            kind = "audio";
        const char *gt = kind ? memchr(lt, '>', len - at) : NULL;
        if (!gt) {
            buf_putc(out, '<');
            at++;
            continue;
        }
        size_t open_len = (size_t)(gt - lt) + 1;
        char close[9];
        snprintf(close, sizeof close, "</%s>", kind);
        size_t end = at + open_len;
        while (end + 8 <= len && strncasecmp(html + end, close, 8) != 0)
            end++;
        size_t element_end = end + 8 <= len ? end + 8 : len;
        strview src = wp_content_tag_attribute(lt, open_len, "src");
        for (const char *p = lt + open_len; !src.len && p < html + end;) {
            const char *source = memmem(p, (size_t)(html + end - p), "<source", 7);
            if (!source)
                break;
            const char *source_end = memchr(source, '>', (size_t)(html + end - source));
            if (!source_end)
                break;
            src = wp_content_tag_attribute(source, (size_t)(source_end - source) + 1, "src");
            p = source_end;
        }
        if (!src.len) {
            buf_putc(out, '<');
            at++;
            continue;
        }
        buf_printf(out, "<a class=\"wp-%s-link\" href=\"", kind);
        buf_append(out, src.ptr, src.len);
        buf_puts(out, "\">");
        buf_append(out, src.ptr, src.len);
        buf_puts(out, "</a>");
        at = element_end;
    }
}

void markup_wp_content(const char *html, size_t len, const struct wp_content_options *options,
                       buf *out, struct wp_report *report)
{
    static const struct wp_content_options defaults = {0};
    if (!options)
        options = &defaults;
    if (!html) {
        html = "";
        len = 0;
    }
    buf embedded = {0}, blocks = {0}, shortcodes = {0};
    markup_autoembed(html, len, &embedded);
    bool has_blocks = markup_has_blocks(embedded.ptr, embedded.len);
    const char *at = buf_cstr(&embedded);
    size_t at_len = embedded.len;
    if (has_blocks) {
        markup_blocks(at, at_len, options->footnotes_json, &blocks, report);
        at = buf_cstr(&blocks);
        at_len = blocks.len;
    }
    markup_shortcodes(at, at_len, &shortcodes, report);
    if (options->autop && !has_blocks) {
        /* a marker alone in its paragraph is unwrapped by the sanitizer */
        buf paragraphs = {0};
        markup_autop(buf_cstr(&shortcodes), shortcodes.len, &paragraphs);
        wp_content_media_links(buf_cstr(&paragraphs), paragraphs.len, out);
        buf_free(&paragraphs);
    } else
        wp_content_media_links(buf_cstr(&shortcodes), shortcodes.len, out);
    buf_free(&embedded);
    buf_free(&blocks);
    buf_free(&shortcodes);
}
