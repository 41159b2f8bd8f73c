/* post_list.h: the admin's list of posts: a page of them narrowed by status, author, category
 * and words of the title, how many there are in all, and the authors and categories to narrow
 * it by. */
#ifndef GAZETTE_MODEL_POST_LIST_H
#define GAZETTE_MODEL_POST_LIST_H

#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

/* What the list asks for; NULL, "" (or POST_STATUS_ANY) narrows nothing. */
struct post_list_query {
    enum post_status status;
    const char *author;   /* an author's login (moderators; no such login: no posts) */
    const char *category; /* a category's slug (no such category: no posts) */
    const char *title;    /* words the title contains (any case) */
    long long own;        /* non-zero: only this author's posts (an author's list), `author`
                             unread */
    long long page;       /* from 1 */
    int per_page;
};

struct post_list {
    struct store_post *posts; /* the page, newest changed first */
    size_t count;
    long long total;          /* posts the query selects on every page */
    struct store_user *users; /* every account */
    size_t user_count;
    struct store_term *terms; /* every term (categories and tags), by id */
    size_t term_count;
};

/* Fills `out` (strings in `a`): a store result (STORE_OK or STORE_ERROR). */
int post_list_load(store *s, arena *a, const struct post_list_query *query, struct post_list *out);

#endif
