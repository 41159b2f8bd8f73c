/* media_html.c: local images get their sizes, placeholders become galleries and playlists, and
 * featured images are found, from the store at render time (gumbo finds the tags; the HTML
 * between them is copied byte for byte). */
#include "render/media_html.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markup/escape.h"
#include "markup/html_depth.h"
#include "markup/html_tree.h"
#include "model/media.h"

#define SRCSET_MAX_WIDTH 2048 /* WordPress's max_srcset_image_width */
#define GALLERY_ITEMS_MAX 200 /* images one gallery shows; ids past this are ignored */
/* Media of one body looked up (images and gallery items), so that a body of many images or
 * placeholders costs a bounded number of queries; later ones are left as written. */
#define PASS_IMAGES_MAX 1000

static const char gallery_class[] = "gazette-gallery";
static const char playlist_class[] = "gazette-playlist";

static bool mime_is_raster(const char *mime)
{
    return mime && (strcmp(mime, "image/jpeg") == 0 || strcmp(mime, "image/png") == 0 ||
                    strcmp(mime, "image/gif") == 0 || strcmp(mime, "image/webp") == 0);
}

/* WordPress's wp_image_matches_ratio(): the wider image scaled to the narrower's width is
 * within a pixel of its height, so one may stand for the other in a srcset. */
static bool same_shape(long long w1, long long h1, long long w2, long long h2)
{
    if (w1 <= 0 || h1 <= 0 || w2 <= 0 || h2 <= 0)
        return false;
    if (w1 < w2) {
        long long tw = w1, th = h1;
        w1 = w2, h1 = h2, w2 = tw, h2 = th;
    }
    long long expected = (h1 * w2 * 2 + w1) / (2 * w1); /* rounded */
    return llabs(expected - h2) <= 1;
}

/* "URL 300w, URL 768w" (attribute-escaped) of the files of `mime` shaped as `chosen`. */
static const char *srcset_of(arena *a, const struct store_media_file *files, size_t count,
                             const struct store_media_file *chosen, const char *mime,
                             size_t *entries)
{
    buf out = {0};
    long long last_width = 0;
    *entries = 0;
    for (size_t i = 0; i < count; i++) { /* the store gives them by width */
        const struct store_media_file *f = &files[i];
        if (strcmp(f->mime, mime) != 0 || f->width > SRCSET_MAX_WIDTH || f->width == last_width ||
            !same_shape(f->width, f->height, chosen->width, chosen->height))
            continue;
        const char *url = media_url(a, f->path);
        if (out.len)
            buf_puts(&out, ", ");
        escape_url_attribute(url, strlen(url), &out);
        buf_printf(&out, " %lldw", f->width);
        last_width = f->width;
        (*entries)++;
    }
    return arena_take_buf(a, &out);
}

/* Fills `out` from `media` and its `files` with file `chosen` shown. */
static void picture_of(arena *a, const struct store_media *media,
                       const struct store_media_file *files, size_t count,
                       const struct store_media_file *chosen, struct media_picture *out)
{
    memset(out, 0, sizeof *out);
    out->media = *media;
    out->path = chosen->path;
    out->src = media_url(a, chosen->path);
    out->mime = chosen->mime;
    out->bytes = chosen->bytes;
    out->width = (int)chosen->width;
    out->height = (int)chosen->height;
    size_t n;
    out->srcset = srcset_of(a, files, count, chosen, chosen->mime, &n);
    if (n < 2) /* WordPress writes a srcset only when there is a choice */
        out->srcset = "";
    out->webp_srcset = strcmp(chosen->mime, "image/webp") == 0
                           ? ""
                           : srcset_of(a, files, count, chosen, "image/webp", &n);
}

/* The file of `media` at size `size` of the original's kind, else its full file; NULL when
 * neither is a raster image. */
static const struct store_media_file *file_of_size(const struct store_media *media,
                                                   const struct store_media_file *files,
                                                   size_t count, const char *size)
{
    const struct store_media_file *full = NULL;
    for (size_t i = 0; i < count; i++) {
        if (!mime_is_raster(files[i].mime) || strcmp(files[i].mime, media->mime) != 0)
            continue;
        if (size && strcmp(files[i].size, size) == 0)
            return &files[i];
        if (strcmp(files[i].size, "full") == 0)
            full = &files[i];
    }
    return full;
}

int media_picture_find(store *s, arena *a, long long id, const char *size,
                       struct media_picture *out)
{
    struct store_media media;
    int rc = store_media_get(s, a, id, &media);
    if (rc != STORE_OK)
        return rc;
    if (!mime_is_raster(media.mime))
        return STORE_NOT_FOUND;
    struct store_media_file *files;
    size_t count;
    rc = store_media_files(s, a, id, &files, &count);
    if (rc != STORE_OK)
        return rc;
    const struct store_media_file *chosen = file_of_size(&media, files, count, size);
    if (!chosen)
        return STORE_NOT_FOUND;
    picture_of(a, &media, files, count, chosen, out);
    return STORE_OK;
}

static void put_attribute(buf *out, const char *name, const char *value)
{
    buf_printf(out, " %s=\"", name);
    escape_html(value, strlen(value), ESCAPE_QUOTES_DOUBLE, out);
    buf_putc(out, '"');
}

static void put_url_attribute(buf *out, const char *name, const char *url)
{
    buf_printf(out, " %s=\"", name);
    escape_url_attribute(url, strlen(url), out);
    buf_putc(out, '"');
}

/* wp_calculate_image_sizes(): the image is as wide as the screen until the screen is wider. */
static void put_sizes(buf *out, long long width)
{
    buf_printf(out, " sizes=\"(max-width: %lldpx) 100vw, %lldpx\"", width, width);
}

/* <picture><source type="image/webp" …> before an <img>, when there are WebP copies. */
static bool open_picture(const struct media_picture *p, long long shown_width, buf *out)
{
    if (!*p->webp_srcset)
        return false;
    buf_printf(out, "<picture><source type=\"image/webp\" srcset=\"%s\"", p->webp_srcset);
    if (shown_width > 0)
        put_sizes(out, shown_width);
    buf_puts(out, ">");
    return true;
}

static void put_loading(buf *out, bool eager)
{
    if (!eager)
        buf_puts(out, " loading=\"lazy\" decoding=\"async\"");
}

static void picture_img(const struct media_picture *p, const char *class_name, const char *alt,
                        bool eager, bool webp, const char *described_by, buf *out)
{
    bool wrapped = webp && open_picture(p, p->width, out);
    buf_puts(out, "<img");
    put_url_attribute(out, "src", p->src);
    put_attribute(out, "alt", alt ? alt : p->media.alt ? p->media.alt : "");
    if (p->width > 0 && p->height > 0)
        buf_printf(out, " width=\"%d\" height=\"%d\"", p->width, p->height);
    if (class_name && *class_name)
        put_attribute(out, "class", class_name);
    if (*p->srcset) {
        buf_printf(out, " srcset=\"%s\"", p->srcset);
        put_sizes(out, p->width);
    }
    if (described_by)
        put_attribute(out, "aria-describedby", described_by);
    put_loading(out, eager);
    buf_puts(out, ">");
    if (wrapped)
        buf_puts(out, "</picture>");
}

void media_picture_html(const struct media_picture *picture, const char *class_name,
                        const char *alt, bool eager, bool webp, buf *out)
{
    picture_img(picture, class_name, alt, eager, webp, NULL, out);
}

/* ---- the pass ---- */

/* One change to the HTML: bytes [from, to) become `text`. */
struct edit {
    size_t from, to;
    const char *text;
};

struct pass {
    store *s;
    arena *a;
    const struct media_html_options *o;
    const char *html; /* what gumbo parsed (offsets point into it) */
    struct edit *edits;
    size_t edit_count, edit_cap;
    int images;    /* <img> seen so far, for lazy loading */
    int looked_up; /* media looked up in the store (PASS_IMAGES_MAX) */
    int galleries; /* galleries written, for their ids */
    int rc;        /* STORE_OK until a store error */
};

static void add_edit(struct pass *p, size_t from, size_t to, const char *text)
{
    if (p->edit_count == p->edit_cap) {
        size_t cap = p->edit_cap ? p->edit_cap * 2 : 16;
        struct edit *grown = arena_alloc(p->a, cap * sizeof *grown);
        if (p->edit_count)
            memcpy(grown, p->edits, p->edit_count * sizeof *grown);
        p->edits = grown;
        p->edit_cap = cap;
    }
    p->edits[p->edit_count++] = (struct edit){from, to, text};
}

static const char *attribute(const GumboElement *element, const char *name)
{
    const GumboAttribute *attr = gumbo_get_attribute(&element->attributes, name);
    return attr ? attr->value : NULL;
}

/* N of a class "wp-image-N" (the block editor's and the classic editor's mark of media N), or
 * 0. */
static long long wp_image_id(const char *classes)
{
    for (const char *p = classes; p && *p;) {
        p += strspn(p, " \t\n\f\r");
        size_t len = strcspn(p, " \t\n\f\r");
        if (len > 9 && memcmp(p, "wp-image-", 9) == 0) {
            long long id = 0;
            size_t i = 9;
            for (; i < len && p[i] >= '0' && p[i] <= '9' && id < 1000000000000LL; i++)
                id = id * 10 + (p[i] - '0');
            if (i == len)
                return id;
        }
        p += len;
    }
    return 0;
}

/* The name of a path or URL without its directories, query and extension ("a-300x200"). */
static strview file_stem(const char *path)
{
    size_t end = strcspn(path, "?#");
    size_t start = end;
    while (start && path[start - 1] != '/')
        start--;
    size_t dot = end;
    while (dot > start && path[dot - 1] != '.')
        dot--;
    return (strview){path + start, dot > start ? dot - 1 - start : end - start};
}

/* Whether `src` names a file of `media` in another place: "…/a-300x200.jpg" of "2013/01/a.jpg"
 * (an old site's URL the import could not rewrite). A wp-image-N class alone does not make an
 * image of another site ours. */
static bool names_media_file(const char *src, const struct store_media *media)
{
    strview stem = file_stem(media->file), given = file_stem(src);
    return stem.len && given.len >= stem.len && memcmp(given.ptr, stem.ptr, stem.len) == 0 &&
           (given.len == stem.len || given.ptr[stem.len] == '-');
}

/* The media and file an <img> shows, when it is one of the site's: found by the path of its
 * src, else by its wp-image-N class. Returns STORE_OK with *chosen set, STORE_NOT_FOUND, or
 * STORE_ERROR. */
static int find_image(struct pass *p, const GumboElement *img, struct store_media *media,
                      struct store_media_file **files, size_t *count,
                      const struct store_media_file **chosen)
{
    const char *src = attribute(img, "src");
    if (!src || !*src)
        return STORE_NOT_FOUND;
    const char *path = media_path_of_url(p->a, src, p->o->site_url ? p->o->site_url : "", "");
    struct store_media_file file;
    int rc = path ? store_media_file_find(p->s, p->a, path, &file) : STORE_NOT_FOUND;
    long long id = 0;
    bool by_class = rc == STORE_NOT_FOUND;
    if (rc == STORE_OK)
        id = file.media_id;
    else if (by_class)
        id = wp_image_id(attribute(img, "class"));
    if (rc == STORE_ERROR || !id)
        return rc == STORE_ERROR ? STORE_ERROR : STORE_NOT_FOUND;
    rc = store_media_get(p->s, p->a, id, media);
    if (rc != STORE_OK)
        return rc;
    if (!mime_is_raster(media->mime) || (by_class && !names_media_file(src, media)))
        return STORE_NOT_FOUND;
    rc = store_media_files(p->s, p->a, id, files, count);
    if (rc != STORE_OK)
        return rc;
    *chosen = NULL;
    for (size_t i = 0; path && i < *count; i++)
        if (strcmp((*files)[i].path, path) == 0)
            *chosen = &(*files)[i];
    if (!*chosen) {
        /* another address of the media (an old site's "a-300x200.jpg"), or a size not stored
         * here: the file of the size its name or width says, else the full one */
        long long want_width = 0, want_height = 0;
        strview stem = file_stem(src);
        const char *dash = memrchr(stem.ptr, '-', stem.len);
        if (dash && sscanf(dash + 1, "%lldx%lld", &want_width, &want_height) != 2)
            want_width = want_height = 0;
        const char *width = attribute(img, "width");
        if (!want_width && width)
            want_width = atoll(width);
        for (size_t i = 0; want_width && i < *count && !*chosen; i++)
            if ((*files)[i].width == want_width &&
                (!want_height || (*files)[i].height == want_height) &&
                strcmp((*files)[i].mime, media->mime) == 0)
                *chosen = &(*files)[i];
        if (!*chosen)
            *chosen = file_of_size(media, *files, *count, NULL);
    }
    return *chosen && mime_is_raster((*chosen)->mime) ? STORE_OK : STORE_NOT_FOUND;
}

static void rewrite_img(struct pass *p, const GumboNode *node)
{
    const GumboElement *img = &node->v.element;
    bool eager = p->images++ < p->o->eager_images;
    if (!img->original_tag.length || p->looked_up >= PASS_IMAGES_MAX)
        return;
    p->looked_up++;
    struct store_media media;
    struct store_media_file *files;
    size_t count;
    const struct store_media_file *chosen;
    int rc = find_image(p, img, &media, &files, &count, &chosen);
    if (rc == STORE_ERROR)
        p->rc = STORE_ERROR;
    if (rc != STORE_OK)
        return;
    struct media_picture picture;
    picture_of(p->a, &media, files, count, chosen, &picture);
    const char *width = attribute(img, "width"), *height = attribute(img, "height");
    bool sized = width || height;
    long long shown_width = width ? atoll(width) : picture.width;
    buf out = {0};
    bool wrapped = !p->o->print && open_picture(&picture, shown_width, &out);
    buf_puts(&out, "<img");
    for (unsigned i = 0; i < img->attributes.length; i++) {
        const GumboAttribute *attr = img->attributes.data[i];
        if (strcmp(attr->name, "src") == 0)
            put_url_attribute(&out, "src", picture.src);
        else if (strcmp(attr->name, "srcset") && strcmp(attr->name, "sizes") &&
                 strcmp(attr->name, "loading") && strcmp(attr->name, "decoding"))
            put_attribute(&out, attr->name, attr->value);
    }
    if (!sized && picture.width > 0 && picture.height > 0)
        buf_printf(&out, " width=\"%d\" height=\"%d\"", picture.width, picture.height);
    if (*picture.srcset) {
        buf_printf(&out, " srcset=\"%s\"", picture.srcset);
        if (shown_width > 0)
            put_sizes(&out, shown_width);
    }
    put_loading(&out, eager || p->o->print);
    buf_puts(&out, ">");
    if (wrapped)
        buf_puts(&out, "</picture>");
    size_t from = img->start_pos.offset;
    add_edit(p, from, from + img->original_tag.length, arena_take_buf(p->a, &out));
}

/* ---- galleries and playlists ---- */

/* Up to `max` positive ids of a list "1,2, 3" into `ids`; returns how many. */
static size_t parse_ids(const char *list, long long *ids, size_t max)
{
    size_t n = 0;
    for (const char *p = list; p && *p && n < max;) {
        p += strspn(p, " ,");
        long long id = 0;
        bool digits = false;
        for (; *p >= '0' && *p <= '9'; p++, digits = true)
            if (id < 1000000000000LL)
                id = id * 10 + (*p - '0');
        if (digits && id > 0)
            ids[n++] = id;
        else if (*p && !strchr(" ,", *p))
            p++;
    }
    return n;
}

static bool id_listed(long long id, const long long *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static int by_id(const void *x, const void *y)
{
    const struct store_media *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static int by_title(const void *x, const void *y)
{
    const struct store_media *a = x, *b = y;
    int c = strcmp(a->title, b->title);
    return c ? c : by_id(x, y);
}

static int by_date(const void *x, const void *y)
{
    const struct store_media *a = x, *b = y;
    return a->created_at != b->created_at
               ? (a->created_at > b->created_at) - (a->created_at < b->created_at)
               : by_id(x, y);
}

/* The media a placeholder names: its ids (include), else the media attached to its post
 * (data-post, else the post shown) but its exclude, in the order it asks for. Media of
 * `mime_prefix` ("image/", "audio/", "video/") only. */
static int placeholder_media(struct pass *p, const GumboElement *div, const char *mime_prefix,
                             struct store_media **list, size_t *count)
{
    long long ids[GALLERY_ITEMS_MAX], excluded[GALLERY_ITEMS_MAX];
    const char *given = attribute(div, "data-ids");
    if (!given || !*given)
        given = attribute(div, "data-include");
    size_t id_count = parse_ids(given, ids, GALLERY_ITEMS_MAX);
    if (id_count > (size_t)(PASS_IMAGES_MAX - p->looked_up))
        id_count = (size_t)(PASS_IMAGES_MAX - p->looked_up);
    size_t exclude_count = parse_ids(attribute(div, "data-exclude"), excluded, GALLERY_ITEMS_MAX);
    struct store_media *found = arena_alloc(p->a, GALLERY_ITEMS_MAX * sizeof *found);
    size_t n = 0;
    int rc = STORE_OK;
    if (id_count) {
        for (size_t i = 0; i < id_count && rc != STORE_ERROR; i++) {
            p->looked_up++;
            rc = store_media_get(p->s, p->a, ids[i], &found[n]);
            if (rc == STORE_OK)
                n++;
        }
    } else {
        const char *post = attribute(div, "data-post");
        struct store_media_filter filter = {.post_id = post && atoll(post) > 0 ? atoll(post)
                                                                               : p->o->post_id,
                                            .limit = GALLERY_ITEMS_MAX};
        p->looked_up++;
        struct store_media *attached = NULL;
        size_t attached_count = 0;
        rc = filter.post_id ? store_media_list(p->s, p->a, &filter, &attached, &attached_count)
                            : STORE_OK;
        for (size_t i = 0; rc == STORE_OK && i < attached_count; i++)
            if (!id_listed(attached[i].id, excluded, exclude_count))
                found[n++] = attached[i];
        /* WordPress's order for attached media: menu_order, then ID (gazette has no order of
         * its own for media: ID) */
        qsort(found, n, sizeof *found, by_id);
    }
    if (rc == STORE_ERROR)
        return STORE_ERROR;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(found[i].mime, mime_prefix, strlen(mime_prefix)) == 0 &&
            (strcmp(mime_prefix, "image/") != 0 || mime_is_raster(found[i].mime)))
            found[kept++] = found[i];
    const char *orderby = attribute(div, "data-orderby");
    if (orderby && (strcmp(orderby, "ID") == 0 || strcmp(orderby, "id") == 0 ||
                    strcmp(orderby, "menu_order") == 0))
        qsort(found, kept, sizeof *found, by_id);
    else if (orderby && strcmp(orderby, "title") == 0)
        qsort(found, kept, sizeof *found, by_title);
    else if (orderby && strcmp(orderby, "date") == 0)
        qsort(found, kept, sizeof *found, by_date);
    /* "rand" keeps the given order: a cached page would show one shuffle to everyone anyway */
    const char *order = attribute(div, "data-order");
    if (order && (strcmp(order, "DESC") == 0 || strcmp(order, "desc") == 0))
        for (size_t i = 0; i < kept / 2; i++) {
            struct store_media t = found[i];
            found[i] = found[kept - 1 - i];
            found[kept - 1 - i] = t;
        }
    *list = found;
    *count = kept;
    return STORE_OK;
}

/* A class word from a placeholder's value: the sanitizer kept [A-Za-z0-9_ -] only; spaces go
 * too. */
static const char *class_word(arena *a, const char *value, const char *otherwise)
{
    if (!value || !*value)
        return otherwise;
    char *word = arena_strdup(a, value);
    size_t n = 0;
    for (const char *q = value; *q; q++)
        if (*q != ' ')
            word[n++] = *q;
    word[n] = '\0';
    return n ? word : otherwise;
}

/* gallery_shortcode() with the theme's HTML5 support: a figure per image in a div of
 * columns. */
static void write_gallery(struct pass *p, const GumboElement *div, buf *out)
{
    struct store_media *list;
    size_t count;
    int rc = placeholder_media(p, div, "image/", &list, &count);
    if (rc != STORE_OK) {
        p->rc = rc;
        return;
    }
    const char *columns_value = attribute(div, "data-columns");
    long columns = columns_value ? atol(columns_value) : 3;
    if (columns < 1 || columns > 9)
        columns = 3;
    const char *size = class_word(p->a, attribute(div, "data-size"), "thumbnail");
    const char *link = attribute(div, "data-link");
    int gallery = ++p->galleries;
    const char *post = attribute(div, "data-post");
    buf_printf(out,
               "<div id=\"gallery-%d\" class=\"gallery galleryid-%lld gallery-columns-%ld "
               "gallery-size-",
               gallery, post && atoll(post) > 0 ? atoll(post) : p->o->post_id, columns);
    escape_html(size, strlen(size), ESCAPE_QUOTES_DOUBLE, out);
    buf_puts(out, "\">");
    for (size_t i = 0; i < count && p->looked_up < PASS_IMAGES_MAX; i++) {
        struct store_media_file *files;
        size_t file_count;
        p->looked_up++;
        rc = store_media_files(p->s, p->a, list[i].id, &files, &file_count);
        if (rc == STORE_ERROR) {
            p->rc = rc;
            return;
        }
        const struct store_media_file *chosen = file_of_size(&list[i], files, file_count, size);
        const struct store_media_file *full = file_of_size(&list[i], files, file_count, "full");
        if (!chosen || !full)
            continue; /* its file has not come yet */
        struct media_picture picture;
        picture_of(p->a, &list[i], files, file_count, chosen, &picture);
        const char *caption = list[i].caption;
        const char *caption_id =
            *caption ? arena_printf(p->a, "gallery-%d-%lld", gallery, list[i].id) : NULL;
        buf_printf(out, "<figure class=\"gallery-item\"><div class=\"gallery-icon %s\">",
                   picture.height > picture.width ? "portrait" : "landscape");
        const char *href = NULL;
        if (link && strcmp(link, "file") == 0)
            href = media_url(p->a, full->path);
        else if (!link || strcmp(link, "none") != 0)
            href = *list[i].page_path ? list[i].page_path : media_url(p->a, full->path);
        if (href) {
            buf_puts(out, "<a");
            put_url_attribute(out, "href", href);
            buf_puts(out, ">");
        }
        bool eager = p->images++ < p->o->eager_images || p->o->print;
        picture_img(&picture, arena_printf(p->a, "attachment-%s size-%s", size, size), NULL, eager,
                    !p->o->print, caption_id, out);
        if (href)
            buf_puts(out, "</a>");
        buf_puts(out, "</div>");
        if (caption_id) {
            buf_printf(out, "<figcaption class=\"wp-caption-text gallery-caption\" id=\"%s\">",
                       caption_id);
            escape_html(caption, strlen(caption), ESCAPE_QUOTES_NONE, out);
            buf_puts(out, "</figcaption>");
        }
        buf_puts(out, "</figure>");
    }
    buf_puts(out, "</div>");
}

/* [playlist]: WordPress draws its own player with JavaScript; this is the plain form every
 * browser plays: a list of the tracks, each with its title and native controls. */
static void write_playlist(struct pass *p, const GumboElement *div, buf *out)
{
    const char *type = attribute(div, "data-type");
    bool video = type && strcmp(type, "video") == 0;
    struct store_media *list;
    size_t count;
    int rc = placeholder_media(p, div, video ? "video/" : "audio/", &list, &count);
    if (rc != STORE_OK) {
        p->rc = rc;
        return;
    }
    if (!count)
        return;
    buf_printf(out, "<ol class=\"wp-playlist gazette-playlist wp-%s-playlist\">",
               video ? "video" : "audio");
    for (size_t i = 0; i < count; i++) {
        if (!list[i].bytes)
            continue; /* its file has not come yet */
        const char *title = *list[i].title ? list[i].title : list[i].file;
        buf_puts(out, "<li class=\"wp-playlist-item\"><span class=\"wp-playlist-caption\">");
        escape_html(title, strlen(title), ESCAPE_QUOTES_NONE, out);
        buf_printf(out, "</span> <%s controls preload=\"metadata\"", video ? "video" : "audio");
        put_url_attribute(out, "src", media_url(p->a, list[i].file));
        buf_printf(out, "></%s></li>", video ? "video" : "audio");
    }
    buf_puts(out, "</ol>");
}

static void rewrite_placeholder(struct pass *p, const GumboNode *node, bool gallery)
{
    const GumboElement *div = &node->v.element;
    if (!div->original_tag.length || p->looked_up >= PASS_IMAGES_MAX)
        return;
    size_t from = div->start_pos.offset;
    size_t to = div->original_end_tag.length ? div->end_pos.offset + div->original_end_tag.length
                                             : from + div->original_tag.length;
    buf out = {0};
    if (gallery)
        write_gallery(p, div, &out);
    else
        write_playlist(p, div, &out);
    add_edit(p, from, to, arena_take_buf(p->a, &out));
}

static bool pass_enter(void *context, const GumboNode *node)
{
    struct pass *p = context;
    if (p->rc != STORE_OK)
        return false;
    if (node->type == GUMBO_NODE_DOCUMENT)
        return true;
    if (node->type != GUMBO_NODE_ELEMENT)
        return false;
    const GumboElement *element = &node->v.element;
    if (element->tag == GUMBO_TAG_IMG) {
        rewrite_img(p, node);
        return false;
    }
    if (element->tag == GUMBO_TAG_DIV) {
        const char *classes = attribute(element, "class");
        if (classes && strcmp(classes, gallery_class) == 0) {
            rewrite_placeholder(p, node, true);
            return false;
        }
        if (classes && strcmp(classes, playlist_class) == 0) {
            rewrite_placeholder(p, node, false);
            return false;
        }
    }
    return true;
}

static void pass_leave(void *context, const GumboNode *node)
{
    (void)context;
    (void)node;
}

bool media_html_needed(const char *html)
{
    return html &&
           (strstr(html, "<img") || strstr(html, gallery_class) || strstr(html, playlist_class));
}

int media_html_rewrite(store *s, arena *a, const char *html, const struct media_html_options *o,
                       const char **out)
{
    *out = html;
    if (!media_html_needed(html))
        return STORE_OK;
    size_t len = strlen(html);
    buf bounded = {0};
    const char *parsed = html;
    /* bodies stored before the sanitizer bounded nesting may nest deeper; offsets then point
     * into the bounded copy, which is what the page shows */
    if (markup_html_bound_depth(html, len, HTML_DEPTH_FRAGMENT, &bounded)) {
        len = bounded.len;
        parsed = arena_take_buf(a, &bounded);
    }
    GumboOptions options = html_tree_options();
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    GumboOutput *tree = gumbo_parse_with_options(&options, parsed, len);
    struct pass p = {.s = s, .a = a, .o = o, .html = parsed, .rc = STORE_OK};
    html_tree_walk(tree->root, pass_enter, pass_leave, &p);
    gumbo_destroy_output(&options, tree);
    if (p.rc != STORE_OK)
        return p.rc;
    if (!p.edit_count) {
        *out = parsed;
        return STORE_OK;
    }
    buf result = {0};
    buf_reserve(&result, len + 512 * p.edit_count);
    size_t at = 0;
    for (size_t i = 0; i < p.edit_count; i++) { /* in document order, never overlapping */
        const struct edit *e = &p.edits[i];
        if (e->from < at || e->to > len)
            continue;
        buf_append(&result, parsed + at, e->from - at);
        buf_puts(&result, e->text);
        at = e->to;
    }
    buf_append(&result, parsed + at, len - at);
    *out = arena_take_buf(a, &result);
    return STORE_OK;
}

int media_file_for_print(store *s, arena *a, const char *src, const char *site_url, int max_pixels,
                         const char **path)
{
    const char *local = src ? media_path_of_url(a, src, site_url ? site_url : "", "") : NULL;
    if (!local)
        return STORE_NOT_FOUND;
    struct store_media_file file;
    int rc = store_media_file_find(s, a, local, &file);
    if (rc != STORE_OK)
        return rc;
    struct store_media media;
    rc = store_media_get(s, a, file.media_id, &media);
    if (rc != STORE_OK)
        return rc;
    struct store_media_file *files;
    size_t count;
    rc = store_media_files(s, a, file.media_id, &files, &count);
    if (rc != STORE_OK)
        return rc;
    /* the original's kind, the largest that fits; else the smallest there is */
    const struct store_media_file *best = NULL, *smallest = NULL;
    for (size_t i = 0; i < count; i++) {
        const struct store_media_file *f = &files[i];
        if (!mime_is_raster(f->mime) || strcmp(f->mime, media.mime) != 0 ||
            !same_shape(f->width, f->height, file.width, file.height))
            continue;
        if (f->width <= max_pixels && f->height <= max_pixels && (!best || f->width > best->width))
            best = f;
        if (!smallest || f->width < smallest->width)
            smallest = f;
    }
    if (!best)
        best = smallest;
    *path = best ? best->path : file.path;
    return mime_is_raster(best ? best->mime : file.mime) ? STORE_OK : STORE_NOT_FOUND;
}
