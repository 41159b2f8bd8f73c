/* post_list.c: the admin's list of posts, with what it is narrowed by. */
#include "model/post_list.h"

int post_list_load(store *s, arena *a, const struct post_list_query *query, struct post_list *out)
{
    struct store_post_filter filter = {.type = POST_TYPE_POST,
                                       .status = query->status,
                                       .title_contains = query->title,
                                       .by_modified = true,
                                       .limit = query->per_page,
                                       .offset = (int)((query->page - 1) * query->per_page)};
    int rc = STORE_OK;
    if (query->own)
        filter.author_id = query->own;
    else if (query->author && *query->author) {
        struct store_user user;
        rc = store_user_find_login(s, a, query->author, &user);
        filter.author_id = rc == STORE_OK ? user.id : -1;
    }
    if (rc != STORE_ERROR && query->category && *query->category) {
        struct store_term term;
        rc = store_term_find(s, a, "category", query->category, &term);
        filter.term_id = rc == STORE_OK ? term.id : -1;
    }
    if (rc == STORE_ERROR || store_post_list(s, a, &filter, &out->posts, &out->count) != STORE_OK ||
        store_post_count(s, &filter, &out->total) != STORE_OK ||
        store_user_list(s, a, &out->users, &out->user_count) != STORE_OK ||
        store_term_list(s, a, &out->terms, &out->term_count) != STORE_OK)
        return STORE_ERROR;
    return STORE_OK;
}
