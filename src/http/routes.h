/* routes.h: the one route table: method, path pattern, handler, role, where it runs, whether
 * it is cached and with which query parameters, body limit. */
#ifndef GAZETTE_HTTP_ROUTES_H
#define GAZETTE_HTTP_ROUTES_H

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

struct route {
    const char *method; /* "GET" also answers HEAD */
    enum route_match match;
    const char *pattern;
    http_handler handler;
    enum user_role role; /* the least role it needs: checked once, before the handler */
    bool on_loop;        /* answered on the event loop: must not touch the store */
    bool cached;         /* its anonymous GETs may be answered from the page cache */
    const char *query;   /* cached: the query parameters its pages read, space-separated; the
                            handler of a shared request sees only these (NULL: none) */
    size_t max_body;     /* bytes; 0 = no body accepted */
};

/* The first route whose method and pattern fit `path` (without its query), or NULL. */
const struct route *http_route_find(strview method, strview path);

#endif
