/* markdown.c: Markdown to safe HTML: cmark-gfm in safe mode, then our sanitizer. */
#include "markup/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "markup/escape.h"
#include "markup/sanitize.h"
#include "util/alloc.h"
#include "util/buf.h"

/* No CMARK_OPT_SMART: keep the quotes and dashes the writer typed. No CMARK_OPT_UNSAFE:
 * raw HTML becomes a comment and javascript:/data: link targets are emptied, before the
 * sanitizer even looks. VALIDATE_UTF8 turns bad bytes into U+FFFD at the source. */
#define MARKDOWN_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8)

/* GFM extensions attached to every parser; footnotes are an option, not an extension. */
static const char *const markdown_extensions[] = {
    "table",
    "autolink",
    "strikethrough",
    "tagfilter",
};

/* Deeper nesting than this (blockquotes in blockquotes, lists in lists, emphasis in
 * emphasis) is not writing but an attack: gumbo 0.10.1 is quadratic in nesting depth
 * (64 KiB of '>' costs it ten seconds), so such a document is shown as typed instead. */
#define MARKDOWN_MAX_DEPTH 64

static pthread_once_t markdown_once = PTHREAD_ONCE_INIT;

/* cmark-gfm 0.29 keeps the inline parser's table of special characters in a global that
 * every parse sets at its start and clears at its end for the attached extensions ('~',
 * autolink triggers). Two parses at once would race on it (a strikethrough or autolink
 * silently missed in the stored HTML), so parses take turns. Markdown is rendered once,
 * at write time, and cmark is fast: the lock costs little. */
static pthread_mutex_t markdown_lock = PTHREAD_MUTEX_INITIALIZER;

static void markdown_register_extensions(void)
{
    /* Registration writes global node-type tables and aborts if run twice at once. */
    cmark_gfm_core_extensions_ensure_registered();
}

/* True when some node of `document` has more than MARKDOWN_MAX_DEPTH ancestors. Counting
 * each node's ancestors stops at the limit, so the cost stays linear in the node count. */
static bool markdown_too_deep(cmark_node *document)
{
    cmark_iter *iter = cmark_iter_new(document);
    cmark_event_type event;
    bool too_deep = false;

    while (!too_deep && (event = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
        int depth = 0;
        if (event != CMARK_EVENT_ENTER)
            continue;
        for (cmark_node *node = cmark_iter_get_node(iter); node != NULL && !too_deep;
             node = cmark_node_parent(node))
            too_deep = ++depth > MARKDOWN_MAX_DEPTH;
    }
    cmark_iter_free(iter);
    return too_deep;
}

/* The source as preformatted text, & < > escaped; the caller frees it with free(). */
static char *markdown_as_typed(const char *src, size_t len)
{
    buf html = {0};

    buf_puts(&html, "<pre>");
    escape_html(src, len, ESCAPE_QUOTES_NONE, &html);
    buf_puts(&html, "</pre>\n");
    return buf_detach(&html);
}

/* WordPress's page break and teaser end, <!--nextpage--> and <!--more[ text]-->, on a line of
 * their own: safe mode would omit them as raw HTML, so each becomes a custom block that writes
 * the comment itself, which the sanitizer then checks like any other (it keeps only these two).
 * Only top-level blocks: a marker in a list or a quote means nothing to WordPress either. */
static void markdown_keep_markers(cmark_node *document)
{
    cmark_node *node = cmark_node_first_child(document);
    while (node != NULL) {
        cmark_node *next = cmark_node_next(node);
        const char *literal = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK
                                  ? cmark_node_get_literal(node)
                                  : NULL;
        size_t len = literal ? strlen(literal) : 0;
        while (len && (literal[len - 1] == '\n' || literal[len - 1] == '\r' ||
                       literal[len - 1] == ' ' || literal[len - 1] == '\t'))
            len--;
        bool marker = literal && len <= 256 && len >= 11 && strncmp(literal, "<!--", 4) == 0 &&
                      strncmp(literal + len - 3, "-->", 3) == 0 &&
                      memchr(literal, '\n', len) == NULL &&
                      ((len == 15 && strncmp(literal, "<!--nextpage-->", 15) == 0) ||
                       strncmp(literal, "<!--more", 8) == 0);
        if (marker) {
            char text[257];
            memcpy(text, literal, len);
            text[len] = '\0';
            cmark_node *kept = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
            if (kept == NULL)
                util_out_of_memory(__FILE__, __LINE__);
            cmark_node_set_on_enter(kept, text);
            cmark_node_replace(node, kept);
            cmark_node_free(node);
        }
        node = next;
    }
}

/* Returns the HTML cmark-gfm makes of src (or src as typed, when nested too deep); the
 * caller frees it with free(). */
static char *markdown_to_html(const char *src, size_t len)
{
    cmark_parser *parser;
    cmark_node *document;
    char *html;

    parser = cmark_parser_new(MARKDOWN_OPTIONS);
    if (parser == NULL)
        util_out_of_memory(__FILE__, __LINE__);
    for (size_t n = 0; n < sizeof markdown_extensions / sizeof markdown_extensions[0]; n++) {
        cmark_syntax_extension *extension = cmark_find_syntax_extension(markdown_extensions[n]);
        /* All four are core extensions; missing one means a broken libcmark-gfm install. */
        if (extension != NULL)
            cmark_parser_attach_syntax_extension(parser, extension);
    }
    cmark_parser_feed(parser, src, len);
    document = cmark_parser_finish(parser);
    markdown_keep_markers(document);
    if (markdown_too_deep(document))
        html = markdown_as_typed(src, len);
    else
        html = cmark_render_html(document, MARKDOWN_OPTIONS,
                                 cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(document);
    cmark_parser_free(parser);
    if (html == NULL)
        util_out_of_memory(__FILE__, __LINE__);
    return html;
}

void markup_markdown(const char *src, size_t len, enum sanitize_profile profile, buf *out)
{
    char *html;

    pthread_once(&markdown_once, markdown_register_extensions);
    pthread_mutex_lock(&markdown_lock);
    html = markdown_to_html(src ? src : "", src ? len : 0);
    pthread_mutex_unlock(&markdown_lock);

    /* Safe mode is not enough on its own (it lets through any attribute a future extension
     * emits, and it trusts its own URL check); the sanitizer is the one gate to the page. */
    markup_sanitize_html(html, strlen(html), profile, out);
    /* cmark's default allocator is calloc/realloc/free, as is buf's. */
    free(html);
}
