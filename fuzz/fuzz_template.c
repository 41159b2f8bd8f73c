/* fuzz_template.c: the template engine (render/template.h) rendering the default theme with a
 * hostile value for every key the theme uses. Checks the escaping invariant, not only
 * crashes: a value's '<' never reaches the page raw, its quotes never end an attribute, and
 * no href/src/action holds a URL with a scheme other than http, https or mailto. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "html_check.h"
#include "markup/sanitize.h"
#include "render/template.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_KEYS 512     /* distinct keys of the theme (about 160 today) */
#define MAX_TEMPLATES 64 /* templates of the theme (about 25 today) */
#define MAX_VALUES 8     /* hostile values made from one input */
#define CHOICE_BYTES 32  /* input bytes steering which value or kind each key gets */
#define MAX_ITEMS 12     /* list items made per render, so nesting stays cheap */
#define VALUE_MAX 4096   /* bytes of one value */
/* Appended to every value: if any of these three reach the page raw, the value was not
 * escaped for where it went. No theme file contains them. */
#define CANARY "<gz\"gz'gz"
/* Trusted HTML (sanitizer output) is written raw where markup belongs, where quotes are plain
 * text: its canary is only the '<'. Values never hold "gz" but in their canary. */
#define HTML_CANARY "<gz"

/* The keys src/ fills with template_set_html (sanitizer or renderer output; `grep -rn
 * template_set_html src`): the engine writes these raw in HTML text, so only they get trusted
 * values. Any other key may be raw HTML nowhere. */
static const char *const html_keys[] = {"body", "content", "json_ld", "preview", "snippet"};

static bool is_html_key(const char *key)
{
    for (size_t i = 0; i < sizeof(html_keys) / sizeof(html_keys[0]); i++)
        if (strcmp(key, html_keys[i]) == 0)
            return true;
    return false;
}

static struct {
    template_set *theme;
    char *templates[MAX_TEMPLATES]; /* names, without ".html", sorted */
    size_t template_count;
    char *keys[MAX_KEYS]; /* every {{key}}, {{#key}}, {{^key}} of every template */
    bool section[MAX_KEYS];
    size_t key_count;
    /* the keys a template and the partials it includes use: only those get values */
    bool uses[MAX_TEMPLATES][MAX_KEYS];
    bool includes[MAX_TEMPLATES][MAX_TEMPLATES];
} theme;

static size_t add_key(const char *key, size_t len, bool section)
{
    for (size_t i = 0; i < theme.key_count; i++)
        if (strlen(theme.keys[i]) == len && memcmp(theme.keys[i], key, len) == 0) {
            theme.section[i] |= section;
            return i;
        }
    FUZZ_CHECK(theme.key_count < MAX_KEYS, "more than %d keys", MAX_KEYS);
    theme.section[theme.key_count] = section;
    theme.keys[theme.key_count] = fuzz_strndup(key, len);
    return theme.key_count++;
}

static void add_partial(size_t t, const char *name, size_t len)
{
    for (size_t i = 0; i < theme.template_count; i++)
        if (strlen(theme.templates[i]) == len && memcmp(theme.templates[i], name, len) == 0)
            theme.includes[t][i] = true;
}

/* Collects the keys and partials of template `t`: the tags are read loosely, the engine is
 * the judge of syntax. */
static void scan_template(size_t t)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.html", GAZETTE_THEME_DIR, theme.templates[t]);
    FILE *f = fopen(path, "rb");
    FUZZ_CHECK(f != NULL, "cannot open %s", path);
    buf text = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&text, chunk, n);
    fclose(f);
    const char *p = buf_cstr(&text);
    while ((p = strstr(p, "{{")) != NULL) {
        p += 2;
        const char *end = strstr(p, "}}");
        if (!end)
            break;
        while (*p == ' ')
            p++;
        char sigil = strchr("#^/>!", *p) && *p ? *p++ : 0;
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " |}");
        if (len && p + len <= end) {
            if (sigil == '>')
                add_partial(t, p, len);
            else if (sigil != '/' && sigil != '!')
                theme.uses[t][add_key(p, len, sigil == '#' || sigil == '^')] = true;
        }
        p = end + 2;
    }
    buf_free(&text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_keep_stderr();
    buf error = {0};
    theme.theme = template_load_dir(GAZETTE_THEME_DIR, &error);
    FUZZ_CHECK(theme.theme != NULL, "theme: %s", buf_cstr(&error));
    buf_free(&error);
    DIR *dir = opendir(GAZETTE_THEME_DIR);
    FUZZ_CHECK(dir != NULL, "cannot list %s", GAZETTE_THEME_DIR);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len <= 5 || strcmp(entry->d_name + len - 5, ".html") != 0)
            continue;
        FUZZ_CHECK(theme.template_count < MAX_TEMPLATES, "more than %d templates", MAX_TEMPLATES);
        theme.templates[theme.template_count++] = fuzz_strndup(entry->d_name, len - 5);
    }
    closedir(dir);
    /* readdir's order differs between file systems: sort, so an input means the same
     * template everywhere. */
    for (size_t i = 1; i < theme.template_count; i++)
        for (size_t j = i; j > 0 && strcmp(theme.templates[j - 1], theme.templates[j]) > 0; j--) {
            char *t = theme.templates[j];
            theme.templates[j] = theme.templates[j - 1];
            theme.templates[j - 1] = t;
        }
    for (size_t t = 0; t < theme.template_count; t++)
        scan_template(t);
    /* a template uses what its partials use, to any depth */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t t = 0; t < theme.template_count; t++)
            for (size_t i = 0; i < theme.template_count; i++)
                for (size_t k = 0; theme.includes[t][i] && k < theme.key_count; k++)
                    if (theme.uses[i][k] && !theme.uses[t][k])
                        theme.uses[t][k] = changed = true;
    }
    FUZZ_CHECK(theme.template_count > 0 && theme.key_count > 0, "an empty theme");
    return 0;
}

/* What a render is made of: the values, and the bytes that steer the choices. */
struct render_plan {
    const char *values[MAX_VALUES];      /* each ends with CANARY */
    const char *html_values[MAX_VALUES]; /* the same with HTML_CANARY through the sanitizer */
    size_t value_count;
    uint8_t choices[CHOICE_BYTES];
    size_t items; /* list items made so far */
};

static uint8_t choice(const struct render_plan *plan, size_t key, unsigned level)
{
    uint8_t c = plan->choices[(key + 7 * level) % CHOICE_BYTES];
    return (uint8_t)(c ^ (key / CHOICE_BYTES) * 0x9D);
}

/* Fills `d` with a value for every key template `t` uses at level 0; deeper, for the keys the
 * choice bits pick (the rest are found in the outer levels). */
static void fill(struct render_plan *plan, template_data *d, size_t t, unsigned level)
{
    for (size_t k = 0; k < theme.key_count; k++) {
        if (!theme.uses[t][k])
            continue;
        uint8_t c = choice(plan, k, level);
        if (level > 0 && (c & 0xE0) != 0xE0)
            continue; /* an item sets about one key in eight: the rest come from outside */
        size_t v = (c >> 3) % plan->value_count;
        if (theme.section[k]) {
            switch (c & 3) {
            case 0:
                template_set_bool(d, theme.keys[k], (c >> 2) & 1);
                break;
            case 1:
                template_set_str(d, theme.keys[k], plan->values[v]);
                break;
            default:
                /* a list of one or two items, at most three levels deep */
                if (level >= 3 || plan->items >= MAX_ITEMS) {
                    template_set_bool(d, theme.keys[k], true);
                    break;
                }
                for (int n = 0; n < 1 + ((c >> 2) & 1) && plan->items < MAX_ITEMS; n++) {
                    plan->items++;
                    fill(plan, template_add_item(d, theme.keys[k]), t, level + 1);
                }
            }
        } else {
            switch (c & 7) {
            case 0:
                template_set_int(d, theme.keys[k], (long long)c * 1000003 - 7);
                break;
            case 1:
                if (is_html_key(theme.keys[k])) {
                    template_set_html(d, theme.keys[k], plan->html_values[v]);
                    break;
                }
                template_set_str(d, theme.keys[k], plan->values[v]);
                break;
            default:
                template_set_str(d, theme.keys[k], plan->values[v]);
            }
        }
    }
}

static void check_page(const char *name, const char *page, size_t len)
{
    const char *p = strstr(page, "<gz");
    FUZZ_CHECK(!p, "%s: a value's '<' unescaped: …%.60s", name, p ? p : "");
    static const char *const quotes[] = {"\"gz", "'gz"};
    for (size_t q = 0; q < 2; q++)
        for (p = page; (p = strstr(p, quotes[q])) != NULL; p++)
            FUZZ_CHECK(p > page && p[-1] == '\\', "%s: a value's quote unescaped: …%.60s", name,
                       p - (p - page > 40 ? 40 : p - page));
    /* The page's tags, read as a browser would (values are escaped, so a '<' in text is the
     * theme's own); <script> and <style> content is skipped. */
    const char *end = page + len;
    for (p = page; (p = memchr(p, '<', (size_t)(end - p))) != NULL;) {
        p++;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            continue;
        const char *tag = p;
        while (p < end && *p != '>' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '/')
            p++;
        size_t tag_len = (size_t)(p - tag);
        while (p < end && *p != '>') {
            while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '/'))
                p++;
            const char *attribute = p;
            while (p < end && *p != '=' && *p != '>' && *p != ' ' && *p != '\n' && *p != '\t')
                p++;
            size_t attribute_len = (size_t)(p - attribute);
            if (p >= end || *p != '=')
                continue;
            p++;
            char quote = *p == '"' || *p == '\'' ? *p++ : 0;
            const char *value = p;
            while (p < end && (quote ? *p != quote : *p != ' ' && *p != '>'))
                p++;
            size_t value_len = (size_t)(p - value);
            if (quote && p < end)
                p++;
            static const char *const url_attributes[] = {"href", "src", "action", "formaction"};
            for (size_t a = 0; a < sizeof(url_attributes) / sizeof(url_attributes[0]); a++) {
                if (attribute_len != strlen(url_attributes[a]) ||
                    strncasecmp(attribute, url_attributes[a], attribute_len) != 0)
                    continue;
                char *decoded = malloc(value_len + 1);
                FUZZ_CHECK(decoded != NULL, "out of memory");
                size_t n = html_check_decode_attribute(value, value_len, decoded);
                FUZZ_CHECK(html_check_url_safe(decoded, n),
                           "%s: unsafe URL in <%.*s %.*s=\"%.*s\">", name, (int)tag_len, tag,
                           (int)attribute_len, attribute, (int)value_len, value);
                free(decoded);
            }
        }
        const char *raw_end = NULL;
        if (tag_len == 6 && strncasecmp(tag, "script", 6) == 0)
            raw_end = "</script";
        else if (tag_len == 5 && strncasecmp(tag, "style", 5) == 0)
            raw_end = "</style";
        if (raw_end) {
            const char *close = strstr(p, raw_end);
            p = close ? close + 1 : end;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* byte 0: the template; CHOICE_BYTES: steering; the rest: values, split at '\n'. */
    struct fuzz_input in = {data, size};
    size_t t = fuzz_byte(&in) % theme.template_count;
    const char *name = theme.templates[t];
    struct render_plan plan = {0};
    for (size_t i = 0; i < CHOICE_BYTES; i++)
        plan.choices[i] = fuzz_byte(&in);
    arena a = {0};
    while (plan.value_count < MAX_VALUES && (in.len || plan.value_count == 0)) {
        const char *piece;
        size_t len = fuzz_take_until(&in, '\n', &piece);
        if (len > VALUE_MAX)
            len = VALUE_MAX;
        char *value = arena_alloc(&a, len + sizeof(CANARY));
        memcpy(value, piece, len);
        /* "gz" appears nowhere but in canaries: a value starting "gz" after a theme's own
         * quote must not look like one */
        for (char *g = value; (g = memchr(g, 'g', len - (size_t)(g - value))) != NULL; g++)
            if ((size_t)(g - value) + 1 < len && g[1] == 'z')
                *g = 'G';
        memcpy(value + len, CANARY, sizeof(CANARY));
        buf html = {0}, source = {0};
        buf_append(&source, value, len);
        buf_puts(&source, HTML_CANARY);
        markup_sanitize_html(source.ptr, source.len, SANITIZE_COMMENT, &html);
        buf_free(&source);
        /* quotes are plain text in trusted HTML, and the parser may take HTML_CANARY's '<'
         * and leave its "gz" after one (or at the start, where a url filter trims to): only a
         * raw "<gz" may stay, the one sign of a bug */
        for (char *q = html.ptr; q && (q = strstr(q, "gz")) != NULL; q++)
            if (q == html.ptr || q[-1] != '<')
                *q = 'G';
        plan.values[plan.value_count] = value;
        plan.html_values[plan.value_count++] = arena_strndup(&a, buf_cstr(&html), html.len);
        buf_free(&html);
    }
    template_data *d = template_data_new(&a);
    fill(&plan, d, t, 0);
    buf page = {0}, error = {0};
    int rc = template_render(theme.theme, name, d, &page, &error);
    /* A section key given `true` where the theme recurses through a list ({{#replies}}
     * {{>comment}}) recurses without end: the engine must stop it with this message. */
    FUZZ_CHECK(rc == 0 || strstr(buf_cstr(&error), "deeper than 64 levels"), "%s: %s", name,
               buf_cstr(&error));
    check_page(name, buf_cstr(&page), page.len);
    buf_free(&page);
    buf_free(&error);
    arena_free(&a);
    return 0;
}
