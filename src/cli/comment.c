/* comment.c: `gazette comment list|approve|spam|trash`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/post.h"
#include "render/pages.h"
#include "util/utf8.h"

/* The first line of a comment's text, at most 60 bytes, cut at a UTF-8 boundary. */
static const char *excerpt(arena *a, const struct store_comment *c)
{
    const char *text = *c->body_source ? c->body_source : c->body_html;
    size_t n = strcspn(text, "\r\n\t");
    return arena_strndup(a, text, utf8_cut(text, n, 60));
}

static int list(store *s, arena *a, int argc, char **argv)
{
    struct store_comment_filter filter = {0};
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
            if (!comment_status_parse(argv[++i], &filter.status))
                return cli_usage("comment", "--status takes pending, approved, spam or trash");
        } else if (strcmp(argv[i], "--post") == 0 && i + 1 < argc) {
            struct store_post post;
            int rc = post_resolve(s, a, argv[++i], &post);
            if (rc != STORE_OK)
                return cli_fail(rc == STORE_ERROR ? "%s" : "no post '%s'",
                                rc == STORE_ERROR ? store_error(s) : argv[i]);
            filter.post_id = post.id;
        } else
            return cli_usage("comment", "unknown or incomplete option '%s'", argv[i]);
    }
    struct store_comment *comments;
    size_t count;
    if (store_comment_list(s, a, &filter, &comments, &count) != STORE_OK)
        return cli_fail("%s", store_error(s));
    for (size_t i = 0; i < count; i++) {
        const struct store_comment *c = &comments[i];
        /* a held comment's rule last (held_by), so the first seven columns stay as they were */
        printf("%lld\t%s\t%lld\t%lld\t%s\t%s\t%s%s%s\n", c->id, comment_status_name(c->status),
               c->post_id, c->parent_id, render_date_iso(a, c->created_at), c->author,
               excerpt(a, c), c->held_by && *c->held_by ? "\t" : "", c->held_by ? c->held_by : "");
    }
    return CLI_OK;
}

int cli_comment(const struct cli_globals *globals, int argc, char **argv)
{
    const char *action = argv[1];
    static const struct {
        const char *action;
        enum comment_status status;
    } actions[] = {{"approve", COMMENT_STATUS_APPROVED},
                   {"spam", COMMENT_STATUS_SPAM},
                   {"trash", COMMENT_STATUS_TRASH},
                   {"unapprove", COMMENT_STATUS_PENDING}};
    enum comment_status status = COMMENT_STATUS_ANY;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (strcmp(action, actions[i].action) == 0)
            status = actions[i].status;
    if (strcmp(action, "list") != 0 && !status)
        return cli_usage("comment", "unknown subcommand '%s'", action);
    char *end = NULL;
    long long id = status && argc == 3 ? strtoll(argv[2], &end, 10) : 0;
    if (status && (argc != 3 || *end || id <= 0))
        return cli_usage("comment", "'%s' takes a comment ID", action);
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    int rc = CLI_OK;
    if (!status)
        rc = list(s, &a, argc, argv);
    else {
        int changed = store_comment_set_status(s, id, status);
        if (changed == STORE_NOT_FOUND)
            rc = cli_fail("no comment %lld", id);
        else if (changed != STORE_OK)
            rc = cli_fail("%s", store_error(s));
        else
            printf("comment %lld: %s\n", id, comment_status_name(status));
    }
    arena_free(&a);
    store_close(s);
    return rc;
}
