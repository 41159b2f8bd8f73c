/* dashboard.h: what the admin's front page shows at a glance: the comments per status, the
 * posts changed last and the newest comments, of every post or of one author's. */
#ifndef GAZETTE_MODEL_DASHBOARD_H
#define GAZETTE_MODEL_DASHBOARD_H

#include <stddef.h>

#include "store/store.h"
#include "util/arena.h"

#define DASHBOARD_ITEMS 8 /* posts and comments each */

struct dashboard {
    struct store_comment_counts counts; /* per status */
    struct store_post *posts;           /* newest changed first */
    size_t post_count;
    struct store_comment *comments; /* newest first */
    size_t comment_count;
};

/* Fills `out` (strings in `a`); `own` non-zero: only that author's posts and the comments on
 * them. Three queries; a store result. */
int dashboard_load(store *s, arena *a, long long own, struct dashboard *out);

#endif
