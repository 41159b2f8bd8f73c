/* fuzz_route.c: the route matcher (app/routes.h) on any method and path: the route found
 * fits them, every GET finds one, and nothing under /admin/ reaches a reader's page. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "web/form.h"
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

    arena a = {0};
    const char *decoded = web_path_decode(&a, path.ptr, path.len);
    FUZZ_CHECK(strlen(decoded) <= path.len, "decoding made the path longer");
    arena_free(&a);
    return 0;
}
