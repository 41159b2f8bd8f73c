/* test_template.c: unit tests of the template engine: escaping, sections, partials, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/template.h"
#include "util/alloc.h"

/* One temporary theme folder per test; the fixture owns everything the test allocates. */
typedef struct fixture {
    char dir[64];      /* mkdtemp() folder holding the test's NAME.html files */
    arena memory;      /* data of the renders */
    template_set *set; /* the loaded folder, NULL until load() */
    buf out;           /* last render */
    buf error;         /* last error message */
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s", "/tmp/gazette-template-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            buf path = {0};
            buf_printf(&path, "%s/%s", f->dir, e->d_name);
            unlink(buf_cstr(&path));
            buf_free(&path);
        }
        closedir(d);
    }
    rmdir(f->dir);
    template_free(f->set);
    arena_free(&f->memory);
    buf_free(&f->out);
    buf_free(&f->error);
    free(f);
    return 0;
}

static void put(fixture *f, const char *name, const char *content)
{
    buf path = {0};
    buf_printf(&path, "%s/%s.html", f->dir, name);
    FILE *fp = fopen(buf_cstr(&path), "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(content, 1, strlen(content), fp), strlen(content));
    assert_int_equal(fclose(fp), 0);
    buf_free(&path);
}

static void drop(fixture *f, const char *name)
{
    buf path = {0};
    buf_printf(&path, "%s/%s.html", f->dir, name);
    assert_int_equal(unlink(buf_cstr(&path)), 0);
    buf_free(&path);
}

static void load(fixture *f)
{
    template_free(f->set);
    f->set = template_load_dir(f->dir, &f->error);
    if (!f->set)
        fail_msg("load failed: %s", buf_cstr(&f->error));
}

static const char *render(fixture *f, const char *name, const template_data *data)
{
    buf_reset(&f->out);
    if (template_render(f->set, name, data, &f->out, &f->error) != 0)
        fail_msg("render failed: %s", buf_cstr(&f->error));
    return buf_cstr(&f->out);
}

/* Loads a folder holding `content` as bad.html and checks the whole message, which must start
 * with the file's path and line. */
static void expect_load_error(fixture *f, const char *content, const char *expected_after_path)
{
    put(f, "bad", content);
    template_free(f->set);
    buf_reset(&f->error);
    f->set = template_load_dir(f->dir, &f->error);
    assert_null(f->set);
    buf expected = {0};
    buf_printf(&expected, "%s/bad.html:%s", f->dir, expected_after_path);
    assert_string_equal(buf_cstr(&f->error), buf_cstr(&expected));
    buf_free(&expected);
    drop(f, "bad");
}

/* ---- escaping ---- */

static void test_text_and_attr_escaping(void **state)
{
    fixture *f = *state;
    put(f, "t", "<p>{{v}}</p><div title=\"{{v|attr}}\"></div>");
    load(f);
    template_data *d = template_data_new(&f->memory);

    template_set_str(d, "v", "<script>alert('x')&</script>");
    assert_string_equal(
        render(f, "t", d),
        "<p>&lt;script&gt;alert(&#39;x&#39;)&amp;&lt;/script&gt;</p>"
        "<div title=\"&lt;script&gt;alert(&#39;x&#39;)&amp;&lt;/script&gt;\"></div>");

    template_set_str(d, "v", "\"onmouseover=alert(1) x='");
    assert_string_equal(render(f, "t", d),
                        "<p>&quot;onmouseover=alert(1) x=&#39;</p>"
                        "<div title=\"&quot;onmouseover=alert(1) x=&#39;\"></div>");

    /* an entity in user data stays text, it is not decoded into markup */
    template_set_str(d, "v", "&lt;b&gt;");
    assert_string_equal(render(f, "t", d),
                        "<p>&amp;lt;b&amp;gt;</p><div title=\"&amp;lt;b&amp;gt;\"></div>");
}

static void test_url_escaping(void **state)
{
    fixture *f = *state;
    put(f, "u", "<a href=\"{{u|url}}\">");
    load(f);
    template_data *d = template_data_new(&f->memory);
    static const struct {
        const char *value;
        const char *expected;
    } cases[] = {
        /* refused schemes, however they are disguised */
        {"javascript:alert(1)", "<a href=\"#\">"},
        {" JaVaScRiPt:alert(1)", "<a href=\"#\">"},
        {"java\tscript:alert(1)", "<a href=\"#\">"},
        {"java\nscript:alert(1)", "<a href=\"#\">"},
        {"\x01javascript:alert(1)", "<a href=\"#\">"},
        {"jav\177ascript:alert(1)", "<a href=\"#\">"},
        {"data:text/html,<script>alert(1)</script>", "<a href=\"#\">"},
        {"vbscript:msgbox(1)", "<a href=\"#\">"},
        {"foo:bar", "<a href=\"#\">"},
        {"averyveryverylongscheme:x", "<a href=\"#\">"},
        /* allowed schemes, any case */
        {"https://example.com/a b?x=1&y=\"2\"",
         "<a href=\"https://example.com/a%20b?x=1&amp;y=%222%22\">"},
        {"HTTP://Example.com/", "<a href=\"HTTP://Example.com/\">"},
        {"mailto:ed@example.com", "<a href=\"mailto:ed@example.com\">"},
        /* relative URLs: a ':' after '/', '?' or '#' is no scheme */
        {"  /path/<x>'`  ", "<a href=\"/path/%3Cx%3E%27%60\">"},
        {"page?next=javascript:alert(1)", "<a href=\"page?next=javascript:alert(1)\">"},
        {"#top", "<a href=\"#top\">"},
        /* an entity is no scheme: '&' is escaped, so the browser sees a '#' fragment */
        {"&#106;avascript:alert(1)", "<a href=\"&amp;#106;avascript:alert(1)\">"},
        {"//cdn.example.com/x.js", "<a href=\"//cdn.example.com/x.js\">"},
        {"a\177b\tc", "<a href=\"a%7Fb%09c\">"},
        {"caf\xc3\xa9", "<a href=\"caf\xc3\xa9\">"},
        {"   ", "<a href=\"\">"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        template_set_str(d, "u", cases[i].value);
        const char *got = render(f, "u", d);
        if (strcmp(got, cases[i].expected) != 0)
            fail_msg("url case %zu: got %s, want %s", i, got, cases[i].expected);
    }
}

static void test_json_escaping(void **state)
{
    fixture *f = *state;
    put(f, "j", "<script>var v = {{v|json}}, n = {{n|json}}, b = {{b|json}};</script>");
    load(f);
    template_data *d = template_data_new(&f->memory);
    template_set_str(d, "v",
                     "</script><script>\"a\\b\"\n\r\t&\xe2\x80\xa8\xe2\x80\xa9\x01\x1f\xc3\xa9'");
    template_set_int(d, "n", -42);
    template_set_bool(d, "b", true);
    assert_string_equal(
        render(f, "j", d),
        "<script>var v = \"\\u003c/script\\u003e\\u003cscript\\u003e\\\"a\\\\b\\\"\\n"
        "\\r\\t\\u0026\\u2028\\u2029\\u0001\\u001f\xc3\xa9'\", n = -42, b = true;"
        "</script>");

    template_set_str(d, "v", "");
    assert_string_equal(render(f, "j", d), "<script>var v = \"\", n = -42, b = true;</script>");
}

static void test_html_values(void **state)
{
    fixture *f = *state;
    put(f, "h", "{{b}}|{{b|attr}}|{{b|url}}|{{b|json}}");
    load(f);
    template_data *d = template_data_new(&f->memory);
    template_set_html(d, "b", "<p>Hi &amp; bye</p>");
    assert_string_equal(render(f, "h", d),
                        "<p>Hi &amp; bye</p>"
                        "|&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;"
                        "|%3Cp%3EHi%20&amp;amp;%20bye%3C/p%3E"
                        "|\"\\u003cp\\u003eHi \\u0026amp; bye\\u003c/p\\u003e\"");
    /* the text filter spelled out is the default, so html stays raw there too */
    put(f, "h", "{{b|text}}");
    load(f);
    assert_string_equal(render(f, "h", d), "<p>Hi &amp; bye</p>");
}

static void test_scalars_and_replacement(void **state)
{
    fixture *f = *state;
    put(f, "s", "[{{n}}][{{m}}][{{yes}}][{{no}}][{{k}}][{{missing}}][{{list}}]");
    load(f);
    template_data *d = template_data_new(&f->memory);
    template_set_int(d, "n", 1234567890123LL);
    template_set_int(d, "m", -7);
    template_set_bool(d, "yes", true);
    template_set_bool(d, "no", false);
    template_set_str(d, "k", "first");
    template_set_str(d, "k", "second");
    template_add_item(d, "list");
    assert_string_equal(render(f, "s", d), "[1234567890123][-7][true][false][second][][]");

    template_set_int(d, "k", 3);
    template_set_str(d, "n", NULL); /* unset */
    assert_string_equal(render(f, "s", d), "[][-7][true][false][3][][]");

    /* unsetting a key set three times leaves none of its values behind */
    template_set_str(d, "k", NULL);
    assert_string_equal(render(f, "s", d), "[][-7][true][false][][][]");

    /* NULL data: every key is missing */
    assert_string_equal(render(f, "s", NULL), "[][][][][][][]");
}

/* ---- sections ---- */

static void test_sections(void **state)
{
    fixture *f = *state;
    put(f, "s",
        "{{#items}}[{{name}}]{{/items}}|{{#yes}}Y{{name}}{{/yes}}{{#no}}N{{/no}}|"
        "{{#n}}I{{/n}}{{#zero}}Z{{/zero}}|{{#s}}S{{/s}}{{#empty}}E{{/empty}}|"
        "{{#missing}}M{{/missing}}|{{#html}}H{{/html}}");
    put(f, "i",
        "{{^items}}A{{/items}}{{^no}}B{{/no}}{{^zero}}C{{/zero}}{{^empty}}D{{/empty}}"
        "{{^missing}}E{{/missing}}{{^yes}}F{{/yes}}{{^n}}G{{/n}}{{^s}}H{{/s}}");
    load(f);
    template_data *d = template_data_new(&f->memory);
    template_set_str(template_add_item(d, "items"), "name", "a");
    template_set_str(template_add_item(d, "items"), "name", "<b>");
    template_set_str(d, "name", "root");
    template_set_bool(d, "yes", true);
    template_set_bool(d, "no", false);
    template_set_int(d, "n", -3);
    template_set_int(d, "zero", 0);
    template_set_str(d, "s", "x");
    template_set_str(d, "empty", "");
    template_set_html(d, "html", "<i>");
    /* a bool section keeps the context: {{name}} inside {{#yes}} is the root's */
    assert_string_equal(render(f, "s", d), "[a][&lt;b&gt;]|Yroot|I|S||H");
    assert_string_equal(render(f, "i", d), "BCDE");
}

static void test_nested_lists_and_outer_lookup(void **state)
{
    fixture *f = *state;
    put(f, "n",
        "{{#posts}}<{{title}}:{{#tags}}{{name}}/{{title}}/{{site}};{{/tags}}>{{/posts}}"
        "{{#posts}}{{#cats}}({{title}}){{/cats}}{{/posts}}");
    put(f, "tag", "{{name}}/{{title}}/{{site}}");
    load(f);
    template_data *d = template_data_new(&f->memory);
    template_set_str(d, "site", "Gazette");
    template_set_str(d, "title", "Root");
    template_data *p1 = template_add_item(d, "posts");
    template_set_str(p1, "title", "P1");
    template_data *t1 = template_add_item(p1, "tags");
    template_set_str(t1, "name", "t1");
    template_set_str(template_add_item(p1, "tags"), "name", "t2");
    template_data *p2 = template_add_item(d, "posts");
    template_set_str(p2, "title", "P2");
    template_data *t3 = template_add_item(p2, "tags");
    template_set_str(t3, "name", "t3");
    template_set_str(t3, "title", "own");
    template_set_str(template_add_item(d, "cats"), "name", "c");
    /* the second part walks a root list from inside another list: the post's title is closer
     * than the root's, as in Mustache's context stack */
    assert_string_equal(render(f, "n", d),
                        "<P1:t1/P1/Gazette;t2/P1/Gazette;><P2:t3/own/Gazette;>(P1)(P2)");

    /* rendering an item directly still sees the dictionaries it was created in */
    assert_string_equal(render(f, "tag", t1), "t1/P1/Gazette");

    /* unsetting a key in an item uncovers the outer one */
    template_set_str(p1, "title", NULL);
    assert_string_equal(render(f, "tag", t1), "t1/Root/Gazette");
}

/* ---- partials ---- */

static void test_recursive_comment_tree(void **state)
{
    fixture *f = *state;
    put(f, "thread",
        "<ul>\n"
        "{{#comments}}\n"
        "  {{> comment }}\n"
        "{{/comments}}\n"
        "</ul>\n");
    put(f, "comment",
        "<li>{{author}}: {{text}}\n"
        "{{#replies}}\n"
        "{{>comment}}\n"
        "{{/replies}}\n"
        "{{^replies}}\n"
        "(leaf)\n"
        "{{/replies}}\n"
        "</li>\n");
    load(f);
    assert_true(template_exists(f->set, "comment"));
    assert_true(template_exists(f->set, "thread"));
    assert_false(template_exists(f->set, "comments"));

    template_data *d = template_data_new(&f->memory);
    template_data *c1 = template_add_item(d, "comments");
    template_set_str(c1, "author", "Ann");
    template_set_str(c1, "text", "first <b>");
    template_data *c2 = template_add_item(c1, "replies");
    template_set_str(c2, "author", "Bob");
    template_set_str(c2, "text", "re");
    template_data *c3 = template_add_item(c2, "replies");
    template_set_str(c3, "author", "Cy");
    template_set_str(c3, "text", "re re");
    template_data *c4 = template_add_item(d, "comments");
    template_set_str(c4, "author", "Di");
    template_set_str(c4, "text", "two");
    /* leaves have no "replies": they must not find their parent's list and recurse */
    assert_string_equal(render(f, "thread", d), "<ul>\n"
                                                "<li>Ann: first &lt;b&gt;\n"
                                                "<li>Bob: re\n"
                                                "<li>Cy: re re\n"
                                                "(leaf)\n"
                                                "</li>\n"
                                                "</li>\n"
                                                "</li>\n"
                                                "<li>Di: two\n"
                                                "(leaf)\n"
                                                "</li>\n"
                                                "</ul>\n");
}

/* A chain of `levels` comments, each the only reply of the one before. */
static template_data *comment_chain(arena *memory, int levels)
{
    template_data *root = template_data_new(memory);
    template_data *d = root;
    const char *key = "comments";
    for (int i = 0; i < levels; i++) {
        d = template_add_item(d, key);
        key = "replies";
    }
    return root;
}

static void test_recursion_limit(void **state)
{
    fixture *f = *state;
    put(f, "chain", "{{#comments}}{{>node}}{{/comments}}");
    put(f, "node", "({{#replies}}{{>node}}{{/replies}})");
    put(f, "loop", "x\n{{>loop}}");
    load(f);

    /* 64 nested partials are allowed: the 64th node is rendered at depth 64 */
    buf expected = {0};
    for (int i = 0; i < 64; i++)
        buf_putc(&expected, '(');
    for (int i = 0; i < 64; i++)
        buf_putc(&expected, ')');
    assert_string_equal(render(f, "chain", comment_chain(&f->memory, 64)), buf_cstr(&expected));
    buf_free(&expected);

    /* the 65th is one too many; the error names the tag and the output is left as it was */
    buf_reset(&f->out);
    buf_puts(&f->out, "kept");
    assert_int_equal(
        template_render(f->set, "chain", comment_chain(&f->memory, 65), &f->out, &f->error), -1);
    assert_string_equal(buf_cstr(&f->out), "kept");
    buf want = {0};
    buf_printf(&want, "%s/node.html:1: {{>node}} nests partials deeper than 64 levels", f->dir);
    assert_string_equal(buf_cstr(&f->error), buf_cstr(&want));

    /* a template including itself unconditionally */
    assert_int_equal(template_render(f->set, "loop", NULL, &f->out, &f->error), -1);
    assert_string_equal(buf_cstr(&f->out), "kept");
    buf_reset(&want);
    buf_printf(&want, "%s/loop.html:2: {{>loop}} nests partials deeper than 64 levels", f->dir);
    assert_string_equal(buf_cstr(&f->error), buf_cstr(&want));
    buf_free(&want);

    assert_int_equal(template_render(f->set, "nosuch", NULL, &f->out, &f->error), -1);
    assert_string_equal(buf_cstr(&f->error), "unknown template \"nosuch\"");
}

/* ---- standalone lines ---- */

static void test_standalone_lines(void **state)
{
    fixture *f = *state;
    put(f, "s",
        "<ul>\n"
        "  {{#items}}\n"
        "  <li>{{name}}</li>\n"
        "  {{/items}}\n"
        "</ul>\n"
        "{{! a comment\n"
        "    over two lines }}\n"
        "end {{#yes}}inline{{/yes}} x\n"
        "\t{{^no}}  \r\n"
        "  no\n"
        "{{/no}}");
    /* tags sharing a line with text, and variables, are not standalone */
    put(f, "t", "a {{#yes}}\nb\n{{/yes}} c\n  {{name}}\n");
    put(f, "p", "x\n  {{>inc}}\ny\n{{#yes}}{{/yes}}\n");
    put(f, "inc", "P\n");
    load(f);
    template_data *d = template_data_new(&f->memory);
    template_set_str(template_add_item(d, "items"), "name", "a");
    template_set_str(template_add_item(d, "items"), "name", "b");
    template_set_bool(d, "yes", true);
    template_set_str(d, "name", "N");
    assert_string_equal(render(f, "s", d), "<ul>\n"
                                           "  <li>a</li>\n"
                                           "  <li>b</li>\n"
                                           "</ul>\n"
                                           "end inline x\n"
                                           "  no\n");
    assert_string_equal(render(f, "t", d), "a \nb\n c\n  N\n");
    /* two tags on one line are not a standalone line either */
    assert_string_equal(render(f, "p", d), "x\nP\ny\n\n");
}

/* ---- load errors ---- */

static void test_load_errors(void **state)
{
    fixture *f = *state;
    put(f, "good", "{{#a}}{{b}}{{/a}}");
    load(f); /* the folder is fine before each bad.html is added */

    expect_load_error(f, "a\n{{#s}}\nb\n", "2: {{#s}} is never closed");
    expect_load_error(f, "{{#a}}\n{{^b}}\n{{/a}}\n{{/b}}",
                      "3: {{/a}} does not match {{^b}} opened on line 2");
    expect_load_error(f, "x\n\n{{/a}}", "3: {{/a}} closes no open section");
    expect_load_error(f, "\n\n\n<p>{{title|raw}}</p>",
                      "4: unknown filter \"raw\" (known: text, attr, url, json)");
    expect_load_error(f, "ok\n{{>nosuch}}", "2: {{>nosuch}} names no template (no nosuch.html)");
    expect_load_error(f, "{{ti tle}}",
                      "1: bad character ' ' in key \"ti tle\" (allowed: A-Z a-z 0-9 _ . -)");
    expect_load_error(f, "\n{{{body}}}",
                      "2: bad character '{' in key \"{body\" (allowed: A-Z a-z 0-9 _ . -)");
    expect_load_error(f, "{{#a/b}}{{/a/b}}",
                      "1: bad character '/' in section key \"a/b\" (allowed: A-Z a-z 0-9 _ . -)");
    expect_load_error(
        f, "{{>../etc}}",
        "1: bad character '/' in partial name \"../etc\" (allowed: A-Z a-z 0-9 _ . -)");
    expect_load_error(f, "x {{}}", "1: empty key");
    expect_load_error(f, "a\nb {{c", "2: \"{{\" without a closing \"}}\"");
    /* line numbers count through a multi-line comment and a removed standalone line */
    expect_load_error(f, "{{! a\nb\nc }}\n{{x|bad}}",
                      "4: unknown filter \"bad\" (known: text, attr, url, json)");

    /* a missing folder */
    template_free(f->set);
    f->set = template_load_dir("/nonexistent/gazette-theme", &f->error);
    assert_null(f->set);
    assert_string_equal(buf_cstr(&f->error),
                        "/nonexistent/gazette-theme: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_and_attr_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scalars_and_replacement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_lists_and_outer_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recursive_comment_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recursion_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_standalone_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
