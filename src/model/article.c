/* article.c: gathers an article's terms and numbered comment thread for the renderers. */
#include "model/article.h"

#include <string.h>

#include "model/post.h"

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
    return comment_thread(s, a, post->id, held_id, &view->comments, &view->comment_count);
}
