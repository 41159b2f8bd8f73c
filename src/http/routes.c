/* routes.c: the route table and its matcher. */
#include "http/routes.h"

#include <string.h>

#include "site/site.h"

#define COMMENT_BODY_MAX (1024 * 1024) /* above comments.max_kb's top, so that is the limit */

/* method, match, pattern, handler, role, on loop, cached, body limit */
static const struct route routes[] = {
    {"GET", ROUTE_EXACT, "/healthz", site_healthz, ROLE_ANYONE, true, false, 0},
    {"GET", ROUTE_EXACT, "/metrics", site_metrics, ROLE_ANYONE, true, false, 0},
    {"GET", ROUTE_EXACT, "/", site_front, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_PREFIX, "/page/", site_front, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/feed/", site_feed, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/feed/atom/", site_feed, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_EXACT, "/sitemap.xml", site_sitemap, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_PREFIX, "/sitemap-posts-", site_sitemap, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_EXACT, "/robots.txt", site_robots, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_PREFIX, "/category/", site_archive, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_PREFIX, "/tag/", site_archive, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_PREFIX, "/author/", site_archive, ROLE_ANYONE, false, true, 0},
    {"POST", ROUTE_SUFFIX, "/comments", site_comment_post, ROLE_ANYONE, false, false,
     COMMENT_BODY_MAX},
    {"POST", ROUTE_SUFFIX, "/password", site_post_password, ROLE_ANYONE, false, false, 4096},
    {"GET", ROUTE_SUFFIX, "/print/", site_print, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/pdf/", site_pdf, ROLE_ANYONE, false, true, 0},
    {"GET", ROUTE_SUFFIX, "/email/", site_email_form, ROLE_ANYONE, false, false, 0},
    {"POST", ROUTE_SUFFIX, "/email/", site_email_send, ROLE_ANYONE, false, false, 8192},
    {"GET", ROUTE_ANY, "", site_article, ROLE_ANYONE, false, true, 0},
};

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
