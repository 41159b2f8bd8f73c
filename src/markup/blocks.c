/* blocks.c: the block grammar and do_blocks() at write time (block comments out, saved HTML
 * kept, dynamic blocks left out, footnotes from their postmeta). */
#include "markup/blocks.h"
#include "markup/escape.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

static bool blocks_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool blocks_name_char(char c, bool first)
{
    if (c >= 'a' && c <= 'z')
        return true;
    return !first && ((c >= '0' && c <= '9') || c == '_' || c == '-');
}

/* [a-z][a-z0-9_-]* at text[at]: its end, or `at` when none. */
static size_t blocks_name(const char *text, size_t len, size_t at)
{
    if (at >= len || !blocks_name_char(text[at], true))
        return at;
    size_t end = at + 1;
    while (end < len && blocks_name_char(text[end], false))
        end++;
    return end;
}

bool markup_has_blocks(const char *html, size_t len)
{
    return html && memmem(html, len, "<!-- wp:", 8) != NULL;
}

/* "\s*(/)?-->" at text[at] (the end of a delimiter): sets *end past it and *void_block. */
static bool blocks_tail(const char *text, size_t len, size_t at, size_t *end, bool *void_block)
{
    *void_block = false;
    if (at < len && text[at] == '/') {
        *void_block = true;
        at++;
    }
    if (len - at >= 3 && memcmp(text + at, "-->", 3) == 0) {
        *end = at + 3;
        return true;
    }
    return false;
}

bool markup_block_delimiter(const char *text, size_t len, struct block_delimiter *d)
{
    memset(d, 0, sizeof *d);
    if (len < 4 || memcmp(text, "<!--", 4) != 0)
        return false;
    size_t at = 4;
    if (at >= len || !blocks_space(text[at]))
        return false;
    while (at < len && blocks_space(text[at]))
        at++;
    if (at < len && text[at] == '/') {
        d->closer = true;
        at++;
    }
    if (len - at < 3 || memcmp(text + at, "wp:", 3) != 0)
        return false;
    at += 3;
    size_t name_at = at, end = blocks_name(text, len, at);
    if (end == at)
        return false;
    if (end < len && text[end] == '/') { /* a namespace */
        size_t second = blocks_name(text, len, end + 1);
        if (second == end + 1)
            return false;
        end = second;
    }
    d->name = (strview){text + name_at, end - name_at};
    if (d->name.len > 5 && memcmp(d->name.ptr, "core/", 5) == 0)
        d->name.ptr += 5, d->name.len -= 5;
    at = end;
    if (at >= len || !blocks_space(text[at]))
        return false;
    while (at < len && blocks_space(text[at]))
        at++;
    if (at < len && text[at] == '{') {
        /* The attributes end at the first '}' followed by white space and "/-->" or "-->". */
        for (size_t j = at + 1; j < len; j++) {
            if (text[j] != '}')
                continue;
            size_t k = j + 1;
            if (k >= len || !blocks_space(text[k]))
                continue;
            while (k < len && blocks_space(text[k]))
                k++;
            size_t tail_end;
            bool void_block;
            if (blocks_tail(text, len, k, &tail_end, &void_block)) {
                d->attributes = (strview){text + at, j + 1 - at};
                d->void_block = void_block;
                d->len = tail_end;
                return true;
            }
        }
        return false;
    }
    size_t tail_end;
    if (!blocks_tail(text, len, at, &tail_end, &d->void_block))
        return false;
    d->len = tail_end;
    return true;
}

/* Core blocks rendered on the server from the site's data, not from saved HTML: gazette's
 * theme draws what they stood for (lists of posts, navigation, search) or nothing. A name
 * ending in '*' is a prefix. */
static const char *const blocks_dynamic[] = {
    "archives",
    "avatar",
    "block",
    "calendar",
    "categories",
    "comment*",
    "home-link",
    "latest-*",
    "legacy-widget",
    "loginout",
    "navigation*",
    "page-list*",
    "pattern",
    "post-*",
    "query*",
    "read-more",
    "rss",
    "search",
    "site-*",
    "social-link*",
    "tag-cloud",
    "template-part",
    "term-description",
    "widget-group",
};

static bool blocks_is_dynamic(strview name)
{
    for (size_t i = 0; i < sizeof blocks_dynamic / sizeof blocks_dynamic[0]; i++) {
        const char *pattern = blocks_dynamic[i];
        size_t n = strlen(pattern);
        if (pattern[n - 1] == '*') {
            if (name.len >= n - 1 && memcmp(name.ptr, pattern, n - 1) == 0)
                return true;
        } else if (strview_equal_cstr(name, pattern))
            return true;
    }
    return false;
}

/* render_block_core_footnotes(): <ol class="wp-block-footnotes"> of the postmeta's notes. */
static void blocks_footnotes(const char *json, buf *out)
{
    if (!json || !*json)
        return;
    json_error_t error;
    json_t *notes = json_loads(json, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_array(notes) || json_array_size(notes) == 0) {
        json_decref(notes);
        return;
    }
    buf_puts(out, "<ol class=\"wp-block-footnotes\">");
    size_t index;
    json_t *note;
    json_array_foreach(notes, index, note)
    {
        if (index >= BLOCKS_FOOTNOTES_MAX)
            break;
        const char *id = json_string_value(json_object_get(note, "id"));
        const char *content = json_string_value(json_object_get(note, "content"));
        if (!id || !content)
            continue;
        buf_puts(out, "<li id=\"");
        escape_html(id, strlen(id), ESCAPE_QUOTES_BOTH, out);
        buf_puts(out, "\">");
        buf_puts(out, content); /* HTML, as WordPress writes it; sanitized later */
        buf_puts(out, " <a href=\"#");
        escape_html(id, strlen(id), ESCAPE_QUOTES_BOTH, out);
        buf_printf(out,
                   "-link\" aria-label=\"Jump to footnote reference "
                   "%zu\">\xE2\x86\xA9\xEF\xB8\x8E</a></li>",
                   index + 1);
    }
    buf_puts(out, "</ol>");
    json_decref(notes);
}

/* A cover block saved before WordPress 5.7 shows its image as a CSS background
 * (style="background-image:url(…)"), which the sanitizer drops with every style: the image
 * becomes the <img class="wp-block-cover__image-background"> later versions save, first in the
 * block's element, so that pages give it its sizes and the theme lays it out as a cover. Only
 * when the block holds no <img> and its attributes name an image (url, not a video). */
static void blocks_cover_image(strview attributes, buf *out, size_t from)
{
    if (!attributes.len || memmem(out->ptr + from, out->len - from, "<img", 4))
        return;
    json_error_t error;
    json_t *attrs = json_loadb(attributes.ptr, attributes.len, JSON_REJECT_DUPLICATES, &error);
    const char *url = json_string_value(json_object_get(attrs, "url"));
    const char *type = json_string_value(json_object_get(attrs, "backgroundType"));
    json_int_t id = json_integer_value(json_object_get(attrs, "id"));
    const char *gt = memchr(out->ptr + from, '>', out->len - from);
    if (url && *url && (!type || strcmp(type, "image") == 0) && gt) {
        buf img = {0};
        buf_puts(&img, "<img class=\"wp-block-cover__image-background");
        if (id > 0)
            buf_printf(&img, " wp-image-%lld", (long long)id);
        buf_puts(&img, "\" alt=\"\" src=\"");
        escape_html(url, strlen(url), ESCAPE_QUOTES_BOTH, &img);
        buf_puts(&img, "\">");
        size_t at = (size_t)(gt - out->ptr) + 1, tail = out->len - at;
        buf_reserve(out, img.len);
        memmove(out->ptr + at + img.len, out->ptr + at, tail);
        memcpy(out->ptr + at, img.ptr, img.len);
        out->len += img.len;
        out->ptr[out->len] = '\0';
        buf_free(&img);
    }
    json_decref(attrs);
}

/* True when out[from..] is white space around one <p …></p> with only white space in it. */
static bool blocks_empty_paragraph(const buf *out, size_t from)
{
    const char *s = out->ptr + from, *end = out->ptr + out->len;
    while (s < end && blocks_space(*s))
        s++;
    if (end - s < 3 || s[0] != '<' || s[1] != 'p' || (s[2] != '>' && s[2] != ' '))
        return false;
    const char *gt = memchr(s, '>', (size_t)(end - s));
    if (!gt)
        return false;
    s = gt + 1;
    while (s < end && blocks_space(*s))
        s++;
    if (end - s < 4 || memcmp(s, "</p>", 4) != 0)
        return false;
    s += 4;
    while (s < end && blocks_space(*s))
        s++;
    return s == end;
}

struct blocks_open {
    strview name;       /* block name without "core/" */
    strview attributes; /* its JSON attributes (borrowed from the input), or empty */
    size_t out_at;      /* out->len when it opened */
    bool suppressing;   /* this block is dynamic: nothing inside it is written */
};

void markup_blocks(const char *html, size_t len, const char *footnotes_json, buf *out,
                   struct wp_report *report)
{
    if (!html || len > BLOCKS_INPUT_MAX) {
        if (html)
            buf_append(out, html, len);
        return;
    }
    struct blocks_open stack[BLOCKS_DEPTH_MAX];
    size_t depth = 0, suppressed = 0; /* open blocks; of them, dynamic ones */
    size_t at = 0;
    while (at < len) {
        const char *lt = memchr(html + at, '<', len - at);
        size_t next = lt ? (size_t)(lt - html) : len;
        if (!suppressed)
            buf_append(out, html + at, next - at);
        at = next;
        if (at >= len)
            break;
        struct block_delimiter d;
        if (!markup_block_delimiter(html + at, len - at, &d)) {
            if (!suppressed)
                buf_putc(out, '<');
            at++;
            continue;
        }
        at += d.len;
        if (d.closer) {
            /* Close up to the innermost block of that name; a closer with no opener goes. */
            size_t match = depth;
            while (match > 0 && !strview_equal(stack[match - 1].name, d.name))
                match--;
            if (match == 0)
                continue;
            while (depth >= match) {
                struct blocks_open *b = &stack[--depth];
                if (b->suppressing)
                    suppressed--;
                else if (!suppressed && strview_equal_cstr(b->name, "paragraph") &&
                         blocks_empty_paragraph(out, b->out_at)) {
                    out->len = b->out_at;
                    out->ptr[out->len] = '\0';
                } else if (!suppressed && strview_equal_cstr(b->name, "cover"))
                    blocks_cover_image(b->attributes, out, b->out_at);
                if (depth == 0)
                    break;
            }
            continue;
        }
        bool dynamic = blocks_is_dynamic(d.name);
        bool other_void = d.void_block && memchr(d.name.ptr, '/', d.name.len) != NULL;
        if (!suppressed && report && (dynamic || other_void))
            wp_report_add(report, WP_REPORT_BLOCK, d.name.ptr, d.name.len, 1);
        if (d.void_block) {
            if (!suppressed && strview_equal_cstr(d.name, "footnotes"))
                blocks_footnotes(footnotes_json, out);
            continue;
        }
        if (strview_equal_cstr(d.name, "footnotes") && !suppressed) {
            blocks_footnotes(footnotes_json, out);
            dynamic = true; /* its saved content, if any, is not what WordPress shows */
        }
        if (depth == BLOCKS_DEPTH_MAX)
            continue; /* too deep: the opener goes, its content stays */
        stack[depth++] = (struct blocks_open){
            .name = d.name, .attributes = d.attributes, .out_at = out->len, .suppressing = dynamic};
        if (dynamic)
            suppressed++;
    }
}
