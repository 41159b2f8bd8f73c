/* fuzz_blocks.c: WordPress's block grammar (markup/blocks.h) and the whole content pass
 * (markup/wp_content.h) on hostile content: no crash, a delimiter read stays inside the input,
 * the block pass only removes bytes when no footnotes are given, and the sanitized result is
 * what html_check.h accepts. */
#include <stdint.h>

#include "fuzz.h"
#include "html_check.h"
#include "markup/blocks.h"
#include "markup/sanitize.h"
#include "markup/wp_content.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BLOCKS_FUZZ_INPUT_MAX (128 * 1024) /* larger inputs only slow the search */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte: bit 0 wpautop for classic content, bit 1 the rest up to the first NUL is
     * the footnotes postmeta and what follows it the content. */
    struct fuzz_input in = {data, size};
    uint8_t options = fuzz_byte(&in);
    if (in.len > BLOCKS_FUZZ_INPUT_MAX)
        return 0;
    char *footnotes = NULL;
    if (options & 2) {
        const uint8_t *nul = memchr(in.data, 0, in.len);
        size_t n = nul ? (size_t)(nul - in.data) : in.len;
        footnotes = malloc(n + 1);
        FUZZ_CHECK(footnotes != NULL, "out of memory");
        memcpy(footnotes, in.data, n);
        footnotes[n] = '\0';
        in.data += nul ? n + 1 : n;
        in.len -= nul ? n + 1 : n;
    }
    char *text = malloc(in.len ? in.len : 1);
    FUZZ_CHECK(text != NULL, "out of memory");
    memcpy(text, in.data, in.len);

    for (size_t at = 0; at < in.len; at++) {
        struct block_delimiter d;
        if (text[at] != '<' || !markup_block_delimiter(text + at, in.len - at, &d))
            continue;
        FUZZ_CHECK(d.len >= 11 && d.len <= in.len - at &&
                       memcmp(text + at + d.len - 3, "-->", 3) == 0,
                   "delimiter length");
        FUZZ_CHECK(d.name.len > 0 && d.name.ptr > text + at &&
                       d.name.ptr + d.name.len <= text + at + d.len,
                   "name outside the delimiter");
        FUZZ_CHECK(d.attributes.len == 0 || (d.attributes.ptr[0] == '{' &&
                                             d.attributes.ptr[d.attributes.len - 1] == '}'),
                   "attributes not an object's text");
    }

    buf blocks = {0}, out = {0}, clean = {0};
    struct wp_report report = {0};
    markup_blocks(text, in.len, NULL, &blocks, &report);
    FUZZ_CHECK(blocks.len <= in.len, "the block pass added bytes without footnotes");

    struct wp_content_options content = {.autop = options & 1, .footnotes_json = footnotes};
    markup_wp_content(text, in.len, &content, &out, &report);
    markup_sanitize_html(buf_cstr(&out), out.len, SANITIZE_ARTICLE, &clean);
    html_check_fragment(buf_cstr(&clean), clean.len, SANITIZE_ARTICLE);

    wp_report_free(&report);
    buf_free(&blocks);
    buf_free(&out);
    buf_free(&clean);
    free(text);
    free(footnotes);
    return 0;
}
