/* fuzz_range.c: what a media request brings: a Range header (web/byte_range.h) against bodies
 * of several sizes (a part is always inside the body, and a header that is not "bytes=…" is
 * never a part), and its path under uploads (web/upload_path.h: what it lets through has no
 * empty, "." or ".." segment, no NUL, no backslash, no control character). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "util/arena.h"
#include "web/byte_range.h"
#include "web/upload_path.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64_t sizes[] = {0, 1, 2, 100, 65536, UINT64_MAX};
    const char *header = (const char *)data; /* not NUL-terminated: the parser must not care */
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t first = 7, last = 7;
        enum byte_range_result r = byte_range_parse(header, size, sizes[i], &first, &last);
        if (r != BYTE_RANGE_PART)
            continue;
        FUZZ_CHECK(size >= 6 && strncasecmp(header, "bytes=", 6) == 0, "a part of \"%.*s\"",
                   (int)size, header);
        FUZZ_CHECK(first <= last && last < sizes[i], "bytes %llu-%llu of %llu from \"%.*s\"",
                   (unsigned long long)first, (unsigned long long)last,
                   (unsigned long long)sizes[i], (int)size, header);
        FUZZ_CHECK(memchr(header, ',', size) == NULL, "a part of several ranges \"%.*s\"",
                   (int)size, header);
    }
    arena a = {0};
    char *text = fuzz_strndup((const char *)data, size);
    const char *path = upload_path_decode(&a, text);
    if (path) {
        size_t n = strlen(path);
        FUZZ_CHECK(n > 0 && path[0] != '/' && path[n - 1] != '/', "\"%s\" from \"%s\"", path, text);
        FUZZ_CHECK(!strstr(path, "//") && !strchr(path, '\\'), "\"%s\" from \"%s\"", path, text);
        for (const char *seg = path; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
            size_t len = strcspn(seg, "/");
            FUZZ_CHECK(!(len == 1 && seg[0] == '.') &&
                           !(len == 2 && seg[0] == '.' && seg[1] == '.'),
                       "a dot segment in \"%s\" from \"%s\"", path, text);
        }
        for (const char *p = path; *p; p++)
            FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "byte 0x%02x in \"%s\"",
                       (unsigned char)*p, path);
    }
    free(text);
    arena_free(&a);
    return 0;
}
