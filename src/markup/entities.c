/* entities.c: HTML character references to UTF-8, for text that WordPress stored escaped. */
#include "markup/entities.h"

#include <stdbool.h>
#include <string.h>

#include "util/utf8.h"

/* The named references WordPress's own escaping and texturizing write (esc_html,
 * _wp_specialchars, wptexturize, convert_chars) and a few more that editors type. */
static const struct {
    const char *name;   /* between & and ; */
    unsigned codepoint; /* what it stands for */
} named_references[] = {
    {"amp", 0x26},     {"lt", 0x3C},       {"gt", 0x3E},       {"quot", 0x22},
    {"apos", 0x27},    {"nbsp", 0xA0},     {"ndash", 0x2013},  {"mdash", 0x2014},
    {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bdquo", 0x201E},  {"hellip", 0x2026}, {"laquo", 0xAB},
    {"raquo", 0xBB},   {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"copy", 0xA9},
    {"reg", 0xAE},     {"trade", 0x2122},  {"euro", 0x20AC},   {"pound", 0xA3},
    {"yen", 0xA5},     {"cent", 0xA2},     {"sect", 0xA7},     {"deg", 0xB0},
    {"middot", 0xB7},  {"bull", 0x2022},   {"times", 0xD7},    {"divide", 0xF7},
    {"prime", 0x2032}, {"Prime", 0x2033},  {"shy", 0xAD},      {"iexcl", 0xA1},
    {"iquest", 0xBF},  {"frac12", 0xBD},   {"frac14", 0xBC},   {"frac34", 0xBE},
};

#define REFERENCE_MAX 12 /* longest "&…;" looked at, beyond the & */

static bool is_character(unsigned long c)
{
    if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        return false;
    return !(c >= 0x7F && c <= 0x9F);
}

/* The code point of the reference whose body (after '&', before ';') is `body`, or 0. */
static unsigned long reference_value(const char *body, size_t len)
{
    if (len >= 2 && body[0] == '#') {
        bool hex = body[1] == 'x' || body[1] == 'X';
        size_t i = hex ? 2 : 1;
        if (i == len)
            return 0;
        unsigned long c = 0;
        for (; i < len; i++) {
            char d = body[i];
            int digit = d >= '0' && d <= '9'          ? d - '0'
                        : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
                        : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
                                                      : -1;
            if (digit < 0)
                return 0;
            c = c * (hex ? 16 : 10) + (unsigned long)digit;
            if (c > 0x10FFFF)
                return 0;
        }
        return is_character(c) ? c : 0;
    }
    for (size_t k = 0; k < sizeof(named_references) / sizeof(named_references[0]); k++)
        if (strlen(named_references[k].name) == len &&
            memcmp(named_references[k].name, body, len) == 0)
            return named_references[k].codepoint;
    return 0;
}

void markup_decode_entities(const char *text, size_t len, buf *out)
{
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(text + i, '&', len - i);
        size_t plain = amp ? (size_t)(amp - (text + i)) : len - i;
        buf_append(out, text + i, plain);
        i += plain;
        if (i >= len)
            break;
        /* text[i] == '&' */
        size_t limit = len - i - 1 < REFERENCE_MAX ? len - i - 1 : REFERENCE_MAX;
        const char *semicolon = memchr(text + i + 1, ';', limit);
        unsigned long c =
            semicolon ? reference_value(text + i + 1, (size_t)(semicolon - (text + i + 1))) : 0;
        if (!c) {
            buf_putc(out, '&');
            i++;
            continue;
        }
        utf8_put(out, c);
        i = (size_t)(semicolon - text) + 1;
    }
}
