/* image.h: what gazette does to a file's bytes, with libvips and nothing else of the site: the
 * type from the content, limits that refuse decompression bombs, orientation applied and
 * metadata stripped, and the sizes (each also as WebP). No store, no settings: model/media.h
 * gives it the limits and sizes and stores what it makes. Safe from any thread once
 * image_init has run. */
#ifndef GAZETTE_MEDIA_IMAGE_H
#define GAZETTE_MEDIA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

/* The kinds of file gazette stores; anything else is refused. Decided from the bytes. */
enum media_kind {
    MEDIA_KIND_UNKNOWN = 0,
    MEDIA_KIND_JPEG,
    MEDIA_KIND_PNG,
    MEDIA_KIND_GIF,
    MEDIA_KIND_WEBP,
    MEDIA_KIND_SVG,  /* stored as it is; served only as a download in a CSP sandbox */
    MEDIA_KIND_PDF,
    MEDIA_KIND_MP3,
    MEDIA_KIND_MP4,  /* video/mp4 (and audio/mp4 m4a: "M4A " brand) */
    MEDIA_KIND_OGG,
    MEDIA_KIND_WAV,
    MEDIA_KIND_WEBM,
};

/* The kind of a file from its first bytes (the name does not count). */
enum media_kind image_sniff(const unsigned char *bytes, size_t length);
const char *media_kind_mime(enum media_kind kind); /* "image/jpeg"…; "" for unknown */
const char *media_kind_extension(enum media_kind kind); /* "jpg"…; "" for unknown */
/* Whether a kind is a raster image gazette decodes and resizes (JPEG, PNG, GIF, WebP). */
bool media_kind_is_image(enum media_kind kind);

struct image_limits {
    size_t max_bytes;     /* of the input */
    long long max_pixels; /* width x height of the decoded image (each frame) */
};

/* A size to make: fit inside width x height (0: no limit that way), or fill it exactly,
 * cropped from the centre (crop). Never upscaled: a size the original does not exceed is not
 * made (WordPress's rule). */
struct image_size_spec {
    const char *name; /* "thumbnail", "medium", "medium_large", "large" */
    int width, height;
    bool crop;
};

/* One file made. */
struct image_output {
    const char *size;  /* the spec's name, or "full" for the cleaned original */
    enum media_kind kind;
    int width, height;
    const unsigned char *data; /* in the arena */
    size_t length;
};

/* Once per process, before any thread uses the functions below (VIPS_INIT; the cache off,
 * the worker threads bounded). 0, or -1 with a message. */
int image_init(const char *program, buf *error);

/* The kind and the pixel size of an image without decoding it (its header): 0, or -1 with a
 * message a person understands ("not an image gazette accepts", "…x… is more pixels than
 * media.max_megapixels allows"). */
int image_probe(const unsigned char *bytes, size_t length, const struct image_limits *limits,
                enum media_kind *kind, int *width, int *height, buf *error);

/* Makes what a page serves from a raster image: "full" (the original with its orientation
 * applied and all metadata removed; the very bytes given when there was nothing to remove),
 * then each size of `sizes` the image exceeds, each followed by its WebP copy when `webp`.
 * Animated GIFs keep their frames in "full". Outputs live in `a`. 0, or -1 with a message a
 * person understands (truncated or corrupt file, over a limit). */
int image_process(arena *a, const unsigned char *bytes, size_t length,
                  const struct image_limits *limits, const struct image_size_spec *sizes,
                  size_t size_count, bool webp, struct image_output **outputs, size_t *count,
                  buf *error);

/* Decodes an image to premultiplied 32-bit ARGB pixels in native byte order (cairo's
 * CAIRO_FORMAT_ARGB32, stride width * 4), scaled to fit max_width x max_height, for the PDF
 * renderer. Pixels live in `a`. 0, or -1 with a message. */
int image_decode_argb(arena *a, const unsigned char *bytes, size_t length,
                      const struct image_limits *limits, int max_width, int max_height,
                      unsigned char **pixels, int *width, int *height, buf *error);

#endif
