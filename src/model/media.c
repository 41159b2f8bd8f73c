/* media.c: what may be stored as media, under which names, and the one transaction that stores
 * a media with its files (media.h).
 *
 * Names. A new upload is stored at "YYYY/MM/NAME.EXT" (the month of its date, UTC): NAME is the
 * uploaded name without its extension, made safe as WordPress's sanitize_file_name would and
 * stricter (slug_from_title: lowercase ASCII letters, digits, '-' and '_'; accents removed, any
 * other character gone; "unnamed-file" when nothing is left), EXT the sniffed kind's extension
 * (never the name's). An import keeps the path it gives. Sizes are "NAME-WxH.EXT" (EXT of their
 * kind: a GIF's sizes stay .gif) and their WebP copies "NAME-WxH.webp", as WordPress names
 * sizes. A WebP copy may thus have the name of another upload's WebP size; so a new name is
 * unique (NAME-1, NAME-2… as wp_unique_filename) against every path its media would write,
 * the original and each size and copy, not only the original's.
 *
 * Attachment pages. An import keeps its page_path; otherwise a media attached to a post answers
 * at the post's path + SLUG + "/" (as WordPress), an unattached one at "/attachment/SLUG/". The
 * slug comes from the title (slug.h), the title from the file name when none is given; both
 * page path and slug get -2, -3… when the path is taken by a media or a post.
 *
 * Files are made (image_process) before the transaction; the names are chosen inside it, so
 * two uploads of "a.jpg" at once get a.jpg and a-1.jpg. */
#include "model/media.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model/settings.h"
#include "util/slug.h"

#define NAME_MAX_BYTES 100 /* of a new file's NAME, before -N */
#define TITLE_MAX_BYTES 200
#define UNIQUE_TRIES 1000
#define UPLOADS_PREFIX "/wp-content/uploads/"

void media_settings_read(store *s, arena *a, struct media_settings *out)
{
    static const struct {
        const char *name;
        enum setting_key key;
        int width, height; /* when the setting cannot be read */
        bool crop;
    } sizes[] = {
        {"thumbnail", SETTING_MEDIA_THUMBNAIL_SIZE, 150, 150, true},
        {"medium", SETTING_MEDIA_MEDIUM_SIZE, 300, 300, false},
        {"medium_large", SETTING_COUNT, 768, 0, false}, /* fixed, as in WordPress */
        {"large", SETTING_MEDIA_LARGE_SIZE, 1024, 1024, false},
    };
    memset(out, 0, sizeof(*out));
    out->limits.max_bytes = (size_t)settings_get_int(s, a, SETTING_MEDIA_MAX_MB) * 1024 * 1024;
    out->limits.max_pixels = settings_get_int(s, a, SETTING_MEDIA_MAX_MEGAPIXELS) * 1000000LL;
    for (size_t i = 0; i < 4; i++) {
        struct image_size_spec *spec = &out->sizes[i];
        spec->name = sizes[i].name;
        spec->crop = sizes[i].crop;
        spec->width = sizes[i].width;
        spec->height = sizes[i].height;
        int width, height;
        if (sizes[i].key != SETTING_COUNT &&
            settings_size_parse(settings_get(s, a, sizes[i].key), &width, &height)) {
            spec->width = width;
            spec->height = height;
        }
    }
    out->size_count = 4;
    out->webp = settings_get_bool(s, a, SETTING_MEDIA_WEBP);
}

/* ---- names ---- */

/* The last segment of a name given with a file ("C:\photos\IMG_1.JPG" gives "IMG_1.JPG"). */
static const char *base_name(const char *filename)
{
    const char *base = filename ? filename : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    return base;
}

/* The name without its extension (a leading dot is no extension: ".htaccess"). */
static const char *stem(arena *a, const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? arena_strndup(a, name, (size_t)(dot - name)) : name;
}

/* NAME of a new file (the file comment above says the rule). */
static const char *safe_name(arena *a, const char *filename)
{
    const char *slug = slug_from_title(a, stem(a, base_name(filename)));
    char *out = arena_take(a, strlen(slug) + 1);
    size_t n = 0;
    for (const char *p = slug; *p && n < NAME_MAX_BYTES; p++) {
        char c = *p;
        if (c == '%' && p[1] && p[2]) { /* an encoded non-Latin character: dropped */
            p += 2;
            c = '-';
        }
        bool dash = c == '-';
        if (dash && (n == 0 || out[n - 1] == '-'))
            continue;
        out[n++] = c;
    }
    while (n && (out[n - 1] == '-' || out[n - 1] == '_'))
        n--;
    out[n] = '\0';
    return n ? out : "unnamed-file";
}

/* Whether `path` may be a path under uploads: relative, segments neither empty nor "." nor
 * "..", no backslash, control character or '%' (what media_path_of_url would have to guess
 * about), at most 1000 bytes. */
static bool path_is_safe(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n == 0 || n > 1000)
        return false;
    const char *segment = path;
    for (const char *p = path;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t len = (size_t)(p - segment);
            if (len == 0 || (len == 1 && segment[0] == '.') ||
                (len == 2 && segment[0] == '.' && segment[1] == '.'))
                return false;
            if (*p == '\0')
                return true;
            segment = p + 1;
        } else if ((unsigned char)*p < 0x20 || *p == 0x7F || *p == '\\' || *p == '%') {
            return false;
        }
    }
}

/* ---- the files of a media ---- */

/* One file to store: `suffix` ("" for the original, "-150x150") before the extension. */
struct planned_file {
    const char *size;
    enum media_kind kind;
    int width, height;
    const unsigned char *data;
    size_t length;
    const char *etag;
    const char *path; /* chosen in the transaction, or fixed (an extra, an import's original) */
    bool fixed;
    bool skipped; /* a generated size whose path another media holds */
};

static const char *etag_of(arena *a, const unsigned char *data, size_t length)
{
    unsigned char hash[16];
    crypto_generichash(hash, sizeof(hash), data, length, NULL, 0);
    char *hex = arena_take(a, sizeof(hash) * 2 + 1);
    sodium_bin2hex(hex, sizeof(hash) * 2 + 1, hash, sizeof(hash));
    return hex;
}

static void plan(arena *a, struct planned_file *f, const char *size, enum media_kind kind,
                 int width, int height, const unsigned char *data, size_t length)
{
    memset(f, 0, sizeof(*f));
    f->size = size;
    f->kind = kind;
    f->width = width;
    f->height = height;
    f->data = data;
    f->length = length;
    f->etag = etag_of(a, data, length);
}

/* The files made from `bytes`: for a raster image the outputs of image_process, else the bytes
 * as one "full" file. 0, or -2 with a message naming `what` (refused: kind, limit, corrupt). */
static int make_files(arena *a, const struct media_settings *settings, const char *what,
                      const unsigned char *bytes, size_t length, enum media_kind *kind,
                      struct planned_file **files, size_t *count, buf *error)
{
    if (length > settings->limits.max_bytes) {
        buf_printf(error, "%s: %zu bytes is more than media.max_mb allows (%zu MiB)", what, length,
                   settings->limits.max_bytes >> 20);
        return -2;
    }
    *kind = image_sniff(bytes, length);
    if (*kind == MEDIA_KIND_UNKNOWN) {
        buf_printf(error,
                   "%s is not a kind of file gazette stores (JPEG, PNG, GIF, WebP, SVG, PDF, "
                   "MP3, MP4, Ogg, WAV or WebM, decided from its content)",
                   what);
        return -2;
    }
    if (!media_kind_is_image(*kind)) {
        *files = arena_alloc(a, sizeof(**files));
        plan(a, *files, "full", *kind, 0, 0, bytes, length);
        *count = 1;
        return 0;
    }
    struct image_output *outputs;
    size_t n;
    buf message = {0};
    if (image_process(a, bytes, length, &settings->limits, settings->sizes, settings->size_count,
                      settings->webp, &outputs, &n, &message) != 0) {
        buf_printf(error, "%s: %s", what, buf_cstr(&message));
        buf_free(&message);
        return -2;
    }
    buf_free(&message);
    *files = arena_alloc(a, sizeof(**files) * n);
    for (size_t i = 0; i < n; i++)
        plan(a, &(*files)[i], outputs[i].size, outputs[i].kind, outputs[i].width, outputs[i].height,
             outputs[i].data, outputs[i].length);
    *count = n;
    return 0;
}

/* Paths of every generated file from `base` ("2024/05/photo"); the original at `original`
 * when given (an import's, kept), else base + "." + its kind's extension. */
static void name_files(arena *a, struct planned_file *files, size_t count, const char *base,
                       const char *original)
{
    for (size_t i = 0; i < count; i++) {
        struct planned_file *f = &files[i];
        if (f->fixed)
            continue;
        f->skipped = false;
        if (i == 0)
            f->path =
                original ? original : arena_printf(a, "%s.%s", base, media_kind_extension(f->kind));
        else
            f->path = arena_printf(a, "%s-%dx%d.%s", base, f->width, f->height,
                                   media_kind_extension(f->kind));
    }
}

/* Whether `path` is free for media `media_id` (0: a new media): STORE_OK and *free. */
static int path_free(store *tx, arena *a, const char *path, long long media_id, bool *free_out)
{
    struct store_media_file existing;
    int rc = store_media_file_find(tx, a, path, &existing);
    if (rc == STORE_ERROR)
        return rc;
    *free_out = rc == STORE_NOT_FOUND || (media_id && existing.media_id == media_id);
    return STORE_OK;
}

/* Writes the files (original first); a generated size whose path another media holds is left
 * out. *refusal is set (nothing more written) when the original's path is another's. */
static int put_files(store *tx, arena *a, long long media_id, struct planned_file *files,
                     size_t count, const char **refusal)
{
    for (size_t i = 0; i < count; i++) {
        struct planned_file *f = &files[i];
        if (f->skipped)
            continue;
        struct store_media_file file = {
            .media_id = media_id,
            .path = f->path,
            .size = f->size,
            .mime = media_kind_mime(f->kind),
            .width = f->width,
            .height = f->height,
            .bytes = (long long)f->length,
            .etag = f->etag,
            .data = f->data,
        };
        int rc = store_media_file_put(tx, &file, NULL);
        if (rc == STORE_CONFLICT && i > 0) {
            f->skipped = true;
            continue;
        }
        if (rc == STORE_CONFLICT) {
            *refusal = arena_printf(a, "%s is already the file of another media", f->path);
            return STORE_ERROR; /* undoes the media inserted before */
        }
        if (rc != STORE_OK)
            return STORE_ERROR;
    }
    return STORE_OK;
}

/* ---- media_add ---- */

struct add_write {
    arena *a;
    const struct media_upload *upload;
    struct store_media media; /* all but file, slug, page_path */
    struct planned_file *files;
    size_t count;
    const char *base;      /* "YYYY/MM/NAME" of a new upload; NULL for an import's path */
    const char *slug;      /* before -N */
    const char *page_base; /* the page path before its slug: "/attachment/", "/2020/01/post/" */
    const char *page_path; /* an import's, kept */
    const char *refusal;   /* set when nothing was stored for a reason a person must hear */
    long long id;
};

/* A page path free among media and posts, with the slug that makes it. */
static int unique_page(store *tx, struct add_write *w)
{
    for (int n = 1; n <= UNIQUE_TRIES; n++) {
        const char *slug = n == 1 ? w->slug : arena_printf(w->a, "%s-%d", w->slug, n);
        const char *path =
            w->page_path && n == 1 ? w->page_path
            : w->page_path
                ? arena_printf(w->a, "%.*s-%d/", (int)strlen(w->page_path) - 1, w->page_path, n)
                : arena_printf(w->a, "%s%s/", w->page_base, slug);
        struct store_media media;
        struct store_post post;
        int rc = store_media_find_page(tx, w->a, path, &media);
        if (rc == STORE_NOT_FOUND)
            rc = store_post_find_path(tx, w->a, path, &post) == STORE_NOT_FOUND ? STORE_OK : rc;
        else if (rc == STORE_OK)
            rc = STORE_CONFLICT;
        if (rc == STORE_ERROR)
            return rc;
        if (rc == STORE_OK) {
            w->media.slug = slug;
            w->media.page_path = path;
            return STORE_OK;
        }
    }
    w->refusal = "no free attachment page address";
    return STORE_OK;
}

static int add_transaction(store *tx, void *arg)
{
    struct add_write *w = arg;
    w->refusal = NULL;
    w->id = 0;
    if (!w->base) { /* an import's path, kept: refused when another media has it */
        const char *file = w->upload->file;
        struct store_media existing;
        int rc = store_media_find_file(tx, w->a, file, &existing);
        if (rc == STORE_ERROR)
            return rc;
        if (rc == STORE_OK) {
            w->refusal = arena_printf(w->a, "%s is already stored (media %lld)", file, existing.id);
            return STORE_OK;
        }
        const char *slash = strrchr(file, '/'), *dot = strrchr(file, '.');
        const char *base = dot && (!slash || dot > slash + 1)
                               ? arena_strndup(w->a, file, (size_t)(dot - file))
                               : file;
        name_files(w->a, w->files, w->count, base, file);
        for (size_t i = 0; i < w->count; i++) {
            bool free_path;
            if (path_free(tx, w->a, w->files[i].path, 0, &free_path) != STORE_OK)
                return STORE_ERROR;
            if (!free_path && i == 0) {
                w->refusal = arena_printf(w->a, "%s is already the file of another media", file);
                return STORE_OK;
            }
            w->files[i].skipped = !free_path;
        }
        w->media.file = file;
    } else {
        bool found = false;
        for (int n = 0; n < UNIQUE_TRIES && !found; n++) {
            const char *base = n ? arena_printf(w->a, "%s-%d", w->base, n) : w->base;
            name_files(w->a, w->files, w->count, base, NULL);
            found = true;
            for (size_t i = 0; i < w->count && found; i++)
                if (path_free(tx, w->a, w->files[i].path, 0, &found) != STORE_OK)
                    return STORE_ERROR;
        }
        if (!found) {
            w->refusal = arena_printf(w->a, "no free name for %s", w->base);
            return STORE_OK;
        }
        w->media.file = w->files[0].path;
    }
    if (unique_page(tx, w) != STORE_OK)
        return STORE_ERROR;
    if (w->refusal)
        return STORE_OK;
    if (store_media_insert(tx, &w->media, &w->id) != STORE_OK)
        return STORE_ERROR;
    return put_files(tx, w->a, w->id, w->files, w->count, &w->refusal);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* A title made from a file name: its name without the extension, at most TITLE_MAX_BYTES. */
static const char *title_from_filename(arena *a, const char *filename)
{
    const char *title = stem(a, base_name(filename));
    size_t n = strlen(title);
    if (n > TITLE_MAX_BYTES) {
        n = TITLE_MAX_BYTES;
        while (n && ((unsigned char)title[n] & 0xC0) == 0x80)
            n--; /* not inside a UTF-8 character */
    }
    return arena_strndup(a, title, n);
}

int media_add(store *s, arena *a, const struct media_settings *settings,
              const struct media_upload *upload, long long *id, buf *error)
{
    const char *what = upload->filename && *upload->filename ? upload->filename
                       : upload->file                        ? upload->file
                                                             : "the file";
    *id = 0;
    if (sodium_init() < 0) {
        buf_puts(error, "libsodium could not start");
        return -1;
    }
    struct add_write w = {.a = a, .upload = upload};
    if (upload->file && !path_is_safe(upload->file)) {
        buf_printf(error, "%s: \"%s\" is not a path under uploads gazette keeps", what,
                   upload->file);
        return -2;
    }
    enum media_kind kind = MEDIA_KIND_UNKNOWN;
    if (upload->bytes || upload->length) {
        int rc = make_files(a, settings, what, upload->bytes, upload->length, &kind, &w.files,
                            &w.count, error);
        if (rc != 0)
            return rc;
    } else if (!upload->file) {
        buf_printf(error, "%s: a media without its file needs the path it will have", what);
        return -2;
    }
    long long created_at = upload->created_at ? upload->created_at : (long long)time(NULL);
    if (!upload->file) {
        time_t t = (time_t)created_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        w.base = arena_printf(a, "%04d/%02d/%s", tm.tm_year + 1900, tm.tm_mon + 1,
                              safe_name(a, upload->filename));
    }
    const char *title =
        upload->title && *upload->title
            ? upload->title
            : title_from_filename(a, upload->filename ? upload->filename : or_empty(upload->file));
    w.slug = upload->slug && *upload->slug ? upload->slug : slug_from_title(a, title);
    if (!*w.slug)
        w.slug = upload->file ? safe_name(a, upload->file) : safe_name(a, upload->filename);
    w.page_path = upload->page_path && *upload->page_path ? upload->page_path : NULL;
    if (w.page_path && (w.page_path[0] != '/' || w.page_path[strlen(w.page_path) - 1] != '/')) {
        buf_printf(error, "%s: the attachment page \"%s\" is not a path", what, w.page_path);
        return -2;
    }
    w.page_base = "/attachment/";
    if (!w.page_path && upload->post_id) {
        struct store_post parent;
        int rc = store_post_get(s, a, upload->post_id, &parent);
        if (rc == STORE_ERROR) {
            buf_puts(error, store_error(s));
            return -1;
        }
        if (rc == STORE_OK && parent.path && *parent.path)
            w.page_base = parent.path;
    }
    const struct planned_file *full = w.count ? &w.files[0] : NULL;
    w.media = (struct store_media){
        .id = upload->id,
        .wp_id = upload->wp_id,
        .post_id = upload->post_id,
        .author_id = upload->author_id,
        .title = title,
        .caption = or_empty(upload->caption),
        .alt = or_empty(upload->alt),
        .description = or_empty(upload->description),
        .mime = full ? media_kind_mime(kind) : "",
        .width = full ? full->width : 0,
        .height = full ? full->height : 0,
        .bytes = full ? (long long)full->length : 0,
        .created_at = created_at,
    };
    int rc = store_write(s, add_transaction, &w);
    if (w.refusal) {
        buf_printf(error, "%s: %s", what, w.refusal);
        return -2;
    }
    if (rc != STORE_OK) {
        buf_puts(error, store_error(s));
        return -1;
    }
    *id = w.id;
    return 0;
}

/* ---- media_attach ---- */

struct attach_write {
    arena *a;
    struct store_media media;
    struct planned_file *files;
    size_t count;
    const char *refusal;
};

static int attach_transaction(store *tx, void *arg)
{
    struct attach_write *w = arg;
    w->refusal = NULL;
    for (size_t i = 0; i < w->count; i++)
        w->files[i].skipped = false;
    if (store_media_files_clear(tx, w->media.id) != STORE_OK)
        return STORE_ERROR;
    if (put_files(tx, w->a, w->media.id, w->files, w->count, &w->refusal) != STORE_OK)
        return STORE_ERROR;
    return store_media_update(tx, &w->media) == STORE_OK ? STORE_OK : STORE_ERROR;
}

/* An extra file as it may be stored: its bytes when bare, else image_process's cleaned full.
 * false (with a note in `skipped`) when it is not an image gazette accepts. */
static bool plan_extra(arena *a, const struct media_settings *settings,
                       const struct media_extra_file *e, struct planned_file *f, buf *skipped)
{
    if (!path_is_safe(e->path)) {
        buf_printf(skipped, "%s%s: not a path under uploads", skipped->len ? "; " : "",
                   or_empty(e->path));
        return false;
    }
    struct image_output *outputs;
    size_t n;
    buf message = {0};
    if (e->length > settings->limits.max_bytes ||
        image_process(a, e->bytes, e->length, &settings->limits, NULL, 0, false, &outputs, &n,
                      &message) != 0) {
        buf_printf(skipped, "%s%s: %s", skipped->len ? "; " : "", e->path,
                   message.len ? buf_cstr(&message) : "over media.max_mb");
        buf_free(&message);
        return false;
    }
    buf_free(&message);
    plan(a, f, e->size && *e->size ? arena_strdup(a, e->size) : "extra", outputs[0].kind,
         outputs[0].width, outputs[0].height, outputs[0].data, outputs[0].length);
    f->path = e->path;
    f->fixed = true;
    return true;
}

int media_attach(store *s, arena *a, const struct media_settings *settings, long long id,
                 const unsigned char *bytes, size_t length, const struct media_extra_file *extra,
                 size_t extra_count, buf *error)
{
    if (sodium_init() < 0) {
        buf_puts(error, "libsodium could not start");
        return -1;
    }
    struct attach_write w = {.a = a};
    int rc = store_media_get(s, a, id, &w.media);
    if (rc == STORE_NOT_FOUND) {
        buf_printf(error, "there is no media %lld", id);
        return -2;
    }
    if (rc != STORE_OK) {
        buf_puts(error, store_error(s));
        return -1;
    }
    const char *file = w.media.file;
    if (!path_is_safe(file)) {
        buf_printf(error, "media %lld: its path \"%s\" is not a path under uploads", id, file);
        return -2;
    }
    enum media_kind kind;
    struct planned_file *made;
    size_t made_count;
    if ((rc = make_files(a, settings, file, bytes, length, &kind, &made, &made_count, error)) != 0)
        return rc;
    const char *slash = strrchr(file, '/'), *dot = strrchr(file, '.');
    const char *base =
        dot && (!slash || dot > slash + 1) ? arena_strndup(a, file, (size_t)(dot - file)) : file;
    name_files(a, made, made_count, base, file);
    made[0].fixed = true;

    /* Generated files first, then the old site's at their own paths (an extra at a generated
     * path replaces it: the old bytes, cleaned, answer at the old URL). */
    w.files = arena_alloc(a, sizeof(*w.files) * (made_count + extra_count));
    memcpy(w.files, made, sizeof(*made) * made_count);
    w.count = made_count;
    buf skipped = {0};
    for (size_t i = 0; i < extra_count; i++) {
        if (strcmp(or_empty(extra[i].path), file) == 0)
            continue; /* the original itself: made above */
        if (plan_extra(a, settings, &extra[i], &w.files[w.count], &skipped))
            w.count++;
    }
    w.media.mime = media_kind_mime(kind);
    w.media.width = made[0].width;
    w.media.height = made[0].height;
    w.media.bytes = (long long)made[0].length;
    rc = store_write(s, attach_transaction, &w);
    if (w.refusal) {
        buf_printf(error, "media %lld: %s", id, w.refusal);
        buf_free(&skipped);
        return -2;
    }
    if (rc != STORE_OK) {
        buf_puts(error, store_error(s));
        buf_free(&skipped);
        return -1;
    }
    /* Files of the old site that could not be kept are named for the caller's summary; the
     * media itself is stored. */
    if (skipped.len)
        buf_printf(error, "skipped %s", buf_cstr(&skipped));
    buf_free(&skipped);
    return 0;
}

/* ---- URLs ---- */

const char *media_url(arena *a, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = arena_take(a, sizeof(UPLOADS_PREFIX) + 3 * n);
    memcpy(out, UPLOADS_PREFIX, sizeof(UPLOADS_PREFIX) - 1);
    char *o = out + sizeof(UPLOADS_PREFIX) - 1;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}


/* `url` without "scheme://" ("//" too), for comparing hosts whatever the scheme. */
static const char *after_scheme(const char *url)
{
    if (strncmp(url, "//", 2) == 0)
        return url + 2;
    if (strncasecmp(url, "http://", 7) == 0)
        return url + 7;
    if (strncasecmp(url, "https://", 8) == 0)
        return url + 8;
    return NULL;
}

/* The rest of `url` after the site `site` (scheme either way, host in any case), or NULL. */
static const char *after_site(const char *url, const char *site)
{
    const char *u = after_scheme(url), *s = site && *site ? after_scheme(site) : NULL;
    if (!u || !s)
        return NULL;
    size_t n = strlen(s);
    while (n && s[n - 1] == '/')
        n--;
    if (n == 0 || strncasecmp(u, s, n) != 0 || u[n] != '/')
        return NULL;
    return u + n;
}

const char *media_path_of_url(arena *a, const char *url, const char *site_url, const char *old_site)
{
    if (!url)
        return NULL;
    size_t n = strcspn(url, "?#");
    const char *whole = arena_strndup(a, url, n), *path = whole;
    if (after_scheme(whole)) {
        path = after_site(whole, site_url);
        if (!path)
            path = after_site(whole, old_site);
        if (!path)
            return NULL;
    }
    if (strncmp(path, UPLOADS_PREFIX, sizeof(UPLOADS_PREFIX) - 1) != 0)
        return NULL;
    path += sizeof(UPLOADS_PREFIX) - 1;
    char *decoded = arena_take(a, strlen(path) + 1), *o = decoded;
    for (const char *p = path; *p; p++) {
        if (*p != '%') {
            *o++ = *p;
            continue;
        }
        int high = hex_digit_value(p[1]), low = high < 0 ? -1 : hex_digit_value(p[2]);
        if (low < 0)
            return NULL;
        char c = (char)(high * 16 + low);
        if (c == '/' || c == '\\' || c == '%' || (unsigned char)c < 0x20)
            return NULL; /* a separator or escape hidden in an escape is never a file's */
        *o++ = c;
        p += 2;
    }
    *o = '\0';
    return path_is_safe(decoded) ? decoded : NULL;
}
