/* utf8.h: UTF-8 validation. */
#ifndef GAZETTE_UTIL_UTF8_H
#define GAZETTE_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the `len` bytes at `s` are well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF) and hold no NUL byte. */
bool utf8_valid(const char *s, size_t len);

#endif
