/* test_wxr_reader.c: unit tests of the WXR stream reader (seed fixture, snippets, hostile file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/wxr_reader.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"

/* What a parse delivered, deep-copied into `memory` so it outlives the callbacks. */
struct collected {
    arena memory;               /* owns every copied string and array below */
    int site_calls;             /* site callbacks */
    struct wxr_site site;       /* the last site delivered */
    int site_calls_before_item; /* site callbacks seen when the first item arrived */
    struct wxr_author *authors; /* authors[author_count] */
    size_t author_count, author_capacity;
    struct wxr_term *terms; /* terms[term_count] */
    size_t term_count, term_capacity;
    struct wxr_item *items; /* items[item_count] */
    size_t item_count, item_capacity;
    buf everything;               /* every string delivered, concatenated (owned) */
    size_t progress_calls;        /* progress callbacks */
    size_t last_done, last_total; /* arguments of the last progress callback */
    size_t stop_at_item;   /* when non-zero, the item callback returns stop_value on this item */
    int stop_value;        /* value returned to stop */
    size_t stop_at_author; /* when non-zero, the author callback returns stop_value on it */
};

static const char *collect_string(struct collected *c, const char *s)
{
    assert_non_null(s); /* the header promises never NULL */
    buf_puts(&c->everything, s);
    buf_putc(&c->everything, '\n');
    return arena_strdup(&c->memory, s);
}

static void *grow_array(void *items, size_t count, size_t *capacity, size_t size)
{
    if (count < *capacity)
        return items;
    *capacity = *capacity ? *capacity * 2 : 16;
    return xrealloc(items, *capacity * size);
}

static int on_site(void *context, const struct wxr_site *site)
{
    struct collected *c = context;
    c->site_calls++;
    c->site.title = collect_string(c, site->title);
    c->site.link = collect_string(c, site->link);
    c->site.description = collect_string(c, site->description);
    c->site.base_site_url = collect_string(c, site->base_site_url);
    c->site.base_blog_url = collect_string(c, site->base_blog_url);
    c->site.wxr_version = collect_string(c, site->wxr_version);
    c->site.language = collect_string(c, site->language);
    return 0;
}

static int on_author(void *context, const struct wxr_author *author)
{
    struct collected *c = context;
    c->authors = grow_array(c->authors, c->author_count, &c->author_capacity, sizeof(*author));
    struct wxr_author *copy = &c->authors[c->author_count++];
    *copy = *author;
    copy->login = collect_string(c, author->login);
    copy->email = collect_string(c, author->email);
    copy->display_name = collect_string(c, author->display_name);
    copy->first_name = collect_string(c, author->first_name);
    copy->last_name = collect_string(c, author->last_name);
    if (c->stop_at_author && c->author_count == c->stop_at_author)
        return c->stop_value;
    return 0;
}

static int on_term(void *context, const struct wxr_term *term)
{
    struct collected *c = context;
    c->terms = grow_array(c->terms, c->term_count, &c->term_capacity, sizeof(*term));
    struct wxr_term *copy = &c->terms[c->term_count++];
    *copy = *term;
    copy->taxonomy = collect_string(c, term->taxonomy);
    copy->slug = collect_string(c, term->slug);
    copy->name = collect_string(c, term->name);
    copy->description = collect_string(c, term->description);
    copy->parent_slug = collect_string(c, term->parent_slug);
    return 0;
}

static void copy_comment(struct collected *c, struct wxr_comment *copy,
                         const struct wxr_comment *comment)
{
    *copy = *comment;
    copy->author = collect_string(c, comment->author);
    copy->author_email = collect_string(c, comment->author_email);
    copy->author_url = collect_string(c, comment->author_url);
    copy->author_ip = collect_string(c, comment->author_ip);
    copy->date = collect_string(c, comment->date);
    copy->date_gmt = collect_string(c, comment->date_gmt);
    copy->content = collect_string(c, comment->content);
    copy->approved = collect_string(c, comment->approved);
    copy->type = collect_string(c, comment->type);
}

static int on_item(void *context, const struct wxr_item *item)
{
    struct collected *c = context;
    if (c->item_count == 0)
        c->site_calls_before_item = c->site_calls;
    c->items = grow_array(c->items, c->item_count, &c->item_capacity, sizeof(*item));
    struct wxr_item *copy = &c->items[c->item_count++];
    *copy = *item;
    copy->title = collect_string(c, item->title);
    copy->link = collect_string(c, item->link);
    copy->guid = collect_string(c, item->guid);
    copy->creator = collect_string(c, item->creator);
    copy->content = collect_string(c, item->content);
    copy->excerpt = collect_string(c, item->excerpt);
    copy->pub_date = collect_string(c, item->pub_date);
    copy->post_date = collect_string(c, item->post_date);
    copy->post_date_gmt = collect_string(c, item->post_date_gmt);
    copy->post_modified = collect_string(c, item->post_modified);
    copy->post_modified_gmt = collect_string(c, item->post_modified_gmt);
    copy->post_name = collect_string(c, item->post_name);
    copy->status = collect_string(c, item->status);
    copy->post_type = collect_string(c, item->post_type);
    copy->post_password = collect_string(c, item->post_password);
    copy->comment_status = collect_string(c, item->comment_status);
    copy->ping_status = collect_string(c, item->ping_status);

    struct wxr_item_term *terms = arena_alloc(&c->memory, (item->term_count + 1) * sizeof(*terms));
    for (size_t i = 0; i < item->term_count; i++) {
        terms[i].domain = collect_string(c, item->terms[i].domain);
        terms[i].nicename = collect_string(c, item->terms[i].nicename);
        terms[i].name = collect_string(c, item->terms[i].name);
    }
    copy->terms = terms;
    struct wxr_comment *comments =
        arena_alloc(&c->memory, (item->comment_count + 1) * sizeof(*comments));
    for (size_t i = 0; i < item->comment_count; i++)
        copy_comment(c, &comments[i], &item->comments[i]);
    copy->comments = comments;
    struct wxr_postmeta *meta = arena_alloc(&c->memory, (item->meta_count + 1) * sizeof(*meta));
    for (size_t i = 0; i < item->meta_count; i++) {
        meta[i].key = collect_string(c, item->meta[i].key);
        meta[i].value = collect_string(c, item->meta[i].value);
    }
    copy->meta = meta;
    if (c->stop_at_item && c->item_count == c->stop_at_item)
        return c->stop_value;
    return 0;
}

static void on_progress(void *context, size_t done, size_t total)
{
    struct collected *c = context;
    assert_true(done >= c->last_done);
    c->progress_calls++;
    c->last_done = done;
    c->last_total = total;
}

static void collected_free(struct collected *c)
{
    arena_free(&c->memory);
    free(c->authors);
    free(c->terms);
    free(c->items);
    buf_free(&c->everything);
    memset(c, 0, sizeof(*c));
}

static int read_collecting(const char *path, struct collected *c, buf *error)
{
    struct wxr_sink sink = {
        .context = c,
        .site = on_site,
        .author = on_author,
        .term = on_term,
        .item = on_item,
        .progress = on_progress,
    };
    return import_wxr_read(path, &sink, error);
}

/* ---- files ---- */

/* `relative` under the source root: $GAZETTE_SOURCE, else the root this file was compiled from
 * when its path is absolute, else the current directory (run from the root). */
static void source_path(buf *out, const char *relative)
{
    const char *source = getenv("GAZETTE_SOURCE");
    const char *end = strstr(__FILE__, "/tests/unit/");
    if (source && *source)
        buf_printf(out, "%s/%s", source, relative);
    else if (__FILE__[0] == '/' && end)
        buf_printf(out, "%.*s/%s", (int)(end - __FILE__), __FILE__, relative);
    else
        buf_puts(out, relative);
}

/* Where the shared fixtures are: $GAZETTE_FIXTURES, else ../shared/fixtures from the root. */
static void fixture_path(buf *out, const char *name)
{
    const char *dir = getenv("GAZETTE_FIXTURES");
    if (dir && *dir) {
        buf_printf(out, "%s/%s", dir, name);
        return;
    }
    source_path(out, "../shared/fixtures/");
    buf_puts(out, name);
}

/* Writes `len` bytes to a new temporary file; its path goes into `path`. */
static void write_temp(buf *path, const void *data, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    buf_printf(path, "%s/gazette-wxr-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path->ptr);
    assert_true(fd >= 0);
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
    assert_int_equal(close(fd), 0);
}

static void write_temp_cstr(buf *path, const char *text)
{
    write_temp(path, text, strlen(text));
}

#define WXR_HEAD                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"                                                \
    "<rss version=\"2.0\"\n"                                                                       \
    " xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"                                \
    " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"                                \
    " xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"                                        \
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"                                             \
    " xmlns:wp=\"http://wordpress.org/export/1.2/\">\n"                                            \
    "<channel>\n"                                                                                  \
    "<title>Test site</title>\n"                                                                   \
    "<link>https://example.test</link>\n"                                                          \
    "<description>Snippets</description>\n"                                                        \
    "<wp:wxr_version>1.2</wp:wxr_version>\n"                                                       \
    "<wp:base_site_url>https://example.test</wp:base_site_url>\n"                                  \
    "<wp:base_blog_url>https://example.test/blog</wp:base_blog_url>\n"

#define WXR_TAIL "</channel>\n</rss>\n"

/* Parses `text` written to a temp file; the file is removed afterwards. */
static int read_snippet(const char *text, struct collected *c, buf *error, buf *path_out)
{
    buf path = {0};
    write_temp_cstr(&path, text);
    int rc = read_collecting(path.ptr, c, error);
    unlink(path.ptr);
    if (path_out)
        buf_puts(path_out, path.ptr);
    buf_free(&path);
    return rc;
}

static bool has_line_prefix(const char *message, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(message, path, n) != 0 || message[n] != ':')
        return false;
    const char *p = message + n + 1;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return p[0] == ':' && p[1] == ' ' && p[2] != '\0';
}

static long line_after_prefix(const char *message, const char *path)
{
    return strtol(message + strlen(path) + 1, NULL, 10);
}

/* ---- the seed fixture ---- */

static const struct wxr_comment *find_comment(const struct wxr_item *item, long id)
{
    for (size_t i = 0; i < item->comment_count; i++)
        if (item->comments[i].wp_id == id)
            return &item->comments[i];
    return NULL;
}

static bool item_has_term(const struct wxr_item *item, const char *domain, const char *slug)
{
    for (size_t i = 0; i < item->term_count; i++)
        if (!strcmp(item->terms[i].domain, domain) && !strcmp(item->terms[i].nicename, slug))
            return true;
    return false;
}

static void test_seed_fixture(void **state)
{
    (void)state;
    buf path = {0}, error = {0};
    struct collected c = {0};
    fixture_path(&path, "seed.wxr");
    if (access(path.ptr, R_OK) != 0) {
        /* a clone without ../shared beside it (a user's own): skipped, and says which file */
        print_message("skipped: needs the shared fixture %s\n", path.ptr);
        buf_free(&path);
        skip();
    }
    int rc = read_collecting(path.ptr, &c, &error);
    if (rc != 0)
        print_error("%s\n", buf_cstr(&error));
    assert_int_equal(rc, 0);

    assert_int_equal(c.site_calls, 1);
    assert_int_equal(c.site_calls_before_item, 1);
    assert_string_equal(c.site.wxr_version, "1.2");
    assert_true(c.site.title[0] != '\0');
    assert_true(strncmp(c.site.base_site_url, "http", 4) == 0);

    assert_int_equal(c.author_count, 1);
    assert_string_equal(c.authors[0].login, "nickcorbett");
    assert_string_equal(c.authors[0].display_name, "Nick Corbett");
    assert_true(c.authors[0].wp_id > 0);

    bool tag_mexico = false;
    for (size_t i = 0; i < c.term_count; i++)
        if (!strcmp(c.terms[i].taxonomy, "post_tag") && !strcmp(c.terms[i].slug, "mexico"))
            tag_mexico = true;
    assert_true(tag_mexico);

    assert_int_equal(c.item_count, 1);
    const struct wxr_item *post = &c.items[0];
    assert_int_equal(post->wp_id, 4);
    assert_string_equal(post->post_type, "post");
    assert_string_equal(post->status, "publish");
    assert_string_equal(post->creator, "nickcorbett");
    assert_string_equal(post->comment_status, "closed");
    assert_string_equal(post->post_date_gmt, "2023-04-25 09:00:00");
    assert_true(strncmp(post->title, "Is ", 3) == 0); /* the fixture's title, checked by its ends */
    assert_non_null(strstr(post->title, "in Latin America?"));
    assert_true(strstr(post->link, "/2023/04/is-") != NULL);
    assert_true(strlen(post->content) > 1000);
    assert_false(post->sticky);
    assert_true(item_has_term(post, "category", "latin-america"));
    assert_true(item_has_term(post, "category", "ukraine"));
    assert_true(item_has_term(post, "post_tag", "mexico"));
    assert_true(post->line > 0);

    assert_int_equal(post->comment_count, 10);
    int replies_to_4 = 0;
    for (long id = 2; id <= 11; id++) {
        const struct wxr_comment *comment = find_comment(post, id);
        assert_non_null(comment);
        assert_string_equal(comment->approved, "1");
        assert_true(comment->line > post->line);
        assert_true(comment->content[0] != '\0');
        if (comment->parent_wp_id == 4)
            replies_to_4++;
        else
            assert_int_equal(comment->parent_wp_id, 0);
    }
    assert_int_equal(replies_to_4, 2);

    struct stat st;
    assert_int_equal(stat(path.ptr, &st), 0);
    assert_true(c.progress_calls >= 1);
    assert_int_equal(c.last_done, (size_t)st.st_size);
    assert_int_equal(c.last_total, (size_t)st.st_size);

    collected_free(&c);
    buf_free(&path);
    buf_free(&error);
}

/* ---- snippets ---- */

static void test_cdata_and_entities(void **state)
{
    (void)state;
    const char *doc =
        WXR_HEAD "<item>\n"
                 "<title>Tom &amp; Jerry&#8217;s &lt;b&gt; &#x1F600; <![CDATA[& raw "
                 "<i>CDATA</i>]]></title>\n"
                 "<content:encoded><![CDATA[a]]]]><![CDATA[>b <p>x</p>]]></content:encoded>\n"
                 "<excerpt:encoded>&quot;quoted&quot; &apos;apos&apos;</excerpt:encoded>\n"
                 "<category domain=\"category\" nicename=\"r&amp;d\"><![CDATA[R&D]]></category>\n"
                 "<wp:post_id>7</wp:post_id>\n"
                 "</item>\n" WXR_TAIL;
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 0);
    assert_int_equal(c.item_count, 1);
    assert_string_equal(c.items[0].title,
                        "Tom & Jerry\xE2\x80\x99s <b> \xF0\x9F\x98\x80 & raw <i>CDATA</i>");
    assert_string_equal(c.items[0].content, "a]]>b <p>x</p>");
    assert_string_equal(c.items[0].excerpt, "\"quoted\" 'apos'");
    assert_int_equal(c.items[0].term_count, 1);
    assert_string_equal(c.items[0].terms[0].nicename, "r&d");
    assert_string_equal(c.items[0].terms[0].name, "R&D");
    assert_int_equal(c.items[0].wp_id, 7);
    collected_free(&c);
    buf_free(&error);
}

static void test_scripts_of_the_world(void **state)
{
    (void)state;
    const char *doc = WXR_HEAD
        "<wp:author><wp:author_id>3</wp:author_id>"
        "<wp:author_login><![CDATA[olena]]></wp:author_login>"
        "<wp:author_display_name><![CDATA[Олена Коваленко]]></wp:author_display_name>"
        "</wp:author>\n"
        "<item>\n"
        "<title>Привіт, світ — مرحبا بالعالم 🎉👩‍👩‍👧 "
        "中文</title>\n"
        "<dc:creator><![CDATA[olena]]></dc:creator>\n"
        "<wp:comment><wp:comment_id>1</wp:comment_id>"
        "<wp:comment_author><![CDATA[فاطمة]]></wp:comment_author>"
        "<wp:comment_content><![CDATA[<p>شكرا 🙏 спасибо</p>]]></wp:comment_content>"
        "</wp:comment>\n"
        "</item>\n" WXR_TAIL;
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 0);
    assert_int_equal(c.author_count, 1);
    assert_string_equal(c.authors[0].display_name, "Олена Коваленко");
    assert_string_equal(c.authors[0].email, "");
    assert_int_equal(c.item_count, 1);
    assert_string_equal(
        c.items[0].title,
        "Привіт, світ — مرحبا بالعالم 🎉👩‍👩‍👧 中文");
    assert_int_equal(c.items[0].comment_count, 1);
    assert_string_equal(c.items[0].comments[0].author, "فاطمة");
    assert_string_equal(c.items[0].comments[0].content, "<p>شكرا 🙏 спасибо</p>");
    assert_string_equal(c.items[0].comments[0].approved, "");
    collected_free(&c);
    buf_free(&error);
}

static const struct wxr_term *find_term(const struct collected *c, const char *taxonomy,
                                        const char *slug)
{
    for (size_t i = 0; i < c->term_count; i++)
        if (!strcmp(c->terms[i].taxonomy, taxonomy) && !strcmp(c->terms[i].slug, slug))
            return &c->terms[i];
    return NULL;
}

static void test_nested_terms(void **state)
{
    (void)state;
    const char *doc =
        WXR_HEAD "<wp:category><wp:term_id>10</wp:term_id>"
                 "<wp:category_nicename>world</wp:category_nicename>"
                 "<wp:category_parent></wp:category_parent>"
                 "<wp:cat_name><![CDATA[World]]></wp:cat_name>"
                 "<wp:category_description><![CDATA[All of it]]></wp:category_description>"
                 "</wp:category>\n"
                 "<wp:category><wp:term_id>11</wp:term_id>"
                 "<wp:category_nicename>europe</wp:category_nicename>"
                 "<wp:category_parent>world</wp:category_parent>"
                 "<wp:cat_name>Europe</wp:cat_name></wp:category>\n"
                 "<wp:category><wp:term_id>12</wp:term_id>"
                 "<wp:category_nicename>ukraine</wp:category_nicename>"
                 "<wp:category_parent>europe</wp:category_parent>"
                 "<wp:cat_name>Ukraine</wp:cat_name></wp:category>\n"
                 "<wp:tag><wp:term_id>20</wp:term_id><wp:tag_slug>kyiv</wp:tag_slug>"
                 "<wp:tag_name>Kyiv</wp:tag_name><wp:tag_description>capital</wp:tag_description>"
                 "</wp:tag>\n"
                 "<wp:term><wp:term_id>30</wp:term_id><wp:term_taxonomy>series</wp:term_taxonomy>"
                 "<wp:term_slug>war-diary</wp:term_slug><wp:term_parent>diaries</wp:term_parent>"
                 "<wp:term_name>War diary</wp:term_name></wp:term>\n"
                 "<wp:term/>\n" WXR_TAIL;
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 0);
    assert_int_equal(c.term_count, 6);
    const struct wxr_term *world = find_term(&c, "category", "world");
    const struct wxr_term *europe = find_term(&c, "category", "europe");
    const struct wxr_term *ukraine = find_term(&c, "category", "ukraine");
    const struct wxr_term *kyiv = find_term(&c, "post_tag", "kyiv");
    const struct wxr_term *diary = find_term(&c, "series", "war-diary");
    assert_non_null(world);
    assert_non_null(europe);
    assert_non_null(ukraine);
    assert_non_null(kyiv);
    assert_non_null(diary);
    assert_int_equal(world->wp_id, 10);
    assert_string_equal(world->parent_slug, "");
    assert_string_equal(world->description, "All of it");
    assert_string_equal(europe->parent_slug, "world");
    assert_string_equal(ukraine->parent_slug, "europe");
    assert_string_equal(ukraine->name, "Ukraine");
    assert_string_equal(kyiv->name, "Kyiv");
    assert_string_equal(kyiv->description, "capital");
    assert_string_equal(kyiv->parent_slug, "");
    assert_string_equal(diary->parent_slug, "diaries");
    assert_int_equal(diary->wp_id, 30);
    /* an empty <wp:term/> still arrives, with every string "" */
    assert_string_equal(c.terms[5].taxonomy, "");
    assert_string_equal(c.terms[5].slug, "");
    assert_int_equal(c.terms[5].wp_id, 0);
    assert_int_equal(c.terms[0].line, 15);
    assert_int_equal(c.site_calls, 1);
    collected_free(&c);
    buf_free(&error);
}

static void test_statuses_sticky_password(void **state)
{
    (void)state;
    static const char *const statuses[] = {"publish", "draft", "pending",    "private",
                                           "future",  "trash", "auto-draft", "inherit"};
    static const char *const types[] = {"post", "page", "attachment", "nav_menu_item"};
    buf doc = {0};
    buf_puts(&doc, WXR_HEAD);
    long id = 100;
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
        for (size_t s = 0; s < sizeof(statuses) / sizeof(statuses[0]); s++, id++)
            buf_printf(&doc,
                       "<item><title>T%ld</title><wp:post_id>%ld</wp:post_id>"
                       "<wp:status><![CDATA[%s]]></wp:status>"
                       "<wp:post_type><![CDATA[%s]]></wp:post_type>"
                       "<wp:post_parent>%ld</wp:post_parent><wp:menu_order>%zu</wp:menu_order>"
                       "<wp:is_sticky>%d</wp:is_sticky>"
                       "<wp:post_password><![CDATA[%s]]></wp:post_password>"
                       "</item>\n",
                       id, id, statuses[s], types[t], t ? 100L : 0L, s, s == 0 ? 1 : 0,
                       s == 3 ? "pa&ss<word>" : "");
    buf_puts(&doc, "<item/>\n" WXR_TAIL);
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc.ptr, &c, &error, NULL), 0);
    assert_int_equal(c.item_count, 8 * 4 + 1);
    size_t i = 0;
    for (size_t t = 0; t < 4; t++) {
        for (size_t s = 0; s < 8; s++, i++) {
            const struct wxr_item *item = &c.items[i];
            assert_int_equal(item->wp_id, 100 + (long)i);
            assert_string_equal(item->status, statuses[s]);
            assert_string_equal(item->post_type, types[t]);
            assert_int_equal(item->parent_wp_id, t ? 100 : 0);
            assert_int_equal(item->menu_order, (long)s);
            assert_int_equal(item->sticky, s == 0);
            assert_string_equal(item->post_password, s == 3 ? "pa&ss<word>" : "");
        }
    }
    const struct wxr_item *empty = &c.items[i];
    assert_string_equal(empty->title, "");
    assert_string_equal(empty->status, "");
    assert_string_equal(empty->content, "");
    assert_int_equal(empty->wp_id, 0);
    assert_int_equal(empty->term_count + empty->comment_count + empty->meta_count, 0);
    collected_free(&c);
    buf_free(&error);
    buf_free(&doc);
}

static const char *const approved_values[] = {"1", "0", "spam", "trash"};
static const char *const comment_types[] = {"", "comment", "pingback", "trackback"};

static void test_comments_and_reply_chains(void **state)
{
    (void)state;
    buf doc = {0};
    buf_puts(&doc, WXR_HEAD "<item><title>Thread</title>\n"
                            "<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key>"
                            "<wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>\n");
    long id = 1;
    for (size_t a = 0; a < 4; a++)
        for (size_t t = 0; t < 4; t++, id++)
            buf_printf(&doc,
                       "<wp:comment><wp:comment_id>%ld</wp:comment_id>"
                       "<wp:comment_author>Reader %ld</wp:comment_author>"
                       "<wp:comment_author_url>https://r%ld.test/</wp:comment_author_url>"
                       "<wp:comment_author_IP>192.0.2.%ld</wp:comment_author_IP>"
                       "<wp:comment_date>2024-01-01 10:00:00</wp:comment_date>"
                       "<wp:comment_date_gmt>2024-01-01 09:00:00</wp:comment_date_gmt>"
                       "<wp:comment_content>c%ld</wp:comment_content>"
                       "<wp:comment_approved>%s</wp:comment_approved>"
                       "<wp:comment_type>%s</wp:comment_type>"
                       "<wp:comment_parent>0</wp:comment_parent>"
                       "<wp:comment_user_id>%zu</wp:comment_user_id>"
                       "<wp:commentmeta><wp:meta_key>akismet_result</wp:meta_key>"
                       "<wp:meta_value>LEAKED-META</wp:meta_value></wp:commentmeta>"
                       "</wp:comment>\n",
                       id, id, id, id, id, approved_values[a], comment_types[t], a);
    /* a reply chain 40 deep: comment 100 + k replies to 100 + k - 1 */
    for (long k = 0; k < 40; k++)
        buf_printf(&doc,
                   "<wp:comment><wp:comment_id>%ld</wp:comment_id>"
                   "<wp:comment_parent>%ld</wp:comment_parent>"
                   "<wp:comment_approved>1</wp:comment_approved>"
                   "<wp:comment_content><![CDATA[<p>depth %ld</p>]]></wp:comment_content>"
                   "</wp:comment>\n",
                   100 + k, k ? 99 + k : 0, k + 1);
    buf_puts(&doc, "</item>\n" WXR_TAIL);
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc.ptr, &c, &error, NULL), 0);
    assert_int_equal(c.item_count, 1);
    const struct wxr_item *item = &c.items[0];
    assert_int_equal(item->meta_count, 1);
    assert_string_equal(item->meta[0].key, "_edit_last");
    assert_string_equal(item->meta[0].value, "1");
    assert_int_equal(item->comment_count, 16 + 40);
    for (size_t i = 0; i < 16; i++) {
        const struct wxr_comment *comment = &item->comments[i];
        assert_int_equal(comment->wp_id, (long)i + 1);
        assert_string_equal(comment->approved, approved_values[i / 4]);
        assert_string_equal(comment->type, comment_types[i % 4]);
        assert_int_equal(comment->user_id, (long)(i / 4));
        assert_string_equal(comment->date_gmt, "2024-01-01 09:00:00");
        assert_true(strncmp(comment->author_ip, "192.0.2.", 8) == 0);
        assert_int_equal(comment->line, 17 + (int)i);
    }
    assert_null(strstr(c.everything.ptr, "LEAKED-META"));
    /* follow the chain from its deepest comment back to the root */
    long depth = 1;
    const struct wxr_comment *comment = find_comment(item, 139);
    while (comment && comment->parent_wp_id) {
        comment = find_comment(item, comment->parent_wp_id);
        depth++;
    }
    assert_non_null(comment);
    assert_int_equal(comment->wp_id, 100);
    assert_int_equal(depth, 40);
    assert_string_equal(find_comment(item, 139)->content, "<p>depth 40</p>");
    collected_free(&c);
    buf_free(&error);
    buf_free(&doc);
}

static void test_truncated_file(void **state)
{
    (void)state;
    const char *doc = WXR_HEAD "<item><title>One</title><wp:post_id>1</wp:post_id></item>\n"
                               "<item><title>Two</title>\n<content:encoded><![CDATA[cut he";
    struct collected c = {0};
    buf error = {0}, path = {0};
    assert_int_equal(read_snippet(doc, &c, &error, &path), -1);
    assert_true(has_line_prefix(error.ptr, path.ptr));
    assert_true(line_after_prefix(error.ptr, path.ptr) >= 15);
    /* the complete first item may have been delivered; the cut one never is */
    assert_true(c.item_count <= 1);
    collected_free(&c);
    buf_free(&error);
    buf_free(&path);
}

static void test_not_xml(void **state)
{
    (void)state;
    struct collected c = {0};
    buf error = {0}, path = {0};
    assert_int_equal(read_snippet("This is not XML at all.\nJust text.\n", &c, &error, &path), -1);
    assert_true(has_line_prefix(error.ptr, path.ptr));
    assert_int_equal(c.site_calls + c.item_count, 0);
    collected_free(&c);
    buf_free(&error);
    buf_reset(&path);

    assert_int_equal(read_snippet("", &c, &error, &path), -1);
    assert_true(has_line_prefix(error.ptr, path.ptr));
    collected_free(&c);
    buf_free(&error);
    buf_free(&path);
}

static void test_xml_but_not_wxr(void **state)
{
    (void)state;
    struct collected c = {0};
    buf error = {0}, path = {0};
    assert_int_equal(
        read_snippet("<?xml version=\"1.0\"?>\n<html><body>hi</body></html>\n", &c, &error, &path),
        -1);
    assert_true(has_line_prefix(error.ptr, path.ptr));
    assert_non_null(strstr(error.ptr, "not a WordPress export"));
    assert_non_null(strstr(error.ptr, "<html>"));
    collected_free(&c);
    buf_free(&error);
    buf_reset(&path);

    /* plain RSS: a channel and items but no wp:wxr_version */
    const char *rss = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Feed</title>\n"
                      "<item><title>News</title></item></channel></rss>\n";
    assert_int_equal(read_snippet(rss, &c, &error, &path), -1);
    assert_true(has_line_prefix(error.ptr, path.ptr));
    assert_non_null(strstr(error.ptr, "wxr_version"));
    assert_int_equal(line_after_prefix(error.ptr, path.ptr), 3);
    assert_int_equal(c.item_count, 0);
    collected_free(&c);
    buf_free(&error);
    buf_reset(&path);

    /* rss without a channel */
    assert_int_equal(read_snippet("<rss version=\"2.0\"></rss>", &c, &error, &path), -1);
    assert_non_null(strstr(error.ptr, "<channel>"));
    assert_true(has_line_prefix(error.ptr, path.ptr));
    collected_free(&c);
    buf_free(&error);
    buf_free(&path);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xC3\x28", "\xFF\xFE", "\xED\xA0\x80", "\xF0\x9F\x98"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf doc = {0}, error = {0}, path = {0};
        buf_printf(&doc, WXR_HEAD "<item>\n<title><![CDATA[ok %s ok]]></title>\n</item>\n" WXR_TAIL,
                   bad[i]);
        struct collected c = {0};
        assert_int_equal(read_snippet(doc.ptr, &c, &error, &path), -1);
        assert_true(has_line_prefix(error.ptr, path.ptr));
        assert_int_equal(c.item_count, 0);
        collected_free(&c);
        buf_free(&doc);
        buf_free(&error);
        buf_free(&path);
    }
}

static void test_callback_stops_parse(void **state)
{
    (void)state;
    const char *doc = WXR_HEAD "<wp:author><wp:author_login>a</wp:author_login></wp:author>\n"
                               "<wp:author><wp:author_login>b</wp:author_login></wp:author>\n"
                               "<item><title>1</title></item>\n<item><title>2</title></item>\n"
                               "<item><title>3</title></item>\n" WXR_TAIL;
    struct collected c = {.stop_at_item = 2, .stop_value = 42};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 42);
    assert_int_equal(c.item_count, 2);
    assert_int_equal(error.len, 0);
    assert_int_equal(c.progress_calls, 0); /* no final progress for a stopped parse */
    collected_free(&c);

    c = (struct collected){.stop_at_author = 1, .stop_value = -7};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), -7);
    assert_int_equal(c.author_count, 1);
    assert_int_equal(c.item_count, 0);
    collected_free(&c);
    buf_free(&error);
}

static void check_external_entities(bool use_pe_entity)
{
    static const char secret[] = "TOP-SECRET-XXE-MARKER\n";
    buf secret_path = {0}, dtd_path = {0}, dtd = {0};
    write_temp(&secret_path, secret, sizeof(secret) - 1);
    buf_printf(&dtd, "<!ENTITY leak \"PE-DTD-MARKER\">\n");
    write_temp(&dtd_path, dtd.ptr, dtd.len);

    buf doc = {0};
    buf_printf(&doc,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<!DOCTYPE rss [\n"
               "  <!ENTITY xxe SYSTEM \"file://%s\">\n"
               "  <!ENTITY passwd SYSTEM \"file:///etc/passwd\">\n"
               "  <!ENTITY net SYSTEM \"http://127.0.0.1:9/x\">\n"
               "  <!ENTITY %% pe SYSTEM \"file://%s\">\n"
               "  %%pe;\n"
               "  <!ENTITY inner \"INNER-ENTITY\">\n"
               "]>\n"
               "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"\n"
               " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\n"
               "<title>&xxe;</title><wp:wxr_version>1.2</wp:wxr_version>\n"
               "<item><title>a&xxe;b&passwd;c&net;</title>"
               "<content:encoded>%s&passwd;&inner;</content:encoded>"
               "<category domain=\"category\" nicename=\"x\">&xxe;</category></item>\n"
               "</channel></rss>\n",
               secret_path.ptr, dtd_path.ptr, use_pe_entity ? "&leak;" : "");
    struct collected c = {0};
    buf error = {0};
    int rc = read_snippet(doc.ptr, &c, &error, NULL);
    if (use_pe_entity) {
        /* &leak; would only exist had the external DTD been loaded: it is an error */
        assert_int_equal(rc, -1);
        assert_non_null(strstr(error.ptr, "leak"));
    } else {
        /* references to unloaded external entities come out as nothing */
        assert_int_equal(rc, 0);
        assert_int_equal(c.item_count, 1);
        assert_string_equal(c.items[0].title, "abc");
        assert_string_equal(c.items[0].terms[0].name, "");
        assert_string_equal(c.site.title, "");
    }
    if (c.everything.ptr) {
        assert_null(strstr(c.everything.ptr, "TOP-SECRET"));
        assert_null(strstr(c.everything.ptr, "PE-DTD-MARKER"));
        assert_null(strstr(c.everything.ptr, "root:"));
        assert_null(strstr(c.everything.ptr, "INNER-ENTITY")); /* not substituted either */
    }
    assert_null(strstr(buf_cstr(&error), "TOP-SECRET"));
    unlink(secret_path.ptr);
    unlink(dtd_path.ptr);
    collected_free(&c);
    buf_free(&error);
    buf_free(&doc);
    buf_free(&dtd);
    buf_free(&secret_path);
    buf_free(&dtd_path);
}

static void test_external_entities_not_loaded(void **state)
{
    (void)state;
    check_external_entities(false);
    check_external_entities(true);
}

static void test_entity_expansion_bomb(void **state)
{
    (void)state;
    buf doc = {0};
    buf_puts(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY l0 \"lolololololol\">\n");
    for (int i = 1; i < 12; i++)
        buf_printf(&doc, "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">\n",
                   i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    buf_puts(&doc, "]>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>"
                   "<wp:wxr_version>1.2</wp:wxr_version>"
                   "<item><title>&l11;</title></item></channel></rss>\n");
    struct collected c = {0};
    buf error = {0};
    int rc = read_snippet(doc.ptr, &c, &error, NULL);
    assert_true(rc == 0 || rc == -1);
    assert_true(c.everything.len < 100000);
    collected_free(&c);
    buf_free(&error);
    buf_free(&doc);
}

static void test_namespaces_by_uri(void **state)
{
    (void)state;
    /* WXR 1.0 URIs under unusual prefixes; an atom:link must not become the site's link */
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<rss xmlns:w=\"http://wordpress.org/export/1.0/\""
        " xmlns:ex=\"http://wordpress.org/export/1.0/excerpt/\""
        " xmlns:c=\"http://purl.org/rss/1.0/modules/content/\""
        " xmlns:d=\"http://purl.org/dc/elements/1.1/\""
        " xmlns:atom=\"http://www.w3.org/2005/Atom\""
        " xmlns:wp=\"http://example.test/not-wordpress/\"><channel>\n"
        "<atom:link href=\"https://example.test/feed\" rel=\"self\">atom</atom:link>\n"
        "<link>https://example.test/</link>\n"
        "<w:wxr_version>1.0</w:wxr_version>\n"
        "<image><title>not the site title</title><link>nope</link></image>\n"
        "<title>Real title</title>\n"
        "<item><title>x</title><c:encoded>body</c:encoded><ex:encoded>short</ex:encoded>"
        "<d:creator>me</d:creator><w:post_id>5</w:post_id><w:status>draft</w:status>"
        "<wp:status>publish</wp:status></item>\n"
        "</channel></rss>\n";
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 0);
    assert_string_equal(c.site.link, "https://example.test/");
    assert_string_equal(c.site.title, "Real title");
    assert_string_equal(c.site.wxr_version, "1.0");
    assert_int_equal(c.item_count, 1);
    assert_string_equal(c.items[0].content, "body");
    assert_string_equal(c.items[0].excerpt, "short");
    assert_string_equal(c.items[0].creator, "me");
    assert_int_equal(c.items[0].wp_id, 5);
    /* wp: bound to a foreign URI is not WordPress's namespace */
    assert_string_equal(c.items[0].status, "draft");
    collected_free(&c);
    buf_free(&error);
}

static void test_line_numbers_and_missing_file(void **state)
{
    (void)state;
    const char *doc = WXR_HEAD "\n\n<item>\n<title>a</title>\n<wp:comment>\n"
                               "<wp:comment_id>1</wp:comment_id></wp:comment>\n</item>\n" WXR_TAIL;
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 0);
    assert_int_equal(c.items[0].line, 17);
    assert_int_equal(c.items[0].comments[0].line, 19);
    collected_free(&c);

    assert_int_equal(import_wxr_read("/nonexistent/dir/export.xml", NULL, &error), -1);
    assert_true(strncmp(error.ptr, "/nonexistent/dir/export.xml:", 28) == 0);
    buf_free(&error);
}

static void test_progress_on_big_input(void **state)
{
    (void)state;
    buf doc = {0};
    buf_puts(&doc, WXR_HEAD);
    for (int i = 0; i < 3; i++) {
        buf_printf(&doc, "<item><wp:post_id>%d</wp:post_id><content:encoded><![CDATA[", i);
        for (int k = 0; k < 20000; k++)
            buf_puts(&doc, "<p>0123456789 abcdefghijklmnopqrstuvwxyz</p>\n");
        buf_puts(&doc, "]]></content:encoded></item>\n");
    }
    buf_puts(&doc, WXR_TAIL);
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc.ptr, &c, &error, NULL), 0);
    assert_int_equal(c.item_count, 3);
    assert_int_equal(strlen(c.items[2].content), 20000 * 45);
    assert_true(c.progress_calls >= doc.len / (1u << 20));
    assert_int_equal(c.last_done, doc.len);
    assert_int_equal(c.last_total, doc.len);
    collected_free(&c);
    buf_free(&error);
    buf_free(&doc);
}

/* ---- the generated hostile file (tests/gen/hostile_wxr.py) ---- */

/* The integer after "key": in `json` (after `section` when given); -1 when absent. */
static long json_number(const char *json, const char *section, const char *key)
{
    if (section) {
        buf needle = {0};
        buf_printf(&needle, "\"%s\":", section);
        const char *at = strstr(json, needle.ptr);
        buf_free(&needle);
        if (!at)
            return -1;
        json = at;
    }
    buf needle = {0};
    buf_printf(&needle, "\"%s\":", key);
    const char *at = strstr(json, needle.ptr);
    long value = at ? strtol(at + needle.len, NULL, 10) : -1;
    buf_free(&needle);
    return value;
}

struct tally {
    long posts, pages, attachments, menu_items, other_types;
    long by_status[6]; /* posts by status, in the order of tally_statuses */
    long comments, by_approved[4], pingbacks, trackbacks;
    long sticky, password_protected, max_depth;
};

static const char *const tally_statuses[] = {"publish", "draft",  "pending",
                                             "private", "future", "trash"};

static long comment_depth(const struct wxr_item *item, const struct wxr_comment *comment)
{
    long depth = 1;
    while (comment->parent_wp_id && depth <= (long)item->comment_count) {
        comment = find_comment(item, comment->parent_wp_id);
        if (!comment)
            break;
        depth++;
    }
    return depth;
}

static void tally_items(const struct collected *c, struct tally *t)
{
    for (size_t i = 0; i < c->item_count; i++) {
        const struct wxr_item *item = &c->items[i];
        if (!strcmp(item->post_type, "post")) {
            t->posts++;
            for (size_t s = 0; s < 6; s++)
                t->by_status[s] += !strcmp(item->status, tally_statuses[s]);
            t->sticky += item->sticky;
            t->password_protected += item->post_password[0] != '\0';
        } else if (!strcmp(item->post_type, "page")) {
            t->pages++;
        } else if (!strcmp(item->post_type, "attachment")) {
            t->attachments++;
        } else if (!strcmp(item->post_type, "nav_menu_item")) {
            t->menu_items++;
        } else {
            t->other_types++;
        }
        for (size_t k = 0; k < item->comment_count; k++) {
            const struct wxr_comment *comment = &item->comments[k];
            t->comments++;
            for (size_t a = 0; a < 4; a++)
                t->by_approved[a] += !strcmp(comment->approved, approved_values[a]);
            t->pingbacks += !strcmp(comment->type, "pingback");
            t->trackbacks += !strcmp(comment->type, "trackback");
            long depth = comment_depth(item, comment);
            if (depth > t->max_depth)
                t->max_depth = depth;
        }
    }
}

static void test_hostile_generated_file(void **state)
{
    (void)state;
    buf script = {0}, out = {0}, command = {0}, json = {0}, error = {0};
    source_path(&script, "tests/gen/hostile_wxr.py");
    if (access(script.ptr, R_OK) != 0 || access("/usr/bin/python3", X_OK) != 0) {
        buf_free(&script);
        skip();
    }
    write_temp_cstr(&out, "");
    buf_printf(&command, "/usr/bin/python3 '%s' --posts 300 --comments 3000 --seed 7 --out '%s'",
               script.ptr, out.ptr);
    FILE *pipe = popen(command.ptr, "r");
    assert_non_null(pipe);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
        buf_append(&json, chunk, n);
    assert_int_equal(pclose(pipe), 0);
    assert_true(json.len > 0);

    struct collected c = {0};
    int rc = read_collecting(out.ptr, &c, &error);
    if (rc != 0)
        print_error("%s\n", buf_cstr(&error));
    assert_int_equal(rc, 0);
    struct tally t = {0};
    tally_items(&c, &t);

    assert_int_equal(t.posts, json_number(json.ptr, "items_by_type", "post"));
    assert_int_equal(t.pages, json_number(json.ptr, "items_by_type", "page"));
    assert_int_equal(t.attachments, json_number(json.ptr, "items_by_type", "attachment"));
    assert_int_equal(t.menu_items, json_number(json.ptr, "items_by_type", "nav_menu_item"));
    assert_int_equal(t.other_types, 0);
    for (size_t s = 0; s < 6; s++) {
        assert_true(t.by_status[s] > 0);
        assert_int_equal(t.by_status[s],
                         json_number(json.ptr, "posts_by_status", tally_statuses[s]));
    }
    assert_int_equal(t.comments, json_number(json.ptr, NULL, "comments"));
    assert_int_equal(t.comments, 3000);
    for (size_t a = 0; a < 4; a++) {
        assert_true(t.by_approved[a] > 0);
        assert_int_equal(t.by_approved[a],
                         json_number(json.ptr, "comments_by_approved", approved_values[a]));
    }
    assert_int_equal(t.pingbacks, json_number(json.ptr, "comments_by_type", "pingback"));
    assert_int_equal(t.trackbacks, json_number(json.ptr, "comments_by_type", "trackback"));
    assert_true(t.pingbacks > 0 && t.trackbacks > 0);
    assert_int_equal(t.max_depth, json_number(json.ptr, NULL, "max_depth"));
    assert_int_equal(t.sticky, json_number(json.ptr, NULL, "sticky_posts"));
    assert_int_equal(t.password_protected, json_number(json.ptr, NULL, "password_posts"));
    assert_int_equal((long)c.author_count, json_number(json.ptr, NULL, "authors"));
    assert_non_null(strstr(c.everything.ptr, "<script>alert(1)</script>"));
    assert_non_null(strstr(c.everything.ptr, "]]>"));

    unlink(out.ptr);
    collected_free(&c);
    buf_free(&script);
    buf_free(&out);
    buf_free(&command);
    buf_free(&json);
    buf_free(&error);
}

/* The channel's language and an item's modified dates (the site's identity, issue 16). */
static void test_language_and_modified_dates(void **state)
{
    (void)state;
    const char *doc = WXR_HEAD "<language>de-AT</language>\n"
                               "<item><title>x</title><wp:post_id>7</wp:post_id>"
                               "<wp:post_modified>2023-02-01 05:00:00</wp:post_modified>"
                               "<wp:post_modified_gmt>2023-02-01 10:00:00</wp:post_modified_gmt>"
                               "</item>\n" WXR_TAIL;
    struct collected c = {0};
    buf error = {0};
    assert_int_equal(read_snippet(doc, &c, &error, NULL), 0);
    assert_string_equal(c.site.language, "de-AT");
    assert_int_equal(c.item_count, 1);
    assert_string_equal(c.items[0].post_modified, "2023-02-01 05:00:00");
    assert_string_equal(c.items[0].post_modified_gmt, "2023-02-01 10:00:00");
    collected_free(&c);
    buf_free(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_fixture),
        cmocka_unit_test(test_cdata_and_entities),
        cmocka_unit_test(test_scripts_of_the_world),
        cmocka_unit_test(test_nested_terms),
        cmocka_unit_test(test_statuses_sticky_password),
        cmocka_unit_test(test_comments_and_reply_chains),
        cmocka_unit_test(test_truncated_file),
        cmocka_unit_test(test_not_xml),
        cmocka_unit_test(test_xml_but_not_wxr),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_callback_stops_parse),
        cmocka_unit_test(test_external_entities_not_loaded),
        cmocka_unit_test(test_entity_expansion_bomb),
        cmocka_unit_test(test_namespaces_by_uri),
        cmocka_unit_test(test_line_numbers_and_missing_file),
        cmocka_unit_test(test_progress_on_big_input),
        cmocka_unit_test(test_hostile_generated_file),
        cmocka_unit_test(test_language_and_modified_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
