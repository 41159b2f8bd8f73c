/* mime.c: RFC 5322 headers (RFC 2047 words, folding) and a quoted-printable multipart body. */
#include "mail/mime.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAIL_LINE_SOFT 78     /* RFC 5322 2.1.1: header lines SHOULD stay within this */
#define MAIL_QP_LINE 76       /* RFC 2045 6.7: encoded lines, soft-break '=' included */
#define MAIL_WORD_MAX 75      /* RFC 2047 2: one encoded word, delimiters included */
#define MAIL_WORD_OVERHEAD 12 /* strlen("=?UTF-8?B?") + strlen("?=") */
#define MAIL_WORD_MIN_ROOM 20 /* a word holding 6 bytes, so any 4-byte character fits */
#define MAIL_RANDOM_BYTES 16  /* 128 random bits in Message-IDs and boundaries */
#define MAIL_ADDRESS_MAX 254  /* RFC 5321 4.5.3.1.3 path limit, minus the brackets */
#define MAIL_LOCAL_MAX 64     /* RFC 5321 4.5.3.1.1 */
#define MAIL_LABEL_MAX 63     /* RFC 1035 */

/* Bytes that are never part of an address we accept: RFC 5322 specials other than '.' and
 * '@', which would change how a header holding the address is parsed. */
static bool mail_is_address_special(unsigned char c)
{
    return strchr("<>()[]:;\\\",", c) != NULL;
}

static bool mail_is_address_byte(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !mail_is_address_special(c);
}

static bool mail_domain_valid(const char *domain, size_t len)
{
    size_t label = 0, dots = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)domain[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            dots++;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-') {
            if (++label > MAIL_LABEL_MAX)
                return false;
        } else {
            return false;
        }
    }
    return label > 0 && dots > 0;
}

bool mail_address_valid(const char *address)
{
    if (!address)
        return false;
    size_t len = strnlen(address, MAIL_ADDRESS_MAX + 1);
    if (len == 0 || len > MAIL_ADDRESS_MAX)
        return false;
    const char *at = memchr(address, '@', len);
    if (!at || memchr(at + 1, '@', len - (size_t)(at - address) - 1))
        return false;
    size_t local_len = (size_t)(at - address);
    if (local_len == 0 || local_len > MAIL_LOCAL_MAX)
        return false;
    /* The local part is a dot-atom: no leading, trailing or doubled dot. */
    if (address[0] == '.' || address[local_len - 1] == '.')
        return false;
    for (size_t i = 0; i < local_len; i++) {
        if (!mail_is_address_byte((unsigned char)address[i]))
            return false;
        if (address[i] == '.' && address[i + 1] == '.')
            return false;
    }
    return mail_domain_valid(at + 1, len - local_len - 1);
}

char *mail_address_normalize(arena *a, const char *address)
{
    const char *start = address ? address : "";
    while (isspace((unsigned char)*start))
        start++;
    size_t len = strlen(start);
    while (len && isspace((unsigned char)start[len - 1]))
        len--;
    char *out = arena_strndup(a, start, len);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

static void mail_sodium_ready(void)
{
    /* sodium_init is idempotent and thread-safe; randombytes_buf wants it called first. */
    if (sodium_init() < 0) {
        fputs("gazette: libsodium failed to initialise (mail)\n", stderr);
        abort();
    }
}

/* Writes 2 * MAIL_RANDOM_BYTES hex digits and a NUL to `hex`. */
static void mail_random_hex(char hex[2 * MAIL_RANDOM_BYTES + 1])
{
    unsigned char random[MAIL_RANDOM_BYTES];
    mail_sodium_ready();
    randombytes_buf(random, sizeof(random));
    sodium_bin2hex(hex, 2 * MAIL_RANDOM_BYTES + 1, random, sizeof(random));
}

char *mail_message_id(arena *a, const char *domain)
{
    buf clean = {0};
    for (const char *p = domain ? domain : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.')
            buf_putc(&clean, (char)c);
    }
    char hex[2 * MAIL_RANDOM_BYTES + 1];
    mail_random_hex(hex);
    char *id = arena_printf(a, "<%s@%s>", hex, clean.len ? clean.ptr : "localhost");
    buf_free(&clean);
    return id;
}

/* Copies `in` for a header: every run of control bytes (CR, LF, TAB, ...) and spaces becomes
 * one space when it sits between words and nothing at either end. This is what makes header
 * injection impossible: no CR or LF from the input ever reaches the message. */
static void mail_clean_text(const char *in, buf *out)
{
    bool pending_space = false;
    for (const char *p = in ? in : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f) {
            pending_space = true;
            continue;
        }
        if (pending_space && out->len > 0)
            buf_putc(out, ' ');
        pending_space = false;
        buf_putc(out, (char)c);
    }
}

/* Copies the bytes of `in` that may stand in an address; mail_address_valid input is kept
 * whole, anything else loses what could break the header line. */
static void mail_clean_address(const char *in, buf *out)
{
    for (const char *p = in ? in : ""; *p; p++)
        if (mail_is_address_byte((unsigned char)*p) || *p == '@')
            buf_putc(out, *p);
}

/* Bytes written since the last line break of `out`. */
static size_t mail_column(const buf *out)
{
    size_t i = out->len;
    while (i > 0 && out->ptr[i - 1] != '\n')
        i--;
    return out->len - i;
}

/* Printable ASCII that no decoder would take for an encoded word. */
static bool mail_is_plain_ascii(strview v)
{
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (c < 0x20 || c > 0x7e)
            return false;
        if (c == '=' && i + 1 < v.len && v.ptr[i + 1] == '?')
            return false;
    }
    return true;
}

/* Length of the UTF-8 character at s[0..left); a byte that does not start a well-formed
 * sequence counts alone, so malformed input is carried through rather than dropped. */
static size_t mail_utf8_char_len(const unsigned char *s, size_t left)
{
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xe0) == 0xc0 ? 2
               : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4
                                       : 1;
    if (n > left)
        return 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 1;
    return n;
}

/* Appends `text` as RFC 2047 B-encoded words, each preceded by one space (or folded onto a new
 * line when the current one has too little room). Words never split a UTF-8 character, as
 * RFC 2047 5 requires, and hold at most 75 characters; the whitespace between adjacent encoded
 * words is dropped by decoders, so the text comes back exactly. */
static void mail_put_encoded_words(buf *out, strview text)
{
    const unsigned char *s = (const unsigned char *)text.ptr;
    size_t i = 0;
    while (i < text.len) {
        size_t column = mail_column(out);
        size_t room = column + 1 < MAIL_LINE_SOFT ? MAIL_LINE_SOFT - column - 1 : 0;
        if (room < MAIL_WORD_MIN_ROOM) {
            buf_puts(out, "\r\n");
            room = MAIL_LINE_SOFT - 1;
        }
        size_t word = room < MAIL_WORD_MAX ? room : MAIL_WORD_MAX;
        size_t max_bytes = (word - MAIL_WORD_OVERHEAD) / 4 * 3;
        size_t n = 0;
        while (i + n < text.len) {
            size_t c = mail_utf8_char_len(s + i + n, text.len - i - n);
            if (n + c > max_bytes)
                break;
            n += c;
        }
        char b64[sodium_base64_ENCODED_LEN(MAIL_WORD_MAX, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof(b64), s + i, n, sodium_base64_VARIANT_ORIGINAL);
        buf_puts(out, " =?UTF-8?B?");
        buf_puts(out, b64);
        buf_puts(out, "?=");
        i += n;
    }
}

/* Appends `text` (printable ASCII) as words after the header name, folding before a space
 * where the line would pass 78 characters. */
static void mail_put_folded_words(buf *out, strview text)
{
    size_t i = 0;
    buf_putc(out, ' ');
    while (i < text.len) {
        /* A token is the spaces before a word and the word: folding goes in front of it. */
        size_t end = i;
        while (end < text.len && text.ptr[end] == ' ')
            end++;
        while (end < text.len && text.ptr[end] != ' ')
            end++;
        if (i > 0 && mail_column(out) + (end - i) > MAIL_LINE_SOFT)
            buf_puts(out, "\r\n");
        buf_append(out, text.ptr + i, end - i);
        i = end;
    }
}

/* True when every space-led word of `text` fits on a line of its own after the header name. */
static bool mail_words_fit(strview text, size_t name_len)
{
    size_t token = 0;
    for (size_t i = 0; i < text.len; i++) {
        if (text.ptr[i] == ' ' && i > 0 && text.ptr[i - 1] != ' ')
            token = 0;
        if (++token + name_len + 1 > MAIL_LINE_SOFT)
            return false;
    }
    return true;
}

static void mail_put_subject(buf *out, const char *subject)
{
    buf clean = {0};
    mail_clean_text(subject, &clean);
    strview text = {clean.ptr, clean.len};
    buf_puts(out, "Subject:");
    if (mail_is_plain_ascii(text) && mail_words_fit(text, strlen("Subject:")))
        mail_put_folded_words(out, text);
    else
        mail_put_encoded_words(out, text);
    buf_puts(out, "\r\n");
    buf_free(&clean);
}

/* "From: name <address>" with the name quoted when it is plain ASCII and fits, else encoded. */
static void mail_put_from(buf *out, const char *name, const char *address)
{
    buf clean_name = {0}, clean_address = {0};
    mail_clean_text(name, &clean_name);
    mail_clean_address(address, &clean_address);
    buf_puts(out, "From:");
    if (clean_name.len == 0) {
        buf_putc(out, ' ');
        buf_append(out, clean_address.ptr, clean_address.len);
    } else {
        strview text = {clean_name.ptr, clean_name.len};
        size_t quoted = 0;
        for (size_t i = 0; i < text.len; i++)
            quoted += (text.ptr[i] == '"' || text.ptr[i] == '\\') ? 2 : 1;
        if (mail_is_plain_ascii(text) && strlen("From: \"\"") + quoted <= MAIL_LINE_SOFT) {
            buf_puts(out, " \"");
            for (size_t i = 0; i < text.len; i++) {
                if (text.ptr[i] == '"' || text.ptr[i] == '\\')
                    buf_putc(out, '\\');
                buf_putc(out, text.ptr[i]);
            }
            buf_putc(out, '"');
        } else {
            mail_put_encoded_words(out, text);
        }
        if (mail_column(out) + clean_address.len + strlen(" <>") > MAIL_LINE_SOFT)
            buf_puts(out, "\r\n");
        buf_puts(out, " <");
        buf_append(out, clean_address.ptr, clean_address.len);
        buf_putc(out, '>');
    }
    buf_puts(out, "\r\n");
    buf_free(&clean_name);
    buf_free(&clean_address);
}

static void mail_put_address_header(buf *out, const char *header, const char *address)
{
    buf clean = {0};
    mail_clean_address(address, &clean);
    buf_puts(out, header);
    buf_puts(out, ": ");
    buf_append(out, clean.ptr, clean.len);
    buf_puts(out, "\r\n");
    buf_free(&clean);
}

/* RFC 5322 3.3 date-time in UTC, e.g. "Thu, 01 Jan 1970 00:00:00 +0000". */
static void mail_put_date(buf *out, long long date)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)date;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool mail_at_line_end(strview body, size_t i)
{
    return i + 1 >= body.len || body.ptr[i + 1] == '\n' ||
           (body.ptr[i + 1] == '\r' && i + 2 < body.len && body.ptr[i + 2] == '\n');
}

/* Whether the byte at body[i] may go out as itself at `column`. A line-initial '.' is encoded
 * for relays that mishandle dot-stuffing, a line-initial "From " for mbox writers that would
 * mangle it into ">From ", and whitespace at a line end because transports strip it. */
static bool mail_qp_literal(strview body, size_t i, size_t column)
{
    unsigned char c = (unsigned char)body.ptr[i];
    if (column == 0 &&
        (c == '.' || (c == 'F' && body.len - i >= 5 && memcmp(body.ptr + i, "From ", 5) == 0)))
        return false;
    if (c == ' ' || c == '\t')
        return !mail_at_line_end(body, i);
    return c >= 33 && c <= 126 && c != '=';
}

/* RFC 2045 6.7 quoted-printable; LF and CRLF in `body` are hard line breaks (CRLF). */
static void mail_put_quoted_printable(buf *out, strview body)
{
    size_t column = 0;
    for (size_t i = 0; i < body.len; i++) {
        unsigned char c = (unsigned char)body.ptr[i];
        if (c == '\n' || (c == '\r' && i + 1 < body.len && body.ptr[i + 1] == '\n')) {
            i += c == '\r';
            buf_puts(out, "\r\n");
            column = 0;
            continue;
        }
        bool literal = mail_qp_literal(body, i, column);
        size_t width = literal ? 1 : 3;
        /* The last token of a line may use column 76; any other leaves room for a soft '='. */
        size_t limit = mail_at_line_end(body, i) ? MAIL_QP_LINE : MAIL_QP_LINE - 1;
        if (column + width > limit) {
            buf_puts(out, "=\r\n");
            column = 0;
            literal = mail_qp_literal(body, i, column);
            width = literal ? 1 : 3;
        }
        if (literal)
            buf_putc(out, (char)c);
        else
            buf_printf(out, "=%02X", c);
        column += width;
    }
}

static void mail_put_part(buf *out, const char *boundary, const char *type, const buf *encoded)
{
    buf_printf(out, "\r\n--%s\r\n", boundary);
    buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n", type);
    buf_puts(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    buf_append(out, encoded->ptr, encoded->len);
}

void mail_build(const struct mail_message *m, buf *out)
{
    buf text = {0}, html = {0};
    mail_put_quoted_printable(&text, strview_from_cstr(m->text_body));
    mail_put_quoted_printable(&html, strview_from_cstr(m->html_body));

    /* "=_" cannot occur in quoted-printable output ('=' is always followed by hex or a line
     * break), so a collision is impossible; the loop keeps that true if the encoding changes. */
    char hex[2 * MAIL_RANDOM_BYTES + 1];
    char boundary[sizeof(hex) + 16];
    do {
        mail_random_hex(hex);
        snprintf(boundary, sizeof(boundary), "=_gazette_%s", hex);
    } while ((text.len && strstr(text.ptr, boundary)) || (html.len && strstr(html.ptr, boundary)));

    mail_put_from(out, m->from_name, m->from_address);
    mail_put_address_header(out, "To", m->to);
    if (m->reply_to && mail_address_valid(m->reply_to))
        mail_put_address_header(out, "Reply-To", m->reply_to);
    mail_put_subject(out, m->subject);
    mail_put_date(out, m->date);
    if (m->message_id && m->message_id[0]) {
        buf id = {0};
        for (const char *p = m->message_id; *p; p++)
            if ((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f)
                buf_putc(&id, *p);
        if (id.len)
            buf_printf(out, "Message-ID: %s\r\n", id.ptr);
        buf_free(&id);
    }
    buf_puts(out, "MIME-Version: 1.0\r\n");
    buf_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n", boundary);
    buf_puts(out, "\r\nThis is a multi-part message in MIME format.\r\n");
    mail_put_part(out, boundary, "text/plain", &text);
    mail_put_part(out, boundary, "text/html", &html);
    buf_printf(out, "\r\n--%s--\r\n", boundary);
    buf_free(&text);
    buf_free(&html);
}
