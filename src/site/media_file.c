/* media_file.c: GET and HEAD of /wp-content/uploads/PATH: a stored media file, byte for byte
 * (an old "NAME-WxH.EXT" no file has: a 301 to the stored size that stands for it), with the
 * stored type and ETag. Small images go into the page cache, which the loop answers; other
 * files are sent from the node's disk cache (cache/media_disk.h) a chunk at a time; ranges,
 * 304s and HEAD are the adapter's (http/server.c). */
#include <string.h>

#include "cache/media_disk.h"
#include "cache/page_cache.h"
#include "model/media.h"
#include "model/media_lookup.h"
#include "model/settings.h"
#include "site/site.h"
#include "util/log.h"
#include "web/upload_path.h"

#define UPLOADS_PREFIX "/wp-content/uploads/"
#define MEMORY_MAX (2u << 20) /* an image up to this size is kept in the page cache */
/* A name gazette made (a size of the site) never changes its bytes: a new upload gets a new
 * name. An original at its old URL, or a size standing for another, may be replaced. */
#define LIFETIME_MADE "public, max-age=31536000, immutable"
#define LIFETIME_REPLACEABLE "public, max-age=86400"
/* A kind a browser could run as a document (SVG with a script, HTML in a polyglot named .svg)
 * is a download in a sandbox with nothing to load, whatever it holds. */
#define POLICY_SANDBOX "sandbox; default-src 'none'"

/* Kinds a browser shows inline without running them: raster images, audio, video, PDF. */
static bool shown_inline(const char *mime)
{
    return strcmp(mime, "image/jpeg") == 0 || strcmp(mime, "image/png") == 0 ||
           strcmp(mime, "image/gif") == 0 || strcmp(mime, "image/webp") == 0 ||
           strncmp(mime, "audio/", 6) == 0 || strncmp(mime, "video/", 6) == 0 ||
           strcmp(mime, "application/pdf") == 0;
}

static bool is_raster_image(const char *mime)
{
    return strncmp(mime, "image/", 6) == 0 && shown_inline(mime);
}

/* A short page: a missing image is asked for by other sites' pages too, and a themed page
 * would cost the navigation's queries each time. */
static void answer_plain(struct web_response *res, int status, const char *message)
{
    buf_reset(&res->body);
    res->status = status;
    res->content_type = "text/plain; charset=utf-8";
    res->cacheable = false;
    res->retry_after = status == 503 ? 5 : 0;
    buf_printf(&res->body, "%s\n", message);
}

static void unavailable(const struct web_request *req, struct web_response *res,
                        struct handler_context *context)
{
    log_error("%s: %s", req->path, store_error(context->store));
    answer_plain(res, 503, "The site cannot read its database right now; try again shortly.");
}

void site_media_file(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    arena *a = req->arena;
    const char *path = strncmp(req->path, UPLOADS_PREFIX, strlen(UPLOADS_PREFIX)) == 0
                           ? upload_path_decode(a, req->path + strlen(UPLOADS_PREFIX))
                           : NULL;
    struct store_media_file file;
    bool equivalent = false;
    int rc =
        path ? media_file_lookup(context->store, a, path, &file, &equivalent) : STORE_NOT_FOUND;
    if (rc == STORE_ERROR) {
        unavailable(req, res, context);
        return;
    }
    if (rc != STORE_OK || !file.mime || !*file.mime || file.bytes <= 0) {
        answer_plain(res, 404, "There is no file at this address.");
        return;
    }
    if (equivalent) {
        /* WordPress's old size no file has: to the stored file that stands for it, whose own
         * address is cached once; the redirect is not cached, so that a crawl of made-up sizes
         * cannot fill the shared cache */
        web_redirect(res, 301, media_url(a, file.path));
        res->cacheable = false;
        return;
    }
    res->content_type = file.mime; /* from the content when stored, never from the name */
    res->etag = file.etag;
    res->ranges = true;
    res->cache_control = strcmp(file.size, "full") != 0 ? LIFETIME_MADE : LIFETIME_REPLACEABLE;
    if (!shown_inline(file.mime)) {
        res->content_disposition = "attachment";
        res->content_security_policy = POLICY_SANDBOX;
    }
    bool in_memory = is_raster_image(file.mime) && (size_t)file.bytes <= MEMORY_MAX;
    uint64_t disk_bound = (uint64_t)settings_get_int(context->store, a, SETTING_MEDIA_CACHE_MB)
                          << 20;
    if (!in_memory) {
        int fd = media_disk_get(file.etag, (uint64_t)file.bytes);
        if (fd > 0) {
            res->file_fd = fd;
            res->file_length = file.bytes;
            return;
        }
    }
    const unsigned char *data;
    size_t length;
    rc = media_file_bytes(context->store, a, file.path, &data, &length);
    if (rc != STORE_OK) {
        if (rc == STORE_ERROR)
            unavailable(req, res, context);
        else /* deleted since it was found */
            answer_plain(res, 404, "There is no file at this address.");
        return;
    }
    if (!in_memory) {
        int fd = media_disk_put(file.etag, data, length, disk_bound);
        if (fd > 0) {
            res->file_fd = fd;
            res->file_length = (long long)length;
            return;
        }
    }
    /* from memory: a small image (then the page cache's, whatever the request's form: the key
     * is its path), or a file the disk cache does not keep */
    buf_append(&res->body, (const char *)data, length);
    if (in_memory) {
        res->cacheable = true;
        res->cache_post_id = PAGE_CACHE_MEDIA;
    }
}
