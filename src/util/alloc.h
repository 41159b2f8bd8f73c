/* alloc.h: allocation that never returns NULL; out of memory aborts with file and line. */
#ifndef GAZETTE_UTIL_ALLOC_H
#define GAZETTE_UTIL_ALLOC_H

#include <stddef.h>

/* Each aborts the process (message on stderr naming the caller's file and line) when memory
 * runs out: a web server cannot do better. The caller owns and frees the result. */
#define xmalloc(n) util_xmalloc((n), __FILE__, __LINE__)
#define xcalloc(n, m) util_xcalloc((n), (m), __FILE__, __LINE__)
#define xrealloc(p, n) util_xrealloc((p), (n), __FILE__, __LINE__)
#define xstrdup(s) util_xstrndup((s), strlen(s), __FILE__, __LINE__)
#define xstrndup(s, n) util_xstrndup((s), (n), __FILE__, __LINE__)

void *util_xmalloc(size_t size, const char *file, int line);
void *util_xcalloc(size_t count, size_t size, const char *file, int line);
void *util_xrealloc(void *ptr, size_t size, const char *file, int line);
char *util_xstrndup(const char *s, size_t len, const char *file, int line);
_Noreturn void util_out_of_memory(const char *file, int line);

#endif
