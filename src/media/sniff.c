/* sniff.c: the kind of a file from its first bytes (image.h), never from its name, and the MIME
 * type and extension each kind is stored and served with. Strict on purpose: a file that only
 * looks like a kind is refused rather than guessed (an SVG must open with its <svg> root). */
#include "media/image.h"

#include <string.h>

static bool starts_with(const unsigned char *bytes, size_t length, const char *magic,
                        size_t magic_length)
{
    return length >= magic_length && memcmp(bytes, magic, magic_length) == 0;
}

/* An MPEG audio frame header (layer I-III): sync, no reserved version, layer, bitrate or rate. */
static bool is_mpeg_audio_frame(const unsigned char *p, size_t length)
{
    if (length < 4 || p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
        return false;
    int version = (p[1] >> 3) & 3, layer = (p[1] >> 1) & 3;
    int bitrate = p[2] >> 4, rate = (p[2] >> 2) & 3;
    return version != 1 && layer != 0 && bitrate != 0 && bitrate != 15 && rate != 3;
}

/* ISO base media ("ftyp" box) with a brand of MP4 video or M4A/M4V audio; HEIF/AVIF and other
 * brands are not ours. */
static bool is_mp4(const unsigned char *p, size_t length)
{
    static const char *const brands[] = {"isom", "iso2", "iso4", "iso5", "iso6",
                                         "mp41", "mp42", "avc1", "M4A ", "M4V ",
                                         "M4B ", "dash", "mmp4", "MSNV", "f4v "};
    if (length < 12 || memcmp(p + 4, "ftyp", 4) != 0)
        return false;
    for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
        if (memcmp(p + 8, brands[i], 4) == 0)
            return true;
    return false;
}

/* EBML with the DocType "webm" (a Matroska file of another doctype is not accepted). */
static bool is_webm(const unsigned char *p, size_t length)
{
    if (!starts_with(p, length, "\x1A\x45\xDF\xA3", 4))
        return false;
    size_t end = length < 64 ? length : 64;
    for (size_t i = 4; i + 7 <= end; i++)
        if (p[i] == 0x42 && p[i + 1] == 0x82 && p[i + 2] == 0x84 &&
            memcmp(p + i + 3, "webm", 4) == 0)
            return true;
    return false;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips from `at` past `close` (NULL when it never comes within the length). */
static const unsigned char *past(const unsigned char *at, const unsigned char *end,
                                 const char *close)
{
    size_t n = strlen(close);
    for (; at + n <= end; at++)
        if (memcmp(at, close, n) == 0)
            return at + n;
    return NULL;
}

/* SVG: text whose root element is <svg>, after an optional BOM, white space, one XML
 * declaration, comments and a DOCTYPE without an internal subset (no entity definitions). Looks
 * at the first 4 KB only; a NUL there is not text. */
static bool is_svg(const unsigned char *bytes, size_t length)
{
    size_t limit = length < 4096 ? length : 4096;
    if (memchr(bytes, 0, limit))
        return false;
    const unsigned char *p = bytes, *end = bytes + limit;
    if (starts_with(p, limit, "\xEF\xBB\xBF", 3))
        p += 3;
    bool declaration_allowed = true, doctype_allowed = true;
    for (;;) {
        while (p < end && is_space(*p))
            p++;
        size_t left = (size_t)(end - p);
        if (declaration_allowed && starts_with(p, left, "<?xml", 5) && left > 5 && is_space(p[5])) {
            p = past(p, end, "?>");
        } else if (starts_with(p, left, "<!--", 4)) {
            p = past(p + 4, end, "-->");
        } else if (doctype_allowed && starts_with(p, left, "<!DOCTYPE", 9)) {
            const unsigned char *close = past(p, end, ">");
            if (!close || memchr(p, '[', (size_t)(close - p)))
                return false;
            p = close;
            doctype_allowed = false;
        } else {
            return starts_with(p, left, "<svg", 4) && left > 4 &&
                   (is_space(p[4]) || p[4] == '>' || p[4] == '/');
        }
        if (!p)
            return false;
        declaration_allowed = false;
    }
}

enum media_kind image_sniff(const unsigned char *bytes, size_t length)
{
    if (!bytes)
        return MEDIA_KIND_UNKNOWN;
    if (starts_with(bytes, length, "\xFF\xD8\xFF", 3))
        return MEDIA_KIND_JPEG;
    if (starts_with(bytes, length, "\x89PNG\r\n\x1A\n", 8))
        return MEDIA_KIND_PNG;
    if (starts_with(bytes, length, "GIF87a", 6) || starts_with(bytes, length, "GIF89a", 6))
        return MEDIA_KIND_GIF;
    if (length >= 12 && memcmp(bytes, "RIFF", 4) == 0) {
        if (memcmp(bytes + 8, "WEBP", 4) == 0)
            return MEDIA_KIND_WEBP;
        if (memcmp(bytes + 8, "WAVE", 4) == 0)
            return MEDIA_KIND_WAV;
        return MEDIA_KIND_UNKNOWN;
    }
    if (starts_with(bytes, length, "%PDF-", 5))
        return MEDIA_KIND_PDF;
    if (starts_with(bytes, length, "ID3", 3) || is_mpeg_audio_frame(bytes, length))
        return MEDIA_KIND_MP3;
    if (is_mp4(bytes, length))
        return MEDIA_KIND_MP4;
    if (starts_with(bytes, length, "OggS", 4))
        return MEDIA_KIND_OGG;
    if (is_webm(bytes, length))
        return MEDIA_KIND_WEBM;
    if (is_svg(bytes, length))
        return MEDIA_KIND_SVG;
    return MEDIA_KIND_UNKNOWN;
}

const char *media_kind_mime(enum media_kind kind)
{
    switch (kind) {
    case MEDIA_KIND_JPEG:
        return "image/jpeg";
    case MEDIA_KIND_PNG:
        return "image/png";
    case MEDIA_KIND_GIF:
        return "image/gif";
    case MEDIA_KIND_WEBP:
        return "image/webp";
    case MEDIA_KIND_SVG:
        return "image/svg+xml";
    case MEDIA_KIND_PDF:
        return "application/pdf";
    case MEDIA_KIND_MP3:
        return "audio/mpeg";
    case MEDIA_KIND_MP4:
        return "video/mp4";
    case MEDIA_KIND_OGG:
        return "audio/ogg";
    case MEDIA_KIND_WAV:
        return "audio/wav";
    case MEDIA_KIND_WEBM:
        return "video/webm";
    case MEDIA_KIND_UNKNOWN:
        break;
    }
    return "";
}

const char *media_kind_extension(enum media_kind kind)
{
    switch (kind) {
    case MEDIA_KIND_JPEG:
        return "jpg";
    case MEDIA_KIND_PNG:
        return "png";
    case MEDIA_KIND_GIF:
        return "gif";
    case MEDIA_KIND_WEBP:
        return "webp";
    case MEDIA_KIND_SVG:
        return "svg";
    case MEDIA_KIND_PDF:
        return "pdf";
    case MEDIA_KIND_MP3:
        return "mp3";
    case MEDIA_KIND_MP4:
        return "mp4";
    case MEDIA_KIND_OGG:
        return "ogg";
    case MEDIA_KIND_WAV:
        return "wav";
    case MEDIA_KIND_WEBM:
        return "webm";
    case MEDIA_KIND_UNKNOWN:
        break;
    }
    return "";
}

bool media_kind_is_image(enum media_kind kind)
{
    return kind == MEDIA_KIND_JPEG || kind == MEDIA_KIND_PNG || kind == MEDIA_KIND_GIF ||
           kind == MEDIA_KIND_WEBP;
}
