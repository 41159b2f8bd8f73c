/* routes.h: the one route table: method, path pattern, handler, role, forgery rule, where it
 * runs, whether it is cached and with which query parameters, body limit. */
#ifndef GAZETTE_APP_ROUTES_H
#define GAZETTE_APP_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "web/request.h"
#include "model/user.h"
#include "util/buf.h"

enum route_match {
    ROUTE_EXACT,  /* the path is the pattern */
    ROUTE_PREFIX, /* the path starts with the pattern */
    ROUTE_SUFFIX, /* the path ends with the pattern (actions under a permalink) */
    ROUTE_ANY,    /* every path (permalinks are free-form) */
    ROUTE_IDS,    /* the pattern, where each '*' stands for one segment of digits (an id) */
};

/* How a POST refuses a request forged by another site (docs/security.md). */
enum route_csrf {
    ROUTE_CSRF_NONE,   /* a GET: changes nothing (a POST must name one of the others) */
    ROUTE_CSRF_TOKEN,  /* the authorization check refuses it without the session's CSRF token;
                          needs a role, hence a session that holds the token */
    ROUTE_CSRF_ORIGIN, /* no session yet (sign-in, a reader's form): the handler refuses an
                          Origin of another site (site_same_origin) */
};

struct route {
    const char *method; /* "GET" also answers HEAD */
    enum route_match match;
    const char *pattern;
    web_handler handler;
    enum user_role role;  /* the least role it needs: checked once, before the handler */
    enum route_csrf csrf; /* a POST's forgery rule */
    bool on_loop;         /* answered on the event loop: must not touch the store */
    bool cached;          /* its anonymous GETs may be answered from the page cache */
    const char *query;    /* cached: the query parameters its pages read, space-separated; the
                             handler of a shared request sees only these (NULL: none) */
    size_t max_body;      /* bytes; 0 = no body accepted; capped by http.max_body_kb */
    bool upload;          /* a multipart/form-data body with a file (web/multipart.h): its
                             limit is media.max_mb (app_set_body_limits), not max_body */
    bool slash;           /* a reader's page: its paths end in '/', and a GET without it is
                             answered 301 to the slash form when that answers (app/dispatch.c) */
};

/* The first route whose method and pattern fit `path` (without its query), or NULL. */
const struct route *app_route_find(strview method, strview path);

/* Checks the table's rows against each other's rules (every POST names its forgery rule, a
 * token rule has a role to check it, a body limit only where a body is taken, an upload only
 * on a POST with a token rule and no limit of its own, the slash rule
 * only on a reader's GET page matched by more than an exact path); 0, or -1 with
 * the first bad row in `error`. The server runs it at start, so a bad row never serves. */
int app_routes_check(buf *error);

#endif
