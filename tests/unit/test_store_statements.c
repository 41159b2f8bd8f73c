/* test_store_statements.c: every statement of store/statements.h is prepared on each engine
 * and agrees with the parameter and column counts it declares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/statements.h"

static int setup(void **state)
{
    return temp_fixture_setup(state, "statements");
}

/* Each engine prepares every statement it runs; the backends compare what the engine made of it
 * with the declared counts. */
static void test_every_statement_prepares(void **state)
{
    struct temp_fixture *f = *state;
    if (store_check_statements(f->s) != STORE_OK)
        fail_msg("%s: %s", store_kind(f->s), store_error(f->s));
}

/* The highest ?N of `sql` outside string literals, and whether each of ?1 … ?N appears (a
 * PostgreSQL parameter that no text uses has no type). */
static int highest_parameter(const char *sql, bool *all_used)
{
    bool used[64] = {false};
    int highest = 0;
    bool quoted = false;
    for (const char *c = sql; *c; c++) {
        if (*c == '\'')
            quoted = !quoted;
        if (quoted || *c != '?')
            continue;
        int n = atoi(c + 1);
        assert_true(n > 0 && n < 64);
        used[n] = true;
        if (n > highest)
            highest = n;
    }
    *all_used = true;
    for (int n = 1; n <= highest; n++)
        *all_used = *all_used && used[n];
    return highest;
}

/* Without a database: both texts of every statement number their parameters 1 … parameters. */
static void test_parameters_are_numbered_as_declared(void **state)
{
    (void)state;
    for (int id = 0; id < STATEMENT_COUNT; id++) {
        const struct statement *st = &store_statements[id];
        assert_true(st->sql || (st->sqlite && st->pg));
        for (int postgres = 0; postgres <= 1; postgres++) {
            const char *text = statement_text((enum statement_id)id, postgres);
            if (!*text)
                continue; /* NOTHING to run on this engine */
            bool all_used;
            int highest = highest_parameter(text, &all_used);
            if (highest != st->parameters || (postgres && !all_used))
                fail_msg("%s (%s): ?%d is the highest parameter%s, %d declared", st->name,
                         postgres ? "postgresql" : "sqlite", highest,
                         all_used ? "" : " and some below are unused", st->parameters);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parameters_are_numbered_as_declared),
        cmocka_unit_test_setup_teardown(test_every_statement_prepares, setup,
                                        temp_fixture_teardown),
    };
    return temp_store_run_tests(tests);
}
