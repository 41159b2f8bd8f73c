/* arena_checked.c: util/arena.c for the fuzz build (GAZETTE_FUZZ, which defines
 * GAZETTE_ARENA_CHECKED, so that arena.h's inline allocation calls arena_take here): one malloc
 * per block, of exactly the size asked for, so that AddressSanitizer sees a read or write past
 * any arena block (util/arena.c carves blocks out of 16 KB chunks, where an overflow lands in
 * the neighbouring block unnoticed). It takes arena.c's place in gazette_core, so should arena.h
 * gain a function, the fuzz build fails to link rather than mixing the two. */
#include "util/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One block handed out; the arena's list of them, newest first. */
struct arena_chunk {
    struct arena_chunk *next; /* older block */
    void *block;              /* exactly the size asked for (1 byte for 0), owned here */
};

/* Not zeroed, as in arena.c: ASan fills a new block (its first 4 KB) with 0xbe, so a caller
 * that reads bytes it never wrote sees garbage here too. */
void *arena_take(arena *a, size_t size)
{
    void *block = NULL;
    if (posix_memalign(&block, 16, size ? size : 1) != 0)
        abort();
    struct arena_chunk *c = malloc(sizeof(*c));
    if (!c)
        abort();
    c->block = block;
    c->next = a->head;
    a->head = c;
    return block;
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
        free(c->block);
        free(c);
        c = next;
    }
    *a = (arena){0};
}
