/* wp_path.c: WordPress's other URL forms, parsed (see wp_path.h). */
#include "web/wp_path.h"

#include <stdbool.h>
#include <string.h>

static bool leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Whether parts[0..n-1] name a calendar date (or month, or year). */
static bool date_valid(const int parts[3], int n)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (parts[0] < 1)
        return false;
    if (n > 1 && (parts[1] < 1 || parts[1] > 12))
        return false;
    if (n > 2) {
        int last = days[parts[1] - 1] + (parts[1] == 2 && leap(parts[0]));
        if (parts[2] < 1 || parts[2] > last)
            return false;
    }
    return true;
}

/* `len` digits at `s` as a number, -1 when one is not a digit. */
static int digits(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

int wp_m_parse(const char *m, int parts[3])
{
    parts[0] = parts[1] = parts[2] = 0;
    size_t len = strlen(m);
    if (len != 4 && len != 6 && len != 8)
        return 0;
    int n = (int)(len - 4) / 2 + 1;
    for (int i = 0; i < n; i++) {
        parts[i] = digits(m + (i == 0 ? 0 : 2 + 2 * i), i == 0 ? 4 : 2);
        if (parts[i] < 0)
            return parts[0] = parts[1] = parts[2] = 0;
    }
    if (!date_valid(parts, n))
        return parts[0] = parts[1] = parts[2] = 0;
    return n;
}

int wp_date_path(const char *path, int parts[3])
{
    parts[0] = parts[1] = parts[2] = 0;
    int n = 0;
    const char *p = path;
    if (*p != '/')
        return 0;
    while (p[1] && n < 3) {
        size_t want = n == 0 ? 4 : 2;
        const char *end = strchr(p + 1, '/');
        if (!end || (size_t)(end - p - 1) != want || (parts[n] = digits(p + 1, want)) < 0)
            return parts[0] = parts[1] = parts[2] = 0;
        n++;
        p = end;
    }
    if (!n || p[1] || !date_valid(parts, n))
        return parts[0] = parts[1] = parts[2] = 0;
    return n;
}

static const struct {
    const char *ending;
    enum wp_suffix kind;
} endings[] = {
    {"/feed/atom/", WP_SUFFIX_ATOM}, {"/feed/rss2/", WP_SUFFIX_FEED},
    {"/feed/rss/", WP_SUFFIX_FEED},  {"/feed/rdf/", WP_SUFFIX_FEED},
    {"/feed/feed/", WP_SUFFIX_FEED}, {"/feed/", WP_SUFFIX_FEED},
    {"/rss2/", WP_SUFFIX_FEED},      {"/rss/", WP_SUFFIX_FEED},
    {"/rdf/", WP_SUFFIX_FEED},       {"/atom/", WP_SUFFIX_ATOM},
    {"/amp/", WP_SUFFIX_AMP},        {"/embed/", WP_SUFFIX_EMBED},
};

enum wp_suffix wp_path_suffix(const char *path, size_t *base_len, int *page)
{
    size_t len = strlen(path);
    *base_len = len;
    *page = 0;
    for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
        size_t n = strlen(endings[i].ending);
        if (len >= n && memcmp(path + len - n, endings[i].ending, n) == 0) {
            *base_len = len - n + 1;
            return endings[i].kind;
        }
    }
    /* "BASE/N/": a page number of at most four digits, no leading zero */
    if (len < 4 || path[len - 1] != '/')
        return WP_SUFFIX_NONE;
    size_t start = len - 1;
    while (start > 0 && path[start - 1] >= '0' && path[start - 1] <= '9')
        start--;
    size_t count = len - 1 - start;
    if (count == 0 || count > 4 || path[start] == '0' || start < 3 || path[start - 1] != '/')
        return WP_SUFFIX_NONE;
    *page = digits(path + start, count);
    *base_len = start;
    return WP_SUFFIX_PAGE;
}

const char *wp_feed_ending(enum wp_suffix kind)
{
    return kind == WP_SUFFIX_FEED ? "feed/" : kind == WP_SUFFIX_ATOM ? "feed/atom/" : NULL;
}
