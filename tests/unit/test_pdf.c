/* test_pdf.c: render_pdf on a generated article, read back with pdftotext, pdfinfo, raw bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "render/pdf.h"

/* ---- a generated article: the HTML and, beside it, the words a reader should get ---- */

static const char *const test_vocabulary[] = {
    "the",       "parliament", "minister",   "question", "policy",    "neutral",  "trade",
    "river",     "morning",    "argument",   "evidence", "journal",   "harbour",  "window",
    "quietly",   "against",    "between",    "several",  "committee", "election", "museum",
    "whether",   "although",   "remarkable", "village",  "economy",   "lithium",  "border",
    "treaty",    "narrative",  "pressure",   "sanction", "dialogue",  "weather",  "garden",
    "history",   "because",    "thousand",   "painting", "coalition", "minority", "reporter",
    "expensive", "yesterday",  "strategy",   "official", "position",  "island",   "century",
    "conflict",  "railway",    "governor",   "province", "festival",  "lantern",  "orchard",
};

#define TEST_VOCABULARY_SIZE (sizeof test_vocabulary / sizeof test_vocabulary[0])

static const char *const test_headings[] = {
    "Opening Remarks",      "The First Argument",   "A Quieter Harbour",   "Numbers and Lists",
    "Code and Tables",      "Pictures Elsewhere",   "Closing the Ledger",  "Further Reading",
    "Notes from the Field", "Another Long Morning", "The Border Question", "Final Thoughts",
};

/* The generated article: html for render_pdf, words for comparing with pdftotext. */
struct test_article {
    buf html;  /* sanitized-style HTML */
    buf words; /* the words of the text, in order, separated by spaces */
    unsigned seed;
};

static unsigned test_random(struct test_article *t)
{
    t->seed = t->seed * 1103515245u + 12345u;
    return (t->seed >> 16) & 0x7fff;
}

/* Appends text that has no markup in it to both the HTML and the words, and a space. */
static void test_text(struct test_article *t, const char *s)
{
    buf_puts(&t->html, s);
    buf_putc(&t->html, ' ');
    buf_puts(&t->words, s);
    buf_putc(&t->words, ' ');
}

/* Words the PDF shows that are not text in the HTML. */
static void test_expect(struct test_article *t, const char *s)
{
    buf_puts(&t->words, s);
    buf_putc(&t->words, ' ');
}

static void test_html(struct test_article *t, const char *s)
{
    buf_puts(&t->html, s);
}

/* `count` words of plain prose, some of them hyphenated compounds, with sentence ends. */
static void test_prose(struct test_article *t, int count)
{
    for (int i = 0; i < count; i++) {
        const char *word = test_vocabulary[test_random(t) % TEST_VOCABULARY_SIZE];
        buf_puts(&t->html, word);
        buf_puts(&t->words, word);
        if (test_random(t) % 17 == 0) {
            const char *second = test_vocabulary[test_random(t) % TEST_VOCABULARY_SIZE];
            buf_putc(&t->html, '-');
            buf_puts(&t->html, second);
            buf_putc(&t->words, '-');
            buf_puts(&t->words, second);
        }
        buf_putc(&t->words, ' ');
        buf_puts(&t->html, i + 1 == count ? "." : test_random(t) % 11 == 0 ? ". " : " ");
    }
}

static void test_paragraph(struct test_article *t, int count)
{
    test_html(t, "<p>");
    test_prose(t, count);
    test_html(t, "</p>\n");
}

static void test_heading(struct test_article *t, int level, const char *title)
{
    buf_printf(&t->html, "<h%d>", level);
    test_text(t, title);
    buf_printf(&t->html, "</h%d>\n", level);
}

#define TEST_LINK "https://example.org/linked/page?from=pdf"

/* About 3,500 words with every construction the renderer knows. */
static void test_make_article(struct test_article *t)
{
    *t = (struct test_article){.seed = 42};
    for (size_t s = 0; s < sizeof test_headings / sizeof test_headings[0]; s++) {
        test_heading(t, 2, test_headings[s]);
        for (int p = 0; p < 4; p++) {
            if (p == 2) {
                buf heading = {0};
                buf_printf(&heading, "Subsection %zu Detail", s + 1);
                test_heading(t, 3, buf_cstr(&heading));
                buf_free(&heading);
            }
            test_paragraph(t, 55 + (int)(test_random(t) % 40));
        }
        switch (s) {
        case 0:
            test_html(t, "<p>");
            test_text(t, "“Curly quotes” and ‘single ones’ — an em dash — then Cyrillic Привет "
                         "мир and Arabic");
            test_text(t, "مرحبا");
            test_text(t, "inside a sentence, then-President style compounds, and a");
            test_html(t, "<a href=\"" TEST_LINK "\">");
            test_text(t, "link to a page elsewhere");
            test_html(t, "</a>");
            test_text(t, "plus a");
            test_html(t, "<a href=\"/about/\">");
            test_text(t, "relative one");
            test_html(t, "</a>");
            test_text(t, "with");
            test_html(t, "<em>");
            test_text(t, "emphasis");
            test_html(t, "</em>.</p>\n");
            break;
        case 1:
            test_html(t, "<blockquote><p>");
            test_prose(t, 60);
            test_html(t, "</p><p>");
            test_prose(t, 40);
            test_html(t, "</p></blockquote>\n");
            break;
        case 3:
            test_html(t, "<ul><li>");
            test_text(t, "first bullet item");
            test_html(t, "</li><li>");
            test_prose(t, 30);
            test_html(t, "<ul><li>");
            test_text(t, "nested bullet");
            test_html(t, "</li></ul></li></ul><ol><li>");
            test_text(t, "first numbered");
            test_html(t, "</li><li>");
            test_text(t, "second numbered");
            test_html(t, "</li></ol>\n");
            break;
        case 4:
            test_html(t, "<pre><code>");
            test_text(t, "int main(void)\n{\n    return 0;\n}");
            test_html(t, "</code></pre>\n<table><tr><th>");
            test_text(t, "Country");
            test_html(t, "</th><th>");
            test_text(t, "Share");
            test_html(t, "</th></tr><tr><td>");
            test_text(t, "Mexico");
            test_html(t, "</td><td>");
            test_text(t, "sixty");
            test_html(t, "</td></tr></table>\n");
            break;
        case 5:
            test_html(t, "<figure><img src=\"https://example.org/a.png\" alt=\"A chart of "
                         "trade\"><figcaption>");
            test_expect(t, "[image: A chart of trade]");
            test_text(t, "The caption of the chart");
            test_html(t, "</figcaption></figure>\n");
            break;
        default:
            break;
        }
    }
    test_html(t, "<p class=\"footnote\">");
    test_text(t, "* A footnote in smaller type, as footnotes are.");
    test_html(t, "</p>\n");
}

/* ---- reading PDFs back ---- */

static char *test_write_temp(const buf *pdf)
{
    char *path = strdup("/tmp/gazette-test-pdf-XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf->ptr, 1, pdf->len, f), pdf->len);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The standard output of `command` (which must succeed). */
static void test_run(const char *command, buf *out)
{
    FILE *p = popen(command, "r");
    assert_non_null(p);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(out, chunk, n);
    assert_int_equal(pclose(p), 0);
}

static void test_tool(const char *tool, const char *options, const char *path, buf *out)
{
    buf command = {0};
    buf_printf(&command, "%s %s '%s' %s", tool, options, path,
               strcmp(tool, "pdftotext") == 0 ? "-" : "");
    test_run(buf_cstr(&command), out);
    buf_free(&command);
}

/* Leading and trailing punctuation, ASCII or typographic, is not part of a word. */
static size_t test_punctuation_at(const char *s, size_t len)
{
    static const char *const marks[] = {"“", "”", "‘", "’", "—", "–", "…", "•", "◦"};
    if (len && (s[0] == '.' || s[0] == ',' || s[0] == ';' || s[0] == ':' || s[0] == '!' ||
                s[0] == '?' || s[0] == '"' || s[0] == '\'' || s[0] == '(' || s[0] == ')' ||
                s[0] == '*' || s[0] == '[' || s[0] == ']' || s[0] == '{' || s[0] == '}'))
        return 1;
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        size_t n = strlen(marks[k]);
        if (len >= n && memcmp(s, marks[k], n) == 0)
            return n;
    }
    return 0;
}

static size_t test_punctuation_before(const char *s, size_t len)
{
    for (size_t n = 1; n <= 3 && n <= len; n++)
        if (test_punctuation_at(s + len - n, n) == n)
            return n;
    return 0;
}

/* Splits text into words: runs without white space (and without markup), stripped of
 * punctuation at both ends, ASCII letters lower-cased; the caller frees the array and its
 * strings. */
static char **test_words(const char *text, size_t *count)
{
    size_t cap = 1024, n = 0;
    char **words = malloc(cap * sizeof *words);
    assert_non_null(words);
    /* bidi embedding marks (pdftotext puts them around right-to-left runs) separate words */
    char *copy = strdup(text);
    assert_non_null(copy);
    for (char *c = copy; *c; c++)
        if ((unsigned char)c[0] == 0xE2 && (unsigned char)c[1] == 0x80 &&
            (unsigned char)c[2] >= 0xAA && (unsigned char)c[2] <= 0xAE)
            c[0] = c[1] = c[2] = ' ';
    const char *p = copy;
    while (*p) {
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\f' || *p == '\r')
            p++;
        if (*p == '<') { /* markup in the expected words */
            while (*p && *p != '>')
                p++;
            if (*p)
                p++;
            continue;
        }
        const char *start = p;
        while (*p && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\f' && *p != '\r' && *p != '<')
            p++;
        size_t len = (size_t)(p - start);
        size_t cut;
        while ((cut = test_punctuation_at(start, len)) > 0) {
            start += cut;
            len -= cut;
        }
        while ((cut = test_punctuation_before(start, len)) > 0)
            len -= cut;
        if (!len)
            continue;
        if (n == cap) {
            cap *= 2;
            char **grown = realloc(words, cap * sizeof *words);
            assert_non_null(grown);
            words = grown;
        }
        char *word = strndup(start, len);
        assert_non_null(word);
        for (char *c = word; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        words[n++] = word;
    }
    free(copy);
    *count = n;
    return words;
}

static void test_free_words(char **words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(words[i]);
    free(words);
}

/* The share of `expected` found in order in `actual` (longest common subsequence). */
static double test_in_order(char **expected, size_t n, char **actual, size_t m)
{
    unsigned *previous = calloc(m + 1, sizeof *previous);
    unsigned *current = calloc(m + 1, sizeof *current);
    assert_true(previous && current);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m; j++) {
            if (strcmp(expected[i], actual[j]) == 0)
                current[j + 1] = previous[j] + 1;
            else
                current[j + 1] = previous[j + 1] > current[j] ? previous[j + 1] : current[j];
        }
        unsigned *swap = previous;
        previous = current;
        current = swap;
    }
    double share = n ? (double)previous[m] / (double)n : 1.0;
    free(previous);
    free(current);
    return share;
}

/* True when the raw PDF has the string as a literal (…) or as UTF-16BE hex <FEFF…>. */
static bool test_pdf_has_string(const buf *pdf, const char *prefix, const char *text)
{
    buf needle = {0};
    buf_printf(&needle, "%s(%s)", prefix, text);
    bool found = memmem(pdf->ptr, pdf->len, needle.ptr, needle.len) != NULL;
    buf_reset(&needle);
    buf_printf(&needle, "%s<FEFF", prefix);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        buf_printf(&needle, "%04X", *p); /* ASCII only in the texts looked for */
    buf_putc(&needle, '>');
    found = found || memmem(pdf->ptr, pdf->len, needle.ptr, needle.len) != NULL;
    buf_free(&needle);
    return found;
}

static struct pdf_article test_article_of(const struct test_article *t)
{
    return (struct pdf_article){
        .site_title = "The Test Gazette",
        .title = "A Long Generated Article — Testing PDF Output",
        .author = "Ada Tester",
        .date = "25 April 2023",
        .date_iso = "2023-04-25T09:00:00Z",
        .url = "https://example.org/2023/04/generated-article/",
        .body_html = t->html.ptr,
        .paper = PDF_PAPER_A4,
        .text_size = PDF_TEXT_NORMAL,
        .images = true,
    };
}

static void test_render(const struct pdf_article *article, buf *pdf)
{
    buf error = {0};
    int rc = render_pdf(article, pdf, &error);
    if (rc != 0)
        fail_msg("render_pdf: %s", buf_cstr(&error));
    assert_true(pdf->len > 1000);
    assert_memory_equal(pdf->ptr, "%PDF-", 5);
    buf_free(&error);
}

/* Fails unless each of strings[] occurs in text after the one before it. */
static void test_in_sequence(const char *text, const char *const *strings, size_t count)
{
    const char *at = text;
    for (size_t i = 0; i < count; i++) {
        const char *found = strstr(at, strings[i]);
        if (!found)
            fail_msg("\"%s\" missing or out of order in:\n%s", strings[i], text);
        at = found + strlen(strings[i]);
    }
}

/* pdfinfo's value for `key`, e.g. "Pages", or "" */
static void test_info_value(const buf *info, const char *key, buf *value)
{
    buf_reset(value);
    buf needle = {0};
    buf_printf(&needle, "\n%s:", key);
    const char *at = strstr(info->ptr, needle.ptr);
    if (!at && strncmp(info->ptr, needle.ptr + 1, needle.len - 1) == 0)
        at = info->ptr - 1;
    if (at) {
        at += needle.len;
        while (*at == ' ')
            at++;
        buf_append(value, at, strcspn(at, "\n"));
    }
    buf_free(&needle);
}

/* ---- tests ---- */

static void test_words_in_order(void **state)
{
    (void)state;
    struct test_article t;
    test_make_article(&t);
    struct pdf_article article = test_article_of(&t);
    buf pdf = {0}, text = {0};
    test_render(&article, &pdf);
    char *path = test_write_temp(&pdf);
    test_tool("pdftotext", "-enc UTF-8", path, &text);

    size_t n, m;
    char **expected = test_words(t.words.ptr, &n);
    char **actual = test_words(text.ptr, &m);
    assert_true(n >= 3000);
    double share = test_in_order(expected, n, actual, m);
    print_message("%zu words expected, %zu read back, %.2f%% in order\n", n, m, share * 100);
    assert_true(share >= 0.99);

    assert_non_null(strstr(text.ptr, "Привет"));
    assert_non_null(strstr(text.ptr, "مرحبا"));
    assert_non_null(strstr(text.ptr, "“Curly quotes”"));
    assert_non_null(strstr(text.ptr, "—"));
    assert_non_null(strstr(text.ptr, "[image: A chart of trade]"));
    assert_null(strstr(text.ptr, "\xC2\xAD")); /* no soft hyphen */
    assert_non_null(strstr(text.ptr, "The Test Gazette"));
    assert_non_null(strstr(text.ptr, "Ada Tester · 25 April 2023"));
    assert_non_null(strstr(text.ptr, "https://example.org/2023/04/generated-article/"));

    test_free_words(expected, n);
    test_free_words(actual, m);
    unlink(path);
    free(path);
    buf_free(&pdf);
    buf_free(&text);
    buf_free(&t.html);
    buf_free(&t.words);
}

/* Every page ends with its footer, and no page's last text line before it is a heading. */
static void test_pages_and_headings(void **state)
{
    (void)state;
    struct test_article t;
    test_make_article(&t);
    struct pdf_article article = test_article_of(&t);
    buf pdf = {0}, text = {0}, info = {0}, value = {0};
    test_render(&article, &pdf);
    char *path = test_write_temp(&pdf);
    test_tool("pdfinfo", "", path, &info);
    test_info_value(&info, "Pages", &value);
    int pages = atoi(buf_cstr(&value));
    print_message("%d pages\n", pages);
    assert_true(pages >= 5);
    test_tool("pdftotext", "-enc UTF-8", path, &text);

    char *rest = text.ptr;
    for (int page = 1; page <= pages; page++) {
        char *end = strchr(rest, '\f');
        assert_non_null(end);
        *end = '\0';
        /* the last two non-empty lines: the one before the footer, the footer */
        char *lines[2] = {NULL, NULL};
        for (char *line = strtok(rest, "\n"); line; line = strtok(NULL, "\n")) {
            lines[0] = lines[1];
            lines[1] = line;
        }
        assert_non_null(lines[0]);
        buf footer = {0};
        buf_printf(&footer, "A Long Generated Article — Testing PDF Output — page %d of %d", page,
                   pages);
        assert_string_equal(lines[1], buf_cstr(&footer));
        buf_free(&footer);
        for (size_t h = 0; h < sizeof test_headings / sizeof test_headings[0]; h++)
            assert_string_not_equal(lines[0], test_headings[h]);
        assert_false(strncmp(lines[0], "Subsection ", 11) == 0);
        rest = end + 1;
    }

    test_info_value(&info, "Title", &value);
    assert_string_equal(buf_cstr(&value), "A Long Generated Article — Testing PDF Output");
    test_info_value(&info, "Author", &value);
    assert_string_equal(buf_cstr(&value), "Ada Tester");
    test_info_value(&info, "Creator", &value);
    assert_string_equal(buf_cstr(&value), "gazette");
    test_info_value(&info, "CreationDate", &value);
    assert_non_null(strstr(buf_cstr(&value), "2023"));
    test_info_value(&info, "Page size", &value);
    assert_non_null(strstr(buf_cstr(&value), "(A4)"));

    unlink(path);
    free(path);
    buf_free(&pdf);
    buf_free(&text);
    buf_free(&info);
    buf_free(&value);
    buf_free(&t.html);
    buf_free(&t.words);
}

static void test_outline_and_links(void **state)
{
    (void)state;
    struct test_article t;
    test_make_article(&t);
    struct pdf_article article = test_article_of(&t);
    buf pdf = {0};
    test_render(&article, &pdf);
    assert_non_null(memmem(pdf.ptr, pdf.len, "/Outlines", 9));
    for (size_t h = 0; h < sizeof test_headings / sizeof test_headings[0]; h++)
        if (!test_pdf_has_string(&pdf, "/Title ", test_headings[h]))
            fail_msg("no outline entry for \"%s\"", test_headings[h]);
    assert_true(test_pdf_has_string(&pdf, "/Title ", "Subsection 3 Detail"));
    assert_true(test_pdf_has_string(&pdf, "/URI ", TEST_LINK));
    assert_true(test_pdf_has_string(&pdf, "/URI ", "https://example.org/about/"));
    assert_true(test_pdf_has_string(&pdf, "/URI ", article.url));
    assert_non_null(memmem(pdf.ptr, pdf.len, "/Subtype /Link", 14));
    buf_free(&pdf);
    buf_free(&t.html);
    buf_free(&t.words);
}

static void test_paper_and_sizes(void **state)
{
    (void)state;
    struct test_article t;
    test_make_article(&t);
    struct pdf_article article = test_article_of(&t);
    int pages[3];
    for (int size = PDF_TEXT_NORMAL; size <= PDF_TEXT_LARGE; size++) {
        article.paper = PDF_PAPER_LETTER;
        article.text_size = size;
        buf pdf = {0}, info = {0}, value = {0};
        test_render(&article, &pdf);
        char *path = test_write_temp(&pdf);
        test_tool("pdfinfo", "", path, &info);
        test_info_value(&info, "Page size", &value);
        assert_string_equal(buf_cstr(&value), "612 x 792 pts (letter)");
        test_info_value(&info, "Pages", &value);
        pages[size] = atoi(buf_cstr(&value));
        unlink(path);
        free(path);
        buf_free(&pdf);
        buf_free(&info);
        buf_free(&value);
    }
    assert_true(pages[PDF_TEXT_SMALL] < pages[PDF_TEXT_NORMAL]);
    assert_true(pages[PDF_TEXT_NORMAL] < pages[PDF_TEXT_LARGE]);
    buf_free(&t.html);
    buf_free(&t.words);
}

static void test_images_and_comments(void **state)
{
    (void)state;
    struct pdf_comment comments[] = {
        {1, 1, "Reader One", "2023-04-25 10:00", "<p>First comment words here.</p>"},
        {2, 2, "Replier", "2023-04-25 10:05",
         "<p>A reply <em>with</em> a <a href=\"https://example.net/r\">link</a>.</p>"},
        {1, 3, "Reader Three", "2023-04-25 10:10", "<blockquote><p>Quoted</p></blockquote>"},
    };
    struct pdf_article article = {
        .title = "Short",
        .body_html = "<p>Body text.</p><p><img src=\"x.png\" alt=\"A photo\"></p><p>After.</p>",
        .comments = comments,
        .comment_count = 3,
        .images = false,
    };
    buf pdf = {0}, text = {0};
    test_render(&article, &pdf);
    char *path = test_write_temp(&pdf);
    test_tool("pdftotext", "-enc UTF-8", path, &text);
    assert_null(strstr(text.ptr, "[image"));
    const char *order[] = {"Body text.",
                           "After.",
                           "Comments",
                           "1. Reader One — 2023-04-25 10:00",
                           "First comment words here.",
                           "2. Replier — 2023-04-25 10:05",
                           "A reply with a link.",
                           "3. Reader Three",
                           "Quoted",
                           "Short — page 1 of 1"};
    test_in_sequence(text.ptr, order, sizeof order / sizeof order[0]);
    assert_true(test_pdf_has_string(&pdf, "/Title ", "Comments"));
    assert_true(test_pdf_has_string(&pdf, "/URI ", "https://example.net/r"));
    unlink(path);
    free(path);

    article.images = true;
    buf_reset(&pdf);
    buf_reset(&text);
    test_render(&article, &pdf);
    path = test_write_temp(&pdf);
    test_tool("pdftotext", "-enc UTF-8", path, &text);
    const char *with_image[] = {"Body text.", "[image: A photo]", "After."};
    test_in_sequence(text.ptr, with_image, 3);
    unlink(path);
    free(path);
    buf_free(&pdf);
    buf_free(&text);
}

static void test_errors(void **state)
{
    (void)state;
    buf out = {0}, error = {0};
    struct pdf_article article = {.title = NULL};
    assert_int_equal(render_pdf(&article, &out, &error), -1);
    assert_non_null(strstr(buf_cstr(&error), "title"));
    assert_int_equal(out.len, 0);
    buf_reset(&error);
    article.title = "T";
    article.paper = 7;
    assert_int_equal(render_pdf(&article, &out, &error), -1);
    assert_non_null(strstr(buf_cstr(&error), "paper"));
    assert_int_equal(out.len, 0);
    buf_reset(&error);
    article.paper = PDF_PAPER_A4;
    article.text_size = -1;
    assert_int_equal(render_pdf(&article, &out, &error), -1);
    assert_int_equal(out.len, 0);
    /* hostile but survivable input: invalid UTF-8, deep nesting, empty body */
    buf html = {0};
    for (int i = 0; i < 300; i++)
        buf_puts(&html, "<blockquote><ul><li>");
    buf_puts(&html, "deep \xff\xfe text");
    article.text_size = PDF_TEXT_LARGE;
    article.title = "Bad \xff title";
    article.body_html = html.ptr;
    buf_reset(&error);
    test_render(&article, &out);
    buf_reset(&out);
    article.body_html = NULL;
    test_render(&article, &out);
    buf_free(&html);
    buf_free(&out);
    buf_free(&error);
}

/* ---- every script ---- */

#define TEST_ARABIC "مرحبا بالعالم، هذه فقرة عربية كاملة"
#define TEST_HEBREW "שלום עולם, זו פסקה בעברית"
#define TEST_CHINESE "中文段落：你好，世界。"
#define TEST_TRADITIONAL "繁體中文：臺灣的學校"
#define TEST_JAPANESE "日本語の段落：こんにちは世界。"
#define TEST_KOREAN "한국어 문단입니다"
#define TEST_THAI "ภาษาไทยสวัสดีชาวโลก"
#define TEST_CYRILLIC "Русский текст здесь"
#define TEST_EMOJI "😀 🎉 👍🏽"

static const char test_scripts_html[] =
    "<p>English first, then " TEST_CYRILLIC ".</p>\n"
    "<p>" TEST_ARABIC ".</p>\n"
    "<p>" TEST_HEBREW ".</p>\n"
    "<p dir=\"rtl\">Gazette " TEST_ARABIC "</p>\n"
    "<p>" TEST_CHINESE "</p>\n"
    "<p lang=\"zh-TW\">" TEST_TRADITIONAL "</p>\n"
    "<p>" TEST_JAPANESE "</p>\n"
    "<p>" TEST_KOREAN "</p>\n"
    "<p>" TEST_THAI "</p>\n"
    "<p>Faces: " TEST_EMOJI "</p>\n"
    "<ul dir=\"rtl\" lang=\"he\"><li>" TEST_HEBREW "</li></ul>\n";

/* The text of a PDF as pdftotext gives it, without the bidi marks it puts around runs of
 * right-to-left text (U+202A…U+202E). */
static void test_text_without_marks(const char *path, const char *options, buf *out)
{
    buf text = {0};
    test_tool("pdftotext", options, path, &text);
    for (const char *p = text.ptr; *p; p++) {
        if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
            (unsigned char)p[2] >= 0xAA && (unsigned char)p[2] <= 0xAE) {
            p += 2;
            continue;
        }
        buf_putc(out, *p);
    }
    buf_free(&text);
}

/* Pixels of emoji yellow in a PPM (P6) page: nothing else on the page has that colour. */
static size_t test_yellow_pixels(const buf *ppm)
{
    int width, height, max, used = 0;
    assert_int_equal(sscanf(ppm->ptr, "P6 %d %d %d%n", &width, &height, &max, &used), 3);
    const unsigned char *p = (const unsigned char *)ppm->ptr + used + 1;
    size_t count = 0, pixels = (size_t)width * (size_t)height;
    assert_true((size_t)used + 1 + pixels * 3 <= ppm->len);
    for (size_t i = 0; i < pixels; i++, p += 3)
        if (p[0] > 200 && p[1] > 140 && p[2] < 90)
            count++;
    return count;
}

/* Arabic, Hebrew, Chinese, Japanese, Korean, Thai, Cyrillic and emoji: each in a Noto font
 * that is embedded, its text extractable in logical order, right-to-left paragraphs on the
 * right (dir="rtl" too, even when it starts with a Latin word), emoji in colour. */
static void test_every_script(void **state)
{
    (void)state;
    struct pdf_article article = {
        .site_title = "The Test Paper",
        .title = "Scripts " TEST_CHINESE " " TEST_EMOJI,
        .author = "Ada Tester",
        .url = "https://example.org/scripts/",
        .body_html = test_scripts_html,
    };
    buf pdf = {0}, text = {0}, fonts = {0}, left = {0}, right = {0}, ppm = {0};
    test_render(&article, &pdf);
    char *path = test_write_temp(&pdf);

    test_tool("pdffonts", "", path, &fonts);
    static const char *const embedded[] = {
        "NotoSerif-Regular",       "NotoSans-Bold",          "NotoNaskhArabic-Regular",
        "NotoSerifHebrew-Regular", "NotoSerifCJKsc-Regular", "NotoSerifCJKtc-Regular",
        "NotoSerifCJKjp-Regular",  "NotoSerifCJKkr-Regular", "NotoSerifThai-Regular",
    };
    for (size_t i = 0; i < sizeof embedded / sizeof embedded[0]; i++) {
        buf line = {0};
        buf_printf(&line, "+%s ", embedded[i]);
        const char *at = strstr(fonts.ptr, line.ptr);
        if (!at)
            fail_msg("%s is not in the PDF's fonts:\n%s", embedded[i], fonts.ptr);
        /* "emb" is the column after the type and encoding: the row says yes */
        assert_non_null(strstr(at, " yes "));
        assert_true(strstr(at, " yes ") < strchr(at, '\n'));
        buf_free(&line);
    }

    /* the words of every script, in logical order */
    test_text_without_marks(path, "-enc UTF-8", &text);
    static const char *const strings[] = {
        TEST_CYRILLIC, "مرحبا بالعالم",  "هذه فقرة عربية كاملة", "שלום עולם", "זו פסקה בעברית",
        TEST_CHINESE,  TEST_TRADITIONAL, TEST_JAPANESE,          TEST_KOREAN, TEST_THAI,
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (!strstr(text.ptr, strings[i]))
            fail_msg("\"%s\" is not in the text of the PDF:\n%s", strings[i], text.ptr);

    /* right-to-left paragraphs, short ones, are in the right half of the page (A4 is 595
     * points wide); dir="rtl" puts the Latin word that starts its paragraph there too */
    test_text_without_marks(path, "-enc UTF-8 -x 298 -y 0 -W 297 -H 842", &right);
    test_text_without_marks(path, "-enc UTF-8 -x 0 -y 0 -W 297 -H 842", &left);
    static const char *const on_the_right[] = {"مرحبا بالعالم", "שלום עולם", "Gazette"};
    for (size_t i = 0; i < sizeof on_the_right / sizeof on_the_right[0]; i++) {
        if (!strstr(right.ptr, on_the_right[i]))
            fail_msg("\"%s\" is not on the right:\n%s", on_the_right[i], right.ptr);
        if (strstr(left.ptr, on_the_right[i]))
            fail_msg("\"%s\" is on the left:\n%s", on_the_right[i], left.ptr);
    }
    assert_non_null(strstr(left.ptr, "English first"));
    assert_null(strstr(right.ptr, "English"));

    /* emoji are drawn in colour (Noto Color Emoji's bitmaps) */
    test_tool("pdftoppm", "-r 150 -f 1 -l 1", path, &ppm);
    size_t yellow = test_yellow_pixels(&ppm);
    print_message("%zu pixels of emoji yellow\n", yellow);
    assert_true(yellow > 100);

    unlink(path);
    free(path);
    buf_free(&pdf);
    buf_free(&text);
    buf_free(&fonts);
    buf_free(&left);
    buf_free(&right);
    buf_free(&ppm);
}

/* Several threads rendering at once give the same bytes as one thread alone. */
struct test_thread {
    const struct pdf_article *article; /* shared, read-only */
    const buf *reference;              /* the single-threaded result */
    int failures;                      /* renders that failed or differed */
};

static void *test_thread_main(void *arg)
{
    struct test_thread *job = arg;
    for (int i = 0; i < 4; i++) {
        buf out = {0}, error = {0};
        if (render_pdf(job->article, &out, &error) != 0 || out.len != job->reference->len ||
            memcmp(out.ptr, job->reference->ptr, out.len) != 0)
            job->failures++;
        buf_free(&out);
        buf_free(&error);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    struct test_article t;
    test_make_article(&t);
    struct pdf_article article = test_article_of(&t);
    buf reference = {0};
    test_render(&article, &reference);
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    struct test_thread jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct test_thread){&article, &reference, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, test_thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(jobs[i].failures, 0);
    }
    buf_free(&reference);
    buf_free(&t.html);
    buf_free(&t.words);
}

static double test_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static int test_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reports the median time of 20 renders (no limit: sanitizer builds are slow). */
static void test_timing(void **state)
{
    (void)state;
    struct test_article t;
    test_make_article(&t);
    struct pdf_article article = test_article_of(&t);
    double times[20];
    for (int i = 0; i < 20; i++) {
        buf out = {0};
        double start = test_now_ms();
        test_render(&article, &out);
        times[i] = test_now_ms() - start;
        buf_free(&out);
    }
    qsort(times, 20, sizeof times[0], test_compare_doubles);
    print_message("render_pdf: median of 20 %.1f ms (min %.1f, max %.1f)\n",
                  (times[9] + times[10]) / 2, times[0], times[19]);
    buf_free(&t.html);
    buf_free(&t.words);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_in_order),
        cmocka_unit_test(test_pages_and_headings),
        cmocka_unit_test(test_outline_and_links),
        cmocka_unit_test(test_paper_and_sizes),
        cmocka_unit_test(test_images_and_comments),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_every_script),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_timing),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* The process's pango font map and fontconfig's caches are kept for the life of the
     * process; release them so that LeakSanitizer sees only what render_pdf could leak. */
    render_pdf_release();
    FcFini();
    return failed;
}
