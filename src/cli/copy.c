/* copy.c: `gazette copy --from A --to B [--replace]`: a whole site between stores, every
 * table in one transaction on the target (store_copy_from), verified table by table by row
 * count and checksum (store_table_sums). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Compares each table's count and checksum on both sides, printing one line a table; true
 * when all match (the same tables, the same rows). */
static bool verify(store *from, store *to, arena *a)
{
    struct store_table_sum *source, *copied;
    size_t n_source, n_copied;
    if (store_table_sums(from, a, &source, &n_source) != STORE_OK) {
        cli_fail("summing the source: %s", store_error(from));
        return false;
    }
    if (store_table_sums(to, a, &copied, &n_copied) != STORE_OK) {
        cli_fail("summing the copy: %s", store_error(to));
        return false;
    }
    bool same = n_source == n_copied;
    for (size_t i = 0; i < n_source; i++) {
        const struct store_table_sum *c = NULL;
        for (size_t k = 0; k < n_copied; k++)
            if (strcmp(copied[k].table, source[i].table) == 0)
                c = &copied[k];
        bool match = c && c->rows == source[i].rows && strcmp(c->checksum, source[i].checksum) == 0;
        printf("%s: %lld rows, copied %lld, checksum %.16s %s\n", source[i].table, source[i].rows,
               c ? c->rows : 0, source[i].checksum, match ? "same" : "DIFFERENT");
        same = same && match;
    }
    return same;
}

static bool is_empty(const struct store_counts *c)
{
    return c->users + c->terms + c->posts + c->post_terms + c->comments == 0;
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
    if (store_copy_from(to, from, &a) != STORE_OK) {
        cli_fail("copying: %s", store_error(to));
        goto out;
    }
    if (store_commit(to) != STORE_OK) {
        cli_fail("committing the copy: %s", store_error(to));
        goto out;
    }
    if (!verify(from, to, &a)) {
        cli_fail("the copy differs from the source (see the tables above)");
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
