/* post.c: `gazette post list|show|new|edit|publish|trash|untrash|close|open`. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "model/post.h"
#include "render/pages.h"

static int find(store *s, arena *a, const char *reference, struct store_post *post)
{
    int rc = post_resolve(s, a, reference, post);
    if (rc == STORE_NOT_FOUND)
        return cli_fail("no post '%s' (give an id, a slug or a permalink path)", reference);
    if (rc == STORE_ERROR)
        return cli_fail("%s", store_error(s));
    return CLI_OK;
}

static int list(store *s, arena *a)
{
    struct store_post_filter filter = {0};
    struct store_post *posts;
    size_t count;
    if (store_post_list(s, a, &filter, &posts, &count) != STORE_OK)
        return cli_fail("%s", store_error(s));
    for (size_t i = 0; i < count; i++)
        printf("%lld\t%s\t%s\t%s\t%s\t%s\n", posts[i].id, post_type_name(posts[i].type),
               post_status_name(posts[i].status), render_date_iso(a, posts[i].published_at),
               posts[i].path, posts[i].title);
    return CLI_OK;
}

static int show(store *s, arena *a, const char *reference)
{
    struct store_post p;
    if (find(s, a, reference, &p) != CLI_OK)
        return CLI_FAILED;
    printf("id: %lld\nwordpress id: %lld\ntype: %s\nstatus: %s\ntitle: %s\nslug: %s\n"
           "path: %s\nauthor: %s\ndate: %s\ncomments: %s (%lld approved)\nsticky: %s\n"
           "password: %s\n\n%s\n",
           p.id, p.wp_id, post_type_name(p.type), post_status_name(p.status), p.title, p.slug,
           p.path, *p.author_login ? p.author_login : "-", render_date_iso(a, p.published_at),
           p.comments_open ? "open" : "closed", p.approved_comments, p.sticky ? "yes" : "no",
           *p.password ? "yes" : "no", *p.body_source ? p.body_source : p.body_html);
    return CLI_OK;
}

static int change(store *s, arena *a, const char *action, const char *reference)
{
    struct store_post p;
    if (find(s, a, reference, &p) != CLI_OK)
        return CLI_FAILED;
    /* action, what is printed */
    static const char *const changes[][2] = {{"publish", "published"},
                                             {"trash", "moved to the trash"},
                                             {"untrash", "restored as a draft"},
                                             {"open", "comments open"},
                                             {"close", "comments closed"}};
    size_t i = 0;
    while (strcmp(changes[i][0], action) != 0)
        i++;
    const char *said = changes[i][1];
    enum model_result rc;
    if (strcmp(action, "publish") == 0) {
        bool scheduled;
        rc = post_publish(s, &p, (long long)time(NULL), &scheduled);
        if (scheduled)
            said = arena_printf(a, "scheduled for %s", render_date_iso(a, p.published_at));
    } else if (strcmp(action, "trash") == 0 || strcmp(action, "untrash") == 0)
        rc = post_set_trashed(s, p.id, strcmp(action, "trash") == 0, NULL);
    else
        rc = post_set_comments_open(s, p.id, strcmp(action, "open") == 0, NULL);
    if (rc != MODEL_OK)
        return cli_fail("%s", store_error(s));
    printf("post %lld: %s\n", p.id, said);
    return CLI_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Reads FILE.md: a front matter block between "---" lines, then the Markdown body. */
/* `post new FILE` (id 0) or `post edit POST FILE`: the front matter and Markdown of FILE. */
static int save_file(store *s, arena *a, const char *path, long long post_id)
{
    long long id = post_id;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail("%s: cannot read: %m", path);
    buf text = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&text, chunk, n);
    fclose(f);
    struct post_draft draft = {.id = id, .comments_open = true};
    char *p = text.ptr ? text.ptr : "";
    int line = 1, rc = CLI_FAILED;
    bool seen_comments = false;
    if (strncmp(p, "---\n", 4) != 0) {
        cli_fail("%s:1: expected a front matter block starting with '---' (title: …)", path);
        goto out;
    }
    p += 4;
    for (;;) {
        line++;
        char *end = strchr(p, '\n');
        if (!end) {
            cli_fail("%s:%d: the front matter block has no closing '---'", path, line);
            goto out;
        }
        *end = '\0';
        if (strcmp(trim(p), "---") == 0) {
            p = end + 1;
            break;
        }
        char *colon = strchr(p, ':');
        if (!colon) {
            cli_fail("%s:%d: expected 'field: value'", path, line);
            goto out;
        }
        *colon = '\0';
        char *field = trim(p), *value = arena_strdup(a, trim(colon + 1));
        if (strcmp(field, "title") == 0)
            draft.title = value;
        else if (strcmp(field, "slug") == 0)
            draft.slug = value;
        else if (strcmp(field, "status") == 0) {
            enum post_status status;
            if (!post_status_parse(value, &status) || status == POST_STATUS_TRASH) {
                cli_fail("%s:%d: status: '%s' is not one of publish, draft, pending, private, "
                         "future",
                         path, line, value);
                goto out;
            }
            draft.status = value;
        } else if (strcmp(field, "comments") == 0) {
            if (strcmp(value, "open") != 0 && strcmp(value, "closed") != 0) {
                cli_fail("%s:%d: comments: '%s' is not open or closed", path, line, value);
                goto out;
            }
            draft.comments_open = strcmp(value, "open") == 0;
            seen_comments = true;
        } else if (strcmp(field, "date") == 0) {
            if ((draft.published_at = post_parse_date(value)) < 0) {
                cli_fail("%s:%d: date: '%s' is not YYYY-MM-DD HH:MM (UTC)", path, line, value);
                goto out;
            }
        } else if (strcmp(field, "categories") == 0)
            draft.categories = value;
        else if (strcmp(field, "tags") == 0)
            draft.tags = value;
        else if (strcmp(field, "author") == 0)
            draft.author_login = value;
        else {
            cli_fail("%s:%d: unknown field '%s' (title, slug, status, comments, date, "
                     "categories, tags, author)",
                     path, line, field);
            goto out;
        }
        p = end + 1;
    }
    if (id) {
        /* an edit keeps what the file does not say */
        struct store_post old;
        if (store_post_get(s, a, id, &old) == STORE_OK && !seen_comments)
            draft.comments_open = old.comments_open;
        if (!draft.categories)
            draft.categories = post_term_names(s, a, id, "category");
        if (!draft.tags)
            draft.tags = post_term_names(s, a, id, "post_tag");
    }
    if (!draft.title || !*draft.title) {
        cli_fail("%s: the front matter needs a title", path);
        goto out;
    }
    draft.markdown = p;
    buf error = {0};
    const char *field;
    if (post_save(s, a, &draft, (long long)time(NULL), &id, &field, &error) != STORE_OK) {
        cli_fail("%s: %s", path, buf_cstr(&error));
        buf_free(&error);
        goto out;
    }
    struct store_post saved;
    if (store_post_get(s, a, id, &saved) == STORE_OK)
        printf("%s post %lld at %s (%s)\n", draft.id ? "saved" : "created", id, saved.path,
               post_status_name(saved.status));
    rc = CLI_OK;
out:
    buf_free(&text);
    return rc;
}

int cli_post(const struct cli_globals *globals, int argc, char **argv)
{
    const char *action = argv[1];
    bool takes_one = strcmp(action, "show") == 0 || strcmp(action, "new") == 0 ||
                     strcmp(action, "publish") == 0 || strcmp(action, "close") == 0 ||
                     strcmp(action, "open") == 0 || strcmp(action, "trash") == 0 ||
                     strcmp(action, "untrash") == 0;
    bool is_edit = strcmp(action, "edit") == 0;
    if (is_edit ? argc != 4 : strcmp(action, "list") == 0 ? argc != 2 : !takes_one || argc != 3)
        return cli_usage("post",
                         is_edit     ? "'edit' takes a POST and a FILE.md"
                         : takes_one ? "'%s' takes one argument"
                                     : "unknown subcommand '%s'",
                         action);
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    int rc;
    if (strcmp(action, "list") == 0)
        rc = list(s, &a);
    else if (strcmp(action, "show") == 0)
        rc = show(s, &a, argv[2]);
    else if (strcmp(action, "new") == 0)
        rc = save_file(s, &a, argv[2], 0);
    else if (is_edit) {
        struct store_post p;
        rc = find(s, &a, argv[2], &p);
        if (rc == CLI_OK)
            rc = save_file(s, &a, argv[3], p.id);
    } else
        rc = change(s, &a, action, argv[2]);
    arena_free(&a);
    store_close(s);
    return rc;
}
