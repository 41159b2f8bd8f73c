/* html_tree.c: gumbo options, parse and an iterative walk. */
#include "markup/html_tree.h"

#include <stdlib.h>

#include "markup/html_depth.h"
#include "util/alloc.h"

static void *tree_alloc(void *userdata, size_t size)
{
    (void)userdata;
    return xmalloc(size);
}

static void tree_free(void *userdata, void *ptr)
{
    (void)userdata;
    free(ptr);
}

GumboOptions html_tree_options(void)
{
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = tree_alloc;
    options.deallocator = tree_free;
    options.max_errors = 0;
    return options;
}

GumboOutput *html_tree_parse(const char *html, size_t len)
{
    GumboOptions options = html_tree_options();
    GumboOutput *output;
    buf bounded = {0};

    /* Stored HTML went through the sanitizer, but posts stored before it bounded depth may
     * nest deeper; the PDF and text walks are linear only in a bounded tree. */
    if (markup_html_bound_depth(html, len, HTML_DEPTH_DOCUMENT, &bounded)) {
        html = buf_cstr(&bounded);
        len = bounded.len;
    }
    output = gumbo_parse_with_options(&options, html, len);
    buf_free(&bounded);
    return output;
}

void html_tree_free(GumboOutput *output)
{
    GumboOptions options = html_tree_options();
    gumbo_destroy_output(&options, output);
}

static const GumboVector *children(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_DOCUMENT)
        return &node->v.document.children;
    if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
        return &node->v.element.children;
    return NULL;
}

void html_tree_walk(const GumboNode *root, bool (*enter)(void *context, const GumboNode *node),
                    void (*leave)(void *context, const GumboNode *node), void *context)
{
    const GumboNode *node = root;
    bool descend = enter(context, node);
    for (;;) {
        const GumboVector *kids = descend ? children(node) : NULL;
        if (kids && kids->length > 0) {
            node = kids->data[0];
            descend = enter(context, node);
            continue;
        }
        for (;;) {
            if (descend)
                leave(context, node);
            if (node == root)
                return;
            const GumboNode *parent = node->parent;
            const GumboVector *siblings = children(parent);
            size_t next = node->index_within_parent + 1;
            if (next < siblings->length) {
                node = siblings->data[next];
                descend = enter(context, node);
                break;
            }
            node = parent;
            descend = true; /* a parent is only reached through a walked child */
        }
    }
}
