/* copy.c: `gazette copy --from A --to B [--replace]`: a whole site between stores, in one
 * transaction on the target, verified by counting. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Copies every table of `from` into `to` (inside the caller's transaction on `to`). */
static int copy_rows(store *from, store *to, arena *a)
{
    struct store_setting *settings;
    struct store_user *users;
    struct store_term *terms;
    struct store_post *posts;
    struct store_post_term *links;
    struct store_comment *comments;
    struct store_post_link *old_paths, *parents;
    size_t n_settings, n_users, n_terms, n_posts, n_links, n_comments, n_old_paths, n_parents;
    struct store_post_filter all_posts = {0};
    struct store_comment_filter all_comments = {0};
    if (store_setting_list(from, a, &settings, &n_settings) != STORE_OK ||
        store_user_list(from, a, &users, &n_users) != STORE_OK ||
        store_term_list(from, a, &terms, &n_terms) != STORE_OK ||
        store_post_list(from, a, &all_posts, &posts, &n_posts) != STORE_OK ||
        store_post_term_list(from, a, &links, &n_links) != STORE_OK ||
        store_comment_list(from, a, &all_comments, &comments, &n_comments) != STORE_OK ||
        store_post_old_path_list(from, a, &old_paths, &n_old_paths) != STORE_OK ||
        store_post_parent_list(from, a, &parents, &n_parents) != STORE_OK)
        return cli_fail("reading the source: %s", store_error(from));
    long long id;
    for (size_t i = 0; i < n_settings; i++)
        if (store_setting_set(to, settings[i].key, settings[i].value) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_users; i++)
        if (store_user_insert(to, &users[i], &id) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_terms; i++)
        if (store_term_insert(to, &terms[i], &id) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_posts; i++)
        if (store_post_insert(to, &posts[i], &id) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_links; i++)
        if (store_post_term_add(to, links[i].post_id, links[i].term_id) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_parents; i++)
        if (store_post_set_parent(to, parents[i].post_id, parents[i].parent_id) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_old_paths; i++)
        if (store_post_old_path_add(to, old_paths[i].path, old_paths[i].post_id) != STORE_OK)
            goto failed;
    for (size_t i = 0; i < n_comments; i++)
        if (store_comment_insert(to, &comments[i], &id) != STORE_OK)
            goto failed;
    return CLI_OK;
failed:
    return cli_fail("writing the target: %s", store_error(to));
}

static bool is_empty(const struct store_counts *c)
{
    return c->users + c->terms + c->posts + c->post_terms + c->comments == 0;
}

static void print_counts(const char *label, const struct store_counts *c)
{
    printf("%s: settings %lld, users %lld, terms %lld, posts %lld, post_terms %lld, "
           "comments %lld\n",
           label, c->settings, c->users, c->terms, c->posts, c->post_terms, c->comments);
}

int cli_copy(const struct cli_globals *globals, int argc, char **argv)
{
    (void)globals;
    const char *from_location = NULL, *to_location = NULL;
    bool replace = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            from_location = argv[++i];
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            to_location = argv[++i];
        else if (strcmp(argv[i], "--replace") == 0)
            replace = true;
        else
            return cli_usage("copy", "unknown or incomplete option '%s'", argv[i]);
    }
    if (!from_location || !to_location)
        return cli_usage("copy", "both --from and --to are needed");
    if (strcmp(from_location, to_location) == 0)
        return cli_usage("copy", "--from and --to name the same database");
    if (!store_location_is_postgres(from_location) && access(from_location, R_OK) != 0)
        return cli_fail("%s: cannot read: %m", from_location);
    buf error = {0};
    arena a = {0};
    int rc = CLI_FAILED;
    store *from = store_open(from_location, &error), *to = NULL;
    if (!from || !(to = store_open(to_location, &error))) {
        cli_fail("%s", buf_cstr(&error));
        goto out;
    }
    struct store_counts source, target;
    if (store_counts(from, &source) != STORE_OK) {
        cli_fail("counting the source: %s", store_error(from));
        goto out;
    }
    if (store_counts(to, &target) != STORE_OK) {
        cli_fail("counting the target: %s", store_error(to));
        goto out;
    }
    if (!is_empty(&target) && !replace) {
        cli_fail("%s already holds a site (%lld posts, %lld comments); nothing was copied. "
                 "Add --replace to overwrite it",
                 to_location, target.posts, target.comments);
        goto out;
    }
    /* The source is read outside a transaction (two SQLite stores in one process take turns
     * writing, and a read needs no turn); writes meanwhile show as a count mismatch below. The
     * copy is one bulk transaction, as an import is (store.h). */
    if (store_begin_bulk(to) != STORE_OK || store_clear(to) != STORE_OK ||
        store_defer_constraints(to) != STORE_OK) {
        cli_fail("%s", store_error(to));
        goto out;
    }
    if (copy_rows(from, to, &a) != CLI_OK)
        goto out;
    if (store_commit(to) != STORE_OK) {
        cli_fail("committing the copy: %s", store_error(to));
        goto out;
    }
    if (store_counts(to, &target) != STORE_OK) {
        cli_fail("counting the copy: %s", store_error(to));
        goto out;
    }
    print_counts("source", &source);
    print_counts("copied", &target);
    if (memcmp(&source, &target, sizeof(source)) != 0) {
        cli_fail("the copy's counts differ from the source's");
        goto out;
    }
    printf("verified: %s now holds the same site as %s\n", to_location, from_location);
    rc = CLI_OK;
out:
    if (to)
        store_rollback(to);
    store_close(from);
    store_close(to);
    arena_free(&a);
    buf_free(&error);
    return rc;
}
