/* container.h (private to media/): whether an image file holds nothing but its pixels and the
 * chunks needed to show them, read from its container structure without decoding a pixel. */
#ifndef GAZETTE_MEDIA_CONTAINER_H
#define GAZETTE_MEDIA_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "media/image.h"

/* True when `bytes` (of `kind`, JPEG/PNG/GIF/WebP) hold only structural chunks, so serving them
 * as they are reveals nothing and needs no rotation:
 *   JPEG: SOFn, DHT, DAC, DQT, DRI, SOS (+ entropy data), APP0 "JFIF", APP14 "Adobe", EOI;
 *   PNG:  IHDR PLTE IDAT IEND tRNS gAMA cHRM sRGB pHYs sBIT bKGD;
 *   GIF:  images, graphic control extensions, the NETSCAPE2.0/ANIMEXTS1.0 loop extension;
 *   WebP: VP8, VP8L, VP8X, ALPH, ANIM, ANMF.
 * Anything else (EXIF with its orientation and GPS, XMP, IPTC, ICC profiles, comments, text,
 * time stamps, unknown chunks, bytes after the end marker such as an appended HTML page) makes
 * it false, and the image is re-encoded without them. */
bool image_container_is_bare(enum media_kind kind, const unsigned char *bytes, size_t length);

/* False when the container says the file is cut short: a PNG chunk longer than the bytes left
 * (libspng would first allocate what the length says, 700 MB for a 100-byte file), or no IEND.
 * Other kinds: true (their loaders check as they read). */
bool image_container_is_whole(enum media_kind kind, const unsigned char *bytes, size_t length);

/* Removes the EXIF, XMP and ICCP chunks of a WebP file libwebp just wrote (and their VP8X flags),
 * in place; the new length. libvips 8.14's webpsave attaches a fresh EXIF even with strip
 * (libvips issue 3340). */
size_t image_webp_drop_metadata(unsigned char *bytes, size_t length);

#endif
