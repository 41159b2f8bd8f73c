/* media_lookup.c: the reader's reads of media (see media_lookup.h). */
#include "model/media_lookup.h"

#include <string.h>

/* 1-5 digits at p[*at] into *n, without a leading zero (WordPress writes none: "-0300x200"
 * would be one more address for the same file). */
static bool read_side(const char *p, size_t *at, size_t end, int *n)
{
    size_t start = *at;
    if (*at < end && p[*at] == '0')
        return false;
    int value = 0;
    while (*at < end && p[*at] >= '0' && p[*at] <= '9' && *at - start < 5)
        value = value * 10 + (p[(*at)++] - '0');
    *n = value;
    return *at > start && value > 0;
}

bool media_size_variant_parse(arena *a, const char *path, const char **original, int *width,
                              int *height)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return false;
    /* back from the extension: "-" W "x" H */
    size_t end = (size_t)(dot - path), x = end;
    while (x > (size_t)(name - path) && path[x - 1] >= '0' && path[x - 1] <= '9')
        x--;
    if (x == end || x < 2 || path[x - 1] != 'x')
        return false;
    size_t dash = x - 1;
    while (dash > (size_t)(name - path) && path[dash - 1] >= '0' && path[dash - 1] <= '9')
        dash--;
    if (dash == x - 1 || dash == 0 || path[dash - 1] != '-' || dash - 1 <= (size_t)(name - path))
        return false;
    size_t at = dash;
    if (!read_side(path, &at, x - 1, width) || at != x - 1)
        return false;
    at = x;
    if (!read_side(path, &at, end, height) || at != end)
        return false;
    *original = arena_printf(a, "%.*s%s", (int)(dash - 1), path, dot);
    return true;
}

const struct store_media_file *media_pick_equivalent(const struct store_media_file *files,
                                                     size_t count, const char *mime, int width,
                                                     int height)
{
    const struct store_media_file *covering = NULL, *largest = NULL;
    for (size_t i = 0; i < count; i++) {
        const struct store_media_file *f = &files[i];
        if (strcmp(f->mime, mime) != 0)
            continue;
        if (f->width == width && f->height == height)
            return f;
        long long area = f->width * f->height;
        if (f->width >= width && f->height >= height &&
            (!covering || area < covering->width * covering->height))
            covering = f;
        if (!largest || area > largest->width * largest->height)
            largest = f;
    }
    return covering ? covering : largest;
}

/* The file that stands for "NAME-WxH.EXT": a size of the media whose original is NAME.EXT
 * (or NAME-scaled.EXT, the original WordPress 5.3+ keeps beside its big uploads). */
static int find_equivalent(store *s, arena *a, const char *path, struct store_media_file *out)
{
    const char *original;
    int width, height;
    if (!media_size_variant_parse(a, path, &original, &width, &height))
        return STORE_NOT_FOUND;
    struct store_media media;
    int rc = store_media_find_file(s, a, original, &media);
    if (rc == STORE_NOT_FOUND) {
        const char *dot = strrchr(original, '.');
        const char *scaled = arena_printf(a, "%.*s-scaled%s", (int)(dot - original), original, dot);
        rc = store_media_find_file(s, a, scaled, &media);
    }
    if (rc != STORE_OK)
        return rc;
    if (width > media.width || height > media.height)
        return STORE_NOT_FOUND; /* WordPress never made a size larger than its original */
    struct store_media_file *files;
    size_t count;
    rc = store_media_files(s, a, media.id, &files, &count);
    if (rc != STORE_OK)
        return rc;
    const struct store_media_file *pick =
        media_pick_equivalent(files, count, media.mime, width, height);
    if (!pick)
        return STORE_NOT_FOUND;
    *out = *pick;
    return STORE_OK;
}

int media_file_lookup(store *s, arena *a, const char *path, struct store_media_file *out,
                      bool *equivalent)
{
    *equivalent = false;
    int rc = store_media_file_find(s, a, path, out);
    if (rc != STORE_NOT_FOUND)
        return rc;
    rc = find_equivalent(s, a, path, out);
    *equivalent = rc == STORE_OK;
    return rc;
}

int media_file_bytes(store *s, arena *a, const char *path, const unsigned char **data,
                     size_t *length)
{
    return store_media_file_data(s, a, path, data, length);
}

int media_find_page(store *s, arena *a, const char *page_path, struct store_media *out)
{
    if (!*page_path)
        return STORE_NOT_FOUND; /* "" is the store's "no page" */
    return store_media_find_page(s, a, page_path, out);
}

int media_find_wp_id(store *s, arena *a, long long wp_id, struct store_media *out)
{
    if (wp_id <= 0)
        return STORE_NOT_FOUND;
    return store_media_find_wp_id(s, a, wp_id, out);
}

int media_files_of(store *s, arena *a, long long id, struct store_media_file **files, size_t *count)
{
    return store_media_files(s, a, id, files, count);
}
