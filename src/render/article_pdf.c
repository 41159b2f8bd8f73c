/* article_pdf.c: an article view and the reader's print options, as the PDF renderer takes them. */
#include <string.h>

#include "render/pages.h"
#include "render/pdf.h"

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
    struct pdf_article article = {
        .site_title = site->title,
        .title = post->title,
        .author = post->author_name,
        .date = render_date_human(a, post->published_at + post->utc_offset),
        .date_iso = render_date_iso(a, post->published_at),
        .url =
            site->url && *site->url ? arena_printf(a, "%s%s", site->url, post->path) : post->path,
        .body_html = post->body_html,
        .comments = count ? comments : NULL,
        .comment_count = count,
        .paper = strcmp(paper, "letter") == 0 ? PDF_PAPER_LETTER : PDF_PAPER_A4,
        .text_size = strcmp(options->size, "small") == 0   ? PDF_TEXT_SMALL
                     : strcmp(options->size, "large") == 0 ? PDF_TEXT_LARGE
                                                           : PDF_TEXT_NORMAL,
        .images = options->images,
    };
    return render_pdf(&article, out, error);
}
