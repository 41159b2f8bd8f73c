/* html_check.h: the oracle for sanitizer output (markup/sanitize.h), written apart from
 * sanitize.c: the exact shape our serializer writes, only allow-listed elements and attributes
 * for the profile, balanced tags, and no link or image URL with a scheme other than http,
 * https or mailto as a browser would read it. Header-only, for fuzz_html.c and
 * fuzz_markdown.c. */
#ifndef GAZETTE_FUZZ_HTML_CHECK_H
#define GAZETTE_FUZZ_HTML_CHECK_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "markup/sanitize.h"

#define HTML_CHECK_MAX_ATTRIBUTES 16 /* a kept element has at most a handful */
#define HTML_CHECK_MAX_DEPTH 100000  /* open elements tracked; deeper nesting fails the check */

struct html_check_element {
    const char *name;
    bool comment; /* allowed in comments too (all are allowed in articles) */
    bool is_void; /* written without a closing tag */
};

static const struct html_check_element html_check_elements[] = {
    {"p", true, false},          {"br", true, true},        {"hr", false, true},
    {"h1", false, false},        {"h2", false, false},      {"h3", false, false},
    {"h4", false, false},        {"h5", false, false},      {"h6", false, false},
    {"blockquote", true, false}, {"q", true, false},        {"cite", true, false},
    {"ul", true, false},         {"ol", true, false},       {"li", true, false},
    {"dl", false, false},        {"dt", false, false},      {"dd", false, false},
    {"pre", true, false},        {"code", true, false},     {"em", true, false},
    {"strong", true, false},     {"b", true, false},        {"i", true, false},
    {"u", true, false},          {"s", true, false},        {"del", true, false},
    {"ins", false, false},       {"sub", true, false},      {"sup", true, false},
    {"small", false, false},     {"mark", false, false},    {"abbr", false, false},
    {"span", false, false},      {"div", false, false},     {"a", true, false},
    {"img", false, true},        {"figure", false, false},  {"figcaption", false, false},
    {"table", false, false},     {"thead", false, false},   {"tbody", false, false},
    {"tfoot", false, false},     {"tr", false, false},      {"th", false, false},
    {"td", false, false},        {"caption", false, false},
};

struct html_check_attribute {
    const char *element; /* NULL: any kept element */
    const char *name;
    bool comment; /* allowed in comments too */
};

static const struct html_check_attribute html_check_attributes[] = {
    {"a", "href", true},      {"a", "title", true},     {"a", "rel", true},
    {"a", "name", false},     {"img", "src", false},    {"img", "alt", false},
    {"img", "title", false},  {"img", "width", false},  {"img", "height", false},
    {"abbr", "title", false}, {"th", "colspan", false}, {"th", "rowspan", false},
    {"th", "align", false},   {"td", "colspan", false}, {"td", "rowspan", false},
    {"td", "align", false},   {"ol", "start", true},    {"figure", "style", false},
    {NULL, "dir", true},      {NULL, "lang", true},     {NULL, "class", true},
    {NULL, "id", true},
    /* the gallery and playlist placeholders render/media_html.c fills (articles only; their
     * values are checked below: digits, letters, ',' '-' '_') */
    {"div", "data-ids", false},     {"div", "data-include", false}, {"div", "data-exclude", false},
    {"div", "data-post", false},    {"div", "data-columns", false}, {"div", "data-size", false},
    {"div", "data-link", false},    {"div", "data-orderby", false}, {"div", "data-order", false},
    {"div", "data-type", false},
};

static inline const struct html_check_element *html_check_find_element(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(html_check_elements) / sizeof(html_check_elements[0]); i++)
        if (strlen(html_check_elements[i].name) == len &&
            memcmp(html_check_elements[i].name, name, len) == 0)
            return &html_check_elements[i];
    return NULL;
}

static inline bool html_check_attribute_allowed(const char *element, const char *name, size_t len,
                                                enum sanitize_profile profile)
{
    for (size_t i = 0; i < sizeof(html_check_attributes) / sizeof(html_check_attributes[0]); i++) {
        const struct html_check_attribute *a = &html_check_attributes[i];
        if ((!a->element || strcmp(a->element, element) == 0) && strlen(a->name) == len &&
            memcmp(a->name, name, len) == 0)
            return profile == SANITIZE_ARTICLE || a->comment;
    }
    return false;
}

/* The length of the reference at p ("&amp;" …) among `allowed`, or 0. */
static inline size_t html_check_reference(const char *p, const char *end, bool in_attribute)
{
    static const char *const text[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
    size_t count = in_attribute ? 4 : 3;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(text[i]);
        if ((size_t)(end - p) >= n && memcmp(p, text[i], n) == 0)
            return n;
    }
    return 0;
}

/* `len` bytes of an attribute value as the browser reads it, into `out` (len bytes at most):
 * the references an escaper writes decoded (&amp; &lt; &gt; &quot; &#N; &#xN;, as ASCII or
 * '?' for anything else), other '&' left as they are. Returns the decoded length. */
static inline size_t html_check_decode_attribute(const char *v, size_t len, char *out)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] != '&') {
            out[n++] = v[i];
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < sizeof(named) / sizeof(named[0]) && !done; k++) {
            size_t m = strlen(named[k].name);
            if (len - i >= m && memcmp(v + i, named[k].name, m) == 0) {
                out[n++] = named[k].c;
                i += m - 1;
                done = true;
            }
        }
        if (!done && i + 2 < len && v[i + 1] == '#') {
            size_t j = i + 2;
            bool hex = v[j] == 'x' || v[j] == 'X';
            unsigned long value = 0;
            size_t digits = 0;
            for (j += hex; j < len; j++, digits++) {
                char c = v[j];
                int d = c >= '0' && c <= '9'          ? c - '0'
                        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                      : -1;
                if (d < 0)
                    break;
                if (value < 0x110000)
                    value = value * (hex ? 16 : 10) + (unsigned long)d;
            }
            if (digits) {
                out[n++] = value > 0 && value < 0x80 ? (char)value : '?';
                i = (j < len && v[j] == ';') ? j : j - 1;
                done = true;
            }
        }
        if (!done)
            out[n++] = '&';
    }
    return n;
}

/* Whether a browser following the decoded URL `url` stays on http, https or mailto, read as
 * the URL parser reads it: leading C0 controls and spaces trimmed, tab and newline removed
 * anywhere; a scheme is a letter then letters, digits, '+', '-', '.' before the first ':';
 * anything else (no ':', or another character first) makes a relative URL. */
static inline bool html_check_url_safe(const char *url, size_t len)
{
    char scheme[32];
    size_t n = 0;
    size_t i = 0;
    while (i < len && (unsigned char)url[i] <= 0x20)
        i++;
    for (; i < len; i++) {
        char c = url[i];
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == ':')
            break;
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!alpha && !(n > 0 && other))
            return true; /* not a scheme: relative */
        if (n == sizeof(scheme))
            return true;
        scheme[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (i == len)
        return true;
    return (n == 4 && memcmp(scheme, "http", 4) == 0) ||
           (n == 5 && memcmp(scheme, "https", 5) == 0) ||
           (n == 6 && memcmp(scheme, "mailto", 6) == 0);
}

static inline bool html_check_words_prefixed(const char *value, size_t len, bool is_id)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && value[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && value[i] != ' ')
            i++;
        if (i == start)
            continue;
        const char *w = value + start;
        size_t n = i - start;
        bool ok = (n >= 2 && memcmp(w, "fn", 2) == 0) ||
                  (n >= 8 && memcmp(w, "footnote", 8) == 0) ||
                  (!is_id && n >= 9 && memcmp(w, "language-", 9) == 0);
        if (!ok)
            return false;
        if (is_id)
            return true; /* an id is one word: its prefix is all that is checked */
    }
    return true;
}

/* The length of the article marker at `p` (<!--nextpage-->, <!--more-->, <!--more TEXT--> with
 * TEXT unable to end the comment early or open a tag), or 0 when it is none. */
static inline size_t html_check_marker(const char *p, const char *end)
{
    static const char nextpage[] = "<!--nextpage-->";
    if ((size_t)(end - p) >= sizeof nextpage - 1 && memcmp(p, nextpage, sizeof nextpage - 1) == 0)
        return sizeof nextpage - 1;
    if (end - p < 11 || memcmp(p, "<!--more", 8) != 0)
        return 0;
    const char *q = p + 8;
    if (*q != '-' && *q != ' ' && *q != '\t')
        return 0;
    for (; q + 3 <= end; q++) {
        if (memcmp(q, "-->", 3) == 0)
            return q[-1] == '-' && q - 1 > p + 8 ? 0 : (size_t)(q + 3 - p);
        if (*q == '<' || *q == '>' || *q == '\n' || *q == '\r' || (q[0] == '-' && q[1] == '-'))
            return 0;
    }
    return 0;
}

/* Fails (aborts) unless `html` is the kind of fragment markup_sanitize_html writes. */
static inline void html_check_fragment(const char *html, size_t len, enum sanitize_profile profile)
{
    static const char *stack[HTML_CHECK_MAX_DEPTH];
    size_t depth = 0;
    const char *p = html, *end = html + len;
    FUZZ_CHECK(strlen(html) == len, "a NUL inside the output");
    while (p < end) {
        if (*p == '&') {
            size_t r = html_check_reference(p, end, false);
            FUZZ_CHECK(r > 0, "bare '&' in text at %zu: %.40s", (size_t)(p - html), p);
            p += r;
            continue;
        }
        FUZZ_CHECK(*p != '>', "raw '>' in text at %zu", (size_t)(p - html));
        if (*p != '<') {
            p++;
            continue;
        }
        if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            size_t marker = profile == SANITIZE_ARTICLE ? html_check_marker(p, end) : 0;
            FUZZ_CHECK(marker > 0, "a comment other than an article's marker at %zu: %.40s",
                       (size_t)(p - html), p);
            p += marker;
            continue;
        }
        bool closing = p + 1 < end && p[1] == '/';
        const char *name = p + 1 + closing;
        const char *q = name;
        while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
            q++;
        const struct html_check_element *e = html_check_find_element(name, (size_t)(q - name));
        FUZZ_CHECK(e != NULL, "element not allowed at %zu: %.40s", (size_t)(p - html), p);
        FUZZ_CHECK(profile == SANITIZE_ARTICLE || e->comment, "<%s> in a comment", e->name);
        if (closing) {
            FUZZ_CHECK(q < end && *q == '>', "bad closing tag at %zu", (size_t)(p - html));
            FUZZ_CHECK(!e->is_void, "</%s>", e->name);
            FUZZ_CHECK(depth > 0 && stack[depth - 1] == e->name, "</%s> closes %s", e->name,
                       depth ? stack[depth - 1] : "nothing");
            depth--;
            p = q + 1;
            continue;
        }
        const char *seen[HTML_CHECK_MAX_ATTRIBUTES];
        size_t seen_len[HTML_CHECK_MAX_ATTRIBUTES], attributes = 0;
        bool nofollow = false;
        while (q < end && *q == ' ') {
            const char *attribute = ++q;
            while (q < end && ((*q >= 'a' && *q <= 'z') || (*q == '-' && q > attribute)))
                q++;
            size_t attribute_len = (size_t)(q - attribute);
            FUZZ_CHECK(html_check_attribute_allowed(e->name, attribute, attribute_len, profile),
                       "attribute %.*s of <%s>", (int)attribute_len, attribute, e->name);
            for (size_t i = 0; i < attributes; i++)
                FUZZ_CHECK(seen_len[i] != attribute_len ||
                               memcmp(seen[i], attribute, attribute_len) != 0,
                           "attribute %.*s twice", (int)attribute_len, attribute);
            FUZZ_CHECK(attributes < HTML_CHECK_MAX_ATTRIBUTES, "too many attributes");
            seen[attributes] = attribute;
            seen_len[attributes++] = attribute_len;
            FUZZ_CHECK(end - q >= 2 && q[0] == '=' && q[1] == '"', "unquoted attribute value");
            const char *value = q + 2;
            q = value;
            while (q < end && *q != '"') {
                FUZZ_CHECK(*q != '<' && *q != '>', "'<' or '>' in an attribute value");
                if (*q == '&') {
                    size_t r = html_check_reference(q, end, true);
                    FUZZ_CHECK(r > 0, "bare '&' in an attribute value");
                    q += r;
                } else
                    q++;
            }
            FUZZ_CHECK(q < end, "unterminated attribute value");
            size_t value_len = (size_t)(q - value);
            q++;
#define ATTRIBUTE_IS(s) (attribute_len == strlen(s) && memcmp(attribute, s, attribute_len) == 0)
            if (attribute_len > 5 && memcmp(attribute, "data-", 5) == 0)
                for (size_t i = 0; i < value_len; i++)
                    FUZZ_CHECK((value[i] >= '0' && value[i] <= '9') ||
                                   (value[i] >= 'a' && value[i] <= 'z') ||
                                   (value[i] >= 'A' && value[i] <= 'Z') || value[i] == ',' ||
                                   value[i] == '-' || value[i] == '_',
                               "a placeholder's %.*s holds %.*s", (int)attribute_len, attribute,
                               (int)value_len, value);
            if (ATTRIBUTE_IS("href") || ATTRIBUTE_IS("src")) {
                char *url = malloc(value_len + 1);
                FUZZ_CHECK(url != NULL, "out of memory");
                size_t url_len = html_check_decode_attribute(value, value_len, url);
                FUZZ_CHECK(html_check_url_safe(url, url_len), "unsafe URL %.*s", (int)value_len,
                           value);
                free(url);
            }
            if (profile == SANITIZE_COMMENT && (ATTRIBUTE_IS("id") || ATTRIBUTE_IS("class")))
                FUZZ_CHECK(html_check_words_prefixed(value, value_len, ATTRIBUTE_IS("id")),
                           "comment %.*s=\"%.*s\"", (int)attribute_len, attribute, (int)value_len,
                           value);
            if (ATTRIBUTE_IS("rel") && value_len == 12 && memcmp(value, "nofollow ugc", 12) == 0)
                nofollow = true;
#undef ATTRIBUTE_IS
        }
        FUZZ_CHECK(q < end && *q == '>', "bad tag end at %zu: %.40s", (size_t)(q - html), q);
        if (profile == SANITIZE_COMMENT && strcmp(e->name, "a") == 0)
            FUZZ_CHECK(nofollow, "a comment's link without rel=\"nofollow ugc\"");
        if (!e->is_void) {
            FUZZ_CHECK(depth < HTML_CHECK_MAX_DEPTH, "nesting deeper than the check follows");
            stack[depth++] = e->name;
        }
        p = q + 1;
    }
    FUZZ_CHECK(depth == 0, "%zu elements left open (<%s>)", depth, depth ? stack[depth - 1] : "");
}

#endif
