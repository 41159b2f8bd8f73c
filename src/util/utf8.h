/* utf8.h: UTF-8 validation, and cutting text to a length without splitting a character. */
#ifndef GAZETTE_UTIL_UTF8_H
#define GAZETTE_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* True when the `len` bytes at `s` are well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF) and hold no NUL byte. */
bool utf8_valid(const char *s, size_t len);

/* The length (2 to 4) of the well-formed multi-byte sequence at `s`, of which `available`
 * bytes may be read; 0 when it is malformed, truncated, or `s` starts with an ASCII byte. */
size_t utf8_sequence_length(const char *s, size_t available);

/* The length, at most `max`, to which the `len` bytes at `s` can be cut without splitting a
 * character: `len` when it is at most `max`, else `max` moved back to the start of the
 * character it falls in. Every text that is shortened to a limit is cut here. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* Like utf8_cut, but at the last space between `min` and `max` when there is one (prose cut at
 * a word); else at utf8_cut's place (text without spaces: CJK, Thai, a long URL). */
size_t utf8_cut_at_space(const char *s, size_t len, size_t max, size_t min);

/* `len`, or less when the text ends in the first bytes of a character that is not all there
 * (what a fixed buffer's snprintf leaves when it cuts): the length of what is whole. */
size_t utf8_whole(const char *s, size_t len);

/* The number of characters in the `len` bytes of well-formed UTF-8 at `s`. */
size_t utf8_count(const char *s, size_t len);

/* Appends code point `cp` (at most U+10FFFF; the caller checks) to `out` as UTF-8. */
void utf8_put(buf *out, unsigned long cp);

#endif
