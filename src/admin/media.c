/* media.c: the media library: upload (multipart), the grid with search and pages, a media's
 * page (its texts, its sizes, the Markdown to insert, delete), and the recent images the post
 * editor offers. */
#include "admin/media.h"

#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"
#include "admin/page.h"
#include "media/image.h"
#include "model/media.h"
#include "model/media_library.h"
#include "model/media_lookup.h"
#include "model/post.h"
#include "model/user.h"
#include "render/pages.h"
#include "util/utf8.h"
#include "web/multipart.h"

#define MEDIA_PER_PAGE 24
#define MEDIA_TITLE_MAX 1000
#define MEDIA_ALT_MAX 1000
#define MEDIA_CAPTION_MAX 4000
#define MEDIA_DESCRIPTION_MAX 60000 /* under web/multipart.h's field limit */
#define MEDIA_SEARCH_MAX 200

static void db_error(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    admin_error(context, req, res, 503, "Database unavailable",
                "The site cannot read or write its database right now; nothing was changed. "
                "Try again in a minute.");
}

/* "2.4 MB", "512 KB", "88 bytes". */
static const char *size_text(arena *a, long long bytes)
{
    if (bytes >= 1024 * 1024)
        return arena_printf(a, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    if (bytes >= 1024)
        return arena_printf(a, "%lld KB", (bytes + 512) / 1024);
    return arena_printf(a, "%lld bytes", bytes);
}

/* Text for Markdown's image alt: brackets and backslashes escaped, line breaks as spaces. */
static const char *markdown_alt(arena *a, const char *alt)
{
    buf out = {0};
    for (const char *p = alt; *p; p++) {
        if (*p == '[' || *p == ']' || *p == '\\')
            buf_putc(&out, '\\');
        buf_putc(&out, *p == '\r' || *p == '\n' ? ' ' : *p);
    }
    return arena_take_buf(a, &out);
}

/* The file of `files` named `size`, or NULL. */
static const struct store_media_file *file_of_size(const struct store_media_file *files,
                                                   size_t count, const char *size)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(files[i].size, size) == 0 && strcmp(files[i].mime, "image/webp") != 0)
            return &files[i];
    for (size_t i = 0; i < count; i++) /* a WebP original has its sizes in WebP only */
        if (strcmp(files[i].size, size) == 0)
            return &files[i];
    return NULL;
}

/* What a page shows of one media: title, its thumbnail (the thumbnail size, else the
 * original when an image), dims, size, date, missing flag, and the Markdown to insert. */
static void set_media_item(struct handler_context *context, arena *a, template_data *item,
                           const struct store_media *m)
{
    template_set_int(item, "id", m->id);
    template_set_str(item, "title", *m->title ? m->title : m->file);
    template_set_str(item, "alt", m->alt);
    template_set_str(item, "file", m->file);
    template_set_str(item, "mime", m->mime);
    template_set_str(item, "date", render_date_human(a, m->created_at));
    template_set_str(item, "size", size_text(a, m->bytes));
    template_set_bool(item, "missing", m->bytes == 0);
    if (m->width && m->height)
        template_set_str(item, "dims", arena_printf(a, "%lld × %lld", m->width, m->height));
    bool image = strncmp(m->mime, "image/", 6) == 0 && strcmp(m->mime, "image/svg+xml") != 0;
    template_set_bool(item, "image", image);
    struct store_media_file *files = NULL;
    size_t count = 0;
    if (!image || m->bytes == 0 ||
        media_files_of(context->store, a, m->id, &files, &count) != STORE_OK)
        count = 0;
    const struct store_media_file *thumb = file_of_size(files, count, "thumbnail");
    if (!thumb)
        thumb = file_of_size(files, count, "full");
    if (thumb) {
        template_set_str(item, "thumb", media_url(a, thumb->path));
        template_set_int(item, "thumb_width", thumb->width);
        template_set_int(item, "thumb_height", thumb->height);
    }
    const struct store_media_file *insert = file_of_size(files, count, "medium");
    if (!insert)
        insert = file_of_size(files, count, "full");
    const char *url = media_url(a, insert ? insert->path : m->file);
    template_set_str(
        item, "markdown",
        image ? arena_printf(a, "![%s](%s)", markdown_alt(a, m->alt), url)
              : arena_printf(a, "[%s](%s)", markdown_alt(a, *m->title ? m->title : m->file), url));
}

/* The values the upload form is shown with again after a refusal. */
struct upload_form {
    const char *alt, *title, *caption, *post;
    bool decorative;
};

/* The library: the upload form (with a refusal's message), the search box, one page of the
 * grid. */
static void show_library(struct handler_context *context, const struct web_request *req,
                         struct web_response *res, int status, const struct upload_form *form,
                         const char *error)
{
    arena *a = req->arena;
    struct web_form query;
    web_form_parse(a, strview_from_cstr(req->query), &query);
    const char *search = web_form_get(&query, "s");
    const char *page_text = web_form_get(&query, "page");
    long long page = page_text ? atoll(page_text) : 1;
    if (page < 1 || page > 100000)
        page = 1;
    if (search && strlen(search) > MEDIA_SEARCH_MAX)
        search = arena_strndup(a, search, utf8_cut(search, strlen(search), MEDIA_SEARCH_MAX));
    struct store_media_filter filter = {
        .search = search, .limit = MEDIA_PER_PAGE, .offset = (int)((page - 1) * MEDIA_PER_PAGE)};
    struct store_media *media;
    size_t count;
    long long total;
    if (media_library_page(context->store, a, &filter, &media, &count, &total) != MODEL_OK) {
        db_error(context, req, res);
        return;
    }
    struct media_settings settings;
    media_settings_read(context->store, a, &settings);
    template_data *d = admin_page_data(context, req, "Media");
    template_set_str(d, "search", search);
    template_set_int(d, "total", total);
    template_set_int(d, "max_bytes", (long long)settings.limits.max_bytes);
    template_set_str(d, "max_size", size_text(a, (long long)settings.limits.max_bytes));
    template_set_str(d, "error", error);
    if (form) {
        template_set_str(d, "form_alt", form->alt);
        template_set_str(d, "form_title", form->title);
        template_set_str(d, "form_caption", form->caption);
        template_set_str(d, "form_post", form->post);
        template_set_bool(d, "form_decorative", form->decorative);
    }
    for (size_t i = 0; i < count; i++)
        set_media_item(context, a, template_add_item(d, "media"), &media[i]);
    const char *base =
        arena_printf(a, "/admin/media?s=%s", web_url_encode(a, search ? search : ""));
    if (page > 1)
        template_set_str(d, "previous_page", arena_printf(a, "%s&page=%lld", base, page - 1));
    if (page * MEDIA_PER_PAGE < total)
        template_set_str(d, "next_page", arena_printf(a, "%s&page=%lld", base, page + 1));
    admin_render(context, req, res, status, "admin_media", d);
}

ADMIN_HANDLER(admin_media)
{
    show_library(context, req, res, 200, NULL, NULL);
}

/* A text field of the upload, or "" (a field over its limit refuses the upload). */
static const char *upload_field(const struct web_form *form, const char *name)
{
    const char *value = web_form_get(form, name);
    return value ? value : "";
}

/* Why an upload is refused before media_add sees it, each with its status and sentence. */
enum upload_refusal {
    UPLOAD_ACCEPTED,
    UPLOAD_NO_FILE,
    UPLOAD_EMPTY,
    UPLOAD_TOO_BIG,
    UPLOAD_UNKNOWN_KIND,
    UPLOAD_NO_ALT,
    UPLOAD_TEXT_TOO_LONG,
    UPLOAD_NO_SUCH_POST,
    UPLOAD_NOT_YOUR_POST,
    UPLOAD_STORE_ERROR, /* answered as every database failure is */
};

static const struct {
    int status;
    const char *message;
} upload_refusals[] = {
    [UPLOAD_NO_FILE] = {400, "Choose a file to upload."},
    [UPLOAD_EMPTY] = {400, "The file is empty."},
    [UPLOAD_TOO_BIG] = {413, "The file is larger than this site takes (media.max_mb)."},
    /* the kind comes from the bytes: a text file named .jpg is refused here */
    [UPLOAD_UNKNOWN_KIND] = {415, "This file is not of a kind this site accepts (JPEG, PNG, GIF, "
                                  "WebP, SVG, PDF, MP3, MP4, Ogg, WAV or WebM), whatever its name "
                                  "says."},
    [UPLOAD_NO_ALT] = {400, "Describe the image in the alt text (readers who cannot see it hear "
                            "or read it instead), or tick “decorative” if it adds nothing to the "
                            "text."},
    [UPLOAD_TEXT_TOO_LONG] = {400, "The alt text and title take at most 1000 bytes, the caption "
                                   "4000."},
    [UPLOAD_NO_SUCH_POST] = {400, "There is no post with that number to attach the file to."},
    [UPLOAD_NOT_YOUR_POST] = {403, "Authors may attach files only to their own posts."},
};

/* The first refusal that applies to an upload, in the order a person fixes them; the post to
 * attach to in *post_id. */
static enum upload_refusal check_upload(struct handler_context *context, arena *a,
                                        const struct web_multipart_file *file,
                                        const struct upload_form *form,
                                        const struct media_settings *settings, long long *post_id)
{
    if (!file || (!*file->filename && file->length == 0))
        return UPLOAD_NO_FILE;
    if (file->length == 0)
        return UPLOAD_EMPTY;
    if (file->length > settings->limits.max_bytes)
        return UPLOAD_TOO_BIG;
    enum media_kind kind = image_sniff(file->bytes, file->length);
    if (kind == MEDIA_KIND_UNKNOWN)
        return UPLOAD_UNKNOWN_KIND;
    if (media_kind_is_image(kind) && !*form->alt && !form->decorative)
        return UPLOAD_NO_ALT;
    if (strlen(form->alt) > MEDIA_ALT_MAX || strlen(form->title) > MEDIA_TITLE_MAX ||
        strlen(form->caption) > MEDIA_CAPTION_MAX)
        return UPLOAD_TEXT_TOO_LONG;
    if (!*form->post)
        return UPLOAD_ACCEPTED;
    char *end;
    *post_id = strtoll(form->post, &end, 10);
    if (*end || *post_id <= 0)
        return UPLOAD_NO_SUCH_POST;
    struct store_post post;
    switch (post_get_editable(context->store, a, *post_id, context->user, &post)) {
    case MODEL_OK:
        return UPLOAD_ACCEPTED;
    case MODEL_NOT_FOUND:
        return UPLOAD_NO_SUCH_POST;
    case MODEL_NOT_ALLOWED:
        return UPLOAD_NOT_YOUR_POST;
    case MODEL_STORE_ERROR:
        break;
    }
    return UPLOAD_STORE_ERROR;
}

ADMIN_HANDLER(admin_media_upload)
{
    arena *a = req->arena;
    struct web_multipart *multipart = arena_alloc(a, sizeof(*multipart));
    buf parse_error = {0};
    int parsed =
        web_multipart_parse(a, req->content_type, req->body, true, multipart, &parse_error);
    const char *parse_message = arena_take_buf(a, &parse_error);
    if (parsed != 0) {
        show_library(context, req, res, 400, NULL, parse_message);
        return;
    }
    const struct web_form *fields = &multipart->form;
    struct upload_form form = {.alt = upload_field(fields, "alt"),
                               .title = upload_field(fields, "title"),
                               .caption = upload_field(fields, "caption"),
                               .post = upload_field(fields, "post"),
                               .decorative = web_form_get(fields, "decorative") != NULL};
    const struct web_multipart_file *file = NULL;
    for (size_t i = 0; i < multipart->file_count; i++)
        if (strcmp(multipart->files[i].field, "file") == 0)
            file = &multipart->files[i];
    struct media_settings settings;
    media_settings_read(context->store, a, &settings);
    long long post_id = 0;
    enum upload_refusal refusal = check_upload(context, a, file, &form, &settings, &post_id);
    if (refusal == UPLOAD_STORE_ERROR) {
        db_error(context, req, res);
        return;
    }
    if (refusal != UPLOAD_ACCEPTED) {
        const char *message = upload_refusals[refusal].message;
        if (refusal == UPLOAD_TOO_BIG)
            message = arena_printf(a, "%s It is %s; the largest is %s.", message,
                                   size_text(a, (long long)file->length),
                                   size_text(a, (long long)settings.limits.max_bytes));
        show_library(context, req, res, upload_refusals[refusal].status, &form, message);
        return;
    }
    struct media_upload upload = {.bytes = file->bytes,
                                  .length = file->length,
                                  .filename = file->filename,
                                  .title = form.title,
                                  .caption = form.caption,
                                  .alt = form.decorative ? "" : form.alt,
                                  .author_id = context->user->id,
                                  .post_id = post_id};
    long long id;
    buf error = {0};
    int rc = media_add(context->store, a, &settings, &upload, &id, &error);
    const char *message = arena_take_buf(a, &error);
    if (rc == -2) { /* refused: a corrupt file, a pixel bomb, a kind not stored */
        show_library(context, req, res, 422, &form, message);
        return;
    }
    if (rc != 0) {
        show_library(context, req, res, 503, &form,
                     arena_printf(a, "Not stored: %s. Try again in a minute.", message));
        return;
    }
    admin_audit(context, "media.add", arena_printf(a, "media %lld", id), file->filename);
    admin_redirect_done(req, res, arena_printf(a, "/admin/media/%lld", id), "uploaded");
}

/* The media named by the path, if the user may change it (authors: their own uploads, as
 * WordPress's edit_post on an attachment); otherwise `res` is filled. */
static bool load_media(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, bool to_change, struct store_media *media)
{
    long long id = admin_path_id(req, "/admin/media/");
    switch (media_library_get(context->store, req->arena, id, media)) {
    case MODEL_OK:
        break;
    case MODEL_NOT_FOUND:
        admin_error(context, req, res, 404, "No such media", "There is no media with this number.");
        return false;
    default:
        db_error(context, req, res);
        return false;
    }
    if (to_change && !media_library_may_change(context->user, media)) {
        admin_error(context, req, res, 403, "Not allowed",
                    "Authors may change only the files they uploaded.");
        return false;
    }
    return true;
}

static void show_media(struct handler_context *context, const struct web_request *req,
                       struct web_response *res, int status, const struct store_media *m,
                       const char *error)
{
    arena *a = req->arena;
    struct store_media_file *files;
    size_t count;
    if (media_files_of(context->store, a, m->id, &files, &count) != STORE_OK) {
        db_error(context, req, res);
        return;
    }
    template_data *d = admin_page_data(context, req, *m->title ? m->title : m->file);
    set_media_item(context, a, d, m);
    template_set_str(d, "title", m->title); /* the field: empty stays empty */
    template_set_str(d, "caption", m->caption);
    template_set_str(d, "description", m->description);
    template_set_str(d, "url", media_url(a, m->file));
    template_set_str(d, "page_path", *m->page_path ? m->page_path : NULL);
    template_set_int(d, "post_id", m->post_id);
    template_set_bool(d, "may_change", media_library_may_change(context->user, m));
    template_set_str(d, "error", error);
    for (size_t i = 0; i < count; i++) {
        template_data *item = template_add_item(d, "files");
        template_set_str(item, "size_name", files[i].size);
        template_set_str(item, "file_url", media_url(a, files[i].path));
        template_set_str(item, "file_mime", files[i].mime);
        template_set_str(item, "file_bytes", size_text(a, files[i].bytes));
        if (files[i].width && files[i].height)
            template_set_str(item, "file_dims",
                             arena_printf(a, "%lld × %lld", files[i].width, files[i].height));
    }
    admin_render(context, req, res, status, "admin_media_edit", d);
}

ADMIN_HANDLER(admin_media_edit)
{
    struct store_media media;
    if (load_media(context, req, res, false, &media))
        show_media(context, req, res, 200, &media, NULL);
}

ADMIN_HANDLER(admin_media_save)
{
    arena *a = req->arena;
    struct store_media media;
    if (!load_media(context, req, res, true, &media))
        return;
    struct web_form form;
    admin_form(req, &form);
    const char *title = web_form_get(&form, "title"), *alt = web_form_get(&form, "alt");
    const char *caption = web_form_get(&form, "caption");
    const char *description = web_form_get(&form, "description");
    media.title = title ? title : media.title;
    media.alt = alt ? alt : media.alt;
    media.caption = caption ? caption : media.caption;
    media.description = description ? description : media.description;
    if (strlen(media.title) > MEDIA_TITLE_MAX || strlen(media.alt) > MEDIA_ALT_MAX ||
        strlen(media.caption) > MEDIA_CAPTION_MAX ||
        strlen(media.description) > MEDIA_DESCRIPTION_MAX) {
        show_media(context, req, res, 422, &media,
                   "The title and alt text take at most 1000 bytes, the caption 4000, the "
                   "description 60000.");
        return;
    }
    struct store_audit audit = admin_audit_entry(
        context, "media.update", arena_printf(a, "media %lld", media.id), media.file);
    if (media_library_update(context->store, &media, &audit) == MODEL_STORE_ERROR) {
        db_error(context, req, res);
        return;
    }
    admin_redirect_done(req, res, arena_printf(a, "/admin/media/%lld", media.id), "saved");
}

ADMIN_HANDLER(admin_media_delete)
{
    arena *a = req->arena;
    struct store_media media;
    if (!load_media(context, req, res, true, &media))
        return;
    struct web_form form;
    admin_form(req, &form);
    const char *confirm = web_form_get(&form, "confirm");
    if (!confirm || strcmp(confirm, "yes") != 0) {
        show_media(context, req, res, 400, &media,
                   "Nothing was deleted: tick the box that confirms it, then press Delete.");
        return;
    }
    struct store_audit audit = admin_audit_entry(
        context, "media.delete", arena_printf(a, "media %lld", media.id), media.file);
    /* MODEL_NOT_FOUND: deleted meanwhile, by someone else; the page says deleted all the same */
    if (media_library_delete(context->store, media.id, &audit) == MODEL_STORE_ERROR) {
        db_error(context, req, res);
        return;
    }
    admin_redirect_done(req, res, "/admin/media", "deleted");
}

void admin_media_recent(struct handler_context *context, const struct web_request *req,
                        template_data *d, long long featured_id)
{
    arena *a = req->arena;
    struct store_media_filter filter = {.limit = ADMIN_MEDIA_RECENT};
    struct store_media *media = NULL;
    size_t count = 0;
    long long total;
    if (media_library_page(context->store, a, &filter, &media, &count, &total) != MODEL_OK)
        count = 0;
    bool listed = featured_id == 0;
    for (size_t i = 0; i < count; i++) {
        if (strncmp(media[i].mime, "image/", 6) != 0 || media[i].bytes == 0)
            continue;
        template_data *item = template_add_item(d, "images");
        set_media_item(context, a, item, &media[i]);
        template_set_bool(item, "featured", media[i].id == featured_id);
        listed = listed || media[i].id == featured_id;
    }
    if (listed)
        return;
    struct store_media featured;
    enum model_result rc = media_library_get(context->store, a, featured_id, &featured);
    if (rc == MODEL_OK) {
        template_data *item = template_add_item(d, "images");
        set_media_item(context, a, item, &featured);
        template_set_bool(item, "featured", true);
    } else if (rc == MODEL_NOT_FOUND)
        template_set_bool(d, "featured_missing", true);
}
