/* byte_range.c: one range of a Range header (see byte_range.h). */
#include "web/byte_range.h"

#include <stdbool.h>
#include <strings.h>

#define DIGITS_MAX 19 /* fits in uint64_t */

/* Digits at p[*at..end) into *value; false when there are none or too many. */
static bool read_number(const char *p, size_t end, size_t *at, uint64_t *value)
{
    size_t start = *at;
    uint64_t n = 0;
    while (*at < end && p[*at] >= '0' && p[*at] <= '9' && *at - start < DIGITS_MAX)
        n = n * 10 + (uint64_t)(p[(*at)++] - '0');
    if (*at == start || (*at < end && p[*at] >= '0' && p[*at] <= '9'))
        return false;
    *value = n;
    return true;
}

enum byte_range_result byte_range_parse(const char *header, size_t length, uint64_t size,
                                        uint64_t *first, uint64_t *last)
{
    static const char unit[] = "bytes=";
    size_t at = sizeof(unit) - 1, end = length;
    if (!header || length < at || strncasecmp(header, unit, at) != 0)
        return BYTE_RANGE_WHOLE;
    while (at < end && (header[at] == ' ' || header[at] == '\t'))
        at++;
    while (end > at && (header[end - 1] == ' ' || header[end - 1] == '\t'))
        end--;
    for (size_t i = at; i < end; i++)
        if (header[i] == ',')
            return BYTE_RANGE_WHOLE; /* several ranges: the whole body answers them */
    uint64_t a = 0, b = 0;
    if (at < end && header[at] == '-') { /* the last N bytes */
        at++;
        if (!read_number(header, end, &at, &b) || at != end)
            return BYTE_RANGE_WHOLE;
        if (b == 0 || size == 0)
            return BYTE_RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return BYTE_RANGE_PART;
    }
    if (!read_number(header, end, &at, &a) || at >= end || header[at++] != '-')
        return BYTE_RANGE_WHOLE;
    bool open_ended = at == end;
    if (!open_ended && (!read_number(header, end, &at, &b) || at != end || b < a))
        return BYTE_RANGE_WHOLE; /* B before A: invalid, so ignored */
    if (a >= size)
        return BYTE_RANGE_UNSATISFIABLE;
    *first = a;
    *last = open_ended || b >= size ? size - 1 : b;
    return BYTE_RANGE_PART;
}
