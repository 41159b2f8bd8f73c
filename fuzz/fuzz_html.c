/* fuzz_html.c: imported and legacy HTML (markup/autop.h, markup/sanitize.h) as the WXR
 * importer treats it, and the text renderer (markup/text.h) on what comes out: no crash, the
 * sanitizer's output is what html_check.h accepts, and the text ends as documented. */
#include <stdint.h>

#include "fuzz.h"
#include "html_check.h"
#include "markup/autop.h"
#include "markup/sanitize.h"
#include "markup/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HTML_INPUT_MAX (256 * 1024) /* larger inputs only slow the search */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte: bit 0 the profile, bit 1 wpautop first (as the importer does), bit 2 the
     * text renderer's quoting and wrapping. */
    struct fuzz_input in = {data, size};
    uint8_t options = fuzz_byte(&in);
    enum sanitize_profile profile = options & 1 ? SANITIZE_ARTICLE : SANITIZE_COMMENT;
    if (in.len > HTML_INPUT_MAX)
        return 0;
    buf paragraphs = {0}, clean = {0}, text = {0};
    const char *html = (const char *)in.data;
    size_t len = in.len;
    if (options & 2) {
        markup_autop(html, len, &paragraphs);
        FUZZ_CHECK(paragraphs.len == 0 || paragraphs.ptr[paragraphs.len] == '\0', "autop buf");
        html = buf_cstr(&paragraphs);
        len = paragraphs.len;
    }
    markup_sanitize_html(html, len, profile, &clean);
    html_check_fragment(buf_cstr(&clean), clean.len, profile);

    struct text_options text_options = {0};
    if (options & 4)
        text_options = (struct text_options){.indent = 2, .quote_prefix = ">", .width = 72,
                                             .image_labels = true};
    markup_html_to_text(buf_cstr(&clean), clean.len, &text_options, &text);
    if (text.len)
        FUZZ_CHECK(text.ptr[text.len - 1] == '\n' &&
                       (text.len < 2 || text.ptr[text.len - 2] != '\n'),
                   "text does not end with exactly one newline");

    buf_free(&paragraphs);
    buf_free(&clean);
    buf_free(&text);
    return 0;
}
