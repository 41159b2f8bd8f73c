/* fuzz_form.c: form bodies, query strings, Cookie headers and URL paths (http/form.h): no
 * crash, and decoding undoes web_url_encode for every NUL-free string. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "web/form.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static bool is_upper_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* web_url_encode's output: unreserved characters and %XX, and nothing else. */
static void check_encoded(const char *value, const char *encoded)
{
    size_t in = 0;
    for (const char *p = encoded; *p; p++) {
        if (*p == '%') {
            FUZZ_CHECK(is_upper_hex((unsigned char)p[1]) && is_upper_hex((unsigned char)p[2]),
                       "bad escape in \"%s\"", encoded);
            p += 2;
        } else
            FUZZ_CHECK(is_unreserved((unsigned char)*p), "raw byte 0x%02x in \"%s\"",
                       (unsigned char)*p, encoded);
        in++;
    }
    FUZZ_CHECK(in == strlen(value), "%zu characters encode %zu", strlen(value), in);
}

/* The form as parsed: NUL-terminated, value_len right, lookups find the first of a name. */
static void check_form(const struct web_form *form)
{
    FUZZ_CHECK(form->count <= WEB_FORM_MAX_FIELDS, "%zu fields", form->count);
    for (size_t i = 0; i < form->count; i++) {
        const struct web_field *f = &form->fields[i];
        FUZZ_CHECK(f->name && f->value, "field %zu has a NULL string", i);
        FUZZ_CHECK(strlen(f->value) == f->value_len, "value_len %zu for a %zu-byte value",
                   f->value_len, strlen(f->value));
        const struct web_field *first = web_form_field(form, f->name);
        FUZZ_CHECK(first && first <= f && strcmp(first->name, f->name) == 0,
                   "lookup of \"%s\" misses", f->name);
        FUZZ_CHECK(web_form_get(form, f->name) == first->value, "get and field differ");
    }
}

/* Encoding every field and parsing again gives the same fields. */
static void check_form_round_trip(arena *a, const struct web_form *form)
{
    buf body = {0};
    for (size_t i = 0; i < form->count; i++) {
        if (i)
            buf_putc(&body, '&');
        buf_puts(&body, web_url_encode(a, form->fields[i].name));
        buf_putc(&body, '=');
        buf_puts(&body, web_url_encode(a, form->fields[i].value));
    }
    struct web_form again;
    web_form_parse(a, (strview){body.ptr, body.len}, &again);
    size_t expected = form->count;
    /* "=" alone (empty name and value) is a field when parsed, and encodes back to "=". */
    FUZZ_CHECK(again.count == expected, "%zu fields came back as %zu from \"%s\"", expected,
               again.count, buf_cstr(&body));
    for (size_t i = 0; i < expected; i++) {
        FUZZ_CHECK(strcmp(again.fields[i].name, form->fields[i].name) == 0, "name %zu differs", i);
        FUZZ_CHECK(strcmp(again.fields[i].value, form->fields[i].value) == 0, "value %zu differs",
                   i);
    }
    buf_free(&body);
}

/* A cookie set among others is read back, whatever its value. */
static void check_cookie_round_trip(arena *a, const char *name, const char *value)
{
    const char *header = arena_printf(a, "theme=dark; %s_x=no; %s=%s; %s=second", name, name,
                                      web_url_encode(a, value), name);
    const char *got = web_cookie_get(a, header, name);
    FUZZ_CHECK(got && strcmp(got, value) == 0, "cookie %s=\"%s\" read back as \"%s\"", name, value,
               got ? got : "(null)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = {0};
    struct web_form form;

    /* The whole input as a form body / query string. */
    web_form_parse(&a, (strview){(const char *)data, size}, &form);
    check_form(&form);
    check_form_round_trip(&a, &form);

    /* As a Cookie header (up to its first NUL, as h2o hands over a C string). */
    char *text = fuzz_strndup((const char *)data, size);
    static const char *const cookie_names[] = {"gz_session", "gz_postpass_1", "gz_comment_author",
                                               "a"};
    for (size_t i = 0; i < sizeof(cookie_names) / sizeof(cookie_names[0]); i++) {
        const char *value = web_cookie_get(&a, text, cookie_names[i]);
        FUZZ_CHECK(!value || strlen(value) < size + 1, "cookie value longer than the header");
    }
    /* The first line names a cookie to look for in the rest. */
    char *newline = strchr(text, '\n');
    if (newline) {
        *newline = '\0';
        (void)web_cookie_get(&a, newline + 1, text);
        *newline = '\n';
    }

    /* As a URL path, and the encode/decode round trip of the text. */
    const char *path = web_path_decode(&a, (const char *)data, size);
    FUZZ_CHECK(strlen(path) <= size, "decoded path longer than the input");
    const char *encoded = web_url_encode(&a, text);
    check_encoded(text, encoded);
    const char *decoded = web_path_decode(&a, encoded, strlen(encoded));
    FUZZ_CHECK(strcmp(decoded, text) == 0, "path_decode(url_encode(x)) != x for \"%s\"", text);
    check_cookie_round_trip(&a, "gz_session", text);

    free(text);
    arena_free(&a);
    return 0;
}
