/* request.h: what a handler sees of a request and fills in for its response (no h2o types). */
#ifndef GAZETTE_WEB_REQUEST_H
#define GAZETTE_WEB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "render/template.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

/* A request copied out of the HTTP library into the job's arena: a handler on a worker thread
 * may read it after the connection is gone. Missing headers are "". */
struct web_request {
    arena *arena;       /* the job's arena: everything here and what the handler allocates */
    const char *method; /* "GET", "HEAD", "POST", … */
    const char *path;   /* as sent, percent-encoded, without the query */
    const char *query;  /* after '?', "" when none */
    strview body;       /* the whole entity (bounded by http.max_body_kb) */
    const char *host, *origin, *referer, *cookie, *content_type, *user_agent;
    const char *client_ip;
    bool https; /* the front proxy said the client used https (X-Forwarded-Proto) */
};

#define WEB_MAX_SET_COOKIES 4

/* Filled by a handler; the server sends it. Strings live in the request's arena. */
struct web_response {
    int status;               /* 0 means 200 */
    const char *content_type; /* NULL means text/html; charset=utf-8 */
    buf body;                 /* the job owns it; freed after sending */
    const char *location;     /* for redirects */
    const char *cache_control;
    const char *content_disposition; /* e.g. for a PDF's file name; NULL for none */
    const char *set_cookie[WEB_MAX_SET_COOKIES];
    size_t set_cookie_count;
    int retry_after;         /* seconds, for a 503; 0 = no Retry-After header */
    bool cacheable;          /* the same for every anonymous reader: the page cache may keep it */
    long long cache_post_id; /* the post a cacheable page shows; 0 for a listing, -1 for a
                                media file (cache/page_cache.h: PAGE_CACHE_MEDIA) */
    /* a media file's (site/media_file.c); unset for pages: */
    const char *etag;        /* the strong validator, without quotes; NULL: the body's hash */
    long long last_modified; /* Unix seconds for Last-Modified; 0: when rendered */
    bool ranges;             /* the adapter answers Range requests on the body (206, 416) */
    const char *content_security_policy; /* replaces the site's own; NULL: the site's */
    int file_fd; /* > 0: send `file_length` bytes of this open file instead of the body
                    (the adapter closes it); 0: none */
    long long file_length;
};

/* What a worker thread lends its handlers: its own store connection and the shared theme. */
struct handler_context {
    store *store;
    const template_set *theme; /* immutable, shared by every thread */
    long long now;             /* Unix seconds at the start of the request */
    /* set by the authorization check (admin/auth.h) when the request carries a session: */
    const struct store_user *user; /* the signed-in user, or NULL */
    const char *csrf;              /* the session's CSRF token, or NULL */
};

typedef void (*web_handler)(struct handler_context *context, const struct web_request *req,
                            struct web_response *res);

/* Response helpers for handlers. */
void web_redirect(struct web_response *res, int status, const char *location);
void web_add_cookie(struct web_response *res, const char *cookie); /* whole Set-Cookie value */

#endif
