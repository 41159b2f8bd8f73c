/* template.h: logic-less page templates (a Mustache subset) that escape by output context. */
#ifndef GAZETTE_RENDER_TEMPLATE_H
#define GAZETTE_RENDER_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

/*
 * Syntax, in files NAME.html of a theme folder:
 *   {{key}}          the value, escaped for HTML text (& < > " ' escaped). A value set with
 *                    template_set_html (sanitizer output) is written as it is.
 *   {{key|attr}}     escaped for a quoted attribute value (same escaping; says the context).
 *   {{key|url}}      a URL inside a quoted attribute: unsafe schemes (javascript:, data:,
 *                    vbscript:, …) become "#", spaces/controls/quotes/<> percent-encoded,
 *                    then attribute-escaped.
 *   {{key|json}}     a JSON string literal (quotes included) safe inside <script> (escapes
 *                    <, >, &, U+2028/9 as \uXXXX).
 *   {{#key}}…{{/key}}  a list: once per item, each item's keys visible inside; a true bool,
 *                    non-zero int or non-empty string: once; otherwise not at all.
 *   {{^key}}…{{/key}}  once when {{#key}} would render nothing.
 *   {{>name}}        includes template NAME (NAME.html of the same set); may recurse.
 *   {{! comment }}   nothing.
 * Lookup walks from the innermost item out to the root data. A missing key renders nothing.
 * Keys are [A-Za-z0-9_.-]. There is no way to write a plain string unescaped.
 */

typedef struct template_set template_set;   /* parsed templates of one folder */
typedef struct template_data template_data; /* one dictionary of values */

/* Parses every *.html file of `dir`; templates are named by file name without ".html".
 * Returns NULL and writes "FILE:LINE: what is wrong" into `error` for a syntax error (an
 * unclosed or mismatched section, an unknown filter, a partial naming no template). The set
 * is immutable after loading and may be shared by threads. */
template_set *template_load_dir(const char *dir, buf *error);
void template_free(template_set *set);
bool template_exists(const template_set *set, const char *name);

/* Renders template `name` with `data` and appends to `out`. Returns 0, or -1 with a message
 * in `error` (unknown template, partial recursion deeper than 64). */
int template_render(const template_set *set, const char *name, const template_data *data, buf *out,
                    buf *error);

/* Building data. All memory comes from the arena given to template_data_new (the data and
 * every child share it); keys and string values are NOT copied: they must outlive the render
 * (keys are string literals, values arena strings or literals). Setting a key again replaces
 * the value. */
template_data *template_data_new(arena *a);
void template_set_str(template_data *d, const char *key, const char *value); /* NULL = unset */
void template_set_html(template_data *d, const char *key, const char *trusted_html);
void template_set_int(template_data *d, const char *key, long long value);
void template_set_bool(template_data *d, const char *key, bool value);
/* Appends a new empty dictionary to the list `key` (creating the list) and returns it. */
template_data *template_add_item(template_data *d, const char *key);

#endif
