/* fuzz_route.c: the route matcher (app/routes.h) on any method and path: the route found
 * fits them, every GET finds one, and nothing under /admin/ reaches a reader's page; a reader's
 * path without its trailing slash has a reader's route with it (the slash rule); and the parsers
 * of WordPress's other URL forms (web/wp_path.h) on the same path. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "web/form.h"
#include "web/wp_path.h"
#include "app/routes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

static bool view_ends_with(strview v, const char *suffix)
{
    size_t n = strlen(suffix);
    return v.len >= n && memcmp(v.ptr + v.len - n, suffix, n) == 0;
}

/* The pattern with each '*' one run of 1-18 digits, matched independently of routes.c. */
static bool ids_match(const char *pattern, strview path)
{
    if (!*pattern)
        return path.len == 0;
    if (*pattern != '*')
        return path.len && path.ptr[0] == *pattern &&
               ids_match(pattern + 1, (strview){path.ptr + 1, path.len - 1});
    size_t digits = 0;
    while (digits < path.len && digits < 18 && path.ptr[digits] >= '0' && path.ptr[digits] <= '9')
        digits++;
    /* routes.c takes the longest run (greedy): so does this check */
    return digits && ids_match(pattern + 1, (strview){path.ptr + digits, path.len - digits});
}

static void check_route(strview method, strview path, const struct route *r)
{
    bool get = strview_equal_cstr(method, "GET") || strview_equal_cstr(method, "HEAD");
    if (get)
        FUZZ_CHECK(r != NULL, "no route for a GET of \"%.*s\"", (int)path.len, path.ptr);
    if (!r)
        return;
    FUZZ_CHECK(strview_equal_cstr(method, r->method) || (get && strcmp(r->method, "GET") == 0),
               "route for %s answers %.*s", r->method, (int)method.len, method.ptr);
    switch (r->match) {
    case ROUTE_EXACT:
        FUZZ_CHECK(strview_equal_cstr(path, r->pattern), "exact %s", r->pattern);
        break;
    case ROUTE_PREFIX:
        FUZZ_CHECK(strview_starts_with(path, r->pattern), "prefix %s", r->pattern);
        break;
    case ROUTE_SUFFIX:
        FUZZ_CHECK(view_ends_with(path, r->pattern), "suffix %s", r->pattern);
        break;
    case ROUTE_IDS:
        FUZZ_CHECK(ids_match(r->pattern, path), "ids %s vs \"%.*s\"", r->pattern, (int)path.len,
                   path.ptr);
        break;
    case ROUTE_ANY:
        break;
    }
    if (strcmp(r->method, "GET") == 0)
        FUZZ_CHECK(r->max_body == 0, "GET %s takes a body", r->pattern);
    if (r->on_loop)
        FUZZ_CHECK(r->role == USER_NOBODY && !r->cached, "loop route %s", r->pattern);
    /* The administration's GETs are answered by its own handlers, never a reader page (which
     * the page cache could keep). */
    /* The slash rule (app/dispatch.c) answers a GET without the trailing slash as the route of
     * the slash form would: that must be a reader's GET route too, needing no role. (A
     * request's path is never empty: "" is "/", the front page.) */
    if (get && r->slash && path.len && path.len < 4096 && path.ptr[path.len - 1] != '/') {
        char slashed[4097];
        memcpy(slashed, path.ptr, path.len);
        slashed[path.len] = '/';
        const struct route *s =
            app_route_find(STRVIEW_LIT("GET"), (strview){slashed, path.len + 1});
        FUZZ_CHECK(s && s->slash && s->role == USER_NOBODY, "slash form of \"%.*s\"", (int)path.len,
                   path.ptr);
    }
    if (get && strview_starts_with(path, "/admin/"))
        FUZZ_CHECK(strncmp(r->pattern, "/admin", 6) == 0 && !r->cached, "GET \"%.*s\" routed to %s",
                   (int)path.len, path.ptr, r->pattern);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* "METHOD PATH[?QUERY]": the server gives the matcher the path without its query. */
    struct fuzz_input in = {data, size};
    const char *method_ptr, *target_ptr;
    size_t method_len = fuzz_take_until(&in, ' ', &method_ptr);
    size_t target_len = fuzz_take_until(&in, '\n', &target_ptr);
    strview method = {method_ptr, method_len};
    const char *question = memchr(target_ptr, '?', target_len);
    strview path = {target_ptr, question ? (size_t)(question - target_ptr) : target_len};

    const struct route *r = app_route_find(method, path);
    check_route(method, path, r);
    FUZZ_CHECK(app_route_find(method, path) == r, "not deterministic");

    /* The same path as GET and POST, as a client may send either. */
    check_route(STRVIEW_LIT("GET"), path, app_route_find(STRVIEW_LIT("GET"), path));
    check_route(STRVIEW_LIT("POST"), path, app_route_find(STRVIEW_LIT("POST"), path));

    /* WordPress's forms, on the path as a C string (a NUL ends it, as in a request's copy) */
    char text[4097];
    size_t text_len = path.len < 4096 ? path.len : 4096;
    memcpy(text, path.ptr, text_len);
    text[text_len] = '\0';
    text_len = strlen(text);
    size_t base_len;
    int page;
    enum wp_suffix kind = wp_path_suffix(text, &base_len, &page);
    if (kind == WP_SUFFIX_NONE)
        FUZZ_CHECK(page == 0, "a page without an ending");
    else {
        FUZZ_CHECK(base_len >= 1 && base_len < text_len && text[base_len - 1] == '/',
                   "base of \"%s\"", text);
        FUZZ_CHECK(kind == WP_SUFFIX_PAGE ? page >= 1 && page <= 9999 : page == 0, "page %d", page);
        FUZZ_CHECK((wp_feed_ending(kind) != NULL) ==
                       (kind == WP_SUFFIX_FEED || kind == WP_SUFFIX_ATOM),
                   "feed ending");
    }
    int parts[3];
    int n = wp_date_path(text, parts);
    FUZZ_CHECK(n >= 0 && n <= 3 && (n == 0 || (parts[0] >= 1 && parts[0] <= 9999)), "date path");
    FUZZ_CHECK(n < 2 || (parts[1] >= 1 && parts[1] <= 12), "month %d", parts[1]);
    FUZZ_CHECK(n < 3 || (parts[2] >= 1 && parts[2] <= 31), "day %d", parts[2]);
    n = wp_m_parse(text, parts);
    FUZZ_CHECK(n >= 0 && n <= 3 && (n == 0 || strlen(text) == (size_t)(2 + 2 * n)), "?m= of %s",
               text);

    arena a = {0};
    const char *decoded = web_path_decode(&a, path.ptr, path.len);
    FUZZ_CHECK(strlen(decoded) <= path.len, "decoding made the path longer");
    arena_free(&a);
    return 0;
}
