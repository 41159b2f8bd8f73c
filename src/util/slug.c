/* slug.c: WordPress's canonical slug form, the slug of a title and the nicename of a login,
 * following wp-includes/formatting.php (utf8_uri_encode, sanitize_title_with_dashes,
 * remove_accents, sanitize_user) and wp_insert_user. */
#include "util/slug.h"

#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

static const char hex_digits[] = "0123456789abcdef";

int hex_digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}


char *slug_canonical(arena *a, const char *text)
{
    size_t n = strlen(text);
    char *out = arena_take(a, 3 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        int hi, lo;
        if (c == '%' && i + 2 < n && (hi = hex_digit_value((unsigned char)text[i + 1])) >= 0 &&
            (lo = hex_digit_value((unsigned char)text[i + 2])) >= 0) {
            out[k++] = '%';
            out[k++] = hex_digits[hi];
            out[k++] = hex_digits[lo];
            i += 2;
        } else if (c >= 0x80) {
            out[k++] = '%';
            out[k++] = hex_digits[c >> 4];
            out[k++] = hex_digits[c & 15];
        } else
            out[k++] = (char)c;
    }
    out[k] = '\0';
    return out;
}

char *slug_ascii_lower(arena *a, const char *text)
{
    char *out = arena_strdup(a, text);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return out;
}

bool slug_is_canonical(const char *text)
{
    arena a = {0};
    bool same = strcmp(slug_canonical(&a, text), text) == 0;
    arena_free(&a);
    return same;
}

/* ---- code points ---- */

/* Decodes the well-formed sequence at s[*i] (advancing *i past it); -1 for a malformed one
 * (then *i advances by one byte). */
static long next_code_point(const char *s, size_t n, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t len = utf8_sequence_length(s + *i, n - *i);
    if (!len) {
        (*i)++;
        return -1;
    }
    long cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | ((unsigned char)s[*i + k] & 0x3F);
    *i += len;
    return cp;
}

/* remove_accents for the Latin letters WordPress folds in every locale: Latin-1 Supplement,
 * Latin Extended-A, the Vietnamese horned letters and Latin Extended Additional's Vietnamese
 * block. NULL for a code point it leaves alone; a one-letter result is written in `one`. */
static const char *latin_base(long cp, char one[2])
{
    /* U+00C0..U+00FF; "" where WordPress keeps the character (U+00D7 and U+00F7) */
    static const char *const latin1[64] = {
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
        "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "s",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",
    };
    /* U+0100..U+017F, one letter each, but the ligatures below */
    static const char extended_a[] =
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRr"
        "SsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    static const char vietnamese[] = /* U+1EA0..U+1EF9 */
        "AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyY"
        "y";
    if (cp == 0xAA)
        return "a";
    if (cp == 0xBA)
        return "o";
    if (cp >= 0xC0 && cp <= 0xFF)
        return *latin1[cp - 0xC0] ? latin1[cp - 0xC0] : NULL;
    if (cp == 0x132)
        return "IJ";
    if (cp == 0x133)
        return "ij";
    if (cp == 0x152)
        return "OE";
    if (cp == 0x153)
        return "oe";
    const char *table = NULL;
    long index = 0;
    if (cp >= 0x100 && cp <= 0x17F) {
        table = extended_a;
        index = cp - 0x100;
    } else if (cp >= 0x1EA0 && cp <= 0x1EF9) {
        table = vietnamese;
        index = cp - 0x1EA0;
    } else if (cp == 0x1A0 || cp == 0x1A1 || cp == 0x1AF || cp == 0x1B0)
        return cp == 0x1A0 ? "O" : cp == 0x1A1 ? "o" : cp == 0x1AF ? "U" : "u";
    if (!table)
        return NULL;
    one[0] = table[index];
    one[1] = '\0';
    return one;
}

/* mb_strtolower for the scripts with case that slugs meet: Latin, Greek, Cyrillic, Armenian,
 * fullwidth Latin. */
static long lower_code_point(long cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
        (cp >= 0x410 && cp <= 0x42F) || (cp >= 0xFF21 && cp <= 0xFF3A))
        return cp + 32;
    if (cp >= 0x100 && cp <= 0x137 && cp % 2 == 0)
        return cp + 1;
    if (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1)
        return cp + 1;
    if (cp >= 0x14A && cp <= 0x177 && cp % 2 == 0)
        return cp + 1;
    if (cp == 0x178)
        return 0xFF;
    if (cp >= 0x179 && cp <= 0x17E && cp % 2 == 1)
        return cp + 1;
    if (cp == 0x386)
        return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A)
        return cp + 37;
    if (cp == 0x38C)
        return 0x3CC;
    if (cp == 0x38E || cp == 0x38F)
        return cp + 63;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80;
    if (((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
         (cp >= 0x4D0 && cp <= 0x52F)) &&
        cp % 2 == 0)
        return cp + 1;
    if (cp == 0x4C0)
        return 0x4CF;
    if (cp >= 0x4C1 && cp <= 0x4CE && cp % 2 == 1)
        return cp + 1;
    if (cp >= 0x531 && cp <= 0x556)
        return cp + 48;
    if (((cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF)) && cp % 2 == 0)
        return cp + 1;
    return cp;
}

/* ---- sanitize_title ---- */

/* strip_tags, roughly: everything from '<' to the next '>' goes (to the end when none). */
static void strip_tags(const char *s, buf *out)
{
    for (; *s; s++) {
        if (*s == '<') {
            const char *end = strchr(s, '>');
            if (!end)
                return;
            s = end;
        } else
            buf_putc(out, *s);
    }
}

/* remove_accents: Latin letters folded, when the text is UTF-8 (else as it is). */
static void remove_accents(const char *s, size_t n, buf *out)
{
    if (!utf8_valid(s, n)) {
        buf_append(out, s, n);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t start = i;
        long cp = next_code_point(s, n, &i);
        char one[2];
        const char *base = cp >= 0x80 ? latin_base(cp, one) : NULL;
        if (base)
            buf_puts(out, base);
        else
            buf_append(out, s + start, i - start);
    }
}

/* Percent signs that do not start an octet are dropped; octets keep their case here. */
static void drop_lone_percents(const char *s, buf *out)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && !(i + 2 < n && hex_digit_value((unsigned char)s[i + 1]) >= 0 &&
                             hex_digit_value((unsigned char)s[i + 2]) >= 0))
            continue;
        buf_putc(out, s[i]);
    }
}

/* mb_strtolower then utf8_uri_encode(…, SLUG_MAX) then strtolower, for UTF-8 text; other text is
 * only strtolower'd (its high bytes are dropped later, as WordPress drops them). */
static void lower_and_encode(const char *s, buf *out)
{
    size_t n = strlen(s);
    bool utf8 = utf8_valid(s, n);
    size_t length = 0; /* of the encoded text, as utf8_uri_encode counts */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 || !utf8) {
            /* an octet the title had ("%C3%A9") is kept whole: WordPress counts its three
             * bytes one by one and may cut it, leaving a broken escape at the end */
            size_t unit = c == '%' && i + 2 < n ? 3 : 1;
            if (utf8 && length + unit > SLUG_MAX)
                break;
            for (size_t k = 0; k < unit; k++, i++) {
                unsigned char b = (unsigned char)s[i];
                buf_putc(out, (char)(b >= 'A' && b <= 'Z' ? b + 32 : b));
            }
            length += unit;
            continue;
        }
        long cp = lower_code_point(next_code_point(s, n, &i));
        buf bytes = {0};
        utf8_put(&bytes, cp);
        /* utf8_uri_encode guesses the length from the first byte: 2 below 0xE0, 3 below 0xF0 */
        unsigned char lead = (unsigned char)bytes.ptr[0];
        size_t octets = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        if (length + octets * 3 > SLUG_MAX) {
            buf_free(&bytes);
            break;
        }
        for (size_t k = 0; k < bytes.len; k++) {
            unsigned char b = (unsigned char)bytes.ptr[k];
            char escape[3] = {'%', hex_digits[b >> 4], hex_digits[b & 15]};
            buf_append(out, escape, 3);
        }
        length += bytes.len * 3;
        buf_free(&bytes);
    }
}

/* What the "save" context removes or turns into a dash, as encoded octets. */
static const struct {
    const char *octets;
    const char *with;
} save_replacements[] = {
    {"%c2%a0", "-"},    {"%e2%80%93", "-"}, {"%e2%80%94", "-"}, {"%c2%ad", ""},
    {"%c2%a1", ""},     {"%c2%bf", ""},     {"%c2%ab", ""},     {"%c2%bb", ""},
    {"%e2%80%b9", ""},  {"%e2%80%ba", ""},  {"%e2%80%98", ""},  {"%e2%80%99", ""},
    {"%e2%80%9c", ""},  {"%e2%80%9d", ""},  {"%e2%80%9a", ""},  {"%e2%80%9b", ""},
    {"%e2%80%9e", ""},  {"%e2%80%9f", ""},  {"%e2%80%a2", ""},  {"%c2%a9", ""},
    {"%c2%ae", ""},     {"%c2%b0", ""},     {"%e2%80%a6", ""},  {"%e2%84%a2", ""},
    {"%c2%b4", ""},     {"%cb%8a", ""},     {"%cc%81", ""},     {"%cd%81", ""},
    {"%cc%80", ""},     {"%cc%84", ""},     {"%cc%8c", ""},     {"%e2%80%8b", ""},
    {"%e2%80%8c", ""},  {"%e2%80%8d", ""},  {"%e2%80%8e", ""},  {"%e2%80%8f", ""},
    {"%e2%80%aa", ""},  {"%e2%80%ab", ""},  {"%e2%80%ac", ""},  {"%e2%80%ad", ""},
    {"%e2%80%ae", ""},  {"%ef%bb%bf", ""},  {"%e2%80%80", "-"}, {"%e2%80%81", "-"},
    {"%e2%80%82", "-"}, {"%e2%80%83", "-"}, {"%e2%80%84", "-"}, {"%e2%80%85", "-"},
    {"%e2%80%86", "-"}, {"%e2%80%87", "-"}, {"%e2%80%88", "-"}, {"%e2%80%89", "-"},
    {"%e2%80%8a", "-"}, {"%e2%80%a8", "-"}, {"%e2%80%a9", "-"}, {"%e2%80%af", "-"},
    {"%c3%97", "x"},
};

static const char *const dash_entities[] = {"&nbsp;",  "&#160;",  "&ndash;",
                                            "&#8211;", "&mdash;", "&#8212;"};

/* The save context's replacements, each over the whole text in WordPress's order. */
static void save_context(const char *s, buf *out)
{
    buf from = {0}, to = {0};
    buf_puts(&from, s);
    for (size_t r = 0; r < sizeof(save_replacements) / sizeof(save_replacements[0]) + 8; r++) {
        const char *search, *with;
        /* WordPress's order: nbsp and dashes, the entities, '/', then the octets it strips */
        if (r < 3) {
            search = save_replacements[r].octets;
            with = save_replacements[r].with;
        } else if (r < 9) {
            search = dash_entities[r - 3];
            with = "-";
        } else if (r == 9) {
            search = "/";
            with = "-";
        } else if (r - 7 < sizeof(save_replacements) / sizeof(save_replacements[0])) {
            search = save_replacements[r - 7].octets;
            with = save_replacements[r - 7].with;
        } else
            break;
        size_t len = strlen(search);
        buf_reset(&to);
        const char *p = buf_cstr(&from);
        const char *hit;
        while ((hit = strstr(p, search))) {
            buf_append(&to, p, (size_t)(hit - p));
            buf_puts(&to, with);
            p = hit + len;
        }
        buf_puts(&to, p);
        buf swap = from;
        from = to;
        to = swap;
    }
    buf_append(out, from.ptr, from.len);
    buf_free(&from);
    buf_free(&to);
}

/* Finds HTML entities as WordPress's /&.+?;/ does: from '&' to the first ';' after at least one
 * character, with no newline between. The next ';' and newline found are kept, since they only
 * move forward: a text of many '&' and no ';' is read once, not once per '&'. */
struct entity_scan {
    const char *end;       /* the text's NUL: "none" */
    const char *semicolon; /* the first ';' at or after where it was last looked for, or end */
    const char *newline;   /* the same for '\n' */
};

static const char *next_of(const char *from, char c, const char *end)
{
    const char *p = strchr(from, c);
    return p ? p : end;
}

/* Where the entity that starts at `amp` ends (its ';'), or NULL when none starts there. */
static const char *entity_end(struct entity_scan *scan, const char *amp)
{
    if (!amp[1] || amp[1] == '\n')
        return NULL;
    if (scan->semicolon < amp + 2)
        scan->semicolon = next_of(amp + 2, ';', scan->end);
    if (scan->newline < amp + 1)
        scan->newline = next_of(amp + 1, '\n', scan->end);
    if (scan->semicolon == scan->end || scan->newline < scan->semicolon)
        return NULL;
    return scan->semicolon;
}

/* The last steps of sanitize_title_with_dashes: entities killed, '.' to '-', only
 * [%a-z0-9 _-] kept, runs of spaces and of dashes made one '-', dashes trimmed. */
static char *finish(arena *a, const char *s)
{
    buf kept = {0};
    struct entity_scan scan = {.end = s + strlen(s), .semicolon = s, .newline = s};
    for (const char *p = s; *p; p++) {
        const char *entity = *p == '&' ? entity_end(&scan, p) : NULL;
        if (entity) {
            p = entity;
            continue;
        }
        char c = *p == '.' ? '-' : *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '%' || c == ' ' || c == '_' ||
            c == '-')
            buf_putc(&kept, c == ' ' ? '-' : c);
    }
    buf out = {0};
    for (size_t i = 0; i < kept.len; i++)
        if (!(kept.ptr[i] == '-' && out.len && out.ptr[out.len - 1] == '-'))
            buf_putc(&out, kept.ptr[i]);
    buf_free(&kept);
    size_t start = 0, end = out.len;
    while (start < end && out.ptr[start] == '-')
        start++;
    while (end > start && out.ptr[end - 1] == '-')
        end--;
    char *slug = arena_strndup(a, out.ptr ? out.ptr + start : "", end - start);
    buf_free(&out);
    return slug;
}

char *slug_from_title(arena *a, const char *title)
{
    buf accents = {0}, stripped = {0}, octets = {0}, encoded = {0}, saved = {0};
    remove_accents(title, strlen(title), &accents);
    strip_tags(buf_cstr(&accents), &stripped);
    drop_lone_percents(buf_cstr(&stripped), &octets);
    lower_and_encode(buf_cstr(&octets), &encoded);
    save_context(buf_cstr(&encoded), &saved);
    char *slug = finish(a, buf_cstr(&saved));
    buf_free(&accents);
    buf_free(&stripped);
    buf_free(&octets);
    buf_free(&encoded);
    buf_free(&saved);
    return slug;
}

char *slug_readable(arena *a, const char *slug)
{
    size_t n = strlen(slug), k = 0;
    char *decoded = arena_take(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (slug[i] == '%' && i + 2 < n && (hi = hex_digit_value((unsigned char)slug[i + 1])) >= 0 &&
            (lo = hex_digit_value((unsigned char)slug[i + 2])) >= 0) {
            decoded[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            decoded[k++] = slug[i];
    }
    decoded[k] = '\0';
    if (!utf8_valid(decoded, k))
        return arena_strdup(a, slug);
    for (size_t i = 0; i < k; i++)
        if ((unsigned char)decoded[i] < 0x20 || decoded[i] == 0x7f)
            return arena_strdup(a, slug);
    return strcmp(slug_from_title(a, decoded), slug) == 0 ? decoded : arena_strdup(a, slug);
}

char *slug_nicename(arena *a, const char *login)
{
    /* sanitize_user(login, true): tags, accents, octets and entities removed, then only
     * [A-Za-z0-9 _.-@] kept, trimmed, whitespace made one space */
    buf stripped = {0}, accents = {0}, kept = {0};
    strip_tags(login, &stripped);
    remove_accents(buf_cstr(&stripped), stripped.len, &accents);
    const char *s = buf_cstr(&accents);
    size_t n = strlen(s);
    struct entity_scan scan = {.end = s + n, .semicolon = s, .newline = s};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex_digit_value((unsigned char)s[i + 1]) >= 0 &&
            hex_digit_value((unsigned char)s[i + 2]) >= 0) {
            i += 2;
            continue;
        }
        const char *entity = s[i] == '&' ? entity_end(&scan, s + i) : NULL;
        if (entity) {
            i = (size_t)(entity - s);
            continue;
        }
        char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr(" _.-@", c))
            buf_putc(&kept, c);
    }
    /* trimmed, whitespace one space, at most NICENAME_MAX characters (all ASCII now) */
    const char *k = buf_cstr(&kept);
    while (*k == ' ')
        k++;
    size_t len = strlen(k);
    while (len && k[len - 1] == ' ')
        len--;
    buf user = {0};
    for (size_t i = 0; i < len; i++)
        if (!(k[i] == ' ' && user.len && user.ptr[user.len - 1] == ' '))
            buf_putc(&user, k[i]);
    char *nicename = slug_from_title(
        a, arena_strndup(a, buf_cstr(&user), user.len > NICENAME_MAX ? NICENAME_MAX : user.len));
    buf_free(&stripped);
    buf_free(&accents);
    buf_free(&kept);
    buf_free(&user);
    return nicename;
}
