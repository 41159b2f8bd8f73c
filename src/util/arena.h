/* arena.h: a region allocator; everything a request or a command allocates is freed at once. */
#ifndef GAZETTE_UTIL_ARENA_H
#define GAZETTE_UTIL_ARENA_H

#include <stddef.h>

#include "util/buf.h"

/* An arena owns every block it hands out; arena_free releases them all. Not thread-safe: one
 * arena belongs to one request or one job at a time. Allocation aborts on OOM. */
typedef struct arena {
    struct arena_chunk *head; /* newest chunk first */
} arena;

void *arena_alloc(arena *a, size_t size);    /* 16-byte aligned, zeroed */
char *arena_strdup(arena *a, const char *s); /* NULL gives NULL */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_view_dup(arena *a, strview v); /* NUL-terminated copy */
void arena_free(arena *a);                 /* releases all; the arena is empty again */

#endif
