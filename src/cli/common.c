/* common.c: the command table, help text, usage errors, opening the store. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/secret.h"

const struct cli_command cli_commands[] = {
    {"init", cli_init, "init [--demo] [--url URL]",
     "create the site's database (with --demo, a welcome post and threaded demo comments; "
     "--url sets site.url, the public address all absolute links are made from)"},
    {"serve", cli_serve,
     "serve [--listen ADDR:PORT] [--threads N] [--workers N] [--access-log FILE|-|off]",
     "serve the site over HTTP (default 127.0.0.1:8080)"},
    {"import", cli_import, "import wxr FILE",
     "import a WordPress export (WXR 1.0-1.2); sets site.url to the export's address if unset"},
    {"render", cli_render,
     "render text|html|print|pdf POST [--out FILE] [--comments] [--paper a4|letter]",
     "an article as plain text, its HTML page, its print page or a PDF"},
    {"post", cli_post,
     "post list | show POST | new FILE.md | edit POST FILE.md | publish POST | trash POST | "
     "untrash POST | close POST | open POST",
     "list, show, create, edit and change posts (POST: id, slug or permalink)"},
    {"comment", cli_comment,
     "comment list [--status pending|approved|spam|trash] [--post POST] | approve ID | "
     "unapprove ID | spam ID | trash ID",
     "list and moderate comments"},
    {"user", cli_user,
     "user add LOGIN --role admin|editor|author [--password-stdin] | list | "
     "passwd LOGIN [--password-stdin] | disable LOGIN",
     "manage accounts (a password is read from a terminal or, with --password-stdin, a pipe)"},
    {"mail", cli_mail, "mail queue | retry ID",
     "list the mail outbox (id, status, created, recipient, attempts, next try, last error); "
     "requeue a message"},
    {"copy", cli_copy, "copy --from FILE|URI --to FILE|URI [--replace]",
     "copy a whole site between stores (SQLite file, postgresql:// URI), verified by counts"},
    {"set", cli_set, "set KEY VALUE", "change a setting (see gazette.1 for the keys)"},
    {"get", cli_get, "get KEY", "print a setting's value"},
    {NULL, NULL, NULL, NULL},
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

bool cli_wants_help(const char *name, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            const struct cli_command *c = find_command(name);
            printf("usage: gazette %s\n  %s\n", c->usage, c->summary);
            return true;
        }
    return false;
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
