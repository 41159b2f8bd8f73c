/* embed.c: WordPress's oEmbed provider list as host rules, and click-to-load embed cards. */
#include "markup/embed.h"
#include "markup/escape.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* One row of WordPress's provider list (class-wp-oembed.php), read as a host and a path:
 * `host` matches exactly, or with any subdomain when `subdomains`; `path` is a prefix of
 * the path ("" for any). Hosts are lower case. */
struct embed_provider {
    const char *slug; /* provider name as WordPress's block classes spell it */
    const char *host;
    bool subdomains;
    const char *path;
};

static const struct embed_provider embed_providers[] = {
    {"youtube", "youtube.com", false, "/watch"},
    {"youtube", "www.youtube.com", false, "/watch"},
    {"youtube", "m.youtube.com", false, "/watch"},
    {"youtube", "youtube.com", false, "/playlist"},
    {"youtube", "www.youtube.com", false, "/playlist"},
    {"youtube", "m.youtube.com", false, "/playlist"},
    {"youtube", "www.youtube.com", false, "/shorts/"},
    {"youtube", "youtube.com", false, "/shorts/"},
    {"youtube", "youtu.be", false, "/"},
    {"vimeo", "vimeo.com", true, "/"},
    {"dailymotion", "dailymotion.com", false, "/"},
    {"dailymotion", "www.dailymotion.com", false, "/"},
    {"dailymotion", "dai.ly", false, "/"},
    {"flickr", "flickr.com", false, "/"},
    {"flickr", "www.flickr.com", false, "/"},
    {"flickr", "flic.kr", false, "/"},
    {"smugmug", "smugmug.com", true, "/"},
    {"scribd", "scribd.com", false, "/doc"},
    {"scribd", "www.scribd.com", false, "/doc"},
    {"wordpress-tv", "wordpress.tv", false, "/"},
    {"crowdsignal", "polldaddy.com", true, "/"},
    {"crowdsignal", "poll.fm", false, "/"},
    {"crowdsignal", "survey.fm", true, "/"},
    {"twitter", "twitter.com", false, "/"},
    {"twitter", "www.twitter.com", false, "/"},
    {"twitter", "x.com", false, "/"},
    {"soundcloud", "soundcloud.com", false, "/"},
    {"soundcloud", "www.soundcloud.com", false, "/"},
    {"slideshare", "slideshare.net", true, "/"},
    {"instagram", "instagram.com", false, "/"},
    {"instagram", "www.instagram.com", false, "/"},
    {"instagram", "instagr.am", false, "/"},
    {"spotify", "open.spotify.com", false, "/"},
    {"spotify", "play.spotify.com", false, "/"},
    {"imgur", "imgur.com", true, "/"},
    {"meetup", "meetup.com", false, "/"},
    {"meetup", "www.meetup.com", false, "/"},
    {"meetup", "meetu.ps", false, "/"},
    {"issuu", "issuu.com", false, "/"},
    {"mixcloud", "mixcloud.com", false, "/"},
    {"mixcloud", "www.mixcloud.com", false, "/"},
    {"ted", "ted.com", false, "/talks/"},
    {"ted", "www.ted.com", false, "/talks/"},
    {"ted", "embed.ted.com", false, "/talks/"},
    {"animoto", "animoto.com", false, "/play/"},
    {"animoto", "video214.com", false, "/play/"},
    {"tumblr", "tumblr.com", true, "/"},
    {"kickstarter", "kickstarter.com", false, "/projects/"},
    {"kickstarter", "www.kickstarter.com", false, "/projects/"},
    {"kickstarter", "kck.st", false, "/"},
    {"cloudup", "cloudup.com", false, "/"},
    {"reverbnation", "reverbnation.com", false, "/"},
    {"reverbnation", "www.reverbnation.com", false, "/"},
    {"videopress", "videopress.com", false, "/v/"},
    {"reddit", "reddit.com", false, "/r/"},
    {"reddit", "www.reddit.com", false, "/r/"},
    {"speaker-deck", "speakerdeck.com", false, "/"},
    {"speaker-deck", "www.speakerdeck.com", false, "/"},
    {"screencast", "screencast.com", false, "/"},
    {"screencast", "www.screencast.com", false, "/"},
    {"amazon-kindle", "amazon.com", true, "/"},
    {"amazon-kindle", "amazon.co.uk", true, "/"},
    {"amazon-kindle", "amazon.de", true, "/"},
    {"amazon-kindle", "amazon.co.jp", true, "/"},
    {"amazon-kindle", "a.co", false, "/"},
    {"amazon-kindle", "amzn.to", false, "/"},
    {"someecards", "www.someecards.com", false, "/"},
    {"someecards", "some.ly", false, "/"},
    {"tiktok", "tiktok.com", true, "/"},
    {"pinterest", "pinterest.com", true, "/"},
    {"wolfram-cloud", "wolframcloud.com", true, "/obj/"},
    {"pocket-casts", "pca.st", true, "/"},
    {"anghami", "anghami.com", true, "/"},
    {"bluesky", "bsky.app", false, "/profile/"},
};

/* The URL's host (lower-cased into `host`, at most size-1 bytes) and where its path starts;
 * false when it is not an http(s) URL or has no host. */
static bool embed_split(const char *url, size_t len, char *host, size_t size, size_t *path_at)
{
    size_t at;
    if (len >= 7 && strncasecmp(url, "http://", 7) == 0)
        at = 7;
    else if (len >= 8 && strncasecmp(url, "https://", 8) == 0)
        at = 8;
    else
        return false;
    size_t n = 0;
    while (at < len && !strchr("/?#:", url[at])) {
        char c = url[at++];
        if (c == '@')
            return false; /* credentials: not a provider's link */
        if (n + 1 >= size)
            return false;
        host[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    host[n] = '\0';
    if (at < len && url[at] == ':') /* a port */
        while (at < len && url[at] != '/' && url[at] != '?' && url[at] != '#')
            at++;
    *path_at = at;
    return n > 0;
}

const char *markup_embed_provider(const char *url, size_t len)
{
    char host[256];
    size_t path_at;
    if (!embed_split(url, len, host, sizeof host, &path_at))
        return NULL;
    size_t host_len = strlen(host);
    const char *path = url + path_at;
    size_t path_len = len - path_at;
    for (size_t i = 0; i < sizeof embed_providers / sizeof embed_providers[0]; i++) {
        const struct embed_provider *p = &embed_providers[i];
        size_t n = strlen(p->host);
        bool host_ok = strcmp(host, p->host) == 0 ||
                       (p->subdomains && host_len > n + 1 && host[host_len - n - 1] == '.' &&
                        strcmp(host + host_len - n, p->host) == 0);
        if (!host_ok)
            continue;
        size_t prefix = strlen(p->path);
        /* "/" also accepts an empty path only when something follows (WordPress's ".*"
         * after the host's slash needs the slash). */
        if (path_len >= prefix && strncasecmp(path, p->path, prefix) == 0 &&
            (prefix > 1 || path_len > 1))
            return p->slug;
    }
    return NULL;
}

static bool embed_is_url(const char *url, size_t len)
{
    char host[256];
    size_t path_at;
    if (!embed_split(url, len, host, sizeof host, &path_at))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= ' ' || strchr("<>\"'`", url[i]))
            return false;
    return true;
}

bool markup_embed_card(const char *url, size_t len, buf *out)
{
    if (!embed_is_url(url, len))
        return false;
    const char *provider = markup_embed_provider(url, len);
    if (provider) {
        buf_puts(out, "<figure class=\"gazette-embed gazette-embed-");
        buf_puts(out, provider);
        buf_puts(out, "\"><a class=\"gazette-embed-link\" href=\"");
    } else
        buf_puts(out, "<a href=\"");
    escape_url_attribute(url, len, out);
    buf_puts(out, "\">");
    escape_html(url, len, ESCAPE_QUOTES_BOTH, out);
    buf_puts(out, provider ? "</a></figure>" : "</a>");
    return true;
}

static bool embed_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Length of an http(s) URL at s (up to white space, < > or "), or 0. */
static size_t embed_url_len(const char *s, size_t len)
{
    if (!((len >= 7 && strncasecmp(s, "http://", 7) == 0) ||
          (len >= 8 && strncasecmp(s, "https://", 8) == 0)))
        return 0;
    size_t n = 0;
    while (n < len && !embed_space(s[n]) && s[n] != '<' && s[n] != '>' && s[n] != '"')
        n++;
    return n;
}

/* `<p>` or `<p attr…>` at s: its length, or 0. */
static size_t embed_p_open(const char *s, size_t len)
{
    if (len < 3 || s[0] != '<' || (s[1] != 'p' && s[1] != 'P'))
        return 0;
    if (s[2] == '>')
        return 3;
    if (s[2] != ' ')
        return 0;
    const char *end = memchr(s, '>', len);
    return end ? (size_t)(end - s) + 1 : 0;
}

void markup_autoembed(const char *html, size_t len, buf *out)
{
    size_t i = 0;
    while (i < len) {
        /* A line: from i to the next newline. */
        const char *nl = memchr(html + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - html) : len;
        size_t a = i, b = end;
        while (a < b && embed_space(html[a]))
            a++;
        while (b > a && embed_space(html[b - 1]))
            b--;
        size_t open = embed_p_open(html + a, b - a), url_at = a + open, url_end = b;
        if (open) {
            if (b - a < open + 4 || strncasecmp(html + b - 4, "</p>", 4) != 0)
                open = 0, url_at = a;
            else {
                url_end = b - 4;
                while (url_at < url_end && embed_space(html[url_at]))
                    url_at++;
                while (url_end > url_at && embed_space(html[url_end - 1]))
                    url_end--;
            }
        }
        size_t url = embed_url_len(html + url_at, url_end - url_at);
        /* WordPress's autoembed leaves a URL it cannot embed as it is (linkifunknown off);
         * the <p> around a card goes, as a <figure> cannot be inside one. */
        if (url && url == url_end - url_at && markup_embed_provider(html + url_at, url) &&
            embed_is_url(html + url_at, url)) {
            buf_append(out, html + i, a - i);
            markup_embed_card(html + url_at, url, out);
            i = b;
            continue;
        }
        buf_append(out, html + i, end - i);
        if (nl)
            buf_putc(out, '\n');
        i = end + (nl ? 1 : 0);
    }
}
