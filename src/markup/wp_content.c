/* wp_content.c: the order of WordPress's content filters, and the report of what they could
 * not render. */
#include "markup/wp_content.h"
#include "markup/autop.h"
#include "markup/blocks.h"
#include "markup/embed.h"
#include "markup/shortcode.h"

#include <stdlib.h>
#include <string.h>

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
        [WP_REPORT_MEDIA] = "media not imported yet",
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

/* wpautop puts a <p> around a marker alone on its line; WordPress splits the content there
 * before wpautop runs, so none is there. Copies html to out without those <p>. */
static void wp_content_unwrap_markers(const char *html, size_t len, buf *out)
{
    size_t at = 0;
    while (at < len) {
        const char *p = html ? memmem(html + at, len - at, "<p><!--", 7) : NULL;
        if (!p) {
            buf_append(out, html + at, len - at);
            return;
        }
        size_t start = (size_t)(p - html);
        buf_append(out, html + at, start - at);
        const char *end = memmem(p + 7, len - start - 7, "--></p>", 7);
        size_t text = end ? (size_t)(end - p) - 7 : 0;
        bool marker =
            end && ((text == 4 && memcmp(p + 7, "more", 4) == 0) ||
                    (text > 5 && memcmp(p + 7, "more ", 5) == 0 && !memchr(p + 7, '<', text)) ||
                    (text == 8 && memcmp(p + 7, "nextpage", 8) == 0));
        if (marker) {
            buf_append(out, p + 3, text + 7); /* <!--…--> */
            at = start + 3 + text + 7 + 4;
        } else {
            buf_append(out, p, 7);
            at = start + 7;
        }
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
    if (options->autop && !has_blocks) {
        markup_shortcodes(at, at_len, &shortcodes, report);
        buf paragraphs = {0};
        markup_autop(buf_cstr(&shortcodes), shortcodes.len, &paragraphs);
        wp_content_unwrap_markers(paragraphs.ptr, paragraphs.len, out);
        buf_free(&paragraphs);
    } else
        markup_shortcodes(at, at_len, out, report);
    buf_free(&embedded);
    buf_free(&blocks);
    buf_free(&shortcodes);
}
