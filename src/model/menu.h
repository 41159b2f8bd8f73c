/* menu.h: the site's navigation: the menu named by site.menu, else the published pages. */
#ifndef GAZETTE_MODEL_MENU_H
#define GAZETTE_MODEL_MENU_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"

#define MENU_TOP SIZE_MAX /* menu_link.parent of a top-level link */

/* One link of the navigation, with what it points at resolved to a path or URL. */
struct menu_link {
    const char *title; /* plain text (templates escape it) */
    const char *url;   /* a path of this site or an absolute URL */
    size_t parent;     /* index of its parent in the array (always before it), or MENU_TOP */
};

/* The navigation every page's header shows: the items of the menu site.menu names, in order
 * and nested, each pointing at a published post or page, a term's archive or its own URL (an
 * item pointing at something gone or unpublished is left out, its children move up); when
 * there is no such menu, the published pages by their order (menu_order, then title). All
 * memory in `a`. Returns STORE_OK or STORE_ERROR. */
int menu_site_nav(store *s, arena *a, struct menu_link **links, size_t *count);

#endif
