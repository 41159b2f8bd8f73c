/* routes.c: the route table and its matcher. */
#include "app/routes.h"

#include <string.h>

#include "admin/admin.h"
#include "admin/auth.h"
#include "site/site.h"

#define COMMENT_BODY_MAX (1024 * 1024) /* above comments.max_kb's top, so that is the limit */
#define FORM_MAX (16 * 1024)           /* a small admin form (bulk actions: ~200 ids) */
#define POST_MAX (4 * 1024 * 1024)     /* a post being edited, or the settings page */
/* What the front page reads: a search (s, paged), and WordPress's query forms, each a 301 to its
 * page (site/wp_urls.c) */
#define FRONT_QUERY                                                                                \
    "s paged p page_id attachment_id cat category_name tag tag_id author author_name m year "      \
    "monthnum day feed"

/* Unset fields are the safe defaults: no role needed, on a worker, never cached, no body. A POST
 * names its forgery rule (.csrf); app_routes_check refuses one that does not. */
static const struct route routes[] = {
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/healthz",
     .handler = site_healthz,
     .on_loop = true},
    /* admins or metrics.allow: the handler reads the setting, so on a worker */
    {.method = "GET", .match = ROUTE_EXACT, .pattern = "/metrics", .handler = site_metrics},
    /* media files: before the reader routes whose suffixes a file's path could end with;
     * cached (small images: the loop answers them), no query read */
    /* the folder itself is no page (404), and not a reader page's slash form either */
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/wp-content/uploads",
     .handler = site_media_file},
    {.method = "GET",
     .match = ROUTE_PREFIX,
     .pattern = "/wp-content/uploads/",
     .handler = site_media_file,
     .cached = true},
    /* administration, before the reader routes whose suffixes its paths could end with; the
     * role field is the authorization table */
    {.method = "GET", .match = ROUTE_EXACT, .pattern = "/admin", .handler = admin_home_redirect},
    {.method = "GET", .match = ROUTE_EXACT, .pattern = "/admin/login", .handler = auth_login_form},
    {.method = "POST",
     .match = ROUTE_EXACT,
     .pattern = "/admin/login",
     .handler = auth_login,
     .csrf = ROUTE_CSRF_ORIGIN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/logout",
     .handler = auth_logout_form,
     .role = USER_AUTHOR},
    {.method = "POST",
     .match = ROUTE_EXACT,
     .pattern = "/admin/logout",
     .handler = auth_logout,
     .role = USER_AUTHOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/",
     .handler = admin_dashboard,
     .role = USER_AUTHOR},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/posts",
     .handler = admin_posts,
     .role = USER_AUTHOR},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/posts/new",
     .handler = admin_post_new,
     .role = USER_AUTHOR},
    {.method = "POST",
     .match = ROUTE_EXACT,
     .pattern = "/admin/posts/new",
     .handler = admin_post_save,
     .role = USER_AUTHOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = POST_MAX},
    {.method = "GET",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*",
     .handler = admin_post_edit,
     .role = USER_AUTHOR},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*",
     .handler = admin_post_save,
     .role = USER_AUTHOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = POST_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*/trash",
     .handler = admin_post_trash,
     .role = USER_AUTHOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*/untrash",
     .handler = admin_post_trash,
     .role = USER_AUTHOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*/comments",
     .handler = admin_post_comments_open,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*/revisions",
     .handler = admin_post_revisions,
     .role = USER_AUTHOR},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/posts/*/restore",
     .handler = admin_post_restore,
     .role = USER_AUTHOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/comments",
     .handler = admin_comments,
     .role = USER_AUTHOR},
    {.method = "POST",
     .match = ROUTE_EXACT,
     .pattern = "/admin/comments",
     .handler = admin_comments_bulk,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/edit",
     .handler = admin_comment_edit,
     .role = USER_EDITOR},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/edit",
     .handler = admin_comment_update,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = COMMENT_BODY_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/reply",
     .handler = admin_comment_reply,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = COMMENT_BODY_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/approve",
     .handler = admin_comment_action,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/unapprove",
     .handler = admin_comment_action,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/spam",
     .handler = admin_comment_action,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/trash",
     .handler = admin_comment_action,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "POST",
     .match = ROUTE_IDS,
     .pattern = "/admin/comments/*/delete",
     .handler = admin_comment_action,
     .role = USER_EDITOR,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/settings",
     .handler = admin_settings,
     .role = USER_ADMIN},
    {.method = "POST",
     .match = ROUTE_EXACT,
     .pattern = "/admin/settings",
     .handler = admin_settings_save,
     .role = USER_ADMIN,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = POST_MAX},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/users",
     .handler = admin_users,
     .role = USER_ADMIN},
    {.method = "POST",
     .match = ROUTE_EXACT,
     .pattern = "/admin/users",
     .handler = admin_users_save,
     .role = USER_ADMIN,
     .csrf = ROUTE_CSRF_TOKEN,
     .max_body = FORM_MAX},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/admin/audit",
     .handler = admin_audit_log,
     .role = USER_ADMIN},
    {.method = "GET", .match = ROUTE_PREFIX, .pattern = "/admin/", .handler = admin_not_found},
    /* WordPress's administration and sign-in: ours, without the query */
    {.method = "GET", .match = ROUTE_EXACT, .pattern = "/wp-login.php", .handler = site_wp_admin},
    {.method = "GET", .match = ROUTE_EXACT, .pattern = "/wp-admin", .handler = site_wp_admin},
    {.method = "GET", .match = ROUTE_PREFIX, .pattern = "/wp-admin/", .handler = site_wp_admin},
    /* WordPress's front controller: its query forms, else the front page */
    {.method = "GET", .match = ROUTE_EXACT, .pattern = "/index.php", .handler = site_wp_index},
    /* reading: `cached` pages see only the query parameters `query` lists (dispatch.h); a
     * `slash` page's GET without its trailing slash is a 301 to it (dispatch.c) */
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/",
     .handler = site_front,
     .cached = true,
     .query = FRONT_QUERY},
    {.method = "GET",
     .match = ROUTE_PREFIX,
     .pattern = "/page/",
     .handler = site_front,
     .cached = true,
     .slash = true,
     .query = FRONT_QUERY},
    {.method = "GET",
     .match = ROUTE_SUFFIX,
     .pattern = "/feed/",
     .slash = true,
     .handler = site_feed,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_SUFFIX,
     .pattern = "/feed/atom/",
     .slash = true,
     .handler = site_feed,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/sitemap.xml",
     .handler = site_sitemap,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_PREFIX,
     .pattern = "/sitemap-posts-",
     .handler = site_sitemap,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_EXACT,
     .pattern = "/robots.txt",
     .handler = site_robots,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_PREFIX,
     .pattern = "/category/",
     .slash = true,
     .handler = site_archive,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_PREFIX,
     .pattern = "/tag/",
     .slash = true,
     .handler = site_archive,
     .cached = true},
    {.method = "GET",
     .match = ROUTE_PREFIX,
     .pattern = "/author/",
     .slash = true,
     .handler = site_archive,
     .cached = true},
    {.method = "POST",
     .match = ROUTE_SUFFIX,
     .pattern = "/comments",
     .handler = site_comment_post,
     .csrf = ROUTE_CSRF_ORIGIN,
     .max_body = COMMENT_BODY_MAX},
    {.method = "POST",
     .match = ROUTE_SUFFIX,
     .pattern = "/password",
     .handler = site_post_password,
     .csrf = ROUTE_CSRF_ORIGIN,
     .max_body = 4096},
    {.method = "GET",
     .match = ROUTE_SUFFIX,
     .pattern = "/print/",
     .slash = true,
     .handler = site_print,
     .cached = true,
     .query = "comments images size"},
    {.method = "GET",
     .match = ROUTE_SUFFIX,
     .pattern = "/pdf/",
     .slash = true,
     .handler = site_pdf,
     .cached = true,
     .query = "comments images size paper"},
    {.method = "GET",
     .match = ROUTE_SUFFIX,
     .pattern = "/email/",
     .handler = site_email_form,
     .slash = true},
    {.method = "POST",
     .match = ROUTE_SUFFIX,
     .pattern = "/email/",
     .handler = site_email_send,
     .csrf = ROUTE_CSRF_ORIGIN,
     .max_body = 8192},
    {.method = "GET",
     .match = ROUTE_ANY,
     .pattern = "",
     .handler = site_article,
     .slash = true,
     .cached = true,
     .query = "replytocom"},
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

const struct route *app_route_find(strview method, strview path)
{
    if (strview_equal_cstr(method, "HEAD"))
        method = STRVIEW_LIT("GET");
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strview_equal_cstr(method, routes[i].method) && path_fits(&routes[i], path))
            return &routes[i];
    return NULL;
}

int app_routes_check(buf *error)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const struct route *r = &routes[i];
        const char *problem = NULL;
        bool is_post = strcmp(r->method, "POST") == 0;
        if (is_post && r->csrf == ROUTE_CSRF_NONE)
            problem = "a POST without a forgery rule (.csrf)";
        else if (!is_post && r->csrf != ROUTE_CSRF_NONE)
            problem = "a forgery rule on a method that changes nothing";
        else if (r->csrf == ROUTE_CSRF_TOKEN && r->role == USER_NOBODY)
            problem = "a CSRF token rule without a role (no session holds the token)";
        else if (!is_post && r->max_body)
            problem = "a body limit on a method without a body";
        else if (r->cached && is_post)
            problem = "a cached POST";
        else if (r->cached && r->on_loop)
            problem = "a cached route on the event loop (a fill compresses: a worker's job)";
        else if (r->slash && (is_post || r->role != USER_NOBODY || r->on_loop))
            problem = "the slash rule on a route that is no reader's GET page";
        else if (r->slash && r->match == ROUTE_EXACT)
            problem = "the slash rule on an exact path (it could not match without the slash)";
        if (problem) {
            buf_printf(error, "route %s %s: %s", r->method, r->pattern, problem);
            return -1;
        }
    }
    return 0;
}
