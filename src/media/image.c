/* image.c: libvips behind image.h: headers read before any pixel (limits first), the "full"
 * file cleaned of metadata, the sizes by WordPress's arithmetic, the WebP copies, and pixels
 * for the PDF renderer.
 *
 * Safety: only the JPEG, PNG, GIF (libnsgif) and WebP loaders can run (image_init blocks every
 * other loader, and libvips' "untrusted" ones, and this file calls only after image_sniff said
 * one of those four kinds); decoding fails on truncation and errors (fail_on) rather than
 * padding with grey; the operation cache is off, so no decoded pixels outlive a call.
 *
 * The "full" rule: the bytes given are kept when their container holds nothing but the image
 * (container.h lists the chunks). Otherwise (EXIF, and so any orientation or GPS, XMP, IPTC,
 * ICC, comments, trailing bytes) the image is decoded, turned upright, converted to sRGB when it
 * carried a profile, and saved again with every metadata stripped: JPEG Q 90, PNG lossless,
 * WebP Q 90, GIF with all its frames.
 *
 * Sizes: WordPress's image_resize_dimensions decides each size (crop: fill the box from the
 * centre; else fit; never upscaled; a size within a pixel of the original is not made), on the
 * upright dimensions, then vips_thumbnail_buffer makes exactly those dimensions (shrink-on-load).
 * Saved in the original's kind (JPEG Q 82 as WordPress; a GIF's sizes are its first frame, as
 * a still GIF), then as WebP Q 80 unless the original is WebP. */
#include "media/image.h"

#include <glib.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/container.h"

#define FULL_JPEG_QUALITY 90
#define SIZE_JPEG_QUALITY 82 /* WordPress's default for the sizes it makes */
#define FULL_WEBP_QUALITY 90
#define WEBP_COPY_QUALITY 80
/* The loader's options for vips_thumbnail_buffer: in libvips 8.14 its own "fail_on" does not
 * reach the loader (a truncated JPEG shrunk on load then decodes grey without an error). */
#define THUMBNAIL_LOAD_OPTIONS "fail_on=error"

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static bool initialised;

/* libvips' warnings about hostile files would fill the log; failures reach the caller. */
static void drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message,
                         gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

int image_init(const char *program, buf *error)
{
    pthread_mutex_lock(&init_lock);
    if (!initialised) {
        if (VIPS_INIT(program && *program ? program : "gazette") != 0) {
            buf_printf(error, "libvips could not start: %s", vips_error_buffer());
            vips_error_clear();
            pthread_mutex_unlock(&init_lock);
            return -1;
        }
        vips_cache_set_max(0);
        /* one image's work spread over the cores (a 12 MP upload: its decode and re-encode
         * dominate), at most 4 threads: uploads are rare and the pool's other workers serve
         * pages meanwhile */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        vips_concurrency_set(cores < 1 ? 1 : cores > 4 ? 4 : (int)cores);
        vips_block_untrusted_set(TRUE);
        vips_operation_block_set("VipsForeignLoad", TRUE);
        vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
        vips_operation_block_set("VipsForeignLoadPng", FALSE);
        vips_operation_block_set("VipsForeignLoadNsgif", FALSE);
        vips_operation_block_set("VipsForeignLoadWebp", FALSE);
        g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, drop_warning, NULL);
        initialised = true;
    }
    pthread_mutex_unlock(&init_lock);
    return 0;
}

static const char *kind_name(enum media_kind kind)
{
    switch (kind) {
    case MEDIA_KIND_JPEG:
        return "JPEG";
    case MEDIA_KIND_PNG:
        return "PNG";
    case MEDIA_KIND_GIF:
        return "GIF";
    case MEDIA_KIND_WEBP:
        return "WebP";
    default:
        return "file";
    }
}

/* -1 with `what` and the first line of libvips' own message; libvips' error buffer is emptied
 * (it is one for the process: a message is taken as soon as an operation fails). */
static int vips_failure(buf *error, const char *what)
{
    const char *detail = vips_error_buffer();
    int line = (int)strcspn(detail, "\n");
    if (line > 0)
        buf_printf(error, "%s (%.*s)", what, line, detail);
    else
        buf_puts(error, what);
    vips_error_clear();
    return -1;
}

static int corrupt(buf *error, enum media_kind kind)
{
    char what[96];
    snprintf(what, sizeof(what), "the %s image is truncated or corrupt", kind_name(kind));
    return vips_failure(error, what);
}

/* The image of `bytes` through its kind's own loader, lazily (only the header is read now).
 * all_pages: every frame of a GIF or WebP, stacked (page-height says a frame's height). */
static VipsImage *load(enum media_kind kind, const unsigned char *bytes, size_t length,
                       VipsAccess access, bool all_pages)
{
    VipsImage *image = NULL;
    void *data = (void *)bytes; /* libvips' loaders take a non-const pointer; they only read */
    int n = all_pages ? -1 : 1, result = -1;
    switch (kind) {
    case MEDIA_KIND_JPEG:
        result = vips_jpegload_buffer(data, length, &image, "access", access, "fail_on",
                                      VIPS_FAIL_ON_ERROR, NULL);
        break;
    case MEDIA_KIND_PNG:
        result = vips_pngload_buffer(data, length, &image, "access", access, "fail_on",
                                     VIPS_FAIL_ON_ERROR, NULL);
        break;
    case MEDIA_KIND_GIF:
        result = vips_gifload_buffer(data, length, &image, "access", access, "fail_on",
                                     VIPS_FAIL_ON_ERROR, "n", n, NULL);
        break;
    case MEDIA_KIND_WEBP:
        result = vips_webpload_buffer(data, length, &image, "access", access, "fail_on",
                                      VIPS_FAIL_ON_ERROR, "n", n, NULL);
        break;
    default:
        break;
    }
    return result == 0 ? image : NULL;
}

static bool orientation_swaps(VipsImage *image)
{
    int orientation = 1;
    if (vips_image_get_typeof(image, VIPS_META_ORIENTATION) &&
        vips_image_get_int(image, VIPS_META_ORIENTATION, &orientation) == 0)
        return orientation >= 5 && orientation <= 8;
    return false;
}

/* The checks every entry point makes first: size, kind, header, pixels. On success *image is
 * the lazily loaded image with every frame (the caller unrefs it), width/height are a frame's,
 * upright, and has_profile says whether it carries an ICC profile (then sizes are converted to
 * sRGB; without one the pixels are taken as sRGB already, untouched: converting them through
 * libvips' fallback profiles shifts colours). */
static int open_checked(const unsigned char *bytes, size_t length,
                        const struct image_limits *limits, VipsAccess access,
                        enum media_kind *kind_out, int *width, int *height, int *pages,
                        bool *has_profile, VipsImage **image_out, buf *error)
{
    if (limits && limits->max_bytes && length > limits->max_bytes) {
        buf_printf(error, "the file has %zu bytes, more than media.max_mb allows (%zu)", length,
                   limits->max_bytes);
        return -1;
    }
    enum media_kind kind = image_sniff(bytes, length);
    if (kind_out)
        *kind_out = kind;
    if (!media_kind_is_image(kind)) {
        buf_puts(error, "not an image gazette accepts (JPEG, PNG, GIF or WebP)");
        return -1;
    }
    if (!image_container_is_whole(kind, bytes, length)) {
        buf_printf(error, "the %s image is truncated or corrupt", kind_name(kind));
        return -1;
    }
    VipsImage *image = load(kind, bytes, length, access, true);
    if (!image)
        return corrupt(error, kind);
    int w = vips_image_get_width(image), total = vips_image_get_height(image);
    int frame = vips_image_get_page_height(image);
    int n = frame > 0 ? total / frame : 1;
    if (limits && limits->max_pixels > 0 && (long long)w * total > limits->max_pixels) {
        if (n > 1)
            buf_printf(error,
                       "%d frames of %dx%d are more pixels than media.max_megapixels "
                       "allows",
                       n, w, frame);
        else
            buf_printf(error, "%dx%d is more pixels than media.max_megapixels allows", w, total);
        g_object_unref(image);
        return -1;
    }
    bool swap = n == 1 && orientation_swaps(image);
    *width = swap ? frame : w;
    *height = swap ? w : frame;
    *pages = n;
    *has_profile = vips_image_get_typeof(image, VIPS_META_ICC_NAME) != 0;
    *image_out = image;
    return 0;
}

int image_probe(const unsigned char *bytes, size_t length, const struct image_limits *limits,
                enum media_kind *kind, int *width, int *height, buf *error)
{
    VipsImage *image = NULL;
    int pages = 0, w = 0, h = 0;
    bool has_profile;
    if (kind)
        *kind = MEDIA_KIND_UNKNOWN;
    if (open_checked(bytes, length, limits, VIPS_ACCESS_SEQUENTIAL, kind, &w, &h, &pages,
                     &has_profile, &image, error) != 0)
        return -1;
    g_object_unref(image);
    if (width)
        *width = w;
    if (height)
        *height = h;
    return 0;
}

/* The savers, each told to strip; save() below removes the fields first. */
static int save_stripped(VipsImage *image, enum media_kind kind, int quality, void **data,
                         size_t *length)
{
    switch (kind) {
    case MEDIA_KIND_JPEG:
        return vips_jpegsave_buffer(image, data, length, "Q", quality, "strip", TRUE,
                                    "optimize_coding", TRUE, NULL);
    case MEDIA_KIND_PNG:
        return vips_pngsave_buffer(image, data, length, "strip", TRUE, "compression", 6, NULL);
    case MEDIA_KIND_GIF:
        return vips_gifsave_buffer(image, data, length, "strip", TRUE, NULL);
    case MEDIA_KIND_WEBP:
        return vips_webpsave_buffer(image, data, length, "Q", quality, "strip", TRUE, NULL);
    default:
        return -1;
    }
}

/* Copies a libvips-allocated buffer into the arena and frees it. */
static const unsigned char *to_arena(arena *a, void *data, size_t length)
{
    unsigned char *copy = arena_take(a, length ? length : 1);
    memcpy(copy, data, length);
    g_free(data);
    return copy;
}

/* The fields an image keeps on its way out: how its frames are laid out and played. Every
 * other one (exif-*, xmp-data, iptc-data, icc-profile-data, orientation, comments, and what a
 * later libvips may add) is removed before saving, besides the savers' strip. libvips 8.14's
 * webpsave ignores strip and writes an EXIF chunk it makes up (resolution, dimensions):
 * image_webp_drop_metadata removes it from the bytes. */
static const char *const kept_fields[] = {"page-height", "n-pages",         "delay",
                                          "loop",        "gif-delay",       "gif-loop",
                                          "background",  "bits-per-sample", "palette-bit-depth"};

static bool is_kept_field(const char *name)
{
    for (size_t i = 0; i < sizeof(kept_fields) / sizeof(kept_fields[0]); i++)
        if (strcmp(name, kept_fields[i]) == 0)
            return true;
    return false;
}

/* Saves `image` as `kind` without any metadata. */
static int save(VipsImage *image, enum media_kind kind, int quality, void **data, size_t *length)
{
    VipsImage *bare = NULL;
    if (vips_copy(image, &bare, NULL) != 0)
        return -1;
    gchar **fields = vips_image_get_fields(bare);
    for (gchar **field = fields; field && *field; field++)
        if (!is_kept_field(*field))
            vips_image_remove(bare, *field);
    g_strfreev(fields);
    int result = save_stripped(bare, kind, quality, data, length);
    g_object_unref(bare);
    if (result == 0 && kind == MEDIA_KIND_WEBP)
        *length = image_webp_drop_metadata(*data, *length);
    return result;
}

/* The original decoded, upright, in sRGB when it carried a profile (or was CMYK), saved again
 * without metadata. `image` has every frame (access random: rotation needs it). */
static int reencode_full(VipsImage *image, enum media_kind kind, int pages, void **data,
                         size_t *length)
{
    VipsImage *current = image, *next = NULL;
    g_object_ref(current);
    if (pages == 1) {
        if (vips_autorot(current, &next, NULL) != 0)
            goto fail;
        g_object_unref(current);
        current = next;
    }
    if (vips_image_get_typeof(current, VIPS_META_ICC_NAME)) {
        if (vips_icc_transform(current, &next, "srgb", "embedded", TRUE, NULL) != 0)
            goto fail;
        g_object_unref(current);
        current = next;
    } else if (vips_image_get_interpretation(current) == VIPS_INTERPRETATION_CMYK) {
        if (vips_colourspace(current, &next, VIPS_INTERPRETATION_sRGB, NULL) != 0)
            goto fail;
        g_object_unref(current);
        current = next;
    }
    /* Decoded before saving: a decoding error then stops here, and never inside a saver
     * (libvips 8.14's webpsave leaks its encoder when its input fails). */
    next = vips_image_copy_memory(current);
    if (!next)
        goto fail;
    g_object_unref(current);
    current = next;
    int quality = kind == MEDIA_KIND_WEBP ? FULL_WEBP_QUALITY : FULL_JPEG_QUALITY;
    int result = save(current, kind, quality, data, length);
    g_object_unref(current);
    return result;
fail:
    g_object_unref(current);
    return -1;
}

/* WordPress's wp_constrain_dimensions: fit w x h into max_w x max_h (0: unbounded). */
static void constrain(int w, int h, int max_w, int max_h, int *out_w, int *out_h)
{
    if (!max_w && !max_h) {
        *out_w = w;
        *out_h = h;
        return;
    }
    double width_ratio = 1.0, height_ratio = 1.0;
    bool did_width = false, did_height = false;
    if (max_w > 0 && w > max_w) {
        width_ratio = (double)max_w / w;
        did_width = true;
    }
    if (max_h > 0 && h > max_h) {
        height_ratio = (double)max_h / h;
        did_height = true;
    }
    double smaller = fmin(width_ratio, height_ratio), larger = fmax(width_ratio, height_ratio);
    double ratio =
        ((int)round(w * larger) > max_w || (int)round(h * larger) > max_h) ? smaller : larger;
    int new_w = (int)fmax(1, round(w * ratio)), new_h = (int)fmax(1, round(h * ratio));
    if (did_width && new_w == max_w - 1)
        new_w = max_w; /* WordPress's correction of a pixel lost to rounding */
    if (did_height && new_h == max_h - 1)
        new_h = max_h;
    *out_w = new_w;
    *out_h = new_h;
}

/* WordPress's image_resize_dimensions: false when the size is not made. */
static bool size_dimensions(int w, int h, const struct image_size_spec *spec, int *out_w,
                            int *out_h)
{
    int dest_w = spec->width > 0 ? spec->width : 0, dest_h = spec->height > 0 ? spec->height : 0;
    if (w <= 0 || h <= 0 || (dest_w <= 0 && dest_h <= 0))
        return false;
    int new_w, new_h;
    if (spec->crop) {
        double aspect = (double)w / h;
        new_w = dest_w < w ? dest_w : w;
        new_h = dest_h < h ? dest_h : h;
        if (!new_w)
            new_w = (int)round(new_h * aspect);
        if (!new_h)
            new_h = (int)round(new_w / aspect);
    } else {
        constrain(w, h, dest_w, dest_h, &new_w, &new_h);
    }
    if (abs(new_w - w) <= 1 && abs(new_h - h) <= 1)
        return false; /* virtually the original's dimensions */
    if (new_w >= w && new_h >= h && dest_w != w && dest_h != h)
        return false;
    *out_w = new_w;
    *out_h = new_h;
    return true;
}

static struct image_output *add_output(struct image_output *outputs, size_t *count,
                                       const char *size, enum media_kind kind, int width,
                                       int height, const unsigned char *data, size_t length)
{
    struct image_output *o = &outputs[(*count)++];
    o->size = size;
    o->kind = kind;
    o->width = width;
    o->height = height;
    o->data = data;
    o->length = length;
    return o;
}

int image_process(arena *a, const unsigned char *bytes, size_t length,
                  const struct image_limits *limits, const struct image_size_spec *sizes,
                  size_t size_count, bool webp, struct image_output **outputs, size_t *count,
                  buf *error)
{
    *outputs = NULL;
    *count = 0;
    enum media_kind kind;
    int width, height, pages;
    bool has_profile;
    VipsImage *image = NULL;
    if (open_checked(bytes, length, limits, VIPS_ACCESS_RANDOM, &kind, &width, &height, &pages,
                     &has_profile, &image, error) != 0)
        return -1;
    struct image_output *made = arena_alloc(a, sizeof(*made) * (1 + 2 * size_count));
    size_t n = 0;

    if (image_container_is_bare(kind, bytes, length)) {
        add_output(made, &n, "full", kind, width, height, bytes, length);
    } else {
        void *data = NULL;
        size_t data_length = 0;
        if (reencode_full(image, kind, pages, &data, &data_length) != 0) {
            g_object_unref(image);
            return corrupt(error, kind);
        }
        add_output(made, &n, "full", kind, width, height, to_arena(a, data, data_length),
                   data_length);
    }
    g_object_unref(image);

    for (size_t i = 0; i < size_count; i++) {
        int w, h;
        if (!size_dimensions(width, height, &sizes[i], &w, &h))
            continue;
        VipsImage *thumb = NULL, *pixels = NULL;
        if (vips_thumbnail_buffer((void *)bytes, length, &thumb, w, "height", h, "size",
                                  sizes[i].crop ? VIPS_SIZE_DOWN : VIPS_SIZE_FORCE, "crop",
                                  sizes[i].crop ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE,
                                  "option_string", THUMBNAIL_LOAD_OPTIONS, "export_profile",
                                  has_profile ? "srgb" : NULL, NULL) != 0)
            return corrupt(error, kind);
        /* Decoded once, saved twice. */
        pixels = vips_image_copy_memory(thumb);
        g_object_unref(thumb);
        if (!pixels)
            return corrupt(error, kind);
        void *data = NULL;
        size_t data_length = 0;
        if (save(pixels, kind, kind == MEDIA_KIND_WEBP ? WEBP_COPY_QUALITY : SIZE_JPEG_QUALITY,
                 &data, &data_length) != 0) {
            g_object_unref(pixels);
            return corrupt(error, kind);
        }
        int out_w = vips_image_get_width(pixels), out_h = vips_image_get_height(pixels);
        add_output(made, &n, sizes[i].name, kind, out_w, out_h, to_arena(a, data, data_length),
                   data_length);
        if (webp && kind != MEDIA_KIND_WEBP) {
            if (save(pixels, MEDIA_KIND_WEBP, WEBP_COPY_QUALITY, &data, &data_length) != 0) {
                g_object_unref(pixels);
                return corrupt(error, kind);
            }
            add_output(made, &n, sizes[i].name, MEDIA_KIND_WEBP, out_w, out_h,
                       to_arena(a, data, data_length), data_length);
        }
        g_object_unref(pixels);
    }
    vips_error_clear();
    *outputs = made;
    *count = n;
    return 0;
}

int image_decode_argb(arena *a, const unsigned char *bytes, size_t length,
                      const struct image_limits *limits, int max_width, int max_height,
                      unsigned char **pixels, int *width, int *height, buf *error)
{
    *pixels = NULL;
    *width = *height = 0;
    enum media_kind kind;
    int w, h, pages;
    bool has_profile;
    VipsImage *image = NULL;
    if (open_checked(bytes, length, limits, VIPS_ACCESS_SEQUENTIAL, &kind, &w, &h, &pages,
                     &has_profile, &image, error) != 0)
        return -1;
    g_object_unref(image);
    if (max_width <= 0 || max_height <= 0) {
        buf_puts(error, "no room to draw the image in");
        return -1;
    }
    VipsImage *current = NULL, *next = NULL;
    if (vips_thumbnail_buffer((void *)bytes, length, &current, max_width, "height", max_height,
                              "size", VIPS_SIZE_DOWN, "option_string", THUMBNAIL_LOAD_OPTIONS,
                              "export_profile", has_profile ? "srgb" : NULL, NULL) != 0)
        return corrupt(error, kind);
    if (vips_image_get_interpretation(current) != VIPS_INTERPRETATION_sRGB) {
        if (vips_colourspace(current, &next, VIPS_INTERPRETATION_sRGB, NULL) != 0)
            goto fail;
        g_object_unref(current);
        current = next;
    }
    if (vips_image_get_format(current) != VIPS_FORMAT_UCHAR) {
        if (vips_cast_uchar(current, &next, NULL) != 0)
            goto fail;
        g_object_unref(current);
        current = next;
    }
    if (vips_image_get_bands(current) == 3) {
        if (vips_bandjoin_const1(current, &next, 255, NULL) != 0)
            goto fail;
        g_object_unref(current);
        current = next;
    }
    if (vips_image_get_bands(current) != 4) {
        g_object_unref(current);
        buf_puts(error, "the image's colours could not be converted to RGB");
        return -1;
    }
    size_t size = 0;
    unsigned char *rgba = vips_image_write_to_memory(current, &size);
    int out_w = vips_image_get_width(current), out_h = vips_image_get_height(current);
    g_object_unref(current);
    if (!rgba || size != (size_t)out_w * out_h * 4) {
        g_free(rgba);
        return corrupt(error, kind);
    }
    /* RGBA bytes to cairo's ARGB32: one native-endian 32-bit word a pixel, premultiplied. */
    uint32_t *argb = arena_alloc(a, size); /* aligned for 32-bit words */
    for (size_t i = 0; i < size / 4; i++) {
        const unsigned char *p = rgba + 4 * i;
        uint32_t alpha = p[3];
        uint32_t r = (p[0] * alpha + 127) / 255, g = (p[1] * alpha + 127) / 255,
                 b = (p[2] * alpha + 127) / 255;
        argb[i] = (alpha << 24) | (r << 16) | (g << 8) | b;
    }
    g_free(rgba);
    vips_error_clear();
    *pixels = (unsigned char *)argb;
    *width = out_w;
    *height = out_h;
    return 0;
fail:
    g_object_unref(current);
    return corrupt(error, kind);
}
