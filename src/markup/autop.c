/* autop.c: WordPress's wpautop() as a pipeline of byte-level passes, one per regex of the PHP. */
#include "markup/autop.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/*
 * Each static pass below reproduces one preg_replace of wp-includes/formatting.php's wpautop()
 * (WordPress 6.x) and is named after what it does. The passes read a view and append to a
 * fresh buffer, so a pass never sees its own output, as with preg_replace. Every match helper
 * takes the input (a view, or a scan around it) and an index, and checks the index against the
 * length before each byte it reads: the input need not be NUL-terminated.
 *
 * Deliberate differences from the PHP, all on malformed or unusual input:
 * - tag names are matched without regard to case (WordPress only knows lower-case <p>, <div>…);
 * - an unclosed <pre> protects everything to the end (WordPress autops its inside), and a
 *   stray </pre> is kept (WordPress drops it);
 * - placeholders carry a nonce absent from the input, so input cannot forge them.
 */

/* WordPress's $allblocks. */
static const char *const autop_block_names[] = {
    "table",    "thead",  "tfoot",      "caption", "col",   "colgroup",   "tbody",   "tr",
    "td",       "th",     "div",        "dl",      "dd",    "dt",         "ul",      "ol",
    "li",       "pre",    "form",       "map",     "area",  "blockquote", "address", "style",
    "p",        "h1",     "h2",         "h3",      "h4",    "h5",         "h6",      "hr",
    "fieldset", "legend", "section",    "article", "aside", "hgroup",     "header",  "footer",
    "nav",      "figure", "figcaption", "details", "menu",  "summary",
};
#define AUTOP_BLOCK_COUNT (sizeof(autop_block_names) / sizeof(autop_block_names[0]))

/* The block tags before which a <br /> is dropped (the last regex but one of wpautop). */
static const char *const autop_br_eating_names[] = {
    "p", "li", "div", "dl", "dd", "dt", "th", "pre", "td", "ul", "ol",
};
#define AUTOP_BR_EATING_COUNT (sizeof(autop_br_eating_names) / sizeof(autop_br_eating_names[0]))

/* Placeholders for <pre> blocks and for newlines inside tags. Both contain "gzautopK-" with a
 * K chosen so that the input does not contain it: the input cannot forge a placeholder. */
struct autop_markers {
    char newline[48];   /* "<!-- gzautopK-nl -->", put for "\n" inside a tag, one space each side */
    size_t newline_len; /* strlen(newline) */
    char pre_stem[48];  /* "<pre gzautopK-pre"; a placeholder is stem, index, "></pre>" */
    size_t pre_stem_len; /* strlen(pre_stem) */
    strview *pres;    /* the protected <pre>…</pre> texts, views into markup_autop's `source` */
    size_t pre_count; /* entries used in pres */
    size_t pre_cap;   /* entries allocated in pres */
};

static bool autop_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char autop_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Whether s[i..] starts with `lit`, which is lower case, ignoring ASCII case. */
static bool autop_has_at(strview s, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    if (i > s.len || s.len - i < n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (autop_lower(s.ptr[i + k]) != lit[k])
            return false;
    return true;
}

/* The passes ask at every byte, and the first byte settles most answers: that test is made
 * here, without a call (a third of an import's time went to these calls). The arguments have
 * no side effects. */
#define autop_has(s, i, lit)                                                                       \
    ((i) < (s).len && autop_lower((s).ptr[i]) == (lit)[0] && autop_has_at((s), (i), (lit)))

/* Index of the first `lit` (case-insensitive) at or after `from`, or s.len. */
static size_t autop_find(strview s, size_t from, const char *lit)
{
    char first = lit[0];
    for (size_t i = from; i < s.len; i++)
        if (autop_lower(s.ptr[i]) == first && autop_has(s, i, lit))
            return i;
    return s.len;
}

/* A pass's input and the searches it made ahead of its position. Passes look for the next '>'
 * (or "</p>", "</script>"…) from every candidate; remembering the last answer per literal keeps
 * a pass linear where the PHP regexes (and a naive port) are quadratic on text like "<div<div…". */
struct autop_scan {
    strview s; /* the pass's input */
    struct {
        const char *lit; /* what was searched for (NULL: slot unused) */
        size_t from;     /* where the search started */
        size_t at;       /* the first match at or after `from`, or s.len */
    } memo[8];           /* one slot per literal; a pass uses at most three */
};

/* autop_find(sc->s, from, lit), remembered: valid again for any later `from` up to `at`. */
static size_t autop_find_ahead(struct autop_scan *sc, size_t from, const char *lit)
{
    size_t slot = 0;
    while (slot < 8 && sc->memo[slot].lit && strcmp(sc->memo[slot].lit, lit) != 0)
        slot++;
    if (slot == 8)
        return autop_find(sc->s, from, lit);
    if (sc->memo[slot].lit && sc->memo[slot].from <= from && sc->memo[slot].at >= from)
        return sc->memo[slot].at;
    sc->memo[slot].lit = lit;
    sc->memo[slot].from = from;
    sc->memo[slot].at = autop_find(sc->s, from, lit);
    return sc->memo[slot].at;
}

/* A tag matcher: the length of its tag at i, or 0. */
typedef size_t (*autop_matcher)(struct autop_scan *sc, size_t i);

static size_t autop_skip_space(strview s, size_t i)
{
    while (i < s.len && autop_is_space(s.ptr[i]))
        i++;
    return i;
}

/* Length of the longest name from `names` that s[i..] starts with, or 0. With `exact` a name
 * counts only when no letter or digit follows it (the caller checks what does follow). */
static size_t autop_name_at(strview s, size_t i, const char *const *names, size_t count, bool exact)
{
    size_t best = 0;
    for (size_t k = 0; k < count; k++) {
        size_t n = strlen(names[k]);
        if (!autop_has(s, i, names[k]))
            continue;
        if (exact) {
            /* the caller checks the byte after; only a full name qualifies */
            char next = i + n < s.len ? s.ptr[i + n] : '\0';
            if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                (next >= '0' && next <= '9'))
                continue;
        }
        if (n > best)
            best = n;
    }
    return best;
}

/* `<BLOCK[\s/>]`: returns 1 (a match is only a position) or 0. */
static size_t autop_block_open_at(strview s, size_t i)
{
    if (i >= s.len || s.ptr[i] != '<')
        return 0;
    size_t n = autop_name_at(s, i + 1, autop_block_names, AUTOP_BLOCK_COUNT, true);
    if (n == 0 || i + 1 + n >= s.len)
        return 0;
    char c = s.ptr[i + 1 + n];
    return (autop_is_space(c) || c == '/' || c == '>') ? 1 : 0;
}

/* `</BLOCK>`: the match length or 0. */
static size_t autop_block_close_len(strview s, size_t i)
{
    if (!autop_has(s, i, "</"))
        return 0;
    size_t n = autop_name_at(s, i + 2, autop_block_names, AUTOP_BLOCK_COUNT, true);
    if (n == 0 || i + 2 + n >= s.len || s.ptr[i + 2 + n] != '>')
        return 0;
    return n + 3;
}

/* `<br\s*\/?>` (and <hr…> with `name` "hr"): the match length or 0. */
static size_t autop_void_tag_len(strview s, size_t i, const char *name)
{
    if (i >= s.len || s.ptr[i] != '<' || !autop_has(s, i + 1, name))
        return 0;
    size_t j = autop_skip_space(s, i + 1 + strlen(name));
    if (j < s.len && s.ptr[j] == '/')
        j++;
    if (j >= s.len || s.ptr[j] != '>')
        return 0;
    return j + 1 - i;
}

/* `</?(?:NAMES)[^>]*>` with no boundary after the name, as in the PHP: length or 0. */
static size_t autop_loose_tag_len(struct autop_scan *sc, size_t i, const char *const *names,
                                  size_t count)
{
    strview s = sc->s;
    if (i >= s.len || s.ptr[i] != '<')
        return 0;
    size_t j = i + 1;
    if (j < s.len && s.ptr[j] == '/')
        j++;
    if (autop_name_at(s, j, names, count, false) == 0)
        return 0;
    j = autop_find_ahead(sc, j, ">");
    return j < s.len ? j + 1 - i : 0;
}

static size_t autop_loose_block_len(struct autop_scan *sc, size_t i)
{
    return autop_loose_tag_len(sc, i, autop_block_names, AUTOP_BLOCK_COUNT);
}

static strview autop_view(const buf *b)
{
    return (strview){b->ptr ? b->ptr : "", b->len};
}

/* Picks the smallest K for which "gzautopK" occurs nowhere in the input, and builds markers. */
static void autop_markers_init(struct autop_markers *m, strview in)
{
    char stem[32];
    unsigned k = 0;
    for (;; k++) {
        snprintf(stem, sizeof stem, "gzautop%u-", k);
        if (autop_find(in, 0, stem) == in.len)
            break;
    }
    int n = snprintf(m->newline, sizeof m->newline, "<!-- %snl -->", stem);
    m->newline_len = (size_t)n;
    n = snprintf(m->pre_stem, sizeof m->pre_stem, "<pre %spre", stem);
    m->pre_stem_len = (size_t)n;
}

/* Replaces each <pre>…</pre> by a numbered placeholder; `in` must outlive the markers. */
static void autop_protect_pre(strview in, struct autop_markers *m, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        size_t start = i;
        for (;;) {
            start = autop_find(in, start, "<pre");
            if (start == in.len)
                break;
            char c = start + 4 < in.len ? in.ptr[start + 4] : '>';
            if (autop_is_space(c) || c == '>' || c == '/')
                break;
            start++;
        }
        buf_append(out, in.ptr + i, start - i);
        if (start == in.len)
            return;
        /* an unclosed <pre> runs to the end, less the newline markup_autop appended */
        size_t end = autop_find(in, start + 4, "</pre>");
        end = end < in.len ? end + 6 : (in.ptr[in.len - 1] == '\n' ? in.len - 1 : in.len);
        if (m->pre_count == m->pre_cap) {
            m->pre_cap = m->pre_cap ? m->pre_cap * 2 : 8;
            m->pres = xrealloc(m->pres, m->pre_cap * sizeof *m->pres);
        }
        m->pres[m->pre_count] = (strview){in.ptr + start, end - start};
        buf_append(out, m->pre_stem, m->pre_stem_len);
        buf_printf(out, "%zu></pre>", m->pre_count);
        m->pre_count++;
        i = end;
    }
}

/* `<br\s*\/?>\s*<br\s*\/?>` -> "\n\n": two line breaks in a row make a paragraph break. */
static void autop_double_br(strview in, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        size_t first = autop_void_tag_len(in, i, "br");
        if (first) {
            size_t j = autop_skip_space(in, i + first);
            size_t second = autop_void_tag_len(in, j, "br");
            if (second) {
                buf_append(out, "\n\n", 2);
                i = j + second;
                continue;
            }
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* A blank line before every block opening tag, after every block closing tag and <hr>. */
static void autop_space_blocks(strview in, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        if (autop_block_open_at(in, i)) {
            buf_append(out, "\n\n", 2);
            size_t hr = autop_void_tag_len(in, i, "hr");
            if (hr) {
                buf_append(out, in.ptr + i, hr);
                buf_append(out, "\n\n", 2);
                i += hr;
            } else {
                buf_putc(out, in.ptr[i++]);
            }
            continue;
        }
        size_t close = autop_block_close_len(in, i);
        if (close) {
            buf_append(out, in.ptr + i, close);
            buf_append(out, "\n\n", 2);
            i += close;
            continue;
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* "\r\n" and "\r" -> "\n". */
static void autop_normalize_newlines(strview in, buf *out)
{
    for (size_t i = 0; i < in.len; i++) {
        if (in.ptr[i] == '\r') {
            buf_putc(out, '\n');
            if (i + 1 < in.len && in.ptr[i + 1] == '\n')
                i++;
        } else {
            buf_putc(out, in.ptr[i]);
        }
    }
}

/* wp_replace_in_html_tags(): newlines inside tags and comments become " marker ", so that
 * neither the paragraph split nor the <br /> pass sees them. Tag extents follow
 * get_html_split_regex(): a comment to "-->", CDATA to "]]>", anything else to '>' (or the end). */
static void autop_hide_tag_newlines(strview in, const struct autop_markers *m, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        if (in.ptr[i] != '<') {
            buf_putc(out, in.ptr[i++]);
            continue;
        }
        size_t end;
        if (autop_has(in, i, "<!--")) {
            end = autop_find(in, i + 2, "-->");
            end = end < in.len ? end + 3 : in.len;
        } else if (autop_has(in, i, "<![cdata[")) {
            end = autop_find(in, i + 9, "]]>");
            end = end < in.len ? end + 3 : in.len;
        } else {
            end = i + 1;
            while (end < in.len && in.ptr[end] != '>')
                end++;
            if (end < in.len)
                end++;
        }
        for (; i < end; i++) {
            if (in.ptr[i] == '\n') {
                buf_putc(out, ' ');
                buf_append(out, m->newline, m->newline_len);
                buf_putc(out, ' ');
            } else {
                buf_putc(out, in.ptr[i]);
            }
        }
    }
}

/* One rule of autop_trim_around: white space before and/or after what `match` finds goes. */
struct autop_trim_rule {
    autop_matcher match; /* length of the tag at an index, or 0 */
    bool before;         /* drop the white space just before the tag */
    bool after;          /* drop the white space just after the tag */
};

static void autop_trim_around(strview in, const struct autop_trim_rule *rules, size_t count,
                              buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        size_t len = 0;
        const struct autop_trim_rule *rule = NULL;
        for (size_t k = 0; k < count && !len; k++) {
            len = rules[k].match(&sc, i);
            rule = &rules[k];
        }
        if (!len) {
            buf_putc(out, in.ptr[i++]);
            continue;
        }
        if (rule->before)
            while (out->len && autop_is_space(out->ptr[out->len - 1]))
                out->ptr[--out->len] = '\0';
        buf_append(out, in.ptr + i, len);
        i += len;
        if (rule->after)
            i = autop_skip_space(in, i);
    }
}

/* `<NAME[^>]*>` for the trimming rules below; the name is a prefix, as in the PHP. */
static size_t autop_tag_len(struct autop_scan *sc, size_t i, const char *open)
{
    if (!autop_has(sc->s, i, open))
        return 0;
    size_t j = autop_find_ahead(sc, i + strlen(open), ">");
    return j < sc->s.len ? j + 1 - i : 0;
}

static size_t autop_match_option_open(struct autop_scan *sc, size_t i)
{
    return autop_has(sc->s, i, "<option") ? 7 : 0;
}

static size_t autop_match_option_close(struct autop_scan *sc, size_t i)
{
    return autop_has(sc->s, i, "</option>") ? 9 : 0;
}

static size_t autop_match_object_open(struct autop_scan *sc, size_t i)
{
    return autop_tag_len(sc, i, "<object");
}

static size_t autop_match_object_close(struct autop_scan *sc, size_t i)
{
    return autop_has(sc->s, i, "</object>") ? 9 : 0;
}

static size_t autop_match_param_embed(struct autop_scan *sc, size_t i)
{
    static const char *const names[] = {"param", "embed"};
    return autop_loose_tag_len(sc, i, names, 2);
}

/* `[<\[](?:audio|video)[^>\]]*[>\]]`, shortcode brackets included. */
static size_t autop_match_media_open(struct autop_scan *sc, size_t i)
{
    strview s = sc->s;
    if (i >= s.len || (s.ptr[i] != '<' && s.ptr[i] != '['))
        return 0;
    if (!autop_has(s, i + 1, "audio") && !autop_has(s, i + 1, "video"))
        return 0;
    size_t gt = autop_find_ahead(sc, i + 6, ">"), bracket = autop_find_ahead(sc, i + 6, "]");
    size_t j = gt < bracket ? gt : bracket;
    return j < s.len ? j + 1 - i : 0;
}

static size_t autop_match_media_close(struct autop_scan *sc, size_t i)
{
    strview s = sc->s;
    if (i >= s.len || (s.ptr[i] != '<' && s.ptr[i] != '[') || !autop_has(s, i + 1, "/"))
        return 0;
    if (!autop_has(s, i + 2, "audio") && !autop_has(s, i + 2, "video"))
        return 0;
    if (i + 7 >= s.len || (s.ptr[i + 7] != '>' && s.ptr[i + 7] != ']'))
        return 0;
    return 8;
}

static size_t autop_match_source_track(struct autop_scan *sc, size_t i)
{
    size_t n = autop_tag_len(sc, i, "<source");
    return n ? n : autop_tag_len(sc, i, "<track");
}

static size_t autop_match_figcaption_open(struct autop_scan *sc, size_t i)
{
    return autop_tag_len(sc, i, "<figcaption");
}

static size_t autop_match_figcaption_close(struct autop_scan *sc, size_t i)
{
    return autop_has(sc->s, i, "</figcaption>") ? 13 : 0;
}

/* The <option>, <object>, <audio>/<video> and <figcaption> clean-ups of wpautop: the line
 * breaks around those tags would otherwise make paragraphs inside them. */
static void autop_collapse_special(buf *text, buf *scratch)
{
    static const struct autop_trim_rule option_rules[] = {
        {autop_match_option_open, true, false},
        {autop_match_option_close, false, true},
    };
    static const struct autop_trim_rule object_rules[] = {
        {autop_match_object_open, false, true},
        {autop_match_object_close, true, false},
        {autop_match_param_embed, true, true},
    };
    static const struct autop_trim_rule media_rules[] = {
        {autop_match_media_open, false, true},
        {autop_match_media_close, true, false},
        {autop_match_source_track, true, true},
    };
    static const struct autop_trim_rule figcaption_rules[] = {
        {autop_match_figcaption_open, true, false},
        {autop_match_figcaption_close, false, true},
    };
    static const struct {
        const char *trigger;  /* the rules run only when the text contains this */
        const char *trigger2; /* or this (NULL: none) */
        const struct autop_trim_rule *rules;
        size_t count;
    } groups[] = {
        {"<option", NULL, option_rules, 2},
        {"</object>", NULL, object_rules, 3},
        {"<source", "<track", media_rules, 3},
        {"<figcaption", NULL, figcaption_rules, 2},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        strview v = autop_view(text);
        bool hit = autop_find(v, 0, groups[g].trigger) < v.len ||
                   (groups[g].trigger2 && autop_find(v, 0, groups[g].trigger2) < v.len);
        if (!hit)
            continue;
        buf_reset(scratch);
        autop_trim_around(v, groups[g].rules, groups[g].count, scratch);
        buf tmp = *text;
        *text = *scratch;
        *scratch = tmp;
    }
}

/* preg_split('/\n\s*\n/') and wrap every non-empty piece as "<p>" trim(piece, "\n") "</p>\n". */
static void autop_wrap_paragraphs(strview in, buf *out)
{
    size_t start = 0, i = 0;
    while (i <= in.len) {
        size_t sep_start = in.len, sep_end = in.len;
        if (i < in.len) {
            if (in.ptr[i] != '\n') {
                i++;
                continue;
            }
            size_t run_end = autop_skip_space(in, i + 1);
            size_t last_nl = i;
            for (size_t k = i + 1; k < run_end; k++)
                if (in.ptr[k] == '\n')
                    last_nl = k;
            if (last_nl == i) {
                i = run_end;
                continue;
            }
            sep_start = i;
            sep_end = last_nl + 1;
        }
        size_t a = start, b = sep_start;
        if (b > a) {
            while (a < b && in.ptr[a] == '\n')
                a++;
            while (b > a && in.ptr[b - 1] == '\n')
                b--;
            buf_append(out, "<p>", 3);
            buf_append(out, in.ptr + a, b - a);
            buf_append(out, "</p>\n", 5);
        }
        if (i >= in.len)
            break;
        start = i = sep_end;
    }
}

/* `<p>\s*</p>` -> "". */
static void autop_drop_empty_paragraphs(strview in, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        if (autop_has(in, i, "<p>")) {
            size_t j = autop_skip_space(in, i + 3);
            if (autop_has(in, j, "</p>")) {
                i = j + 4;
                continue;
            }
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* Length of `([^<]+)</(div|address|form)>` at i, the text part in *text_len; or 0. */
static size_t autop_text_then_container_close(strview s, size_t i, size_t *text_len)
{
    static const char *const closers[] = {"</div>", "</address>", "</form>"};
    size_t j = i;
    while (j < s.len && s.ptr[j] != '<')
        j++;
    if (j == i)
        return 0;
    for (size_t k = 0; k < sizeof closers / sizeof closers[0]; k++) {
        if (autop_has(s, j, closers[k])) {
            *text_len = j - i;
            return j - i + strlen(closers[k]);
        }
    }
    return 0;
}

/* `<p>([^<]+)</(div|address|form)>` -> `<p>$1</p></$2>`. */
static void autop_close_before_container(strview in, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        size_t text_len = 0;
        size_t n =
            autop_has(in, i, "<p>") ? autop_text_then_container_close(in, i + 3, &text_len) : 0;
        if (n) {
            buf_append(out, in.ptr + i, 3 + text_len);
            buf_append(out, "</p>", 4);
            buf_append(out, in.ptr + i + 3 + text_len, n - text_len);
            i += 3 + n;
            continue;
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* `<p>\s*(</?BLOCK[^>]*>)` -> `$1`, or with `lone` only `<p>\s*(</?BLOCK[^>]*>)\s*</p>` ->
 * `$1`: the paragraph tag before a block tag goes (with its end tag, when the block tag is
 * alone in the paragraph). */
static void autop_drop_p_around_block(strview in, bool lone, buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        if (autop_has(in, i, "<p>")) {
            size_t j = autop_skip_space(in, i + 3);
            size_t tag = autop_loose_block_len(&sc, j);
            size_t end = j + tag; /* where the match ends; 0: no match */
            if (tag && lone) {
                size_t k = autop_skip_space(in, end);
                end = autop_has(in, k, "</p>") ? k + 4 : 0;
            }
            if (tag && end) {
                buf_append(out, in.ptr + j, tag);
                i = end;
                continue;
            }
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* A block tag alone in a paragraph is unwrapped. */
static void autop_unwrap_lone_block(strview in, buf *out)
{
    autop_drop_p_around_block(in, true, out);
}

/* `<p>(<li.+?)</p>` -> `$1` ('.' stops at a newline). */
static void autop_unwrap_li(strview in, buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        if (autop_has(in, i, "<p><li") && i + 6 < in.len && in.ptr[i + 6] != '\n') {
            size_t j = autop_find_ahead(&sc, i + 7, "</p>");
            if (j < in.len && j < autop_find_ahead(&sc, i + 7, "\n")) {
                buf_append(out, in.ptr + i + 3, j - (i + 3));
                i = j + 4;
                continue;
            }
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* `<p><blockquote([^>]*)>` -> `<blockquote$1><p>` and `</blockquote></p>` ->
 * `</p></blockquote>`: the paragraph moves inside the quotation. */
static void autop_move_p_into_blockquote(strview in, buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        if (autop_has(in, i, "<p><blockquote")) {
            size_t j = autop_find_ahead(&sc, i + 14, ">");
            if (j < in.len) {
                buf_append(out, "<blockquote", 11);
                buf_append(out, in.ptr + i + 14, j - (i + 14));
                buf_append(out, "><p>", 4);
                i = j + 1;
                continue;
            }
        }
        if (autop_has(in, i, "</blockquote></p>")) {
            buf_append(out, "</p></blockquote>", 17);
            i += 17;
            continue;
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* A paragraph tag before a block tag goes. */
static void autop_drop_p_before_block(strview in, buf *out)
{
    autop_drop_p_around_block(in, false, out);
}

/* `(</?NAMES[^>]*>)\s*FOLLOWER` -> `$1`, for the passes that eat what follows a block tag. */
static void autop_drop_after_block(strview in, const char *follower, buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        size_t tag = autop_loose_block_len(&sc, i);
        if (tag) {
            size_t j = autop_skip_space(in, i + tag);
            if (autop_has(in, j, follower)) {
                buf_append(out, in.ptr + i, tag);
                i = j + strlen(follower);
                continue;
            }
        }
        buf_putc(out, in.ptr[i++]);
    }
}

static void autop_drop_p_after_block(strview in, buf *out)
{
    autop_drop_after_block(in, "</p>", out);
}

/* "<br>" and "<br/>" -> "<br />", so the next pass can tell a newline already has its break. */
static void autop_normalize_br(strview in, buf *out)
{
    size_t i = 0;
    while (i < in.len) {
        size_t n = autop_has(in, i, "<br>") ? 4 : autop_has(in, i, "<br/>") ? 5 : 0;
        if (n) {
            buf_append(out, "<br />", 6);
            i += n;
            continue;
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* `<(script|style|svg|math).*?<\/\1>`: length of such an element at i, or 0. Newlines inside
 * it are code or markup, not line breaks. */
static size_t autop_raw_element_len(struct autop_scan *sc, size_t i)
{
    static const char *const names[] = {"script", "style", "svg", "math"};
    static const char *const closers[] = {"</script>", "</style>", "</svg>", "</math>"};
    strview s = sc->s;
    if (i >= s.len || s.ptr[i] != '<')
        return 0;
    for (size_t k = 0; k < 4; k++) {
        if (!autop_has(s, i + 1, names[k]))
            continue;
        size_t end = autop_find_ahead(sc, i + 1 + strlen(names[k]), closers[k]);
        return end < s.len ? end + strlen(closers[k]) - i : 0;
    }
    return 0;
}

/* `(?<!<br />)\s*\n` -> "<br />\n", outside script/style/svg/math. */
static void autop_insert_br(strview in, buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        size_t raw = autop_raw_element_len(&sc, i);
        if (raw) {
            buf_append(out, in.ptr + i, raw);
            i += raw;
            continue;
        }
        if (!autop_is_space(in.ptr[i])) {
            buf_putc(out, in.ptr[i++]);
            continue;
        }
        size_t run_end = autop_skip_space(in, i);
        size_t last_nl = run_end;
        for (size_t k = i; k < run_end; k++)
            if (in.ptr[k] == '\n')
                last_nl = k;
        if (last_nl == run_end) {
            buf_append(out, in.ptr + i, run_end - i);
            i = run_end;
            continue;
        }
        if (i >= 6 && memcmp(in.ptr + i - 6, "<br />", 6) == 0) {
            buf_putc(out, in.ptr[i++]);
            continue;
        }
        buf_append(out, "<br />\n", 7);
        i = last_nl + 1;
    }
}

static void autop_drop_br_after_block(strview in, buf *out)
{
    autop_drop_after_block(in, "<br />", out);
}

/* `<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)` -> `$1`. */
static void autop_drop_br_before_block(strview in, buf *out)
{
    struct autop_scan sc = {.s = in};
    size_t i = 0;
    while (i < in.len) {
        if (autop_has(in, i, "<br />")) {
            size_t j = autop_skip_space(in, i + 6);
            size_t tag = autop_loose_tag_len(&sc, j, autop_br_eating_names, AUTOP_BR_EATING_COUNT);
            if (tag) {
                buf_append(out, in.ptr + i + 6, j + tag - (i + 6));
                i = j + tag;
                continue;
            }
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* `\n</p>$` -> "</p>" (PCRE's $ also matches before a final newline). */
static void autop_fix_last_paragraph(buf *text)
{
    size_t n = text->len;
    size_t end = (n > 0 && text->ptr[n - 1] == '\n') ? n - 1 : n;
    if (end >= 5 && memcmp(text->ptr + end - 5, "\n</p>", 5) == 0) {
        memmove(text->ptr + end - 5, text->ptr + end - 4, n - (end - 4));
        text->len--;
        text->ptr[text->len] = '\0';
    }
}

/* Puts the <pre> blocks back and turns newline markers back into newlines. */
static void autop_restore(strview in, const struct autop_markers *m, buf *out)
{
    strview stem = {m->pre_stem, m->pre_stem_len};
    strview nl = {m->newline, m->newline_len};
    size_t i = 0;
    while (i < in.len) {
        strview rest = {in.ptr + i, in.len - i};
        if (m->pre_count && strview_starts_with(rest, m->pre_stem)) {
            size_t j = stem.len, index = 0;
            bool digits = false;
            while (j < rest.len && rest.ptr[j] >= '0' && rest.ptr[j] <= '9' &&
                   index < m->pre_count) {
                index = index * 10 + (size_t)(rest.ptr[j] - '0');
                j++;
                digits = true;
            }
            strview tail = {rest.ptr + j, rest.len - j};
            if (digits && index < m->pre_count && strview_starts_with(tail, "></pre>")) {
                buf_append_view(out, m->pres[index]);
                i += j + 7;
                continue;
            }
        }
        if (rest.len >= nl.len + 2 && rest.ptr[0] == ' ' && rest.ptr[nl.len + 1] == ' ' &&
            memcmp(rest.ptr + 1, nl.ptr, nl.len) == 0) {
            buf_putc(out, '\n');
            i += nl.len + 2;
            continue;
        }
        if (strview_starts_with(rest, m->newline)) {
            buf_putc(out, '\n');
            i += nl.len;
            continue;
        }
        buf_putc(out, in.ptr[i++]);
    }
}

/* PHP's trim() set: wpautop returns "" when nothing else is there. */
static bool autop_is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\n\r\v", s[i]))
            return false;
    return true;
}

static void autop_swap(buf *a, buf *b)
{
    buf tmp = *a;
    *a = *b;
    *b = tmp;
}

typedef void (*autop_pass)(strview in, buf *out);

/* Runs `passes` in order over `text`; `scratch` is reused between them. */
static void autop_run(const autop_pass *passes, size_t count, buf *text, buf *scratch)
{
    for (size_t k = 0; k < count; k++) {
        buf_reset(scratch);
        passes[k](autop_view(text), scratch);
        autop_swap(text, scratch);
    }
}

void markup_autop(const char *html, size_t len, buf *out)
{
    /* The order of wpautop(); the marker passes run between these two groups. */
    static const autop_pass before_markers[] = {
        autop_double_br,
        autop_space_blocks,
        autop_normalize_newlines,
    };
    static const autop_pass after_markers[] = {
        autop_wrap_paragraphs,
        autop_drop_empty_paragraphs,
        autop_close_before_container,
        autop_unwrap_lone_block,
        autop_unwrap_li,
        autop_move_p_into_blockquote,
        autop_drop_p_before_block,
        autop_drop_p_after_block,
        autop_normalize_br,
        autop_insert_br,
        autop_drop_br_after_block,
        autop_drop_br_before_block,
    };
    if (!html || autop_is_blank(html, len))
        return;

    struct autop_markers m = {0};
    autop_markers_init(&m, (strview){html, len});

    /* `source` holds the input plus "\n" and lives to the end: m.pres point into it. */
    buf source = {0}, text = {0}, scratch = {0};
    buf_append(&source, html, len);
    buf_putc(&source, '\n');
    autop_protect_pre(autop_view(&source), &m, &text);
    autop_run(before_markers, sizeof before_markers / sizeof before_markers[0], &text, &scratch);
    buf_reset(&scratch);
    autop_hide_tag_newlines(autop_view(&text), &m, &scratch);
    autop_swap(&text, &scratch);
    autop_collapse_special(&text, &scratch);
    autop_run(after_markers, sizeof after_markers / sizeof after_markers[0], &text, &scratch);
    autop_fix_last_paragraph(&text);
    autop_restore(autop_view(&text), &m, out);

    free(m.pres);
    buf_free(&source);
    buf_free(&text);
    buf_free(&scratch);
}
