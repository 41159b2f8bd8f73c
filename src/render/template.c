/* template.c: loads a theme folder's Mustache-subset templates once and renders them escaped. */
#include "render/template.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "markup/escape.h"
#include "util/alloc.h"

/* A partial may include partials this many levels deep (a threaded comment tree is the deep
 * case); beyond that the template is taken to recurse without end. */
#define TEMPLATE_MAX_PARTIAL_DEPTH 64

/* ---- loaded templates (immutable once template_load_dir returns) ---- */

typedef enum node_kind {
    NODE_TEXT,     /* literal template text, written as it is */
    NODE_VARIABLE, /* {{key}} or {{key|filter}} */
    NODE_SECTION,  /* {{#key}}…{{/key}} */
    NODE_INVERTED, /* {{^key}}…{{/key}} */
    NODE_PARTIAL,  /* {{>name}} */
} node_kind;

typedef enum output_filter {
    FILTER_TEXT, /* HTML text (the default) */
    FILTER_ATTR, /* quoted attribute value */
    FILTER_URL,  /* URL inside a quoted attribute */
    FILTER_JSON, /* JSON literal inside <script> */
} output_filter;

typedef struct template_node template_node;
typedef struct template_file template_file;

struct template_node {
    template_node *next;          /* following sibling; NULL ends the list */
    node_kind kind;               /* what the node is */
    output_filter filter;         /* NODE_VARIABLE: escaping context */
    strview text;                 /* TEXT: the run; VARIABLE/SECTION/INVERTED: key; PARTIAL: name */
    template_node *children;      /* SECTION/INVERTED: body */
    const template_file *partial; /* PARTIAL: the included template, resolved at load time */
    unsigned line;                /* line of the tag in its file, for messages */
};

struct template_file {
    strview name;         /* file name without ".html" (NUL-terminated) */
    const char *path;     /* DIR/NAME.html, for messages */
    strview content;      /* the file's bytes; text nodes point into it */
    template_node *nodes; /* parsed body */
};

struct template_set {
    arena memory;             /* owns the templates, their contents, names and nodes */
    template_file *templates; /* sorted by name, for bsearch */
    size_t count;             /* number of templates */
};

/* ---- data given to a render ---- */

typedef enum value_kind {
    VALUE_STRING, /* plain text; escaped in every context */
    VALUE_HTML,   /* trusted (sanitizer) markup; raw in HTML text */
    VALUE_INT,    /* printed in decimal */
    VALUE_BOOL,   /* for sections; a variable prints true/false */
    VALUE_LIST,   /* list of child dictionaries */
} value_kind;

typedef struct template_entry template_entry;

struct template_entry {
    template_entry *next; /* next entry of the same dictionary */
    strview key;          /* arena copy of the key */
    value_kind kind;      /* which member of the union is set */
    union {
        strview string;   /* STRING/HTML: borrowed from the caller */
        long long number; /* INT */
        bool flag;        /* BOOL */
        struct {
            template_data *first; /* first item; items chain through next_item */
            template_data *last;  /* last item, for appending */
        } list;
    } value;
};

struct template_data {
    arena *memory;              /* the arena everything of this data tree comes from */
    template_data *parent;      /* dictionary holding the list this item belongs to; NULL at root */
    template_data *next_item;   /* next item of the same list */
    const template_entry *list; /* the list entry (in parent) holding this item; NULL at root */
    template_entry *entries;    /* (key, value) pairs; dictionaries are small */
};

/* ---- small helpers ---- */

static void set_error(buf *error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(buf *error, const char *fmt, ...)
{
    if (!error)
        return;
    buf_reset(error);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(error, fmt, ap);
    va_end(ap);
}

static bool is_key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_tag_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static strview view_trim(strview v)
{
    while (v.len && is_tag_space(v.ptr[0])) {
        v.ptr++;
        v.len--;
    }
    while (v.len && is_tag_space(v.ptr[v.len - 1]))
        v.len--;
    return v;
}

/* memmem is a GNU extension; this keeps the file plain C11 + POSIX. */
static const char *find_pair(const char *from, const char *end, char a, char b)
{
    for (const char *p = from; p + 1 < end; p++)
        if (p[0] == a && p[1] == b)
            return p;
    return NULL;
}

static unsigned count_lines(const char *from, const char *to)
{
    unsigned n = 0;
    for (const char *p = from; p < to; p++)
        n += *p == '\n';
    return n;
}

/* ---- parsing ---- */

static const struct {
    const char *name;
    output_filter filter;
} filter_table[] = {
    {"text", FILTER_TEXT},
    {"attr", FILTER_ATTR},
    {"url", FILTER_URL},
    {"json", FILTER_JSON},
};

/* One open section while parsing; the chain is the nesting. */
typedef struct parse_level parse_level;
struct parse_level {
    template_node *section; /* the open section, NULL for the file's top level */
    template_node **tail;   /* where the next node of this level goes */
    parse_level *outer;     /* enclosing level */
};

typedef struct parser {
    arena *memory;            /* the set's arena */
    const template_file *tpl; /* template being parsed */
    const char *start;        /* first byte of the content */
    const char *end;          /* one past the last byte */
    const char *counted;      /* line numbers are counted up to here... */
    unsigned counted_line;    /* ...which is on this line */
    parse_level *level;       /* innermost open level */
    buf *error;               /* where a message goes */
} parser;

static unsigned parser_line_at(parser *p, const char *at)
{
    assert(at >= p->counted);
    p->counted_line += count_lines(p->counted, at);
    p->counted = at;
    return p->counted_line;
}

static template_node *parser_add(parser *p, node_kind kind, strview text, unsigned line)
{
    template_node *n = arena_alloc(p->memory, sizeof(*n));
    n->kind = kind;
    n->text = text;
    n->line = line;
    *p->level->tail = n;
    p->level->tail = &n->next;
    return n;
}

static void parser_add_text(parser *p, const char *from, const char *to)
{
    if (to > from)
        parser_add(p, NODE_TEXT, (strview){from, (size_t)(to - from)}, 0);
}

static int check_key(parser *p, strview key, unsigned line, const char *what)
{
    if (key.len == 0) {
        set_error(p->error, "%s:%u: empty %s", p->tpl->path, line, what);
        return -1;
    }
    for (size_t i = 0; i < key.len; i++) {
        if (!is_key_char((unsigned char)key.ptr[i])) {
            set_error(p->error,
                      "%s:%u: bad character '%c' in %s \"%.*s\" (allowed: A-Z a-z 0-9 _ . -)",
                      p->tpl->path, line, key.ptr[i], what, (int)key.len, key.ptr);
            return -1;
        }
    }
    return 0;
}

static int parse_variable(parser *p, strview body, unsigned line)
{
    strview key = body;
    output_filter filter = FILTER_TEXT;
    const char *bar = memchr(body.ptr, '|', body.len);
    if (bar) {
        key = view_trim((strview){body.ptr, (size_t)(bar - body.ptr)});
        strview name = view_trim((strview){bar + 1, body.len - (size_t)(bar + 1 - body.ptr)});
        size_t i = 0;
        while (i < sizeof(filter_table) / sizeof(filter_table[0]) &&
               !strview_equal_cstr(name, filter_table[i].name))
            i++;
        if (i == sizeof(filter_table) / sizeof(filter_table[0])) {
            set_error(p->error, "%s:%u: unknown filter \"%.*s\" (known: text, attr, url, json)",
                      p->tpl->path, line, (int)name.len, name.ptr);
            return -1;
        }
        filter = filter_table[i].filter;
    }
    if (check_key(p, key, line, "key") < 0)
        return -1;
    parser_add(p, NODE_VARIABLE, key, line)->filter = filter;
    return 0;
}

static int parse_open(parser *p, node_kind kind, strview key, unsigned line)
{
    if (check_key(p, key, line, "section key") < 0)
        return -1;
    template_node *n = parser_add(p, kind, key, line);
    parse_level *level = arena_alloc(p->memory, sizeof(*level));
    level->section = n;
    level->tail = &n->children;
    level->outer = p->level;
    p->level = level;
    return 0;
}

static int parse_close(parser *p, strview key, unsigned line)
{
    const template_node *open = p->level->section;
    if (!open) {
        set_error(p->error, "%s:%u: {{/%.*s}} closes no open section", p->tpl->path, line,
                  (int)key.len, key.ptr);
        return -1;
    }
    if (!strview_equal(open->text, key)) {
        set_error(p->error, "%s:%u: {{/%.*s}} does not match {{%c%.*s}} opened on line %u",
                  p->tpl->path, line, (int)key.len, key.ptr, open->kind == NODE_SECTION ? '#' : '^',
                  (int)open->text.len, open->text.ptr, open->line);
        return -1;
    }
    p->level = p->level->outer;
    return 0;
}

/* Mustache's standalone rule: a line holding only a section, inverted, close, partial or
 * comment tag (and blanks) disappears entirely, so templates can put block tags on lines of
 * their own without leaving blank lines in the page. Returns where the line starts (the text
 * before the tag ends there) and sets *resume past the line's newline; NULL if not standalone. */
static const char *standalone_line(const parser *p, const char *tag_start, const char *tag_end,
                                   const char **resume)
{
    const char *line_start = tag_start;
    while (line_start > p->start && is_blank(line_start[-1]))
        line_start--;
    if (line_start > p->start && line_start[-1] != '\n')
        return NULL;
    const char *after = tag_end;
    while (after < p->end && is_blank(*after))
        after++;
    if (after < p->end && *after == '\r' && after + 1 < p->end && after[1] == '\n')
        after += 2;
    else if (after < p->end && *after == '\n')
        after++;
    else if (after != p->end)
        return NULL;
    *resume = after;
    return line_start;
}

static int parse_template(arena *memory, template_file *tpl, buf *error)
{
    parse_level top = {NULL, &tpl->nodes, NULL};
    parser p = {
        .memory = memory,
        .tpl = tpl,
        .start = tpl->content.ptr,
        .end = tpl->content.ptr + tpl->content.len,
        .counted = tpl->content.ptr,
        .counted_line = 1,
        .level = &top,
        .error = error,
    };
    const char *text_start = p.start;
    const char *pos = p.start;
    for (;;) {
        const char *open = find_pair(pos, p.end, '{', '{');
        if (!open)
            break;
        unsigned line = parser_line_at(&p, open);
        const char *close = find_pair(open + 2, p.end, '}', '}');
        if (!close) {
            set_error(error, "%s:%u: \"{{\" without a closing \"}}\"", tpl->path, line);
            return -1;
        }
        const char *tag_end = close + 2;
        strview body = view_trim((strview){open + 2, (size_t)(close - open - 2)});
        char sigil = body.len ? body.ptr[0] : '\0';
        strview rest = body.len ? view_trim((strview){body.ptr + 1, body.len - 1}) : body;

        if (sigil != '#' && sigil != '^' && sigil != '/' && sigil != '>' && sigil != '!') {
            parser_add_text(&p, text_start, open);
            if (parse_variable(&p, body, line) < 0)
                return -1;
            text_start = pos = tag_end;
            continue;
        }

        const char *resume = tag_end;
        const char *line_start = standalone_line(&p, open, tag_end, &resume);
        parser_add_text(&p, text_start, line_start ? line_start : open);
        text_start = pos = resume;

        int rc = 0;
        switch (sigil) {
        case '#':
            rc = parse_open(&p, NODE_SECTION, rest, line);
            break;
        case '^':
            rc = parse_open(&p, NODE_INVERTED, rest, line);
            break;
        case '/':
            rc = parse_close(&p, rest, line);
            break;
        case '>':
            rc = check_key(&p, rest, line, "partial name");
            if (rc == 0)
                parser_add(&p, NODE_PARTIAL, rest, line);
            break;
        default: /* '!': a comment */
            break;
        }
        if (rc < 0)
            return -1;
    }
    parser_add_text(&p, text_start, p.end);
    if (p.level->section) {
        const template_node *s = p.level->section;
        set_error(error, "%s:%u: {{%c%.*s}} is never closed", tpl->path, s->line,
                  s->kind == NODE_SECTION ? '#' : '^', (int)s->text.len, s->text.ptr);
        return -1;
    }
    return 0;
}

/* ---- loading ---- */

static int compare_template_names(const void *a, const void *b)
{
    const template_file *x = a, *y = b;
    size_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
    int c = memcmp(x->name.ptr, y->name.ptr, n);
    if (c)
        return c;
    return (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

static const template_file *find_template(const template_set *set, strview name)
{
    template_file key = {.name = name};
    if (set->count == 0)
        return NULL;
    return bsearch(&key, set->templates, set->count, sizeof(template_file), compare_template_names);
}

static int resolve_partials(const template_set *set, const template_file *tpl, template_node *n,
                            buf *error)
{
    for (; n; n = n->next) {
        if (n->kind == NODE_PARTIAL) {
            n->partial = find_template(set, n->text);
            if (!n->partial) {
                set_error(error, "%s:%u: {{>%.*s}} names no template (no %.*s.html)", tpl->path,
                          n->line, (int)n->text.len, n->text.ptr, (int)n->text.len, n->text.ptr);
                return -1;
            }
        }
        if (resolve_partials(set, tpl, n->children, error) < 0)
            return -1;
    }
    return 0;
}

static int read_file(arena *memory, const char *path, strview *content, buf *error)
{
    int rc = -1;
    buf data = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_error(error, "%s: %s", path, strerror(errno));
        goto out;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&data, chunk, n);
    if (ferror(f)) {
        set_error(error, "%s: read error", path);
        goto out;
    }
    /* the set's arena owns the bytes; text nodes point into them until template_free */
    *content = (strview){arena_strndup(memory, data.ptr ? data.ptr : "", data.len), data.len};
    rc = 0;
out:
    if (f)
        fclose(f);
    buf_free(&data);
    return rc;
}

static bool has_html_suffix(const char *name, size_t len)
{
    return len > 5 && memcmp(name + len - 5, ".html", 5) == 0;
}

template_set *template_load_dir(const char *dir, buf *error)
{
    template_set *set = xcalloc(1, sizeof(*set));
    size_t cap = 0;
    DIR *d = opendir(dir);
    if (!d) {
        set_error(error, "%s: %s", dir, strerror(errno));
        goto fail;
    }
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (entry->d_name[0] == '.' || !has_html_suffix(entry->d_name, len))
            continue;
        char *path = arena_printf(&set->memory, "%s/%s", dir, entry->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (set->count == cap) {
            cap = cap ? cap * 2 : 16;
            set->templates = xrealloc(set->templates, cap * sizeof(template_file));
        }
        template_file *t = &set->templates[set->count++];
        *t = (template_file){0};
        t->name = (strview){arena_strndup(&set->memory, entry->d_name, len - 5), len - 5};
        t->path = path;
    }
    closedir(d);
    if (set->count)
        qsort(set->templates, set->count, sizeof(template_file), compare_template_names);

    for (size_t i = 0; i < set->count; i++) {
        template_file *t = &set->templates[i];
        if (read_file(&set->memory, t->path, &t->content, error) < 0 ||
            parse_template(&set->memory, t, error) < 0)
            goto fail;
    }
    /* partials are resolved once every file is parsed, so they may refer to any file */
    for (size_t i = 0; i < set->count; i++)
        if (resolve_partials(set, &set->templates[i], set->templates[i].nodes, error) < 0)
            goto fail;
    return set;
fail:
    template_free(set);
    return NULL;
}

void template_free(template_set *set)
{
    if (!set)
        return;
    arena_free(&set->memory);
    free(set->templates);
    free(set);
}

bool template_exists(const template_set *set, const char *name)
{
    return find_template(set, strview_from_cstr(name)) != NULL;
}

/* ---- escaping (markup/escape.h: one escaper for the whole program) ---- */

static void write_escaped(buf *out, strview v, output_filter filter)
{
    switch (filter) {
    case FILTER_TEXT:
    case FILTER_ATTR:
        /* both quotes: a template cannot see how the theme quotes the attribute */
        escape_html(v.ptr, v.len, ESCAPE_QUOTES_BOTH, out);
        break;
    case FILTER_URL:
        escape_url_attribute(v.ptr, v.len, out);
        break;
    case FILTER_JSON:
        escape_json_string(v.ptr, v.len, out);
        break;
    }
}

/* ---- rendering (reads the set and the data only; safe from many threads) ---- */

/* The context stack: the innermost section item first, the data passed to the render last. */
typedef struct render_frame render_frame;
struct render_frame {
    const template_data *data; /* dictionary of this level */
    const render_frame *outer; /* enclosing level; NULL for the render's data */
};

typedef struct render_context {
    buf *out;   /* page being written */
    buf *error; /* message on failure */
} render_context;

/* Keys are short and differ early: length and first byte settle most comparisons without a
 * call (a page of 1,000 comments makes ~100,000 lookups). */
static inline bool same_key(strview a, strview b)
{
    return a.len == b.len && (a.len == 0 || (a.ptr[0] == b.ptr[0] && !memcmp(a.ptr, b.ptr, a.len)));
}

static template_entry *dictionary_find(const template_data *d, strview key)
{
    for (template_entry *e = d->entries; e; e = e->next)
        if (same_key(e->key, key))
            return e;
    return NULL;
}

/* True when a frame between `inner` (included) and `stop` (excluded) is an item of `list`. */
static bool inside_list(const render_frame *inner, const render_frame *stop,
                        const template_entry *list)
{
    for (; inner && inner != stop; inner = inner->outer)
        if (inner->data->list == list)
            return true;
    return false;
}

/* Mustache lookup, from the innermost section item out to the root, with one rule added: a
 * list is not seen from inside its own items. Without it a leaf of a threaded comment tree,
 * which has no "replies" of its own, would find its parent's "replies" and render that list
 * again and again from {{#replies}}{{>comment}}{{/replies}}; with it {{^replies}} works on
 * leaves too. The price is that a list cannot be walked again from inside itself. */
static const template_entry *context_find(const render_frame *frame, strview key)
{
    for (const render_frame *f = frame; f; f = f->outer) {
        const template_entry *e = dictionary_find(f->data, key);
        if (e && !(e->kind == VALUE_LIST && inside_list(frame, f, e)))
            return e;
    }
    return NULL;
}

static void write_value(buf *out, const template_entry *e, output_filter filter)
{
    switch (e->kind) {
    case VALUE_STRING:
        write_escaped(out, e->value.string, filter);
        break;
    case VALUE_HTML:
        /* trusted markup goes in raw only where markup belongs: HTML text */
        if (filter == FILTER_TEXT)
            buf_append_view(out, e->value.string);
        else
            write_escaped(out, e->value.string, filter);
        break;
    case VALUE_INT: {
        /* digits and '-' need no escaping anywhere; written by hand: snprintf cost a tenth
         * of a big thread's render */
        char digits[24];
        size_t at = sizeof(digits);
        long long n = e->value.number;
        unsigned long long magnitude = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
        do
            digits[--at] = (char)('0' + magnitude % 10);
        while ((magnitude /= 10) > 0);
        if (n < 0)
            digits[--at] = '-';
        buf_append(out, digits + at, sizeof(digits) - at);
        break;
    }
    case VALUE_BOOL:
        buf_puts(out, e->value.flag ? "true" : "false");
        break;
    case VALUE_LIST:
        break; /* a list has no text of its own */
    }
}

static bool entry_is_truthy(const template_entry *e)
{
    if (!e)
        return false;
    switch (e->kind) {
    case VALUE_STRING:
    case VALUE_HTML:
        return e->value.string.len > 0;
    case VALUE_INT:
        return e->value.number != 0;
    case VALUE_BOOL:
        return e->value.flag;
    case VALUE_LIST:
        return e->value.list.first != NULL;
    }
    return false;
}

static int render_nodes(const render_context *ctx, const template_file *tpl, const template_node *n,
                        const render_frame *frame, int depth)
{
    for (; n; n = n->next) {
        const template_entry *e;
        switch (n->kind) {
        case NODE_TEXT:
            buf_append_view(ctx->out, n->text);
            break;
        case NODE_VARIABLE:
            e = context_find(frame, n->text);
            if (e)
                write_value(ctx->out, e, n->filter);
            break;
        case NODE_SECTION:
            e = context_find(frame, n->text);
            if (e && e->kind == VALUE_LIST) {
                for (const template_data *item = e->value.list.first; item;
                     item = item->next_item) {
                    render_frame inner = {item, frame};
                    if (render_nodes(ctx, tpl, n->children, &inner, depth) < 0)
                        return -1;
                }
            } else if (entry_is_truthy(e)) {
                if (render_nodes(ctx, tpl, n->children, frame, depth) < 0)
                    return -1;
            }
            break;
        case NODE_INVERTED:
            if (!entry_is_truthy(context_find(frame, n->text)))
                if (render_nodes(ctx, tpl, n->children, frame, depth) < 0)
                    return -1;
            break;
        case NODE_PARTIAL:
            if (depth >= TEMPLATE_MAX_PARTIAL_DEPTH) {
                set_error(ctx->error, "%s:%u: {{>%.*s}} nests partials deeper than %d levels",
                          tpl->path, n->line, (int)n->text.len, n->text.ptr,
                          TEMPLATE_MAX_PARTIAL_DEPTH);
                return -1;
            }
            if (render_nodes(ctx, n->partial, n->partial->nodes, frame, depth + 1) < 0)
                return -1;
            break;
        }
    }
    return 0;
}

int template_render(const template_set *set, const char *name, const template_data *data, buf *out,
                    buf *error)
{
    assert(set && name && out);
    const template_file *tpl = find_template(set, strview_from_cstr(name));
    if (!tpl) {
        set_error(error, "unknown template \"%s\"", name);
        return -1;
    }
    static const template_data empty = {0};
    if (!data)
        data = &empty;
    /* data may be an item of a list: its enclosing dictionaries become the outer frames, so
     * lookup sees them as it would inside the section that walks the list */
    size_t levels = 0;
    for (const template_data *d = data; d; d = d->parent)
        levels++;
    render_frame one;
    render_frame *frames = levels == 1 ? &one : xcalloc(levels, sizeof(*frames));
    const template_data *d = data;
    for (size_t i = levels; i-- > 0; d = d->parent)
        frames[i] = (render_frame){d, i ? &frames[i - 1] : NULL};
    render_context ctx = {out, error};
    size_t start = out->len;
    int rc = render_nodes(&ctx, tpl, tpl->nodes, &frames[levels - 1], 0);
    if (rc < 0) {
        /* no half page: the caller gets its buffer back as it was */
        out->len = start;
        if (out->ptr)
            out->ptr[start] = '\0';
    }
    if (frames != &one)
        free(frames);
    return rc;
}

/* ---- building data ---- */

template_data *template_data_new(arena *a)
{
    template_data *d = arena_alloc(a, sizeof(*d));
    d->memory = a;
    return d;
}

/* A new entry for `key`, put first: lookups go first to last, so it hides any older entry of
 * the same key, which is what setting a key again means. No search: a comment's dictionary is
 * filled with twenty keys, and searching before each one was a twentieth of a page's render. */
static template_entry *dictionary_push(template_data *d, const char *key)
{
    assert(d && key);
    template_entry *e = arena_alloc(d->memory, sizeof(*e));
    e->key = strview_from_cstr(key); /* keys are string literals (template.h) */
    e->next = d->entries;
    d->entries = e;
    return e;
}

static void dictionary_remove(template_data *d, const char *key)
{
    strview k = strview_from_cstr(key);
    for (template_entry **link = &d->entries; *link;) {
        if (same_key((*link)->key, k))
            *link = (*link)->next; /* the arena keeps the memory until it is freed */
        else
            link = &(*link)->next;
    }
}

void template_set_str(template_data *d, const char *key, const char *value)
{
    if (!value) {
        dictionary_remove(d, key);
        return;
    }
    template_entry *e = dictionary_push(d, key);
    e->kind = VALUE_STRING;
    e->value.string = strview_from_cstr(value);
}

void template_set_html(template_data *d, const char *key, const char *trusted_html)
{
    if (!trusted_html) {
        dictionary_remove(d, key);
        return;
    }
    template_entry *e = dictionary_push(d, key);
    e->kind = VALUE_HTML;
    e->value.string = strview_from_cstr(trusted_html);
}

void template_set_int(template_data *d, const char *key, long long value)
{
    template_entry *e = dictionary_push(d, key);
    e->kind = VALUE_INT;
    e->value.number = value;
}

void template_set_bool(template_data *d, const char *key, bool value)
{
    template_entry *e = dictionary_push(d, key);
    e->kind = VALUE_BOOL;
    e->value.flag = value;
}

template_data *template_add_item(template_data *d, const char *key)
{
    template_entry *e = dictionary_find(d, strview_from_cstr(key));
    if (!e || e->kind != VALUE_LIST) {
        e = dictionary_push(d, key);
        e->kind = VALUE_LIST;
    }
    template_data *item = template_data_new(d->memory);
    item->parent = d;
    item->list = e;
    if (e->value.list.last)
        e->value.list.last->next_item = item;
    else
        e->value.list.first = item;
    e->value.list.last = item;
    return item;
}
