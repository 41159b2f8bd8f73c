/* dispatch.h: what happens to a request between the HTTP library and its handler, in one place:
 * the route, the refusals that need no handler, whether the shared page cache may answer or
 * keep it, the copy of the request a handler reads, and app_dispatch: the one authorization
 * check, the handler, the checks every response passes, and the page cache's fill. The server
 * (http/server.c) and the fuzzer (fuzz/fuzz_http.c) both run exactly this; neither knows a
 * handler. */
#ifndef GAZETTE_APP_DISPATCH_H
#define GAZETTE_APP_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/routes.h"
#include "render/template.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "web/request.h"

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

/* What an upload's body may hold besides its file: the form's other fields and the multipart
 * framing. */
#define APP_UPLOAD_FORM_BYTES (1u << 20)

/* Sets the body limits of the settings, once, before the HTTP adapter starts: `max_body`
 * (http.max_body_kb, bytes) caps every route's own .max_body; an upload route (.upload) takes
 * `max_file` (media.max_mb, bytes) plus APP_UPLOAD_FORM_BYTES instead. Returns the largest body
 * any route now accepts: the adapter's own limit (h2o refuses more before any route is
 * found). Before it is called (unit tests, fuzzers) only the routes' own limits apply, and an
 * upload takes 64 MiB. */
size_t app_set_body_limits(size_t max_body, size_t max_file);

/* The largest body `route` accepts now (0: none). */
size_t app_body_limit(const struct route *route);

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

/* What the HTTP library read of a request: views into its buffers, read only during
 * app_job_init. An absent header is {NULL, 0}. */
struct app_incoming {
    strview method, path, query; /* path as sent (percent-encoded) and without its query */
    strview body;                /* the entity, when has_body */
    bool has_body;
    strview host, origin, referer, cookie, content_type, user_agent;
    strview client_ip; /* numeric; the proxy's word for it only from a trusted proxy */
    bool https;        /* a trusted proxy said the client used https */
};

/* What a client's conditional request is checked against. */
struct app_validators {
    uint64_t hash;     /* of the identity body */
    long long made_at; /* Unix seconds; 0: the response has none */
};

/* One request from its plan to its response, in memory of its own: the client may be gone by
 * the time a worker runs it. The HTTP adapter owns it (app_job_init to app_job_release); a
 * worker borrows it from app_job_submit (app/workers.h) until it calls `done`. */
struct app_job {
    struct app_plan plan; /* its route, and whether it is shared */
    arena arena;          /* the request copy and everything the handler allocates */
    struct web_request request;
    struct web_response response;
    buf gzip, brotli;                 /* encoded variants of a cacheable body, made by the worker */
    struct app_validators validators; /* of a cacheable body */
    strview cache_key;                /* of a shared request (app_cache_key), in the arena */
    uint64_t cache_generation;        /* read before the handler touched the store */
    bool signed_in;                   /* the authorization check found a session */
    /* called on the worker once the response is ready, to hand the job back to its adapter */
    void (*done)(struct app_job *job);
    struct app_job *next; /* worker queue link */
};

/* Makes `job` (zeroed by the caller) the request `incoming`, planned as `plan` (no refusal), with
 * the page cache's key `cache_key` when the plan is shared ({NULL, 0} otherwise): copies what
 * a handler may read into the job's arena, the query cut to what a shared request's handler
 * sees (app_handler_query). Never fails (out of memory aborts). */
void app_job_init(struct app_job *job, const struct app_plan *plan,
                  const struct app_incoming *incoming, strview cache_key);

/* Runs the job: `store` is the calling worker's connection (an on_loop route never gets it:
 * it runs on the event loop, which must not wait for a store), `theme` the templates, `now`
 * the request's clock. In order: the settings are read afresh, the one authorization check,
 * the handler, then the rules no handler can break:
 * - a personal request's response, or one made for a signed-in user, is never cacheable and
 *   says "Cache-Control: private, no-store";
 * - a request that is not shared never fills the cache;
 * - a header value holding CR, LF or NUL, or a redirect off this site (anything but a path of
 *   it, or site.url), becomes a 500 and a log line: a response is never split, never sends a
 *   reader elsewhere;
 * and a cacheable 200 gets its validators, and, when the page cache is on, its compressed
 * variants and a place in the cache. */
void app_dispatch(struct app_job *job, store *store, const template_set *theme, long long now);

/* Frees what the job holds (not the job itself). */
void app_job_release(struct app_job *job);

/* Whether `location` is a path of this site ("/x", not "//host" or "/\host") or starts with
 * `site_url` (may be "" or NULL: then paths only), with no control character. */
bool app_location_safe(const char *location, const char *site_url);

/* Whether a header value holds no CR, LF or NUL (NULL is safe: no header). */
bool app_header_value_safe(const char *value);

#endif
