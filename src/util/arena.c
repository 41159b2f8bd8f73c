/* arena.c: chunked region allocator. */
#include "util/arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

#define ARENA_CHUNK_SIZE 16384

struct arena_chunk {
    struct arena_chunk *next; /* older chunk */
    _Alignas(16) unsigned char data[];
};

/* `size` (a multiple of 16) does not fit in the newest chunk. A big block gets a chunk of its
 * own, put behind the newest one, which stays open; otherwise a new chunk becomes the newest. */
void *arena_take_chunk(arena *a, size_t size)
{
    bool big = size > ARENA_CHUNK_SIZE / 4;
    size_t room = big ? size : ARENA_CHUNK_SIZE;
    struct arena_chunk *c = xmalloc(sizeof(*c) + room);
    if (big && a->head) {
        c->next = a->head->next;
        a->head->next = c;
        return c->data;
    }
    c->next = a->head;
    a->head = c;
    a->free = c->data + size;
    a->left = room - size;
    return c->data;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_take(a, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_view_dup(arena *a, strview v)
{
    return arena_strndup(a, v.ptr, v.len);
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_take(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    *a = (arena){0};
}
