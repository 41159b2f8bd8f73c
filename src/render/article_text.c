/* article_text.c: an article and its thread as plain text, in the layout a reader copies. */
#include <string.h>

#include "render/pages.h"
#include "markup/text.h"

void render_article_text(const struct article_view *view, buf *out)
{
    const struct store_post *post = &view->post;
    buf_printf(out, "%s\n\n", post->title);
    if (view->locked) {
        buf_puts(out, "This content is password protected.\n");
        return;
    }
    /* Article quotations are set off by indentation, as on the page. */
    struct text_options body = {
        .indent = 0, .quote_prefix = "    ", .width = 0, .image_labels = true};
    markup_html_to_text(post->body_html, strlen(post->body_html), &body, out);
    buf_puts(out, "\nPrint Friendly, PDF & Email\n\n");
    for (size_t i = 0; i < view->comment_count; i++) {
        const struct comment_node *node = &view->comments[i];
        int indent = 2 * node->depth;
        buf_printf(out, "\n%*s%d. %s\n\n", indent, "", node->number, node->comment->author);
        /* Quotations in comments get the ">" readers type in plain-text mail. */
        struct text_options comment = {.indent = indent + 2, .quote_prefix = ">", .width = 0};
        markup_html_to_text(node->comment->body_html, strlen(node->comment->body_html), &comment,
                            out);
    }
    if (!view->comments_open && post->type == POST_TYPE_POST)
        buf_puts(out, "\nComments are closed.\n");
}
