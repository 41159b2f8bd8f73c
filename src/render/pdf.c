/* pdf.c: an article as a PDF: gumbo walk into styled blocks, pango layout, pagination, cairo. */
#include "render/pdf.h"
#include "markup/html_tree.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <gumbo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"

#define PDF_MM (72.0 / 25.4)    /* points per millimetre */
#define PDF_MAX_INDENT_LEVELS 8 /* deeper nesting is not indented further */
#define PDF_PRE_PADDING 0.6     /* ems between a pre's shaded box and its text */
#define PDF_CELL_GAP 0.6        /* ems between the images of a gallery's row */

/* The look of a kind of paragraph. Sizes and spaces are in ems of the body size. */
enum pdf_style {
    PDF_STYLE_BODY,
    PDF_STYLE_H1,
    PDF_STYLE_H2,
    PDF_STYLE_H3,
    PDF_STYLE_H4, /* also h5, h6 */
    PDF_STYLE_QUOTE,
    PDF_STYLE_FOOTNOTE,
    PDF_STYLE_CAPTION,
    PDF_STYLE_PRE,
    PDF_STYLE_IMAGE,
    PDF_STYLE_TABLE_ROW,
    PDF_STYLE_SITE,
    PDF_STYLE_TITLE,
    PDF_STYLE_BYLINE,
    PDF_STYLE_PERMALINK,
    PDF_STYLE_COMMENT_HEAD,
    PDF_STYLE_COMMENT_BODY,
    PDF_STYLE_RULE,    /* a horizontal line, no text */
    PDF_STYLE_PICTURE, /* an image drawn, no text */
    PDF_STYLE_COUNT,
};

/* The faces of a style: each is a list of fontconfig families, one for each script, so that
 * every script gets a font of the same kind (Noto, which scripts/deps installs), and what none
 * of them has falls back to fontconfig's choice. Emoji are left to that fallback, which
 * takes Noto Color Emoji for them: a list naming it gives it the digits too (they are emoji
 * with a keycap), drawn as pictures without text. Han characters look different in Chinese
 * (simplified or traditional), Japanese and Korean: the list names the CJK font of the text's
 * language (enum pdf_cjk). */
enum pdf_face {
    PDF_SERIF,
    PDF_SANS,
    PDF_MONO,
    PDF_FACE_COUNT,
};

enum pdf_cjk {
    PDF_CJK_SC, /* simplified Chinese: the default */
    PDF_CJK_TC, /* traditional Chinese (Taiwan) */
    PDF_CJK_HK, /* traditional Chinese (Hong Kong) */
    PDF_CJK_JP,
    PDF_CJK_KR,
    PDF_CJK_COUNT,
};

#define PDF_SERIF_LIST(cjk)                                                                        \
    "Noto Serif, Noto Naskh Arabic, Noto Serif Hebrew, Noto Serif Thai, Noto Serif CJK " cjk       \
    ", DejaVu Serif, DejaVu Sans"
#define PDF_SANS_LIST(cjk)                                                                         \
    "Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans Thai, Noto Sans CJK " cjk            \
    ", DejaVu Sans"
#define PDF_MONO_LIST(cjk)                                                                         \
    "Noto Sans Mono, Noto Sans Mono CJK " cjk ", Noto Sans Arabic, Noto Sans Hebrew, "             \
    "Noto Sans Thai, DejaVu Sans Mono"
#define PDF_FACE_LISTS(list)                                                                       \
    {                                                                                              \
        list("SC"), list("TC"), list("HK"), list("JP"), list("KR")                                 \
    }

static const char *const pdf_families[PDF_FACE_COUNT][PDF_CJK_COUNT] = {
    [PDF_SERIF] = PDF_FACE_LISTS(PDF_SERIF_LIST),
    [PDF_SANS] = PDF_FACE_LISTS(PDF_SANS_LIST),
    [PDF_MONO] = PDF_FACE_LISTS(PDF_MONO_LIST),
};

/* The CJK font for a language tag ("ja", "zh-TW", "zh-Hant-HK"…); SC when it says nothing. */
static enum pdf_cjk pdf_cjk_of_language(const char *lang)
{
    if (!lang)
        return PDF_CJK_SC;
    if (g_ascii_strncasecmp(lang, "ja", 2) == 0 && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
        return PDF_CJK_JP;
    if (g_ascii_strncasecmp(lang, "ko", 2) == 0 && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
        return PDF_CJK_KR;
    if (g_ascii_strncasecmp(lang, "zh", 2) != 0)
        return PDF_CJK_SC;
    char lower[32];
    size_t n = 0;
    for (; lang[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)g_ascii_tolower(lang[n] == '_' ? '-' : lang[n]);
    lower[n] = 0;
    if (strstr(lower, "-hk") || strstr(lower, "-mo"))
        return PDF_CJK_HK;
    if (strstr(lower, "-tw") || strstr(lower, "-hant"))
        return PDF_CJK_TC;
    return PDF_CJK_SC;
}

/* True when a language tag says which CJK font its text wants (Chinese, Japanese, Korean). */
static bool pdf_cjk_is_named(const char *lang)
{
    return lang &&
           (g_ascii_strncasecmp(lang, "ja", 2) == 0 || g_ascii_strncasecmp(lang, "ko", 2) == 0 ||
            g_ascii_strncasecmp(lang, "zh", 2) == 0) &&
           (!lang[2] || lang[2] == '-' || lang[2] == '_');
}

/* The CJK font a block without a language gets: Japanese when it has kana, Korean when it
 * has hangul, else the document's. */
static enum pdf_cjk pdf_cjk_of_text(const char *text, size_t len, enum pdf_cjk fallback)
{
    const char *end = text + len;
    for (const char *p = text; p < end; p = g_utf8_next_char(p)) {
        if ((unsigned char)*p < 0xE1)
            continue;
        gunichar c = g_utf8_get_char(p);
        if (c >= 0x3040 && c <= 0x30FF)
            return PDF_CJK_JP;
        if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
            (c >= 0x3130 && c <= 0x318F))
            return PDF_CJK_KR;
    }
    return fallback;
}

struct pdf_style_spec {
    enum pdf_face family; /* its list of fontconfig families */
    double scale;         /* font size relative to the body size */
    bool bold;            /* weight bold */
    bool italic;          /* style italic */
    double before;        /* space above, ems of the body size */
    double after;         /* space below, ems of the body size */
    double line_spacing;  /* pango line-spacing factor */
    double grey;          /* text colour, 0 black .. 1 white */
    bool keep;            /* kept on the page of the block after it */
    bool splittable;      /* may be broken across pages */
};

static const struct pdf_style_spec pdf_styles[PDF_STYLE_COUNT] = {
    [PDF_STYLE_BODY] = {PDF_SERIF, 1.0, false, false, 0, 0.7, 1.2, 0.07, false, true},
    [PDF_STYLE_H1] = {PDF_SANS, 1.55, true, false, 1.4, 0.5, 1.05, 0, true, false},
    [PDF_STYLE_H2] = {PDF_SANS, 1.3, true, false, 1.3, 0.45, 1.05, 0, true, false},
    [PDF_STYLE_H3] = {PDF_SANS, 1.12, true, false, 1.1, 0.4, 1.05, 0, true, false},
    [PDF_STYLE_H4] = {PDF_SANS, 1.0, true, false, 1.0, 0.35, 1.05, 0, true, false},
    [PDF_STYLE_QUOTE] = {PDF_SERIF, 0.95, false, true, 0, 0.6, 1.2, 0.15, false, true},
    [PDF_STYLE_FOOTNOTE] = {PDF_SERIF, 0.8, false, false, 0, 0.45, 1.15, 0.15, false, true},
    [PDF_STYLE_CAPTION] = {PDF_SANS, 0.8, false, false, 0, 0.8, 1.1, 0.3, false, true},
    [PDF_STYLE_PRE] = {PDF_MONO, 0.8, false, false, 0.6, 1.0, 1.1, 0.07, false, true},
    [PDF_STYLE_IMAGE] = {PDF_SERIF, 0.9, false, true, 0, 0.7, 1.2, 0.35, false, false},
    [PDF_STYLE_TABLE_ROW] = {PDF_SERIF, 0.9, false, false, 0, 0.3, 1.15, 0.07, false, false},
    [PDF_STYLE_SITE] = {PDF_SANS, 0.8, false, false, 0, 0.5, 1.0, 0.4, true, false},
    [PDF_STYLE_TITLE] = {PDF_SANS, 2.0, true, false, 0, 0.45, 1.0, 0, true, false},
    [PDF_STYLE_BYLINE] = {PDF_SANS, 0.9, false, false, 0, 0.2, 1.0, 0.25, true, false},
    [PDF_STYLE_PERMALINK] = {PDF_SANS, 0.75, false, false, 0, 0.6, 1.0, 0.4, true, false},
    [PDF_STYLE_COMMENT_HEAD] = {PDF_SANS, 0.85, true, false, 1.0, 0.25, 1.0, 0.1, true, false},
    [PDF_STYLE_COMMENT_BODY] = {PDF_SERIF, 0.92, false, false, 0, 0.5, 1.2, 0.07, false, true},
    [PDF_STYLE_RULE] = {PDF_SANS, 1.0, false, false, 0, 1.4, 1.0, 0.6, false, false},
    /* kept with what follows: a figure's caption stays under its image */
    [PDF_STYLE_PICTURE] = {PDF_SANS, 1.0, false, false, 0.3, 0.5, 1.0, 0, true, false},
};

static const double pdf_body_sizes[] = {
    [PDF_TEXT_NORMAL] = 10.5, [PDF_TEXT_SMALL] = 9.0, [PDF_TEXT_LARGE] = 12.5};

static const double pdf_link_rgb[3] = {0.08, 0.27, 0.55};

/* A link inside a block: bytes [start, end) of its text go to uri. */
struct pdf_link {
    unsigned start, end; /* byte range in the block's text */
    const char *uri;     /* absolute when it could be made so (arena) */
};

/* A block's base direction: from its first strong letter (auto), or forced by dir. */
enum pdf_dir {
    PDF_DIR_AUTO = 0,
    PDF_DIR_LTR,
    PDF_DIR_RTL,
};

/* An image drawn, with a gallery item's caption under it. */
struct pdf_cell {
    cairo_surface_t *picture;  /* the decoded image (owned) */
    double width, height;      /* its size on the page, points */
    const char *caption;       /* a gallery item's caption (arena), or NULL */
    PangoLayout *caption_view; /* its layout (owned), or NULL */
};

/* One paragraph-like unit of the document, laid out as one PangoLayout. */
struct pdf_block {
    enum pdf_style style;     /* look */
    double indent;            /* left indent, points from the left margin */
    double right_indent;      /* right indent, points from the right margin */
    const char *text;         /* UTF-8 (arena); NULL for a rule */
    size_t len;               /* bytes in text */
    PangoAttrList *attrs;     /* inline styles (owned; NULL for none) */
    struct pdf_link *links;   /* arena array */
    size_t link_count;        /* entries in links */
    const char *marker;       /* list marker drawn before the first line (arena) or NULL */
    int heading_level;        /* 1-6 for an outline entry, 0 otherwise */
    unsigned quote_id;        /* the outermost quote it is in, 0 for none */
    double quote_x;           /* where that quote's bar is drawn */
    const char *lang;         /* the language its HTML gives it (lang), or NULL */
    int dir;                  /* enum pdf_dir: its dir attribute */
    bool rtl;                 /* laid out right to left (dir, or its first strong letter) */
    bool keep_with_next;      /* never the last block of a page */
    bool short_rule;          /* rules: a short centred one (hr), not the full width */
    double space_before;      /* points */
    double space_after;       /* points */
    PangoLayout *layout;      /* owned; NULL for a rule */
    PangoLayout *marker_view; /* owned; NULL without a marker */
    int line_count;           /* lines in layout (1 for a rule) */
    double *line_top;         /* per line, points from the top of the layout (arena) */
    double *line_bottom;      /* per line, likewise */
    struct pdf_cell *cells;   /* pictures: the images side by side (xrealloc), one but in a
                                 gallery */
    size_t cell_count;
};

/* A run of lines of one block on one page. */
struct pdf_slice {
    size_t block; /* index in pdf_doc.blocks */
    int first;    /* first line */
    int end;      /* one past the last line */
    int page;     /* 1-based */
    double y;     /* top of the first line on the page, points */
};

/* The state of one render_pdf call; everything is released at its end. */
struct pdf_doc {
    const struct pdf_article *article; /* the caller's */
    arena arena;                       /* texts, links, line tables */
    PangoContext *context;             /* from the process's font map (owned reference) */
    PangoContext *context_rtl;         /* the same with a right-to-left base (owned), or NULL */
    const char *language;              /* the article's language tag, or NULL */
    enum pdf_cjk cjk;                  /* the CJK font of text that names no language */
    PangoFontDescription *fonts[PDF_CJK_COUNT][PDF_STYLE_COUNT]; /* owned, made when needed */
    double body_size;                                            /* points */
    double page_width, page_height;                              /* points */
    double margin_left, margin_right;                            /* points */
    double margin_top, text_bottom; /* text area top and bottom, points from the top */
    struct pdf_block *blocks;       /* in reading order (xrealloc) */
    size_t block_count, block_cap;  /* used and allocated */
    struct pdf_slice *slices;       /* in reading order (xrealloc) */
    size_t slice_count, slice_cap;  /* used and allocated */
    int page_count;                 /* after pagination */
    unsigned next_quote_id;         /* ids for quotes, from 1 */
    const char *base_url;           /* article url when absolute, else NULL */
};

static double pdf_em(const struct pdf_doc *doc, double ems)
{
    return ems * doc->body_size;
}

/* ---- strings ---- */

/* A copy of `s` (NULL is "") that is valid UTF-8, in the arena. */
static const char *pdf_valid_text(struct pdf_doc *doc, const char *s)
{
    if (!s)
        return "";
    if (g_utf8_validate(s, -1, NULL))
        return s;
    char *valid = g_utf8_make_valid(s, -1);
    char *copy = arena_strdup(&doc->arena, valid);
    g_free(valid);
    return copy;
}

/* Appends a number with two decimals and a '.' whatever the locale (cairo's attribute
 * parser wants '.'). */
static void pdf_put_number(buf *b, double value)
{
    long hundredths = (long)(value * 100.0 + (value < 0 ? -0.5 : 0.5));
    if (hundredths < 0) {
        buf_putc(b, '-');
        hundredths = -hundredths;
    }
    buf_printf(b, "%ld.%02ld", hundredths / 100, hundredths % 100);
}

/* Appends `s` as the inside of a single-quoted cairo attribute string. */
static void pdf_put_attribute_string(buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
}

static bool pdf_url_has_scheme(const char *url)
{
    const char *p = url;
    if (!g_ascii_isalpha(*p))
        return false;
    while (g_ascii_isalnum(*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':';
}

/* `href` made absolute against the article's permalink when that is absolute; NULL when the
 * link leads nowhere useful in a PDF (empty). The result is in the arena or is href. */
static const char *pdf_resolve_url(struct pdf_doc *doc, const char *href)
{
    while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r')
        href++;
    if (!*href)
        return NULL;
    if (pdf_url_has_scheme(href))
        return href;
    if (href[0] == '/' && href[1] == '/')
        return arena_printf(&doc->arena, "https:%s", href);
    const char *base = doc->base_url;
    if (!base)
        return href;
    const char *authority = strstr(base, "://") + 3;
    size_t origin_len = (size_t)(authority - base) + strcspn(authority, "/?#");
    if (href[0] == '/')
        return arena_printf(&doc->arena, "%.*s%s", (int)origin_len, base, href);
    size_t base_len = strcspn(base, "#");
    if (href[0] == '#')
        return arena_printf(&doc->arena, "%.*s%s", (int)base_len, base, href);
    if (href[0] == '?') {
        base_len = strcspn(base, "?#");
        return arena_printf(&doc->arena, "%.*s%s", (int)base_len, base, href);
    }
    size_t dir_len = strcspn(base, "?#");
    while (dir_len > origin_len && base[dir_len - 1] != '/')
        dir_len--;
    if (dir_len == origin_len)
        return arena_printf(&doc->arena, "%.*s/%s", (int)origin_len, base, href);
    return arena_printf(&doc->arena, "%.*s%s", (int)dir_len, base, href);
}

/* ---- blocks ---- */

static struct pdf_block *pdf_add_block(struct pdf_doc *doc, enum pdf_style style, double indent)
{
    if (doc->block_count == doc->block_cap) {
        doc->block_cap = doc->block_cap ? doc->block_cap * 2 : 64;
        doc->blocks = xrealloc(doc->blocks, doc->block_cap * sizeof *doc->blocks);
    }
    struct pdf_block *block = &doc->blocks[doc->block_count++];
    const struct pdf_style_spec *spec = &pdf_styles[style];
    *block = (struct pdf_block){
        .style = style,
        .indent = indent,
        .keep_with_next = spec->keep,
        .space_before = pdf_em(doc, spec->before),
        .space_after = pdf_em(doc, spec->after),
    };
    return block;
}

/* A block of plain text (no inline styles) in the given style. */
static struct pdf_block *pdf_add_text_block(struct pdf_doc *doc, enum pdf_style style,
                                            double indent, const char *text)
{
    struct pdf_block *block = pdf_add_block(doc, style, indent);
    block->text = text;
    block->len = strlen(text);
    return block;
}

/* ---- HTML to blocks ---- */

/* What an element does; elements not in pdf_role_of are inline without a look of their own. */
enum pdf_role {
    PDF_ROLE_INLINE = 0, /* its text joins the paragraph */
    PDF_ROLE_SKIP,       /* neither it nor its content gives text */
    PDF_ROLE_BLOCK,      /* a paragraph of its own (or a container of them) */
    PDF_ROLE_HEADING,    /* h1-h6 */
    PDF_ROLE_PRE,        /* lines and spaces kept, monospace */
    PDF_ROLE_QUOTE,      /* indented, italic, with a bar */
    PDF_ROLE_LIST,       /* ul: items get bullets */
    PDF_ROLE_ORDERED,    /* ol: items get numbers */
    PDF_ROLE_ITEM,       /* li */
    PDF_ROLE_INDENTED,   /* dd: indented like a list, no marker */
    PDF_ROLE_BREAK,      /* br */
    PDF_ROLE_RULE,       /* hr */
    PDF_ROLE_IMAGE,      /* img */
    PDF_ROLE_ROW,        /* tr: one paragraph, cells at tab stops */
    PDF_ROLE_CELL,       /* td */
    PDF_ROLE_HEAD_CELL,  /* th: bold */
    PDF_ROLE_CAPTION,    /* figcaption, caption */
    PDF_ROLE_EMPHASIS,   /* em, i, cite, dfn, var */
    PDF_ROLE_STRONG,     /* strong, b, dt */
    PDF_ROLE_CODE,       /* code, kbd, samp, tt */
    PDF_ROLE_LINK,       /* a */
    PDF_ROLE_SUPERSCRIPT,
    PDF_ROLE_SUBSCRIPT,
    PDF_ROLE_STRIKE,    /* s, del, strike */
    PDF_ROLE_UNDERLINE, /* u, ins */
    PDF_ROLE_SMALL,     /* small */
    PDF_ROLE_COUNT,     /* not a role: how many there are */
};

/* Roles whose content joins the paragraph as a span (a text style, a link, a table cell):
 * entering one does not end the paragraph, and leaving it applies its style (pdf_span_apply).
 * Every other role is a block. */
static const bool pdf_role_is_span[PDF_ROLE_COUNT] = {
    [PDF_ROLE_INLINE] = true, [PDF_ROLE_EMPHASIS] = true,    [PDF_ROLE_STRONG] = true,
    [PDF_ROLE_CODE] = true,   [PDF_ROLE_SUPERSCRIPT] = true, [PDF_ROLE_SUBSCRIPT] = true,
    [PDF_ROLE_STRIKE] = true, [PDF_ROLE_UNDERLINE] = true,   [PDF_ROLE_SMALL] = true,
    [PDF_ROLE_LINK] = true,   [PDF_ROLE_CELL] = true,        [PDF_ROLE_HEAD_CELL] = true,
};

static const unsigned char pdf_role_of[GUMBO_TAG_LAST] = {
    [GUMBO_TAG_HEAD] = PDF_ROLE_SKIP,
    [GUMBO_TAG_TITLE] = PDF_ROLE_SKIP,
    [GUMBO_TAG_SCRIPT] = PDF_ROLE_SKIP,
    [GUMBO_TAG_STYLE] = PDF_ROLE_SKIP,
    [GUMBO_TAG_TEMPLATE] = PDF_ROLE_SKIP,
    [GUMBO_TAG_NOSCRIPT] = PDF_ROLE_SKIP,
    [GUMBO_TAG_HTML] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_BODY] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_P] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_DIV] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_H1] = PDF_ROLE_HEADING,
    [GUMBO_TAG_H2] = PDF_ROLE_HEADING,
    [GUMBO_TAG_H3] = PDF_ROLE_HEADING,
    [GUMBO_TAG_H4] = PDF_ROLE_HEADING,
    [GUMBO_TAG_H5] = PDF_ROLE_HEADING,
    [GUMBO_TAG_H6] = PDF_ROLE_HEADING,
    [GUMBO_TAG_HGROUP] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_ADDRESS] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_ARTICLE] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_ASIDE] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_SECTION] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_NAV] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_HEADER] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_FOOTER] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_MAIN] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_FIGURE] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_FIGCAPTION] = PDF_ROLE_CAPTION,
    [GUMBO_TAG_CAPTION] = PDF_ROLE_CAPTION,
    [GUMBO_TAG_DETAILS] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_SUMMARY] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_FIELDSET] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_LEGEND] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_FORM] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_CENTER] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_DL] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_DT] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_DD] = PDF_ROLE_INDENTED,
    [GUMBO_TAG_TABLE] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_THEAD] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_TBODY] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_TFOOT] = PDF_ROLE_BLOCK,
    [GUMBO_TAG_TR] = PDF_ROLE_ROW,
    [GUMBO_TAG_TD] = PDF_ROLE_CELL,
    [GUMBO_TAG_TH] = PDF_ROLE_HEAD_CELL,
    [GUMBO_TAG_PRE] = PDF_ROLE_PRE,
    [GUMBO_TAG_LISTING] = PDF_ROLE_PRE,
    [GUMBO_TAG_XMP] = PDF_ROLE_PRE,
    [GUMBO_TAG_PLAINTEXT] = PDF_ROLE_PRE,
    [GUMBO_TAG_BLOCKQUOTE] = PDF_ROLE_QUOTE,
    [GUMBO_TAG_UL] = PDF_ROLE_LIST,
    [GUMBO_TAG_MENU] = PDF_ROLE_LIST,
    [GUMBO_TAG_OL] = PDF_ROLE_ORDERED,
    [GUMBO_TAG_LI] = PDF_ROLE_ITEM,
    [GUMBO_TAG_BR] = PDF_ROLE_BREAK,
    [GUMBO_TAG_HR] = PDF_ROLE_RULE,
    [GUMBO_TAG_IMG] = PDF_ROLE_IMAGE,
    [GUMBO_TAG_EM] = PDF_ROLE_EMPHASIS,
    [GUMBO_TAG_I] = PDF_ROLE_EMPHASIS,
    [GUMBO_TAG_CITE] = PDF_ROLE_EMPHASIS,
    [GUMBO_TAG_DFN] = PDF_ROLE_EMPHASIS,
    [GUMBO_TAG_VAR] = PDF_ROLE_EMPHASIS,
    [GUMBO_TAG_STRONG] = PDF_ROLE_STRONG,
    [GUMBO_TAG_B] = PDF_ROLE_STRONG,
    [GUMBO_TAG_CODE] = PDF_ROLE_CODE,
    [GUMBO_TAG_KBD] = PDF_ROLE_CODE,
    [GUMBO_TAG_SAMP] = PDF_ROLE_CODE,
    [GUMBO_TAG_TT] = PDF_ROLE_CODE,
    [GUMBO_TAG_A] = PDF_ROLE_LINK,
    [GUMBO_TAG_SUP] = PDF_ROLE_SUPERSCRIPT,
    [GUMBO_TAG_SUB] = PDF_ROLE_SUBSCRIPT,
    [GUMBO_TAG_S] = PDF_ROLE_STRIKE,
    [GUMBO_TAG_DEL] = PDF_ROLE_STRIKE,
    [GUMBO_TAG_STRIKE] = PDF_ROLE_STRIKE,
    [GUMBO_TAG_U] = PDF_ROLE_UNDERLINE,
    [GUMBO_TAG_INS] = PDF_ROLE_UNDERLINE,
    [GUMBO_TAG_SMALL] = PDF_ROLE_SMALL,
};

/* An element being walked: what it changed, so that leaving it can undo that. */
struct pdf_frame {
    enum pdf_role role;     /* as classified on entry */
    unsigned span_start;    /* inline roles: where its text starts in the paragraph */
    const char *uri;        /* links: the target, NULL for an anchor without one */
    long next_number;       /* ordered lists: the number of the next item */
    double indent;          /* points it added to the indent */
    bool footnote;          /* it made its content footnotes */
    int heading;            /* headings: its level */
    const char *lang;       /* spans: the language its lang attribute gives its text, or NULL */
    const char *outer_lang; /* blocks: the builder's language before it */
    bool gallery;           /* blocks: a gallery (its images go side by side) */
    bool cell_caption;      /* captions: a gallery item's, given to its image's cell */
    int outer_dir;          /* blocks: the builder's direction before it */
};

/* The state of turning one HTML fragment into blocks. */
struct pdf_builder {
    struct pdf_doc *doc;         /* where blocks go */
    enum pdf_style base_style;   /* for plain paragraphs: body or comment body */
    double indent;               /* current left indent, points */
    int indent_levels;           /* nested indenting containers */
    struct pdf_frame *frames;    /* open elements, outermost first */
    size_t depth, cap;           /* frames used and allocated */
    buf para;                    /* the paragraph being collected */
    PangoAttrList *attrs;        /* its inline styles (owned until flushed), or NULL */
    struct pdf_link *links;      /* its links (xrealloc) */
    size_t link_count, link_cap; /* used and allocated */
    bool pending_space;          /* white space seen since the paragraph's last character */
    int pre_depth;               /* open pre elements */
    int quote_depth;             /* open blockquotes */
    unsigned quote_id;           /* id of the outermost open quote */
    double quote_x;              /* its bar position */
    int footnote_depth;          /* open elements of class footnote(s) */
    int caption_depth;           /* open captions */
    int heading_level;           /* the open heading's level, 0 when none */
    int row_depth;               /* open table rows */
    bool cell_seen;              /* the open row has had a cell */
    const char *marker;          /* the open item's marker, not yet given to a block */
    const char *lang;            /* the language of the open blocks (lang), or NULL */
    int dir;                     /* enum pdf_dir of the open blocks */
    int gallery_depth;           /* open galleries */
    size_t gallery_row;          /* the block of the open gallery's last row, SIZE_MAX: none */
};

/* The style a paragraph ending now gets. */
static enum pdf_style pdf_current_style(const struct pdf_builder *b)
{
    if (b->heading_level)
        return b->heading_level == 1   ? PDF_STYLE_H1
               : b->heading_level == 2 ? PDF_STYLE_H2
               : b->heading_level == 3 ? PDF_STYLE_H3
                                       : PDF_STYLE_H4;
    if (b->pre_depth)
        return PDF_STYLE_PRE;
    if (b->caption_depth)
        return PDF_STYLE_CAPTION;
    if (b->footnote_depth)
        return PDF_STYLE_FOOTNOTE;
    if (b->quote_depth)
        return PDF_STYLE_QUOTE;
    if (b->row_depth)
        return PDF_STYLE_TABLE_ROW;
    return b->base_style;
}

static void pdf_attr_add(struct pdf_builder *b, PangoAttribute *attr, unsigned start, unsigned end)
{
    attr->start_index = start;
    attr->end_index = end;
    if (!b->attrs)
        b->attrs = pango_attr_list_new();
    pango_attr_list_insert(b->attrs, attr);
}

/* Gives the inline look of `frame` to bytes [frame->span_start, end) of the paragraph. */
static void pdf_span_apply(struct pdf_builder *b, const struct pdf_frame *frame, unsigned end)
{
    unsigned start = frame->span_start;
    if (end <= start)
        return;
    if (frame->lang && *frame->lang) {
        pdf_attr_add(b, pango_attr_language_new(pango_language_from_string(frame->lang)), start,
                     end);
        if (pdf_cjk_is_named(frame->lang)) {
            enum pdf_face face = frame->role == PDF_ROLE_CODE || b->pre_depth
                                     ? PDF_MONO
                                     : pdf_styles[pdf_current_style(b)].family;
            pdf_attr_add(
                b, pango_attr_family_new(pdf_families[face][pdf_cjk_of_language(frame->lang)]),
                start, end);
        }
    }
    switch (frame->role) {
    case PDF_ROLE_EMPHASIS:
        pdf_attr_add(b,
                     pango_attr_style_new(pdf_styles[pdf_current_style(b)].italic
                                              ? PANGO_STYLE_NORMAL
                                              : PANGO_STYLE_ITALIC),
                     start, end);
        break;
    case PDF_ROLE_STRONG:
    case PDF_ROLE_HEAD_CELL:
        pdf_attr_add(b, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
        break;
    case PDF_ROLE_CODE:
        if (!b->pre_depth) {
            enum pdf_cjk cjk = b->lang ? pdf_cjk_of_language(b->lang) : b->doc->cjk;
            pdf_attr_add(b, pango_attr_family_new(pdf_families[PDF_MONO][cjk]), start, end);
            pdf_attr_add(b, pango_attr_scale_new(0.88), start, end);
        }
        break;
    case PDF_ROLE_SUPERSCRIPT:
    case PDF_ROLE_SUBSCRIPT: {
        double size = pdf_em(b->doc, pdf_styles[pdf_current_style(b)].scale);
        int rise = (int)(size * (frame->role == PDF_ROLE_SUPERSCRIPT ? 0.35 : -0.15) * PANGO_SCALE);
        pdf_attr_add(b, pango_attr_rise_new(rise), start, end);
        pdf_attr_add(b, pango_attr_scale_new(0.72), start, end);
        break;
    }
    case PDF_ROLE_STRIKE:
        pdf_attr_add(b, pango_attr_strikethrough_new(TRUE), start, end);
        break;
    case PDF_ROLE_UNDERLINE:
        pdf_attr_add(b, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start, end);
        break;
    case PDF_ROLE_SMALL:
        pdf_attr_add(b, pango_attr_scale_new(0.85), start, end);
        break;
    case PDF_ROLE_LINK:
        if (!frame->uri)
            break;
        pdf_attr_add(b,
                     pango_attr_foreground_new((guint16)(pdf_link_rgb[0] * 65535),
                                               (guint16)(pdf_link_rgb[1] * 65535),
                                               (guint16)(pdf_link_rgb[2] * 65535)),
                     start, end);
        if (b->link_count == b->link_cap) {
            b->link_cap = b->link_cap ? b->link_cap * 2 : 8;
            b->links = xrealloc(b->links, b->link_cap * sizeof *b->links);
        }
        b->links[b->link_count++] = (struct pdf_link){start, end, frame->uri};
        break;
    default:
        break;
    }
}

/* Ends the paragraph being collected: a block if it has any text. Open inline elements
 * carry on into the next paragraph. */
static void pdf_flush(struct pdf_builder *b)
{
    while (b->para.len &&
           (b->para.ptr[b->para.len - 1] == '\n' || b->para.ptr[b->para.len - 1] == ' ' ||
            b->para.ptr[b->para.len - 1] == '\t'))
        b->para.len--;
    b->pending_space = false;
    if (b->para.len == 0) {
        if (b->attrs)
            pango_attr_list_unref(b->attrs);
        b->attrs = NULL;
        b->link_count = 0;
        for (size_t k = 0; k < b->depth; k++)
            b->frames[k].span_start = 0;
        buf_reset(&b->para);
        return;
    }
    unsigned len = (unsigned)b->para.len;
    for (size_t k = 0; k < b->depth; k++) {
        pdf_span_apply(b, &b->frames[k], len);
        b->frames[k].span_start = 0;
    }
    struct pdf_doc *doc = b->doc;
    enum pdf_style style = pdf_current_style(b);
    struct pdf_block *block = pdf_add_block(doc, style, b->indent);
    block->text = arena_strndup(&doc->arena, b->para.ptr, b->para.len);
    block->len = b->para.len;
    block->attrs = b->attrs;
    b->attrs = NULL;
    if (b->link_count) {
        block->links = arena_alloc(&doc->arena, b->link_count * sizeof *block->links);
        for (size_t k = 0; k < b->link_count; k++) {
            block->links[k] = b->links[k];
            if (block->links[k].end > len)
                block->links[k].end = len;
        }
        block->link_count = b->link_count;
        b->link_count = 0;
    }
    block->marker = b->marker;
    b->marker = NULL;
    block->heading_level = b->heading_level;
    block->lang = b->lang;
    block->dir = b->dir;
    block->quote_id = b->quote_id;
    block->quote_x = b->quote_x;
    if (b->quote_depth && style == PDF_STYLE_QUOTE)
        block->right_indent = pdf_em(doc, 1.0);
    if (b->row_depth || block->marker)
        block->space_after = pdf_em(doc, style == PDF_STYLE_TABLE_ROW ? 0.3 : 0.35);
    buf_reset(&b->para);
}

/* After a container ends, the block before what follows gets a paragraph's space. */
static void pdf_end_container(struct pdf_builder *b)
{
    struct pdf_doc *doc = b->doc;
    if (doc->block_count == 0)
        return;
    struct pdf_block *last = &doc->blocks[doc->block_count - 1];
    double gap = pdf_em(doc, pdf_styles[PDF_STYLE_BODY].after);
    if (last->space_after < gap)
        last->space_after = gap;
}

/* Before inline content starts, a pending space goes in, so the span does not begin with it
 * later. */
static void pdf_settle_space(struct pdf_builder *b)
{
    if (b->pending_space && b->para.len && b->para.ptr[b->para.len - 1] != '\n')
        buf_putc(&b->para, ' ');
    b->pending_space = false;
}

static bool pdf_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Adds text: outside pre each run of white space becomes one space, none at a line start.
 * Soft hyphens are dropped so that none can reach the text layer. */
static void pdf_add_text(struct pdf_builder *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xAD) {
            i++;
            continue;
        }
        if (b->pre_depth) {
            buf_putc(&b->para, s[i] == '\r' ? '\n' : s[i]);
            continue;
        }
        if (pdf_is_space(s[i])) {
            b->pending_space = true;
            continue;
        }
        pdf_settle_space(b);
        buf_putc(&b->para, s[i]);
    }
}

static bool pdf_has_footnote_class(const GumboElement *element)
{
    const GumboAttribute *class = gumbo_get_attribute(&element->attributes, "class");
    if (!class)
        return false;
    const char *p = class->value;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n >= 8 && strncmp(p, "footnote", 8) == 0)
            return true;
        p += n;
    }
    return false;
}

/* The element's lang attribute when it is a plausible language tag (BCP 47: letters, digits,
 * '-'; at most 35 characters), "" for lang="" (no language), or NULL. */
static const char *pdf_lang_of(struct pdf_doc *doc, const GumboElement *element)
{
    const GumboAttribute *lang = gumbo_get_attribute(&element->attributes, "lang");
    if (!lang)
        return NULL;
    size_t n = strlen(lang->value);
    if (n > 35)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(lang->value[i]) && lang->value[i] != '-' && lang->value[i] != '_')
            return NULL;
    return arena_strdup(&doc->arena, lang->value);
}

static enum pdf_role pdf_role_of_node(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_TEMPLATE)
        return PDF_ROLE_SKIP;
    if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
        return PDF_ROLE_INLINE;
    GumboTag tag = node->v.element.tag;
    return (tag >= 0 && tag < GUMBO_TAG_LAST) ? (enum pdf_role)pdf_role_of[tag] : PDF_ROLE_INLINE;
}

static struct pdf_frame *pdf_push(struct pdf_builder *b, enum pdf_role role)
{
    if (b->depth == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->frames = xrealloc(b->frames, b->cap * sizeof *b->frames);
    }
    struct pdf_frame *frame = &b->frames[b->depth++];
    *frame = (struct pdf_frame){.role = role, .span_start = (unsigned)b->para.len};
    return frame;
}

static void pdf_indent(struct pdf_builder *b, struct pdf_frame *frame, double ems)
{
    if (b->indent_levels++ >= PDF_MAX_INDENT_LEVELS)
        return;
    frame->indent = pdf_em(b->doc, ems);
    b->indent += frame->indent;
}

static double pdf_content_width(const struct pdf_doc *doc);

/* An image the caller's find_image gives as pixels, as a block of its own at the width its
 * width attribute gives it (96 CSS pixels an inch; else its pixels'), scaled down to the column
 * and to a page's height, never enlarged. False when there is none. */
static bool pdf_add_picture(struct pdf_builder *b, const GumboElement *element)
{
    struct pdf_doc *doc = b->doc;
    const struct pdf_article *article = doc->article;
    const GumboAttribute *src = gumbo_get_attribute(&element->attributes, "src");
    struct pdf_image image;
    if (!article->find_image || !src ||
        !article->find_image(article->find_image_context, src->value, &image) || image.width <= 0 ||
        image.height <= 0 || !image.pixels)
        return false;
    cairo_surface_t *surface =
        cairo_image_surface_create_for_data((unsigned char *)image.pixels, CAIRO_FORMAT_ARGB32,
                                            image.width, image.height, image.width * 4);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return false;
    }
    double width = image.width * 0.75, height = image.height * 0.75; /* 96 dpi */
    /* the width the page gives it (a caption's image, width="300"), in CSS pixels */
    const GumboAttribute *shown = gumbo_get_attribute(&element->attributes, "width");
    double shown_width = shown ? atof(shown->value) * 0.75 : 0;
    if (shown_width >= 1 && shown_width < width) {
        height *= shown_width / width;
        width = shown_width;
    }
    double room = pdf_content_width(doc) - b->indent;
    double tallest = (doc->text_bottom - doc->margin_top) * 0.85;
    double scale = 1;
    if (width > room)
        scale = room / width;
    if (height * scale > tallest)
        scale = tallest / height;
    pdf_flush(b);
    struct pdf_cell cell = {.picture = surface, .width = width * scale, .height = height * scale};
    struct pdf_block *block = NULL;
    if (b->gallery_depth && b->gallery_row != SIZE_MAX && b->gallery_row + 1 == doc->block_count) {
        /* the gallery's row so far, when this image fits beside its images */
        struct pdf_block *row = &doc->blocks[b->gallery_row];
        double used = 0;
        for (size_t k = 0; k < row->cell_count; k++)
            used += row->cells[k].width + pdf_em(doc, PDF_CELL_GAP);
        if (used + cell.width <= room + 0.01)
            block = row;
    }
    if (!block) {
        block = pdf_add_block(doc, PDF_STYLE_PICTURE, b->indent);
        block->quote_id = b->quote_id;
        block->quote_x = b->quote_x;
        if (b->gallery_depth) { /* rows of a gallery break between them, not before */
            block->keep_with_next = false;
            b->gallery_row = doc->block_count - 1;
        }
    }
    block->cells = xrealloc(block->cells, (block->cell_count + 1) * sizeof *block->cells);
    block->cells[block->cell_count++] = cell;
    return true;
}

/* Whether `element` holds a gallery: WordPress's gallery shortcode (div.gallery) or a gallery
 * block (its list, or its figure of figures). */
static bool pdf_is_gallery(const GumboElement *element)
{
    const GumboAttribute *class = gumbo_get_attribute(&element->attributes, "class");
    if (!class)
        return false;
    static const char *const words[] = {"gallery", "wp-block-gallery", "blocks-gallery-grid"};
    for (const char *p = class->value; *p;) {
        p += strspn(p, " \t\n\f\r");
        size_t len = strcspn(p, " \t\n\f\r");
        for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
            if (len && len == strlen(words[k]) && memcmp(p, words[k], len) == 0)
                return true;
        p += len;
    }
    return false;
}

/* An image: drawn when the caller finds it, else as its own line "[image: ALT]"; nothing when
 * images are not wanted. */
static void pdf_add_image(struct pdf_builder *b, const GumboElement *element)
{
    struct pdf_doc *doc = b->doc;
    if (!doc->article->images || pdf_add_picture(b, element))
        return;
    const GumboAttribute *alt = gumbo_get_attribute(&element->attributes, "alt");
    buf line = {0};
    buf_puts(&line, "[image");
    if (alt) {
        size_t start = line.len + 2;
        buf_puts(&line, ": ");
        for (const char *p = alt->value; *p; p++)
            buf_putc(&line, pdf_is_space(*p) ? ' ' : *p);
        if (line.len == start)
            line.len -= 2;
    }
    buf_putc(&line, ']');
    /* the paragraph around it (if any) is split: text before, the image, text after */
    pdf_flush(b);
    struct pdf_block *block =
        pdf_add_text_block(doc, PDF_STYLE_IMAGE, b->indent, arena_strdup(&doc->arena, line.ptr));
    block->quote_id = b->quote_id;
    block->quote_x = b->quote_x;
    buf_free(&line);
}

/* Handles the start of a node; returns whether its children are to be walked (and a frame
 * was pushed for it, which pdf_leave pops). */
static bool pdf_enter(struct pdf_builder *b, const GumboNode *node)
{
    switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
        pdf_push(b, PDF_ROLE_INLINE);
        return true;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        pdf_add_text(b, node->v.text.text, strlen(node->v.text.text));
        return false;
    case GUMBO_NODE_COMMENT:
        return false;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
        break;
    }
    const GumboElement *element = &node->v.element;
    enum pdf_role role = pdf_role_of_node(node);
    const char *lang = pdf_lang_of(b->doc, element);
    switch (role) {
    case PDF_ROLE_SKIP:
        return false;
    case PDF_ROLE_BREAK:
        buf_putc(&b->para, '\n');
        b->pending_space = false;
        return false;
    case PDF_ROLE_IMAGE:
        pdf_add_image(b, element);
        return false;
    case PDF_ROLE_RULE:
        pdf_flush(b);
        pdf_add_block(b->doc, PDF_STYLE_RULE, b->indent)->short_rule = true;
        return false;
    case PDF_ROLE_CELL:
    case PDF_ROLE_HEAD_CELL:
        if (b->row_depth) {
            if (b->cell_seen)
                buf_putc(&b->para, '\t');
            b->cell_seen = true;
            b->pending_space = false;
        } else {
            pdf_settle_space(b);
        }
        pdf_push(b, role)->lang = lang;
        return true;
    case PDF_ROLE_LINK: {
        pdf_settle_space(b);
        struct pdf_frame *frame = pdf_push(b, role);
        frame->lang = lang;
        const GumboAttribute *href = gumbo_get_attribute(&element->attributes, "href");
        if (href)
            frame->uri = pdf_resolve_url(b->doc, arena_strdup(&b->doc->arena, href->value));
        return true;
    }
    default:
        if (pdf_role_is_span[role]) { /* a text style */
            pdf_settle_space(b);
            pdf_push(b, role)->lang = lang;
            return true;
        }
        break;
    }

    /* block-level */
    pdf_flush(b);
    bool in_gallery_item = b->gallery_depth && b->depth && !b->frames[b->depth - 1].gallery;
    struct pdf_frame *frame = pdf_push(b, role);
    if (pdf_is_gallery(element)) {
        frame->gallery = true;
        if (b->gallery_depth++ == 0)
            b->gallery_row = SIZE_MAX;
    }
    frame->cell_caption = role == PDF_ROLE_CAPTION && in_gallery_item;
    frame->outer_lang = b->lang;
    frame->outer_dir = b->dir;
    if (lang)
        b->lang = *lang ? lang : NULL;
    const GumboAttribute *dir = gumbo_get_attribute(&element->attributes, "dir");
    if (dir)
        b->dir = g_ascii_strcasecmp(dir->value, "rtl") == 0   ? PDF_DIR_RTL
                 : g_ascii_strcasecmp(dir->value, "ltr") == 0 ? PDF_DIR_LTR
                                                              : PDF_DIR_AUTO;
    if (pdf_has_footnote_class(element)) {
        frame->footnote = true;
        b->footnote_depth++;
    }
    switch (role) {
    case PDF_ROLE_HEADING:
        frame->heading = element->tag - GUMBO_TAG_H1 + 1;
        if (b->heading_level == 0)
            b->heading_level = frame->heading;
        else
            frame->heading = 0;
        break;
    case PDF_ROLE_PRE:
        b->pre_depth++;
        pdf_indent(b, frame, PDF_PRE_PADDING);
        break;
    case PDF_ROLE_QUOTE:
        if (b->quote_depth++ == 0) {
            b->quote_id = ++b->doc->next_quote_id;
            b->quote_x = b->indent + pdf_em(b->doc, 0.4);
        }
        pdf_indent(b, frame, 1.6);
        break;
    case PDF_ROLE_LIST:
    case PDF_ROLE_ORDERED: {
        frame->next_number = 1;
        const GumboAttribute *start = gumbo_get_attribute(&element->attributes, "start");
        if (role == PDF_ROLE_ORDERED && start) {
            char *end;
            long n = strtol(start->value, &end, 10);
            if (end != start->value && n > -1000000L && n < 1000000L)
                frame->next_number = n;
        }
        pdf_indent(b, frame, 1.8);
        break;
    }
    case PDF_ROLE_ITEM: {
        struct pdf_frame *list = NULL;
        int list_level = 0;
        for (size_t k = b->depth - 1; k > 0; k--) {
            enum pdf_role r = b->frames[k - 1].role;
            if (r == PDF_ROLE_LIST || r == PDF_ROLE_ORDERED) {
                if (!list)
                    list = &b->frames[k - 1];
                list_level++;
            }
        }
        if (list && list->role == PDF_ROLE_ORDERED)
            b->marker = arena_printf(&b->doc->arena, "%ld.", list->next_number++);
        else
            b->marker = list_level <= 1 ? "•" : list_level == 2 ? "◦" : "▪";
        break;
    }
    case PDF_ROLE_INDENTED:
        pdf_indent(b, frame, 1.6);
        break;
    case PDF_ROLE_ROW:
        b->row_depth++;
        b->cell_seen = false;
        break;
    case PDF_ROLE_CAPTION:
        b->caption_depth++;
        break;
    default:
        break;
    }
    return true;
}

/* Handles the end of a node whose children were walked. */
static void pdf_leave(struct pdf_builder *b, const GumboNode *node)
{
    if (b->depth == 0)
        return;
    struct pdf_frame frame = b->frames[b->depth - 1];
    if (pdf_role_is_span[frame.role]) {
        pdf_span_apply(b, &frame, (unsigned)b->para.len);
        b->depth--;
        return;
    }
    if (frame.cell_caption && b->gallery_row != SIZE_MAX &&
        b->gallery_row + 1 == b->doc->block_count) {
        /* a gallery item's caption goes under its image, in the row */
        struct pdf_block *row = &b->doc->blocks[b->gallery_row];
        struct pdf_cell *cell = &row->cells[row->cell_count - 1];
        size_t n = b->para.len;
        while (n && pdf_is_space(b->para.ptr[n - 1]))
            n--;
        if (!cell->caption && n)
            cell->caption = arena_strndup(&b->doc->arena, b->para.ptr, n);
        if (cell->caption) {
            if (b->attrs)
                pango_attr_list_unref(b->attrs);
            b->attrs = NULL;
            b->link_count = 0;
            for (size_t k = 0; k < b->depth; k++)
                b->frames[k].span_start = 0;
            buf_reset(&b->para);
        }
    }
    pdf_flush(b);
    if (frame.gallery && --b->gallery_depth == 0)
        b->gallery_row = SIZE_MAX;
    b->depth--;
    b->indent -= frame.indent;
    b->lang = frame.outer_lang;
    b->dir = frame.outer_dir;
    if (frame.role == PDF_ROLE_PRE || frame.role == PDF_ROLE_QUOTE || frame.role == PDF_ROLE_LIST ||
        frame.role == PDF_ROLE_ORDERED || frame.role == PDF_ROLE_INDENTED)
        b->indent_levels--;
    if (frame.footnote)
        b->footnote_depth--;
    switch (frame.role) {
    case PDF_ROLE_HEADING:
        if (frame.heading)
            b->heading_level = 0;
        break;
    case PDF_ROLE_PRE:
        b->pre_depth--;
        break;
    case PDF_ROLE_QUOTE:
        if (--b->quote_depth == 0)
            b->quote_id = 0;
        pdf_end_container(b);
        break;
    case PDF_ROLE_LIST:
    case PDF_ROLE_ORDERED:
    case PDF_ROLE_INDENTED:
        pdf_end_container(b);
        break;
    case PDF_ROLE_BLOCK:
        if (node->type == GUMBO_NODE_ELEMENT &&
            (node->v.element.tag == GUMBO_TAG_TABLE || node->v.element.tag == GUMBO_TAG_FIGURE ||
             node->v.element.tag == GUMBO_TAG_DL))
            pdf_end_container(b);
        break;
    case PDF_ROLE_ITEM:
        b->marker = NULL;
        break;
    case PDF_ROLE_ROW:
        b->row_depth--;
        break;
    case PDF_ROLE_CAPTION:
        b->caption_depth--;
        break;
    default:
        break;
    }
}

static bool pdf_enter_node(void *context, const GumboNode *node)
{
    return pdf_enter(context, node);
}

static void pdf_leave_node(void *context, const GumboNode *node)
{
    pdf_leave(context, node);
}

/* Appends the blocks of an HTML fragment, plain paragraphs in `base_style`, indented. */
static void pdf_add_html(struct pdf_doc *doc, const char *html, enum pdf_style base_style,
                         double indent)
{
    if (!html || !*html)
        return;
    html = pdf_valid_text(doc, html);
    struct pdf_builder b = {
        .doc = doc, .base_style = base_style, .indent = indent, .gallery_row = SIZE_MAX};
    GumboOutput *parsed = html_tree_parse(html, strlen(html));
    html_tree_walk(parsed->root, pdf_enter_node, pdf_leave_node, &b);
    pdf_flush(&b);
    html_tree_free(parsed);
    if (b.attrs)
        pango_attr_list_unref(b.attrs);
    free(b.frames);
    free(b.links);
    buf_free(&b.para);
}

/* The header of page 1: site, title, byline, permalink, a rule. */
static void pdf_add_header(struct pdf_doc *doc)
{
    const struct pdf_article *a = doc->article;
    const char *site = pdf_valid_text(doc, a->site_title);
    if (*site)
        pdf_add_text_block(doc, PDF_STYLE_SITE, 0, site);
    pdf_add_text_block(doc, PDF_STYLE_TITLE, 0, pdf_valid_text(doc, a->title));

    const char *author = pdf_valid_text(doc, a->author);
    const char *date = pdf_valid_text(doc, a->date);
    if (*author || *date) {
        const char *byline = *author && *date ? arena_printf(&doc->arena, "%s · %s", author, date)
                             : *author        ? author
                                              : date;
        struct pdf_block *block = pdf_add_text_block(doc, PDF_STYLE_BYLINE, 0, byline);
        if (*author) {
            block->attrs = pango_attr_list_new();
            PangoAttribute *bold = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
            bold->start_index = 0;
            bold->end_index = (guint)strlen(author);
            pango_attr_list_insert(block->attrs, bold);
        }
    }
    const char *url = pdf_valid_text(doc, a->url);
    if (*url) {
        struct pdf_block *block = pdf_add_text_block(doc, PDF_STYLE_PERMALINK, 0, url);
        const char *target = pdf_resolve_url(doc, url);
        if (target) {
            block->links = arena_alloc(&doc->arena, sizeof *block->links);
            block->links[0] = (struct pdf_link){0, (unsigned)block->len, target};
            block->link_count = 1;
        }
    }
    struct pdf_block *rule = pdf_add_block(doc, PDF_STYLE_RULE, 0);
    rule->space_after = pdf_em(doc, 0.8);
}

static void pdf_add_comments(struct pdf_doc *doc)
{
    const struct pdf_article *a = doc->article;
    if (!a->comment_count || !a->comments)
        return;
    struct pdf_block *heading = pdf_add_text_block(doc, PDF_STYLE_H2, 0, "Comments");
    heading->heading_level = 2;
    heading->space_before = pdf_em(doc, 2.0);
    for (size_t i = 0; i < a->comment_count; i++) {
        const struct pdf_comment *c = &a->comments[i];
        int level = c->depth > 1 ? c->depth - 1 : 0;
        if (level > PDF_MAX_INDENT_LEVELS)
            level = PDF_MAX_INDENT_LEVELS;
        double indent = pdf_em(doc, 1.6 * level);
        buf head = {0};
        buf_printf(&head, "%d. ", c->number);
        buf_puts(&head, pdf_valid_text(doc, c->author));
        size_t date_start = head.len;
        const char *date = pdf_valid_text(doc, c->date);
        if (*date) {
            buf_puts(&head, " — ");
            buf_puts(&head, date);
        }
        size_t date_end = head.len;
        struct pdf_block *block = pdf_add_text_block(doc, PDF_STYLE_COMMENT_HEAD, indent,
                                                     arena_take_buf(&doc->arena, &head));
        if (*date) {
            block->attrs = pango_attr_list_new();
            PangoAttribute *weight = pango_attr_weight_new(PANGO_WEIGHT_NORMAL);
            weight->start_index = (guint)date_start;
            weight->end_index = (guint)date_end;
            pango_attr_list_insert(block->attrs, weight);
            PangoAttribute *grey = pango_attr_foreground_new(0x6000, 0x6000, 0x6000);
            grey->start_index = (guint)date_start;
            grey->end_index = (guint)date_end;
            pango_attr_list_insert(block->attrs, grey);
        }
        size_t before = doc->block_count;
        pdf_add_html(doc, c->body_html, PDF_STYLE_COMMENT_BODY, indent);
        if (doc->block_count == before)
            doc->blocks[before - 1].keep_with_next = false;
    }
}

/* ---- layout ---- */

static double pdf_content_width(const struct pdf_doc *doc)
{
    return doc->page_width - doc->margin_left - doc->margin_right;
}

/* No line break after the hyphen of "then-President": pdftotext joins a line that ends in
 * '-' to the next one without the hyphen, which would give "thenPresident". */
static void pdf_keep_hyphenated_words(const char *text, size_t len, PangoAttrList *attrs)
{
    for (size_t i = 1; i + 1 < len; i++) {
        if (text[i] != '-' || pdf_is_space(text[i - 1]) || pdf_is_space(text[i + 1]) ||
            text[i + 1] == '-')
            continue;
        size_t end = i + 2; /* through the first character after the hyphen */
        while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80)
            end++;
        PangoAttribute *keep = pango_attr_allow_breaks_new(FALSE);
        keep->start_index = (guint)i;
        keep->end_index = (guint)end;
        pango_attr_list_insert(attrs, keep);
    }
}

static PangoContext *pdf_make_context(const char *language);
static const PangoFontDescription *pdf_font(struct pdf_doc *doc, enum pdf_style style,
                                            enum pdf_cjk cjk);

static void pdf_layout_block(struct pdf_doc *doc, struct pdf_block *block)
{
    const struct pdf_style_spec *spec = &pdf_styles[block->style];
    if (block->style == PDF_STYLE_PICTURE) {
        /* one line as tall as its tallest image with the caption under it */
        double tallest = 0;
        for (size_t k = 0; k < block->cell_count; k++) {
            struct pdf_cell *cell = &block->cells[k];
            double height = cell->height;
            if (cell->caption) {
                cell->caption_view = pango_layout_new(doc->context);
                pango_layout_set_font_description(
                    cell->caption_view,
                    pdf_font(doc, PDF_STYLE_CAPTION,
                             pdf_cjk_of_text(cell->caption, strlen(cell->caption), doc->cjk)));
                pango_layout_set_width(cell->caption_view, (int)(cell->width * PANGO_SCALE));
                pango_layout_set_wrap(cell->caption_view, PANGO_WRAP_WORD_CHAR);
                pango_layout_set_alignment(cell->caption_view, PANGO_ALIGN_CENTER);
                pango_layout_set_text(cell->caption_view, cell->caption, -1);
                int w, h;
                pango_layout_get_size(cell->caption_view, &w, &h);
                height += pdf_em(doc, 0.3) + (double)h / PANGO_SCALE;
            }
            if (height > tallest)
                tallest = height;
        }
        block->line_count = 1;
        block->line_top = arena_alloc(&doc->arena, sizeof(double));
        block->line_bottom = arena_alloc(&doc->arena, sizeof(double));
        block->line_bottom[0] = tallest;
        return;
    }
    if (block->style == PDF_STYLE_RULE) {
        block->line_count = 1;
        block->line_top = arena_alloc(&doc->arena, sizeof(double));
        block->line_bottom = arena_alloc(&doc->arena, sizeof(double));
        block->line_bottom[0] = pdf_em(doc, 0.6);
        return;
    }
    double width = pdf_content_width(doc) - block->indent - block->right_indent;
    if (width < pdf_em(doc, 6))
        width = pdf_em(doc, 6);
    enum pdf_cjk cjk = pdf_cjk_is_named(block->lang)
                           ? pdf_cjk_of_language(block->lang)
                           : pdf_cjk_of_text(block->text, block->len, doc->cjk);
    const PangoFontDescription *font = pdf_font(doc, block->style, cjk);
    PangoContext *context = doc->context;
    if (block->dir == PDF_DIR_RTL) {
        if (!doc->context_rtl) {
            doc->context_rtl = pdf_make_context(doc->language);
            pango_context_set_base_dir(doc->context_rtl, PANGO_DIRECTION_RTL);
        }
        context = doc->context_rtl;
    }
    PangoLayout *layout = pango_layout_new(context);
    block->layout = layout;
    pango_layout_set_font_description(layout, font);
    if (block->dir != PDF_DIR_AUTO) {
        /* the direction dir gives, not the first strong letter's; pango aligns a forced
         * direction's lines to the left unless told otherwise */
        pango_layout_set_auto_dir(layout, FALSE);
        if (block->dir == PDF_DIR_RTL)
            pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
    }
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_line_spacing(layout, (float)spec->line_spacing);
    pango_layout_set_text(layout, block->text, (int)block->len);

    PangoAttrList *attrs = block->attrs ? block->attrs : pango_attr_list_new();
    block->attrs = attrs;
    /* breaking inside a word must not add a hyphen to the text layer */
    PangoAttribute *no_hyphens = pango_attr_insert_hyphens_new(FALSE);
    pango_attr_list_insert_before(attrs, no_hyphens);
    if (block->lang && *block->lang) /* spans with a lang of their own come later and win */
        pango_attr_list_insert_before(
            attrs, pango_attr_language_new(pango_language_from_string(block->lang)));
    pdf_keep_hyphenated_words(block->text, block->len, attrs);
    pango_layout_set_attributes(layout, attrs);

    if (block->style == PDF_STYLE_TABLE_ROW) {
        int columns = 1;
        for (size_t i = 0; i < block->len; i++)
            columns += block->text[i] == '\t';
        if (columns > 1) {
            PangoTabArray *tabs = pango_tab_array_new(columns - 1, FALSE);
            for (int k = 1; k < columns; k++)
                pango_tab_array_set_tab(tabs, k - 1, PANGO_TAB_LEFT,
                                        (int)(width * k / columns * PANGO_SCALE));
            pango_layout_set_tabs(layout, tabs);
            pango_tab_array_free(tabs);
        }
    }
    if (block->marker) {
        block->marker_view = pango_layout_new(doc->context);
        pango_layout_set_font_description(block->marker_view, font);
        pango_layout_set_text(block->marker_view, block->marker, -1);
    }

    block->line_count = pango_layout_get_line_count(layout);
    block->line_top = arena_alloc(&doc->arena, (size_t)block->line_count * sizeof(double));
    block->line_bottom = arena_alloc(&doc->arena, (size_t)block->line_count * sizeof(double));
    PangoLayoutIter *iter = pango_layout_get_iter(layout);
    int line = 0;
    do {
        int top, bottom;
        pango_layout_iter_get_line_yrange(iter, &top, &bottom);
        block->line_top[line] = (double)top / PANGO_SCALE;
        block->line_bottom[line] = (double)bottom / PANGO_SCALE;
        line++;
    } while (line < block->line_count && pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    block->line_count = line;
    PangoLayoutLine *first_line = pango_layout_get_line_readonly(layout, 0);
    block->rtl = first_line && first_line->resolved_dir == PANGO_DIRECTION_RTL;
}

/* ---- pagination ---- */

static double pdf_lines_height(const struct pdf_block *block, int first, int end)
{
    return block->line_bottom[end - 1] - block->line_top[first];
}

static double pdf_gap(const struct pdf_block *before, const struct pdf_block *after)
{
    return before->space_after > after->space_before ? before->space_after : after->space_before;
}

/* The least of a block that may start a page's last lines: all of it when it may not be
 * split or is short, else two lines. */
static double pdf_least_height(const struct pdf_block *block)
{
    if (!pdf_styles[block->style].splittable || block->line_count <= 3)
        return pdf_lines_height(block, 0, block->line_count);
    return pdf_lines_height(block, 0, 2);
}

/* The height that must fit below the top of block i for it to start on this page: itself
 * and the blocks it is kept with, down to the least part of the first block not kept. */
static double pdf_needed_height(const struct pdf_doc *doc, size_t i)
{
    double need = 0;
    size_t j = i;
    while (doc->blocks[j].keep_with_next && j + 1 < doc->block_count) {
        const struct pdf_block *block = &doc->blocks[j];
        need += pdf_lines_height(block, 0, block->line_count) + pdf_gap(block, block + 1);
        j++;
    }
    return need + pdf_least_height(&doc->blocks[j]);
}

static void pdf_add_slice(struct pdf_doc *doc, size_t block, int first, int end, int page, double y)
{
    if (doc->slice_count == doc->slice_cap) {
        doc->slice_cap = doc->slice_cap ? doc->slice_cap * 2 : 64;
        doc->slices = xrealloc(doc->slices, doc->slice_cap * sizeof *doc->slices);
    }
    doc->slices[doc->slice_count++] = (struct pdf_slice){block, first, end, page, y};
}

/* Places every line of every block on a page: headings stay with what follows, a paragraph
 * leaves at least two lines at the foot of a page and carries at least two to the next. */
static void pdf_paginate(struct pdf_doc *doc)
{
    int page = 1;
    double top = doc->margin_top, bottom = doc->text_bottom;
    double y = top;
    for (size_t i = 0; i < doc->block_count; i++) {
        const struct pdf_block *block = &doc->blocks[i];
        double gap = (y == top || i == 0) ? 0 : pdf_gap(&doc->blocks[i - 1], block);
        if (y > top && y + gap + pdf_needed_height(doc, i) > bottom) {
            page++;
            y = top;
            gap = 0;
        }
        int n = block->line_count;
        int first = 0;
        while (first < n) {
            double room = bottom - (y + gap);
            int end = first;
            while (end < n && pdf_lines_height(block, first, end + 1) <= room + 0.01)
                end++;
            if (end == n) {
                pdf_add_slice(doc, i, first, n, page, y + gap);
                y += gap + pdf_lines_height(block, first, n);
                break;
            }
            int fit = end;
            if (!pdf_styles[block->style].splittable) {
                end = first;
            } else if (block->style != PDF_STYLE_PRE) {
                if (n - end < 2)
                    end = n - 2;
                if (first == 0 && end < 2)
                    end = first;
            }
            if (end <= first) {
                if (y > top) { /* start afresh on the next page */
                    page++;
                    y = top;
                    gap = 0;
                    continue;
                }
                end = fit > first ? fit : first + 1; /* taller than a page: cut anyway */
            }
            pdf_add_slice(doc, i, first, end, page, y + gap);
            first = end;
            page++;
            y = top;
            gap = 0;
        }
    }
    doc->page_count = page;
}

/* ---- drawing ---- */

static void pdf_set_grey(cairo_t *cr, double grey)
{
    cairo_set_source_rgb(cr, grey, grey, grey);
}

/* Link areas of the lines [first, end) of a block whose layout is at (x0, y0). */
static void pdf_draw_links(cairo_t *cr, const struct pdf_block *block, int first, int end,
                           double x0, double y0, buf *scratch)
{
    for (int l = first; l < end; l++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(block->layout, l);
        int line_start = line->start_index, line_end = line->start_index + line->length;
        for (size_t k = 0; k < block->link_count; k++) {
            const struct pdf_link *link = &block->links[k];
            int s = (int)link->start > line_start ? (int)link->start : line_start;
            int e = (int)link->end < line_end ? (int)link->end : line_end;
            if (s >= e)
                continue;
            int *ranges = NULL, count = 0;
            pango_layout_line_get_x_ranges(line, s, e, &ranges, &count);
            for (int r = 0; r < count; r++) {
                double x = x0 + (double)ranges[2 * r] / PANGO_SCALE;
                double w = (double)(ranges[2 * r + 1] - ranges[2 * r]) / PANGO_SCALE;
                if (w <= 0)
                    continue;
                buf_reset(scratch);
                buf_puts(scratch, "rect=[");
                pdf_put_number(scratch, x);
                buf_putc(scratch, ' ');
                pdf_put_number(scratch, y0 + block->line_top[l]);
                buf_putc(scratch, ' ');
                pdf_put_number(scratch, w);
                buf_putc(scratch, ' ');
                pdf_put_number(scratch, block->line_bottom[l] - block->line_top[l]);
                buf_puts(scratch, "] uri='");
                pdf_put_attribute_string(scratch, link->uri);
                buf_putc(scratch, '\'');
                cairo_tag_begin(cr, CAIRO_TAG_LINK, buf_cstr(scratch));
                cairo_tag_end(cr, CAIRO_TAG_LINK);
            }
            g_free(ranges);
        }
    }
}

/* Adds the outline entry of a heading drawn at y on `page`. */
static void pdf_add_outline(struct pdf_doc *doc, cairo_surface_t *surface,
                            const struct pdf_block *block, int page, double y, int *levels,
                            int *ids, int *depth, buf *scratch)
{
    while (*depth > 0 && levels[*depth - 1] >= block->heading_level)
        (*depth)--;
    int parent = *depth > 0 ? ids[*depth - 1] : CAIRO_PDF_OUTLINE_ROOT;
    buf_reset(scratch);
    buf_printf(scratch, "page=%d pos=[", page);
    pdf_put_number(scratch, doc->margin_left);
    buf_putc(scratch, ' ');
    pdf_put_number(scratch, y);
    buf_putc(scratch, ']');
    char *name = arena_strndup(&doc->arena, block->text, block->len);
    for (char *p = name; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    int id = cairo_pdf_surface_add_outline(surface, parent, name, buf_cstr(scratch),
                                           *depth == 0 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
    if (*depth < 6) {
        levels[*depth] = block->heading_level;
        ids[*depth] = id;
        (*depth)++;
    }
}

static void pdf_draw_slice(struct pdf_doc *doc, cairo_t *cr, size_t index, buf *scratch)
{
    const struct pdf_slice *slice = &doc->slices[index];
    const struct pdf_block *block = &doc->blocks[slice->block];
    /* a right-to-left block is indented from the right margin: the mirror image */
    double x0 = doc->margin_left + (block->rtl ? block->right_indent : block->indent);
    double y0 = slice->y - block->line_top[slice->first];
    double slice_bottom = y0 + block->line_bottom[slice->end - 1];

    if (block->quote_id) {
        /* the bar runs on to the next slice of the same quote on this page */
        double bar_bottom = slice_bottom;
        if (index + 1 < doc->slice_count) {
            const struct pdf_slice *next = &doc->slices[index + 1];
            if (next->page == slice->page && doc->blocks[next->block].quote_id == block->quote_id)
                bar_bottom = next->y;
        }
        double bar_x = block->rtl ? doc->page_width - doc->margin_right - block->quote_x
                                  : doc->margin_left + block->quote_x;
        cairo_set_source_rgb(cr, 0.72, 0.72, 0.72);
        cairo_set_line_width(cr, 1.6);
        cairo_move_to(cr, bar_x, slice->y);
        cairo_line_to(cr, bar_x, bar_bottom);
        cairo_stroke(cr);
    }
    if (block->style == PDF_STYLE_PICTURE) {
        double x = x0;
        for (size_t k = 0; k < block->cell_count; k++) {
            const struct pdf_cell *cell = &block->cells[k];
            cairo_save(cr);
            cairo_translate(cr, x, slice->y);
            cairo_scale(cr, cell->width / cairo_image_surface_get_width(cell->picture),
                        cell->height / cairo_image_surface_get_height(cell->picture));
            cairo_set_source_surface(cr, cell->picture, 0, 0);
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
            cairo_paint(cr);
            cairo_restore(cr);
            if (cell->caption_view) {
                pdf_set_grey(cr, pdf_styles[PDF_STYLE_CAPTION].grey);
                cairo_move_to(cr, x, slice->y + cell->height + pdf_em(doc, 0.3));
                pango_cairo_show_layout(cr, cell->caption_view);
            }
            x += cell->width + pdf_em(doc, PDF_CELL_GAP);
        }
        return;
    }
    if (block->style == PDF_STYLE_RULE) {
        double y = slice->y + block->line_bottom[0] / 2;
        double x1 = doc->page_width - doc->margin_right;
        if (block->short_rule) {
            double middle = (x0 + x1) / 2, half = (x1 - x0) / 8;
            x0 = middle - half;
            x1 = middle + half;
        }
        pdf_set_grey(cr, pdf_styles[PDF_STYLE_RULE].grey);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_stroke(cr);
        return;
    }
    if (block->style == PDF_STYLE_PRE) {
        /* a shaded box from the indent of what holds the pre to the right margin */
        double pad = pdf_em(doc, PDF_PRE_PADDING);
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.94);
        cairo_rectangle(cr, x0 - pad, slice->y - pad / 2,
                        doc->page_width - doc->margin_right - x0 + pad,
                        slice_bottom - slice->y + pad);
        cairo_fill(cr);
    }

    pdf_set_grey(cr, pdf_styles[block->style].grey);
    PangoLayoutIter *iter = pango_layout_get_iter(block->layout);
    for (int l = 0; l < slice->first; l++)
        pango_layout_iter_next_line(iter);
    for (int l = slice->first; l < slice->end; l++) {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter, NULL, &logical);
        double baseline = (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE;
        if (l == 0 && block->marker_view) {
            int width, height;
            pango_layout_get_size(block->marker_view, &width, &height);
            int marker_baseline = pango_layout_get_baseline(block->marker_view);
            double marker_x =
                block->rtl ? x0 + (double)pango_layout_get_width(block->layout) / PANGO_SCALE +
                                 pdf_em(doc, 0.5)
                           : x0 - pdf_em(doc, 0.5) - (double)width / PANGO_SCALE;
            cairo_move_to(cr, marker_x, y0 + baseline - (double)marker_baseline / PANGO_SCALE);
            pango_cairo_show_layout(cr, block->marker_view);
        }
        cairo_move_to(cr, x0 + (double)logical.x / PANGO_SCALE, y0 + baseline);
        pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(iter));
        pango_layout_iter_next_line(iter);
    }
    pango_layout_iter_free(iter);
    if (block->link_count)
        pdf_draw_links(cr, block, slice->first, slice->end, x0, y0, scratch);
}

/* "Title — page N of M" centred at the foot of the page; the title is shortened to fit. */
static void pdf_draw_footer(struct pdf_doc *doc, cairo_t *cr, int page, buf *scratch)
{
    PangoFontDescription *font = pango_font_description_new();
    pango_font_description_set_family_static(font, pdf_families[PDF_SANS][doc->cjk]);
    pango_font_description_set_absolute_size(font, 8 * PANGO_SCALE);
    buf_reset(scratch);
    buf_printf(scratch, " — page %d of %d", page, doc->page_count);
    PangoLayout *suffix = pango_layout_new(doc->context);
    pango_layout_set_font_description(suffix, font);
    pango_layout_set_text(suffix, scratch->ptr, (int)scratch->len);
    PangoLayout *title = pango_layout_new(doc->context);
    pango_layout_set_font_description(title, font);
    pango_layout_set_text(title, pdf_valid_text(doc, doc->article->title), -1);
    pango_layout_set_single_paragraph_mode(title, TRUE);

    int suffix_width, title_width, height;
    pango_layout_get_size(suffix, &suffix_width, &height);
    int room = (int)(pdf_content_width(doc) * PANGO_SCALE) - suffix_width;
    pango_layout_get_size(title, &title_width, &height);
    if (title_width > room) {
        pango_layout_set_ellipsize(title, PANGO_ELLIPSIZE_END);
        pango_layout_set_width(title, room);
        pango_layout_get_size(title, &title_width, &height);
    }
    double x = doc->margin_left +
               (pdf_content_width(doc) - (double)(title_width + suffix_width) / PANGO_SCALE) / 2;
    double baseline = doc->page_height - 12 * PDF_MM;
    pdf_set_grey(cr, 0.4);
    cairo_move_to(cr, x, baseline - (double)pango_layout_get_baseline(title) / PANGO_SCALE);
    pango_cairo_show_layout(cr, title);
    cairo_move_to(cr, x + (double)title_width / PANGO_SCALE,
                  baseline - (double)pango_layout_get_baseline(suffix) / PANGO_SCALE);
    pango_cairo_show_layout(cr, suffix);
    g_object_unref(title);
    g_object_unref(suffix);
    pango_font_description_free(font);
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
    buf_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* True for "YYYY-MM-DD" optionally followed by a time and zone, as cairo expects. */
static bool pdf_date_is_iso(const char *s)
{
    if (!s || strlen(s) < 10 || strlen(s) > 32)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !g_ascii_isdigit(s[i]))
            return false;
    for (const char *p = s + 10; *p; p++)
        if (!g_ascii_isdigit(*p) && !strchr("T:+-Z. ", *p))
            return false;
    return true;
}

static void pdf_set_metadata(struct pdf_doc *doc, cairo_surface_t *surface)
{
    const struct pdf_article *a = doc->article;
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                   pdf_valid_text(doc, a->title));
    const char *author = pdf_valid_text(doc, a->author);
    if (*author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "gazette");
    if (pdf_date_is_iso(a->date_iso))
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, a->date_iso);
}

/* All pango/cairo work of this file is done under this lock, and on one font map. cairo 1.16 is
 * not thread-safe around its FreeType font faces, which every font map shares:
 * _cairo_ft_font_face_create walks and extends a font file's list of faces without a lock and
 * links a new face before initialising it, so a second thread loading the same font at that moment
 * takes a face with a NULL backend (segfault in cairo_scaled_font_create) or a lost reference.
 * Pango creates faces lazily (layout, drawing, fallback fonts), so no narrower lock is enough.
 * With PDFs made one at a time, the font map (pango's default is one per thread, about 2 MB
 * each once loaded) is made once for the process too. */
static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map; /* under pdf_lock */

/* A context on the process's font map, in points, unhinted, for text in `language` (a tag,
 * or NULL for none). Called under pdf_lock. */
static PangoContext *pdf_make_context(const char *language)
{
    if (!font_map)
        font_map = pango_cairo_font_map_new();
    PangoContext *context = pango_font_map_create_context(font_map);
    cairo_font_options_t *options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context, options);
    cairo_font_options_destroy(options);
    pango_cairo_context_set_resolution(context, 72.0);
    pango_context_set_round_glyph_positions(context, FALSE);
    /* not the process's locale: the text's language picks glyph forms */
    pango_context_set_language(context, pango_language_from_string(language ? language : "und"));
    return context;
}

/* The font of a style with the CJK font `cjk`, made on first use. */
static const PangoFontDescription *pdf_font(struct pdf_doc *doc, enum pdf_style style,
                                            enum pdf_cjk cjk)
{
    PangoFontDescription **slot = &doc->fonts[cjk][style];
    if (!*slot) {
        const struct pdf_style_spec *spec = &pdf_styles[style];
        PangoFontDescription *font = pango_font_description_new();
        pango_font_description_set_family_static(font, pdf_families[spec->family][cjk]);
        pango_font_description_set_absolute_size(font, pdf_em(doc, spec->scale) * PANGO_SCALE);
        pango_font_description_set_weight(font,
                                          spec->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_style(font,
                                         spec->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
        *slot = font;
    }
    return *slot;
}

void render_pdf_prepare(void)
{
    static const struct {
        enum pdf_face face;
        PangoWeight weight;
        PangoStyle style;
    } faces[] = {{PDF_SERIF, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL},
                 {PDF_SANS, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL},
                 {PDF_SERIF, PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC},
                 {PDF_MONO, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL}};
    pthread_mutex_lock(&pdf_lock);
    PangoContext *context = pdf_make_context(NULL);
    PangoLayout *layout = pango_layout_new(context);
    for (size_t i = 0; i < sizeof(faces) / sizeof(faces[0]); i++) {
        PangoFontDescription *font = pango_font_description_new();
        pango_font_description_set_family_static(font, pdf_families[faces[i].face][PDF_CJK_SC]);
        pango_font_description_set_absolute_size(font, 11 * PANGO_SCALE);
        pango_font_description_set_weight(font, faces[i].weight);
        pango_font_description_set_style(font, faces[i].style);
        pango_layout_set_font_description(layout, font);
        /* Latin, Cyrillic, Arabic, Hebrew (the CJK and emoji fonts load when first used) */
        pango_layout_set_text(layout, "Aa \xE2\x80\x9CQ\xE2\x80\x9D \xD0\x96 \xD8\xB9 \xD7\xA9",
                              -1);
        PangoRectangle ink, logical;
        pango_layout_get_extents(layout, &ink, &logical);
        pango_font_description_free(font);
    }
    g_object_unref(layout);
    g_object_unref(context);
    pthread_mutex_unlock(&pdf_lock);
}

void render_pdf_release(void)
{
    pthread_mutex_lock(&pdf_lock); /* freeing the font map frees cairo font faces */
    if (font_map)
        g_object_unref(font_map);
    font_map = NULL;
    pthread_mutex_unlock(&pdf_lock);
}

static int render_pdf_locked(const struct pdf_article *article, buf *out, buf *error)
{
    int rc = -1;
    struct pdf_doc doc = {.article = article};
    buf pdf = {0}, scratch = {0};
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;

    if (!article || !article->title || !*article->title) {
        buf_puts(error, "pdf: the article has no title");
        goto out;
    }
    if (article->paper != PDF_PAPER_A4 && article->paper != PDF_PAPER_LETTER) {
        buf_printf(error, "pdf: unknown paper size %d", article->paper);
        goto out;
    }
    if (article->text_size < PDF_TEXT_NORMAL || article->text_size > PDF_TEXT_LARGE) {
        buf_printf(error, "pdf: unknown text size %d", article->text_size);
        goto out;
    }
    doc.body_size = pdf_body_sizes[article->text_size];
    if (article->paper == PDF_PAPER_A4) {
        doc.page_width = 210 * PDF_MM;
        doc.page_height = 297 * PDF_MM;
    } else {
        doc.page_width = 8.5 * 72;
        doc.page_height = 11 * 72;
    }
    doc.margin_left = doc.margin_right = 20 * PDF_MM;
    doc.margin_top = 20 * PDF_MM;
    doc.text_bottom = doc.page_height - 22 * PDF_MM;
    if (article->url && strstr(article->url, "://") && pdf_url_has_scheme(article->url))
        doc.base_url = pdf_valid_text(&doc, article->url);

    if (article->language && *article->language)
        doc.language = pdf_valid_text(&doc, article->language);
    doc.cjk = pdf_cjk_of_language(doc.language);
    doc.context = pdf_make_context(doc.language);
    pdf_add_header(&doc);
    pdf_add_html(&doc, article->body_html, PDF_STYLE_BODY, 0);
    pdf_add_comments(&doc);
    for (size_t i = 0; i < doc.block_count; i++)
        pdf_layout_block(&doc, &doc.blocks[i]);
    pdf_paginate(&doc);

    surface = cairo_pdf_surface_create_for_stream(pdf_write, &pdf, doc.page_width, doc.page_height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        buf_printf(error, "pdf: %s", cairo_status_to_string(cairo_surface_status(surface)));
        goto out;
    }
    pdf_set_metadata(&doc, surface);
    cr = cairo_create(surface);
    int levels[6], ids[6], outline_depth = 0;
    int page = 1;
    for (size_t i = 0; i <= doc.slice_count; i++) {
        if (i == doc.slice_count || doc.slices[i].page != page) {
            pdf_draw_footer(&doc, cr, page, &scratch);
            cairo_show_page(cr);
            if (i == doc.slice_count)
                break;
            page = doc.slices[i].page;
        }
        const struct pdf_slice *slice = &doc.slices[i];
        const struct pdf_block *block = &doc.blocks[slice->block];
        if (block->heading_level && slice->first == 0)
            pdf_add_outline(&doc, surface, block, slice->page, slice->y, levels, ids,
                            &outline_depth, &scratch);
        pdf_draw_slice(&doc, cr, i, &scratch);
    }
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        buf_printf(error, "pdf: %s", cairo_status_to_string(status));
        goto out;
    }
    buf_append(out, pdf.ptr, pdf.len);
    rc = 0;

out:
    if (cr)
        cairo_destroy(cr);
    if (surface)
        cairo_surface_destroy(surface);
    for (size_t i = 0; i < doc.block_count; i++) {
        if (doc.blocks[i].layout)
            g_object_unref(doc.blocks[i].layout);
        if (doc.blocks[i].marker_view)
            g_object_unref(doc.blocks[i].marker_view);
        if (doc.blocks[i].attrs)
            pango_attr_list_unref(doc.blocks[i].attrs);
        for (size_t k = 0; k < doc.blocks[i].cell_count; k++) {
            cairo_surface_destroy(doc.blocks[i].cells[k].picture);
            if (doc.blocks[i].cells[k].caption_view)
                g_object_unref(doc.blocks[i].cells[k].caption_view);
        }
        free(doc.blocks[i].cells);
    }
    for (int c = 0; c < PDF_CJK_COUNT; c++)
        for (int s = 0; s < PDF_STYLE_COUNT; s++)
            if (doc.fonts[c][s])
                pango_font_description_free(doc.fonts[c][s]);
    if (doc.context)
        g_object_unref(doc.context);
    if (doc.context_rtl)
        g_object_unref(doc.context_rtl);
    free(doc.blocks);
    free(doc.slices);
    arena_free(&doc.arena);
    buf_free(&pdf);
    buf_free(&scratch);
    return rc;
}

int render_pdf(const struct pdf_article *article, buf *out, buf *error)
{
    pthread_mutex_lock(&pdf_lock);
    int rc = render_pdf_locked(article, out, error);
    pthread_mutex_unlock(&pdf_lock);
    return rc;
}
