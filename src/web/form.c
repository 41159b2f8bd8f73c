/* form.c: decoding of form bodies, query strings and cookies. */
#include "web/form.h"

#include <string.h>

#include "util/slug.h"


/* Decodes %XX and (when `plus` is set) '+' of `len` bytes; returns the decoded length. */
static char *decode(arena *a, const char *s, size_t len, int plus, size_t *out_len)
{
    char *out = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hex_digit_value(s[i + 1])) >= 0 &&
            (lo = hex_digit_value(s[i + 2])) >= 0) {
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (plus && s[i] == '+')
            out[n++] = ' ';
        else
            out[n++] = s[i];
    }
    out[n] = '\0';
    *out_len = strnlen(out, n); /* a NUL ends the value: C strings downstream */
    return out;
}

void web_form_parse(arena *a, strview data, struct web_form *form)
{
    form->count = 0;
    size_t i = 0;
    while (i < data.len && form->count < WEB_FORM_MAX_FIELDS) {
        const char *start = data.ptr + i;
        const char *amp = memchr(start, '&', data.len - i);
        size_t len = amp ? (size_t)(amp - start) : data.len - i;
        i += len + 1;
        if (!len)
            continue;
        const char *eq = memchr(start, '=', len);
        size_t name_len = eq ? (size_t)(eq - start) : len;
        struct web_field *f = &form->fields[form->count++];
        size_t ignored;
        f->name = decode(a, start, name_len, 1, &ignored);
        f->value = eq ? decode(a, eq + 1, len - name_len - 1, 1, &f->value_len) : "";
        if (!eq)
            f->value_len = 0;
    }
}

const struct web_field *web_form_field(const struct web_form *form, const char *name)
{
    for (size_t i = 0; i < form->count; i++)
        if (strcmp(form->fields[i].name, name) == 0)
            return &form->fields[i];
    return NULL;
}

const char *web_form_get(const struct web_form *form, const char *name)
{
    const struct web_field *f = web_form_field(form, name);
    return f ? f->value : NULL;
}

const char *web_cookie_get(arena *a, const char *header, const char *name)
{
    size_t name_len = strlen(name);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t len = strcspn(p, ";");
        if (len > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
            size_t value_len;
            return decode(a, p + name_len + 1, len - name_len - 1, 0, &value_len);
        }
        p += len;
    }
    return NULL;
}

const char *web_path_decode(arena *a, const char *path, size_t len)
{
    size_t ignored;
    return decode(a, path, len, 0, &ignored);
}

const char *web_url_encode(arena *a, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(value);
    char *out = arena_alloc(a, 3 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out[k++] = (char)c;
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    out[k] = '\0';
    return out;
}

size_t web_form_count(strview data)
{
    if (data.len == 0)
        return 0;
    size_t fields = 1;
    for (const char *p = data.ptr; (p = memchr(p, '&', data.len - (size_t)(p - data.ptr))); p++)
        fields++;
    return fields;
}
