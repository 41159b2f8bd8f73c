/* test_sanitize.c: unit tests of the HTML sanitizer: hostile input, kept structure, UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markup/html_depth.h"
#include "markup/sanitize.h"
#include "util/buf.h"

/* Sanitizes `len` bytes of `html`; the caller frees the result with free(). */
static char *sanitize_n(const char *html, size_t len, enum sanitize_profile profile)
{
    buf out = {0};
    markup_sanitize_html(html, len, profile, &out);
    buf_cstr(&out); /* allocates "" when nothing was written */
    return out.ptr ? buf_detach(&out) : strdup("");
}

static char *sanitize(const char *html, enum sanitize_profile profile)
{
    return sanitize_n(html, strlen(html), profile);
}

static void assert_sanitizes_to(const char *html, enum sanitize_profile profile,
                                const char *expected)
{
    char *got = sanitize(html, profile);
    assert_string_equal(got, expected);
    free(got);
}

static char *lower_copy(const char *s)
{
    char *copy = strdup(s);
    for (char *p = copy; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return copy;
}

/* Removes from `s` the two comments an article keeps (<!--nextpage-->, <!--more[ text]-->),
 * each checked to be one that cannot end early or hold a tag; the rest is checked as HTML. */
static void drop_markers(char *s)
{
    char *at;
    while ((at = strstr(s, "<!--")) != NULL) {
        char *end = strstr(at + 4, "-->");
        if (!end)
            return;
        size_t text_len = (size_t)(end - at - 4);
        bool nextpage = text_len == 8 && strncmp(at + 4, "nextpage", 8) == 0;
        bool more = text_len >= 4 && strncmp(at + 4, "more", 4) == 0 &&
                    (text_len == 4 || at[8] == ' ' || at[8] == '\t');
        for (size_t i = 0; i < text_len; i++)
            if (at[4 + i] == '<' || at[4 + i] == '>' || (at[4 + i] == '-' && at[5 + i] == '-'))
                more = false;
        if (!nextpage && !more)
            return; /* left for the "<!--" check to report */
        memmove(at, end + 3, strlen(end + 3) + 1);
    }
}

static bool in_list(const char *word, size_t len, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == len && memcmp(*list, word, len) == 0)
            return true;
    return false;
}

static const char *const article_tags[] = {
    "p",     "br",         "hr",    "h1",   "h2",  "h3",     "h4",         "h5",
    "h6",    "blockquote", "q",     "cite", "ul",  "ol",     "li",         "dl",
    "dt",    "dd",         "pre",   "code", "em",  "strong", "b",          "i",
    "u",     "s",          "del",   "ins",  "sub", "sup",    "small",      "mark",
    "abbr",  "span",       "div",   "a",    "img", "figure", "figcaption", "table",
    "thead", "tbody",      "tfoot", "tr",   "th",  "td",     "caption",    NULL,
};
static const char *const comment_tags[] = {
    "p",      "br", "blockquote", "q", "cite", "ul",  "ol",  "li",  "pre", "code", "em",
    "strong", "b",  "i",          "u", "s",    "del", "sub", "sup", "a",   NULL,
};
static const char *const allowed_attributes[] = {
    "href",   "title",   "rel",     "name",  "id",    "src",   "alt", "width",
    "height", "colspan", "rowspan", "start", "class", "align", NULL,
};
static const char *const void_tags[] = {"br", "hr", "img", NULL};

/* Checks the output the way an attacker would hope it fails: every '<' starts a tag (text
 * '<' must be escaped), every tag is allow-listed for the profile, every attribute too and
 * none is an event handler or style, every URL is safe, tags balance, and no dangerous
 * word appears anywhere, whatever the case. */
static void assert_safe(const char *output, enum sanitize_profile profile)
{
    const char *const *tags = profile == SANITIZE_ARTICLE ? article_tags : comment_tags;
    static const char *const forbidden[] = {
        "<script",   "<style",    "<iframe",     "<object",   "<embed", "<form",
        "<input",    "<button",   "<textarea",   "<select",   "<svg",   "<math",
        "<template", "<noscript", "<base",       "<meta",     "<link",  "<frame",
        "<body",     "<html",     "javascript:", "vbscript:", "data:",  "expression(",
        "style=",    "srcdoc",    "formaction",  "<!--",      NULL,
    };
    char *lower = lower_copy(output);
    if (profile == SANITIZE_ARTICLE)
        drop_markers(lower);
    struct {
        const char *name; /* points into lower */
        size_t len;       /* bytes of the name */
    } stack[512];
    size_t depth = 0;
    const char *p = lower;

    for (const char *const *word = forbidden; *word; word++) {
        if (strstr(lower, *word) != NULL)
            fail_msg("output contains \"%s\": %s", *word, output);
    }
    while ((p = strchr(p, '<')) != NULL) {
        bool closing = p[1] == '/';
        const char *name = p + (closing ? 2 : 1);
        size_t name_len = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
        const char *q = name + name_len;
        if (!in_list(name, name_len, tags))
            fail_msg("tag <%.*s> not allowed: %s", (int)name_len, name, output);
        if (closing) {
            if (depth == 0)
                fail_msg("stray </%.*s>: %s", (int)name_len, name, output);
            depth--;
            if (stack[depth].len != name_len || memcmp(stack[depth].name, name, name_len) != 0)
                fail_msg("unbalanced </%.*s>: %s", (int)name_len, name, output);
            assert_true(*q == '>');
            p = q + 1;
            continue;
        }
        /* Attributes: always ` name="value"`, value without a raw '"', '<' or '>'. */
        while (*q == ' ') {
            const char *attribute = q + 1;
            size_t attribute_len = strspn(attribute, "abcdefghijklmnopqrstuvwxyz-");
            const char *value;
            size_t value_len;
            if (!in_list(attribute, attribute_len, allowed_attributes) ||
                strncmp(attribute, "on", 2) == 0)
                fail_msg("attribute %.*s not allowed: %s", (int)attribute_len, attribute, output);
            assert_true(attribute[attribute_len] == '=' && attribute[attribute_len + 1] == '"');
            value = attribute + attribute_len + 2;
            value_len = strcspn(value, "\"<>");
            assert_true(value[value_len] == '"');
            if ((attribute_len == 4 && strncmp(attribute, "href", 4) == 0) ||
                (attribute_len == 3 && strncmp(attribute, "src", 3) == 0))
                assert_true(markup_url_is_safe(value, value_len));
            q = value + value_len + 1;
        }
        if (*q != '>')
            fail_msg("malformed tag: %s", output);
        if (!in_list(name, name_len, void_tags)) {
            assert_true(depth < sizeof stack / sizeof stack[0]);
            stack[depth].name = name;
            stack[depth].len = name_len;
            depth++;
        }
        p = q + 1;
    }
    if (depth != 0)
        fail_msg("unclosed <%.*s>: %s", (int)stack[depth - 1].len, stack[depth - 1].name, output);
    free(lower);
}

/* Sanitizing twice must change nothing: what we write parses back to what we meant. */
static void assert_fixed_point(const char *output, enum sanitize_profile profile)
{
    char *again = sanitize(output, profile);
    assert_string_equal(again, output);
    free(again);
}

static const char *const xss_vectors[] = {
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<img src=`javascript:alert(1)`>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav\tascript:alert(1)\">x</a>",
    "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    "<a href=\"&#0000106avascript&colon;alert(1)\">x</a>",
    "<a href=\"javas&NewLine;cript:alert(1)\">x</a>",
    "<a href=\"&#14;javascript:alert(1)\">x</a>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "<a href=\"jaVasCript:/*-/*`/*\\`/*'/*\\\"/**/(/* */oNcliCk=alert() )//\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"VBScript:msgbox(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "\"><script>alert(1)</script>",
    "'><script>alert(1)</script>",
    "<a href=\"x\" title=\"\"><script>alert(1)</script>\">y</a>",
    "<img src=\"https://example.com/a.png\" alt='\"><script>alert(1)</script>'>",
    "<a title='\" onmouseover=alert(1) x=\"'>t</a>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<p style=\"width:expression(alert(1))\">t</p>",
    "<div style=\"background:url(javascript:alert(1))\">t</div>",
    "<div onmouseover=\"alert(1)\">t</div>",
    "<a href=\"https://example.com/\" onclick=\"alert(1)\">x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a href=\"mailto:a@example.com\" onfocus=alert(1) autofocus>x</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<xmp><script>alert(1)</script></xmp>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<plaintext><script>alert(1)</script>",
    "<isindex action=javascript:alert(1) type=image>",
    "<table background=\"javascript:alert(1)\"><tr><td onclick=alert(1)>x</td></tr></table>",
    "<p><a href=\"javascript:alert(1)\"><img src=x onerror=alert(1)></a></p>",
    "<a href=\"javascript:alert(1)\" id=\"x\" class=\"y z\">t</a>",
    "<img src=\"x:alert(1)\" onerror=\"eval(src)\">",
    "<p class=\"x\" ONCLICK=\"alert(1)\" oNmOuSeOvEr=\"alert(1)\">t</p>",
    "<a/href=\"javascript:alert(1)\">x</a>",
    "<img/src=x/onerror=alert(1)>",
    "<a href=\"  \x0b\x0c javascript:alert(1)\">x</a>",
    NULL,
};

static void test_xss_vectors(void **state)
{
    size_t count = 0;
    (void)state;
    for (const char *const *vector = xss_vectors; *vector; vector++, count++) {
        for (int profile = SANITIZE_ARTICLE; profile <= SANITIZE_COMMENT; profile++) {
            char *out = sanitize(*vector, (enum sanitize_profile)profile);
            assert_safe(out, (enum sanitize_profile)profile);
            assert_fixed_point(out, (enum sanitize_profile)profile);
            free(out);
        }
    }
    assert_true(count >= 40);
}

/* A NUL inside the scheme: the browser strips it only in some contexts, we refuse always. */
static void test_xss_nul_in_scheme(void **state)
{
    static const char html[] = "<a href=\"java\0script:alert(1)\">x</a>";
    char *out;
    (void)state;
    out = sanitize_n(html, sizeof html - 1, SANITIZE_ARTICLE);
    assert_safe(out, SANITIZE_ARTICLE);
    assert_null(strstr(out, "href"));
    free(out);
}

/* Exact results of a few hostile inputs, worked out by hand from the HTML parsing rules. */
static void test_xss_exact(void **state)
{
    (void)state;
    assert_sanitizes_to("<script>alert(1)</script>", SANITIZE_ARTICLE, "");
    assert_sanitizes_to("<img src=x onerror=alert(1)>", SANITIZE_ARTICLE, "<img src=\"x\">");
    assert_sanitizes_to("<img src=x onerror=alert(1)>", SANITIZE_COMMENT, "");
    assert_sanitizes_to("<a href=\"jav&#x09;ascript:alert(1)\">x</a>", SANITIZE_ARTICLE,
                        "<a>x</a>");
    assert_sanitizes_to("<a href=\" JaVaScRiPt:alert(1)\">x</a>", SANITIZE_ARTICLE, "<a>x</a>");
    assert_sanitizes_to("<a href=\"https://example.com/\" onclick=\"alert(1)\">x</a>",
                        SANITIZE_ARTICLE, "<a href=\"https://example.com/\">x</a>");
    assert_sanitizes_to("<p style=\"width:expression(alert(1))\">t</p>", SANITIZE_ARTICLE,
                        "<p>t</p>");
    /* The tag name runs to the first '>': an unknown element "scr<script", unwrapped. */
    assert_sanitizes_to("<scr<script>ipt>alert(1)</script>", SANITIZE_ARTICLE, "ipt&gt;alert(1)");
    assert_sanitizes_to("\"><script>alert(1)</script>", SANITIZE_ARTICLE, "\"&gt;");
    /* The alt text keeps the would-be breakout, escaped so it stays inside the value. */
    assert_sanitizes_to("<img src=\"https://example.com/a.png\" alt='\"><script>x</script>'>",
                        SANITIZE_ARTICLE,
                        "<img src=\"https://example.com/a.png\" "
                        "alt=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">");
    assert_sanitizes_to("<iframe src=\"https://example.com/\">inner</iframe>after",
                        SANITIZE_ARTICLE, "after");
    assert_sanitizes_to("<style>p{}</style><p>kept</p>", SANITIZE_ARTICLE, "<p>kept</p>");
    assert_sanitizes_to("<form action=\"javascript:alert(1)\"><p>in form</p></form>after",
                        SANITIZE_ARTICLE, "after");
    assert_sanitizes_to("a<!-- secret -->b", SANITIZE_ARTICLE, "ab");
    /* WordPress's page break and teaser end stay, verbatim, in articles only */
    assert_sanitizes_to("<p>a</p><!--nextpage--><p>b</p>", SANITIZE_ARTICLE,
                        "<p>a</p><!--nextpage--><p>b</p>");
    assert_sanitizes_to("a<!--more-->b<!--more Read on-->c", SANITIZE_ARTICLE,
                        "a<!--more-->b<!--more Read on-->c");
    assert_sanitizes_to("a<!--nextpage-->b<!--more-->c", SANITIZE_COMMENT, "abc");
    /* the paragraph autop wraps around a marker alone is dropped; one with text is kept */
    assert_sanitizes_to("<p>a</p>\n<p><!--nextpage--></p>\n<p>b</p>", SANITIZE_ARTICLE,
                        "<p>a</p>\n<!--nextpage-->\n<p>b</p>");
    assert_sanitizes_to("<p> <!--more Read on--> </p><p>x<!--more--></p>", SANITIZE_ARTICLE,
                        " <!--more Read on--> <p>x<!--more--></p>");
    assert_sanitizes_to("<p><!-- other --></p>", SANITIZE_ARTICLE, "<p></p>");
    assert_sanitizes_to("a<!-- nextpage -->b<!--morex-->c<!--more <b>x</b>-->d", SANITIZE_ARTICLE,
                        "abcd");
    assert_sanitizes_to("a<!--more x--!><script>alert(1)</script>-->b", SANITIZE_ARTICLE,
                        "a<!--more x-->--&gt;b");
    assert_sanitizes_to("<xmp><b>x</b></xmp>", SANITIZE_ARTICLE, "&lt;b&gt;x&lt;/b&gt;");
}

static void test_url_is_safe(void **state)
{
    static const char *const safe[] = {
        "https://example.com/a?b=c&d=e#f",
        "http://example.com",
        "HTTPS://EXAMPLE.COM",
        "mailto:someone@example.com",
        "MailTo:someone@example.com",
        "/relative/path",
        "relative.html",
        "../up",
        "#fn-1",
        "?q=1",
        "//example.com/protocol-relative",
        "",
        "/path/with:colon",
        "?next=javascript:alert(1)",
        " https://example.com ",
        NULL,
    };
    static const char *const unsafe[] = {
        /* Harmless to a browser ('%' cannot be in a scheme, so it is a relative path), but
         * anything before the first ':' that is not one of our schemes is refused. */
        "%6Aavascript:alert(1)",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "\x01javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&#9ascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6a;avascript:alert(1)",
        "&#X6A;avascript:alert(1)",
        "&#0000106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "javascript&#58;alert(1)",
        "javascript&#x3a;alert(1)",
        "java&Tab;script:alert(1)",
        "java&NewLine;script:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:image/png;base64,AAAA",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.com/",
        "tel:+100",
        "httpx://example.com",
        "https&#0;:x", /* &#0; is U+FFFD, so the scheme is not "https" */
        "&unknown;javascript:alert(1)",
        ":alert(1)",
        "jav\xc2\xa0script:alert(1)",
        NULL,
    };
    (void)state;
    for (const char *const *url = safe; *url; url++) {
        if (!markup_url_is_safe(*url, strlen(*url)))
            fail_msg("refused safe URL \"%s\"", *url);
    }
    for (const char *const *url = unsafe; *url; url++) {
        if (markup_url_is_safe(*url, strlen(*url)))
            fail_msg("accepted unsafe URL \"%s\"", *url);
    }
    /* Length is honoured: the bytes after len are not part of the URL. */
    assert_true(markup_url_is_safe("javascript:alert(1)", 10)); /* "javascript": a path */
    assert_false(markup_url_is_safe("javascript:alert(1)", 11));
    assert_false(markup_url_is_safe("java\0script:alert(1)", 20));
}

/* The structures articles are made of come out exactly as they went in. */
static void test_article_structure(void **state)
{
    static const char article[] =
        "<h2>Title</h2>\n"
        "<p>Para with <em>em</em>, <strong>strong</strong> and "
        "<a href=\"https://example.com/x?a=1&amp;b=2\" title=\"T\">a link</a>.</p>\n"
        "<blockquote>\n<p>Quoted</p>\n</blockquote>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<ol start=\"3\">\n<li>three</li>\n</ol>\n"
        "<p><img src=\"https://example.com/a.png\" alt=\"A picture\" width=\"640\"></p>\n"
        "<figure><img src=\"/b.jpg\" alt=\"\"><figcaption>Caption</figcaption></figure>\n"
        "<pre><code class=\"language-c\">int x = a &lt; b &amp;&amp; c;\n</code></pre>\n"
        "<p>Text<sup id=\"fnref:1\"><a href=\"#fn:1\">1</a></sup></p>\n"
        "<hr>\n"
        "<p class=\"footnote\" id=\"fn:1\">The note. <a href=\"#fnref:1\">back</a></p>\n"
        "<table><thead><tr><th colspan=\"2\">h</th></tr></thead>"
        "<tbody><tr><td>1</td><td rowspan=\"1\">2</td></tr></tbody></table>\n"
        "<dl><dt>term</dt><dd>definition</dd></dl>\n"
        "<p><a href=\"mailto:ed@example.com\">mail</a> <a href=\"../rel\">rel</a> "
        "<abbr title=\"HyperText\">HTML</abbr> <del>old</del><ins>new</ins> H<sub>2</sub>O "
        "<mark>m</mark> <small>s</small> <q>q</q> <cite>c</cite> <s>s</s> <u>u</u> "
        "<b>b</b> <i>i</i> <span class=\"x y_z-1\">span</span></p>\n"
        "<div id=\"main\"><h1>1</h1><h3>3</h3><h4>4</h4><h5>5</h5><h6>6</h6></div>\n";
    (void)state;
    assert_sanitizes_to(article, SANITIZE_ARTICLE, article);
}

static void test_attribute_values(void **state)
{
    (void)state;
    /* class and id only from their character sets. */
    assert_sanitizes_to("<p class=\"a;b\" id=\"x y\">t</p>", SANITIZE_ARTICLE, "<p>t</p>");
    assert_sanitizes_to("<p class=\"\">t</p>", SANITIZE_ARTICLE, "<p>t</p>");
    /* Numbers only where numbers are meant. */
    assert_sanitizes_to("<img src=\"a.png\" width=\"100\" height=\"50%\">", SANITIZE_ARTICLE,
                        "<img src=\"a.png\" width=\"100\">");
    assert_sanitizes_to("<ol start=\"-2\"><li>x</li></ol><ol start=\"two\"></ol>", SANITIZE_ARTICLE,
                        "<ol start=\"-2\"><li>x</li></ol><ol></ol>");
    /* Attributes not on the list for this element are gone, allowed ones re-quoted. */
    assert_sanitizes_to("<a href=/x target=_blank data-x=1 name=top rel='me'>t</a>",
                        SANITIZE_ARTICLE, "<a href=\"/x\" name=\"top\" rel=\"me\">t</a>");
    assert_sanitizes_to("<p title=\"t\" lang=\"en\">t</p>", SANITIZE_ARTICLE,
                        "<p lang=\"en\">t</p>");
    /* Values are re-escaped for a double-quoted attribute. */
    assert_sanitizes_to("<a href=\"/s?q=&quot;x&quot;&amp;y\" title='a <b> & \"c\"'>t</a>",
                        SANITIZE_ARTICLE,
                        "<a href=\"/s?q=&quot;x&quot;&amp;y\" "
                        "title=\"a &lt;b&gt; &amp; &quot;c&quot;\">t</a>");
}

static void test_comment_profile(void **state)
{
    (void)state;
    /* The writer's rel is replaced by ours; title stays. */
    assert_sanitizes_to("<p>See <a href=\"https://example.com\" rel=\"author\" title=\"t\">here"
                        "</a></p>",
                        SANITIZE_COMMENT,
                        "<p>See <a href=\"https://example.com\" title=\"t\" "
                        "rel=\"nofollow ugc\">here</a></p>");
    /* No headings, images, tables or divs: their tags go, their text stays. */
    assert_sanitizes_to("<h2>Head</h2><img src=\"https://example.com/y.png\" alt=\"y\"><p>t</p>",
                        SANITIZE_COMMENT, "Head<p>t</p>");
    assert_sanitizes_to("<div><span>a</span><table><tr><td>b</td></tr></table></div>",
                        SANITIZE_COMMENT, "ab");
    /* Inline markup, quotes, lists and code are kept. */
    assert_sanitizes_to("<blockquote><p><em>e</em> <strong>s</strong> <code>c</code></p>"
                        "</blockquote><ul><li>i</li></ul><pre>p</pre>",
                        SANITIZE_COMMENT,
                        "<blockquote><p><em>e</em> <strong>s</strong> <code>c</code></p>"
                        "</blockquote><ul><li>i</li></ul><pre>p</pre>");
    /* id and class only for cmark-gfm's footnotes; name and other rel values never. */
    assert_sanitizes_to("<p class=\"lead\" id=\"main\">x</p>", SANITIZE_COMMENT, "<p>x</p>");
    assert_sanitizes_to("<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" "
                        "name=\"n\">1</a></sup>",
                        SANITIZE_COMMENT,
                        "<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" "
                        "rel=\"nofollow ugc\">1</a></sup>");
    assert_sanitizes_to("<p class=\"footnote admin\">x</p>", SANITIZE_COMMENT, "<p>x</p>");
    /* A link without href still gets rel, harmlessly. */
    assert_sanitizes_to("<a href=\"javascript:alert(1)\">x</a>", SANITIZE_COMMENT,
                        "<a rel=\"nofollow ugc\">x</a>");
}

static void test_serializer(void **state)
{
    (void)state;
    assert_sanitizes_to("<p>a<br/>b</p><hr/>", SANITIZE_ARTICLE, "<p>a<br>b</p><hr>");
    assert_sanitizes_to("<p><em>open", SANITIZE_ARTICLE, "<p><em>open</em></p>");
    assert_sanitizes_to("<b><i>x</b>y</i>", SANITIZE_ARTICLE, "<b><i>x</i></b><i>y</i>");
    assert_sanitizes_to("<foo>bar</foo>", SANITIZE_ARTICLE, "bar");
    assert_sanitizes_to("<custom-el><b>x</b></custom-el>", SANITIZE_ARTICLE, "<b>x</b>");
    assert_sanitizes_to("<table><tr><td colspan=\"2\" onclick=\"x\">c</td></tr></table>",
                        SANITIZE_ARTICLE,
                        "<table><tbody><tr><td colspan=\"2\">c</td></tr></tbody></table>");
    assert_sanitizes_to("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot; &copy;</p>",
                        SANITIZE_ARTICLE, "<p>1 &lt; 2 &amp;&amp; 3 &gt; 2 \"q\" \xc2\xa9</p>");
    assert_sanitizes_to("a < b > c & d", SANITIZE_ARTICLE, "a &lt; b &gt; c &amp; d");
    assert_sanitizes_to("<!DOCTYPE html><?php echo 1; ?><p>x</p>", SANITIZE_ARTICLE, "<p>x</p>");
    assert_sanitizes_to("<p>one</p>\n\n<p>two</p>\n", SANITIZE_ARTICLE,
                        "<p>one</p>\n\n<p>two</p>\n");
    /* The parser eats the newline after <pre>; a leading blank line must survive. */
    assert_sanitizes_to("<pre>\n\nx</pre>", SANITIZE_ARTICLE, "<pre>\n\nx</pre>");
    assert_sanitizes_to("", SANITIZE_ARTICLE, "");
    {
        buf out = {0};
        markup_sanitize_html(NULL, 0, SANITIZE_ARTICLE, &out);
        assert_int_equal(out.len, 0);
        buf_puts(&out, "kept:");
        markup_sanitize_html("<p>x</p>", 8, SANITIZE_ARTICLE, &out); /* appends */
        assert_string_equal(buf_cstr(&out), "kept:<p>x</p>");
        buf_free(&out);
    }
}

static void test_utf8(void **state)
{
    /* Written out as bytes so the test does not depend on the editor's encoding: Cyrillic
     * "Privet, mir", curly quotes, Arabic "marhaba", emoji with a skin-tone modifier. */
    static const char text[] =
        "<p>\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xbc\xd0\xb8\xd1\x80 "
        "\xe2\x80\x94 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x98s\xe2\x80\x99 "
        "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 "
        "\xf0\x9f\x98\x80 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd \xe2\x80\xa6</p>";
    (void)state;
    assert_sanitizes_to(text, SANITIZE_ARTICLE, text);
    assert_sanitizes_to(text, SANITIZE_COMMENT, text);
    /* Attribute values too. */
    assert_sanitizes_to("<img src=\"/\xd1\x84.png\" alt=\"\xd1\x84\xf0\x9f\x98\x80\">",
                        SANITIZE_ARTICLE,
                        "<img src=\"/\xd1\x84.png\" alt=\"\xd1\x84\xf0\x9f\x98\x80\">");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* A lone continuation byte, an impossible byte, a truncated 2-byte sequence before '<'. */
    assert_sanitizes_to("<p>a\x80 b\xff c\xc3</p>", SANITIZE_ARTICLE,
                        "<p>a\xef\xbf\xbd b\xef\xbf\xbd c\xef\xbf\xbd</p>");
    assert_sanitizes_to("<a href=\"/x\" title=\"t\xfe\">l</a>", SANITIZE_ARTICLE,
                        "<a href=\"/x\" title=\"t\xef\xbf\xbd\">l</a>");
}

/* Hostile nesting must not exhaust the stack: the serializer walks without recursion. */
/* Deepest nesting in sanitizer output (clean tags only: "<x", "</x", void br/hr/img). */
static int output_depth(const char *html)
{
    int depth = 0, deepest = 0;
    for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
        if (p[1] == '/')
            depth--;
        else if (strncmp(p, "<br", 3) != 0 && strncmp(p, "<hr", 3) != 0 &&
                 strncmp(p, "<img", 4) != 0 && ++depth > deepest)
            deepest = depth;
    }
    return deepest;
}

/* `open` repeated n times, then `middle`, then `close` n times. */
static void repeat_nested(buf *html, const char *open, const char *middle, const char *close, int n)
{
    for (int i = 0; i < n; i++)
        buf_puts(html, open);
    buf_puts(html, middle);
    for (int i = 0; i < n; i++)
        buf_puts(html, close);
}

static void test_deep_nesting(void **state)
{
    buf html = {0};
    char *out;
    (void)state;
    /* The review's inputs: 60k nested divs (a PDF took 6 s), 80k unclosed (preview, 9 s). */
    repeat_nested(&html, "<div>", "middle", "</div>", 60000);
    out = sanitize_n(html.ptr, html.len, SANITIZE_ARTICLE);
    assert_int_equal(output_depth(out), MARKUP_HTML_DEPTH_LIMIT);
    assert_non_null(strstr(out, ">middle<"));
    free(out);
    buf_reset(&html);
    repeat_nested(&html, "<div>", "end", "", 80000);
    out = sanitize_n(html.ptr, html.len, SANITIZE_ARTICLE);
    assert_int_equal(output_depth(out), MARKUP_HTML_DEPTH_LIMIT);
    free(out);
    buf_reset(&html);
    repeat_nested(&html, "<span>", "deep", "", 5000);
    out = sanitize_n(html.ptr, html.len, SANITIZE_COMMENT);
    assert_string_equal(out, "deep");
    free(out);
    buf_free(&html);
}

/* Ordinary HTML, however sloppy, is far from the limit: the bound leaves it byte for byte. */
static void test_depth_bound_leaves_ordinary_html(void **state)
{
    static const char *const ordinary[] = {
        "<p>One<p>Two<p>Three <b>bold <i>both</b> italic</i>",
        "<ul><li>a<li>b<li>c</ul><ol><li><ol><li>nested</ol></ol><dl><dt>t<dd>d<dt>t2</dl>",
        "<table><tr><td>1<td>2<tr><td>3<td>4</table><table><thead><tr><th>h<tbody><tr><td>x"
        "</table>",
        "<!-- wp:paragraph --><p>Gutenberg</p><!-- /wp:paragraph --><script>if (a<b) "
        "document.write('<div><div>')</script><style>p>a{}</style><textarea></div></textarea>",
    };
    buf html = {0};
    (void)state;
    for (size_t i = 0; i < sizeof ordinary / sizeof ordinary[0]; i++) {
        buf out = {0};
        assert_false(
            markup_html_bound_depth(ordinary[i], strlen(ordinary[i]), HTML_DEPTH_FRAGMENT, &out));
        assert_false(
            markup_html_bound_depth(ordinary[i], strlen(ordinary[i]), HTML_DEPTH_DOCUMENT, &out));
        assert_int_equal(out.len, 0);
        buf_free(&out);
    }
    /* Inside svg, select and template the bound drops start tags; the sanitizer drops those
     * elements whole anyway, so its output is what it was. */
    assert_sanitizes_to("<svg viewBox=\"0 0 1 1\"><title>icon</title><path d=\"M0\"/></svg>"
                        "<p>after</p><select><option>a<option>b</select><p>more</p>"
                        "<template><div>t</div></template><p>end</p>",
                        SANITIZE_ARTICLE, "<p>after</p><p>more</p><p>end</p>");
    /* Exactly at the limit: untouched. One more: only that start tag and its end go. */
    repeat_nested(&html, "<div>", "x", "</div>", MARKUP_HTML_DEPTH_LIMIT);
    buf out = {0};
    assert_false(markup_html_bound_depth(html.ptr, html.len, HTML_DEPTH_FRAGMENT, &out));
    buf_reset(&html);
    repeat_nested(&html, "<blockquote>", "x", "</blockquote>", MARKUP_HTML_DEPTH_LIMIT + 1);
    assert_true(markup_html_bound_depth(html.ptr, html.len, HTML_DEPTH_FRAGMENT, &out));
    assert_int_equal(out.len, html.len - strlen("<blockquote></blockquote>") + 2 * strlen("<!>"));
    buf_free(&out);
    buf_free(&html);
}

/* Ways around a naive count, each repeated to nest 20,000 deep: the bound must hold. */
static void test_depth_bound_tricks(void **state)
{
    static const struct {
        const char *open, *close; /* repeated around "x" */
    } tricks[] = {
        {"<div></span>", ""},              /* end tags of nothing open */
        {"<li><ol></li>", ""},             /* </li> out of list-item scope */
        {"<div><table><td></div>", ""},    /* </div> beyond a cell */
        {"<b><div></b>", ""},              /* the adoption agency */
        {"<form><div></form>", ""},        /* </form> leaves its content open */
        {"<div><select></div>", ""},       /* end tags ignored in a select */
        {"<div><svg></div><g>", ""},       /* leaving SVG where the model might not */
        {"<p><b></p>", ""},                /* formatting reopened in each block */
        {"<x-a><svg></x-b><d/>", ""},      /* gumbo closes any unknown tag with any other */
        {"<<t>x<script>", "</script>"},    /* a dropped tag joining '<' and text */
        {"<span></><svg></svg>", ""},      /* gumbo misreads the end tag after "</>" */
        {"<template><col><textarea>", ""}, /* a template stuck in column group mode */
        {"<table><caption><div></caption>", ""},
        {"<nobr><noscript><r><nobr>", ""},
        {"<span>", "</span>"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof tricks / sizeof tricks[0]; i++) {
        buf html = {0};
        repeat_nested(&html, tricks[i].open, "x", tricks[i].close, 20000);
        char *out = sanitize_n(html.ptr, html.len, SANITIZE_ARTICLE);
        /* tables add implied tbody/tr elements, counted by the bound but not by this depth */
        if (output_depth(out) > 2 * MARKUP_HTML_DEPTH_LIMIT)
            fail_msg("%s: output nests %d deep", tricks[i].open, output_depth(out));
        free(out);
        buf_free(&html);
    }
}

/* The media placeholders of markup/shortcode.c keep their data-* (checked values), and only
 * they: another element, or a div with one more class, loses them. */
static void test_media_placeholders(void **state)
{
    (void)state;
    assert_sanitizes_to("<div class=\"gazette-gallery\" data-ids=\"1,2\" data-columns=\"4\" "
                        "data-size=\"medium\" data-link=\"file\"></div>",
                        SANITIZE_ARTICLE,
                        "<div class=\"gazette-gallery\" data-ids=\"1,2\" data-columns=\"4\" "
                        "data-size=\"medium\" data-link=\"file\"></div>");
    assert_sanitizes_to("<div class=\"gazette-playlist\" data-type=\"audio\" data-x=\"1\"></div>",
                        SANITIZE_ARTICLE,
                        "<div class=\"gazette-playlist\" data-type=\"audio\"></div>");
    assert_sanitizes_to("<div class=\"gazette-gallery\" data-ids=\"1;alert(1)\" "
                        "data-size=\"a b\" data-link=\"&quot;x\"></div>",
                        SANITIZE_ARTICLE, "<div class=\"gazette-gallery\"></div>");
    assert_sanitizes_to("<div class=\"gazette-gallery x\" data-ids=\"1\"></div>", SANITIZE_ARTICLE,
                        "<div class=\"gazette-gallery x\"></div>");
    assert_sanitizes_to("<p data-ids=\"1\">a</p>", SANITIZE_ARTICLE, "<p>a</p>");
    assert_sanitizes_to("<div class=\"gazette-gallery\" data-ids=\"1\"></div>", SANITIZE_COMMENT,
                        "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xss_vectors),
        cmocka_unit_test(test_xss_nul_in_scheme),
        cmocka_unit_test(test_xss_exact),
        cmocka_unit_test(test_url_is_safe),
        cmocka_unit_test(test_article_structure),
        cmocka_unit_test(test_attribute_values),
        cmocka_unit_test(test_comment_profile),
        cmocka_unit_test(test_serializer),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_depth_bound_leaves_ordinary_html),
        cmocka_unit_test(test_depth_bound_tricks),
        cmocka_unit_test(test_media_placeholders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
