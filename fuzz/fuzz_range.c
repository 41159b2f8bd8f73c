/* fuzz_range.c: a Range header (web/byte_range.h) against bodies of several sizes: a part is
 * always inside the body, and a header that is not "bytes=…" is never a part. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "web/byte_range.h"

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
    return 0;
}
