/* settings.c: `gazette set KEY VALUE` and `gazette get KEY`. */
#include <stdio.h>

#include "cli/cli.h"
#include "model/settings.h"

int cli_set(const struct cli_globals *globals, int argc, char **argv)
{
    if (argc != 3)
        return cli_usage("set", "expected a KEY and a VALUE");
    buf error = {0};
    int rc = CLI_OK;
    if (settings_check(argv[1], argv[2], &error) != 0) {
        rc = cli_usage("set", "%s", buf_cstr(&error));
        goto out;
    }
    store *s = cli_open_store(globals);
    if (!s) {
        rc = CLI_FAILED;
        goto out;
    }
    if (settings_set_named(s, argv[1], argv[2], &error) != 0)
        rc = cli_fail("%s: %s", globals->db, buf_cstr(&error));
    store_close(s);
out:
    buf_free(&error);
    return rc;
}

int cli_get(const struct cli_globals *globals, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage("get", "expected a KEY");
    const struct setting_spec *spec = settings_find(argv[1]);
    if (!spec) {
        buf error = {0};
        settings_describe_valid(argv[1], &error);
        int rc = cli_usage("get", "%s", buf_cstr(&error));
        buf_free(&error);
        return rc;
    }
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    printf("%s\n", settings_get(s, &a, settings_key_of(spec)));
    arena_free(&a);
    store_close(s);
    return CLI_OK;
}
