/* test_mime.c: mail_build read back by an independent parser: CRLF, headers, RFC 2047, QP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/mime.h"

#define MAX_HEADERS 32

/* One unfolded header of the message under test; both strings are the checker's own. */
struct header {
    char *name;  /* as written */
    char *value; /* unfolded (CRLF removed), leading whitespace dropped */
};

/* A built message taken apart again. Owned by the test; parsed_free releases it. */
struct parsed {
    struct header headers[MAX_HEADERS]; /* in order */
    size_t header_count;                /* entries used */
    char *boundary;                     /* from Content-Type */
    buf text;                           /* text/plain part, QP-decoded */
    buf html;                           /* text/html part, QP-decoded */
};

static char *dup_range(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    assert_non_null(d);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

/* Every line ends in CRLF (no bare CR or LF) and stays within 998 bytes; header lines (up to
 * the blank line) within 78 as well. */
static void check_lines(const buf *msg)
{
    size_t line_start = 0;
    bool in_headers = true;
    assert_true(msg->len >= 2);
    assert_memory_equal(msg->ptr + msg->len - 2, "\r\n", 2);
    for (size_t i = 0; i < msg->len; i++) {
        if (msg->ptr[i] == '\r') {
            assert_true(i + 1 < msg->len && msg->ptr[i + 1] == '\n');
            size_t line_len = i - line_start;
            assert_true(line_len <= 998);
            if (in_headers) {
                if (line_len > 78)
                    fail_msg("header line over 78: %.*s", (int)line_len, msg->ptr + line_start);
                if (line_len == 0)
                    in_headers = false;
            }
            i++;
            line_start = i + 1;
        } else if (msg->ptr[i] == '\n') {
            fail_msg("bare LF at byte %zu", i);
        }
    }
}

static const char *find_header(const struct parsed *p, const char *name)
{
    const char *found = NULL;
    for (size_t i = 0; i < p->header_count; i++) {
        if (strcasecmp(p->headers[i].name, name) == 0) {
            assert_null(found); /* never twice */
            found = p->headers[i].value;
        }
    }
    return found;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1; /* lower case is not what RFC 2045 says an encoder writes */
}

/* Decodes one QP part, checking its lines: at most 76, no trailing whitespace, no line that
 * starts with "." or "From ". */
static void qp_decode(const char *s, size_t len, buf *out)
{
    size_t line_start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '\r') {
            size_t line_len = i - line_start;
            assert_true(line_len <= 76);
            if (line_len > 0) {
                assert_true(s[i - 1] != ' ' && s[i - 1] != '\t');
                assert_true(s[line_start] != '.');
                assert_false(line_len >= 5 && memcmp(s + line_start, "From ", 5) == 0);
            }
            if (i < len) {
                assert_true(s[i + 1] == '\n');
                i++;
                line_start = i + 1;
            }
        }
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '=') {
            assert_true(i + 2 < len); /* never a lone '=' at the end */
            if (s[i + 1] == '\r' && s[i + 2] == '\n') {
                i += 2;
                continue;
            }
            int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            assert_true(hi >= 0 && lo >= 0);
            buf_putc(out, (char)(hi * 16 + lo));
            i += 2;
        } else {
            assert_true(s[i] == '\r' || s[i] == '\n' || (s[i] >= 0x20 && s[i] < 0x7f) ||
                        s[i] == '\t');
            buf_putc(out, s[i]);
        }
    }
}

/* One body part: its headers name `type` with UTF-8 and quoted-printable; the content is
 * decoded into `out`. */
static void parse_part(const char *s, size_t len, const char *type, buf *out)
{
    const char *end = memmem(s, len, "\r\n\r\n", 4);
    assert_non_null(end);
    char *headers = dup_range(s, (size_t)(end - s));
    char expected[128];
    snprintf(expected, sizeof(expected),
             "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable",
             type);
    assert_string_equal(headers, expected);
    free(headers);
    const char *content = end + 4;
    qp_decode(content, len - (size_t)(content - s), out);
}

static void parse_message(const buf *msg, struct parsed *p)
{
    memset(p, 0, sizeof(*p));
    check_lines(msg);
    const char *end = strstr(msg->ptr, "\r\n\r\n");
    assert_non_null(end);
    const char *s = msg->ptr;
    while (s < end + 2) {
        const char *eol = strstr(s, "\r\n");
        if (*s == ' ' || *s == '\t') {
            assert_true(p->header_count > 0); /* a continuation needs a header to continue */
            struct header *h = &p->headers[p->header_count - 1];
            size_t old = strlen(h->value), add = (size_t)(eol - s);
            h->value = realloc(h->value, old + add + 1);
            assert_non_null(h->value);
            memcpy(h->value + old, s, add);
            h->value[old + add] = '\0';
        } else {
            const char *colon = memchr(s, ':', (size_t)(eol - s));
            assert_non_null(colon);
            assert_true(p->header_count < MAX_HEADERS);
            struct header *h = &p->headers[p->header_count++];
            h->name = dup_range(s, (size_t)(colon - s));
            for (const char *c = s; c < colon; c++)
                assert_true(*c > 0x20 && *c < 0x7f);
            const char *v = colon + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            h->value = dup_range(v, (size_t)(eol - v));
        }
        s = eol + 2;
    }

    const char *type = find_header(p, "Content-Type");
    assert_non_null(type);
    assert_true(strncmp(type, "multipart/alternative;", 22) == 0);
    const char *b = strstr(type, "boundary=\"");
    assert_non_null(b);
    b += 10;
    const char *b_end = strchr(b, '"');
    assert_non_null(b_end);
    p->boundary = dup_range(b, (size_t)(b_end - b));
    assert_true(strlen(p->boundary) >= 1 && strlen(p->boundary) <= 70);

    /* The body: preamble, two parts, the close delimiter, nothing after it. */
    char delimiter[128];
    int dl = snprintf(delimiter, sizeof(delimiter), "\r\n--%s", p->boundary);
    const char *body = end + 2; /* keep the CRLF: it belongs to the first delimiter */
    const char *body_end = msg->ptr + msg->len;
    const char *d1 = memmem(body, (size_t)(body_end - body), delimiter, (size_t)dl);
    assert_non_null(d1);
    assert_memory_equal(d1 + dl, "\r\n", 2);
    const char *part1 = d1 + dl + 2;
    const char *d2 = memmem(part1, (size_t)(body_end - part1), delimiter, (size_t)dl);
    assert_non_null(d2);
    assert_memory_equal(d2 + dl, "\r\n", 2);
    const char *part2 = d2 + dl + 2;
    const char *d3 = memmem(part2, (size_t)(body_end - part2), delimiter, (size_t)dl);
    assert_non_null(d3);
    assert_memory_equal(d3 + dl, "--\r\n", 4);
    assert_ptr_equal(d3 + dl + 4, body_end);
    parse_part(part1, (size_t)(d2 - part1), "text/plain", &p->text);
    parse_part(part2, (size_t)(d3 - part2), "text/html", &p->html);
}

static void parsed_free(struct parsed *p)
{
    for (size_t i = 0; i < p->header_count; i++) {
        free(p->headers[i].name);
        free(p->headers[i].value);
    }
    free(p->boundary);
    buf_free(&p->text);
    buf_free(&p->html);
}

/* RFC 2047 decoding of unstructured text: encoded words (UTF-8, B or Q) become their bytes and
 * whitespace between two adjacent encoded words disappears. Also checks each word's length. */
static void decode_2047(const char *s, size_t len, buf *out)
{
    size_t i = 0;
    bool last_encoded = false;
    while (i < len) {
        size_t ws = i;
        while (ws < len && (s[ws] == ' ' || s[ws] == '\t'))
            ws++;
        if (ws + 1 < len && s[ws] == '=' && s[ws + 1] == '?') {
            const char *w = s + ws;
            const char *q1 = memchr(w + 2, '?', len - ws - 2);
            assert_non_null(q1);
            assert_true(strncasecmp(w + 2, "UTF-8", (size_t)(q1 - w - 2)) == 0);
            char enc = q1[1];
            assert_true(q1[2] == '?');
            const char *text = q1 + 3;
            const char *close = strstr(text, "?=");
            assert_non_null(close);
            assert_true(close + 2 - w <= 75);
            if (!last_encoded)
                buf_append(out, s + i, ws - i);
            if (enc == 'B' || enc == 'b') {
                unsigned char bin[128];
                size_t bin_len = 0;
                assert_int_equal(sodium_base642bin(bin, sizeof(bin), text, (size_t)(close - text),
                                                   NULL, &bin_len, NULL,
                                                   sodium_base64_VARIANT_ORIGINAL),
                                 0);
                /* Each word must hold whole UTF-8 characters (RFC 2047 5). */
                assert_true(bin_len > 0);
                assert_true((bin[0] & 0xc0) != 0x80);
                buf_append(out, bin, bin_len);
            } else {
                fail_msg("unexpected encoding %c", enc);
            }
            i = (size_t)(close + 2 - s);
            last_encoded = true;
        } else {
            size_t end = ws;
            while (end < len && s[end] != ' ' && s[end] != '\t')
                end++;
            buf_append(out, s + i, end - i);
            i = end;
            last_encoded = false;
        }
    }
}

/* Splits a From value into its decoded display name and its address. */
static void decode_from(const char *value, buf *name, buf *address)
{
    const char *lt = strrchr(value, '<');
    if (!lt) {
        buf_puts(address, value);
        return;
    }
    const char *gt = strchr(lt, '>');
    assert_non_null(gt);
    assert_string_equal(gt, ">");
    buf_append(address, lt + 1, (size_t)(gt - lt - 1));
    size_t len = (size_t)(lt - value);
    while (len > 0 && value[len - 1] == ' ')
        len--;
    if (value[0] == '"') {
        assert_true(len >= 2 && value[len - 1] == '"');
        for (size_t i = 1; i + 1 < len; i++) {
            if (value[i] == '\\')
                i++;
            else
                assert_true(value[i] != '"');
            buf_putc(name, value[i]);
        }
    } else {
        decode_2047(value, len, name);
    }
}

/* Text bodies come back with every line break as CRLF; the rest byte for byte. */
static void canonical_body(const char *s, buf *out)
{
    for (size_t i = 0; s && s[i]; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
            buf_putc(out, '\r');
        buf_putc(out, s[i]);
    }
}

/* Header text comes back with runs of controls and spaces as one space, trimmed. */
static void canonical_header_text(const char *s, buf *out)
{
    bool space = false;
    for (size_t i = 0; s && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f) {
            space = true;
            continue;
        }
        if (space && out->len)
            buf_putc(out, ' ');
        space = false;
        buf_putc(out, (char)c);
    }
}

static const char *const standard_headers[] = {
    "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"};

/* Builds `m`, parses it back and checks every field against the input. */
static void round_trip(const struct mail_message *m, struct parsed *p)
{
    buf msg = {0};
    mail_build(m, &msg);
    parse_message(&msg, p);

    for (size_t i = 0; i < p->header_count; i++) {
        bool known = false;
        for (size_t j = 0; j < sizeof(standard_headers) / sizeof(*standard_headers); j++)
            known |= strcasecmp(p->headers[i].name, standard_headers[j]) == 0;
        if (!known)
            fail_msg("unexpected header %s", p->headers[i].name);
    }
    /* Nothing from the input starts a line of its own anywhere in the message. */
    for (size_t i = 0; i < msg.len; i++)
        if ((i == 0 || msg.ptr[i - 1] == '\n') && strncasecmp(msg.ptr + i, "Bcc:", 4) == 0)
            fail_msg("a Bcc line at byte %zu", i);

    buf expected = {0}, got = {0}, address = {0};
    canonical_header_text(m->subject, &expected);
    const char *subject = find_header(p, "Subject");
    assert_non_null(subject);
    decode_2047(subject, strlen(subject), &got);
    assert_string_equal(buf_cstr(&got), buf_cstr(&expected));

    buf_reset(&expected);
    buf_reset(&got);
    canonical_header_text(m->from_name, &expected);
    const char *from = find_header(p, "From");
    assert_non_null(from);
    decode_from(from, &got, &address);
    assert_string_equal(buf_cstr(&got), buf_cstr(&expected));
    if (mail_address_valid(m->from_address))
        assert_string_equal(buf_cstr(&address), m->from_address);

    const char *to = find_header(p, "To");
    assert_non_null(to);
    if (mail_address_valid(m->to))
        assert_string_equal(to, m->to);
    const char *reply_to = find_header(p, "Reply-To");
    if (m->reply_to && mail_address_valid(m->reply_to))
        assert_string_equal(reply_to, m->reply_to);
    else
        assert_null(reply_to);
    assert_string_equal(find_header(p, "MIME-Version"), "1.0");
    assert_non_null(find_header(p, "Date"));
    if (m->message_id)
        assert_string_equal(find_header(p, "Message-ID"), m->message_id);

    buf_reset(&expected);
    canonical_body(m->text_body, &expected);
    assert_int_equal(p->text.len, expected.len);
    assert_memory_equal(buf_cstr(&p->text), buf_cstr(&expected), expected.len);
    buf_reset(&expected);
    canonical_body(m->html_body, &expected);
    assert_int_equal(p->html.len, expected.len);
    assert_memory_equal(buf_cstr(&p->html), buf_cstr(&expected), expected.len);

    /* The boundary is in neither body, raw or encoded. */
    if (m->text_body)
        assert_null(strstr(m->text_body, p->boundary));
    if (m->html_body)
        assert_null(strstr(m->html_body, p->boundary));

    buf_free(&expected);
    buf_free(&got);
    buf_free(&address);
    buf_free(&msg);
}

static struct mail_message base_message(void)
{
    return (struct mail_message){
        .from_name = "Gazette Site",
        .from_address = "noreply@example.org",
        .reply_to = NULL,
        .to = "reader@example.com",
        .subject = "An article for you",
        .text_body = "Hello.\n",
        .html_body = "<p>Hello.</p>\n",
        .date = 1700000000,
        .message_id = "<0123456789abcdef@example.org>",
    };
}

static void test_plain_message(void **state)
{
    (void)state;
    struct mail_message m = base_message();
    m.reply_to = "friend@example.net";
    struct parsed p;
    round_trip(&m, &p);
    assert_string_equal(find_header(&p, "From"), "\"Gazette Site\" <noreply@example.org>");
    assert_string_equal(find_header(&p, "Subject"), "An article for you");
    assert_string_equal(find_header(&p, "Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
    assert_string_equal(find_header(&p, "Reply-To"), "friend@example.net");
    assert_int_equal(p.header_count, 8);
    parsed_free(&p);

    m.date = 0;
    m.from_name = "";
    m.reply_to = "";
    round_trip(&m, &p);
    assert_string_equal(find_header(&p, "Date"), "Thu, 01 Jan 1970 00:00:00 +0000");
    assert_string_equal(find_header(&p, "From"), "noreply@example.org");
    assert_null(find_header(&p, "Reply-To"));
    parsed_free(&p);

    m.from_name = "Say \"hi\" \\ bye";
    round_trip(&m, &p);
    parsed_free(&p);
}

static void test_encoded_headers(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Новости недели: что случилось в Москве",
        "مرحبا بالعالم — مقالة جديدة",
        "Emoji 🎉🚀 party 👩‍👩‍👧‍👦 time",
        "Ünïcödé with =?UTF-8?B?not-a-word?= inside",
        "Plain words that look like =?an encoded?= word",
        "🎉",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        struct mail_message m = base_message();
        m.subject = texts[i];
        m.from_name = texts[i];
        struct parsed p;
        round_trip(&m, &p);
        assert_non_null(strstr(find_header(&p, "Subject"), "=?UTF-8?B?"));
        parsed_free(&p);
    }
}

static void test_long_subjects_fold(void **state)
{
    (void)state;
    buf subject = {0};
    for (int i = 0; i < 12; i++)
        buf_puts(&subject, "Длинная тема письма, которая должна переноситься 🎉 ");
    buf_puts(&subject, "конец");
    struct mail_message m = base_message();
    m.subject = subject.ptr;
    m.from_name = subject.ptr;
    buf msg = {0};
    mail_build(&m, &msg);
    /* Folded: the Subject spans many lines, each within 78 (checked by round_trip). */
    const char *s = strstr(msg.ptr, "\r\nSubject:");
    assert_non_null(s);
    int lines = 1;
    for (s = strstr(s + 2, "\r\n"); s && s[2] == ' '; s = strstr(s + 2, "\r\n"))
        lines++;
    assert_true(lines > 10);
    buf_free(&msg);
    struct parsed p;
    round_trip(&m, &p);
    parsed_free(&p);

    /* Long ASCII is folded at spaces and stays readable. */
    buf_reset(&subject);
    for (int i = 0; i < 20; i++)
        buf_puts(&subject, "word-and-another ");
    buf_puts(&subject, "end");
    m.subject = subject.ptr;
    m.from_name = subject.ptr;
    round_trip(&m, &p);
    assert_null(strstr(find_header(&p, "Subject"), "=?"));
    assert_string_equal(find_header(&p, "Subject"), subject.ptr);
    parsed_free(&p);

    /* One ASCII word too long for a line goes out in encoded words instead. */
    buf_reset(&subject);
    for (int i = 0; i < 30; i++)
        buf_puts(&subject, "abcdefghij");
    m.subject = subject.ptr;
    round_trip(&m, &p);
    parsed_free(&p);
    buf_free(&subject);
}

static void test_bodies_quoted_printable(void **state)
{
    (void)state;
    buf long_line = {0};
    for (int i = 0; i < 40; i++)
        buf_puts(&long_line, "abcdefghijklmnopqrstuvwxyzé=ü€🎉");
    buf_puts(&long_line, "\n");
    for (int i = 0; i < 300; i++)
        buf_putc(&long_line, i % 7 ? 'x' : ' ');
    buf_puts(&long_line, "   \n");
    for (int i = 0; i < 200; i++)
        buf_putc(&long_line, '=');
    static const char *const bodies[] = {
        ".\n.hidden line\n..two dots\nFrom the start\nFrom me\n>From quoted\n",
        "trailing spaces   \ntrailing tab\t\nboth \t \n   \n\n",
        "a = b, c=d, =3D, =\n=\r\n==",
        "CRLF already\r\nmixed\nlone\rcarriage\r\r\n",
        "no newline at the end",
        "ends with a space ",
        "",
        "--=_gazette_00000000000000000000000000000000\n--boundary-looking line\n",
        "Кириллица, العربية, 😀 and ASCII\n",
        "\t\x01\x7f\xff\xfe control and invalid bytes\n",
    };
    for (size_t i = 0; i <= sizeof(bodies) / sizeof(*bodies); i++) {
        struct mail_message m = base_message();
        m.text_body = i < sizeof(bodies) / sizeof(*bodies) ? bodies[i] : long_line.ptr;
        m.html_body = m.text_body;
        struct parsed p;
        round_trip(&m, &p);
        parsed_free(&p);
    }
    struct mail_message m = base_message();
    m.text_body = NULL;
    m.html_body = NULL;
    struct parsed p;
    round_trip(&m, &p);
    assert_int_equal(p.text.len, 0);
    parsed_free(&p);
    buf_free(&long_line);
}

/* Exactly 76 and 77 characters around the soft-break limit, with '=' at the edge. */
static void test_quoted_printable_edges(void **state)
{
    (void)state;
    for (size_t n = 70; n < 160; n++) {
        for (int variant = 0; variant < 4; variant++) {
            buf body = {0};
            for (size_t i = 0; i < n; i++)
                buf_putc(&body, variant == 1 && i == n - 1 ? '=' : variant == 2 ? ' ' : 'x');
            if (variant == 3)
                buf_puts(&body, "é ");
            buf_puts(&body, "\nnext . line\n");
            struct mail_message m = base_message();
            m.text_body = body.ptr;
            struct parsed p;
            round_trip(&m, &p);
            parsed_free(&p);
            buf_free(&body);
        }
    }
}

static void test_header_injection(void **state)
{
    (void)state;
    struct mail_message m = base_message();
    m.subject = "Hello\r\nBcc: victim@example.com";
    m.from_name = "Eve\r\nBcc: victim@example.com\r\n";
    m.reply_to = "eve@example.com\r\nBcc: victim@example.com";
    m.to = "reader@example.com\r\nBcc: victim@example.com";
    m.from_address = "noreply@example.org\nBcc: x@y";
    m.message_id = "<id@example.org>\r\nBcc: x@y";
    buf msg = {0};
    mail_build(&m, &msg);
    struct parsed p;
    parse_message(&msg, &p);
    assert_null(find_header(&p, "Bcc"));
    assert_null(find_header(&p, "Reply-To"));
    assert_int_equal(p.header_count, 7);
    assert_string_equal(find_header(&p, "Subject"), "Hello Bcc: victim@example.com");
    assert_string_equal(find_header(&p, "From"),
                        "\"Eve Bcc: victim@example.com\" <noreply@example.orgBccx@y>");
    parsed_free(&p);

    /* Other line breaks and NEL-like bytes: nothing but the documented CRLF ends a line. */
    m = base_message();
    m.subject = "a\rBcc: x@y\nBcc: x@y\r\n\r\nbody?";
    m.from_name = "Новости\r\n Bcc: x@y";
    round_trip(&m, &p);
    parsed_free(&p);
    buf_free(&msg);
}

/* Pseudo-random subjects, names and bodies (a fixed seed: failures reproduce). */
static uint32_t rng_state = 12345;

static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void put_utf8(buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (char)(0xc0 | cp >> 6));
        buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        buf_putc(b, (char)(0xe0 | cp >> 12));
        buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
        buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        buf_putc(b, (char)(0xf0 | cp >> 18));
        buf_putc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
        buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
        buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    }
}

static void random_text(buf *b, size_t max)
{
    static const uint32_t starts[] = {0x20, 0x400, 0x600, 0x4e00, 0x1f600, 0x0a, 0x0d, 0x3d};
    size_t n = rng_next() % max;
    for (size_t i = 0; i < n; i++) {
        uint32_t start = starts[rng_next() % (sizeof(starts) / sizeof(*starts))];
        uint32_t cp = start + (start < 0x40 ? 0 : rng_next() % 0x50);
        if (start == 0x20)
            cp = 0x20 + rng_next() % 0x5f;
        put_utf8(b, cp);
    }
}

static void test_random_round_trips(void **state)
{
    (void)state;
    for (int i = 0; i < 400; i++) {
        buf subject = {0}, name = {0}, text = {0}, html = {0};
        random_text(&subject, 120);
        random_text(&name, 60);
        random_text(&text, 600);
        random_text(&html, 600);
        struct mail_message m = base_message();
        m.subject = buf_cstr(&subject);
        m.from_name = buf_cstr(&name);
        m.text_body = buf_cstr(&text);
        m.html_body = buf_cstr(&html);
        struct parsed p;
        round_trip(&m, &p);
        parsed_free(&p);
        buf_free(&subject);
        buf_free(&name);
        buf_free(&text);
        buf_free(&html);
    }
}

static void test_boundaries_differ(void **state)
{
    (void)state;
    struct mail_message m = base_message();
    struct parsed a, b;
    round_trip(&m, &a);
    round_trip(&m, &b);
    assert_string_not_equal(a.boundary, b.boundary);
    parsed_free(&a);
    parsed_free(&b);
}

static void test_message_id(void **state)
{
    (void)state;
    arena a = {0};
    char *one = mail_message_id(&a, "example.org");
    char *two = mail_message_id(&a, "example.org");
    assert_string_not_equal(one, two);
    assert_int_equal(strlen(one), 1 + 32 + 1 + strlen("example.org") + 1);
    assert_int_equal(one[0], '<');
    for (int i = 1; i <= 32; i++)
        assert_true(isxdigit((unsigned char)one[i]));
    assert_string_equal(one + 33, "@example.org>");
    assert_string_equal(mail_message_id(&a, NULL) + 33, "@localhost>");
    assert_string_equal(mail_message_id(&a, "") + 33, "@localhost>");
    assert_string_equal(mail_message_id(&a, "ex ample.org>\r\n") + 33, "@example.org>");
    arena_free(&a);
}

static void test_address_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "a@b.co",
        "reader@example.com",
        "first.last+tag@sub.example.org",
        "o'brien@example.ie",
        "x_y-z@a-b.example",
        "UPPER@EXAMPLE.COM",
        "1@2.3",
    };
    static const char *const bad[] = {
        "",
        "plain",
        "@example.com",
        "user@",
        "user@localhost",
        "user@@example.com",
        "a@b@example.com",
        "user name@example.com",
        "user@exa mple.com",
        "<user@example.com>",
        "user@example.com>",
        "\"user\"@example.com",
        "a,b@example.com",
        "user@example.com,",
        "user@example.com\r\nBcc: x@y",
        "user@example.com\n",
        "user\r@example.com",
        "user\t@example.com",
        ".user@example.com",
        "user.@example.com",
        "us..er@example.com",
        "user@.example.com",
        "user@example..com",
        "user@example.com.",
        "user@exam_ple.com",
        "üser@example.com",
        "user@exämple.com",
        "user@[127.0.0.1]",
        "us(er)@example.com",
        "us;er@example.com",
        "us:er@example.com",
        "us\\er@example.com",
        "user@example.com\x7f",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
        if (!mail_address_valid(good[i]))
            fail_msg("should be valid: %s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (mail_address_valid(bad[i]))
            fail_msg("should be invalid: %s", bad[i]);
    assert_false(mail_address_valid(NULL));

    /* Length limits: 254 in all, 64 for the local part, 63 per label. */
    buf b = {0};
    for (int i = 0; i < 64; i++)
        buf_putc(&b, 'l');
    buf_puts(&b, "@");
    while (b.len < 248)
        buf_puts(&b, "d.");
    buf_puts(&b, "com");
    while (b.len < 254)
        buf_puts(&b, "m");
    assert_true(mail_address_valid(b.ptr));
    buf_puts(&b, "m");
    assert_false(mail_address_valid(b.ptr));
    buf_reset(&b);
    for (int i = 0; i < 65; i++)
        buf_putc(&b, 'l');
    buf_puts(&b, "@example.com");
    assert_false(mail_address_valid(b.ptr));
    buf_reset(&b);
    buf_puts(&b, "user@");
    for (int i = 0; i < 64; i++)
        buf_putc(&b, 'd');
    buf_puts(&b, ".com");
    assert_false(mail_address_valid(b.ptr));
    buf_free(&b);
}

/* What the outbox counts and sends: trimmed and lower-cased, so that case variants of one
 * address share its hourly limit; other bytes kept for mail_address_valid to judge. */
static void test_address_normalize(void **state)
{
    (void)state;
    arena a = {0};
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"victim@example.net", "victim@example.net"},
        {"Victim@Example.NET", "victim@example.net"},
        {"VICTIM@EXAMPLE.NET", "victim@example.net"},
        {"  victim@example.net\t\r\n", "victim@example.net"},
        {" First.Last+Tag@Sub.Example.org ", "first.last+tag@sub.example.org"},
        {"a@b.co\r\nBcc: X@Y.Z", "a@b.co\r\nbcc: x@y.z"},
        {"Üser@example.com", "Üser@example.com"},
        {"   ", ""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        assert_string_equal(mail_address_normalize(&a, cases[i].in), cases[i].out);
    assert_string_equal(mail_address_normalize(&a, NULL), "");
    assert_false(mail_address_valid(mail_address_normalize(&a, "a@b.co\r\nBcc: x@y.z")));
    assert_true(mail_address_valid(mail_address_normalize(&a, " Reader@Example.COM ")));
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_message),
        cmocka_unit_test(test_encoded_headers),
        cmocka_unit_test(test_long_subjects_fold),
        cmocka_unit_test(test_bodies_quoted_printable),
        cmocka_unit_test(test_quoted_printable_edges),
        cmocka_unit_test(test_header_injection),
        cmocka_unit_test(test_random_round_trips),
        cmocka_unit_test(test_boundaries_differ),
        cmocka_unit_test(test_message_id),
        cmocka_unit_test(test_address_valid),
        cmocka_unit_test(test_address_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
