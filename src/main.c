/* main.c: global options, then dispatch to the command table. */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "media/image.h"
#include "model/settings.h"

#define GAZETTE_VERSION "0.1.0"

/* `db = …` at the top of the config file names the database; "section.key" lines preset
 * settings (values stored with `gazette set` win). */
static int on_config_line(void *user, const char *section, const char *name, const char *value)
{
    struct cli_globals *globals = user;
    if (!*section && strcmp(name, "db") == 0) {
        if (!globals->db)
            globals->db = strdup(value);
        return 1;
    }
    char key[256];
    snprintf(key, sizeof(key), "%s%s%s", section, *section ? "." : "", name);
    buf error = {0};
    if (settings_preset(key, value, &error) != 0) {
        fprintf(stderr, "gazette: %s: %s\n", globals->config, buf_cstr(&error));
        buf_free(&error);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct cli_globals globals = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_help(stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("gazette %s\n", GAZETTE_VERSION);
            return CLI_OK;
        }
        if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'd')
                globals.db = argv[++i];
            else
                globals.config = argv[++i];
            continue;
        }
        fprintf(stderr, "gazette: unknown or incomplete option '%s'\n", argv[i]);
        cli_print_help(stderr);
        return CLI_USAGE;
    }
    if (i == argc) {
        cli_print_help(stderr);
        return CLI_USAGE;
    }
    if (!globals.db && getenv("GAZETTE_DB") && *getenv("GAZETTE_DB"))
        globals.db = getenv("GAZETTE_DB");
    if (globals.config) {
        int line = ini_parse(globals.config, on_config_line, &globals);
        if (line != 0) {
            if (line < 0)
                fprintf(stderr, "gazette: cannot read config file %s\n", globals.config);
            else
                fprintf(stderr, "gazette: %s:%d: not a valid line\n", globals.config, line);
            return CLI_USAGE;
        }
    }
    if (!globals.db)
        globals.db = "gazette.db";
    buf image_error = {0}; /* libvips, once, before any thread (media/image.h) */
    if (image_init(argv[0], &image_error) != 0) {
        fprintf(stderr, "gazette: %s\n", buf_cstr(&image_error));
        buf_free(&image_error);
        return CLI_FAILED;
    }
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            return cli_run_command(c, &globals, argc - i, argv + i);
    fprintf(stderr, "gazette: unknown command '%s'\n", argv[i]);
    cli_print_help(stderr);
    return CLI_USAGE;
}
