/* statements.c: the table of the store's statements (statements.h lists them). */
#include "store/statements.h"

#define STATEMENT_ROW(id, parameter_count, column_count, ...)                                      \
    [STATEMENT_##                                                                                  \
        id] = {.name = #id, .parameters = parameter_count, .columns = column_count, __VA_ARGS__},

const struct statement store_statements[STATEMENT_COUNT] = {STORE_STATEMENTS(STATEMENT_ROW)};
