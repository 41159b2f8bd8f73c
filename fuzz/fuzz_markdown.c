/* fuzz_markdown.c: Markdown of readers and authors (markup/markdown.h: cmark-gfm, then the
 * sanitizer) on any input: no crash, and the HTML out is what html_check.h accepts. */
#include <stdint.h>

#include "fuzz.h"
#include "html_check.h"
#include "markup/markdown.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MARKDOWN_INPUT_MAX (64 * 1024) /* comments.max_kb tops out here; more only slows it */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The first byte picks the profile: comments are the outside input, articles the authors'. */
    struct fuzz_input in = {data, size};
    enum sanitize_profile profile = fuzz_byte(&in) & 1 ? SANITIZE_ARTICLE : SANITIZE_COMMENT;
    if (in.len > MARKDOWN_INPUT_MAX)
        return 0;
    buf html = {0};
    markup_markdown((const char *)in.data, in.len, profile, &html);
    html_check_fragment(buf_cstr(&html), html.len, profile);
    buf_free(&html);
    return 0;
}
