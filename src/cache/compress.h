/* compress.h: gzip and brotli variants of a cached page, made once when the page is filled. */
#ifndef GAZETTE_CACHE_COMPRESS_H
#define GAZETTE_CACHE_COMPRESS_H

#include <stdbool.h>

#include "util/buf.h"

/* Whether a response of this Content-Type is worth compressing (text, not PDF or images). */
bool compress_worth_it(const char *content_type);

/* Append the gzip (RFC 1952) or brotli (RFC 7932) encoding of `data` to `out`. They return
 * false, leaving `out` as it was, when the library fails or the result is not smaller. */
bool compress_gzip(strview data, buf *out);
bool compress_brotli(strview data, buf *out);

#endif
