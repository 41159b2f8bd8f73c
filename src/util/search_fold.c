/* search_fold.c: Arabic and Hebrew normalised, scripts without spaces cut into letters, for
 * the search index and the search query alike. */
#include "util/search_fold.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

struct range {
    uint32_t first, last;
};

static bool in_ranges(uint32_t c, const struct range *ranges, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (c >= ranges[i].first && c <= ranges[i].last)
            return true;
    return false;
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Marks search ignores: Arabic harakat, tanwin, shadda, sukun, dagger alef, small high
 * letters of Quranic text, the tatweel; Hebrew niqqud and cantillation. U+06DD/06DE (end of
 * ayah, rub el hizb) and U+06E5/06E6 (small waw and yeh, letters) are not among them. */
static const struct range removed[] = {
    {0x0591, 0x05AF}, /* Hebrew cantillation */
    {0x05B0, 0x05BD}, /* Hebrew points: sheva to meteg */
    {0x05BF, 0x05BF}, /* rafe */
    {0x05C1, 0x05C2}, /* shin and sin dots */
    {0x05C4, 0x05C5}, /* upper and lower dots */
    {0x05C7, 0x05C7}, /* qamats qatan */
    {0x0610, 0x061A}, /* Arabic honorifics and small marks */
    {0x0640, 0x0640}, /* tatweel */
    {0x064B, 0x065F}, /* tanwin, harakat, shadda, sukun, maddah, hamza marks */
    {0x0670, 0x0670}, /* superscript (dagger) alef */
    {0x06D6, 0x06DC}, /* Quranic small high marks */
    {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED},
};

/* Letters search takes as another: the first of a pair becomes the second. */
static const struct {
    uint32_t from, to;
} replaced[] = {
    {0x0622, 0x0627}, /* alef with madda above -> alef */
    {0x0623, 0x0627}, /* alef with hamza above -> alef */
    {0x0625, 0x0627}, /* alef with hamza below -> alef */
    {0x0671, 0x0627}, /* alef wasla -> alef */
    {0x0629, 0x0647}, /* teh marbuta -> heh */
    {0x0649, 0x064A}, /* alef maksura -> yeh */
    {0x06A9, 0x0643}, /* Persian keheh -> kaf */
    {0x06CC, 0x064A}, /* Persian (Farsi) yeh -> yeh */
};

/* Scripts written without spaces between words: each letter becomes a word. Hangul is
 * written with spaces, but a word carries its particles ("서울에서"), so it is cut too. */
static const struct range unspaced[] = {
    {0x0E00, 0x0E7F},   /* Thai */
    {0x0E80, 0x0EFF},   /* Lao */
    {0x0F00, 0x0FFF},   /* Tibetan */
    {0x1000, 0x109F},   /* Myanmar */
    {0x1100, 0x11FF},   /* Hangul jamo */
    {0x1780, 0x17FF},   /* Khmer */
    {0x19E0, 0x19FF},   /* Khmer symbols */
    {0x2E80, 0x2FDF},   /* CJK and Kangxi radicals */
    {0x3005, 0x3007},   /* 々 〆 〇 */
    {0x3040, 0x30FF},   /* hiragana, katakana */
    {0x3100, 0x312F},   /* bopomofo */
    {0x3130, 0x318F},   /* Hangul compatibility jamo */
    {0x31A0, 0x31FF},   /* bopomofo extended, CJK strokes, katakana extensions */
    {0x3400, 0x4DBF},   /* CJK extension A */
    {0x4E00, 0x9FFF},   /* CJK unified ideographs */
    {0xA000, 0xA4CF},   /* Yi */
    {0xA960, 0xA97F},   /* Hangul jamo extended A */
    {0xAA60, 0xAA7F},   /* Myanmar extended A */
    {0xAC00, 0xD7FF},   /* Hangul syllables, jamo extended B */
    {0xF900, 0xFAFF},   /* CJK compatibility ideographs */
    {0xFF66, 0xFFDC},   /* halfwidth katakana and Hangul */
    {0x1B000, 0x1B16F}, /* kana supplement and extensions */
    {0x20000, 0x323AF}, /* CJK extensions B to H, compatibility supplement */
};

/* Combining marks (and signs that join a letter) of those scripts: they stay with the letter
 * before them. Thai vowels above and below and tone marks, and the like. */
static const struct range joining[] = {
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},   {0x0E47, 0x0E4E}, /* Thai */
    {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC},   {0x0EC8, 0x0ECE}, /* Lao */
    {0x0F18, 0x0F19}, {0x0F35, 0x0F35},   {0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F3E, 0x0F3F},
    {0x0F71, 0x0F84}, {0x0F86, 0x0F87},   {0x0F8D, 0x0FBC}, {0x0FC6, 0x0FC6}, /* Tibetan */
    {0x102B, 0x103E}, {0x1056, 0x1059},   {0x105E, 0x1060}, {0x1062, 0x1064}, {0x1067, 0x106D},
    {0x1071, 0x1074}, {0x1082, 0x108D},   {0x108F, 0x108F}, {0x109A, 0x109D}, /* Myanmar */
    {0x1160, 0x11FF},                     /* Hangul medial and final jamo */
    {0x17B4, 0x17D3}, {0x17DD, 0x17DD},   /* Khmer */
    {0x3099, 0x309A},                     /* kana voicing marks */
    {0xFE00, 0xFE0F}, {0xE0100, 0xE01EF}, /* variation selectors */
    {0x0300, 0x036F},                     /* combining diacritical marks */
};

/* Decodes the character at text[*i] and moves past it; a malformed byte is returned as
 * itself with `*valid` false (it is copied, never folded). */
static uint32_t next_char(const char *text, size_t len, size_t *i, bool *valid)
{
    const unsigned char *s = (const unsigned char *)text + *i;
    size_t n = s[0] < 0x80 ? 1 : utf8_sequence_length(text + *i, len - *i);
    *valid = n != 0;
    if (n <= 1) {
        (*i)++;
        return s[0];
    }
    uint32_t c = s[0] & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; k++)
        c = c << 6 | (s[k] & 0x3F);
    *i += n;
    return c;
}

static void put_char(buf *out, uint32_t c)
{
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xC0 | c >> 6);
        b[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xE0 | c >> 12);
        b[1] = (char)(0x80 | (c >> 6 & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | c >> 18);
        b[1] = (char)(0x80 | (c >> 12 & 0x3F));
        b[2] = (char)(0x80 | (c >> 6 & 0x3F));
        b[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_append(out, b, n);
}

/* The character as search sees it: 0 when it is dropped. */
static uint32_t folded(uint32_t c)
{
    if (c < 0x0591 || c > 0x06ED)
        return c;
    if (in_ranges(c, removed, COUNT(removed)))
        return 0;
    for (size_t i = 0; i < COUNT(replaced); i++)
        if (replaced[i].from == c)
            return replaced[i].to;
    return c;
}

void search_fold_normalise(buf *out, const char *text, size_t len)
{
    buf_reserve(out, len);
    for (size_t i = 0; i < len;) {
        size_t start = i;
        bool valid;
        uint32_t c = next_char(text, len, &i, &valid);
        if (!valid || c < 0x80) {
            buf_append(out, text + start, i - start);
            continue;
        }
        uint32_t f = folded(c);
        if (f == c)
            buf_append(out, text + start, i - start);
        else if (f)
            put_char(out, f);
    }
    buf_append(out, "", 0); /* NUL-terminated even when nothing was written */
}

static void note_origin(buf *origins, size_t offset, size_t bytes)
{
    if (origins)
        for (size_t k = 0; k < bytes; k++)
            buf_append(origins, &offset, sizeof(offset));
}

static void put_separator(buf *out, buf *origins, size_t offset)
{
    buf_puts(out, SEARCH_FOLD_SEPARATOR);
    note_origin(origins, offset, sizeof(SEARCH_FOLD_SEPARATOR) - 1);
}

/* A character after which (or before which) no separator is needed: the text already
 * separates words there. */
static bool separates(uint32_t c)
{
    return c == 0x200B || (c < 0x80 && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
                           !(c >= 'A' && c <= 'Z'));
}

/* search_fold_text, and when `origins` is not NULL, for each byte written the offset in `text`
 * of the character it comes from (size_t values appended to `origins`); a separator's is the
 * character it precedes. */
static void fold_text(buf *out, const char *text, size_t len, buf *origins)
{
    buf_reserve(out, len + len / 2);
    /* what was last written: nothing, a letter of an unspaced script (with its marks), or
     * anything else that is not a separator */
    enum { NOTHING, UNSPACED, OTHER } last = NOTHING;
    for (size_t i = 0; i < len;) {
        size_t start = i;
        bool valid;
        uint32_t c = next_char(text, len, &i, &valid);
        uint32_t f = valid ? folded(c) : c;
        if (!f)
            continue;
        if (valid && in_ranges(f, unspaced, COUNT(unspaced)) &&
            !(last == UNSPACED && in_ranges(f, joining, COUNT(joining)))) {
            if (last != NOTHING)
                put_separator(out, origins, start);
            last = UNSPACED;
        } else if (valid && last == UNSPACED && in_ranges(f, joining, COUNT(joining))) {
            /* a mark of the letter before it */
        } else if (!valid || separates(f)) {
            last = NOTHING;
        } else {
            if (last == UNSPACED)
                put_separator(out, origins, start);
            last = OTHER;
        }
        size_t before = out->len;
        if (f == c)
            buf_append(out, text + start, i - start);
        else
            put_char(out, f);
        note_origin(origins, start, out->len - before);
    }
    buf_append(out, "", 0);
}

void search_fold_text(buf *out, const char *text, size_t len)
{
    fold_text(out, text, len, NULL);
}

/* Characters beyond ASCII that no engine indexes: punctuation, symbols, emoji, spaces and
 * format controls of the common blocks. */
static const struct range unindexed[] = {
    {0x0080, 0x00A9}, {0x00AB, 0x00B4},   {0x00B6, 0x00B9}, {0x00BB, 0x00BF}, {0x00D7, 0x00D7},
    {0x00F7, 0x00F7}, {0x05BE, 0x05BE},   {0x05C0, 0x05C0}, {0x05C3, 0x05C3}, {0x05C6, 0x05C6},
    {0x05F3, 0x05F4}, {0x060C, 0x060C},   {0x061B, 0x061B}, {0x061F, 0x061F}, {0x066A, 0x066D},
    {0x06D4, 0x06D4}, {0x0964, 0x0965},   {0x0E3F, 0x0E3F}, {0x0E4F, 0x0E4F}, {0x0E5A, 0x0E5B},
    {0x2000, 0x206F}, {0x20A0, 0x20CF},   {0x2100, 0x214F}, {0x2190, 0x2BFF}, {0x3000, 0x3004},
    {0x3008, 0x3020}, {0x3030, 0x3030},   {0x303D, 0x303D}, {0x30FB, 0x30FB}, {0xFE10, 0xFE1F},
    {0xFE30, 0xFE6F}, {0xFEFF, 0xFEFF},   {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65}, {0x1F000, 0x1FAFF},
};

bool search_fold_has_letter(const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        bool valid;
        uint32_t c = next_char(text, len, &i, &valid);
        if (!valid)
            continue;
        if (c < 0x80 ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                     : !in_ranges(c, unindexed, COUNT(unindexed)))
            return true;
    }
    return false;
}

void search_fold_strip_separators(char *text)
{
    static const char separator[] = SEARCH_FOLD_SEPARATOR;
    const size_t n = sizeof(separator) - 1;
    char *to = text;
    for (const char *from = text; *from;) {
        if (strncmp(from, separator, n) == 0) {
            if (to > text && to[-1] == '\x02' && from[n] == '\x01') {
                to--;          /* the highlight goes on: no end here */
                from += n + 1; /* and no new start */
            } else {
                from += n;
            }
            continue;
        }
        *to++ = *from++;
    }
    *to = '\0';
}

/* The offset in the original of folded position `k` (`count` positions are known; past them,
 * the original's end). */
static size_t origin_of(const buf *origins, size_t k, size_t original_len)
{
    size_t count = origins->len / sizeof(size_t);
    if (k >= count)
        return original_len;
    size_t offset;
    memcpy(&offset, origins->ptr + k * sizeof(size_t), sizeof(offset));
    return offset;
}

static const char ellipsis[] = "\u2026";

bool search_fold_unfold_snippet(buf *out, const char *original, size_t original_len,
                                const char *snippet)
{
    /* the snippet without its highlights, and an ellipsis the engine put at either end */
    buf plain = {0};
    for (const char *p = snippet; *p; p++)
        if (*p != '\x01' && *p != '\x02')
            buf_putc(&plain, *p);
    const char *body = buf_cstr(&plain);
    size_t body_len = plain.len, skip_front = 0;
    const size_t e = sizeof(ellipsis) - 1;
    bool lead = body_len >= e && memcmp(body, ellipsis, e) == 0;
    bool trail = body_len >= 2 * e && memcmp(body + body_len - e, ellipsis, e) == 0;
    if (lead)
        skip_front = e;
    size_t core_len = body_len - skip_front - (trail ? e : 0);

    buf folded = {0}, origins = {0};
    fold_text(&folded, original, original_len, &origins);
    bool found = false;
    size_t at = 0;
    if (core_len <= folded.len) {
        const char *hit = core_len ? NULL : folded.ptr;
        for (const char *f = buf_cstr(&folded); !hit && f + core_len <= folded.ptr + folded.len;
             f++)
            if (memcmp(f, body + skip_front, core_len) == 0)
                hit = f;
        if (hit) {
            found = true;
            at = (size_t)(hit - buf_cstr(&folded));
        }
    }
    if (found) {
        /* walk the snippet: text is copied from the original between mapped positions, each
         * highlight marker goes where its folded position came from */
        size_t k = 0; /* position in the snippet's text (without markers) */
        size_t copied = origin_of(&origins, at, original_len);
        if (lead)
            buf_append(out, ellipsis, e);
        for (const char *p = snippet; *p; p++) {
            if (*p != '\x01' && *p != '\x02') {
                k++;
                continue;
            }
            size_t in_core = k > skip_front ? k - skip_front : 0;
            if (in_core > core_len)
                in_core = core_len;
            size_t to = origin_of(&origins, at + in_core, original_len);
            if (to > copied) {
                buf_append(out, original + copied, to - copied);
                copied = to;
            }
            /* an end and the next start with nothing between them: one highlight */
            if (*p == '\x01' && out->len && out->ptr[out->len - 1] == '\x02')
                out->len--;
            else
                buf_putc(out, *p);
        }
        size_t end = origin_of(&origins, at + core_len, original_len);
        if (end > copied)
            buf_append(out, original + copied, end - copied);
        if (trail)
            buf_append(out, ellipsis, e);
        buf_append(out, "", 0);
    }
    buf_free(&plain);
    buf_free(&folded);
    buf_free(&origins);
    return found;
}
