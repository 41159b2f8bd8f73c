/* text.c: HTML to plain text (paragraphs, quotes, lists, wrapping) by walking gumbo's tree. */
#include "markup/text.h"
#include "markup/html_tree.h"

#include <gumbo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* What an element does to the text; elements not in text_role_of are inline (TEXT_INLINE). */
enum text_role {
    TEXT_INLINE = 0, /* its text joins the current paragraph */
    TEXT_SKIP,       /* neither it nor its content gives text */
    TEXT_BLOCK,      /* a paragraph of its own */
    TEXT_PRE,        /* a block whose lines and spaces are kept */
    TEXT_QUOTE,      /* a block whose lines get the quote prefix */
    TEXT_LIST,       /* <ul>: its items are "- " */
    TEXT_ORDERED,    /* <ol>: its items are "N. " */
    TEXT_ITEM,       /* <li>: a block whose first line gets the list marker */
    TEXT_BREAK,      /* <br>: a line break inside the paragraph */
    TEXT_RULE,       /* <hr>: ends the paragraph, gives nothing */
    TEXT_IMAGE,      /* <img>: its alt text */
    TEXT_CELL,       /* <td>, <th>: inline, but apart from the cell before */
};

static const unsigned char text_role_of[GUMBO_TAG_LAST] = {
    [GUMBO_TAG_HEAD] = TEXT_SKIP,        [GUMBO_TAG_TITLE] = TEXT_SKIP,
    [GUMBO_TAG_SCRIPT] = TEXT_SKIP,      [GUMBO_TAG_STYLE] = TEXT_SKIP,
    [GUMBO_TAG_TEMPLATE] = TEXT_SKIP,    [GUMBO_TAG_NOSCRIPT] = TEXT_SKIP,
    [GUMBO_TAG_HTML] = TEXT_BLOCK,       [GUMBO_TAG_BODY] = TEXT_BLOCK,
    [GUMBO_TAG_P] = TEXT_BLOCK,          [GUMBO_TAG_DIV] = TEXT_BLOCK,
    [GUMBO_TAG_H1] = TEXT_BLOCK,         [GUMBO_TAG_H2] = TEXT_BLOCK,
    [GUMBO_TAG_H3] = TEXT_BLOCK,         [GUMBO_TAG_H4] = TEXT_BLOCK,
    [GUMBO_TAG_H5] = TEXT_BLOCK,         [GUMBO_TAG_H6] = TEXT_BLOCK,
    [GUMBO_TAG_HGROUP] = TEXT_BLOCK,     [GUMBO_TAG_ADDRESS] = TEXT_BLOCK,
    [GUMBO_TAG_ARTICLE] = TEXT_BLOCK,    [GUMBO_TAG_ASIDE] = TEXT_BLOCK,
    [GUMBO_TAG_SECTION] = TEXT_BLOCK,    [GUMBO_TAG_NAV] = TEXT_BLOCK,
    [GUMBO_TAG_HEADER] = TEXT_BLOCK,     [GUMBO_TAG_FOOTER] = TEXT_BLOCK,
    [GUMBO_TAG_MAIN] = TEXT_BLOCK,       [GUMBO_TAG_FIGURE] = TEXT_BLOCK,
    [GUMBO_TAG_FIGCAPTION] = TEXT_BLOCK, [GUMBO_TAG_DETAILS] = TEXT_BLOCK,
    [GUMBO_TAG_SUMMARY] = TEXT_BLOCK,    [GUMBO_TAG_FIELDSET] = TEXT_BLOCK,
    [GUMBO_TAG_LEGEND] = TEXT_BLOCK,     [GUMBO_TAG_FORM] = TEXT_BLOCK,
    [GUMBO_TAG_CENTER] = TEXT_BLOCK,     [GUMBO_TAG_DL] = TEXT_BLOCK,
    [GUMBO_TAG_DT] = TEXT_BLOCK,         [GUMBO_TAG_DD] = TEXT_BLOCK,
    [GUMBO_TAG_TABLE] = TEXT_BLOCK,      [GUMBO_TAG_CAPTION] = TEXT_BLOCK,
    [GUMBO_TAG_THEAD] = TEXT_BLOCK,      [GUMBO_TAG_TBODY] = TEXT_BLOCK,
    [GUMBO_TAG_TFOOT] = TEXT_BLOCK,      [GUMBO_TAG_TR] = TEXT_BLOCK,
    [GUMBO_TAG_PRE] = TEXT_PRE,          [GUMBO_TAG_LISTING] = TEXT_PRE,
    [GUMBO_TAG_XMP] = TEXT_PRE,          [GUMBO_TAG_PLAINTEXT] = TEXT_PRE,
    [GUMBO_TAG_BLOCKQUOTE] = TEXT_QUOTE, [GUMBO_TAG_UL] = TEXT_LIST,
    [GUMBO_TAG_MENU] = TEXT_LIST,        [GUMBO_TAG_OL] = TEXT_ORDERED,
    [GUMBO_TAG_LI] = TEXT_ITEM,          [GUMBO_TAG_BR] = TEXT_BREAK,
    [GUMBO_TAG_HR] = TEXT_RULE,          [GUMBO_TAG_IMG] = TEXT_IMAGE,
    [GUMBO_TAG_TD] = TEXT_CELL,          [GUMBO_TAG_TH] = TEXT_CELL,
};

/* An open element that changes the start of lines: a quotation, a list or a list item. */
struct text_container {
    enum text_role role; /* TEXT_QUOTE, TEXT_LIST, TEXT_ORDERED or TEXT_ITEM */
    unsigned id;         /* unique per walk: tells two successive items apart */
    long next_number;    /* lists: the number of the next item */
    char marker[32];     /* items: "- " or "N. " */
    size_t marker_len;   /* items: strlen(marker), also the hanging indent of later lines */
    bool marker_pending; /* items: the marker is still to be written on a first line */
};

/* The state of one markup_html_to_text call; everything is freed at its end. */
struct text_writer {
    struct text_options options;  /* the caller's, negative numbers made 0, NULL prefix "" */
    buf *out;                     /* the caller's buffer, appended to */
    struct text_container *stack; /* open containers, outermost first */
    size_t depth;                 /* entries used in stack */
    size_t cap;                   /* entries allocated in stack */
    unsigned next_id;             /* id for the next container */
    unsigned *last_ids;           /* ids of the containers around the last written paragraph */
    size_t last_depth;            /* entries used in last_ids */
    size_t last_cap;              /* entries allocated in last_ids */
    bool wrote;                   /* a paragraph has been written */
    buf para;                     /* the paragraph being collected, lines joined by '\n' */
    bool pending_space;           /* white space seen since the last character of para */
    int pre_depth;                /* open <pre>-like elements */
    buf line;                     /* scratch for one output line */
};

static bool text_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Code points in s[0..len): every byte that does not continue a UTF-8 sequence. */
static size_t text_columns(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static void text_put_spaces(buf *b, size_t count)
{
    buf_reserve(b, count);
    memset(b->ptr + b->len, ' ', count);
    b->len += count;
    b->ptr[b->len] = '\0';
}

/* Puts into w->line the indent and the prefix of the first `depth` containers; markers are
 * written where `markers` is true and one is pending, their width in spaces otherwise. */
static void text_build_prefix(struct text_writer *w, size_t depth, bool markers)
{
    buf_reset(&w->line);
    text_put_spaces(&w->line, (size_t)w->options.indent);
    for (size_t k = 0; k < depth; k++) {
        const struct text_container *c = &w->stack[k];
        if (c->role == TEXT_QUOTE)
            buf_puts(&w->line, w->options.quote_prefix);
        else if (c->role == TEXT_ITEM && markers && c->marker_pending)
            buf_append(&w->line, c->marker, c->marker_len);
        else if (c->role == TEXT_ITEM)
            text_put_spaces(&w->line, c->marker_len);
    }
}

/* Appends w->line and a newline to the output, without the line's trailing blanks. */
static void text_emit_line(struct text_writer *w)
{
    while (w->line.len &&
           (w->line.ptr[w->line.len - 1] == ' ' || w->line.ptr[w->line.len - 1] == '\t'))
        w->line.len--;
    buf_append(w->out, w->line.ptr, w->line.len);
    buf_putc(w->out, '\n');
}

/* The blank line between two paragraphs keeps the quote prefixes the two have in common. */
static void text_emit_separator(struct text_writer *w)
{
    size_t common = 0;
    while (common < w->depth && common < w->last_depth &&
           w->stack[common].id == w->last_ids[common])
        common++;
    text_build_prefix(w, common, false);
    text_emit_line(w);
}

/* Writes one line of content with the current prefix; the first consumes pending markers. */
static void text_emit_content(struct text_writer *w, const char *s, size_t len)
{
    text_build_prefix(w, w->depth, true);
    buf_append(&w->line, s, len);
    text_emit_line(w);
    for (size_t k = 0; k < w->depth; k++)
        w->stack[k].marker_pending = false;
}

/* Writes a line of collapsed text, wrapped at spaces to options.width when that is set. */
static void text_emit_wrapped(struct text_writer *w, const char *s, size_t len)
{
    if (w->options.width <= 0) {
        text_emit_content(w, s, len);
        return;
    }
    text_build_prefix(w, w->depth, true);
    size_t used = text_columns(w->line.ptr, w->line.len);
    size_t width = (size_t)w->options.width;
    size_t room = width > used ? width - used : 1;

    /* Greedy: as many words as fit; a word longer than the room goes on a line of its own. */
    size_t start = 0, end = 0, columns = 0;
    size_t i = 0;
    while (i < len) {
        size_t word_end = i;
        while (word_end < len && s[word_end] != ' ')
            word_end++;
        size_t word_columns = text_columns(s + i, word_end - i);
        if (end > start && columns + 1 + word_columns > room) {
            text_emit_content(w, s + start, end - start);
            start = i;
            columns = 0;
        }
        columns += (end > start ? 1 : 0) + word_columns;
        end = word_end;
        i = word_end;
        while (i < len && s[i] == ' ')
            i++;
    }
    if (end > start)
        text_emit_content(w, s + start, end - start);
}

static bool text_line_is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!text_is_space(s[i]))
            return false;
    return true;
}

/* Writes the collected paragraph, if it has any text, and starts a new one. Blank lines at
 * its ends are dropped; inside it a run of them becomes one, except in <pre>, which is kept. */
static void text_flush(struct text_writer *w)
{
    bool pre = w->pre_depth > 0;
    const char *s = w->para.ptr;
    size_t len = w->para.len;
    w->pending_space = false;
    if (!len || text_line_is_blank(s, len)) {
        buf_reset(&w->para);
        return;
    }
    if (w->wrote)
        text_emit_separator(w);

    bool started = false; /* a non-blank line was written */
    size_t blanks = 0;    /* blank lines seen since the last written one */
    size_t i = 0;
    while (i <= len) {
        size_t end = i;
        while (end < len && s[end] != '\n')
            end++;
        size_t stop = end;
        while (stop > i && (s[stop - 1] == ' ' || s[stop - 1] == '\t' || s[stop - 1] == '\r'))
            stop--;
        if (stop == i) {
            blanks++;
        } else {
            if (started && blanks) {
                for (size_t k = 0; k < (pre ? blanks : 1); k++) {
                    text_build_prefix(w, w->depth, false);
                    text_emit_line(w);
                }
            }
            if (pre)
                text_emit_content(w, s + i, stop - i);
            else
                text_emit_wrapped(w, s + i, stop - i);
            started = true;
            blanks = 0;
        }
        i = end + 1;
    }

    w->wrote = true;
    if (w->last_cap < w->depth) {
        w->last_cap = w->depth;
        w->last_ids = xrealloc(w->last_ids, w->last_cap * sizeof *w->last_ids);
    }
    for (size_t k = 0; k < w->depth; k++)
        w->last_ids[k] = w->stack[k].id;
    w->last_depth = w->depth;
    buf_reset(&w->para);
}

/* Adds text to the paragraph: outside <pre> each run of white space becomes one space, and
 * none at the start or end of a line. */
static void text_add(struct text_writer *w, const char *s, size_t len)
{
    if (w->pre_depth > 0) {
        buf_append(&w->para, s, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (text_is_space(s[i])) {
            w->pending_space = true;
            continue;
        }
        if (w->pending_space && w->para.len && w->para.ptr[w->para.len - 1] != '\n')
            buf_putc(&w->para, ' ');
        w->pending_space = false;
        buf_putc(&w->para, s[i]);
    }
}

static void text_line_break(struct text_writer *w)
{
    buf_putc(&w->para, '\n');
    w->pending_space = false;
}

/* Opens a container; items take their marker from the innermost list. */
static void text_push(struct text_writer *w, enum text_role role, const GumboElement *element)
{
    if (w->depth == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->stack = xrealloc(w->stack, w->cap * sizeof *w->stack);
    }
    struct text_container *c = &w->stack[w->depth];
    *c = (struct text_container){.role = role, .id = w->next_id++, .next_number = 1};
    if (role == TEXT_ORDERED) {
        const GumboAttribute *start = gumbo_get_attribute(&element->attributes, "start");
        if (start) {
            char *end;
            long n = strtol(start->value, &end, 10);
            if (end != start->value && n > -1000000000L && n < 1000000000L)
                c->next_number = n;
        }
    }
    if (role == TEXT_ITEM) {
        struct text_container *list = NULL;
        for (size_t k = w->depth; k > 0 && !list; k--)
            if (w->stack[k - 1].role == TEXT_LIST || w->stack[k - 1].role == TEXT_ORDERED)
                list = &w->stack[k - 1];
        int n;
        if (list && list->role == TEXT_ORDERED)
            n = snprintf(c->marker, sizeof c->marker, "%ld. ", list->next_number++);
        else
            n = snprintf(c->marker, sizeof c->marker, "- ");
        c->marker_len = n > 0 ? (size_t)n : 0;
        c->marker_pending = true;
    }
    w->depth++;
}

static enum text_role text_role_of_node(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_TEMPLATE)
        return TEXT_SKIP;
    GumboTag tag = node->v.element.tag;
    if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
        return TEXT_INLINE;
    return (tag >= 0 && tag < GUMBO_TAG_LAST) ? (enum text_role)text_role_of[tag] : TEXT_INLINE;
}

/* Handles the start of a node; returns whether its children are to be walked. */
static bool text_enter(struct text_writer *w, const GumboNode *node)
{
    switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
        return true;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        text_add(w, node->v.text.text, strlen(node->v.text.text));
        return false;
    case GUMBO_NODE_COMMENT:
        return false;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
        break;
    }
    enum text_role role = text_role_of_node(node);
    const GumboElement *element = &node->v.element;
    if (role == TEXT_SKIP)
        return false;
    if (role == TEXT_BREAK) {
        text_line_break(w);
        return false;
    }
    if (role == TEXT_IMAGE) {
        const GumboAttribute *alt = gumbo_get_attribute(&element->attributes, "alt");
        bool labelled = w->options.image_labels;
        if (labelled)
            text_add(w, alt && *alt->value ? "[Image: " : "[Image]", alt && *alt->value ? 8 : 7);
        if (alt && (*alt->value || !labelled))
            text_add(w, alt->value, strlen(alt->value));
        if (labelled && alt && *alt->value)
            text_add(w, "]", 1);
        return false;
    }
    if (role == TEXT_CELL) {
        w->pending_space = true;
        return true;
    }
    if (role == TEXT_INLINE)
        return true;
    text_flush(w);
    if (role == TEXT_RULE)
        return false;
    if (role == TEXT_QUOTE || role == TEXT_LIST || role == TEXT_ORDERED || role == TEXT_ITEM)
        text_push(w, role, element);
    if (role == TEXT_PRE)
        w->pre_depth++;
    return true;
}

/* Handles the end of a node whose children were walked. */
static void text_leave(struct text_writer *w, const GumboNode *node)
{
    if (node->type != GUMBO_NODE_ELEMENT)
        return;
    enum text_role role = text_role_of_node(node);
    if (role == TEXT_INLINE || role == TEXT_CELL)
        return;
    text_flush(w);
    if (role == TEXT_QUOTE || role == TEXT_LIST || role == TEXT_ORDERED || role == TEXT_ITEM) {
        if (w->depth)
            w->depth--;
    }
    if (role == TEXT_PRE && w->pre_depth > 0)
        w->pre_depth--;
}

static bool text_enter_node(void *context, const GumboNode *node)
{
    return text_enter(context, node);
}

static void text_leave_node(void *context, const GumboNode *node)
{
    text_leave(context, node);
}

void markup_html_to_text(const char *html, size_t len, const struct text_options *options, buf *out)
{
    struct text_writer w = {.out = out};
    if (options)
        w.options = *options;
    if (w.options.indent < 0)
        w.options.indent = 0;
    if (w.options.width < 0)
        w.options.width = 0;
    if (!w.options.quote_prefix)
        w.options.quote_prefix = "";
    if (!html || len == 0)
        return;

    GumboOutput *parsed = html_tree_parse(html, len);
    html_tree_walk(parsed->root, text_enter_node, text_leave_node, &w);
    text_flush(&w);
    html_tree_free(parsed);

    free(w.stack);
    free(w.last_ids);
    buf_free(&w.para);
    buf_free(&w.line);
}
