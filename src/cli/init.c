/* init.c: `gazette init [--demo]`: creates the database, optionally with demo content. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "model/comment.h"
#include "model/post.h"
#include "model/settings.h"
#include "markup/markdown.h"

static const char welcome_markdown[] =
    "This is a new gazette site. Posts are written in Markdown and read like a good paper: "
    "a column of comfortable width, quotations set off, footnotes at the end.[^1]\n\n"
    "## Writing\n\n"
    "Write a post in a Markdown file with a short header and add it with "
    "`gazette post new FILE.md`. Bring a WordPress site over with `gazette import wxr "
    "export.xml`: its addresses keep working.\n\n"
    "## Talking\n\n"
    "Readers answer below. Replies nest under the comment they answer and every comment is "
    "numbered, so a long discussion stays easy to follow and to cite.\n\n"
    "> A comment section is a conversation, not a list.\n\n"
    "[^1]: Like this one.\n";

struct demo_comment {
    int parent; /* index in the demo list + 1, 0 for top level */
    const char *author, *text;
};

static const struct demo_comment demo_comments[] = {
    {0, "Ada", "Nice to see a site that loads before I finish blinking."},
    {0, "Grace", "Does the numbering survive when replies come in late?"},
    {2, "Ada", "It does: replies are numbered inside their parent, in date order."},
    {3, "Grace", "> in date order\n\nGood, that is what I wanted to hear."},
    {2, "Linus", "And the top-level numbers never move."},
    {0, "Margaret", "Looking forward to the *print* button."},
};

static int add_demo(store *s, arena *a)
{
    long long now = (long long)time(NULL);
    struct post_draft draft = {.title = "Welcome to gazette",
                               .status = "publish",
                               .markdown = welcome_markdown,
                               .comments_open = true,
                               .categories = "News",
                               .tags = "gazette",
                               .published_at = now - 3600};
    long long post_id;
    buf error = {0};
    const char *field;
    if (post_save(s, a, &draft, now, &post_id, &field, &error) != STORE_OK) {
        cli_fail("demo post: %s", buf_cstr(&error));
        buf_free(&error);
        return CLI_FAILED;
    }
    long long ids[sizeof(demo_comments) / sizeof(demo_comments[0])];
    if (store_begin(s) != STORE_OK)
        goto failed;
    for (size_t i = 0; i < sizeof(demo_comments) / sizeof(demo_comments[0]); i++) {
        const struct demo_comment *d = &demo_comments[i];
        buf html = {0};
        markup_markdown(d->text, strlen(d->text), SANITIZE_COMMENT, &html);
        struct store_comment c = {
            .post_id = post_id,
            .parent_id = d->parent ? ids[d->parent - 1] : 0,
            .author = d->author,
            .email = arena_printf(a, "%s@example.invalid", d->author),
            .body_html = arena_take_buf(a, &html),
            .body_source = d->text,
            .status = COMMENT_STATUS_APPROVED,
            .type = COMMENT_TYPE_COMMENT,
            .created_at = now - 3000 + 300 * (long long)i,
        };
        if (comment_insert_placed(s, a, &c, &ids[i]) != STORE_OK)
            goto failed;
    }
    if (store_commit(s) != STORE_OK)
        goto failed;
    printf("added a welcome post with %zu demo comments\n",
           sizeof(demo_comments) / sizeof(demo_comments[0]));
    return CLI_OK;
failed:
    store_rollback(s);
    return cli_fail("demo comments: %s", store_error(s));
}

int cli_init(const struct cli_globals *globals, int argc, char **argv)
{
    bool demo = false;
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--demo") == 0)
            demo = true;
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            url = argv[++i];
        else
            return cli_usage("init", "the options are --demo and --url URL");
    }
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    int rc = CLI_OK;
    arena a = {0};
    buf error = {0};
    int set = url ? settings_set(s, SETTING_SITE_URL, url, &error) : 0;
    if (set == -2)
        rc = cli_usage("init", "--url: %s", buf_cstr(&error));
    else if (set != 0)
        rc = cli_fail("--url: %s", buf_cstr(&error));
    buf_free(&error);
    struct store_post_filter any = {0};
    long long posts = 0;
    if (rc == CLI_OK && store_post_count(s, &any, &posts) != STORE_OK)
        rc = cli_fail("%s", store_error(s));
    else if (rc == CLI_OK && demo && posts == 0)
        rc = add_demo(s, &a);
    if (rc == CLI_OK)
        printf("site database ready: %s\n", globals->db);
    arena_free(&a);
    store_close(s);
    return rc;
}
