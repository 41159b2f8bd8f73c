/* routes.c: the route table and its matcher. */
#include "http/routes.h"

#include <string.h>

#include "site/site.h"

#define COMMENT_BODY_MAX (1024 * 1024) /* above comments.max_kb's top, so that is the limit */

static const struct route routes[] = {
    {"GET", ROUTE_EXACT, "/healthz", site_healthz, ROLE_ANYONE, true, 0},
    {"GET", ROUTE_EXACT, "/", site_front, ROLE_ANYONE, false, 0},
    {"GET", ROUTE_PREFIX, "/page/", site_front, ROLE_ANYONE, false, 0},
    {"POST", ROUTE_SUFFIX, "/comments", site_comment_post, ROLE_ANYONE, false, COMMENT_BODY_MAX},
    {"POST", ROUTE_SUFFIX, "/password", site_post_password, ROLE_ANYONE, false, 4096},
    {"GET", ROUTE_SUFFIX, "/print/", site_print, ROLE_ANYONE, false, 0},
    {"GET", ROUTE_SUFFIX, "/pdf/", site_pdf, ROLE_ANYONE, false, 0},
    {"GET", ROUTE_SUFFIX, "/email/", site_email_form, ROLE_ANYONE, false, 0},
    {"POST", ROUTE_SUFFIX, "/email/", site_email_send, ROLE_ANYONE, false, 8192},
    {"GET", ROUTE_ANY, "", site_article, ROLE_ANYONE, false, 0},
};

static bool path_fits(const struct route *r, const char *path)
{
    size_t n = strlen(path), m = strlen(r->pattern);
    switch (r->match) {
    case ROUTE_EXACT:
        return strcmp(path, r->pattern) == 0;
    case ROUTE_PREFIX:
        return strncmp(path, r->pattern, m) == 0;
    case ROUTE_SUFFIX:
        return n > m && strcmp(path + n - m, r->pattern) == 0;
    case ROUTE_ANY:
        return true;
    }
    return false;
}

const struct route *http_route_find(const char *method, const char *path)
{
    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strcmp(routes[i].method, method) == 0 && path_fits(&routes[i], path))
            return &routes[i];
    return NULL;
}

bool http_route_path_known(const char *path)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (routes[i].match != ROUTE_ANY && path_fits(&routes[i], path))
            return true;
    return false;
}
