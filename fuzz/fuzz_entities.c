/* fuzz_entities.c: markup_decode_entities (markup/entities.h), which the WXR importer runs on
 * names, titles and comment authors: no crash, never longer than its input, valid UTF-8 kept
 * valid, and it undoes escape_html exactly. */
#include <stdint.h>

#include "fuzz.h"
#include "markup/entities.h"
#include "markup/escape.h"
#include "util/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENTITIES_INPUT_MAX (64 * 1024) /* names and titles are short */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > ENTITIES_INPUT_MAX)
        return 0;
    const char *text = (const char *)data;
    buf out = {0};
    markup_decode_entities(text, size, &out);
    /* a reference is never shorter than the UTF-8 it stands for */
    FUZZ_CHECK(out.len <= size, "decoded %zu bytes from %zu", out.len, size);
    if (utf8_valid(text, size))
        FUZZ_CHECK(utf8_valid(out.ptr ? out.ptr : "", out.len), "invalid UTF-8 out of valid");
    /* escaping, then decoding, gives the text back */
    buf escaped = {0}, back = {0};
    escape_html(text, size, ESCAPE_QUOTES_BOTH, &escaped);
    markup_decode_entities(escaped.ptr ? escaped.ptr : "", escaped.len, &back);
    FUZZ_CHECK(back.len == size && (size == 0 || memcmp(back.ptr, text, size) == 0),
               "decode(escape(x)) != x (%zu bytes back of %zu)", back.len, size);
    buf_free(&out);
    buf_free(&escaped);
    buf_free(&back);
    return 0;
}
