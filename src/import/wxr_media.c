/* wxr_media.c: attachments of a WXR export as media records, featured images, and the old
 * uploads' URLs in content made this site's. */
#include "import/wxr_media.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "markup/entities.h"
#include "markup/text.h"
#include "markup/url_rewrite.h"
#include "model/post.h"
#include "util/slug.h"
#include "util/utf8.h"

#define UPLOADS_PREFIX "/wp-content/uploads/"
#define FILE_PATH_MAX 1024 /* bytes of a path under uploads; WordPress's are far shorter */

static const char *meta_value(const struct wxr_item *item, const char *key)
{
    for (size_t i = 0; i < item->meta_count; i++)
        if (strcmp(item->meta[i].key, key) == 0)
            return item->meta[i].value;
    return "";
}

/* The length of the scheme of `url` with its "//" ("https://" 8, "//" 2), 0 when it has none
 * of http, https or a protocol-relative start. */
static size_t scheme_length(const char *url, size_t len)
{
    if (len >= 8 && strncasecmp(url, "https://", 8) == 0)
        return 8;
    if (len >= 7 && strncasecmp(url, "http://", 7) == 0)
        return 7;
    if (len >= 2 && url[0] == '/' && url[1] == '/')
        return 2;
    return 0;
}

/* `url` (len bytes) as a base: without its scheme, the host in lower case, ending in '/';
 * NULL when it is not an absolute http(s) address with a host. */
static const char *base_key(arena *a, const char *url, size_t len)
{
    size_t scheme = scheme_length(url, len);
    if (!scheme || scheme == len || url[scheme] == '/')
        return NULL;
    buf key = {0};
    size_t i = scheme;
    for (; i < len && url[i] != '/'; i++)
        buf_putc(&key, (char)tolower((unsigned char)url[i]));
    buf_append(&key, url + i, len - i);
    if (key.ptr[key.len - 1] != '/')
        buf_putc(&key, '/');
    return arena_take_buf(a, &key);
}

static void add_base(struct wxr_media *m, const char *url, size_t len)
{
    const char *key = base_key(&m->keep, url, len);
    if (!key)
        return;
    for (size_t i = 0; i < m->base_count; i++)
        if (strcmp(m->bases[i], key) == 0)
            return;
    if (m->base_count == m->base_capacity) {
        size_t more = m->base_capacity ? 2 * m->base_capacity : 8;
        const char **bigger = arena_alloc(&m->keep, more * sizeof(*bigger));
        if (m->base_count)
            memcpy(bigger, m->bases, m->base_count * sizeof(*bigger));
        m->bases = bigger;
        m->base_capacity = more;
    }
    m->bases[m->base_count++] = key;
}

/* The site's own uploads folder under `address` ("https://old.example" or ".../") */
static void add_site_uploads(struct wxr_media *m, const char *address)
{
    size_t n = strlen(address);
    while (n && address[n - 1] == '/')
        n--;
    if (!n)
        return;
    buf url = {0};
    buf_append(&url, address, n);
    buf_puts(&url, UPLOADS_PREFIX);
    add_base(m, url.ptr, url.len);
    buf_free(&url);
}

static int scan_site(void *context, const struct wxr_site *site)
{
    struct wxr_media *m = context;
    add_site_uploads(m, site->base_site_url);
    add_site_uploads(m, site->base_blog_url);
    add_site_uploads(m, site->link);
    return 0;
}

/* The uploads' address an attachment's URL shows: the URL less its path under uploads
 * (_wp_attached_file), else up to wp-content/uploads/, else the host (WordPress.com's
 * https://NAME.files.wordpress.com/2008/06/a.jpg). */
static int scan_item(void *context, const struct wxr_item *item)
{
    struct wxr_media *m = context;
    const char *url = item->attachment_url;
    if (strcmp(item->post_type, "attachment") != 0 || !*url)
        return 0;
    size_t len = strcspn(url, "?#");
    const char *file = meta_value(item, "_wp_attached_file");
    size_t file_len = strlen(file);
    const char *uploads = strstr(url, UPLOADS_PREFIX);
    size_t scheme = scheme_length(url, len);
    if (*file && file[0] != '/' && file_len < len &&
        strncmp(url + len - file_len, file, file_len) == 0 && url[len - file_len - 1] == '/')
        add_base(m, url, len - file_len);
    else if (uploads && (size_t)(uploads - url) < len)
        add_base(m, url, (size_t)(uploads - url) + strlen(UPLOADS_PREFIX));
    else if (scheme) {
        const char *path = memchr(url + scheme, '/', len - scheme);
        if (path)
            add_base(m, url, (size_t)(path - url) + 1);
    }
    return 0;
}

int wxr_media_scan(struct wxr_media *media, const char *path, buf *error)
{
    struct wxr_sink sink = {.context = media, .site = scan_site, .item = scan_item};
    return import_wxr_read(path, &sink, error);
}

/* Whether `path` (len bytes) can be a file's path under uploads: relative, not empty, no empty,
 * "." or ".." segment, no backslash, no control character, valid UTF-8, not a folder. */
static const char *file_path_problem(const char *path, size_t len)
{
    if (!len)
        return "an empty file path";
    if (len > FILE_PATH_MAX)
        return "a file path longer than 1024 bytes";
    if (!utf8_valid(path, len))
        return "a file path that is not UTF-8";
    if (path[0] == '/' || path[len - 1] == '/')
        return "a file path that starts or ends with '/'";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f || path[i] == '\\')
            return "a control character or backslash in the file path";
    for (size_t start = 0; start <= len;) {
        size_t end = start;
        while (end < len && path[end] != '/')
            end++;
        size_t n = end - start;
        if (n == 0 || (n == 1 && path[start] == '.') ||
            (n == 2 && path[start] == '.' && path[start + 1] == '.'))
            return "an empty, '.' or '..' segment in the file path";
        start = end + 1;
    }
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* `text` (len bytes) with its %XX escapes decoded; an escape of '/' or a control stays. */
static char *percent_decoded(arena *a, const char *text, size_t len)
{
    buf out = {0};
    for (size_t i = 0; i < len; i++) {
        int high = i + 2 < len && text[i] == '%' ? hex_value(text[i + 1]) : -1;
        int low = high >= 0 ? hex_value(text[i + 2]) : -1;
        int c = high * 16 + low;
        if (high >= 0 && low >= 0 && c >= 0x20 && c != '/' && c != 0x7f) {
            buf_putc(&out, (char)c);
            i += 2;
        } else
            buf_putc(&out, text[i]);
    }
    return arena_take_buf(a, &out);
}

const char *wxr_media_file_of(arena *a, const struct wxr_item *item, const char **problem)
{
    const char *file = meta_value(item, "_wp_attached_file");
    const char *path;
    size_t len;
    if (*file) {
        path = file;
        /* very old WordPress stored the whole path on the server */
        const char *uploads = file[0] == '/' ? strstr(file, "/uploads/") : NULL;
        if (uploads)
            path = uploads + strlen("/uploads/");
        len = strlen(path);
    } else {
        const char *url = item->attachment_url;
        size_t url_len = strcspn(url, "?#");
        size_t scheme = scheme_length(url, url_len);
        const char *uploads = strstr(url, UPLOADS_PREFIX);
        const char *host_end = scheme ? memchr(url + scheme, '/', url_len - scheme) : NULL;
        if (uploads && (size_t)(uploads - url) < url_len)
            path = uploads + strlen(UPLOADS_PREFIX);
        else if (host_end)
            path = host_end + 1;
        else {
            *problem = "neither _wp_attached_file nor an attachment URL with a path";
            return NULL;
        }
        len = url_len - (size_t)(path - url);
        path = percent_decoded(a, path, len);
        len = strlen(path);
    }
    *problem = file_path_problem(path, len);
    return *problem ? NULL : arena_strndup(a, path, len);
}

/* Whether the last segment of `path` has an extension ("a.jpg"): a base may be a whole host
 * (WordPress.com's NAME.files.wordpress.com), whose other addresses are not files. */
static bool names_a_file(const char *path, size_t len)
{
    size_t start = len;
    while (start && path[start - 1] != '/')
        start--;
    const char *dot = memchr(path + start, '.', len - start);
    return dot && dot > path + start && (size_t)(dot - path) + 1 < len;
}

/* The URL map of wxr_media_rewrite_content. */
static int local_upload(void *context, const char *url, size_t len, buf *out)
{
    const struct wxr_media *m = context;
    size_t scheme = scheme_length(url, len);
    if (!scheme)
        return 0;
    const char *rest = url + scheme;
    size_t rest_len = strcspn(rest, "?#");
    if (rest_len > len - scheme)
        rest_len = len - scheme;
    for (size_t i = 0; i < m->base_count; i++) {
        const char *base = m->bases[i];
        size_t host = strcspn(base, "/"), n = strlen(base);
        if (rest_len <= n || strncasecmp(rest, base, host) != 0 ||
            strncmp(rest + host, base + host, n - host) != 0)
            continue;
        const char *path = rest + n;
        size_t path_len = rest_len - n;
        if (file_path_problem(path, path_len) || !names_a_file(path, path_len))
            return 0;
        buf_puts(out, UPLOADS_PREFIX);
        buf_append(out, path, path_len);
        return 1;
    }
    return 0;
}

const char *wxr_media_local_url(const struct wxr_media *media, arena *a, const char *url)
{
    buf local = {0};
    if (!local_upload((void *)media, url, strlen(url), &local)) {
        buf_free(&local);
        return NULL;
    }
    return arena_take_buf(a, &local);
}

void wxr_media_rewrite_content(const struct wxr_media *media, const char *html, size_t len,
                               buf *out)
{
    if (!media || !media->base_count) {
        buf_append(out, html, len);
        return;
    }
    markup_rewrite_urls(html, len, local_upload, (void *)media, out);
}

static const char *decoded(arena *a, const char *text)
{
    if (!strchr(text, '&'))
        return text;
    buf out = {0};
    markup_decode_entities(text, strlen(text), &out);
    return arena_take_buf(a, &out);
}

/* WordPress's HTML (a caption, a description) as the plain text a media record keeps. */
static const char *plain(arena *a, const char *html)
{
    if (!*html)
        return "";
    buf out = {0};
    struct text_options options = {0};
    markup_html_to_text(html, strlen(html), &options, &out);
    while (out.len && (out.ptr[out.len - 1] == '\n' || out.ptr[out.len - 1] == ' '))
        out.ptr[--out.len] = '\0';
    return arena_take_buf(a, &out);
}

static struct wxr_media_link *add_link(arena *a, struct wxr_media_link *links, size_t *count,
                                       size_t *capacity, long long id, long wp_id)
{
    if (*count == *capacity) {
        size_t more = *capacity ? 2 * *capacity : 32;
        struct wxr_media_link *bigger = arena_alloc(a, more * sizeof(*bigger));
        if (*count)
            memcpy(bigger, links, *count * sizeof(*bigger));
        links = bigger;
        *capacity = more;
    }
    links[(*count)++] = (struct wxr_media_link){.id = id, .wp_id = wp_id};
    return links;
}

int wxr_media_add(struct wxr_media *m, store *s, arena *a, const struct wxr_item *item,
                  const struct wxr_attachment *attachment, enum wxr_media_outcome *outcome,
                  const char **why)
{
    *why = NULL;
    struct store_media existing;
    int rc =
        item->wp_id > 0 ? store_media_find_wp_id(s, a, item->wp_id, &existing) : STORE_NOT_FOUND;
    if (rc != STORE_NOT_FOUND) {
        if (rc == STORE_OK) {
            *outcome = WXR_MEDIA_PRESENT;
            m->media_present++;
        }
        return rc;
    }
    const char *problem;
    const char *file = wxr_media_file_of(a, item, &problem);
    if (!file) {
        *outcome = WXR_MEDIA_SKIPPED;
        *why = arena_printf(a, "attachment %ld: %s", item->wp_id, problem);
        return STORE_OK;
    }
    rc = store_media_find_file(s, a, file, &existing);
    if (rc != STORE_NOT_FOUND) {
        if (rc == STORE_OK) {
            *outcome = WXR_MEDIA_SKIPPED;
            *why = arena_printf(a, "attachment %ld: its file %s is media %lld's already",
                                item->wp_id, file, existing.id);
        }
        return rc;
    }
    const char *title = decoded(a, item->title);
    struct store_media media = {
        .wp_id = item->wp_id > 0 ? item->wp_id : 0,
        .author_id = attachment->author_id,
        .file = file,
        .slug = *item->post_name && !post_slug_problem(item->post_name)
                    ? slug_canonical(a, item->post_name)
                    : post_slugify(a, *title ? title : file),
        .page_path = attachment->page_path,
        .title = title,
        .caption = plain(a, item->excerpt),
        .alt = decoded(a, meta_value(item, "_wp_attachment_image_alt")),
        .description = plain(a, item->content),
        .mime = "",
        .created_at = attachment->created_at,
    };
    if (item->wp_id > 0) {
        rc = store_media_get(s, a, item->wp_id, &existing);
        if (rc == STORE_ERROR)
            return rc;
        media.id = rc == STORE_NOT_FOUND ? item->wp_id : 0; /* keeps wp-image-N meaning it */
    }
    if (*media.page_path) {
        rc = store_media_find_page(s, a, media.page_path, &existing);
        if (rc == STORE_ERROR)
            return rc;
        if (rc == STORE_OK) {
            *why = arena_printf(a, "attachment %ld: its page %s is media %lld's; it has none",
                                item->wp_id, media.page_path, existing.id);
            media.page_path = "";
        }
    }
    struct store_post parent;
    bool parent_later = false;
    if (item->parent_wp_id > 0) {
        rc = store_post_find_wp_id(s, a, item->parent_wp_id, &parent);
        if (rc == STORE_ERROR)
            return rc;
        if (rc == STORE_OK)
            media.post_id = parent.id;
        else
            parent_later = true;
    }
    long long id;
    if (store_media_insert(s, &media, &id) != STORE_OK)
        return STORE_ERROR;
    if (parent_later)
        m->parents = add_link(&m->keep, m->parents, &m->parent_count, &m->parent_capacity, id,
                              item->parent_wp_id);
    *outcome = WXR_MEDIA_NEW;
    m->media_new++;
    return STORE_OK;
}

void wxr_media_note_featured(struct wxr_media *m, long long post_id, const struct wxr_item *item)
{
    long wp_id = strtol(meta_value(item, "_thumbnail_id"), NULL, 10);
    if (wp_id > 0)
        m->featured = add_link(&m->keep, m->featured, &m->featured_count, &m->featured_capacity,
                               post_id, wp_id);
}

int wxr_media_finish(struct wxr_media *m, store *s, arena *a)
{
    for (size_t i = 0; i < m->parent_count; i++) {
        struct store_post post;
        struct store_media media;
        int rc = store_post_find_wp_id(s, a, m->parents[i].wp_id, &post);
        if (rc == STORE_NOT_FOUND)
            continue; /* a parent not in the export: attached to nothing */
        if (rc != STORE_OK || store_media_get(s, a, m->parents[i].id, &media) != STORE_OK)
            return STORE_ERROR;
        media.post_id = post.id;
        if (store_media_update(s, &media) != STORE_OK)
            return STORE_ERROR;
    }
    for (size_t i = 0; i < m->featured_count; i++) {
        struct store_post post;
        struct store_media media;
        int rc = store_media_find_wp_id(s, a, m->featured[i].wp_id, &media);
        if (rc == STORE_NOT_FOUND)
            continue; /* its attachment is not in the export */
        if (rc != STORE_OK || store_post_get(s, a, m->featured[i].id, &post) != STORE_OK)
            return STORE_ERROR;
        if (post.featured_media_id)
            continue; /* chosen already: an earlier import, or a person */
        post.featured_media_id = media.id;
        if (store_post_update(s, &post) != STORE_OK)
            return STORE_ERROR;
        m->featured_set++;
    }
    return STORE_OK;
}

void wxr_media_free(struct wxr_media *media)
{
    arena_free(&media->keep);
    *media = (struct wxr_media){0};
}
