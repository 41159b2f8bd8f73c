/* attachment.c: an attachment page (WordPress's attachment.php) at the path WordPress gave it:
 * the media shown as it can be, its caption and description, a link back to its post. */
#include <string.h>

#include "model/media_lookup.h"
#include "model/post.h"
#include "site/common.h"
#include "site/site.h"
#include "util/log.h"
#include "util/slug.h"

/* The URL path of a file under uploads (as model/media.h's media_url). */
static const char *upload_url(arena *a, const char *path)
{
    return arena_printf(a, "/wp-content/uploads/%s", path);
}

/* How the page shows a media of `mime`. */
static const char *kind_of(const char *mime)
{
    static const char *const images[] = {"image/jpeg", "image/png", "image/gif", "image/webp"};
    for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
        if (strcmp(mime, images[i]) == 0)
            return "image";
    if (strncmp(mime, "audio/", 6) == 0)
        return "audio";
    if (strncmp(mime, "video/", 6) == 0)
        return "video";
    return "file"; /* a PDF, an SVG (a download: site/media_file.c), a file still missing */
}

/* The file an image's page shows: "large", else the original, in the original's type (not
 * its WebP copy). */
static void pick_image(struct handler_context *context, arena *a, const struct store_media *media,
                       struct attachment_view *view)
{
    view->image_url = view->file_url;
    view->image_width = media->width;
    view->image_height = media->height;
    struct store_media_file *files;
    size_t count;
    if (media_files_of(context->store, a, media->id, &files, &count) != STORE_OK)
        return; /* the original is still right */
    for (size_t i = 0; i < count; i++)
        if (strcmp(files[i].size, "large") == 0 && strcmp(files[i].mime, media->mime) == 0) {
            view->image_url = upload_url(a, files[i].path);
            view->image_width = files[i].width;
            view->image_height = files[i].height;
        }
}

bool site_attachment_page(struct handler_context *context, const struct web_request *req,
                          struct web_response *res, const char *canonical)
{
    arena *a = req->arena;
    struct store_media media;
    int rc = media_find_page(context->store, a, canonical, &media);
    const char *lower = slug_ascii_lower(a, canonical);
    if (rc == STORE_NOT_FOUND && strcmp(lower, canonical) != 0) /* any case, as posts */
        rc = media_find_page(context->store, a, lower, &media);
    struct store_post parent = {0};
    if (rc == STORE_OK && media.post_id) {
        rc = post_get(context->store, a, media.post_id, &parent);
        if (rc == STORE_OK && !post_is_public(&parent))
            rc = STORE_NOT_FOUND; /* an attachment of a draft is as hidden as its post */
        else if (rc == STORE_NOT_FOUND)
            rc = STORE_OK, parent.id = 0; /* the post is gone: the page stays */
    }
    if (rc == STORE_NOT_FOUND)
        return false;
    if (rc == STORE_ERROR) {
        log_error("%s: %s", req->path, store_error(context->store));
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now. Please try again shortly.");
        return true;
    }
    if (strcmp(req->path, media.page_path) != 0) { /* another form of its path */
        web_redirect(res, 301, media.page_path);
        return true;
    }
    struct attachment_view view = {.media = &media, .kind = kind_of(media.mime)};
    view.file_url = upload_url(a, media.file);
    if (strcmp(view.kind, "image") == 0)
        pick_image(context, a, &media, &view);
    if (parent.id) {
        view.parent_title = *parent.title ? parent.title : "(no title)";
        view.parent_url = parent.path;
    }
    struct site_view site;
    site_view_load(context, req, &site);
    buf error = {0};
    if (render_attachment_page(context->theme, a, &site, &view, &res->body, &error) != 0) {
        log_error("rendering %s: %s", req->path, buf_cstr(&error));
        buf_free(&error);
        site_error(context, req, res, 500, "Internal error", "This page could not be made.");
        return true;
    }
    res->status = 200;
    /* cached as its post's page: a change to the post (or any media write: all) drops it */
    site_cacheable(context, req, res, parent.id ? parent.id : 0);
    return true;
}
