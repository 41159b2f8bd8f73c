/* dashboard.c: /admin/ at a glance: the moderation count, recent posts, recent comments. */
#include <string.h>

#include "admin/admin.h"
#include "admin/page.h"
#include "model/dashboard.h"
#include "model/post.h"
#include "model/user.h"
#include "render/pages.h"

ADMIN_HANDLER(admin_home_redirect)
{
    (void)context;
    web_redirect(res, 301,
                 req->query[0] ? arena_printf(req->arena, "/admin/?%s", req->query) : "/admin/");
}

ADMIN_HANDLER(admin_not_found)
{
    admin_error(context, req, res, 404, "Not found", "There is no admin page at this address.");
}

ADMIN_HANDLER(admin_dashboard)
{
    store *s = context->store;
    arena *a = req->arena;
    bool moderator = user_may_moderate(context->user);
    long long own = moderator ? 0 : context->user->id; /* an author sees their own posts */
    struct dashboard board;
    if (dashboard_load(s, a, own, &board) != STORE_OK) {
        admin_error(context, req, res, 503, "Database unavailable", store_error(s));
        return;
    }
    const struct store_post *posts = board.posts;
    const struct store_comment *comments = board.comments;
    template_data *d = admin_page_data(context, req, "Dashboard");
    template_set_int(d, "pending", board.counts.pending);
    template_set_int(d, "approved", board.counts.approved);
    template_set_int(d, "spam", board.counts.spam);
    template_set_int(d, "trash", board.counts.trash);
    for (size_t i = 0; i < board.post_count; i++) {
        template_data *item = template_add_item(d, "posts");
        template_set_int(item, "id", posts[i].id);
        template_set_str(item, "title", posts[i].title);
        template_set_str(item, "status", post_status_name(posts[i].status));
        template_set_str(item, "modified", render_date_human(a, posts[i].modified_at));
        template_set_str(item, "modified_iso", render_date_iso(a, posts[i].modified_at));
    }
    struct store_post last_post = {0};
    for (size_t i = 0; i < board.comment_count; i++) {
        template_data *item = template_add_item(d, "comments");
        const struct store_post *post = post_get_remembered(s, a, comments[i].post_id, &last_post);
        template_set_str(item, "author", comments[i].author);
        template_set_int(item, "post_id", comments[i].post_id);
        template_set_str(item, "post_title", post ? post->title : "");
        template_set_str(item, "status", comment_status_name(comments[i].status));
        template_set_str(item, "excerpt", admin_excerpt(a, &comments[i], 120));
    }
    admin_render(context, req, res, 200, "admin_dashboard", d);
}
