/* byte_range.h: the Range header of a GET (RFC 9110 14.2), parsed strictly for one range of
 * bytes. A pure function of its text, for the HTTP adapter and its fuzz target. */
#ifndef GAZETTE_WEB_BYTE_RANGE_H
#define GAZETTE_WEB_BYTE_RANGE_H

#include <stddef.h>
#include <stdint.h>

enum byte_range_result {
    BYTE_RANGE_WHOLE,         /* answer 200 with everything: no header, one not understood
                                 (RFC 9110: ignored), or several ranges (allowed: the whole
                                 body is one answer to them) */
    BYTE_RANGE_PART,          /* answer 206 with bytes *first..*last (inclusive) */
    BYTE_RANGE_UNSATISFIABLE, /* answer 416: the one range lies wholly past the end */
};

/* The range `header` (`length` bytes, not NUL-terminated; NULL for none) asks of a body of
 * `size` bytes: "bytes=A-B", "bytes=A-" or "bytes=-N" (the last N), the unit in any case,
 * blanks around the range allowed, B past the end cut to the end. */
enum byte_range_result byte_range_parse(const char *header, size_t length, uint64_t size,
                                        uint64_t *first, uint64_t *last);

#endif
