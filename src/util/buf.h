/* buf.h: the one string view type and the one growable byte buffer (h2o iovec, Redis sds). */
#ifndef GAZETTE_UTIL_BUF_H
#define GAZETTE_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A borrowed run of bytes; not NUL-terminated unless said so. The owner is whoever made it. */
typedef struct strview {
    const char *ptr; /* first byte (may be NULL when len is 0) */
    size_t len;      /* byte count */
} strview;

#define STRVIEW_LIT(s) ((strview){(s), sizeof(s) - 1})
strview strview_from_cstr(const char *s); /* NULL gives the empty view */
bool strview_equal(strview a, strview b);
bool strview_equal_cstr(strview a, const char *s);
bool strview_starts_with(strview a, const char *prefix);

/* A growable buffer. Zero-initialise (`buf b = {0};`) to start; its memory is the buffer's own
 * and is released by buf_free. The content is always NUL-terminated once anything is appended
 * (ptr[len] == '\0'), so ptr may be passed where a C string is wanted. Growth aborts on OOM. */
typedef struct buf {
    char *ptr;  /* content, NUL-terminated; NULL until the first append */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
} buf;

void buf_grow(buf *b, size_t extra); /* buf_reserve's way out: more memory */
/* Inline, as buf_append and buf_putc: a page of 1,000 comments makes some 26,000 appends, and
 * three calls for each cost 8% of its render; the per-byte passes (autop, the text renderer)
 * call buf_putc for every character. */
static inline void buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap)
        buf_grow(b, extra);
}
static inline void buf_append(buf *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
}
static inline void buf_append_view(buf *b, strview v)
{
    buf_append(b, v.ptr, v.len);
}
void buf_puts(buf *b, const char *s);
static inline void buf_putc(buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_reserve(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
const char *buf_cstr(buf *b); /* never NULL: "" for an empty buffer */
void buf_reset(buf *b);       /* len = 0, memory kept */
void buf_free(buf *b);        /* releases memory, leaves an empty buffer */
char *buf_detach(buf *b);     /* hands the NUL-terminated content to the caller (free()) */

#endif
