/* sanitize.c: untrusted HTML to allow-listed HTML (gumbo parses, our own serializer writes). */
#include "markup/sanitize.h"
#include "markup/escape.h"
#include "markup/html_depth.h"
#include "markup/html_tree.h"

#include <gumbo.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"

/* Profile bits, so one table row can say which profiles keep an element or attribute. */
#define PROFILE_ARTICLE (1u << SANITIZE_ARTICLE)
#define PROFILE_COMMENT (1u << SANITIZE_COMMENT)
#define PROFILE_BOTH (PROFILE_ARTICLE | PROFILE_COMMENT)

/* What happens to an element. The zero value is "unwrap": the tag goes, its children are
 * still judged one by one, so unknown markup costs the reader no text. */
struct element_rule {
    unsigned char keep_in; /* profiles that write the tag itself */
    bool drop_content;     /* true: the element and everything inside it vanish */
};

/* Indexed by GumboTag; tags not named here (including GUMBO_TAG_UNKNOWN) are unwrapped. */
static const struct element_rule sanitize_elements[GUMBO_TAG_LAST + 1] = {
    [GUMBO_TAG_P] = {PROFILE_BOTH, false},
    [GUMBO_TAG_BR] = {PROFILE_BOTH, false},
    [GUMBO_TAG_HR] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_H1] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_H2] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_H3] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_H4] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_H5] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_H6] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_BLOCKQUOTE] = {PROFILE_BOTH, false},
    [GUMBO_TAG_Q] = {PROFILE_BOTH, false},
    [GUMBO_TAG_CITE] = {PROFILE_BOTH, false},
    [GUMBO_TAG_UL] = {PROFILE_BOTH, false},
    [GUMBO_TAG_OL] = {PROFILE_BOTH, false},
    [GUMBO_TAG_LI] = {PROFILE_BOTH, false},
    [GUMBO_TAG_DL] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_DT] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_DD] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_PRE] = {PROFILE_BOTH, false},
    [GUMBO_TAG_CODE] = {PROFILE_BOTH, false},
    [GUMBO_TAG_EM] = {PROFILE_BOTH, false},
    [GUMBO_TAG_STRONG] = {PROFILE_BOTH, false},
    [GUMBO_TAG_B] = {PROFILE_BOTH, false},
    [GUMBO_TAG_I] = {PROFILE_BOTH, false},
    [GUMBO_TAG_U] = {PROFILE_BOTH, false},
    [GUMBO_TAG_S] = {PROFILE_BOTH, false},
    [GUMBO_TAG_DEL] = {PROFILE_BOTH, false},
    [GUMBO_TAG_INS] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_SUB] = {PROFILE_BOTH, false},
    [GUMBO_TAG_SUP] = {PROFILE_BOTH, false},
    [GUMBO_TAG_SMALL] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_MARK] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_ABBR] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_SPAN] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_DIV] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_A] = {PROFILE_BOTH, false},
    [GUMBO_TAG_IMG] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_FIGURE] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_FIGCAPTION] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_TABLE] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_THEAD] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_TBODY] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_TFOOT] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_TR] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_TH] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_TD] = {PROFILE_ARTICLE, false},
    [GUMBO_TAG_CAPTION] = {PROFILE_ARTICLE, false},
    /* Active content, styling, forms and document-level elements: their content is code,
     * CSS, or controls, never text a reader meant to publish. */
    [GUMBO_TAG_SCRIPT] = {0, true},
    [GUMBO_TAG_STYLE] = {0, true},
    [GUMBO_TAG_IFRAME] = {0, true},
    [GUMBO_TAG_OBJECT] = {0, true},
    [GUMBO_TAG_EMBED] = {0, true},
    [GUMBO_TAG_APPLET] = {0, true},
    [GUMBO_TAG_PARAM] = {0, true},
    [GUMBO_TAG_FORM] = {0, true},
    [GUMBO_TAG_INPUT] = {0, true},
    [GUMBO_TAG_BUTTON] = {0, true},
    [GUMBO_TAG_TEXTAREA] = {0, true},
    [GUMBO_TAG_SELECT] = {0, true},
    [GUMBO_TAG_KEYGEN] = {0, true},
    [GUMBO_TAG_SVG] = {0, true},
    [GUMBO_TAG_MATH] = {0, true},
    [GUMBO_TAG_TEMPLATE] = {0, true},
    [GUMBO_TAG_NOSCRIPT] = {0, true},
    [GUMBO_TAG_NOEMBED] = {0, true},
    [GUMBO_TAG_NOFRAMES] = {0, true},
    [GUMBO_TAG_FRAME] = {0, true},
    [GUMBO_TAG_FRAMESET] = {0, true},
    [GUMBO_TAG_BASE] = {0, true},
    [GUMBO_TAG_META] = {0, true},
    [GUMBO_TAG_LINK] = {0, true},
    [GUMBO_TAG_TITLE] = {0, true},
    [GUMBO_TAG_HEAD] = {0, true},
};

/* How an attribute value is checked before it may be written. */
enum attribute_kind {
    ATTRIBUTE_TEXT,        /* any text; escaped on output */
    ATTRIBUTE_URL,         /* must pass markup_url_is_safe */
    ATTRIBUTE_CLASS,       /* [A-Za-z0-9_ -]; comments: footnote/code classes only */
    ATTRIBUTE_ID,          /* [A-Za-z0-9_:.-]; comments: footnote anchors only */
    ATTRIBUTE_NUMBER,      /* decimal digits */
    ATTRIBUTE_SIGNED,      /* decimal digits with an optional leading '-' (ol start) */
    ATTRIBUTE_REL,         /* link types: [A-Za-z0-9_ -] */
    ATTRIBUTE_ALIGN,       /* left, center or right (cmark-gfm's table column alignment) */
    ATTRIBUTE_DIR,         /* ltr, rtl or auto */
    ATTRIBUTE_LANG,        /* a BCP 47-looking tag: letters, digits and '-', 2 to 35 bytes */
    ATTRIBUTE_WIDTH_STYLE, /* exactly "width: Npx" (WordPress's caption figure) */
    ATTRIBUTE_ID_LIST,     /* digits and commas (a media placeholder's ids) */
    ATTRIBUTE_WORD,        /* [A-Za-z0-9_-] (a media placeholder's size, link, order…) */
};

struct attribute_rule {
    GumboTag tag;             /* element it belongs to; GUMBO_TAG_LAST: any kept element */
    const char *name;         /* lower-case attribute name as gumbo gives it */
    enum attribute_kind kind; /* value check */
    unsigned profiles;        /* profiles that keep it */
};

/* Everything not in this table is dropped: on* handlers, style, srcset, data-*, target... */
static const struct attribute_rule sanitize_attributes[] = {
    {GUMBO_TAG_A, "href", ATTRIBUTE_URL, PROFILE_BOTH},
    {GUMBO_TAG_A, "title", ATTRIBUTE_TEXT, PROFILE_BOTH},
    {GUMBO_TAG_A, "rel", ATTRIBUTE_REL, PROFILE_ARTICLE},
    {GUMBO_TAG_A, "name", ATTRIBUTE_ID, PROFILE_ARTICLE},
    {GUMBO_TAG_IMG, "src", ATTRIBUTE_URL, PROFILE_ARTICLE},
    {GUMBO_TAG_IMG, "alt", ATTRIBUTE_TEXT, PROFILE_ARTICLE},
    {GUMBO_TAG_IMG, "title", ATTRIBUTE_TEXT, PROFILE_ARTICLE},
    {GUMBO_TAG_IMG, "width", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_IMG, "height", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_ABBR, "title", ATTRIBUTE_TEXT, PROFILE_ARTICLE},
    {GUMBO_TAG_TH, "colspan", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_TH, "rowspan", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_TH, "align", ATTRIBUTE_ALIGN, PROFILE_ARTICLE},
    {GUMBO_TAG_TD, "colspan", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_TD, "rowspan", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_TD, "align", ATTRIBUTE_ALIGN, PROFILE_ARTICLE},
    {GUMBO_TAG_OL, "start", ATTRIBUTE_SIGNED, PROFILE_BOTH},
    {GUMBO_TAG_FIGURE, "style", ATTRIBUTE_WIDTH_STYLE, PROFILE_ARTICLE},
    /* the gallery and playlist placeholders of markup/shortcode.c, which pages fill from the
     * store (render/media_html.c); kept on no other element (sanitize_is_placeholder) */
    {GUMBO_TAG_DIV, "data-ids", ATTRIBUTE_ID_LIST, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-include", ATTRIBUTE_ID_LIST, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-exclude", ATTRIBUTE_ID_LIST, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-post", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-columns", ATTRIBUTE_NUMBER, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-size", ATTRIBUTE_WORD, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-link", ATTRIBUTE_WORD, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-orderby", ATTRIBUTE_WORD, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-order", ATTRIBUTE_WORD, PROFILE_ARTICLE},
    {GUMBO_TAG_DIV, "data-type", ATTRIBUTE_WORD, PROFILE_ARTICLE},
    {GUMBO_TAG_LAST, "dir", ATTRIBUTE_DIR, PROFILE_BOTH},
    {GUMBO_TAG_LAST, "lang", ATTRIBUTE_LANG, PROFILE_BOTH},
    {GUMBO_TAG_LAST, "class", ATTRIBUTE_CLASS, PROFILE_BOTH},
    {GUMBO_TAG_LAST, "id", ATTRIBUTE_ID, PROFILE_BOTH},
};

/* Prefixes a comment's id and class values must start with: cmark-gfm's footnote markup
 * (fn-1, fnref-1, footnote-ref, footnotes) and its code-block language class. Anything
 * else could collide with the page's own ids or styles. */
static const char *const sanitize_comment_id_prefixes[] = {"fn", "footnote"};
static const char *const sanitize_comment_class_prefixes[] = {"fn", "footnote", "language-"};

/* Decodes one character reference starting at url[*at] == '&'. Returns the character (an
 * ASCII byte, or 0x80 standing for any non-ASCII character, which can never be part of a
 * scheme we allow) and advances *at; returns '&' and advances by one when it is not a
 * reference we know. Only references that decode to ASCII matter for the scheme check. */
static int sanitize_decode_reference(const char *url, size_t len, size_t *at)
{
    static const struct {
        const char *name; /* without '&' and ';' */
        char value;       /* the ASCII character it stands for */
    } names[] = {
        {"Tab", '\t'},     {"NewLine", '\n'},     {"excl", '!'},   {"quot", '"'},   {"QUOT", '"'},
        {"num", '#'},      {"dollar", '$'},       {"percnt", '%'}, {"amp", '&'},    {"AMP", '&'},
        {"apos", '\''},    {"lpar", '('},         {"rpar", ')'},   {"ast", '*'},    {"midast", '*'},
        {"plus", '+'},     {"comma", ','},        {"period", '.'}, {"sol", '/'},    {"colon", ':'},
        {"semi", ';'},     {"lt", '<'},           {"LT", '<'},     {"equals", '='}, {"gt", '>'},
        {"GT", '>'},       {"quest", '?'},        {"commat", '@'}, {"lsqb", '['},   {"lbrack", '['},
        {"bsol", '\\'},    {"rsqb", ']'},         {"rbrack", ']'}, {"Hat", '^'},    {"lowbar", '_'},
        {"UnderBar", '_'}, {"grave", '`'},        {"lcub", '{'},   {"lbrace", '{'}, {"verbar", '|'},
        {"vert", '|'},     {"VerticalLine", '|'}, {"rcub", '}'},   {"rbrace", '}'},
    };
    size_t i = *at + 1;

    if (i < len && url[i] == '#') {
        /* Numeric: browsers accept any number of leading zeros and a missing ';'. */
        bool hex = false;
        uint32_t value = 0;
        size_t digits = 0;
        i++;
        if (i < len && (url[i] == 'x' || url[i] == 'X')) {
            hex = true;
            i++;
        }
        for (; i < len; i++, digits++) {
            unsigned char c = (unsigned char)url[i];
            uint32_t d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                break;
            if (value <= 0x10FFFF) /* saturate: anything above is U+FFFD anyway */
                value = value * (hex ? 16 : 10) + d;
        }
        if (digits == 0) {
            (*at)++;
            return '&';
        }
        if (i < len && url[i] == ';')
            i++;
        *at = i;
        /* &#0; is U+FFFD to a browser, not a NUL to strip. */
        return value > 0 && value < 0x80 ? (int)value : 0x80;
    }
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        size_t name_len = strlen(names[n].name);
        if (len - i > name_len && memcmp(url + i, names[n].name, name_len) == 0 &&
            url[i + name_len] == ';') {
            *at = i + name_len + 1;
            return names[n].value;
        }
    }
    (*at)++;
    return '&';
}

int markup_url_is_safe(const char *url, size_t len)
{
    /* Read the would-be scheme the way a browser's URL parser sees it: references decoded,
     * tab/newline/control/space characters gone, up to the first ':'. A '/', '?' or '#'
     * before any ':' means a relative URL. Decoding again what gumbo already decoded can
     * only turn a harmless URL into a refused one, never the other way. */
    char scheme[8];        /* lower-cased; long enough for "mailto" plus one */
    size_t scheme_len = 0; /* characters seen, may exceed sizeof scheme */
    size_t at = 0;

    while (at < len) {
        int c = (unsigned char)url[at];
        if (c == '&')
            c = sanitize_decode_reference(url, len, &at);
        else
            at++;
        if (c <= 0x20 || c == 0x7F)
            continue;
        if (c == '/' || c == '?' || c == '#')
            return 1;
        if (c == ':') {
            static const char *const allowed[] = {"http", "https", "mailto"};
            for (size_t n = 0; n < sizeof allowed / sizeof allowed[0]; n++) {
                if (scheme_len == strlen(allowed[n]) && memcmp(scheme, allowed[n], scheme_len) == 0)
                    return 1;
            }
            return 0;
        }
        if (scheme_len < sizeof scheme)
            scheme[scheme_len] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        scheme_len++;
    }
    return 1; /* no ':' at all: a relative path */
}

static bool sanitize_chars_allowed(const char *value, const char *extra)
{
    if (*value == '\0')
        return false;
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && strchr(extra, c) == NULL)
            return false;
    }
    return true;
}

static bool sanitize_has_prefix(const char *value, size_t len, const char *const *prefixes,
                                size_t count)
{
    for (size_t n = 0; n < count; n++) {
        size_t prefix_len = strlen(prefixes[n]);
        if (len >= prefix_len && memcmp(value, prefixes[n], prefix_len) == 0)
            return true;
    }
    return false;
}

/* True when every space-separated word of `value` starts with one of `prefixes`. */
static bool sanitize_words_have_prefix(const char *value, const char *const *prefixes, size_t count)
{
    const char *p = value;
    while (*p) {
        size_t word;
        while (*p == ' ')
            p++;
        word = strcspn(p, " ");
        if (word > 0 && !sanitize_has_prefix(p, word, prefixes, count))
            return false;
        p += word;
    }
    return true;
}

static bool sanitize_value_allowed(enum attribute_kind kind, const char *value,
                                   enum sanitize_profile profile)
{
    switch (kind) {
    case ATTRIBUTE_TEXT:
        return true;
    case ATTRIBUTE_URL:
        return markup_url_is_safe(value, strlen(value));
    case ATTRIBUTE_CLASS:
        if (!sanitize_chars_allowed(value, "_ -"))
            return false;
        return profile != SANITIZE_COMMENT ||
               sanitize_words_have_prefix(value, sanitize_comment_class_prefixes,
                                          sizeof sanitize_comment_class_prefixes /
                                              sizeof sanitize_comment_class_prefixes[0]);
    case ATTRIBUTE_ID:
        if (!sanitize_chars_allowed(value, "_:.-"))
            return false;
        return profile != SANITIZE_COMMENT ||
               sanitize_has_prefix(value, strlen(value), sanitize_comment_id_prefixes,
                                   sizeof sanitize_comment_id_prefixes /
                                       sizeof sanitize_comment_id_prefixes[0]);
    case ATTRIBUTE_NUMBER:
        return strlen(value) <= 9 && value[strspn(value, "0123456789")] == '\0' && *value;
    case ATTRIBUTE_SIGNED:
        if (*value == '-')
            value++;
        return strlen(value) <= 9 && value[strspn(value, "0123456789")] == '\0' && *value;
    case ATTRIBUTE_REL:
        return sanitize_chars_allowed(value, "_ -");
    case ATTRIBUTE_ALIGN:
        return strcmp(value, "left") == 0 || strcmp(value, "center") == 0 ||
               strcmp(value, "right") == 0;
    case ATTRIBUTE_DIR:
        return strcmp(value, "ltr") == 0 || strcmp(value, "rtl") == 0 || strcmp(value, "auto") == 0;
    case ATTRIBUTE_LANG: {
        /* language[-subtag]*: a first subtag of 2-8 letters, then 1-8 letters or digits. */
        size_t len = strlen(value), first = strspn(value, "abcdefghijklmnopqrstuvwxyz"
                                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        if (len > 35 || first < 2 || first > 8)
            return false;
        for (const char *p = value + first; *p;) {
            if (*p != '-')
                return false;
            size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789");
            if (n < 1 || n > 8)
                return false;
            p += 1 + n;
        }
        return true;
    }
    case ATTRIBUTE_ID_LIST:
        return strlen(value) <= 1000 && value[strspn(value, "0123456789,")] == '\0' && *value;
    case ATTRIBUTE_WORD:
        return strlen(value) <= 64 && sanitize_chars_allowed(value, "_-");
    case ATTRIBUTE_WIDTH_STYLE: {
        if (strncmp(value, "width: ", 7) != 0)
            return false;
        size_t digits = strspn(value + 7, "0123456789");
        return digits >= 1 && digits <= 5 && strcmp(value + 7 + digits, "px") == 0;
    }
    }
    return false;
}

static const struct attribute_rule *sanitize_find_attribute(GumboTag tag, const char *name,
                                                            enum sanitize_profile profile)
{
    for (size_t n = 0; n < sizeof sanitize_attributes / sizeof sanitize_attributes[0]; n++) {
        const struct attribute_rule *rule = &sanitize_attributes[n];
        if ((rule->tag == tag || rule->tag == GUMBO_TAG_LAST) &&
            (rule->profiles & (1u << profile)) && strcmp(rule->name, name) == 0)
            return rule;
    }
    return NULL;
}

static bool sanitize_is_void(GumboTag tag)
{
    return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG;
}

/* What to do with a node: skip it whole, write its tag, or only walk into its children. */
enum node_action {
    NODE_DROP,   /* nothing of it is written */
    NODE_TEXT,   /* text: written escaped */
    NODE_KEEP,   /* element written with its allowed attributes, children walked */
    NODE_UNWRAP, /* element's tag dropped, children walked */
    NODE_MARKER, /* an article's <!--nextpage--> or <!--more--> comment: written verbatim */
};

/* WordPress's two comments that mean something in a post: <!--nextpage--> splits it into pages
 * and <!--more--> (or <!--more Link text-->) ends its teaser. Any other comment is dropped. The
 * link text must not be able to end the comment early or open a tag. */
static bool sanitize_is_marker(const char *text)
{
    if (strcmp(text, "nextpage") == 0 || strcmp(text, "more") == 0)
        return true;
    if (strncmp(text, "more", 4) != 0 || (text[4] != ' ' && text[4] != '\t'))
        return false;
    size_t n = strlen(text);
    return n <= 256 && !strpbrk(text, "<>\n\r") && !strstr(text, "--") && text[n - 1] != '-';
}

/* Whether `element` holds a marker comment and nothing else but white space. */
static bool sanitize_holds_only_markers(const GumboElement *element)
{
    bool marker = false;
    for (unsigned i = 0; i < element->children.length; i++) {
        const GumboNode *child = element->children.data[i];
        if (child->type == GUMBO_NODE_COMMENT && sanitize_is_marker(child->v.text.text))
            marker = true;
        else if (child->type != GUMBO_NODE_WHITESPACE)
            return false;
    }
    return marker;
}

static enum node_action sanitize_classify(const GumboNode *node, enum sanitize_profile profile)
{
    const GumboElement *element;

    switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        return NODE_TEXT;
    case GUMBO_NODE_ELEMENT:
        break;
    case GUMBO_NODE_COMMENT:
        return profile == SANITIZE_ARTICLE && sanitize_is_marker(node->v.text.text) ? NODE_MARKER
                                                                                    : NODE_DROP;
    default: /* the document, templates */
        return NODE_DROP;
    }
    element = &node->v.element;
    /* SVG and MathML parse by other rules and are where mutation XSS lives. */
    if (element->tag_namespace != GUMBO_NAMESPACE_HTML)
        return NODE_DROP;
    if (sanitize_elements[element->tag].drop_content)
        return NODE_DROP;
    /* a paragraph autop made around a marker alone: the marker stands between paragraphs */
    if (element->tag == GUMBO_TAG_P && profile == SANITIZE_ARTICLE &&
        sanitize_holds_only_markers(element))
        return NODE_UNWRAP;
    if (sanitize_elements[element->tag].keep_in & (1u << profile))
        return NODE_KEEP;
    return NODE_UNWRAP;
}

/* Whether `element` is a media placeholder: exactly <div class="gazette-gallery"> or
 * <div class="gazette-playlist">, the only elements that keep data-* attributes. */
static bool sanitize_is_placeholder(const GumboElement *element)
{
    if (element->tag != GUMBO_TAG_DIV)
        return false;
    const GumboAttribute *class = gumbo_get_attribute(&element->attributes, "class");
    return class && (strcmp(class->value, "gazette-gallery") == 0 ||
                     strcmp(class->value, "gazette-playlist") == 0);
}

static void sanitize_open_tag(const GumboNode *node, enum sanitize_profile profile, buf *out)
{
    const GumboElement *element = &node->v.element;
    bool placeholder = sanitize_is_placeholder(element);

    buf_putc(out, '<');
    buf_puts(out, gumbo_normalized_tagname(element->tag));
    for (unsigned n = 0; n < element->attributes.length; n++) {
        const GumboAttribute *attribute = element->attributes.data[n];
        const struct attribute_rule *rule;
        if (attribute->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
            continue;
        rule = sanitize_find_attribute(element->tag, attribute->name, profile);
        if (rule == NULL || !sanitize_value_allowed(rule->kind, attribute->value, profile) ||
            (strncmp(rule->name, "data-", 5) == 0 && !placeholder))
            continue;
        buf_putc(out, ' ');
        buf_puts(out, rule->name);
        buf_puts(out, "=\"");
        escape_html(attribute->value, strlen(attribute->value), ESCAPE_QUOTES_DOUBLE, out);
        buf_putc(out, '"');
    }
    /* Readers' links earn the site's reputation nothing (Google's guidance for UGC). */
    if (profile == SANITIZE_COMMENT && element->tag == GUMBO_TAG_A)
        buf_puts(out, " rel=\"nofollow ugc\"");
    buf_putc(out, '>');

    /* The parser eats one newline right after <pre>; write one back when the content
     * starts with a newline so a second parse gives the same text. */
    if (element->tag == GUMBO_TAG_PRE && element->children.length > 0) {
        const GumboNode *first = element->children.data[0];
        if ((first->type == GUMBO_NODE_TEXT || first->type == GUMBO_NODE_WHITESPACE) &&
            first->v.text.text[0] == '\n')
            buf_putc(out, '\n');
    }
}

static void sanitize_close_tag(const GumboNode *node, buf *out)
{
    if (sanitize_is_void(node->v.element.tag))
        return;
    buf_puts(out, "</");
    buf_puts(out, gumbo_normalized_tagname(node->v.element.tag));
    buf_putc(out, '>');
}

/* The node after `node` in document order once its subtree is done, closing the tags of
 * the ancestors it climbs out of; NULL after the last descendant of `root`. */
static const GumboNode *sanitize_next(const GumboNode *node, const GumboNode *root,
                                      enum sanitize_profile profile, buf *out)
{
    while (node != root) {
        const GumboNode *parent = node->parent;
        const GumboVector *siblings = &parent->v.element.children;
        if (node->index_within_parent + 1 < siblings->length)
            return siblings->data[node->index_within_parent + 1];
        if (parent == root)
            return NULL;
        if (sanitize_classify(parent, profile) == NODE_KEEP)
            sanitize_close_tag(parent, out);
        node = parent;
    }
    return NULL;
}

/* Walks without recursion (parent links and sibling indexes), so hostile nesting depth
 * cannot exhaust a worker thread's stack. */
static void sanitize_serialize(const GumboNode *root, enum sanitize_profile profile, buf *out)
{
    const GumboNode *node;

    if (root->type != GUMBO_NODE_ELEMENT || root->v.element.children.length == 0)
        return;
    node = root->v.element.children.data[0];
    while (node != NULL) {
        enum node_action action = sanitize_classify(node, profile);
        if (action == NODE_TEXT) {
            escape_html(node->v.text.text, strlen(node->v.text.text), ESCAPE_QUOTES_NONE, out);
        } else if (action == NODE_MARKER) {
            buf_puts(out, "<!--");
            buf_puts(out, node->v.text.text);
            buf_puts(out, "-->");
        } else if (action == NODE_KEEP || action == NODE_UNWRAP) {
            if (action == NODE_KEEP)
                sanitize_open_tag(node, profile, out);
            if (node->v.element.children.length > 0) {
                node = node->v.element.children.data[0];
                continue;
            }
            if (action == NODE_KEEP)
                sanitize_close_tag(node, out);
        }
        node = sanitize_next(node, root, profile, out);
    }
}

void markup_sanitize_html(const char *html, size_t len, enum sanitize_profile profile, buf *out)
{
    GumboOptions options = html_tree_options();
    GumboOutput *output;
    buf bounded = {0};

    if (html == NULL) {
        html = "";
        len = 0;
    }
    /* Every untrusted HTML (editor, preview, Markdown output, import, comments) comes through
     * here: bound its nesting before gumbo, whose cost grows with depth times tags. */
    if (markup_html_bound_depth(html, len, HTML_DEPTH_FRAGMENT, &bounded)) {
        html = buf_cstr(&bounded);
        len = bounded.len;
    }
    /* Parse as the content of a <div>, as the fragment will be placed in the page; the
     * children of the result's root <html> element are the fragment's nodes. */
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    output = gumbo_parse_with_options(&options, html, len);
    sanitize_serialize(output->root, profile, out);
    gumbo_destroy_output(&options, output);
    buf_free(&bounded);
}
