/* html_depth.c: a linear pre-pass that bounds HTML nesting depth before gumbo parses it.
 *
 * Gumbo scans its stack of open elements for nearly every tag ("is there a p in button
 * scope?"), so deep nesting makes parsing quadratic. This pass tokenizes as the HTML
 * tokenizer does (comments, raw text, script escapes, CDATA in foreign content) and keeps a
 * model of the stack. The model must never be shallower than gumbo's real stack, or an
 * attacker could nest past the limit: where HTML's tree rules are subtle (misnested
 * formatting, foster parenting, furthest blocks) it pops less than gumbo and so counts more.
 * Ordinary HTML nests far below the limit, so counting a little more never touches it. */
#include "markup/html_depth.h"

#include <gumbo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

enum depth_namespace {
    NS_HTML,
    NS_SVG,
    NS_MATH,
};

/* A template's insertion mode, as far as it matters here: a <col> first puts gumbo in "column
 * group" with the template as current node, where every tag but col and template is ignored
 * (a <textarea> there opens no raw text). */
enum template_mode {
    TEMPLATE_OPEN,    /* no start tag decided it yet */
    TEMPLATE_BODY,    /* in body: table parts are ignored */
    TEMPLATE_TABLE,   /* a table mode: table parts are read */
    TEMPLATE_COLUMNS, /* stuck in column group */
};

/* One element the model believes open (or implied, like a table's tbody). */
struct depth_entry {
    const char *name;                 /* tag name as written (matching unknown and foreign tags) */
    size_t name_len;                  /* its length */
    GumboTag tag;                     /* gumbo's number for the name */
    enum depth_namespace ns;          /* HTML, SVG or MathML */
    size_t pending_mark;              /* markers (td, caption...): pending count when opened */
    enum template_mode template_mode; /* templates: what their first start tag made them */
    bool phantom; /* gumbo may have taken it out: it counts and bounds scans, never matches */
};

/* A tag as the tokenizer reads it. */
struct depth_tag {
    size_t start, end;   /* bytes [start, end) of the tag, '<' to '>' */
    const char *name;    /* tag name as written */
    size_t name_len;     /* its length */
    GumboTag tag;        /* gumbo's number for it */
    bool end_tag;        /* </name> */
    bool self_closing;   /* ends in "/>" */
    bool font_attribute; /* has color, face or size (a <font> that leaves SVG) */
};

struct depth_state {
    const char *html;                                  /* the input */
    size_t len;                                        /* its length */
    enum html_depth_mode mode;                         /* fragment or document */
    struct depth_entry stack[MARKUP_HTML_DEPTH_LIMIT]; /* the model, outermost first */
    size_t depth;                                      /* entries used */
    /* Formatting elements (b, i, a...) closed by an ancestor's end tag stay on gumbo's list
     * of active formatting elements, which reopens them inside the next block: they count. */
    GumboTag pending[MARKUP_HTML_DEPTH_LIMIT];
    size_t pending_count;                 /* entries of pending used */
    unsigned dropped[GUMBO_TAG_LAST + 1]; /* start tags dropped, whose end tags go too */
    bool form_pointer;                    /* gumbo's form element pointer is set */
    size_t selects, templates;            /* HTML select and template entries in the stack */
    buf *out;                             /* where the bounded copy goes */
    size_t copied;                        /* input bytes before this were handled in `out` */
    bool changed;                         /* something was dropped */
    size_t last_drop;                     /* where the last dropped tag started, plus one */
};

#define TAG_BIT(t) (1ull << ((t) % 64))

/* A set of tags as a bitmap over gumbo's tag numbers (there are fewer than 192). */
struct tag_set {
    unsigned long long bits[3]; /* bit t % 64 of word t / 64 */
};

static bool tag_in(const struct tag_set *set, GumboTag tag)
{
    return (set->bits[tag / 64] >> (tag % 64)) & 1u;
}

static void tag_set_add(struct tag_set *set, const GumboTag *tags, size_t count)
{
    for (size_t i = 0; i < count; i++)
        set->bits[tags[i] / 64] |= TAG_BIT(tags[i]);
}

#define SET(name, ...)                                                                             \
    static const GumboTag name##_tags[] = {__VA_ARGS__};                                           \
    static struct tag_set name

SET(set_special, GUMBO_TAG_ADDRESS, GUMBO_TAG_APPLET, GUMBO_TAG_AREA, GUMBO_TAG_ARTICLE,
    GUMBO_TAG_ASIDE, GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_BODY, GUMBO_TAG_BR, GUMBO_TAG_BUTTON, GUMBO_TAG_CAPTION, GUMBO_TAG_CENTER,
    GUMBO_TAG_COL, GUMBO_TAG_COLGROUP, GUMBO_TAG_MENUITEM, GUMBO_TAG_DD, GUMBO_TAG_DETAILS,
    GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL, GUMBO_TAG_DT, GUMBO_TAG_EMBED, GUMBO_TAG_FIELDSET,
    GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_FORM, GUMBO_TAG_FRAME,
    GUMBO_TAG_FRAMESET, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5,
    GUMBO_TAG_H6, GUMBO_TAG_HEAD, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_HR, GUMBO_TAG_HTML,
    GUMBO_TAG_IFRAME, GUMBO_TAG_IMG, GUMBO_TAG_INPUT, GUMBO_TAG_ISINDEX, GUMBO_TAG_LI,
    GUMBO_TAG_LINK, GUMBO_TAG_LISTING, GUMBO_TAG_MARQUEE, GUMBO_TAG_MENU, GUMBO_TAG_META,
    GUMBO_TAG_NAV, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_OBJECT,
    GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_PARAM, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE,
    GUMBO_TAG_SCRIPT, GUMBO_TAG_SECTION, GUMBO_TAG_SELECT, GUMBO_TAG_STYLE, GUMBO_TAG_SUMMARY,
    GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_TD, GUMBO_TAG_TEMPLATE, GUMBO_TAG_TEXTAREA,
    GUMBO_TAG_TFOOT, GUMBO_TAG_TH, GUMBO_TAG_THEAD, GUMBO_TAG_TITLE, GUMBO_TAG_TR, GUMBO_TAG_UL,
    GUMBO_TAG_WBR, GUMBO_TAG_XMP);
/* The boundaries of "has an element in scope". */
SET(set_scope, GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TD,
    GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE);
SET(set_list_scope, GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE,
    GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_OL, GUMBO_TAG_UL);
SET(set_button_scope, GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE,
    GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_BUTTON);
SET(set_table_scope, GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TEMPLATE);
/* Markers on the list of active formatting elements: closing one forgets what it holds. */
SET(set_marker, GUMBO_TAG_APPLET, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_CAPTION);
SET(set_formatting, GUMBO_TAG_A, GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_CODE, GUMBO_TAG_EM,
    GUMBO_TAG_FONT, GUMBO_TAG_I, GUMBO_TAG_NOBR, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE,
    GUMBO_TAG_STRONG, GUMBO_TAG_TT, GUMBO_TAG_U);
/* Elements that never hold content in HTML. */
SET(set_void, GUMBO_TAG_AREA, GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BR,
    GUMBO_TAG_COL, GUMBO_TAG_EMBED, GUMBO_TAG_HR, GUMBO_TAG_IMG, GUMBO_TAG_IMAGE, GUMBO_TAG_INPUT,
    GUMBO_TAG_KEYGEN, GUMBO_TAG_LINK, GUMBO_TAG_META, GUMBO_TAG_PARAM, GUMBO_TAG_SOURCE,
    GUMBO_TAG_TRACK, GUMBO_TAG_WBR, GUMBO_TAG_FRAME, GUMBO_TAG_ISINDEX);
/* Start tags that first close an open p (in button scope). */
SET(set_closes_p, GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL,
    GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_HEADER,
    GUMBO_TAG_HGROUP, GUMBO_TAG_MENU, GUMBO_TAG_NAV, GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_SECTION,
    GUMBO_TAG_SUMMARY, GUMBO_TAG_UL, GUMBO_TAG_MAIN, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3,
    GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_PRE, GUMBO_TAG_LISTING, GUMBO_TAG_HR,
    GUMBO_TAG_XMP, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT);
/* End tags that close the element of their name when it is in (default) scope. */
SET(set_scoped_end, GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_BUTTON, GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV,
    GUMBO_TAG_DL, GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER,
    GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_LISTING, GUMBO_TAG_MAIN, GUMBO_TAG_MENU,
    GUMBO_TAG_NAV, GUMBO_TAG_OL, GUMBO_TAG_PRE, GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY, GUMBO_TAG_UL,
    GUMBO_TAG_DD, GUMBO_TAG_DT, GUMBO_TAG_APPLET, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT,
    GUMBO_TAG_TEMPLATE);
/* End tags of table parts: they close their element when it is in table scope. */
SET(set_table_end, GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT, GUMBO_TAG_TR,
    GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_CAPTION);
/* Start tags that leave SVG and MathML (in a whole document). */
SET(set_breakout, GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY, GUMBO_TAG_BR,
    GUMBO_TAG_CENTER, GUMBO_TAG_CODE, GUMBO_TAG_DD, GUMBO_TAG_DIV, GUMBO_TAG_DL, GUMBO_TAG_DT,
    GUMBO_TAG_EM, GUMBO_TAG_EMBED, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4,
    GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_HEAD, GUMBO_TAG_HR, GUMBO_TAG_I, GUMBO_TAG_IMG,
    GUMBO_TAG_LI, GUMBO_TAG_LISTING, GUMBO_TAG_MENU, GUMBO_TAG_META, GUMBO_TAG_NOBR, GUMBO_TAG_OL,
    GUMBO_TAG_P, GUMBO_TAG_PRE, GUMBO_TAG_RUBY, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_SPAN,
    GUMBO_TAG_STRONG, GUMBO_TAG_STRIKE, GUMBO_TAG_SUB, GUMBO_TAG_SUP, GUMBO_TAG_TABLE, GUMBO_TAG_TT,
    GUMBO_TAG_U, GUMBO_TAG_UL, GUMBO_TAG_VAR);
/* Tags that set gumbo's insertion mode (for telling whether a select is the current one). */
SET(set_mode, GUMBO_TAG_SELECT, GUMBO_TAG_TEMPLATE, GUMBO_TAG_TABLE, GUMBO_TAG_TD, GUMBO_TAG_TH,
    GUMBO_TAG_TR, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT, GUMBO_TAG_CAPTION,
    GUMBO_TAG_COLGROUP);
SET(set_table_part, GUMBO_TAG_CAPTION, GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_TFOOT,
    GUMBO_TAG_THEAD, GUMBO_TAG_TR, GUMBO_TAG_TD, GUMBO_TAG_TH);

static pthread_once_t depth_sets_once = PTHREAD_ONCE_INIT;

#define FILL(name) tag_set_add(&name, name##_tags, sizeof name##_tags / sizeof name##_tags[0])

/* The sets are built once, at the first call from any worker: a tag belongs to several sets,
 * and designated initialisers cannot OR bits into one entry. */
static void depth_fill_sets(void)
{
    FILL(set_special);
    FILL(set_scope);
    FILL(set_list_scope);
    FILL(set_button_scope);
    FILL(set_table_scope);
    FILL(set_marker);
    FILL(set_formatting);
    FILL(set_void);
    FILL(set_closes_p);
    FILL(set_scoped_end);
    FILL(set_table_end);
    FILL(set_breakout);
    FILL(set_mode);
    FILL(set_table_part);
}

static bool depth_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool depth_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool depth_equal_nocase(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (a_len != b_len)
        return false;
    for (size_t i = 0; i < a_len; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] - 'A' + 'a') : b[i];
        if (x != y)
            return false;
    }
    return true;
}

/* Position just after the first '>' at or after `at`, or the end. */
static size_t depth_after_gt(const struct depth_state *st, size_t at)
{
    const char *gt = at < st->len ? memchr(st->html + at, '>', st->len - at) : NULL;
    return gt ? (size_t)(gt - st->html) + 1 : st->len;
}

/* Reads the tag at html[at] == '<' (start tag: a letter follows; end tag: "</" and a letter)
 * as the tokenizer does: attribute values in quotes may hold '>'. Returns false when the input
 * ends inside the tag, which the tokenizer then drops. */
static bool depth_read_tag(const struct depth_state *st, size_t at, struct depth_tag *tag)
{
    const char *h = st->html;
    size_t len = st->len;
    size_t i = at + 1;

    memset(tag, 0, sizeof *tag);
    tag->start = at;
    if (h[i] == '/') {
        tag->end_tag = true;
        i++;
    }
    tag->name = h + i;
    while (i < len && !depth_is_space(h[i]) && h[i] != '/' && h[i] != '>')
        i++;
    tag->name_len = (size_t)(h + i - tag->name);
    tag->tag = gumbo_tagn_enum(tag->name, (unsigned)tag->name_len);
    for (;;) {
        while (i < len && (depth_is_space(h[i]) || h[i] == '/')) {
            if (h[i] == '/' && i + 1 < len && h[i + 1] == '>')
                tag->self_closing = true;
            i++;
        }
        if (i >= len)
            return false;
        if (h[i] == '>') {
            tag->end = i + 1;
            return true;
        }
        tag->self_closing = false;
        /* An attribute name: its first character may be '='. */
        size_t name = i++;
        while (i < len && !depth_is_space(h[i]) && h[i] != '/' && h[i] != '>' && h[i] != '=')
            i++;
        size_t name_len = i - name;
        if (depth_equal_nocase(h + name, name_len, "color", 5) ||
            depth_equal_nocase(h + name, name_len, "face", 4) ||
            depth_equal_nocase(h + name, name_len, "size", 4))
            tag->font_attribute = true;
        while (i < len && depth_is_space(h[i]))
            i++;
        if (i >= len)
            return false;
        if (h[i] != '=')
            continue;
        i++;
        while (i < len && depth_is_space(h[i]))
            i++;
        if (i >= len)
            return false;
        if (h[i] == '"' || h[i] == '\'') {
            const char *close = memchr(h + i + 1, h[i], len - i - 1);
            if (close == NULL)
                return false;
            i = (size_t)(close - h) + 1;
        } else {
            while (i < len && !depth_is_space(h[i]) && h[i] != '>')
                i++;
        }
    }
}

/* True when html[at] starts "</name" followed by a character that ends a tag name. */
static bool depth_is_end_of(const struct depth_state *st, size_t at, const char *name,
                            size_t name_len)
{
    const char *h = st->html;
    if (st->len - at < name_len + 3 || h[at] != '<' || h[at + 1] != '/' ||
        !depth_equal_nocase(h + at + 2, name_len, name, name_len))
        return false;
    char c = h[at + 2 + name_len];
    return depth_is_space(c) || c == '/' || c == '>';
}

/* Where RCDATA or RAWTEXT opened by `name` ends: the '<' of its end tag, or the end. */
static size_t depth_raw_end(const struct depth_state *st, size_t at, const char *name,
                            size_t name_len)
{
    while (at < st->len) {
        const char *lt = memchr(st->html + at, '<', st->len - at);
        if (lt == NULL)
            return st->len;
        at = (size_t)(lt - st->html);
        if (depth_is_end_of(st, at, name, name_len))
            return at;
        at++;
    }
    return st->len;
}

/* Where script data ends, following the tokenizer's escaped and double-escaped states
 * ("<!--" and "<script" inside a script change where "</script>" ends it). */
static size_t depth_script_end(const struct depth_state *st, size_t at)
{
    enum { DATA, ESCAPED, DOUBLE } state = DATA;
    const char *h = st->html;
    size_t dashes = 0; /* '-' just seen in an escaped state */

    while (at < st->len) {
        char c = h[at];
        if (state == DATA) {
            if (c == '<' && depth_is_end_of(st, at, "script", 6))
                return at;
            if (c == '<' && st->len - at >= 4 && memcmp(h + at, "<!--", 4) == 0) {
                /* "<!--" then, as in escaped dash dash, a '>' right away goes back. */
                state = ESCAPED;
                dashes = 2;
                at += 4;
                continue;
            }
            at++;
            continue;
        }
        if (c == '-') {
            dashes++;
            at++;
            continue;
        }
        if (c == '>' && dashes >= 2) {
            state = DATA;
            dashes = 0;
            at++;
            continue;
        }
        dashes = 0;
        if (c == '<' && state == ESCAPED) {
            if (depth_is_end_of(st, at, "script", 6))
                return at;
            if (st->len - at >= 8 && depth_equal_nocase(h + at + 1, 6, "script", 6) &&
                (depth_is_space(h[at + 7]) || h[at + 7] == '/' || h[at + 7] == '>')) {
                state = DOUBLE;
                at += 7;
                continue;
            }
        } else if (c == '<' && state == DOUBLE) {
            if (depth_is_end_of(st, at, "script", 6)) {
                state = ESCAPED;
                at += 8;
                continue;
            }
        }
        at++;
    }
    return st->len;
}

/* Writes the input up to `at` and replaces [at, end), a dropped tag, with an empty bogus
 * comment: with nothing there, a '<' before the tag and the text after it could meet and
 * read as a new tag ("<<t>x" would become "<x"). */
static void depth_drop(struct depth_state *st, size_t at, size_t end)
{
    buf_append(st->out, st->html + st->copied, at - st->copied);
    buf_puts(st->out, "<!>");
    st->copied = end;
    st->last_drop = at + 1;
    st->changed = true;
}

static size_t depth_used(const struct depth_state *st)
{
    return st->depth + st->pending_count;
}

static struct depth_entry *depth_top(struct depth_state *st)
{
    return st->depth ? &st->stack[st->depth - 1] : NULL;
}

/* True when `entry` is the HTML element `tag` and may be matched by a tag. */
static bool depth_is_html(const struct depth_entry *entry, GumboTag tag)
{
    return entry->ns == NS_HTML && entry->tag == tag && !entry->phantom;
}

static bool depth_special(const struct depth_entry *entry)
{
    /* The model's only foreign elements are <svg> and <math>, neither special. */
    return entry->ns == NS_HTML && tag_in(&set_special, entry->tag);
}

/* Keeps st->selects and st->templates (so that no tag has to scan the stack for them). */
static void depth_count(struct depth_state *st, const struct depth_entry *entry, int delta)
{
    if (entry->ns != NS_HTML)
        return;
    if (entry->tag == GUMBO_TAG_SELECT)
        st->selects += (size_t)delta;
    else if (entry->tag == GUMBO_TAG_TEMPLATE)
        st->templates += (size_t)delta;
}

/* Pops entries down to and including index k. Formatting elements popped on the way stay
 * counted (gumbo reopens them); a marker forgets the formatting elements opened inside it. */
static void depth_pop_to(struct depth_state *st, size_t k)
{
    while (st->depth > k) {
        struct depth_entry *entry = &st->stack[--st->depth];
        depth_count(st, entry, -1);
        if (entry->ns != NS_HTML)
            continue;
        if (st->depth > k && tag_in(&set_formatting, entry->tag))
            st->pending[st->pending_count++] = entry->tag;
        else if (tag_in(&set_marker, entry->tag) && st->pending_count > entry->pending_mark)
            st->pending_count = entry->pending_mark;
    }
}

/* Index of the topmost HTML element `tag` found before any boundary of `scope` (an HTML
 * element in the set, or an SVG/MathML scope boundary), or -1. */
static long depth_find_in_scope(const struct depth_state *st, GumboTag tag,
                                const struct tag_set *scope)
{
    for (size_t k = st->depth; k-- > 0;) {
        const struct depth_entry *entry = &st->stack[k];
        if (entry->ns == NS_HTML && entry->tag == tag && entry->phantom)
            return -1;
        if (depth_is_html(entry, tag))
            return (long)k;
        if (entry->ns == NS_HTML && tag_in(scope, entry->tag))
            return -1;
    }
    return -1;
}

/* True when a scope boundary lies above index k: the element there is not "in scope". */
static bool depth_out_of_scope(const struct depth_state *st, size_t k)
{
    for (size_t i = k + 1; i < st->depth; i++)
        if (st->stack[i].ns == NS_HTML && tag_in(&set_scope, st->stack[i].tag))
            return true;
    return false;
}

static void depth_close_p(struct depth_state *st)
{
    long k = depth_find_in_scope(st, GUMBO_TAG_P, &set_button_scope);
    if (k >= 0)
        depth_pop_to(st, (size_t)k);
}

/* The index of the select element whose mode gumbo is in, or -1: the first element from the
 * top that sets an insertion mode. */
static long depth_current_select(const struct depth_state *st)
{
    if (st->selects == 0)
        return -1;
    for (size_t k = st->depth; k-- > 0;) {
        const struct depth_entry *entry = &st->stack[k];
        if (entry->ns == NS_HTML && tag_in(&set_mode, entry->tag))
            return entry->tag == GUMBO_TAG_SELECT ? (long)k : -1;
    }
    return -1;
}

/* True when only option and optgroup elements are above the select at index s: gumbo's
 * "select in select scope". */
static bool depth_select_in_scope(const struct depth_state *st, long s)
{
    for (size_t k = st->depth; k-- > (size_t)s + 1;) {
        if (!depth_is_html(&st->stack[k], GUMBO_TAG_OPTION) &&
            !depth_is_html(&st->stack[k], GUMBO_TAG_OPTGROUP))
            return false;
    }
    return true;
}

/* True when an HTML `tag` (phantom or not) is among the `below` outermost entries. */
static bool depth_has_html(const struct depth_state *st, GumboTag tag, size_t below)
{
    for (size_t k = below; k-- > 0;)
        if (st->stack[k].ns == NS_HTML && st->stack[k].tag == tag)
            return true;
    return false;
}

/* Index of the first entry from the top that sets gumbo's insertion mode, or -1. */
static long depth_mode_entry(const struct depth_state *st)
{
    for (size_t k = st->depth; k-- > 0;)
        if (st->stack[k].ns == NS_HTML && tag_in(&set_mode, st->stack[k].tag))
            return (long)k;
    return -1;
}

/* The end of a formatting element (or a new <a>, <nobr>): gumbo's adoption agency. Without a
 * special element above it, it pops to it, as the model does. With one (a "furthest block"),
 * gumbo takes it and the elements between out of the stack and puts a clone above the
 * block: no deeper, but the model can no longer tell which it kept, so those become
 * phantoms. When it is not open, gumbo forgets the last one on its list, if `pending` (not
 * for nobr, whose adoption only runs when one is in scope). */
static void depth_adopt(struct depth_state *st, GumboTag t, bool pending)
{
    long special = -1;
    for (size_t k = st->depth; k-- > 0;) {
        struct depth_entry *entry = &st->stack[k];
        if (entry->ns == NS_HTML && entry->tag == t && entry->phantom)
            return; /* which one gumbo would take is unknown: pop nothing */
        if (depth_is_html(entry, t)) {
            if (special < 0) {
                depth_pop_to(st, k);
            } else if (!depth_out_of_scope(st, k)) {
                for (size_t i = k; i < (size_t)special; i++)
                    st->stack[i].phantom = true;
            }
            return;
        }
        if (special < 0 && depth_special(entry))
            special = (long)k;
    }
    if (!pending)
        return;
    size_t mark = 0;
    for (size_t i = st->depth; i-- > 0;) {
        if (st->stack[i].ns == NS_HTML && tag_in(&set_marker, st->stack[i].tag)) {
            mark = st->stack[i].pending_mark;
            break;
        }
    }
    for (size_t i = st->pending_count; i-- > mark;) {
        if (st->pending[i] == t) {
            memmove(&st->pending[i], &st->pending[i + 1],
                    (st->pending_count - i - 1) * sizeof st->pending[0]);
            st->pending_count--;
            return;
        }
    }
}

static void depth_push(struct depth_state *st, const struct depth_tag *tag, enum depth_namespace ns,
                       GumboTag as)
{
    struct depth_entry *entry = &st->stack[st->depth++];
    *entry = (struct depth_entry){.name = tag ? tag->name : "",
                                  .name_len = tag ? tag->name_len : 0,
                                  .tag = as,
                                  .ns = ns,
                                  .pending_mark = st->pending_count};
    depth_count(st, entry, 1);
}

/* Makes room for `count` entries or drops the tag: true when it was dropped. */
static bool depth_no_room(struct depth_state *st, const struct depth_tag *tag, size_t count)
{
    if (depth_used(st) + count <= MARKUP_HTML_DEPTH_LIMIT)
        return false;
    depth_drop(st, tag->start, tag->end);
    st->dropped[tag->tag]++;
    return true;
}

/* Skips the raw text a start tag opens; returns where tokenizing goes on. */
static size_t depth_skip_raw(struct depth_state *st, const struct depth_tag *tag)
{
    size_t end;
    switch (tag->tag) {
    case GUMBO_TAG_SCRIPT:
        end = depth_script_end(st, tag->end);
        break;
    case GUMBO_TAG_PLAINTEXT:
        return st->len;
    default:
        end = depth_raw_end(st, tag->end, tag->name, tag->name_len);
        break;
    }
    if (end >= st->len)
        return st->len;
    /* The end tag closes the raw element, which the model never pushed. */
    struct depth_tag close;
    return depth_read_tag(st, end, &close) ? close.end : st->len;
}

static bool depth_is_raw(GumboTag tag)
{
    return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_XMP ||
           tag == GUMBO_TAG_IFRAME || tag == GUMBO_TAG_NOEMBED || tag == GUMBO_TAG_NOFRAMES ||
           tag == GUMBO_TAG_TEXTAREA || tag == GUMBO_TAG_TITLE || tag == GUMBO_TAG_PLAINTEXT;
}

static bool depth_is_heading(GumboTag tag)
{
    return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6;
}

/* A start tag while gumbo is in a select: most are ignored there. */
static size_t depth_start_in_select(struct depth_state *st, const struct depth_tag *tag, long s,
                                    bool *reprocess)
{
    struct depth_entry *top = depth_top(st);
    bool in_table = false;
    for (long k = s; k-- > 0;) {
        if (depth_is_html(&st->stack[k], GUMBO_TAG_TEMPLATE))
            break;
        if (depth_is_html(&st->stack[k], GUMBO_TAG_TABLE)) {
            in_table = true;
            break;
        }
    }
    *reprocess = false;
    switch (tag->tag) {
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_OPTGROUP:
        if (depth_no_room(st, tag, 1))
            return tag->end;
        if (depth_is_html(top, GUMBO_TAG_OPTION))
            depth_pop_to(st, st->depth - 1);
        if (tag->tag == GUMBO_TAG_OPTGROUP && depth_top(st) &&
            depth_is_html(depth_top(st), GUMBO_TAG_OPTGROUP))
            depth_pop_to(st, st->depth - 1);
        depth_push(st, tag, NS_HTML, tag->tag);
        return tag->end;
    case GUMBO_TAG_SELECT:
        if (depth_select_in_scope(st, s))
            depth_pop_to(st, (size_t)s);
        return tag->end;
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_TEXTAREA:
        if (!depth_select_in_scope(st, s))
            return tag->end; /* ignored: a textarea's content is markup then */
        depth_pop_to(st, (size_t)s);
        *reprocess = true;
        return tag->end;
    case GUMBO_TAG_SCRIPT:
        return depth_skip_raw(st, tag);
    case GUMBO_TAG_TEMPLATE:
        if (depth_no_room(st, tag, 1))
            return tag->end;
        depth_push(st, tag, NS_HTML, tag->tag);
        return tag->end;
    default:
        if (in_table && tag_in(&set_table_part, tag->tag)) {
            /* A dropped tag must pop nothing: gumbo never sees it. */
            if (depth_no_room(st, tag, 3))
                return tag->end;
            depth_pop_to(st, (size_t)s);
            *reprocess = true;
        }
        return tag->end;
    }
}

/* A start tag under HTML rules; returns where tokenizing goes on. */
static size_t depth_start_html(struct depth_state *st, const struct depth_tag *tag)
{
    GumboTag t = tag->tag;
    struct depth_entry *top = depth_top(st);
    if (st->selects > 0 || st->templates > 0) {
        /* Inside a select or a template every start tag goes, as inside <svg>: the sanitizer
         * drops both with all they hold, and gumbo's modes there (select, template, column
         * group...) ignore or move tags by rules this model would otherwise have to follow. */
        depth_drop(st, tag->start, tag->end);
        st->dropped[t]++;
        return tag->end;
    }
    if (top && depth_is_html(top, GUMBO_TAG_TEMPLATE)) {
        if (top->template_mode == TEMPLATE_COLUMNS) {
            if (t == GUMBO_TAG_TEMPLATE && !depth_no_room(st, tag, 1))
                depth_push(st, tag, NS_HTML, t);
            return tag->end; /* col is void; anything else is ignored */
        }
        if (top->template_mode == TEMPLATE_OPEN) {
            if (t == GUMBO_TAG_COL) {
                top->template_mode = TEMPLATE_COLUMNS;
                return tag->end;
            }
        }
    }
    long s = depth_current_select(st);
    if (s >= 0) {
        bool reprocess;
        size_t next = depth_start_in_select(st, tag, s, &reprocess);
        if (!reprocess)
            return next;
    }
    if (t == GUMBO_TAG_FRAMESET) {
        /* In a fragment gumbo ignores it; in a document it could end the body and switch to
         * rules this model does not follow. Articles have no frames. */
        if (st->mode == HTML_DEPTH_DOCUMENT)
            depth_drop(st, tag->start, tag->end);
        return tag->end;
    }
    if (t == GUMBO_TAG_HTML || t == GUMBO_TAG_HEAD || t == GUMBO_TAG_BODY)
        return tag->end;
    if (tag_in(&set_void, t)) {
        if (t == GUMBO_TAG_HR)
            depth_close_p(st);
        return tag->end;
    }
    if (depth_is_raw(t)) {
        if (t == GUMBO_TAG_XMP || t == GUMBO_TAG_PLAINTEXT) {
            /* plaintext holds the rest of the input: it must fit */
            if (t == GUMBO_TAG_PLAINTEXT && depth_no_room(st, tag, 1))
                return tag->end;
            depth_close_p(st);
        }
        return depth_skip_raw(st, tag);
    }
    if (t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH) {
        if (tag->self_closing)
            return tag->end;
        if (!depth_no_room(st, tag, 1))
            depth_push(st, tag, t == GUMBO_TAG_SVG ? NS_SVG : NS_MATH, t);
        return tag->end;
    }

    if (t == GUMBO_TAG_FORM && st->form_pointer && st->templates == 0)
        return tag->end; /* a form inside a form is ignored */
    if (t == GUMBO_TAG_COL)
        return tag->end;
    bool table_part = tag_in(&set_table_part, t) || t == GUMBO_TAG_COLGROUP;
    size_t pushes = 1;
    if (table_part && t != GUMBO_TAG_TABLE) {
        /* Read in a table, a cell, a caption or a template not yet in body mode; ignored
         * anywhere else (a template's "in body" included). */
        long m = depth_mode_entry(st);
        if (m < 0 ||
            (st->stack[m].tag == GUMBO_TAG_TEMPLATE && st->stack[m].template_mode == TEMPLATE_BODY))
            return tag->end;
        pushes = 3; /* td with an implied tbody and tr, at most */
    }
    if (depth_no_room(st, tag, pushes))
        return tag->end;

    /* Tags that close open ones first, as gumbo does; any other closing is left out, which
     * only makes the model deeper than gumbo's stack. */
    if (t == GUMBO_TAG_LI || t == GUMBO_TAG_DD || t == GUMBO_TAG_DT) {
        for (size_t k = st->depth; k-- > 0;) {
            const struct depth_entry *entry = &st->stack[k];
            bool same =
                entry->ns == NS_HTML &&
                (t == GUMBO_TAG_LI ? entry->tag == GUMBO_TAG_LI
                                   : entry->tag == GUMBO_TAG_DD || entry->tag == GUMBO_TAG_DT);
            if (same) {
                if (!entry->phantom)
                    depth_pop_to(st, k);
                break;
            }
            if (depth_special(entry) && entry->tag != GUMBO_TAG_ADDRESS &&
                entry->tag != GUMBO_TAG_DIV && entry->tag != GUMBO_TAG_P)
                break;
        }
    }
    if (tag_in(&set_closes_p, t) || t == GUMBO_TAG_FORM)
        depth_close_p(st);
    if (depth_is_heading(t) && depth_top(st) && depth_top(st)->ns == NS_HTML &&
        !depth_top(st)->phantom && depth_is_heading(depth_top(st)->tag))
        depth_pop_to(st, st->depth - 1);
    if ((t == GUMBO_TAG_OPTION || t == GUMBO_TAG_OPTGROUP) && depth_top(st) &&
        depth_is_html(depth_top(st), GUMBO_TAG_OPTION))
        depth_pop_to(st, st->depth - 1);
    if (t == GUMBO_TAG_A)
        depth_adopt(st, t, true);
    if (t == GUMBO_TAG_NOBR && depth_find_in_scope(st, t, &set_scope) >= 0)
        depth_adopt(st, t, false);

    if (t == GUMBO_TAG_TABLE) {
        /* A table started in table content (not in a cell) closes the open table. */
        long m = depth_mode_entry(st);
        if (m >= 0 && st->stack[m].tag != GUMBO_TAG_TD && st->stack[m].tag != GUMBO_TAG_TH &&
            st->stack[m].tag != GUMBO_TAG_TEMPLATE && st->stack[m].tag != GUMBO_TAG_SELECT) {
            long k = depth_find_in_scope(st, GUMBO_TAG_TABLE, &set_table_scope);
            if (k >= 0)
                depth_pop_to(st, (size_t)k);
        }
    } else if (table_part) {
        /* Whatever mode gumbo is in inside a table (cell, row, caption...), a table part
         * closes everything above its container: the row for a cell, the body for a row, the
         * table for the rest. Then it supplies the containers that are missing. */
        long container = -1;
        GumboTag level = GUMBO_TAG_TABLE; /* what the part goes into */
        for (size_t k = st->depth; k-- > 0;) {
            const struct depth_entry *entry = &st->stack[k];
            if (entry->ns != NS_HTML)
                continue;
            if (entry->tag == GUMBO_TAG_TEMPLATE || entry->tag == GUMBO_TAG_HTML)
                break;
            bool cell_goes = t == GUMBO_TAG_TD || t == GUMBO_TAG_TH;
            bool row_goes = cell_goes || t == GUMBO_TAG_TR;
            if (entry->tag == GUMBO_TAG_TABLE ||
                (row_goes && (entry->tag == GUMBO_TAG_TBODY || entry->tag == GUMBO_TAG_THEAD ||
                              entry->tag == GUMBO_TAG_TFOOT)) ||
                (cell_goes && entry->tag == GUMBO_TAG_TR)) {
                if (entry->phantom)
                    break;
                container = (long)k;
                level = entry->tag;
                break;
            }
        }
        if (container >= 0) {
            if ((size_t)container + 1 < st->depth)
                depth_pop_to(st, (size_t)container + 1);
            if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) {
                if (level == GUMBO_TAG_TABLE)
                    depth_push(st, NULL, NS_HTML, GUMBO_TAG_TBODY);
                if (level != GUMBO_TAG_TR)
                    depth_push(st, NULL, NS_HTML, GUMBO_TAG_TR);
            } else if (t == GUMBO_TAG_TR && level == GUMBO_TAG_TABLE) {
                depth_push(st, NULL, NS_HTML, GUMBO_TAG_TBODY);
            }
        } else if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH || t == GUMBO_TAG_TR) {
            /* in a template: count the containers gumbo might add */
            depth_push(st, NULL, NS_HTML, GUMBO_TAG_TBODY);
            if (t != GUMBO_TAG_TR)
                depth_push(st, NULL, NS_HTML, GUMBO_TAG_TR);
        }
    }
    if (t == GUMBO_TAG_FORM && st->templates == 0)
        st->form_pointer = true;
    depth_push(st, tag, NS_HTML, t == GUMBO_TAG_IMAGE ? GUMBO_TAG_IMG : t);
    return tag->end;
}

static size_t depth_start(struct depth_state *st, const struct depth_tag *tag)
{
    const struct depth_entry *top = depth_top(st);
    if (top == NULL || top->ns == NS_HTML) {
        GumboTag t = tag->tag;
        size_t template = st->depth - 1;
        bool open =
            top && depth_is_html(top, GUMBO_TAG_TEMPLATE) && top->template_mode == TEMPLATE_OPEN;
        size_t next = depth_start_html(st, tag);
        /* The first start tag gumbo sees in a template, other than a head's, sets its mode
         * (a dropped one it never sees). */
        if (open && st->last_drop != tag->start + 1 &&
            template <st->depth &&depth_is_html(&st->stack[template], GUMBO_TAG_TEMPLATE) &&
                      st->stack[template].template_mode == TEMPLATE_OPEN && t != GUMBO_TAG_BASE &&
                      t != GUMBO_TAG_BASEFONT && t != GUMBO_TAG_BGSOUND && t != GUMBO_TAG_LINK &&
                      t != GUMBO_TAG_META && t != GUMBO_TAG_NOFRAMES && t != GUMBO_TAG_SCRIPT &&
                      t != GUMBO_TAG_STYLE && t != GUMBO_TAG_TEMPLATE && t != GUMBO_TAG_TITLE)
            st->stack[template].template_mode =
                tag_in(&set_table_part, t) || t == GUMBO_TAG_COLGROUP ? TEMPLATE_TABLE
                                                                      : TEMPLATE_BODY;
        return next;
    }
    if (st->mode == HTML_DEPTH_DOCUMENT &&
        (tag_in(&set_breakout, tag->tag) || (tag->tag == GUMBO_TAG_FONT && tag->font_attribute))) {
        /* Leaves SVG or MathML for HTML (gumbo keeps even <div> inside in a fragment). A tag
         * dropped for room must not pop the <svg>: gumbo never sees it. */
        if (depth_no_room(st, tag, 3))
            return tag->end;
        st->depth--;
        return depth_start_html(st, tag);
    }
    /* Inside <svg> or <math> every start tag goes. The sanitizer drops SVG and MathML with all
     * they hold, so its output is the same; the PDF and text renderers read sanitized HTML,
     * which has none. What this buys: the model never has to know what gumbo would do inside
     * (self-closing tags, integration points, raw text by other rules), nor whether gumbo has
     * already left the <svg> (the adoption agency can pop it where the model does not): with
     * no tag there, gumbo opens nothing either way. */
    depth_drop(st, tag->start, tag->end);
    if (!tag->self_closing)
        st->dropped[tag->tag]++;
    return tag->end;
}

/* An end tag under HTML rules. It pops only what gumbo surely pops too. */
static void depth_end_html(struct depth_state *st, const struct depth_tag *tag)
{
    GumboTag t = tag->tag;
    long k;
    long s = depth_current_select(st);

    struct depth_entry *top = depth_top(st);
    if (t == GUMBO_TAG_TEMPLATE) {
        /* In every mode: pop to the last template, whatever is in the way. */
        for (size_t i = st->depth; i-- > 0;) {
            if (depth_is_html(&st->stack[i], t)) {
                depth_pop_to(st, i);
                return;
            }
        }
        return;
    }
    if (top && depth_is_html(top, GUMBO_TAG_TEMPLATE) && top->template_mode == TEMPLATE_COLUMNS)
        return;
    if (s >= 0) {
        if (t == GUMBO_TAG_OPTION && depth_is_html(top, GUMBO_TAG_OPTION)) {
            depth_pop_to(st, st->depth - 1);
        } else if (t == GUMBO_TAG_OPTGROUP) {
            if (depth_is_html(top, GUMBO_TAG_OPTION) && st->depth >= 2 &&
                depth_is_html(&st->stack[st->depth - 2], GUMBO_TAG_OPTGROUP))
                depth_pop_to(st, st->depth - 2);
            else if (depth_is_html(top, GUMBO_TAG_OPTGROUP))
                depth_pop_to(st, st->depth - 1);
        } else if (t == GUMBO_TAG_SELECT) {
            if (depth_select_in_scope(st, s))
                depth_pop_to(st, (size_t)s);
        } else if (tag_in(&set_table_end, t) && depth_find_in_scope(st, t, &set_table_scope) >= 0 &&
                   depth_has_html(st, GUMBO_TAG_TABLE, (size_t)s)) {
            /* select in a table: these end the select, then act as in the table */
            depth_pop_to(st, (size_t)s);
            depth_end_html(st, tag);
        }
        return; /* any other end tag is ignored in a select */
    }
    if (t == GUMBO_TAG_P) {
        k = depth_find_in_scope(st, t, &set_button_scope);
    } else if (t == GUMBO_TAG_LI) {
        k = depth_find_in_scope(st, t, &set_list_scope);
    } else if (depth_is_heading(t)) {
        k = -1;
        for (size_t i = st->depth; i-- > 0;) {
            const struct depth_entry *entry = &st->stack[i];
            if (entry->ns == NS_HTML && depth_is_heading(entry->tag)) {
                k = (long)i;
                break;
            }
            if (entry->ns == NS_HTML && tag_in(&set_scope, entry->tag))
                break;
        }
    } else if (t == GUMBO_TAG_FORM) {
        k = depth_find_in_scope(st, t, &set_scope);
        if (st->templates > 0) {
            /* gumbo pops only a form that is the current node (after implied end tags) */
            if (k >= 0 && (size_t)k + 1 < st->depth)
                return;
            goto pop;
        }
        /* gumbo takes the form its pointer names out of the stack, leaving what it holds */
        if (!st->form_pointer)
            return;
        st->form_pointer = false;
        if (k >= 0) {
            depth_count(st, &st->stack[k], -1);
            memmove(&st->stack[k], &st->stack[k + 1],
                    (st->depth - (size_t)k - 1) * sizeof st->stack[0]);
            st->depth--;
        }
        return;
    } else if (tag_in(&set_scoped_end, t)) {
        k = depth_find_in_scope(st, t, &set_scope);
    } else if (tag_in(&set_table_end, t)) {
        k = depth_find_in_scope(st, t, &set_table_scope);
    } else if (t == GUMBO_TAG_COLGROUP) {
        k = depth_top(st) && depth_is_html(depth_top(st), t) ? (long)st->depth - 1 : -1;
    } else if (t == GUMBO_TAG_BODY || t == GUMBO_TAG_HTML || t == GUMBO_TAG_BR ||
               tag_in(&set_special, t)) {
        /* </br> is a <br>; </body>, </html> change modes only; other special elements (</img>,
         * </col>, </frameset>...) are ignored or, unmodelled, left counted. */
        return;
    } else {
        if (tag_in(&set_formatting, t)) {
            depth_adopt(st, t, true);
            return;
        }
        /* Any other element: pop to it unless a special element is in the way (then gumbo
         * ignores the tag). gumbo compares tag numbers: </x-a> closes an open <x-b>. */
        k = -1;
        for (size_t i = st->depth; i-- > 0;) {
            const struct depth_entry *entry = &st->stack[i];
            if (entry->ns == NS_HTML && entry->tag == t) {
                if (entry->phantom)
                    return;
                k = (long)i;
                break;
            }
            if (depth_special(entry))
                return;
        }
    }
pop:
    if (k >= 0)
        depth_pop_to(st, (size_t)k);
}

static void depth_end(struct depth_state *st, const struct depth_tag *tag)
{
    if (st->dropped[tag->tag] > 0) {
        /* The end of a start tag that was dropped (or of one like it): drop it as well, so it
         * cannot close anything the model keeps. */
        st->dropped[tag->tag]--;
        depth_drop(st, tag->start, tag->end);
        return;
    }
    const struct depth_entry *top = depth_top(st);
    if (top == NULL || top->ns == NS_HTML) {
        depth_end_html(st, tag);
        return;
    }
    /* In SVG or MathML: the nearest foreign element of that name closes, down to the first
     * HTML element, from which HTML rules apply. */
    for (size_t k = st->depth; k-- > 0;) {
        const struct depth_entry *entry = &st->stack[k];
        if (entry->ns == NS_HTML) {
            depth_end_html(st, tag);
            return;
        }
        if (depth_equal_nocase(entry->name, entry->name_len, tag->name, tag->name_len)) {
            depth_pop_to(st, k);
            return;
        }
    }
}

/* Handles the markup at html[at] == '<'; returns where tokenizing goes on. */
static size_t depth_markup(struct depth_state *st, size_t at)
{
    const char *h = st->html;
    size_t len = st->len;
    struct depth_tag tag;

    if (at + 1 >= len)
        return len;
    char c = h[at + 1];
    if (depth_is_alpha(c) || (c == '/' && at + 2 < len && depth_is_alpha(h[at + 2]))) {
        if (!depth_read_tag(st, at, &tag))
            return len; /* a tag cut off by the end: the tokenizer drops it */
        if (tag.end_tag) {
            depth_end(st, &tag);
            return tag.end;
        }
        return depth_start(st, &tag);
    }
    if (c == '/') {
        if (at + 2 >= len)
            return len;
        if (h[at + 2] != '>')
            return depth_after_gt(st, at + 2);
        /* "</>" is nothing to the tokenizer, but gumbo then misreads the next end tag
         * ("<svg></svg>" stays open): give it an empty comment instead. */
        depth_drop(st, at, at + 3);
        return at + 3;
    }
    if (c == '?')
        return depth_after_gt(st, at + 2);
    if (c != '!')
        return at + 1; /* a '<' in text */
    if (len - at >= 4 && h[at + 2] == '-' && h[at + 3] == '-') {
        /* A comment: "<!-->" and "<!--->" end at once, else "-->" or "--!>" ends it. */
        size_t i = at + 4;
        if (i < len && h[i] == '>')
            return i + 1;
        if (i + 1 < len && h[i] == '-' && h[i + 1] == '>')
            return i + 2;
        while (i + 1 < len) {
            if (h[i] == '-' && h[i + 1] == '-') {
                size_t j = i + 2;
                while (j < len && h[j] == '-')
                    j++;
                if (j < len && h[j] == '>')
                    return j + 1;
                if (j + 1 < len && h[j] == '!' && h[j + 1] == '>')
                    return j + 2;
                i = j;
                continue;
            }
            i++;
        }
        return len;
    }
    const struct depth_entry *top = depth_top(st);
    if (top && top->ns != NS_HTML && len - at >= 9 && memcmp(h + at + 2, "[CDATA[", 7) == 0) {
        /* CDATA exists only in SVG and MathML, whose content the sanitizer drops. Gumbo may
         * have left the <svg> where the model has not (see depth_start), and would then read
         * a bogus comment to the first '>': without the opening, both read markup. */
        depth_drop(st, at, at + 9);
        return at + 9;
    }
    return depth_after_gt(st, at + 2); /* DOCTYPE or a bogus comment */
}

bool markup_html_bound_depth(const char *html, size_t len, enum html_depth_mode mode, buf *out)
{
    struct depth_state *st;
    size_t at = 0;
    bool changed;

    pthread_once(&depth_sets_once, depth_fill_sets);
    st = xcalloc(1, sizeof *st); /* 12 KiB: kept off worker stacks */
    st->html = html;
    st->len = len;
    st->mode = mode;
    st->out = out;
    while (at < len) {
        const char *lt = memchr(html + at, '<', len - at);
        if (lt == NULL)
            break;
        at = depth_markup(st, (size_t)(lt - html));
    }
    changed = st->changed;
    if (changed)
        buf_append(out, html + st->copied, len - st->copied);
    free(st);
    return changed;
}
