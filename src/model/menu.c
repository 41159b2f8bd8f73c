/* menu.c: resolves the site's menu (imported from WordPress's nav_menu_item) into links. */
#include "model/menu.h"

#include <string.h>

#include "model/post.h"
#include "model/settings.h"

#define MENU_MAX_LINKS 200 /* a header is no site map: more is cut */
/* Deeper links become siblings of their parent: the theme nests a level through one partial,
 * and templates stop at 64 partials deep (a page must still render from any import). */
#define MENU_MAX_DEPTH 16

/* The link of `item`: its post's path, its term's archive, or its URL; false when it points at
 * nothing a reader may see. */
static int resolve(store *s, arena *a, const struct store_menu_item *item, struct menu_link *link,
                   bool *shown)
{
    *shown = false;
    link->title = item->title;
    if (item->post_id) {
        if (!*item->post_path || item->post_status != POST_STATUS_PUBLISH)
            return STORE_OK;
        link->url = item->post_path;
        if (!*link->title)
            link->title = item->post_title;
    } else if (item->term_id) {
        if (!*item->term.taxonomy)
            return STORE_OK;
        /* a category's parents make its path: a query a level, top-level ones none */
        if (post_term_path(s, a, &item->term, &link->url) != STORE_OK)
            return STORE_ERROR;
        if (!*link->title)
            link->title = item->term.name;
    } else {
        if (!*item->url)
            return STORE_OK;
        link->url = item->url;
    }
    *shown = *link->title != '\0';
    return STORE_OK;
}

static int page_nav(store *s, arena *a, struct menu_link **links, size_t *count)
{
    struct store_post *pages;
    size_t n;
    if (store_page_list(s, a, MENU_MAX_LINKS, &pages, &n) != STORE_OK)
        return STORE_ERROR;
    *links = arena_alloc(a, (n ? n : 1) * sizeof(**links));
    *count = 0;
    for (size_t i = 0; i < n; i++)
        if (*pages[i].title)
            (*links)[(*count)++] = (struct menu_link){
                .title = pages[i].title, .url = pages[i].path, .parent = MENU_TOP};
    return STORE_OK;
}

int menu_site_nav(store *s, arena *a, struct menu_link **links, size_t *count)
{
    *links = NULL;
    *count = 0;
    const char *menu = settings_get(s, a, SETTING_SITE_MENU);
    struct store_menu_item *items = NULL;
    size_t n = 0;
    if (*menu && store_menu_items(s, a, menu, &items, &n) != STORE_OK)
        return STORE_ERROR;
    if (!n)
        return page_nav(s, a, links, count);
    if (n > MENU_MAX_LINKS)
        n = MENU_MAX_LINKS;
    *links = arena_alloc(a, n * sizeof(**links));
    /* the link index of each item (MENU_TOP when it is not shown), to place its children */
    size_t *index = arena_alloc(a, n * sizeof(*index));
    int *depth = arena_alloc(a, n * sizeof(*depth)); /* of each link, 1 at the top */
    for (size_t i = 0; i < n; i++) {
        index[i] = MENU_TOP;
        struct menu_link link = {.parent = MENU_TOP};
        bool shown;
        if (resolve(s, a, &items[i], &link, &shown) != STORE_OK)
            return STORE_ERROR;
        if (!shown)
            continue;
        /* the parent, when it was shown before this item; else the item moves to the top */
        for (size_t k = 0; k < i && items[i].parent_id; k++)
            if (items[k].id == items[i].parent_id)
                link.parent = index[k];
        while (link.parent != MENU_TOP && depth[link.parent] >= MENU_MAX_DEPTH)
            link.parent = (*links)[link.parent].parent;
        depth[*count] = link.parent == MENU_TOP ? 1 : depth[link.parent] + 1;
        index[i] = *count;
        (*links)[(*count)++] = link;
    }
    return STORE_OK;
}
