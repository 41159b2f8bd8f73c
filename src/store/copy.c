/* copy.c: what `gazette copy` moves between two stores of either engine: every table of the
 * schema, row by row with the columns the catalog lists, and each table's row count and
 * checksum to verify the copy with. */
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "util/alloc.h"

/* Every table of the schema, each before the tables that reference it. copied: the site's
 * data, which gazette copy moves; false: what an engine or its triggers make from the copied
 * tables (copying it too would double it). A name ending in '*' covers every table whose name
 * starts with the rest (a full-text index and its shadow tables).
 * A table of either store that is not listed here stops the copy before anything is written
 * (naming it), and test_store_admin's test_copy_every_table fails on both engines: a migration
 * that adds a table adds it here, and nothing else is needed for its rows to be copied,
 * counted and checksummed. */
static const struct copy_table {
    const char *name;
    bool copied;
} copy_tables[] = {
    {"settings", true},
    {"users", true},
    {"terms", true},
    {"posts", true},
    {"post_terms", true},
    {"comments", true},
    {"outbox", true},
    {"sessions", true},
    {"login_failures", true},
    {"audit_log", true},
    {"post_revisions", true},
    {"comment_edits", true},
    {"post_password_failures", true},
    {"custom_fields", true},
    {"menu_items", true},
    {"post_old_paths", true},
    {"media", true}, /* (posts.featured_media_id refers to it: constraints deferred) */
    {"media_files", true},
    {"schema_version", false}, /* each engine's own migrations */
    {"store_tasks", false},    /* work a migration left for the C code (search refold) */
    {"changes", false},        /* SQLite's change feed, written by triggers */
    {"posts_fts*", false},     /* SQLite's search index of posts, kept by triggers */
    {"comment_counts", false}, /* PostgreSQL's approved-comment counts, kept by triggers */
};

/* Columns that triggers compute from other columns and rows: neither copied nor summed. */
static const struct {
    const char *table, *column;
} derived_columns[] = {
    {"posts", "approved_comments"}, /* SQLite: counted by triggers as the comments arrive */
    {"posts", "search"},            /* PostgreSQL: the tsvector a trigger makes */
};

#define COPY_DIGEST 16 /* bytes of a row's hash */

static const struct copy_table *copy_table_of(const char *name)
{
    for (size_t i = 0; i < sizeof(copy_tables) / sizeof(copy_tables[0]); i++) {
        const char *listed = copy_tables[i].name;
        size_t n = strlen(listed);
        if (listed[n - 1] == '*' ? strncmp(name, listed, n - 1) == 0 : strcmp(name, listed) == 0)
            return &copy_tables[i];
    }
    return NULL;
}

static bool is_derived(const char *table, const char *column)
{
    for (size_t i = 0; i < sizeof(derived_columns) / sizeof(derived_columns[0]); i++)
        if (strcmp(derived_columns[i].table, table) == 0 &&
            strcmp(derived_columns[i].column, column) == 0)
            return true;
    return false;
}

/* What a column holds, where the engines write it differently: a boolean (PostgreSQL's 't'/'f',
 * SQLite's 1/0) or bytes (a BLOB, a bytea: read and written as bytes, never as text). */
enum column_kind { COLUMN_PLAIN, COLUMN_BOOLEAN, COLUMN_BYTES };

/* A growing list of names in an arena. */
struct names {
    const char **names;
    enum column_kind *flags; /* per name: what the column holds (columns only) */
    size_t count, cap;
};

static void names_add(arena *a, struct names *l, const char *name, enum column_kind flag)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        const char **names = arena_alloc(a, cap * sizeof(*names));
        enum column_kind *flags = arena_alloc(a, cap * sizeof(*flags));
        if (l->count) {
            memcpy(names, l->names, l->count * sizeof(*names));
            memcpy(flags, l->flags, l->count * sizeof(*flags));
        }
        l->names = names;
        l->flags = flags;
        l->cap = cap;
    }
    l->names[l->count] = name;
    l->flags[l->count++] = flag;
}

static bool names_have(const struct names *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->names[i], name) == 0)
            return true;
    return false;
}

/* Steps the current statement to its end; STORE_OK, or STORE_ERROR/STORE_CONFLICT. */
static int finish(store *s)
{
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW)
        ;
    s->engine->reset(s);
    return step == STORE_STEP_DONE       ? STORE_OK
           : step == STORE_STEP_CONFLICT ? STORE_CONFLICT
                                         : STORE_ERROR;
}

/* The tables of `s`, from its catalog, by name. */
static int list_tables(store *s, arena *a, struct names *tables)
{
    s->statement = STATEMENT_TABLES;
    if (s->engine->prepare(s, STATEMENT_TABLES) != STORE_OK)
        return STORE_ERROR;
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW)
        names_add(a, tables, s->engine->column_text(s, a, 0), COLUMN_PLAIN);
    s->engine->reset(s);
    return step == STORE_STEP_DONE ? STORE_OK : STORE_ERROR;
}

static int compare_names(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static enum column_kind column_kind_of(const char *type)
{
    return strcmp(type, "boolean") == 0                              ? COLUMN_BOOLEAN
           : strcmp(type, "blob") == 0 || strcmp(type, "bytea") == 0 ? COLUMN_BYTES
                                                                     : COLUMN_PLAIN;
}

/* The columns of `table` that hold data (not derived), sorted by name, with what each holds. */
static int list_columns(store *s, arena *a, const char *table, struct names *columns)
{
    s->statement = STATEMENT_TABLE_COLUMNS;
    if (s->engine->prepare(s, STATEMENT_TABLE_COLUMNS) != STORE_OK)
        return STORE_ERROR;
    s->engine->bind_text(s, 1, table);
    struct names found = {0};
    enum store_step step;
    while ((step = s->engine->step(s)) == STORE_STEP_ROW) {
        const char *name = s->engine->column_text(s, a, 0);
        if (!is_derived(table, name))
            names_add(a, &found, name, column_kind_of(s->engine->column_peek(s, 1)));
    }
    s->engine->reset(s);
    if (step != STORE_STEP_DONE)
        return STORE_ERROR;
    /* sorted by name, each flag with its name */
    const char **sorted = arena_alloc(a, (found.count ? found.count : 1) * sizeof(*sorted));
    memcpy(sorted, found.names, found.count * sizeof(*sorted));
    qsort(sorted, found.count, sizeof(*sorted), compare_names);
    for (size_t i = 0; i < found.count; i++)
        for (size_t k = 0; k < found.count; k++)
            if (found.names[k] == sorted[i])
                names_add(a, columns, sorted[i], found.flags[k]);
    return STORE_OK;
}

/* Fails unless every table of `s` is in copy_tables. */
static int check_tables_known(store *s, const struct names *tables, const char *which)
{
    for (size_t i = 0; i < tables->count; i++)
        if (!copy_table_of(tables->names[i]))
            return store_fail(s,
                              "the %s has a table gazette copy does not know: %s (store/copy.c "
                              "lists every table); nothing was copied",
                              which, tables->names[i]);
    return STORE_OK;
}

/* "c1", "c2", … */
static void put_column_list(buf *b, const struct names *columns)
{
    for (size_t i = 0; i < columns->count; i++)
        buf_printf(b, "%s\"%s\"", i ? ", " : "", columns->names[i]);
}

/* A column's value as both engines take it: NULL for SQL NULL, "1"/"0" for a boolean (not for
 * bytes: column_blob). */
static const char *column_value(store *s, const struct names *columns, size_t i)
{
    if (s->engine->column_null(s, (int)i))
        return NULL;
    const char *value = s->engine->column_peek(s, (int)i);
    if (columns->flags[i] == COLUMN_BOOLEAN)
        return value[0] == 't' || value[0] == '1' ? "1" : "0";
    return value;
}

/* Whether `columns` has bytes: such a table (media_files) is read a few rows at a time, since
 * PostgreSQL hands a statement's whole result over at once and its files may be large. */
static bool has_bytes(const struct names *columns)
{
    for (size_t i = 0; i < columns->count; i++)
        if (columns->flags[i] == COLUMN_BYTES)
            return true;
    return false;
}

#define BYTES_BATCH 4 /* rows of a table with bytes per select (files up to 64 MiB) */

/* Calls visit(context) on each row of `table` (the current row of `s`, `columns` in order),
 * all at once, or for a table with bytes and an id BYTES_BATCH rows at a time by id. Returns
 * STORE_OK, STORE_ERROR with the error on `s` when reading failed, or what visit returned
 * other than STORE_OK (its error where it put it). */
static int each_row(store *s, const char *table, const struct names *columns,
                    int (*visit)(store *s, void *context), void *context)
{
    buf list = {0}, select = {0};
    put_column_list(&list, columns);
    size_t id_column = columns->count;
    for (size_t i = 0; i < columns->count; i++)
        if (strcmp(columns->names[i], "id") == 0)
            id_column = i;
    bool batched = has_bytes(columns) && id_column < columns->count;
    if (batched)
        buf_printf(&select, TABLE_SELECT_AFTER_FORMAT, buf_cstr(&list), table, BYTES_BATCH);
    else
        buf_printf(&select, TABLE_SELECT_FORMAT, columns->count ? buf_cstr(&list) : "1", table);
    buf_free(&list);
    long long after = LLONG_MIN;
    int rc = STORE_OK;
    for (;;) {
        s->statement = STATEMENT_TABLE_ROWS;
        if (s->engine->prepare_text(s, buf_cstr(&select), batched ? 1 : 0) != STORE_OK) {
            rc = STORE_ERROR;
            break;
        }
        if (batched)
            s->engine->bind_int(s, 1, after);
        enum store_step step = STORE_STEP_DONE;
        int rows = 0;
        while (rc == STORE_OK && (step = s->engine->step(s)) == STORE_STEP_ROW) {
            rows++;
            if (batched)
                after = s->engine->column_int(s, (int)id_column);
            rc = visit(s, context);
        }
        s->engine->reset(s);
        if (rc == STORE_OK && step != STORE_STEP_DONE)
            rc = STORE_ERROR;
        if (rc != STORE_OK || !batched || rows < BYTES_BATCH)
            break;
    }
    buf_free(&select);
    return rc;
}

/* Copying one table: the insert into `to`, made current for each row of `from`. */
struct copy_context {
    store *to;
    const char *insert;
    const struct names *columns;
    arena row;         /* a row's bytes, freed row by row */
    bool write_failed; /* the error is on `to` (else on `from`) */
};

static int copy_row(store *from, void *context)
{
    struct copy_context *c = context;
    store *to = c->to;
    to->statement = STATEMENT_TABLE_ROWS;
    c->write_failed = true;
    if (to->engine->prepare_text(to, c->insert, (int)c->columns->count) != STORE_OK)
        return STORE_ERROR;
    arena_free(&c->row);
    for (size_t i = 0; i < c->columns->count; i++) {
        if (c->columns->flags[i] == COLUMN_BYTES && !from->engine->column_null(from, (int)i)) {
            size_t length;
            const unsigned char *bytes = from->engine->column_blob(from, &c->row, (int)i, &length);
            to->engine->bind_blob(to, (int)i + 1, bytes, length);
        } else
            to->engine->bind_text(to, (int)i + 1, column_value(from, c->columns, i));
    }
    int rc = finish(to);
    c->write_failed = rc != STORE_OK;
    return rc;
}

/* Copies the rows of one table from `from` into `to`. */
static int copy_rows(store *to, store *from, arena *a, const char *table)
{
    struct names source = {0}, target = {0};
    if (list_columns(from, a, table, &source) != STORE_OK) {
        buf_reset(&to->error);
        buf_puts(&to->error, buf_cstr(&from->error));
        return STORE_ERROR;
    }
    if (list_columns(to, a, table, &target) != STORE_OK)
        return STORE_ERROR;
    for (size_t i = 0; i < source.count; i++)
        if (!names_have(&target, source.names[i]))
            return store_fail(to, "column %s of table %s has no place in the target",
                              source.names[i], table);
    buf insert = {0}, columns = {0}, values = {0};
    put_column_list(&columns, &source);
    for (size_t i = 0; i < source.count; i++)
        buf_printf(&values, "%s?%zu", i ? ", " : "", i + 1);
    buf_printf(&insert, TABLE_INSERT_FORMAT, table, buf_cstr(&columns), buf_cstr(&values));
    struct copy_context context = {to, buf_cstr(&insert), &source, {0}, false};
    int rc = each_row(from, table, &source, copy_row, &context);
    arena_free(&context.row);
    if (rc != STORE_OK && !context.write_failed) {
        buf_reset(&to->error);
        buf_puts(&to->error, buf_cstr(&from->error));
    }
    if (rc == STORE_OK && to->engine->postgres && names_have(&target, "id")) {
        buf bump = {0};
        buf_printf(&bump, TABLE_BUMP_ID_FORMAT, table, table);
        to->statement = STATEMENT_TABLE_ROWS;
        rc = to->engine->prepare_text(to, buf_cstr(&bump), 0);
        if (rc == STORE_OK)
            rc = finish(to);
        buf_free(&bump);
    }
    buf_free(&insert);
    buf_free(&columns);
    buf_free(&values);
    return rc;
}

int operation_copy_from(store *s, store *from, arena *a)
{
    struct names source = {0}, target = {0};
    if (list_tables(from, a, &source) != STORE_OK) {
        buf_reset(&s->error);
        buf_puts(&s->error, buf_cstr(&from->error));
        return STORE_ERROR;
    }
    if (list_tables(s, a, &target) != STORE_OK || check_tables_known(s, &source, "source") ||
        check_tables_known(s, &target, "target"))
        return STORE_ERROR;
    size_t n = sizeof(copy_tables) / sizeof(copy_tables[0]);
    for (size_t i = 0; i < n; i++)
        if (copy_tables[i].copied && names_have(&source, copy_tables[i].name) &&
            !names_have(&target, copy_tables[i].name))
            return store_fail(s, "the target has no table %s", copy_tables[i].name);
    /* empty, referencing tables first, then fill, referenced tables first */
    for (size_t i = n; i-- > 0;) {
        if (!copy_tables[i].copied || !names_have(&target, copy_tables[i].name))
            continue;
        buf sql = {0};
        buf_printf(&sql, TABLE_DELETE_FORMAT, copy_tables[i].name);
        s->statement = STATEMENT_TABLE_ROWS;
        int rc = s->engine->prepare_text(s, buf_cstr(&sql), 0);
        buf_free(&sql);
        if (rc != STORE_OK || finish(s) != STORE_OK)
            return STORE_ERROR;
    }
    for (size_t i = 0; i < n; i++)
        if (copy_tables[i].copied && names_have(&source, copy_tables[i].name) &&
            copy_rows(s, from, a, copy_tables[i].name) != STORE_OK)
            return STORE_ERROR;
    return STORE_OK;
}

static int compare_digests(const void *x, const void *y)
{
    return memcmp(x, y, COPY_DIGEST);
}

/* Summing one table: each row's digest. */
struct sum_context {
    const struct names *columns;
    unsigned char *digests; /* malloc'd, COPY_DIGEST bytes each */
    size_t count, cap;
    arena row; /* a row's bytes, freed row by row */
};

static int sum_row(store *s, void *context)
{
    struct sum_context *c = context;
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->digests = xrealloc(c->digests, c->cap * COPY_DIGEST);
    }
    arena_free(&c->row);
    crypto_generichash_state state;
    crypto_generichash_init(&state, NULL, 0, COPY_DIGEST);
    for (size_t i = 0; i < c->columns->count; i++) {
        const char *name = c->columns->names[i];
        crypto_generichash_update(&state, (const unsigned char *)name, strlen(name) + 1);
        /* a NULL is one byte 0; a value is a byte 1, its bytes and a NUL; bytes are a byte 2,
         * their number (8 bytes, little-endian) and themselves, whatever the engine */
        if (c->columns->flags[i] == COLUMN_BYTES && !s->engine->column_null(s, (int)i)) {
            size_t length;
            const unsigned char *bytes = s->engine->column_blob(s, &c->row, (int)i, &length);
            unsigned char header[9] = {2};
            for (int k = 0; k < 8; k++)
                header[1 + k] = (unsigned char)((unsigned long long)length >> (8 * k));
            crypto_generichash_update(&state, header, sizeof(header));
            crypto_generichash_update(&state, bytes, length);
            continue;
        }
        const char *value = column_value(s, c->columns, i);
        crypto_generichash_update(&state, (const unsigned char *)(value ? "\1" : "\0"), 1);
        if (value)
            crypto_generichash_update(&state, (const unsigned char *)value, strlen(value) + 1);
    }
    crypto_generichash_final(&state, c->digests + c->count * COPY_DIGEST, COPY_DIGEST);
    c->count++;
    return STORE_OK;
}

/* The row count and checksum of one table: each row hashed (its columns by name, NULL apart
 * from any text, booleans as 1/0, bytes as bytes), the hashes sorted, and the sorted list
 * hashed, so that neither the engine's row order nor its column order matters. */
static int sum_table(store *s, arena *a, const char *table, struct store_table_sum *sum)
{
    struct names columns = {0};
    if (list_columns(s, a, table, &columns) != STORE_OK)
        return STORE_ERROR;
    struct sum_context c = {.columns = &columns};
    int rc = each_row(s, table, &columns, sum_row, &c);
    arena_free(&c.row);
    if (rc != STORE_OK) {
        free(c.digests);
        return STORE_ERROR;
    }
    if (c.count)
        qsort(c.digests, c.count, COPY_DIGEST, compare_digests);
    unsigned char total[32];
    crypto_generichash(total, sizeof(total), c.digests, c.count * COPY_DIGEST, NULL, 0);
    free(c.digests);
    sum->table = table;
    sum->rows = (long long)c.count;
    sodium_bin2hex(sum->checksum, sizeof(sum->checksum), total, sizeof(total));
    return STORE_OK;
}

int operation_table_sums(store *s, arena *a, struct store_table_sum **sums, size_t *count)
{
    struct names tables = {0};
    if (list_tables(s, a, &tables) != STORE_OK || check_tables_known(s, &tables, "store"))
        return STORE_ERROR;
    size_t n = sizeof(copy_tables) / sizeof(copy_tables[0]);
    *sums = arena_alloc(a, n * sizeof(**sums));
    *count = 0;
    for (size_t i = 0; i < n; i++)
        if (copy_tables[i].copied && names_have(&tables, copy_tables[i].name))
            if (sum_table(s, a, copy_tables[i].name, &(*sums)[(*count)++]) != STORE_OK)
                return STORE_ERROR;
    return STORE_OK;
}
