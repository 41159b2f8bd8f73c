/* spam.c: link counting, hold and block word lists, the form's signed time stamp. */
#include "model/spam.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/secret.h"
#include "model/settings.h"

#define STAMP_MAC_PREFIX "comment-form:" /* what is signed: this and the decimal time */
#define STAMP_MAX_DIGITS 19              /* a long long */

/* A lower-cased (ASCII letters only) copy of `len` bytes of `s`, in `a`. */
static char *folded(arena *a, const char *s, size_t len)
{
    char *out = arena_strndup(a, s ? s : "", s ? len : 0);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

/* Whether `needle` (len > 0) occurs in `hay`; both already folded. */
static bool contains(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
    const char *p = hay, *end = hay + hay_len;
    while ((size_t)(end - p) >= needle_len) {
        p = memchr(p, needle[0], (size_t)(end - p) - needle_len + 1);
        if (!p)
            return false;
        if (memcmp(p, needle, needle_len) == 0)
            return true;
        p++;
    }
    return false;
}

/* Whether the `len` bytes at `s` start with the lower-case ASCII `prefix`, ignoring case. */
static bool starts_with_folded(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != prefix[i])
            return false;
    return true;
}

static bool is_tag_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/';
}

/* Anchors that lead somewhere in sanitized HTML: "<a" + space or '>', with an href not
 * starting with '#'. */
static size_t count_html_links(const char *html)
{
    size_t count = 0;
    for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
        if ((p[1] != 'a' && p[1] != 'A') || !(is_tag_space(p[2]) || p[2] == '>'))
            continue;
        const char *end = strchr(p, '>');
        if (!end)
            break;
        for (const char *q = p + 2; q + 5 < end; q++) {
            if (is_tag_space(q[-1]) && starts_with_folded(q, (size_t)(end - q), "href=")) {
                const char *value = q + 5;
                if (*value == '"' || *value == '\'')
                    value++;
                if (value < end && *value != '#' && *value != '"' && *value != '\'')
                    count++; /* not a footnote, not emptied (an unsafe scheme) */
                break;
            }
        }
        p = end;
    }
    return count;
}

/* Raw HTML anchors typed into the text: "<a" + space, with "href" before the next '>'. */
static size_t count_raw_anchors(const char *text, size_t len)
{
    size_t count = 0;
    const char *end = text + len;
    for (const char *p = text; p + 3 < end; p++) {
        if (p[0] != '<' || (p[1] != 'a' && p[1] != 'A') || !is_tag_space(p[2]))
            continue;
        const char *close = memchr(p, '>', (size_t)(end - p));
        const char *stop = close ? close : end;
        for (const char *q = p + 3; q + 4 <= stop; q++)
            if (starts_with_folded(q, (size_t)(stop - q), "href")) {
                count++;
                break;
            }
        if (!close)
            break;
        p = close;
    }
    return count;
}

size_t spam_count_links(const char *text, size_t text_len, const char *html)
{
    return (html ? count_html_links(html) : 0) + (text ? count_raw_anchors(text, text_len) : 0);
}

size_t spam_word_list(arena *a, const char *list, const char ***words)
{
    size_t capacity = 1;
    for (const char *p = list ? list : ""; *p; p++)
        capacity += *p == '\n' || *p == ',';
    const char **out = arena_alloc(a, capacity * sizeof(*out));
    size_t count = 0;
    const char *p = list ? list : "";
    for (;;) {
        size_t n = strcspn(p, "\n,");
        const char *start = p, *stop = p + n;
        while (start < stop && isspace((unsigned char)*start))
            start++;
        while (stop > start && isspace((unsigned char)stop[-1]))
            stop--;
        if (stop > start)
            out[count++] = arena_strndup(a, start, (size_t)(stop - start));
        if (!p[n])
            break;
        p += n + 1;
    }
    *words = out;
    return count;
}

bool spam_match_words(arena *a, const char *list, const struct spam_comment *c, const char **word,
                      const char **field)
{
    const char **words;
    size_t count = spam_word_list(a, list, &words);
    if (!count)
        return false;
    const char *text = c->text ? c->text : "";
    const struct {
        const char *name; /* for the reason */
        const char *value;
        size_t len;
    } fields[] = {
        {"comment", text, c->text ? c->text_len : 0},
        {"name", c->author, c->author ? strlen(c->author) : 0},
        {"email", c->email, c->email ? strlen(c->email) : 0},
        {"website", c->url, c->url ? strlen(c->url) : 0},
        {"IP address", c->ip, c->ip ? strlen(c->ip) : 0},
    };
    enum { FIELDS = sizeof(fields) / sizeof(fields[0]) };
    /* Folded copies, made once: a text of 64 KiB against a list of hundreds of entries. The
     * copy stops at a NUL byte, which validation refuses anyway. */
    const char *hay[FIELDS];
    size_t hay_len[FIELDS];
    for (size_t f = 0; f < FIELDS; f++) {
        hay[f] = folded(a, fields[f].value, fields[f].len);
        hay_len[f] = strlen(hay[f]);
    }
    for (size_t w = 0; w < count; w++) {
        const char *needle = folded(a, words[w], strlen(words[w]));
        size_t needle_len = strlen(needle);
        for (size_t f = 0; f < FIELDS; f++)
            if (contains(hay[f], hay_len[f], needle, needle_len)) {
                *word = words[w];
                *field = fields[f].name;
                return true;
            }
    }
    return false;
}

enum spam_verdict spam_check(arena *a, const struct spam_rules *rules, const struct spam_comment *c,
                             const char **reason)
{
    const char *word, *field;
    if (spam_match_words(a, rules->block_words, c, &word, &field)) {
        *reason = arena_printf(a, "block word \"%s\" in the %s", word, field);
        return SPAM_REJECT;
    }
    if (spam_match_words(a, rules->hold_words, c, &word, &field)) {
        *reason = arena_printf(a, "hold word \"%s\" in the %s", word, field);
        return SPAM_HOLD;
    }
    if (rules->max_links > 0) {
        size_t links = spam_count_links(c->text, c->text ? c->text_len : 0, c->html);
        if (links > (size_t)rules->max_links) {
            *reason = arena_printf(a, "%zu links (more than comments.max_links = %lld)", links,
                                   rules->max_links);
            return SPAM_HOLD;
        }
    }
    *reason = "";
    return SPAM_PASS;
}

static const char *stamp_message(arena *a, long long time)
{
    return arena_printf(a, STAMP_MAC_PREFIX "%lld", time);
}

const char *spam_stamp_make(store *s, arena *a, long long now)
{
    const char *mac = secret_mac(s, a, stamp_message(a, now));
    return *mac ? arena_printf(a, "%lld.%s", now, mac) : "";
}

enum spam_stamp_result spam_stamp_check(store *s, arena *a, const char *stamp, long long now,
                                        long long min_seconds, long long *age)
{
    if (age)
        *age = 0;
    if (!stamp)
        return SPAM_STAMP_FORGED;
    size_t digits = strspn(stamp, "0123456789");
    if (digits == 0 || digits > STAMP_MAX_DIGITS || stamp[digits] != '.')
        return SPAM_STAMP_FORGED;
    long long time = strtoll(stamp, NULL, 10);
    if (!secret_mac_ok(s, a, stamp_message(a, time), stamp + digits + 1))
        return SPAM_STAMP_FORGED;
    if (age)
        *age = now - time;
    return now - time < min_seconds ? SPAM_STAMP_TOO_FAST : SPAM_STAMP_OK;
}

void spam_form_fields(store *s, arena *a, long long now, bool *honeypot, const char **stamp)
{
    *honeypot = settings_get_bool(s, a, SETTING_COMMENTS_HONEYPOT);
    *stamp = settings_get_int(s, a, SETTING_COMMENTS_MIN_SECONDS) > 0 ? spam_stamp_make(s, a, now)
                                                                      : NULL;
}

void spam_form_check(store *s, arena *a, const char *what, const char *honeypot, const char *stamp,
                     long long now, struct spam_form_check *out)
{
    *out = (struct spam_form_check){.verdict = SPAM_FORM_GENUINE, .reason = "", .message = ""};
    out->honeypot = settings_get_bool(s, a, SETTING_COMMENTS_HONEYPOT);
    long long min_seconds = settings_get_int(s, a, SETTING_COMMENTS_MIN_SECONDS);
    long long age = 0;
    enum spam_stamp_result result = SPAM_STAMP_OK;
    if (min_seconds > 0) {
        result = spam_stamp_check(s, a, stamp, now, min_seconds, &age);
        out->stamp = result == SPAM_STAMP_FORGED ? spam_stamp_make(s, a, now) : stamp;
        if (!*out->stamp) {
            /* no key to sign with: the database is away, which says nothing of the sender */
            out->verdict = SPAM_FORM_FAILED;
            out->reason = "the site's key could not be read";
            out->stamp = stamp;
            return;
        }
    }
    if (out->honeypot && honeypot && *honeypot) {
        out->verdict = SPAM_FORM_HONEYPOT;
        out->reason = "the field hidden from people was filled in";
        out->message = arena_printf(a,
                                    "Your %s was not accepted: a field that people leave empty "
                                    "(it is hidden; some browsers fill it in by themselves) had "
                                    "something in it. Your %s is below; please send it again.",
                                    what, what);
    } else if (result == SPAM_STAMP_FORGED) {
        out->verdict = SPAM_FORM_FORGED;
        out->reason =
            stamp && *stamp ? "the form's time stamp is not genuine" : "the form had no time stamp";
        out->message = arena_printf(a,
                                    "Your %s was not accepted: the form was not loaded from this "
                                    "site (or from an old copy of the page). Your %s is below; "
                                    "wait a few seconds and send it again.",
                                    what, what);
    } else if (result == SPAM_STAMP_TOO_FAST) {
        long long wait = min_seconds - age;
        out->verdict = SPAM_FORM_TOO_FAST;
        out->reason =
            arena_printf(a, "sent %lld s after the form was made (comments.min_seconds = %lld)",
                         age, min_seconds);
        out->message = arena_printf(a,
                                    "Your %s was sent too quickly after the page was loaded, as "
                                    "programs do. Your %s is below: wait %lld second%s and send "
                                    "it again.",
                                    what, what, wait, wait == 1 ? "" : "s");
    }
}
