/* alloc.c: allocation wrappers that abort on exhaustion. */
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void util_out_of_memory(const char *file, int line)
{
    fprintf(stderr, "gazette: out of memory at %s:%d\n", file, line);
    abort();
}

void *util_xmalloc(size_t size, const char *file, int line)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        util_out_of_memory(file, line);
    return p;
}

void *util_xcalloc(size_t count, size_t size, const char *file, int line)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        util_out_of_memory(file, line);
    return p;
}

void *util_xrealloc(void *ptr, size_t size, const char *file, int line)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        util_out_of_memory(file, line);
    return p;
}

char *util_xstrndup(const char *s, size_t len, const char *file, int line)
{
    char *p = util_xmalloc(len + 1, file, line);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
