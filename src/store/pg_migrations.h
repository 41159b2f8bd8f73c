/* pg_migrations.h: the PostgreSQL schema as an ordered list of migrations. */
#ifndef GAZETTE_STORE_PG_MIGRATIONS_H
#define GAZETTE_STORE_PG_MIGRATIONS_H

#include <stddef.h>

/* pg_migrations[i] brings a database from schema version i to i + 1. */
extern const char *const pg_migrations[];
extern const size_t pg_migration_count;

#endif
