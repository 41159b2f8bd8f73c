/* article_pdf.c: an article view and the reader's print options, as the PDF renderer takes them,
 * with the site's own images found in the store and decoded for it. */
#include <string.h>

#include "media/image.h"
#include "model/media.h"
#include "render/media_html.h"
#include "render/pages.h"
#include "render/pdf.h"
#include "util/log.h"

#define PDF_IMAGE_PIXELS 1024 /* the largest size of an image the PDF decodes, either way */
/* The decoded pixels (and stored bytes) one PDF may hold: they live in the request's arena until
 * the PDF is done, so a post of 2,000 images took 4.5 GB for one anonymous request. Beyond it an
 * image shows as its alt text. 64 images of 1024x1024. */
#define PDF_IMAGE_BUDGET ((size_t)256 << 20)

/* Where the PDF's images come from: the store of the page, read in the render's arena. */
struct pdf_media {
    store *s;
    arena *a;
    const char *site_url;
    struct media_settings settings; /* the limits an image is decoded within */
    size_t budget_left;             /* of PDF_IMAGE_BUDGET */
};

/* pdf_find_image: the site's file of `src` that best fits PDF_IMAGE_PIXELS, decoded. A file
 * not found or not decodable gives false: the PDF shows the alt text. */
static bool pdf_media_find(void *context, const char *src, struct pdf_image *image)
{
    struct pdf_media *m = context;
    const char *path;
    const unsigned char *data;
    size_t length;
    if (m->budget_left < (size_t)PDF_IMAGE_PIXELS * PDF_IMAGE_PIXELS * 4)
        return false; /* the next one could pass the budget */
    if (media_file_for_print(m->s, m->a, src, m->site_url, PDF_IMAGE_PIXELS, &path) != STORE_OK ||
        store_media_file_data(m->s, m->a, path, &data, &length) != STORE_OK)
        return false;
    unsigned char *pixels;
    buf error = {0};
    /* once per process (idempotent, locked): a server or `render pdf` may not have made an
     * image yet */
    int rc = image_init("gazette", &error);
    if (rc == 0)
        rc = image_decode_argb(m->a, data, length, &m->settings.limits, PDF_IMAGE_PIXELS,
                               PDF_IMAGE_PIXELS, &pixels, &image->width, &image->height, &error);
    if (rc != 0)
        log_info("pdf: %s not drawn: %s", path, buf_cstr(&error));
    size_t used = length + (rc == 0 ? (size_t)image->width * (size_t)image->height * 4 : 0);
    m->budget_left = used < m->budget_left ? m->budget_left - used : 0;
    buf_free(&error);
    image->pixels = rc == 0 ? pixels : NULL;
    return rc == 0;
}

int render_article_pdf(arena *a, const struct site_view *site, const struct article_view *view,
                       const struct print_options *options, const char *paper, buf *out, buf *error)
{
    const struct store_post *post = &view->post;
    size_t count = options->comments ? view->comment_count : 0;
    struct pdf_comment *comments = arena_alloc(a, (count ? count : 1) * sizeof(*comments));
    for (size_t i = 0; i < count; i++) {
        const struct comment_node *node = &view->comments[i];
        comments[i] = (struct pdf_comment){node->depth, node->number, node->comment->author,
                                           render_date_human(a, node->comment->created_at),
                                           node->comment->body_html};
    }
    struct pdf_media media = {
        .s = site->store, .a = a, .site_url = site->url, .budget_left = PDF_IMAGE_BUDGET};
    if (site->store && options->images)
        media_settings_read(site->store, a, &media.settings);
    /* galleries become their images, so that the PDF draws them too */
    const char *body = post->body_html;
    struct media_html_options gallery = {.post_id = post->id, .site_url = site->url, .print = true};
    if (site->store && options->images &&
        media_html_rewrite(site->store, a, post->body_html, &gallery, &body) != STORE_OK)
        log_error("finding the media of post %lld: %s", post->id, store_error(site->store));
    struct pdf_article article = {
        .site_title = site->title,
        .title = post->title,
        .author = post->author_name,
        .date = render_date_human(a, post->published_at + post->utc_offset),
        .date_iso = render_date_iso(a, post->published_at),
        .url =
            site->url && *site->url ? arena_printf(a, "%s%s", site->url, post->path) : post->path,
        .body_html = body,
        .comments = count ? comments : NULL,
        .comment_count = count,
        .paper = strcmp(paper, "letter") == 0 ? PDF_PAPER_LETTER : PDF_PAPER_A4,
        .text_size = strcmp(options->size, "small") == 0   ? PDF_TEXT_SMALL
                     : strcmp(options->size, "large") == 0 ? PDF_TEXT_LARGE
                                                           : PDF_TEXT_NORMAL,
        .images = options->images,
        .find_image = site->store ? pdf_media_find : NULL,
        .find_image_context = &media,
    };
    return render_pdf(&article, out, error);
}
