/* shortcode.c: WordPress's shortcode grammar and the core shortcodes (caption, gallery,
 * embed, video, audio, playlist) as WordPress 6 renders them; galleries and playlists as
 * placeholders that pages fill from the store. */
#include "markup/shortcode.h"
#include "markup/embed.h"
#include "markup/escape.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool shortcode_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool shortcode_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* White space as shortcode_parse_atts() sees it: PCRE's \s, and U+00A0 and U+200B, which
 * it turns into spaces first. Returns the byte length of the space at s, or 0. */
static size_t shortcode_space_len(const char *s, size_t len)
{
    if (len >= 1 && shortcode_space((unsigned char)s[0]))
        return 1;
    if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x8B)
        return 3;
    return 0;
}

/* True when text[at] is the end or a space: the (?:\s|$) after each attribute form. */
static bool shortcode_at_break(const char *text, size_t len, size_t at)
{
    return at >= len || shortcode_space_len(text + at, len - at) > 0;
}

static void shortcode_add_attribute(struct shortcode_tag *tag, const char *name, size_t name_len,
                                    const char *value, size_t value_len)
{
    if (tag->attribute_count >= SHORTCODE_ATTRIBUTES_MAX)
        return;
    struct shortcode_attribute *a = &tag->attributes[tag->attribute_count++];
    if (name_len >= sizeof a->name)
        name_len = sizeof a->name - 1;
    for (size_t i = 0; i < name_len; i++) {
        char c = name[i];
        a->name[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    a->name[name_len] = '\0';
    a->value = (strview){value, value_len};
}

/* The quoted value `q`…`q` at text[at] followed by a break: its end (past the quote and
 * before the break), or 0. */
static size_t shortcode_quoted(const char *text, size_t len, size_t at, char q)
{
    if (at >= len || text[at] != q)
        return 0;
    const char *close = memchr(text + at + 1, q, len - at - 1);
    if (!close)
        return 0;
    size_t end = (size_t)(close - text) + 1;
    return shortcode_at_break(text, len, end) ? end : 0;
}

void markup_shortcode_parse_attributes(const char *text, size_t len, struct shortcode_tag *tag)
{
    size_t at = 0;
    while (at < len) {
        size_t space = shortcode_space_len(text + at, len - at);
        if (space) {
            at += space;
            continue;
        }
        /* name = "v" | name = 'v' | name = v */
        size_t name_end = at;
        while (name_end < len && shortcode_word((unsigned char)text[name_end]))
            name_end++;
        if (name_end > at) {
            size_t eq = name_end;
            while (eq < len && shortcode_space((unsigned char)text[eq]))
                eq++;
            if (eq < len && text[eq] == '=') {
                size_t v = eq + 1;
                while (v < len && shortcode_space((unsigned char)text[v]))
                    v++;
                size_t end = 0;
                if ((end = shortcode_quoted(text, len, v, '"')) ||
                    (end = shortcode_quoted(text, len, v, '\''))) {
                    shortcode_add_attribute(tag, text + at, name_end - at, text + v + 1,
                                            end - v - 2);
                    at = end;
                    continue;
                }
                size_t w = v;
                while (w < len && !shortcode_space_len(text + w, len - w) && text[w] != '\'' &&
                       text[w] != '"')
                    w++;
                if (w > v && shortcode_at_break(text, len, w)) {
                    shortcode_add_attribute(tag, text + at, name_end - at, text + v, w - v);
                    at = w;
                    continue;
                }
            }
        }
        /* "v" | 'v' | v (positional) */
        size_t end;
        if ((end = shortcode_quoted(text, len, at, '"')) ||
            (end = shortcode_quoted(text, len, at, '\''))) {
            shortcode_add_attribute(tag, "", 0, text + at + 1, end - at - 2);
            at = end;
            continue;
        }
        size_t w = at;
        while (w < len && !shortcode_space_len(text + w, len - w))
            w++;
        shortcode_add_attribute(tag, "", 0, text + at, w - at);
        at = w;
    }
}

strview markup_shortcode_attribute(const struct shortcode_tag *tag, const char *name)
{
    for (size_t i = 0; i < tag->attribute_count; i++)
        if (strcmp(tag->attributes[i].name, name) == 0)
            return tag->attributes[i].value;
    return (strview){"", 0};
}

/* Where "[/name]" first occurs in text[from..len), or len when it does not. Each search
 * costs the bytes it reads from *budget (NULL: no limit); once that is spent, no closing tag
 * is found: a text of many '[' and no "[/" cannot make the render quadratic. */
static size_t shortcode_find_close(const char *text, size_t len, size_t from, strview name,
                                   size_t *budget)
{
    if (budget) {
        if (*budget < len - from)
            return len;
        *budget -= len - from;
    }
    for (size_t at = from; at + name.len + 3 <= len; at++) {
        const char *p = memchr(text + at, '[', len - at);
        if (!p)
            return len;
        at = (size_t)(p - text);
        if (at + name.len + 3 <= len && text[at + 1] == '/' &&
            memcmp(text + at + 2, name.ptr, name.len) == 0 && text[at + 2 + name.len] == ']')
            return at;
    }
    return len;
}

static bool shortcode_parse(const char *text, size_t len, struct shortcode_tag *tag, size_t *budget)
{
    memset(tag, 0, sizeof *tag);
    if (len < 3 || text[0] != '[')
        return false;
    size_t at = 1;
    if (text[1] == '[') {
        tag->escaped = true; /* for now: both brackets are needed */
        at = 2;
    }
    size_t name_at = at;
    while (at < len && !strchr("<>&/[]=", text[at]) && (unsigned char)text[at] > 0x20)
        at++;
    if (at == name_at || at - name_at >= SHORTCODE_NAME_MAX)
        return false;
    tag->name = (strview){text + name_at, at - name_at};
    /* The opening tag runs to the first ']'; "/]" closes it. */
    const char *close = memchr(text + at, ']', len - at);
    if (!close)
        return false;
    size_t bracket = (size_t)(close - text);
    size_t atts_end = bracket;
    if (bracket > at && text[bracket - 1] == '/') {
        tag->self_closing = true;
        atts_end--;
    }
    tag->has_equals = memchr(text + at, '=', atts_end - at) != NULL;
    markup_shortcode_parse_attributes(text + at, atts_end - at, tag);
    size_t end = bracket + 1;
    if (!tag->self_closing) {
        size_t close_at = shortcode_find_close(text, len, end, tag->name, budget);
        if (close_at < len) {
            tag->enclosing = true;
            tag->content = (strview){text + end, close_at - end};
            end = close_at + tag->name.len + 3;
        }
    }
    if (tag->escaped) {
        if (end < len && text[end] == ']')
            end++;
        else {
            /* "[[tag]" is '[' then the shortcode: the caller reads it from text + 1. */
            return false;
        }
    }
    tag->whole = (strview){text, end};
    return true;
}

bool markup_shortcode_parse(const char *text, size_t len, struct shortcode_tag *tag)
{
    return shortcode_parse(text, len, tag, NULL);
}

static const char *const shortcode_core[] = {"caption", "wp_caption", "gallery", "embed",
                                             "video",   "audio",      "playlist"};

bool markup_shortcode_is_core(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof shortcode_core / sizeof shortcode_core[0]; i++)
        if (strlen(shortcode_core[i]) == len && memcmp(shortcode_core[i], name, len) == 0)
            return true;
    return false;
}

/* Whether an unknown tag is taken for a plugin's shortcode rather than bracketed text. */
static bool shortcode_plausible(const struct shortcode_tag *tag)
{
    strview n = tag->name;
    if (!((n.ptr[0] >= 'a' && n.ptr[0] <= 'z') || (n.ptr[0] >= 'A' && n.ptr[0] <= 'Z')))
        return false;
    bool separator = false;
    for (size_t i = 0; i < n.len; i++) {
        if (!shortcode_word((unsigned char)n.ptr[i]))
            return false;
        if (n.ptr[i] == '-' || n.ptr[i] == '_')
            separator = true;
    }
    return tag->enclosing || tag->self_closing || tag->has_equals || separator;
}

/* One render: where it writes, what it counts, and the bytes closing-tag searches may still
 * read. */
struct shortcode_context {
    buf *out;
    struct wp_report *report; /* may be NULL */
    size_t budget;
};

static void shortcode_render(const char *text, size_t len, int depth, struct shortcode_context *cx);

/* PHP's (int) of a string: leading white space, a sign, digits; 0 when none. */
static long shortcode_int(strview v)
{
    size_t i = 0;
    while (i < v.len && shortcode_space((unsigned char)v.ptr[i]))
        i++;
    bool negative = i < v.len && v.ptr[i] == '-';
    if (i < v.len && (v.ptr[i] == '-' || v.ptr[i] == '+'))
        i++;
    long n = 0;
    for (; i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9'; i++)
        if (n < 1000000000)
            n = n * 10 + (v.ptr[i] - '0');
    return negative ? -n : n;
}

/* sanitize_html_class(): %XX octets removed, then all but A-Za-z0-9_- removed. */
static void shortcode_html_class(strview v, buf *out)
{
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (c == '%' && i + 2 < v.len && isxdigit((unsigned char)v.ptr[i + 1]) &&
            isxdigit((unsigned char)v.ptr[i + 2])) {
            i += 2;
            continue;
        }
        if (shortcode_word(c))
            buf_putc(out, (char)c);
    }
}

/* Space-separated class words with characters the sanitizer refuses removed. */
static void shortcode_class_words(strview v, buf *out)
{
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (shortcode_word(c))
            buf_putc(out, (char)c);
        else if (shortcode_space(c) && out->len && out->ptr[out->len - 1] != ' ')
            buf_putc(out, ' ');
    }
}

static bool shortcode_starts_ci(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* The length of "<img [^>]+>" at s, or 0. */
static size_t shortcode_img_len(const char *s, size_t len)
{
    if (!shortcode_starts_ci(s, len, "<img ") || len < 6 || s[5] == '>')
        return 0;
    const char *gt = memchr(s + 5, '>', len - 5);
    return gt ? (size_t)(gt - s) + 1 : 0;
}

/* img_caption_shortcode()'s split of the content when no caption attribute is given:
 * #((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)#is. Sets the image part and the rest;
 * false when no image is found. */
static bool shortcode_caption_split(strview content, strview *image, strview *rest)
{
    const char *s = content.ptr;
    size_t len = content.len;
    for (size_t p = 0; p < len; p++) {
        if (s[p] != '<')
            continue;
        size_t end = 0;
        if (shortcode_starts_ci(s + p, len - p, "<a ") && p + 3 < len && s[p + 3] != '>') {
            const char *gt = memchr(s + p + 3, '>', len - p - 3);
            if (gt) {
                size_t q = (size_t)(gt - s) + 1;
                while (q < len && shortcode_space((unsigned char)s[q]))
                    q++;
                size_t img = shortcode_img_len(s + q, len - q);
                if (img)
                    end = q + img;
            }
        }
        if (!end) {
            size_t img = shortcode_img_len(s + p, len - p);
            if (!img)
                continue;
            end = p + img;
        }
        size_t q = end;
        while (q < len && shortcode_space((unsigned char)s[q]))
            q++;
        if (shortcode_starts_ci(s + q, len - q, "</a>"))
            end = q + 4;
        *image = (strview){s + p, end - p};
        *rest = (strview){s + end, len - end};
        return true;
    }
    return false;
}

static strview shortcode_trim(strview v)
{
    while (v.len && shortcode_space((unsigned char)v.ptr[0]))
        v.ptr++, v.len--;
    while (v.len && shortcode_space((unsigned char)v.ptr[v.len - 1]))
        v.len--;
    return v;
}

static void shortcode_caption(const struct shortcode_tag *tag, int depth,
                              struct shortcode_context *cx)
{
    buf *out = cx->out;
    strview content = tag->content;
    strview caption = markup_shortcode_attribute(tag, "caption");
    bool has_caption = false;
    for (size_t i = 0; i < tag->attribute_count; i++)
        if (strcmp(tag->attributes[i].name, "caption") == 0)
            has_caption = true;
    if (!has_caption) {
        strview image, rest;
        if (shortcode_caption_split(content, &image, &rest)) {
            content = image;
            caption = shortcode_trim(rest);
        }
    }
    long width = shortcode_int(markup_shortcode_attribute(tag, "width"));
    if (width < 1 || caption.len == 0 || (caption.len == 1 && caption.ptr[0] == '0')) {
        shortcode_render(content.ptr, content.len, depth + 1, cx);
        return;
    }
    buf id = {0}, caption_id = {0}, class = {0};
    shortcode_html_class(markup_shortcode_attribute(tag, "id"), &id);
    strview given_caption_id = markup_shortcode_attribute(tag, "caption_id");
    if (given_caption_id.len)
        shortcode_html_class(given_caption_id, &caption_id);
    else if (id.len) {
        buf_puts(&caption_id, "caption-");
        for (size_t i = 0; i < id.len; i++)
            buf_putc(&caption_id, id.ptr[i] == '_' ? '-' : id.ptr[i]);
    }
    strview align = markup_shortcode_attribute(tag, "align");
    buf_puts(&class, "wp-caption ");
    shortcode_class_words(align.len ? align : (strview){"alignnone", 9}, &class);
    buf_putc(&class, ' ');
    shortcode_class_words(markup_shortcode_attribute(tag, "class"), &class);
    while (class.len && class.ptr[class.len - 1] == ' ')
        class.ptr[--class.len] = '\0';

    buf_puts(out, "<figure ");
    if (id.len) {
        buf_puts(out, "id=\"");
        escape_html(id.ptr, id.len, ESCAPE_QUOTES_BOTH, out);
        buf_puts(out, "\" ");
    }
    if (caption_id.len) {
        buf_puts(out, "aria-describedby=\"");
        escape_html(caption_id.ptr, caption_id.len, ESCAPE_QUOTES_BOTH, out);
        buf_puts(out, "\" ");
    }
    buf_printf(out, "style=\"width: %ldpx\" class=\"", width);
    escape_html(class.ptr, class.len, ESCAPE_QUOTES_BOTH, out);
    buf_puts(out, "\">");
    shortcode_render(content.ptr, content.len, depth + 1, cx);
    buf_puts(out, "<figcaption ");
    if (caption_id.len) {
        buf_puts(out, "id=\"");
        escape_html(caption_id.ptr, caption_id.len, ESCAPE_QUOTES_BOTH, out);
        buf_puts(out, "\" ");
    }
    buf_puts(out, "class=\"wp-caption-text\">");
    buf_append(out, caption.ptr, caption.len); /* HTML, as WordPress writes it; sanitized later */
    buf_puts(out, "</figcaption></figure>");
    buf_free(&id);
    buf_free(&caption_id);
    buf_free(&class);
}

/* The source of [video] or [audio]: src, then the first format attribute WordPress reads,
 * then a positional URL or the enclosed URL. */
static strview shortcode_media_source(const struct shortcode_tag *tag, const char *const *formats)
{
    strview src = markup_shortcode_attribute(tag, "src");
    for (size_t i = 0; !src.len && formats[i]; i++)
        src = markup_shortcode_attribute(tag, formats[i]);
    for (size_t i = 0; !src.len && i < tag->attribute_count; i++)
        if (!tag->attributes[i].name[0] &&
            shortcode_starts_ci(tag->attributes[i].value.ptr, tag->attributes[i].value.len, "http"))
            src = tag->attributes[i].value;
    if (!src.len && tag->enclosing) {
        strview inner = shortcode_trim(tag->content);
        if (shortcode_starts_ci(inner.ptr, inner.len, "http") && !memchr(inner.ptr, '<', inner.len))
            src = inner;
    }
    return shortcode_trim(src);
}

static void shortcode_link(strview url, buf *out)
{
    buf_puts(out, "<a href=\"");
    escape_url_attribute(url.ptr, url.len, out);
    buf_puts(out, "\">");
    escape_html(url.ptr, url.len, ESCAPE_QUOTES_BOTH, out);
    buf_puts(out, "</a>");
}

/* The attributes of [gallery] and [playlist] a placeholder keeps, and what each may hold:
 * lists of ids, or one word. */
static const struct {
    const char *shortcode_name; /* as the shortcode writes it */
    const char *data_name;      /* the placeholder's attribute */
    bool id_list;               /* digits, commas and spaces; else [A-Za-z0-9_-] */
} shortcode_placeholder_attributes[] = {
    {"ids", "data-ids", true},          {"include", "data-include", true},
    {"exclude", "data-exclude", true},  {"id", "data-post", true},
    {"columns", "data-columns", false}, {"size", "data-size", false},
    {"link", "data-link", false},       {"orderby", "data-orderby", false},
    {"order", "data-order", false},     {"type", "data-type", false},
};

/* [gallery] and [playlist] show attachments, which an import may bring after the post and
 * `gazette media import` later still: a placeholder the sanitizer keeps (markup/sanitize.c)
 * carries the attributes, and render/media_html.c makes the gallery or the playlist from the
 * store when the page is made. */
static void shortcode_media_placeholder(const struct shortcode_tag *tag, buf *out)
{
    bool gallery = strview_equal_cstr(tag->name, "gallery");
    buf_puts(out, gallery ? "<div class=\"gazette-gallery\"" : "<div class=\"gazette-playlist\"");
    for (size_t i = 0;
         i < sizeof shortcode_placeholder_attributes / sizeof shortcode_placeholder_attributes[0];
         i++) {
        strview v =
            markup_shortcode_attribute(tag, shortcode_placeholder_attributes[i].shortcode_name);
        buf value = {0};
        for (size_t k = 0; k < v.len && value.len < 1000; k++) {
            unsigned char c = (unsigned char)v.ptr[k];
            if (shortcode_placeholder_attributes[i].id_list ? (c >= '0' && c <= '9') || c == ','
                                                            : shortcode_word(c))
                buf_putc(&value, (char)c);
        }
        if (value.len)
            buf_printf(out, " %s=\"%s\"", shortcode_placeholder_attributes[i].data_name,
                       buf_cstr(&value));
        buf_free(&value);
    }
    buf_puts(out, "></div>");
}

static void shortcode_core_render(const struct shortcode_tag *tag, int depth,
                                  struct shortcode_context *cx)
{
    buf *out = cx->out;
    struct wp_report *report = cx->report;
    strview name = tag->name;
    if (strview_equal_cstr(name, "caption") || strview_equal_cstr(name, "wp_caption")) {
        shortcode_caption(tag, depth, cx);
    } else if (strview_equal_cstr(name, "embed")) {
        strview url = shortcode_trim(tag->content);
        if (!url.len)
            url = shortcode_trim(markup_shortcode_attribute(tag, "src"));
        if (url.len && !markup_embed_card(url.ptr, url.len, out))
            escape_html(url.ptr, url.len, ESCAPE_QUOTES_NONE, out);
    } else if (strview_equal_cstr(name, "video") || strview_equal_cstr(name, "audio")) {
        static const char *const video[] = {"mp4", "m4v", "webm", "ogv", "wmv", "flv", NULL};
        static const char *const audio[] = {"mp3", "ogg", "flac", "m4a", "wav", "wma", NULL};
        bool is_video = name.ptr[0] == 'v';
        strview src = shortcode_media_source(tag, is_video ? video : audio);
        if (!src.len) {
            if (report)
                wp_report_add(report, WP_REPORT_MEDIA, name.ptr, name.len, 1);
            return;
        }
        buf_puts(out, is_video ? "<div class=\"wp-video\">" : "<span class=\"wp-audio\">");
        shortcode_link(src, out);
        buf_puts(out, is_video ? "</div>" : "</span>");
    } else { /* gallery, playlist: attachments, found when the page is made */
        shortcode_media_placeholder(tag, out);
    }
}

/* Length of an HTML tag or comment at text[0] == '<' that shortcodes are not looked for in,
 * or 0 when '<' starts no tag. */
static size_t shortcode_skip_tag(const char *text, size_t len)
{
    if (len >= 4 && memcmp(text, "<!--", 4) == 0) {
        for (size_t i = 4; i + 3 <= len; i++)
            if (memcmp(text + i, "-->", 3) == 0)
                return i + 3;
        return len;
    }
    if (len < 2)
        return 0;
    unsigned char c = (unsigned char)text[1];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!'))
        return 0;
    const char *gt = memchr(text, '>', len);
    return gt ? (size_t)(gt - text) + 1 : len;
}

static void shortcode_render(const char *text, size_t len, int depth, struct shortcode_context *cx)
{
    buf *out = cx->out;
    struct wp_report *report = cx->report;
    if (depth > SHORTCODE_DEPTH_MAX) {
        buf_append(out, text, len);
        return;
    }
    size_t at = 0;
    while (at < len) {
        size_t run = at;
        while (run < len && text[run] != '[' && text[run] != '<')
            run++;
        buf_append(out, text + at, run - at);
        at = run;
        if (at >= len)
            break;
        if (text[at] == '<') {
            size_t skip = shortcode_skip_tag(text + at, len - at);
            if (!skip)
                skip = 1;
            buf_append(out, text + at, skip);
            at += skip;
            continue;
        }
        struct shortcode_tag tag;
        if (!shortcode_parse(text + at, len - at, &tag, &cx->budget)) {
            buf_putc(out, '[');
            at++;
            continue;
        }
        bool core = markup_shortcode_is_core(tag.name.ptr, tag.name.len);
        if (!core && !shortcode_plausible(&tag)) {
            buf_putc(out, '[');
            at++;
            continue;
        }
        if (tag.escaped) {
            buf_append(out, tag.whole.ptr + 1, tag.whole.len - 2);
        } else if (core) {
            shortcode_core_render(&tag, depth, cx);
        } else {
            if (report)
                wp_report_add(report, WP_REPORT_SHORTCODE, tag.name.ptr, tag.name.len, 1);
            if (tag.enclosing)
                shortcode_render(tag.content.ptr, tag.content.len, depth + 1, cx);
        }
        at += tag.whole.len;
    }
}

void markup_shortcodes(const char *html, size_t len, buf *out, struct wp_report *report)
{
    if (!html || len > SHORTCODE_INPUT_MAX) {
        if (html)
            buf_append(out, html, len);
        return;
    }
    struct shortcode_context cx = {.out = out, .report = report, .budget = 64 * len + (1 << 20)};
    shortcode_render(html, len, 0, &cx);
}
