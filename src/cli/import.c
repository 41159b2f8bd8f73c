/* import.c: `gazette import wxr FILE [--uploads DIR]`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/uploads.h"
#include "import/wxr_import.h"

/* The files of the media just imported, from DIR: after the import's transaction, one
 * transaction per media (import/uploads.h). */
static int import_files(store *s, const char *dir)
{
    buf error = {0};
    struct import_uploads_summary summary;
    int rc = CLI_OK;
    if (import_uploads(s, dir, isatty(STDERR_FILENO) ? stderr : NULL, &summary, &error) != 0)
        rc = cli_fail("%s (the import itself is done; add the files with: gazette media import "
                      "%s)",
                      buf_cstr(&error), dir);
    import_uploads_print_summary(&summary, stdout);
    import_uploads_summary_free(&summary);
    buf_free(&error);
    return rc;
}

int cli_import(const struct cli_globals *globals, int argc, char **argv)
{
    const char *file = NULL, *uploads = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--uploads") == 0 && i + 1 < argc && !uploads)
            uploads = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return cli_usage("import", "unexpected '%s'", argv[i]);
    }
    if (argc < 3 || strcmp(argv[1], "wxr") != 0 || !file)
        return cli_usage("import", "expected 'wxr FILE'");
    if (uploads) { /* a mistyped folder is found before anything is imported */
        struct stat folder;
        if (stat(uploads, &folder) != 0)
            return cli_fail("%s: %s (nothing was imported)", uploads, strerror(errno));
        if (!S_ISDIR(folder.st_mode))
            return cli_fail("%s: not a folder (nothing was imported)", uploads);
    }
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    struct wxr_import_summary summary;
    buf error = {0};
    int rc = CLI_OK;
    if (wxr_import(s, file, isatty(STDERR_FILENO) ? stderr : NULL, &summary, &error) != 0)
        rc = cli_fail("%s (nothing was imported)", buf_cstr(&error));
    else {
        printf("imported %s\n", file);
        wxr_import_print_summary(&summary, stdout);
        long long waiting = 0;
        struct store_media_filter missing = {.missing_only = true};
        if (uploads)
            rc = import_files(s, uploads);
        else if (store_media_count(s, &missing, &waiting) == STORE_OK && waiting > 0)
            printf("%lld media records imported without their files; add them with: gazette "
                   "media import DIR (a copy of the old site's wp-content/uploads)\n",
                   waiting);
    }
    wxr_import_summary_free(&summary);
    buf_free(&error);
    store_close(s);
    return rc;
}
