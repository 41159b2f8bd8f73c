/* dispatch.c: the route, the early refusals, the cache rule and the response checks of every
 * request (see dispatch.h). */
#include "app/dispatch.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin/auth.h"
#include "cache/compress.h"
#include "cache/page_cache.h"
#include "web/form.h"
#include "model/settings.h"
#include "site/site.h"
#include "site/wp_urls.h"
#include "util/log.h"

/* Whether `haystack` holds `needle` (bytes, not NUL-terminated). */
static bool view_contains(strview haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= haystack.len; i++)
        if (memcmp(haystack.ptr + i, needle, n) == 0)
            return true;
    return false;
}

/* Calls `each(name, field)` for each '&'-separated field of `query`, `name` being the bytes
 * before its '='; stops when it returns false. */
static void query_fields(strview query, bool (*each)(strview name, strview field, void *data),
                         void *data)
{
    for (size_t at = 0; at < query.len;) {
        size_t end = at;
        while (end < query.len && query.ptr[end] != '&')
            end++;
        strview field = {query.ptr + at, end - at};
        size_t name = 0;
        while (name < field.len && field.ptr[name] != '=')
            name++;
        if (field.len && !each((strview){field.ptr, name}, field, data))
            return;
        at = end + 1;
    }
}

/* The parameters of a held comment's signed link: the page shows that comment to its author. */
static bool is_personal_parameter(strview name, strview field, void *data)
{
    (void)field;
    bool *personal = data;
    if (strview_equal_cstr(name, "unapproved") || strview_equal_cstr(name, "moderation-hash"))
        *personal = true;
    return !*personal;
}

/* A session (signed in) or an unlocked password-protected post: pages made for one reader.
 * Matched anywhere in the header, so a doubtful case counts as personal. The commenter's
 * remembered name (comment_author…) is not: the page's script fills the form from it. */
static bool has_personal_cookie(strview cookie)
{
    return view_contains(cookie, AUTH_COOKIE "=") || view_contains(cookie, SITE_UNLOCK_COOKIE);
}

void app_plan_request(strview method, strview path, strview query, strview cookie, bool has_body,
                      strview body, struct app_plan *plan)
{
    *plan = (struct app_plan){0};
    const struct route *route = app_route_find(method, path);
    if (!route) {
        plan->refusal = 405;
        plan->refusal_text = "This address does not take that method.";
        return;
    }
    bool personal = has_personal_cookie(cookie);
    if (!personal)
        query_fields(query, is_personal_parameter, &personal);
    bool is_get = strview_equal_cstr(method, "GET") || strview_equal_cstr(method, "HEAD");
    plan->route = route;
    plan->personal = personal;
    plan->shared = route->cached && is_get && !personal;
    if (has_body && body.len > route->max_body) {
        plan->refusal = 413;
        plan->refusal_text = "The request body is larger than this address accepts.";
        return;
    }
    if (has_body && web_form_count(body) > WEB_FORM_MAX_FIELDS) {
        plan->refusal = 400;
        plan->refusal_text = "The form has more fields than any form of this site (256).";
        return;
    }
}

struct shared_query {
    strview want; /* the parameter sought */
    strview found;
};

static bool find_parameter(strview name, strview field, void *data)
{
    struct shared_query *q = data;
    if (!strview_equal(name, q->want))
        return true;
    q->found = field;
    return false; /* the first one, as web_form_get */
}

size_t app_shared_query(const struct route *route, strview query, char *out)
{
    size_t len = 0;
    if (!route->query || !query.len)
        return 0;
    for (const char *p = route->query; *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        struct shared_query q = {{p, n}, {NULL, 0}};
        p += n;
        if (!n)
            continue;
        query_fields(query, find_parameter, &q);
        if (!q.found.ptr)
            continue;
        if (len)
            out[len++] = '&';
        memcpy(out + len, q.found.ptr, q.found.len);
        len += q.found.len;
    }
    return len;
}

const char *app_handler_query(arena *a, const struct app_plan *plan, strview query)
{
    if (!plan->shared)
        return arena_view_dup(a, query);
    char *kept = arena_alloc(a, query.len + 1);
    kept[app_shared_query(plan->route, query, kept)] = '\0';
    return kept;
}

size_t app_cache_key(const struct route *route, strview path, strview query, char *out)
{
    memcpy(out, path.ptr, path.len);
    size_t len = path.len;
    size_t kept = app_shared_query(route, query, out + len + 1);
    if (kept) {
        out[len] = '?';
        len += 1 + kept;
    }
    return len;
}

bool app_header_value_safe(const char *value)
{
    if (!value)
        return true;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return false;
    return true;
}

bool app_location_safe(const char *location, const char *site_url)
{
    if (!location || !app_header_value_safe(location))
        return false;
    if (location[0] == '/')
        return location[1] != '/' && location[1] != '\\';
    size_t n = site_url ? strlen(site_url) : 0;
    return n && strncmp(location, site_url, n) == 0 &&
           (location[n] == '\0' || location[n] == '/' || location[n] == '?' || location[n] == '#');
}

/* The response's first header value that must not be sent, by name; NULL when all are fine. */
static const char *unsafe_header(const struct web_response *res)
{
    if (!app_header_value_safe(res->content_type))
        return "Content-Type";
    if (!app_header_value_safe(res->location))
        return "Location";
    if (!app_header_value_safe(res->cache_control))
        return "Cache-Control";
    if (!app_header_value_safe(res->content_disposition))
        return "Content-Disposition";
    if (!app_header_value_safe(res->etag) || (res->etag && strchr(res->etag, '"')))
        return "ETag";
    if (!app_header_value_safe(res->content_security_policy))
        return "Content-Security-Policy";
    for (size_t i = 0; i < res->set_cookie_count; i++)
        if (!app_header_value_safe(res->set_cookie[i]))
            return "Set-Cookie";
    return NULL;
}

/* Replaces whatever the handler made with a plain 500. */
static void internal_error(struct web_response *res)
{
    buf body = res->body;
    buf_reset(&body);
    if (res->file_fd > 0)
        close(res->file_fd);
    *res = (struct web_response){.status = 500, .content_type = "text/plain; charset=utf-8"};
    res->body = body;
    buf_puts(&res->body, "This response could not be sent safely; the error is logged.\n");
}

/* The one trailing-slash rule of the reader's pages (route.slash): a GET of a path without its
 * trailing slash is answered as the slash form would be, found in the route table again (the
 * "/feed" of "/feed/" is another route than its catch-all): a page there (200) makes a 301 to
 * it, a 301 from there is passed on (one hop), anything else (404) is answered as it is
 * (site_answer_as). Never a second 200 for one page. False when the rule does not apply. */
static bool answer_slash_form(struct handler_context *context, const struct route *route,
                              const struct web_request *req, struct web_response *res)
{
    size_t n = strlen(req->path);
    if (!route->slash || (n && req->path[n - 1] == '/'))
        return false;
    const char *slashed = arena_printf(req->arena, "%s/", req->path);
    const struct route *there = app_route_find(STRVIEW_LIT("GET"), strview_from_cstr(slashed));
    if (!there || !there->slash) /* app_routes_check and fuzz_route: cannot happen */
        return false;
    site_answer_as(context, req, res, slashed, req->query, there->handler);
    return true;
}

/* The authorization check, the handler and the response rules (dispatch.h: app_dispatch). */
static void run_handler(struct handler_context *context, const struct app_plan *plan,
                        const struct web_request *req, struct web_response *res)
{
    if (!context->store) /* on the loop: no store, no session; such routes need no role */
        plan->route->handler(context, req, res);
    else if (auth_authorize(context, req, res, plan->route->role) &&
             !answer_slash_form(context, plan->route, req, res))
        plan->route->handler(context, req, res);
    if (plan->personal || context->user) {
        res->cacheable = false;
        res->cache_control = "private, no-store";
    }
    if (!plan->shared)
        res->cacheable = false;
    const char *bad = unsafe_header(res);
    if (bad) {
        log_error("%s %s: refused to send a %s header holding a control character", req->method,
                  req->path, bad);
        internal_error(res);
        return;
    }
    if (res->location) {
        const char *site_url = "";
        if (res->location[0] != '/' && context->store)
            site_url = settings_get(context->store, req->arena, SETTING_SITE_URL);
        if (!app_location_safe(res->location, site_url)) {
            log_error("%s %s: refused to redirect off this site", req->method, req->path);
            internal_error(res);
        }
    }
}

/* A copy of `view` in `a`; "" for an absent one. */
static const char *view_copy(arena *a, strview view)
{
    return view.ptr ? arena_strndup(a, view.ptr, view.len) : "";
}

void app_job_init(struct app_job *job, const struct app_plan *plan,
                  const struct app_incoming *incoming, strview cache_key)
{
    struct web_request *r = &job->request;
    arena *a = &job->arena;
    job->plan = *plan;
    r->arena = a;
    r->method = arena_view_dup(a, incoming->method);
    r->path = arena_view_dup(a, incoming->path);
    r->query = app_handler_query(a, plan, incoming->query); /* no more than its cache key */
    job->cache_key = (strview){view_copy(a, cache_key), cache_key.len};
    job->cache_generation = page_cache_generation();
    if (incoming->has_body)
        r->body = (strview){view_copy(a, incoming->body), incoming->body.len};
    else
        r->body = (strview){"", 0};
    r->host = view_copy(a, incoming->host);
    r->origin = view_copy(a, incoming->origin);
    r->referer = view_copy(a, incoming->referer);
    r->cookie = view_copy(a, incoming->cookie);
    r->content_type = view_copy(a, incoming->content_type);
    r->user_agent = view_copy(a, incoming->user_agent);
    r->client_ip = view_copy(a, incoming->client_ip);
    r->https = incoming->https;
}

/* A cacheable page goes into the cache with its encoded variants, made once here. */
static void fill_cache(struct app_job *job)
{
    const struct web_response *res = &job->response;
    if (!res->cacheable || !job->plan.shared || (res->status != 0 && res->status != 200))
        return;
    const char *type = res->content_type ? res->content_type : "text/html; charset=utf-8";
    strview body = {res->body.ptr, res->body.len};
    long long made_at = res->last_modified ? res->last_modified : (long long)time(NULL);
    job->validators = (struct app_validators){page_cache_hash(body), made_at};
    if (!page_cache_enabled())
        return; /* the variants would be made for nobody */
    if (compress_worth_it(type)) {
        compress_gzip(body, &job->gzip);
        compress_brotli(body, &job->brotli);
    }
    struct cached_page page = {200,
                               type,
                               res->cache_control ? res->cache_control : "no-cache",
                               res->content_disposition,
                               body,
                               {job->gzip.ptr, job->gzip.len},
                               {job->brotli.ptr, job->brotli.len},
                               job->validators.hash,
                               job->validators.made_at,
                               res->etag,
                               res->ranges};
    page_cache_put(job->cache_key, job->cache_generation, res->cache_post_id, &page);
}

void app_dispatch(struct app_job *job, store *store, const template_set *theme, long long now)
{
    if (job->plan.route->on_loop)
        store = NULL; /* on the loop: no store, no session; such routes need no role */
    else
        settings_forget(); /* each request reads the settings as they are now */
    struct handler_context context = {store, theme, now, NULL, NULL};
    run_handler(&context, &job->plan, &job->request, &job->response);
    job->signed_in = context.user != NULL;
    fill_cache(job);
}

void app_job_release(struct app_job *job)
{
    buf_free(&job->response.body);
    if (job->response.file_fd > 0) /* not sent: the client went away */
        close(job->response.file_fd);
    buf_free(&job->gzip);
    buf_free(&job->brotli);
    arena_free(&job->arena);
}
