/* test_markdown.c: unit tests of Markdown rendering: GFM features, safe mode, size, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "markup/markdown.h"
#include "util/buf.h"

/* Renders `src`; the caller frees the result with free(). */
static char *markdown(const char *src, enum sanitize_profile profile)
{
    buf out = {0};
    markup_markdown(src, strlen(src), profile, &out);
    buf_cstr(&out); /* allocates "" when nothing was written */
    return buf_detach(&out);
}

static void assert_renders_to(const char *src, enum sanitize_profile profile, const char *expected)
{
    char *got = markdown(src, profile);
    assert_string_equal(got, expected);
    free(got);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        fail_msg("\"%s\" not found in: %s", needle, haystack);
}

/* Case-insensitive: no dangerous word anywhere in `html`. */
static void assert_nothing_dangerous(const char *html)
{
    static const char *const forbidden[] = {
        "<script", "javascript:", "vbscript:",      "data:", " on",
        "<iframe", "<style",      "<img src=\"x\"", "<!--",  NULL,
    };
    char *lower = strdup(html);
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    for (const char *const *word = forbidden; *word; word++) {
        if (strstr(lower, *word) != NULL)
            fail_msg("output contains \"%s\": %s", *word, html);
    }
    free(lower);
}

static void test_inline(void **state)
{
    (void)state;
    assert_renders_to("*em* **strong** _e_ __s__", SANITIZE_ARTICLE,
                      "<p><em>em</em> <strong>strong</strong> <em>e</em> <strong>s</strong></p>\n");
    assert_renders_to("~~gone~~ and ~one~", SANITIZE_ARTICLE,
                      "<p><del>gone</del> and <del>one</del></p>\n");
    /* cmark escapes & < > " in text; the sanitizer writes the quote back as typed. */
    assert_renders_to("`a<b && c`", SANITIZE_ARTICLE, "<p><code>a&lt;b &amp;&amp; c</code></p>\n");
    /* No smart punctuation: straight quotes and double hyphens stay as typed. */
    assert_renders_to("\"quoted\" -- 'single' ...", SANITIZE_ARTICLE,
                      "<p>\"quoted\" -- 'single' ...</p>\n");
    assert_renders_to("line one  \nline two", SANITIZE_ARTICLE, "<p>line one<br>\nline two</p>\n");
}

static void test_links(void **state)
{
    (void)state;
    assert_renders_to("[text](https://example.com/a?b=1&c=2 \"Title\")", SANITIZE_ARTICLE,
                      "<p><a href=\"https://example.com/a?b=1&amp;c=2\" title=\"Title\">text</a>"
                      "</p>\n");
    assert_renders_to("[rel](/about) [mail](mailto:ed@example.com)", SANITIZE_ARTICLE,
                      "<p><a href=\"/about\">rel</a> <a href=\"mailto:ed@example.com\">mail</a>"
                      "</p>\n");
    /* Autolinks: the extension's bare URLs and www., and CommonMark's <...> form. */
    assert_renders_to("see https://example.com/x now", SANITIZE_ARTICLE,
                      "<p>see <a href=\"https://example.com/x\">https://example.com/x</a> now"
                      "</p>\n");
    assert_renders_to("www.example.com", SANITIZE_ARTICLE,
                      "<p><a href=\"http://www.example.com\">www.example.com</a></p>\n");
    assert_renders_to("<https://example.com>", SANITIZE_ARTICLE,
                      "<p><a href=\"https://example.com\">https://example.com</a></p>\n");
    /* Comments: every link is marked as user-generated. */
    assert_renders_to("[t](https://example.com)", SANITIZE_COMMENT,
                      "<p><a href=\"https://example.com\" rel=\"nofollow ugc\">t</a></p>\n");
    assert_renders_to("![alt text](https://example.com/a.png)", SANITIZE_ARTICLE,
                      "<p><img src=\"https://example.com/a.png\" alt=\"alt text\"></p>\n");
}

static void test_blocks(void **state)
{
    (void)state;
    assert_renders_to("> quoted\n> text", SANITIZE_ARTICLE,
                      "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n");
    assert_renders_to("- a\n- b", SANITIZE_ARTICLE, "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    assert_renders_to("3. c\n4. d", SANITIZE_COMMENT,
                      "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n");
    assert_renders_to("## Heading\n\nbody", SANITIZE_ARTICLE, "<h2>Heading</h2>\n<p>body</p>\n");
    /* A comment's heading keeps its text, not its tag. */
    assert_renders_to("## Heading\n\nbody", SANITIZE_COMMENT, "Heading\n<p>body</p>\n");
    assert_renders_to("```c\nint x = 1 < 2;\n```", SANITIZE_ARTICLE,
                      "<pre><code class=\"language-c\">int x = 1 &lt; 2;\n</code></pre>\n");
    assert_renders_to("    indented\n", SANITIZE_COMMENT, "<pre><code>indented\n</code></pre>\n");
    assert_renders_to("a\n\n---\n\nb", SANITIZE_ARTICLE, "<p>a</p>\n<hr>\n<p>b</p>\n");
}

/* WordPress's <!--nextpage--> and <!--more--> on a line of their own stay in an article; any
 * other raw HTML, and the markers in comments or inside other blocks, do not. */
static void test_wordpress_markers(void **state)
{
    (void)state;
    assert_renders_to("One\n\n<!--nextpage-->\n\nTwo\n", SANITIZE_ARTICLE,
                      "<p>One</p>\n<!--nextpage-->\n<p>Two</p>\n");
    assert_renders_to("Teaser\n\n<!--more Read on-->\n\nRest\n", SANITIZE_ARTICLE,
                      "<p>Teaser</p>\n<!--more Read on-->\n<p>Rest</p>\n");
    assert_renders_to("One\n\n<!--nextpage-->\n\nTwo\n", SANITIZE_COMMENT,
                      "<p>One</p>\n\n<p>Two</p>\n");
    assert_renders_to("<!-- note -->\n\nText\n", SANITIZE_ARTICLE, "\n<p>Text</p>\n");
    assert_renders_to("> <!--nextpage-->\n", SANITIZE_ARTICLE, "<blockquote>\n\n</blockquote>\n");
    assert_renders_to("```\n<!--nextpage-->\n```\n", SANITIZE_ARTICLE,
                      "<pre><code>&lt;!--nextpage--&gt;\n</code></pre>\n");
    assert_renders_to("<!--more x--><script>alert(1)</script>\n", SANITIZE_ARTICLE, "\n");
}

static void test_table(void **state)
{
    char *html;
    (void)state;
    html = markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n", SANITIZE_ARTICLE);
    assert_string_equal(html, "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n"
                              "<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                              "<td align=\"left\">1</td>\n<td align=\"right\">2</td>\n</tr>\n"
                              "</tbody>\n</table>\n");
    free(html);
    /* Tables are not comment markup: the cells' text stays. */
    html = markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", SANITIZE_COMMENT);
    assert_null(strstr(html, "<t"));
    assert_contains(html, "a");
    assert_contains(html, "2");
    free(html);
}

static void test_footnotes(void **state)
{
    char *html;
    (void)state;
    html = markdown("Claim.[^1]\n\n[^1]: The source.\n", SANITIZE_ARTICLE);
    /* The reference, its anchor, the note and the way back, with their ids. */
    assert_contains(html, "<p>Claim.<sup class=\"footnote-ref\"><a href=\"#fn-1\" "
                          "id=\"fnref-1\">1</a></sup></p>");
    assert_contains(html, "<li id=\"fn-1\">");
    assert_contains(html, "The source.");
    assert_contains(html, "<a href=\"#fnref-1\" class=\"footnote-backref\">");
    /* cmark's data-* and aria-* attributes are not on the allow-list. */
    assert_null(strstr(html, "data-"));
    assert_null(strstr(html, "aria-"));
    free(html);
    /* Comments may use footnotes too: their ids and classes survive. */
    html = markdown("Claim.[^1]\n\n[^1]: The source.\n", SANITIZE_COMMENT);
    assert_contains(html, "<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" "
                          "rel=\"nofollow ugc\">1</a></sup>");
    assert_contains(html, "<li id=\"fn-1\">");
    free(html);
}

static void test_utf8(void **state)
{
    (void)state;
    /* "Привет — “мир” مرحبا 😀" as bytes. */
    assert_renders_to("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xe2\x80\x94 "
                      "\xe2\x80\x9c\xd0\xbc\xd0\xb8\xd1\x80\xe2\x80\x9d "
                      "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xf0\x9f\x98\x80",
                      SANITIZE_COMMENT,
                      "<p>\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xe2\x80\x94 "
                      "\xe2\x80\x9c\xd0\xbc\xd0\xb8\xd1\x80\xe2\x80\x9d "
                      "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xf0\x9f\x98\x80</p>\n");
    /* Bytes that are not UTF-8 become U+FFFD. */
    assert_renders_to("a\xff"
                      "b",
                      SANITIZE_ARTICLE,
                      "<p>a\xef\xbf\xbd"
                      "b</p>\n");
}

static void test_hostile(void **state)
{
    static const char *const vectors[] = {
        "<script>alert(1)</script>",
        "text <script>alert(1)</script> more",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](jav&#x09;ascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "![i](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<style>*{display:none}</style>",
        "<div onclick=\"alert(1)\">x</div>",
        "<!-- <script>alert(1)</script> -->",
        NULL,
    };
    (void)state;
    for (const char *const *vector = vectors; *vector; vector++) {
        for (int profile = SANITIZE_ARTICLE; profile <= SANITIZE_COMMENT; profile++) {
            char *html = markdown(*vector, (enum sanitize_profile)profile);
            assert_nothing_dangerous(html);
            free(html);
        }
    }
    /* Safe mode drops the raw HTML block; the sanitizer drops cmark's note about it. */
    assert_renders_to("<script>alert(1)</script>", SANITIZE_ARTICLE, "\n");
    /* cmark empties a javascript: destination; the link text stays. */
    assert_renders_to("[x](javascript:alert(1))", SANITIZE_ARTICLE, "<p><a href=\"\">x</a></p>\n");
    /* A title cannot break out of its attribute: the quotes are escaped. */
    assert_renders_to("[x](https://example.com \"t\\\" onmouseover=\\\"alert(1)\")",
                      SANITIZE_ARTICLE,
                      "<p><a href=\"https://example.com\" "
                      "title=\"t&quot; onmouseover=&quot;alert(1)\">x</a></p>\n");
    /* Inline raw HTML: the tags go, the text between them is text. */
    assert_renders_to("a <b onclick=\"x\">b</b> c", SANITIZE_ARTICLE, "<p>a b c</p>\n");
}

/* 64 KiB of ordinary writing renders, every paragraph of it. */
static void test_large_input(void **state)
{
    static const char paragraph[] =
        "A paragraph with *emphasis*, **strength**, `code` and a [link](https://example.com/).\n"
        "\n";
    buf src = {0};
    buf out = {0};
    size_t paragraphs = 0;
    size_t found = 0;
    (void)state;
    while (src.len < 64 * 1024) {
        buf_puts(&src, paragraph);
        paragraphs++;
    }
    markup_markdown(src.ptr, src.len, SANITIZE_COMMENT, &out);
    for (const char *p = buf_cstr(&out); (p = strstr(p, "<p>A paragraph")) != NULL; p++)
        found++;
    assert_int_equal(found, paragraphs);
    buf_free(&src);
    buf_free(&out);
}

/* 64 KiB of '>' would be 65536 nested blockquotes, which gumbo takes seconds over: such a
 * document comes out as the text that was typed instead. */
static void test_deep_nesting(void **state)
{
    buf src = {0};
    char *html;
    (void)state;
    for (int i = 0; i < 64 * 1024; i++)
        buf_putc(&src, '>');
    buf_puts(&src, " <b>");
    html = markdown(buf_cstr(&src), SANITIZE_COMMENT);
    assert_true(strncmp(html, "<pre>&gt;&gt;&gt;", 17) == 0);
    assert_contains(html, "&gt; &lt;b&gt;</pre>\n");
    free(html);
    buf_free(&src);
    /* Ordinary nesting is rendered as Markdown. */
    assert_renders_to("> > > deep", SANITIZE_ARTICLE,
                      "<blockquote>\n<blockquote>\n<blockquote>\n<p>deep</p>\n"
                      "</blockquote>\n</blockquote>\n</blockquote>\n");
}

/* The server renders from several threads: each must get what one thread alone gets. */
struct thread_job {
    const char *src;      /* Markdown to render, shared and read-only */
    const char *expected; /* the single-threaded result */
    bool ok;              /* set by the thread: every render matched */
};

static void *render_repeatedly(void *argument)
{
    struct thread_job *job = argument;
    job->ok = true;
    for (int i = 0; i < 200; i++) {
        char *html = markdown(job->src, SANITIZE_ARTICLE);
        if (strcmp(html, job->expected) != 0)
            job->ok = false;
        free(html);
    }
    return NULL;
}

static void test_threads(void **state)
{
    static const char src[] = "~~struck~~ and www.example.com and https://example.com/x\n\n"
                              "| a |\n|---|\n| b |\n\nNote[^n].\n\n[^n]: note\n";
    char *expected;
    pthread_t threads[8];
    struct thread_job jobs[8];
    (void)state;
    expected = markdown(src, SANITIZE_ARTICLE);
    assert_contains(expected, "<del>struck</del>");
    assert_contains(expected, "<a href=\"http://www.example.com\">");
    for (int i = 0; i < 8; i++) {
        jobs[i] = (struct thread_job){src, expected, false};
        assert_int_equal(pthread_create(&threads[i], NULL, render_repeatedly, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        assert_true(jobs[i].ok);
    }
    free(expected);
}

static void test_empty(void **state)
{
    buf out = {0};
    (void)state;
    markup_markdown(NULL, 0, SANITIZE_ARTICLE, &out);
    assert_int_equal(out.len, 0);
    buf_puts(&out, "x");
    markup_markdown("*y*", 3, SANITIZE_ARTICLE, &out); /* appends */
    assert_string_equal(buf_cstr(&out), "x<p><em>y</em></p>\n");
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline),      cmocka_unit_test(test_links),
        cmocka_unit_test(test_blocks),      cmocka_unit_test(test_wordpress_markers),
        cmocka_unit_test(test_table),       cmocka_unit_test(test_footnotes),
        cmocka_unit_test(test_utf8),        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_large_input), cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_threads),     cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
