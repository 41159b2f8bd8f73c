/* fuzz_image.c: bytes from outside to media/image.h (and so to libvips' JPEG, PNG, GIF and WebP
 * loaders and savers through it) with tight limits: image_sniff, image_probe, image_process
 * (two small sizes and their WebP copies), image_decode_argb. No crash, and what comes out
 * keeps the promises of image.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "media/container.h"
#include "media/image.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small enough that every input takes milliseconds; large enough for real images. */
static const struct image_limits fuzz_limits = {256 * 1024, 1000000};
static const struct image_size_spec fuzz_sizes[] = {
    {"thumbnail", 24, 24, true},
    {"medium", 64, 0, false},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    fuzz_keep_stderr();
    buf error = {0};
    if (image_init((*argv)[0], &error) != 0) {
        fprintf(stderr, "image_init: %s\n", buf_cstr(&error));
        abort();
    }
    buf_free(&error);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = {0};
    buf error = {0};
    enum media_kind sniffed = image_sniff(data, size);
    FUZZ_CHECK(*media_kind_mime(sniffed) || sniffed == MEDIA_KIND_UNKNOWN, "kind %d has no mime",
               sniffed);

    enum media_kind kind = MEDIA_KIND_UNKNOWN;
    int width = 0, height = 0;
    int probed = image_probe(data, size, &fuzz_limits, &kind, &width, &height, &error);
    FUZZ_CHECK(probed == 0 || error.len > 0, "image_probe failed without a message");
    if (probed == 0) {
        FUZZ_CHECK(kind == sniffed && media_kind_is_image(kind), "probe kind %d, sniffed %d", kind,
                   sniffed);
        FUZZ_CHECK(width > 0 && height > 0 && (long long)width * height <= fuzz_limits.max_pixels,
                   "probe %dx%d", width, height);
    }
    buf_reset(&error);

    struct image_output *outputs = NULL;
    size_t count = 0;
    int processed =
        image_process(&a, data, size, &fuzz_limits, fuzz_sizes, 2, true, &outputs, &count, &error);
    FUZZ_CHECK(processed == 0 || error.len > 0, "image_process failed without a message");
    if (processed == 0) {
        FUZZ_CHECK(probed == 0, "processed what probe refused");
        FUZZ_CHECK(count >= 1 && count <= 5, "%zu outputs", count);
        const struct image_output *full = &outputs[0];
        FUZZ_CHECK(strcmp(full->size, "full") == 0 && full->kind == kind, "first output %s/%d",
                   full->size, full->kind);
        FUZZ_CHECK(full->width == width && full->height == height, "full %dx%d, probe %dx%d",
                   full->width, full->height, width, height);
        for (size_t i = 0; i < count; i++) {
            const struct image_output *o = &outputs[i];
            FUZZ_CHECK(image_sniff(o->data, o->length) == o->kind, "output %zu is not a %s", i,
                       media_kind_extension(o->kind));
            /* What gazette made carries no metadata: a second pass would keep it as it is. The
             * original kept as given is bare by the same rule. */
            FUZZ_CHECK(image_container_is_bare(o->kind, o->data, o->length),
                       "output %zu (%s, %s) still has metadata", i, o->size,
                       media_kind_extension(o->kind));
            if (i == 0)
                continue;
            FUZZ_CHECK(o->width > 0 && o->height > 0 && o->width <= width && o->height <= height,
                       "%s %dx%d from %dx%d", o->size, o->width, o->height, width, height);
            bool crop = strcmp(o->size, "thumbnail") == 0;
            FUZZ_CHECK(crop ? o->width <= 24 && o->height <= 24 : o->width <= 64,
                       "%s %dx%d outside its box", o->size, o->width, o->height);
            enum media_kind again;
            int w, h;
            buf_reset(&error);
            FUZZ_CHECK(image_probe(o->data, o->length, &fuzz_limits, &again, &w, &h, &error) == 0,
                       "output %zu unreadable: %s", i, buf_cstr(&error));
            FUZZ_CHECK(w == o->width && h == o->height, "output %zu says %dx%d, is %dx%d", i,
                       o->width, o->height, w, h);
        }
    }
    buf_reset(&error);

    unsigned char *pixels = NULL;
    int argb_width = 0, argb_height = 0;
    if (image_decode_argb(&a, data, size, &fuzz_limits, 16, 16, &pixels, &argb_width, &argb_height,
                          &error) == 0) {
        FUZZ_CHECK(argb_width >= 1 && argb_width <= 16 && argb_height >= 1 && argb_height <= 16,
                   "argb %dx%d", argb_width, argb_height);
        const uint32_t *words = (const uint32_t *)pixels;
        for (int i = 0; i < argb_width * argb_height; i++) {
            uint32_t p = words[i], alpha = p >> 24;
            FUZZ_CHECK(((p >> 16) & 0xFF) <= alpha && ((p >> 8) & 0xFF) <= alpha &&
                           (p & 0xFF) <= alpha,
                       "pixel %d 0x%08x not premultiplied", i, p);
        }
    } else {
        FUZZ_CHECK(error.len > 0, "image_decode_argb failed without a message");
    }
    buf_free(&error);
    arena_free(&a);
    return 0;
}
