/* fuzz_shortcode.c: WordPress's shortcode grammar (markup/shortcode.h) on hostile text: no
 * crash, the parser's views stay inside the input and fit the grammar, and the rendered
 * content, once sanitized as the importer does, is what html_check.h accepts. */
#include <stdint.h>

#include "fuzz.h"
#include "html_check.h"
#include "markup/sanitize.h"
#include "markup/shortcode.h"
#include "markup/wp_content.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SHORTCODE_FUZZ_INPUT_MAX (128 * 1024) /* larger inputs only slow the search */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    return 0;
}

static int inside(strview v, const char *text, size_t len)
{
    return v.len == 0 || (v.ptr >= text && v.ptr + v.len <= text + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SHORTCODE_FUZZ_INPUT_MAX)
        return 0;
    /* An exact-size copy, so that reading past the end shows under ASan. */
    char *text = malloc(size ? size : 1);
    FUZZ_CHECK(text != NULL, "out of memory");
    memcpy(text, data, size);

    /* The parser at every '[' */
    for (size_t at = 0; at < size; at++) {
        if (text[at] != '[')
            continue;
        struct shortcode_tag tag;
        if (!markup_shortcode_parse(text + at, size - at, &tag))
            continue;
        FUZZ_CHECK(tag.whole.ptr == text + at && tag.whole.len >= 3 && tag.whole.len <= size - at &&
                       tag.whole.ptr[tag.whole.len - 1] == ']',
                   "whole");
        FUZZ_CHECK(inside(tag.name, text, size) && tag.name.len > 0 &&
                       tag.name.len < SHORTCODE_NAME_MAX &&
                       !memchr(tag.name.ptr, ']', tag.name.len),
                   "name");
        FUZZ_CHECK(!tag.enclosing || (inside(tag.content, tag.whole.ptr, tag.whole.len)),
                   "content outside the shortcode");
        FUZZ_CHECK(!(tag.enclosing && tag.self_closing), "enclosing and self-closing");
        FUZZ_CHECK(tag.attribute_count <= SHORTCODE_ATTRIBUTES_MAX, "attributes");
        for (size_t i = 0; i < tag.attribute_count; i++)
            FUZZ_CHECK(inside(tag.attributes[i].value, tag.whole.ptr, tag.whole.len),
                       "attribute value outside the shortcode");
    }

    /* The renderer, then the sanitizer as the importer runs it */
    buf out = {0}, clean = {0};
    struct wp_report report = {0};
    markup_shortcodes(text, size, &out, &report);
    FUZZ_CHECK(out.len == 0 || out.ptr[out.len] == '\0', "unterminated output");
    for (size_t i = 0; i < report.count; i++)
        FUZZ_CHECK(report.entries[i].count > 0 && *report.entries[i].name, "report entry");
    markup_sanitize_html(buf_cstr(&out), out.len, SANITIZE_ARTICLE, &clean);
    html_check_fragment(buf_cstr(&clean), clean.len, SANITIZE_ARTICLE);
    wp_report_free(&report);
    buf_free(&out);
    buf_free(&clean);
    free(text);
    return 0;
}
