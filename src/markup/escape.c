/* escape.c: HTML text and attribute, URL attribute, JSON-in-script and XML escaping, one table
 * each, so that every page, feed and fragment escapes a byte the same way. */
#include "markup/escape.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

/* A replacement and its length, so that writing one is a single append. */
struct replacement {
    const char *text;
    unsigned char len;
};

#define REPLACEMENT(s)                                                                             \
    {                                                                                              \
        s, sizeof(s) - 1                                                                           \
    }

/* The entities of the five characters special somewhere in HTML or XML. */
static const struct replacement markup_entities[128] = {
    ['&'] = REPLACEMENT("&amp;"),  ['<'] = REPLACEMENT("&lt;"),   ['>'] = REPLACEMENT("&gt;"),
    ['"'] = REPLACEMENT("&quot;"), ['\''] = REPLACEMENT("&#39;"),
};

/* Which escape_quotes values escape a byte: one bit per enum value, so that the hot loop
 * (a template page writes every value through it) is one load and one test a byte. */
#define QUOTES_BIT(quotes) (1u << (quotes))
#define EVERY_QUOTES                                                                               \
    (QUOTES_BIT(ESCAPE_QUOTES_NONE) | QUOTES_BIT(ESCAPE_QUOTES_DOUBLE) |                           \
     QUOTES_BIT(ESCAPE_QUOTES_BOTH))
static const unsigned char html_escaped_for[256] = {
    ['&'] = EVERY_QUOTES,
    ['<'] = EVERY_QUOTES,
    ['>'] = EVERY_QUOTES,
    ['"'] = QUOTES_BIT(ESCAPE_QUOTES_DOUBLE) | QUOTES_BIT(ESCAPE_QUOTES_BOTH),
    ['\''] = QUOTES_BIT(ESCAPE_QUOTES_BOTH),
};

void escape_html(const char *text, size_t len, enum escape_quotes quotes, buf *out)
{
    const unsigned char bit = (unsigned char)QUOTES_BIT(quotes);
    size_t run = 0; /* start of the bytes that pass unchanged, not yet appended */

    if (len == 0)
        return;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!(html_escaped_for[c] & bit))
            continue;
        buf_append(out, text + run, i - run);
        buf_append(out, markup_entities[c].text, markup_entities[c].len);
        run = i + 1;
    }
    buf_append(out, text + run, len - run);
}

/* ---- URLs in attributes ---- */

static const char *const url_safe_schemes[] = {"http", "https", "mailto"};

/* Decides on the scheme the way a browser would see it: browsers drop tabs and newlines
 * anywhere and ignore case, so " JaVa\tscript:" must be caught as "javascript". Anything
 * before a ':' that comes ahead of any '/', '?' or '#' is a scheme; no such ':' means a
 * relative URL, which is safe. */
static bool url_scheme_allowed(const char *url, size_t len)
{
    char scheme[8];
    size_t n = 0;
    bool too_long = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c == 0x7F)
            continue;
        if (c == '/' || c == '?' || c == '#')
            return true;
        if (c == ':') {
            if (too_long)
                return false;
            for (size_t k = 0; k < sizeof(url_safe_schemes) / sizeof(url_safe_schemes[0]); k++)
                if (strlen(url_safe_schemes[k]) == n && memcmp(url_safe_schemes[k], scheme, n) == 0)
                    return true;
            return false;
        }
        if (n < sizeof(scheme))
            scheme[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        else
            too_long = true;
    }
    return true;
}

static bool url_needs_percent(unsigned char c)
{
    return c < 0x21 || c == 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}

void escape_url_attribute(const char *text, size_t len, buf *out)
{
    static const char hex[] = "0123456789ABCDEF";

    while (len && (unsigned char)text[0] <= 0x20) {
        text++;
        len--;
    }
    while (len && (unsigned char)text[len - 1] <= 0x20)
        len--;
    if (!url_scheme_allowed(text, len)) {
        buf_putc(out, '#');
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (url_needs_percent(c)) {
            char encoded[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(out, encoded, 3);
        } else if (c == '&') {
            buf_puts(out, "&amp;"); /* the only attribute-special byte left after encoding */
        } else {
            buf_putc(out, (char)c);
        }
    }
}

/* ---- JSON in <script> ---- */

/* What JSON needs (" \ and the controls with a short form), and < > & which would let the
 * value end the <script> or start a comment or CDATA. Other controls are \u00XX. */
static const struct replacement json_escapes[128] = {
    ['"'] = REPLACEMENT("\\\""),    ['\\'] = REPLACEMENT("\\\\"),   ['\n'] = REPLACEMENT("\\n"),
    ['\r'] = REPLACEMENT("\\r"),    ['\t'] = REPLACEMENT("\\t"),    ['<'] = REPLACEMENT("\\u003c"),
    ['>'] = REPLACEMENT("\\u003e"), ['&'] = REPLACEMENT("\\u0026"),
};

void escape_json_string(const char *text, size_t len, buf *out)
{
    static const char hex[] = "0123456789abcdef";

    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80 && json_escapes[c].text) {
            buf_append(out, json_escapes[c].text, json_escapes[c].len);
        } else if (c < 0x20) {
            char encoded[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(out, encoded, 6);
        } else if (c == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
                   ((unsigned char)text[i + 2] == 0xA8 || (unsigned char)text[i + 2] == 0xA9)) {
            /* U+2028/U+2029 end a line in older JavaScript and break the literal */
            buf_puts(out, (unsigned char)text[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else {
            buf_putc(out, (char)c);
        }
    }
    buf_putc(out, '"');
}

/* ---- XML ---- */

void escape_xml(const char *text, size_t len, buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0; /* start of the bytes that pass unchanged, not yet appended */
    size_t i = 0;

    if (len == 0)
        return;
    while (i < len) {
        unsigned char c = s[i];
        struct replacement replacement = {0};
        size_t width = 1;
        bool keep;
        if (c >= 0x80) {
            width = utf8_sequence_length(text + i, len - i);
            /* U+FFFE and U+FFFF are well-formed UTF-8 but outside XML 1.0's Char production. */
            keep = width != 0 && !(c == 0xEF && s[i + 1] == 0xBF && s[i + 2] >= 0xBE);
            if (width == 0)
                width = 1; /* drop the lead byte; stray continuation bytes drop one by one */
        } else if (markup_entities[c].text) {
            replacement = markup_entities[c];
            keep = false;
        } else if (c == '\r') {
            replacement = (struct replacement)REPLACEMENT("&#13;");
            keep = false;
        } else {
            keep = c >= 0x20 || c == '\t' || c == '\n';
        }
        if (keep) {
            i += width;
            continue;
        }
        buf_append(out, s + run, i - run);
        if (replacement.text)
            buf_append(out, replacement.text, replacement.len);
        i += width;
        run = i;
    }
    buf_append(out, s + run, i - run);
}
