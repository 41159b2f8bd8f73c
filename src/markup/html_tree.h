/* html_tree.h: parsing HTML with gumbo and walking the tree, shared by the renderers that read
 * stored HTML (text, PDF). */
#ifndef GAZETTE_MARKUP_HTML_TREE_H
#define GAZETTE_MARKUP_HTML_TREE_H

#include <gumbo.h>
#include <stdbool.h>
#include <stddef.h>

/* Gumbo options that abort on allocation failure (gumbo does not check) and collect no parse
 * errors (nobody reads them). */
GumboOptions html_tree_options(void);

/* Parses `len` bytes of HTML as a document, its nesting first bounded by
 * markup_html_bound_depth; free with html_tree_free. The nodes' decoded fields (text, tag,
 * attribute names and values) are the tree's own; their original_* pieces may point into a
 * copy already freed, so no caller reads them. */
GumboOutput *html_tree_parse(const char *html, size_t len);
void html_tree_free(GumboOutput *output);

/* Walks the tree under `root` in document order without recursion, so deep nesting cannot
 * exhaust the C stack. enter() says whether to walk a node's children; leave() runs for every
 * node whose children were walked (entered with true). */
void html_tree_walk(const GumboNode *root, bool (*enter)(void *context, const GumboNode *node),
                    void (*leave)(void *context, const GumboNode *node), void *context);

#endif
