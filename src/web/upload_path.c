/* upload_path.c: a request's path under uploads to the store's form (see upload_path.h). */
#include "web/upload_path.h"

#include <stdbool.h>
#include <string.h>

#include "util/slug.h"
#include "util/utf8.h"


/* Whether the segment out[start..end) is one the path may hold: not empty, not "." or "..". */
static bool segment_ok(const char *out, size_t start, size_t end)
{
    size_t n = end - start;
    return n > 0 && !(n == 1 && out[start] == '.') &&
           !(n == 2 && out[start] == '.' && out[start + 1] == '.');
}

const char *upload_path_decode(arena *a, const char *sent)
{
    size_t n = strlen(sent);
    if (n == 0 || n > UPLOAD_PATH_MAX)
        return NULL;
    char *out = arena_alloc(a, n + 1);
    size_t len = 0, segment = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)sent[i];
        if (c == '%') {
            int high = i + 2 < n ? hex_digit_value(sent[i + 1]) : -1;
            int low = high >= 0 ? hex_digit_value(sent[i + 2]) : -1;
            if (low < 0)
                return NULL;
            c = (unsigned char)(high * 16 + low);
            i += 2;
            if (c == '/' || c == '\\' || c == 0)
                return NULL; /* a separator or an end no name holds */
        } else if (c == '/') {
            if (!segment_ok(out, segment, len))
                return NULL;
            out[len++] = '/';
            segment = len;
            continue;
        }
        if (c < 0x20 || c == 0x7f || c == '\\')
            return NULL;
        out[len++] = (char)c;
    }
    out[len] = '\0';
    if (!segment_ok(out, segment, len) || !utf8_valid(out, len))
        return NULL;
    return out;
}
