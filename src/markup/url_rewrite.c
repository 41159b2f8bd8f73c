/* url_rewrite.c: finds URL-bearing attributes with gumbo, rewrites their values in place. */
#include "markup/url_rewrite.h"

#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>

#include "markup/escape.h"
#include "markup/html_depth.h"
#include "markup/html_tree.h"
#include "util/alloc.h"

/* One attribute value or text to replace: the bytes [start, end) of the parsed HTML (the value
 * with its quotes, as gumbo's original_value gives it, or a text's original_text) become
 * `value`, escaped (and quoted, for a value). */
struct splice {
    size_t start, end;
    char *value;    /* owned (buf_detach) */
    size_t changed; /* URLs changed in it */
    bool quoted;    /* an attribute value: written between double quotes */
};

struct rewrite {
    const char *html; /* what gumbo parsed */
    size_t len;
    markup_url_map map;
    void *context;
    struct splice *splices; /* owned */
    size_t count, capacity;
    size_t changed; /* URLs changed */
};

static bool html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Maps one URL (white space around it dropped, as a browser does) into `out`; copies it as it
 * was when the map keeps it. */
static void rewrite_one(struct rewrite *rw, const char *url, size_t len, buf *out)
{
    size_t lead = 0;
    while (lead < len && html_space(url[lead]))
        lead++;
    size_t end = len;
    while (end > lead && html_space(url[end - 1]))
        end--;
    if (end > lead) {
        size_t before = out->len;
        if (rw->map(rw->context, url + lead, end - lead, out)) {
            buf_append(out, url + end, len - end);
            rw->changed++;
            /* the leading white space goes before the new URL: move what map wrote */
            if (lead) {
                buf_reserve(out, lead);
                memmove(out->ptr + before + lead, out->ptr + before, out->len - before);
                memcpy(out->ptr + before, url, lead);
                out->len += lead;
                out->ptr[out->len] = '\0';
            }
            return;
        }
        out->len = before;
        if (out->ptr)
            out->ptr[before] = '\0';
    }
    buf_append(out, url, len);
}

/* srcset: candidates separated by commas, each a URL (no white space in it) and optional
 * descriptors ("a.jpg 300w, b.jpg 2x"); a URL's own trailing commas end the candidate. */
static void rewrite_srcset(struct rewrite *rw, const char *value, size_t len, buf *out)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && (html_space(value[i]) || value[i] == ','))
            i++;
        buf_append(out, value + start, i - start);
        size_t url = i;
        while (i < len && !html_space(value[i]))
            i++;
        size_t url_end = i;
        while (url_end > url && value[url_end - 1] == ',')
            url_end--;
        if (url_end > url)
            rewrite_one(rw, value + url, url_end - url, out);
        buf_append(out, value + url_end, i - url_end);
        if (url_end < i)
            continue; /* the commas ended the candidate: no descriptors */
        start = i;
        while (i < len && value[i] != ',')
            i++;
        buf_append(out, value + start, i - start);
    }
}

/* style: the URL of each url(…), quoted or not; the rest of the CSS as it was. */
static void rewrite_style(struct rewrite *rw, const char *value, size_t len, buf *out)
{
    size_t i = 0;
    while (i < len) {
        size_t copy = i;
        while (i + 4 <= len && strncasecmp(value + i, "url(", 4) != 0)
            i++;
        if (i + 4 > len) {
            buf_append(out, value + copy, len - copy);
            return;
        }
        i += 4;
        while (i < len && html_space(value[i]))
            i++;
        char quote = i < len && (value[i] == '"' || value[i] == '\'') ? value[i] : 0;
        if (quote)
            i++;
        buf_append(out, value + copy, i - copy);
        size_t url = i;
        while (i < len && (quote ? value[i] != quote : value[i] != ')' && !html_space(value[i])))
            i++;
        rewrite_one(rw, value + url, i - url, out);
    }
}

/* Adds a splice of `piece` (an attribute's original_value, quoted, or a text's original_text);
 * returns false (and frees `value`) when the piece is not in the text parsed. */
static bool add_splice(struct rewrite *rw, GumboStringPiece piece, buf *value, size_t changed,
                       bool quoted)
{
    const char *at = piece.data;
    size_t length = piece.length;
    /* only a value written in the text parsed (not one gumbo made up) can be replaced */
    if (!at || at < rw->html || length == 0 || (size_t)(at - rw->html) + length > rw->len) {
        buf_free(value);
        return false;
    }
    if (rw->count == rw->capacity) {
        rw->capacity = rw->capacity ? 2 * rw->capacity : 16;
        rw->splices = xrealloc(rw->splices, rw->capacity * sizeof(*rw->splices));
    }
    size_t start = (size_t)(at - rw->html);
    rw->splices[rw->count++] = (struct splice){.start = start,
                                               .end = start + length,
                                               .value = buf_detach(value),
                                               .changed = changed,
                                               .quoted = quoted};
    return true;
}

/* Rewrites the URLs of one attribute; returns its new value (owned by the splice made), or
 * NULL when it is kept. */
static const char *rewrite_attribute(struct rewrite *rw, const GumboAttribute *attribute)
{
    const char *name = attribute->name;
    void (*rewrite)(struct rewrite *, const char *, size_t, buf *) = NULL;
    if (strcmp(name, "href") == 0 || strcmp(name, "src") == 0 || strcmp(name, "poster") == 0)
        rewrite = rewrite_one;
    else if (strcmp(name, "srcset") == 0)
        rewrite = rewrite_srcset;
    else if (strcmp(name, "style") == 0)
        rewrite = rewrite_style;
    if (!rewrite || !attribute->value)
        return NULL;
    size_t changed = rw->changed;
    buf value = {0};
    rewrite(rw, attribute->value, strlen(attribute->value), &value);
    if (rw->changed != changed &&
        add_splice(rw, attribute->original_value, &value, rw->changed - changed, true))
        return rw->splices[rw->count - 1].value;
    buf_free(&value);
    return NULL;
}

/* A link whose text is its own address, as WordPress writes a file's link (the fallback of
 * [audio] and [video], the file block): the text shows the new address too. */
static void rewrite_link_text(struct rewrite *rw, const GumboNode *link, const char *old_href,
                              const char *new_href)
{
    const GumboVector *children = &link->v.element.children;
    if (children->length != 1)
        return;
    const GumboNode *text = children->data[0];
    if (text->type != GUMBO_NODE_TEXT || strcmp(text->v.text.text, old_href) != 0)
        return;
    buf value = {0};
    buf_puts(&value, new_href);
    add_splice(rw, text->v.text.original_text, &value, 0, false);
}

static bool enter(void *context, const GumboNode *node)
{
    struct rewrite *rw = context;
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)
        return node->type == GUMBO_NODE_DOCUMENT;
    const GumboVector *attributes = &node->v.element.attributes;
    for (unsigned i = 0; i < attributes->length; i++) {
        const GumboAttribute *attribute = attributes->data[i];
        const char *new_value = rewrite_attribute(rw, attribute);
        if (new_value && node->v.element.tag == GUMBO_TAG_A && strcmp(attribute->name, "href") == 0)
            rewrite_link_text(rw, node, attribute->value, new_value);
    }
    return true;
}

static void leave(void *context, const GumboNode *node)
{
    (void)context;
    (void)node;
}

static int by_start(const void *a, const void *b)
{
    const struct splice *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

size_t markup_rewrite_urls(const char *html, size_t len, markup_url_map map, void *context,
                           buf *out)
{
    buf bounded = {0};
    if (!html) {
        html = "";
        len = 0;
    }
    if (markup_html_bound_depth(html, len, HTML_DEPTH_FRAGMENT, &bounded)) {
        html = buf_cstr(&bounded);
        len = bounded.len;
    }
    struct rewrite rw = {.html = html, .len = len, .map = map, .context = context};
    GumboOptions options = html_tree_options();
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    GumboOutput *output = gumbo_parse_with_options(&options, html, len);
    html_tree_walk(output->root, enter, leave, &rw);
    gumbo_destroy_output(&options, output);

    /* the tree's order is not always the text's (misnested markup is moved), and an element
     * gumbo cloned repeats its attributes: apply in text order, each span once */
    if (rw.count)
        qsort(rw.splices, rw.count, sizeof(*rw.splices), by_start);
    size_t at = 0, changed = 0;
    for (size_t i = 0; i < rw.count; i++) {
        const struct splice *s = &rw.splices[i];
        if (s->start >= at) {
            buf_append(out, html + at, s->start - at);
            if (s->quoted)
                buf_putc(out, '"');
            if (s->value)
                escape_html(s->value, strlen(s->value),
                            s->quoted ? ESCAPE_QUOTES_DOUBLE : ESCAPE_QUOTES_NONE, out);
            if (s->quoted)
                buf_putc(out, '"');
            at = s->end;
            changed += s->changed;
        }
        free(s->value);
    }
    buf_append(out, html + at, len - at);
    free(rw.splices);
    buf_free(&bounded);
    return changed;
}
