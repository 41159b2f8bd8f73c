/* container.c: walks the chunk structure of JPEG, PNG, GIF and WebP files (container.h says why)
 * to tell a bare image from one carrying metadata. It reads lengths and markers only; libvips
 * decodes the pixels. Any doubt (a length running past the end, an unknown chunk) says "not
 * bare", which only costs a re-encode. */
#include "media/container.h"

#include <stdint.h>
#include <string.h>

static size_t be16(const unsigned char *p)
{
    return ((size_t)p[0] << 8) | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t le32(const unsigned char *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

static bool jpeg_is_bare(const unsigned char *p, size_t n)
{
    size_t i = 2; /* after SOI */
    while (i < n) {
        if (p[i] != 0xFF)
            return false;
        while (i < n && p[i] == 0xFF)
            i++;
        if (i >= n)
            return false;
        unsigned char marker = p[i++];
        if (marker == 0xD9) /* EOI: nothing may follow */
            return i == n;
        if (i + 2 > n)
            return false;
        size_t segment = be16(p + i);
        if (segment < 2 || i + segment > n)
            return false;
        const unsigned char *body = p + i + 2;
        size_t body_length = segment - 2;
        bool allowed = (marker >= 0xC0 && marker <= 0xCF && marker != 0xC8) || marker == 0xDB ||
                       marker == 0xDD || marker == 0xDA ||
                       (marker == 0xE0 && body_length >= 5 && memcmp(body, "JFIF", 5) == 0) ||
                       (marker == 0xEE && body_length >= 5 && memcmp(body, "Adobe", 5) == 0);
        if (!allowed)
            return false;
        i += segment;
        if (marker == 0xDA) { /* entropy-coded data up to the next marker but RSTn */
            while (i + 1 < n &&
                   !(p[i] == 0xFF && p[i + 1] != 0x00 && !(p[i + 1] >= 0xD0 && p[i + 1] <= 0xD7)))
                i++;
            if (i + 1 >= n)
                return false;
        }
    }
    return false;
}

static bool png_is_bare(const unsigned char *p, size_t n)
{
    static const char *const allowed[] = {"IHDR", "PLTE", "IDAT", "tRNS", "gAMA",
                                          "cHRM", "sRGB", "pHYs", "sBIT", "bKGD"};
    size_t i = 8;
    while (i + 12 <= n) {
        uint32_t length = be32(p + i);
        const unsigned char *type = p + i + 4;
        if (length > n - i - 12)
            return false;
        i += 12 + (size_t)length;
        if (memcmp(type, "IEND", 4) == 0)
            return i == n;
        bool known = false;
        for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
            known = known || memcmp(type, allowed[k], 4) == 0;
        if (!known)
            return false;
    }
    return false;
}

/* Skips GIF data sub-blocks from `*i`; false when they run past the end. */
static bool gif_skip_blocks(const unsigned char *p, size_t n, size_t *i)
{
    while (*i < n) {
        size_t size = p[*i];
        *i += 1 + size;
        if (size == 0)
            return *i <= n;
    }
    return false;
}

static bool gif_is_bare(const unsigned char *p, size_t n)
{
    if (n < 13)
        return false;
    size_t i = 13;
    if (p[10] & 0x80)
        i += 3 * ((size_t)1 << ((p[10] & 7) + 1));
    while (i < n) {
        unsigned char block = p[i++];
        if (block == 0x3B) /* trailer */
            return i == n;
        if (block == 0x2C) { /* image: descriptor, local colour table, LZW code size, data */
            if (i + 9 > n)
                return false;
            unsigned char flags = p[i + 8];
            i += 9;
            if (flags & 0x80)
                i += 3 * ((size_t)1 << ((flags & 7) + 1));
            i += 1;
            if (i > n || !gif_skip_blocks(p, n, &i))
                return false;
        } else if (block == 0x21 && i < n) {
            unsigned char label = p[i++];
            if (label == 0xFF) { /* application: only the loop count */
                if (i + 12 > n || p[i] != 11 ||
                    (memcmp(p + i + 1, "NETSCAPE2.0", 11) != 0 &&
                     memcmp(p + i + 1, "ANIMEXTS1.0", 11) != 0))
                    return false;
            } else if (label != 0xF9) { /* comment, plain text, unknown */
                return false;
            }
            if (!gif_skip_blocks(p, n, &i))
                return false;
        } else {
            return false;
        }
    }
    return false;
}

static bool webp_is_bare(const unsigned char *p, size_t n)
{
    static const char *const allowed[] = {"VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF"};
    if (n < 12 || (size_t)le32(p + 4) != n - 8)
        return false;
    size_t i = 12;
    while (i + 8 <= n) {
        uint32_t length = le32(p + i + 4);
        bool known = false;
        for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
            known = known || memcmp(p + i, allowed[k], 4) == 0;
        if (!known || length > n - i - 8)
            return false;
        i += 8 + (size_t)length + (length & 1);
    }
    return i == n;
}

bool image_container_is_bare(enum media_kind kind, const unsigned char *bytes, size_t length)
{
    switch (kind) {
    case MEDIA_KIND_JPEG:
        return jpeg_is_bare(bytes, length);
    case MEDIA_KIND_PNG:
        return png_is_bare(bytes, length);
    case MEDIA_KIND_GIF:
        return gif_is_bare(bytes, length);
    case MEDIA_KIND_WEBP:
        return webp_is_bare(bytes, length);
    default:
        return false;
    }
}

size_t image_webp_drop_metadata(unsigned char *bytes, size_t length)
{
    if (length < 12 || memcmp(bytes, "RIFF", 4) != 0 || memcmp(bytes + 8, "WEBP", 4) != 0)
        return length;
    size_t in = 12, out = 12;
    while (in + 8 <= length) {
        size_t chunk = 8 + (size_t)le32(bytes + in + 4);
        chunk += chunk & 1;
        if (chunk > length - in)
            return length; /* not ours to judge: libwebp wrote it */
        bool metadata = memcmp(bytes + in, "EXIF", 4) == 0 || memcmp(bytes + in, "XMP ", 4) == 0 ||
                        memcmp(bytes + in, "ICCP", 4) == 0;
        if (!metadata) {
            memmove(bytes + out, bytes + in, chunk);
            if (memcmp(bytes + out, "VP8X", 4) == 0 && chunk >= 9)
                bytes[out + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04); /* ICC, EXIF, XMP */
            out += chunk;
        }
        in += chunk;
    }
    uint32_t riff = (uint32_t)(out - 8);
    bytes[4] = (unsigned char)riff;
    bytes[5] = (unsigned char)(riff >> 8);
    bytes[6] = (unsigned char)(riff >> 16);
    bytes[7] = (unsigned char)(riff >> 24);
    return out;
}

bool image_container_is_whole(enum media_kind kind, const unsigned char *bytes, size_t length)
{
    if (kind != MEDIA_KIND_PNG)
        return true;
    size_t i = 8;
    while (i + 12 <= length) {
        uint32_t chunk = be32(bytes + i);
        if (chunk > length - i - 12)
            return false;
        bool end = memcmp(bytes + i + 4, "IEND", 4) == 0;
        i += 12 + (size_t)chunk;
        if (end)
            return true;
    }
    return false;
}
