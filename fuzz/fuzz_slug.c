/* fuzz_slug.c: slugs and paths from outside (util/slug.h): the canonical form of a requested
 * path, the slug of a title, the nicename of a login. No crash, and each keeps its form. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "util/slug.h"
#include "util/utf8.h"
#include "web/form.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* A slug as sanitize_title leaves it: [%a-z0-9_-], every '%' starting a lowercase octet, no
 * '-' at either end or twice in a row; canonical already. */
static void check_slug(const char *from, const char *slug, size_t max)
{
    size_t n = strlen(slug);
    FUZZ_CHECK(n <= max, "%zu bytes of slug from \"%s\"", n, from);
    for (size_t i = 0; i < n; i++) {
        char c = slug[i];
        if (c == '%') {
            FUZZ_CHECK(i + 2 < n && is_lower_hex(slug[i + 1]) && is_lower_hex(slug[i + 2]),
                       "a broken escape in \"%s\"", slug);
            i += 2;
            continue;
        }
        FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-',
                   "byte 0x%02x in \"%s\"", (unsigned char)c, slug);
        FUZZ_CHECK(c != '-' || (i > 0 && i + 1 < n && slug[i + 1] != '-'),
                   "a dash out of place in \"%s\"", slug);
    }
    FUZZ_CHECK(slug_is_canonical(slug), "\"%s\" is not canonical", slug);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = {0};
    char *text = fuzz_strndup((const char *)data, size); /* up to its first NUL */

    /* The canonical form: ASCII, lowercase escapes, the same bytes once decoded, idempotent. */
    const char *canonical = slug_canonical(&a, text);
    for (const char *p = canonical; *p; p++) {
        FUZZ_CHECK((unsigned char)*p < 0x80, "raw byte 0x%02x in \"%s\"", (unsigned char)*p,
                   canonical);
        if (*p == '%' && p[1] && p[2] && strchr("0123456789abcdefABCDEF", p[1]) &&
            strchr("0123456789abcdefABCDEF", p[2])) {
            FUZZ_CHECK(is_lower_hex(p[1]) && is_lower_hex(p[2]), "upper-case escape in \"%s\"",
                       canonical);
            p += 2;
        }
    }
    FUZZ_CHECK(slug_is_canonical(canonical), "canonical twice differs for \"%s\"", text);
    const char *decoded_in = web_path_decode(&a, text, strlen(text));
    const char *decoded_out = web_path_decode(&a, canonical, strlen(canonical));
    FUZZ_CHECK(strcmp(decoded_in, decoded_out) == 0, "\"%s\" and its canonical \"%s\" decode apart",
               text, canonical);

    /* The slug of a title: SLUG_MAX bytes at most when the title is UTF-8 (WordPress limits
     * only then). */
    const char *slug = slug_from_title(&a, text);
    check_slug(text, slug, utf8_valid(text, strlen(text)) ? SLUG_MAX : 3 * size + 1);
    check_slug(text, slug_nicename(&a, text), NICENAME_MAX);

    free(text);
    arena_free(&a);
    return 0;
}
