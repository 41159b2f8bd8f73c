/* sqlite_migrations.h: the SQLite schema as an ordered list of migrations. */
#ifndef GAZETTE_STORE_SQLITE_MIGRATIONS_H
#define GAZETTE_STORE_SQLITE_MIGRATIONS_H

#include <stddef.h>

/* sqlite_migrations[i] brings a database from schema version i to i + 1. */
extern const char *const sqlite_migrations[];
extern const size_t sqlite_migration_count;

#endif
