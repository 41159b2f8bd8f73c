/* arena.h: a region allocator; everything a request or a command allocates is freed at once. */
#ifndef GAZETTE_UTIL_ARENA_H
#define GAZETTE_UTIL_ARENA_H

#include <stddef.h>
#include <string.h>

#include "util/buf.h"

/* An arena owns every block it hands out; arena_free releases them all. Not thread-safe: one
 * arena belongs to one request or one job at a time. Allocation aborts on OOM. */
typedef struct arena {
    struct arena_chunk *head; /* newest chunk first */
    unsigned char *free;      /* the newest chunk's unused bytes: `left` of them from here */
    size_t left;
} arena;

/* A block of `size` bytes, 16-byte aligned, not zeroed: for callers that write every byte.
 * Inline, as arena_alloc: loading and rendering a page of 1,000 comments makes some 22,000
 * small allocations; as calls, with a memset of unknown size, they were 6% of its instructions,
 * and half of that went when they were inlined. */
#ifdef GAZETTE_ARENA_CHECKED
/* The fuzz build (GAZETTE_FUZZ) defines this and links fuzz/arena_checked.c instead of arena.c:
 * one malloc per block, so that AddressSanitizer sees an overflow of any block, which in a
 * chunk lands unnoticed in the next block. */
void *arena_take(arena *a, size_t size);
#else
void *arena_take_chunk(arena *a, size_t size); /* arena_take's way out: a new chunk */

static inline void *arena_take(arena *a, size_t size)
{
    size = size ? (size + 15) & ~(size_t)15 : 16; /* even an empty block is a real pointer */
    if (size > a->left)
        return arena_take_chunk(a, size);
    void *p = a->free;
    a->free += size;
    a->left -= size;
    return p;
}
#endif

static inline void *arena_alloc(arena *a, size_t size) /* 16-byte aligned, zeroed */
{
    return memset(arena_take(a, size), 0, size);
}

char *arena_strdup(arena *a, const char *s); /* NULL gives NULL */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_view_dup(arena *a, strview v); /* NUL-terminated copy */
void arena_free(arena *a);                 /* releases all; the arena is empty again */

/* The one way a buffer's content comes into an arena: a NUL-terminated copy in `a` ("" for an
 * empty buffer), and `b` is freed (empty, reusable). For what is built with buf_* (which must
 * grow) but lives as long as the arena. Inline, so that it serves arena.c and the fuzz build's
 * fuzz/arena_checked.c alike. */
static inline char *arena_take_buf(arena *a, buf *b)
{
    char *copy = arena_strndup(a, b->ptr, b->len);
    buf_free(b);
    return copy;
}

#endif
