/* common.c: the command table, help text, usage errors, opening the store. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/secret.h"

const struct cli_command cli_commands[] = {
    {.name = "init",
     .run = cli_init,
     .usage = "init [--demo] [--url URL]",
     .summary = "create the site's database (with --demo, a welcome post and threaded demo "
                "comments; --url sets site.url, the public address all absolute links are made "
                "from)"},
    {.name = "serve",
     .run = cli_serve,
     .usage = "serve [--listen ADDR:PORT] [--threads N] [--workers N] [--media-cache DIR] [--access-log FILE|-|off]",
     .summary = "serve the site over HTTP (default 127.0.0.1:8080)"},
    {.name = "import",
     .run = cli_import,
     .usage = "import wxr FILE [--uploads DIR]",
     .summary = "import a WordPress export (WXR 1.0-1.2); the export's title, tagline, language, "
                "time zone, largest menu and address become site.title, site.description, "
                "site.language, site.utc_offset, site.menu and site.url where those are unset; "
                "attachments become media, their files read from DIR (a copy of the old site's "
                "wp-content/uploads) when given"},
    {.name = "render",
     .run = cli_render,
     .usage = "render text|html|print|pdf POST [--out FILE] [--comments] [--paper a4|letter]",
     .summary = "an article as plain text, its HTML page, its print page or a PDF",
     .min_args = 2,
     .missing = "expected a format and a POST"},
    {.name = "post",
     .run = cli_post,
     .usage = "post list | show POST | new FILE.md | edit POST FILE.md | publish POST | "
              "trash POST | untrash POST | close POST | open POST",
     .summary = "list, show, create, edit and change posts (POST: id, slug or permalink)",
     .min_args = 1,
     .missing = "expected a subcommand"},
    {.name = "media",
     .run = cli_media,
     .usage = "media add FILE [--alt TEXT] [--title T] [--caption C] [--post POST] | "
              "import DIR | list [--missing]",
     .summary = "store an image or file with its sizes (prints its URLs); give imported media "
                "their files from DIR, a copy of the old site's wp-content/uploads; list media "
                "(id, file, type, size, bytes or missing, title)",
     .min_args = 1,
     .missing = "expected a subcommand"},
    {.name = "comment",
     .run = cli_comment,
     .usage = "comment list [--status pending|approved|spam|trash] [--post POST] | approve ID | "
              "unapprove ID | spam ID | trash ID",
     .summary = "list and moderate comments",
     .min_args = 1,
     .missing = "expected a subcommand"},
    {.name = "user",
     .run = cli_user,
     .usage = "user add LOGIN --role admin|editor|author [--password-stdin] | list | "
              "passwd LOGIN [--password-stdin] | disable LOGIN",
     .summary = "manage accounts (a password is read from a terminal or, with --password-stdin, "
                "a pipe)",
     .min_args = 1,
     .missing = "expected a subcommand"},
    {.name = "mail",
     .run = cli_mail,
     .usage = "mail queue | retry ID",
     .summary = "list the mail outbox (id, status, created, recipient, attempts, next try, last "
                "error); requeue a message"},
    {.name = "copy",
     .run = cli_copy,
     .usage = "copy --from FILE|URI --to FILE|URI [--replace]",
     .summary = "copy a whole site, every table, between stores (SQLite file, postgresql:// URI), "
                "verified by counts and checksums"},
    {.name = "set",
     .run = cli_set,
     .usage = "set KEY VALUE",
     .summary = "change a setting (see gazette.1 for the keys)"},
    {.name = "get", .run = cli_get, .usage = "get KEY", .summary = "print a setting's value"},
    {.name = NULL},
};

static const struct cli_command *find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void cli_print_help(FILE *out)
{
    fputs("usage: gazette [--db FILE|URI] [--config FILE] COMMAND [ARGS]\n\n"
          "  --db FILE|URI  the site's database: a SQLite file (default ./gazette.db) or a\n"
          "                 postgresql://user@host:port/dbname URI (env GAZETTE_DB)\n"
          "  --config FILE  an INI file presetting db and settings\n"
          "  --help         this text; COMMAND --help for one command\n"
          "  --version      the version\n\ncommands:\n",
          out);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "  %s\n      %s\n", c->usage, c->summary);
    fputs("\nexit status: 0 success, 1 runtime error, 2 usage error.\n", out);
}

/* Whether argv holds -h or --help (then prints the command's usage to stdout). */
static bool cli_wants_help(const char *name, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            const struct cli_command *c = find_command(name);
            printf("usage: gazette %s\n  %s\n", c->usage, c->summary);
            return true;
        }
    return false;
}

int cli_run_command(const struct cli_command *command, const struct cli_globals *globals, int argc,
                    char **argv)
{
    if (cli_wants_help(command->name, argc, argv))
        return CLI_OK;
    if (argc - 1 < command->min_args)
        return cli_usage(command->name, "%s", command->missing);
    return command->run(globals, argc, argv);
}

int cli_usage(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "gazette %s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    const struct cli_command *c = find_command(name);
    fprintf(stderr, "\nusage: gazette %s\n", c ? c->usage : "--help");
    return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("gazette: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAILED;
}

store *cli_open_store(const struct cli_globals *globals)
{
    buf error = {0};
    store *s = store_open(globals->db, &error);
    if (!s) {
        cli_fail("%s", buf_cstr(&error));
        buf_free(&error);
        return NULL;
    }
    if (secret_ensure(s) != STORE_OK) {
        cli_fail("%s: %s", globals->db, store_error(s));
        store_close(s);
        return NULL;
    }
    return s;
}

const char *cli_theme_dir(void)
{
    const char *dir = getenv("GAZETTE_THEME");
    return dir && *dir ? dir : GAZETTE_THEME_DIR;
}
