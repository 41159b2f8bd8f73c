/* dispatch.h: what happens to a request between the HTTP library and its handler, in one place:
 * the route, the refusals that need no handler, whether the shared page cache may answer or
 * keep it, and the checks every response passes before it is sent or cached. The server
 * (http/server.c) and the fuzzer (fuzz/fuzz_http.c) both run exactly this. */
#ifndef GAZETTE_APP_DISPATCH_H
#define GAZETTE_APP_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "web/request.h"
#include "app/routes.h"
#include "util/buf.h"

/* The decision made on a request before any handler runs (nothing here needs the store). */
struct app_plan {
    const struct route *route; /* NULL when none fits (then refusal is 405) */
    int refusal;               /* 0, or the status to answer at once (405, 413, 400), unless
                                  the page cache answers a shared request first */
    const char *refusal_text;  /* the reason, for a person; static */
    bool personal; /* made for one reader: a session or unlock cookie, a held comment's link */
    bool shared;   /* the page cache may answer it and keep its response (a GET of a cached
                      route, not personal) */
};

/* Plans a request: `query` is the text after '?' ("" for none), `cookie` the Cookie header ("" for
 * none), `body` the entity (has_body false when the request had none). Never fails: a refusal
 * is a plan too. */
void app_plan_request(strview method, strview path, strview query, strview cookie, bool has_body,
                      strview body, struct app_plan *plan);

/* The query a shared request's handler sees, and its cache key's query: only the parameters
 * its route reads (route->query), each once, in the route's order; so `?x=1` can neither make a
 * page differ nor bypass the cache. Writes at most query.len bytes to `out`; returns the
 * length. */
size_t app_shared_query(const struct route *route, strview query, char *out);

/* The query `plan`'s handler sees, in `a`: for a shared request only app_shared_query (what its
 * cache key holds), else all of it. */
const char *app_handler_query(arena *a, const struct app_plan *plan, strview query);

/* The page cache's key of a shared request: the path, then '?' and app_shared_query when that
 * is not empty. `out` has room for path.len + 1 + query.len bytes; returns the length. The
 * host is not part of it: pages make absolute links from site.url only. */
size_t app_cache_key(const struct route *route, strview path, strview query, char *out);

/* Runs the planned request's handler (on a worker, or on the loop for on_loop routes, where
 * context->store is NULL): the one authorization check, the handler, then the rules no
 * handler can break:
 * - a personal request's response, or one made for a signed-in user, is never cacheable and
 *   says "Cache-Control: private, no-store";
 * - a request that is not shared never fills the cache;
 * - a header value holding CR, LF or NUL, or a redirect off this site (anything but a path of
 *   it, or site.url), becomes a 500 and a log line: a response is never split, never sends a
 *   reader elsewhere. */
void app_run(struct handler_context *context, const struct app_plan *plan,
             const struct http_request *req, struct http_response *res);

/* Whether `location` is a path of this site ("/x", not "//host" or "/\host") or starts with
 * `site_url` (may be "" or NULL: then paths only), with no control character. */
bool app_location_safe(const char *location, const char *site_url);

/* Whether a header value holds no CR, LF or NUL (NULL is safe: no header). */
bool app_header_value_safe(const char *value);

#endif
