/* fuzz_url_rewrite.c: imported HTML to markup_rewrite_urls (markup/url_rewrite.h), as the WXR
 * importer moves images to this site's uploads: a map that changes nothing leaves the HTML
 * byte for byte (when its nesting needed no bound); a map that changes every http(s) URL
 * leaves none for a second pass (each attribute found, written so that it parses back), and
 * the count of changes is that of the URLs the map was given and took. */
#include <stdint.h>
#include <strings.h>

#include "fuzz.h"
#include "markup/html_depth.h"
#include "markup/url_rewrite.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HTML_INPUT_MAX (256 * 1024) /* larger inputs only slow the search */

struct counts {
    size_t offered, taken;
};

static int keep_all(void *context, const char *url, size_t len, buf *out)
{
    struct counts *c = context;
    (void)url;
    (void)len;
    (void)out;
    c->offered++;
    return 0;
}

/* http(s)://X becomes /L/X: never an http URL again */
static int localise(void *context, const char *url, size_t len, buf *out)
{
    struct counts *c = context;
    c->offered++;
    size_t scheme = len >= 8 && strncasecmp(url, "https://", 8) == 0  ? 8
                    : len >= 7 && strncasecmp(url, "http://", 7) == 0 ? 7
                                                                      : 0;
    if (!scheme)
        return 0;
    buf_puts(out, "/L/");
    buf_append(out, url + scheme, len - scheme);
    c->taken++;
    return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HTML_INPUT_MAX)
        return 0;
    const char *html = (const char *)data;
    buf bounded = {0}, same = {0}, once = {0}, twice = {0};
    bool deep = markup_html_bound_depth(html, size, HTML_DEPTH_FRAGMENT, &bounded);

    struct counts kept = {0};
    size_t changed = markup_rewrite_urls(html, size, keep_all, &kept, &same);
    FUZZ_CHECK(changed == 0, "a map that keeps everything changed %zu URLs", changed);
    if (!deep)
        FUZZ_CHECK(same.len == size && (size == 0 || memcmp(same.ptr, html, size) == 0),
                   "a map that keeps everything changed the HTML");

    struct counts first = {0}, second = {0};
    changed = markup_rewrite_urls(html, size, localise, &first, &once);
    FUZZ_CHECK(changed <= first.taken, "%zu changes counted, %zu URLs taken", changed, first.taken);
    markup_rewrite_urls(buf_cstr(&once), once.len, localise, &second, &twice);
    FUZZ_CHECK(second.taken == 0, "%zu http URLs left after the first pass", second.taken);
    FUZZ_CHECK(twice.len == once.len || deep, "the second pass changed the HTML");

    buf_free(&bounded);
    buf_free(&same);
    buf_free(&once);
    buf_free(&twice);
    return 0;
}
