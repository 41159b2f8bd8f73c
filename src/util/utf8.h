/* utf8.h: UTF-8 validation. */
#ifndef GAZETTE_UTIL_UTF8_H
#define GAZETTE_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the `len` bytes at `s` are well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF) and hold no NUL byte. */
bool utf8_valid(const char *s, size_t len);

/* The length (2 to 4) of the well-formed multi-byte sequence at `s`, of which `available`
 * bytes may be read; 0 when it is malformed, truncated, or `s` starts with an ASCII byte. */
size_t utf8_sequence_length(const char *s, size_t available);

#endif
