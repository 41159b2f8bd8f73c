/* fuzz.h: what every libFuzzer target shares: invariant checks that say what broke even when
 * libFuzzer runs with -close_fd_mask=3, and small input helpers. Header-only: each target is
 * its own program. */
#ifndef GAZETTE_FUZZ_FUZZ_H
#define GAZETTE_FUZZ_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A copy of stderr made before libFuzzer closes it (-close_fd_mask=2): check failures still
 * reach the terminal while the code under test stays quiet. */
static int fuzz_report_fd = 2;

static inline void fuzz_keep_stderr(void)
{
    int fd = dup(2);
    if (fd >= 0)
        fuzz_report_fd = fd;
}

static inline void fuzz_fail(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

static inline void fuzz_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    char message[2048];
    int n = snprintf(message, sizeof(message), "%s:%d: invariant broken: %s: ", file, line, what);
    if (n < 0 || (size_t)n >= sizeof(message))
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(message + n, sizeof(message) - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = m < 0 ? (size_t)n : strnlen(message, sizeof(message) - 1);
    if (write(fuzz_report_fd, message, len) < 0 || write(fuzz_report_fd, "\n", 1) < 0)
        abort();
    abort(); /* libFuzzer saves the input as crash-… */
}

/* Checks an invariant of the code under test; on failure names it and aborts. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
    } while (0)

/* The input read front to back: fixed-size choices first, the rest as bytes. */
struct fuzz_input {
    const uint8_t *data; /* not owned: libFuzzer's */
    size_t len;          /* bytes left */
};

/* One byte, or 0 once the input is used up. */
static inline uint8_t fuzz_byte(struct fuzz_input *in)
{
    if (!in->len)
        return 0;
    in->len--;
    return *in->data++;
}

/* The bytes up to the next `separator` (not included; it is consumed), or all that is left. */
static inline size_t fuzz_take_until(struct fuzz_input *in, char separator, const char **out)
{
    const uint8_t *end = memchr(in->data, separator, in->len);
    size_t n = end ? (size_t)(end - in->data) : in->len;
    *out = (const char *)in->data;
    in->data += n;
    in->len -= n;
    if (end) {
        in->data++;
        in->len--;
    }
    return n;
}

/* A malloc'd NUL-terminated copy of `len` bytes (a NUL inside stays: C-string users stop
 * there). The caller frees it. */
static inline char *fuzz_strndup(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

#endif
