/* dashboard.c: the admin's front page at a glance, in three queries. */
#include "model/dashboard.h"

int dashboard_load(store *s, arena *a, long long own, struct dashboard *out)
{
    struct store_post_filter post_filter = {
        .type = POST_TYPE_POST, .author_id = own, .limit = DASHBOARD_ITEMS, .by_modified = true};
    struct store_comment_filter comment_filter = {
        .type = COMMENT_TYPE_COMMENT, .limit = DASHBOARD_ITEMS, .post_author_id = own};
    int rc = store_comment_counts(s, own, &out->counts);
    if (rc == STORE_OK)
        rc = store_post_list(s, a, &post_filter, &out->posts, &out->post_count);
    if (rc == STORE_OK)
        rc = store_comment_list(s, a, &comment_filter, &out->comments, &out->comment_count);
    return rc;
}
