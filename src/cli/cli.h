/* cli.h: the command table of `gazette` and what every command shares. */
#ifndef GAZETTE_CLI_CLI_H
#define GAZETTE_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "store/store.h"

/* Exit statuses, as design.md promises. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

struct cli_globals {
    const char *db;     /* --db, GAZETTE_DB, `db` in the config file, or ./gazette.db */
    const char *config; /* --config FILE or NULL */
};

/* A command family: `argv[0]` is its name; returns an exit status. */
typedef int (*cli_run)(const struct cli_globals *globals, int argc, char **argv);

struct cli_command {
    const char *name;
    cli_run run;
    const char *usage;   /* lines after "gazette [GLOBAL OPTIONS] " */
    const char *summary; /* one line for --help */
    int min_args;        /* arguments after the command's name it needs at least … */
    const char *missing; /* … and the usage error when they are fewer */
};

extern const struct cli_command cli_commands[]; /* ends with a NULL name */

/* Runs `command` (argv[0] is its name): answers --help and too few arguments for it, so that
 * each command's run parses only what is its own. Returns an exit status (CLI_*). */
int cli_run_command(const struct cli_command *command, const struct cli_globals *globals, int argc,
                    char **argv);

int cli_init(const struct cli_globals *globals, int argc, char **argv);
int cli_serve(const struct cli_globals *globals, int argc, char **argv);
int cli_import(const struct cli_globals *globals, int argc, char **argv);
int cli_render(const struct cli_globals *globals, int argc, char **argv);
int cli_post(const struct cli_globals *globals, int argc, char **argv);
int cli_media(const struct cli_globals *globals, int argc, char **argv);
int cli_comment(const struct cli_globals *globals, int argc, char **argv);
int cli_user(const struct cli_globals *globals, int argc, char **argv);
int cli_mail(const struct cli_globals *globals, int argc, char **argv);
int cli_copy(const struct cli_globals *globals, int argc, char **argv);
int cli_set(const struct cli_globals *globals, int argc, char **argv);
int cli_get(const struct cli_globals *globals, int argc, char **argv);

/* Opens the store named by the globals; on failure prints why and returns NULL. */
store *cli_open_store(const struct cli_globals *globals);

/* Prints "gazette NAME: message" and the command's usage to stderr; returns CLI_USAGE. */
int cli_usage(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "gazette: message" to stderr; returns CLI_FAILED. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the whole help (command table) to `out`. */
void cli_print_help(FILE *out);

/* Where the theme is: $GAZETTE_THEME or the one built in. */
const char *cli_theme_dir(void);

#endif
