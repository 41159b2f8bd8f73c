/* utf8.c: UTF-8 validation after RFC 3629's table of well-formed byte sequences. */
#include "util/utf8.h"

size_t utf8_sequence_length(const char *text, size_t available)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char c = available ? s[0] : 0;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (available <= n) /* the sequence needs n + 1 bytes */
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k <= n; k++)
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
    return n + 1;
}

bool utf8_valid(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_sequence_length(text + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80) /* s[n] continues a character */
        n--;
    return n;
}

size_t utf8_cut_at_space(const char *s, size_t len, size_t max, size_t min)
{
    if (len <= max)
        return len;
    for (size_t n = max; n > min; n--)
        if (s[n] == ' ')
            return n;
    return utf8_cut(s, len, max);
}

size_t utf8_whole(const char *s, size_t len)
{
    size_t lead = len, continuations = 0;
    while (lead && continuations < 3 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80) {
        lead--;
        continuations++;
    }
    if (!lead)
        return len;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return continuations + 1 < need ? lead - 1 : len;
}

void utf8_put(buf *out, unsigned long cp)
{
    if (cp < 0x80) {
        buf_putc(out, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(out, (char)(0xC0 | (cp >> 6)));
        buf_putc(out, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_putc(out, (char)(0xE0 | (cp >> 12)));
        buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(out, (char)(0x80 | (cp & 0x3F)));
    } else {
        buf_putc(out, (char)(0xF0 | (cp >> 18)));
        buf_putc(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
        buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(out, (char)(0x80 | (cp & 0x3F)));
    }
}

size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80; /* each byte but a continuation byte */
    return n;
}
