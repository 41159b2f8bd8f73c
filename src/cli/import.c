/* import.c: `gazette import wxr FILE`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/wxr_import.h"

int cli_import(const struct cli_globals *globals, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "wxr") != 0)
        return cli_usage("import", "expected 'wxr FILE'");
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    struct wxr_import_summary summary;
    buf error = {0};
    int rc = CLI_OK;
    if (wxr_import(s, argv[2], isatty(STDERR_FILENO) ? stderr : NULL, &summary, &error) != 0)
        rc = cli_fail("%s (nothing was imported)", buf_cstr(&error));
    else {
        printf("imported %s\n", argv[2]);
        wxr_import_print_summary(&summary, stdout);
    }
    wxr_import_summary_free(&summary);
    buf_free(&error);
    store_close(s);
    return rc;
}
