/* article.c: gathers an article's terms and numbered comment thread for the renderers. */
#include "model/article.h"

#include <string.h>

#include "markup/sanitize.h"
#include "model/post.h"
#include "model/settings.h"
#include "util/buf.h"

#define NEXTPAGE "<!--nextpage-->"

bool article_select_page(arena *a, struct article_view *view, int page)
{
    const char *body = view->post.body_html ? view->post.body_html : "";
    int count = 1;
    for (const char *p = strstr(body, NEXTPAGE); p; p = strstr(p + strlen(NEXTPAGE), NEXTPAGE))
        count++;
    view->page_count = count;
    view->page = page;
    view->page_html = NULL;
    if (page < 1 || page > count)
        return false;
    if (count == 1)
        return true;
    const char *start = body;
    for (int i = 1; i < page; i++)
        start = strstr(start, NEXTPAGE) + strlen(NEXTPAGE);
    const char *end = strstr(start, NEXTPAGE);
    if (!end)
        end = start + strlen(start);
    /* The break stood in a paragraph of its own, or inside one: what remains of the paragraph's
     * tags at either edge is dropped, and the sanitizer closes what the page leaves open. */
    while (start < end && strchr(" \t\r\n", *start))
        start++;
    if ((size_t)(end - start) >= 4 && strncmp(start, "</p>", 4) == 0)
        start += 4;
    while (end > start && strchr(" \t\r\n", end[-1]))
        end--;
    if ((size_t)(end - start) >= 3 && strncmp(end - 3, "<p>", 3) == 0)
        end -= 3;
    buf html = {0};
    markup_sanitize_html(start, (size_t)(end - start), SANITIZE_ARTICLE, &html);
    view->page_html = arena_take_buf(a, &html);
    return true;
}

int article_load(store *s, arena *a, const struct store_post *post, long long held_id,
                 long long now, struct article_view *view)
{
    memset(view, 0, sizeof(*view));
    view->post = *post;
    view->held_id = held_id;
    view->locked = post->password && *post->password;
    view->comments_open = post_comments_open(s, a, post, now);
    if (store_post_terms(s, a, post->id, &view->terms, &view->term_count) != STORE_OK)
        return STORE_ERROR;
    view->term_paths = arena_alloc(a, (view->term_count ? view->term_count : 1) * sizeof(char *));
    for (size_t i = 0; i < view->term_count; i++)
        if (post_term_path(s, a, &view->terms[i], &view->term_paths[i]) != STORE_OK)
            return STORE_ERROR;
    if (store_custom_fields(s, a, post->id, &view->custom_fields, &view->custom_field_count) !=
        STORE_OK)
        return STORE_ERROR;
    if (post->type == POST_TYPE_POST &&
        store_post_adjacent(s, a, post, &view->previous, &view->next) != STORE_OK)
        return STORE_ERROR;
    if (comment_thread_load(s, a, post->id, held_id, &view->thread) != STORE_OK)
        return STORE_ERROR;
    view->comments = view->thread.nodes; /* every page: print, PDF, text */
    view->comment_count = view->thread.count;
    view->comment_page = view->comment_pages = 1;
    return STORE_OK;
}

bool article_comment_page(store *s, arena *a, struct article_view *view, long long page)
{
    long long per_page = settings_get_int(s, a, SETTING_COMMENTS_PER_PAGE);
    int pages = comment_page_count(&view->thread, per_page);
    bool own_address = page >= 1 && page < pages;
    view->comment_pages = pages;
    view->comment_page = own_address ? (int)page : pages;
    size_t first, n;
    comment_page_slice(&view->thread, per_page, view->comment_page, &first, &n);
    view->comments = view->thread.nodes + first;
    view->comment_count = n;
    return own_address;
}

void article_reply_to(struct article_view *view, long long id)
{
    view->form.parent_id = 0;
    view->form.reply_to_name = NULL;
    for (size_t i = 0; id > 0 && i < view->thread.count; i++) {
        const struct store_comment *c = view->thread.nodes[i].comment;
        if (c->id == id && c->status == COMMENT_STATUS_APPROVED) {
            view->form.parent_id = id;
            view->form.reply_to_name = c->author;
            return;
        }
    }
}
