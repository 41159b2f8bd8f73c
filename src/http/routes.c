/* routes.c: the route table and its matcher. */
#include "http/routes.h"

#include <string.h>

#include "admin/admin.h"
#include "admin/auth.h"
#include "site/site.h"

#define COMMENT_BODY_MAX (1024 * 1024) /* above comments.max_kb's top, so that is the limit */
#define FORM_MAX (16 * 1024)           /* a small admin form (bulk actions: ~200 ids) */
#define POST_MAX (4 * 1024 * 1024)     /* a post being edited, or the settings page */

/* method, match, pattern, handler, role, on loop, cached, body limit */
static const struct route routes[] = {
    {"GET", ROUTE_EXACT, "/healthz", site_healthz, USER_NOBODY, true, false, 0},
    /* admins or metrics.allow: the handler reads the setting, so on a worker */
    {"GET", ROUTE_EXACT, "/metrics", site_metrics, USER_NOBODY, false, false, 0},
    /* administration, before the reader routes whose suffixes its paths could end with;
     * the role column is the authorization table */
    {"GET", ROUTE_EXACT, "/admin", admin_home_redirect, USER_NOBODY, false, false, 0},
    {"GET", ROUTE_EXACT, "/admin/login", auth_login_form, USER_NOBODY, false, false, 0},
    {"POST", ROUTE_EXACT, "/admin/login", auth_login, USER_NOBODY, false, false, FORM_MAX},
    {"GET", ROUTE_EXACT, "/admin/logout", auth_logout_form, USER_AUTHOR, false, false, 0},
    {"POST", ROUTE_EXACT, "/admin/logout", auth_logout, USER_AUTHOR, false, false, FORM_MAX},
    {"GET", ROUTE_EXACT, "/admin/", admin_dashboard, USER_AUTHOR, false, false, 0},
    {"GET", ROUTE_EXACT, "/admin/posts", admin_posts, USER_AUTHOR, false, false, 0},
    {"GET", ROUTE_EXACT, "/admin/posts/new", admin_post_new, USER_AUTHOR, false, false, 0},
    {"POST", ROUTE_EXACT, "/admin/posts/new", admin_post_save, USER_AUTHOR, false, false, POST_MAX},
    {"GET", ROUTE_IDS, "/admin/posts/*", admin_post_edit, USER_AUTHOR, false, false, 0},
    {"POST", ROUTE_IDS, "/admin/posts/*", admin_post_save, USER_AUTHOR, false, false, POST_MAX},
    {"POST", ROUTE_IDS, "/admin/posts/*/trash", admin_post_trash, USER_AUTHOR, false, false,
     FORM_MAX},
    {"POST", ROUTE_IDS, "/admin/posts/*/untrash", admin_post_trash, USER_AUTHOR, false, false,
     FORM_MAX},
    {"POST", ROUTE_IDS, "/admin/posts/*/comments", admin_post_comments_open, USER_EDITOR, false,
     false, FORM_MAX},
    {"GET", ROUTE_IDS, "/admin/posts/*/revisions", admin_post_revisions, USER_AUTHOR, false, false,
     0},
    {"POST", ROUTE_IDS, "/admin/posts/*/restore", admin_post_restore, USER_AUTHOR, false, false,
     FORM_MAX},
    {"GET", ROUTE_EXACT, "/admin/comments", admin_comments, USER_AUTHOR, false, false, 0},
    {"POST", ROUTE_EXACT, "/admin/comments", admin_comments_bulk, USER_EDITOR, false, false,
     FORM_MAX},
    {"GET", ROUTE_IDS, "/admin/comments/*/edit", admin_comment_edit, USER_EDITOR, false, false, 0},
    {"POST", ROUTE_IDS, "/admin/comments/*/edit", admin_comment_update, USER_EDITOR, false, false,
     COMMENT_BODY_MAX},
    {"POST", ROUTE_IDS, "/admin/comments/*/reply", admin_comment_reply, USER_EDITOR, false, false,
     COMMENT_BODY_MAX},
    {"POST", ROUTE_IDS, "/admin/comments/*/approve", admin_comment_action, USER_EDITOR, false,
     false, FORM_MAX},
    {"POST", ROUTE_IDS, "/admin/comments/*/unapprove", admin_comment_action, USER_EDITOR, false,
     false, FORM_MAX},
    {"POST", ROUTE_IDS, "/admin/comments/*/spam", admin_comment_action, USER_EDITOR, false, false,
     FORM_MAX},
    {"POST", ROUTE_IDS, "/admin/comments/*/trash", admin_comment_action, USER_EDITOR, false, false,
     FORM_MAX},
    {"POST", ROUTE_IDS, "/admin/comments/*/delete", admin_comment_action, USER_EDITOR, false, false,
     FORM_MAX},
    {"GET", ROUTE_EXACT, "/admin/settings", admin_settings, USER_ADMIN, false, false, 0},
    {"POST", ROUTE_EXACT, "/admin/settings", admin_settings_save, USER_ADMIN, false, false,
     POST_MAX},
    {"GET", ROUTE_EXACT, "/admin/users", admin_users, USER_ADMIN, false, false, 0},
    {"POST", ROUTE_EXACT, "/admin/users", admin_users_save, USER_ADMIN, false, false, FORM_MAX},
    {"GET", ROUTE_EXACT, "/admin/audit", admin_audit_log, USER_ADMIN, false, false, 0},
    {"GET", ROUTE_PREFIX, "/admin/", admin_not_found, USER_NOBODY, false, false, 0},
    {"GET", ROUTE_EXACT, "/", site_front, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_PREFIX, "/page/", site_front, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/feed/", site_feed, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/feed/atom/", site_feed, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_EXACT, "/sitemap.xml", site_sitemap, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_PREFIX, "/sitemap-posts-", site_sitemap, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_EXACT, "/robots.txt", site_robots, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_PREFIX, "/category/", site_archive, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_PREFIX, "/tag/", site_archive, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_PREFIX, "/author/", site_archive, USER_NOBODY, false, true, 0},
    {"POST", ROUTE_SUFFIX, "/comments", site_comment_post, USER_NOBODY, false, false,
     COMMENT_BODY_MAX},
    {"POST", ROUTE_SUFFIX, "/password", site_post_password, USER_NOBODY, false, false, 4096},
    {"GET", ROUTE_SUFFIX, "/print/", site_print, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/pdf/", site_pdf, USER_NOBODY, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/email/", site_email_form, USER_NOBODY, false, false, 0},
    {"POST", ROUTE_SUFFIX, "/email/", site_email_send, USER_NOBODY, false, false, 8192},
    {"GET", ROUTE_ANY, "", site_article, USER_NOBODY, false, true, 0},
};

/* `pattern` with each '*' standing for one or more digits fits `path` exactly. */
static bool ids_fit(const char *pattern, strview path)
{
    size_t i = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p == '*') {
            size_t digits = 0;
            while (i < path.len && path.ptr[i] >= '0' && path.ptr[i] <= '9' && digits < 18)
                i++, digits++;
            if (digits == 0)
                return false;
        } else if (i >= path.len || path.ptr[i++] != *p)
            return false;
    }
    return i == path.len;
}

static bool path_fits(const struct route *r, strview path)
{
    size_t m = strlen(r->pattern);
    switch (r->match) {
    case ROUTE_EXACT:
        return strview_equal_cstr(path, r->pattern);
    case ROUTE_PREFIX:
        return strview_starts_with(path, r->pattern);
    case ROUTE_SUFFIX:
        return path.len >= m && memcmp(path.ptr + path.len - m, r->pattern, m) == 0;
    case ROUTE_ANY:
        return true;
    case ROUTE_IDS:
        return ids_fit(r->pattern, path);
    }
    return false;
}

const struct route *http_route_find(strview method, strview path)
{
    if (strview_equal_cstr(method, "HEAD"))
        method = STRVIEW_LIT("GET");
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strview_equal_cstr(method, routes[i].method) && path_fits(&routes[i], path))
            return &routes[i];
    return NULL;
}
