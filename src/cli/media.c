/* media.c: `gazette media add FILE | import DIR | list [--missing]`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/uploads.h"
#include "model/media.h"
#include "model/post.h"
#include "model/settings.h"

/* Reads `path` whole into `a`, refusing more than `max_bytes`. */
static int read_file(arena *a, const char *path, size_t max_bytes, const unsigned char **bytes,
                     size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail("%s: cannot read: %s", path, strerror(errno));
    buf data = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && data.len <= max_bytes)
        buf_append(&data, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || data.len > max_bytes) {
        buf_free(&data);
        return failed ? cli_fail("%s: cannot read: %s", path, strerror(errno))
                      : cli_fail("%s: larger than media.max_mb allows", path);
    }
    *length = data.len;
    *bytes = (const unsigned char *)arena_take_buf(a, &data);
    return CLI_OK;
}

static int add(store *s, arena *a, int argc, char **argv)
{
    struct media_upload upload = {0};
    const char *path = NULL, *post = NULL;
    for (int i = 2; i < argc; i++) {
        const char **value = strcmp(argv[i], "--alt") == 0       ? &upload.alt
                             : strcmp(argv[i], "--title") == 0   ? &upload.title
                             : strcmp(argv[i], "--caption") == 0 ? &upload.caption
                             : strcmp(argv[i], "--post") == 0    ? &post
                                                                 : NULL;
        if (value && i + 1 < argc)
            *value = argv[++i];
        else if (!value && argv[i][0] != '-' && !path)
            path = argv[i];
        else
            return cli_usage("media", "unexpected '%s'", argv[i]);
    }
    if (!path)
        return cli_usage("media", "expected 'add FILE'");
    if (post) {
        struct store_post p;
        int rc = post_resolve(s, a, post, &p);
        if (rc == STORE_NOT_FOUND)
            return cli_fail("no post '%s' (give an id, a slug or a permalink path)", post);
        if (rc != STORE_OK)
            return cli_fail("%s", store_error(s));
        upload.post_id = p.id;
    }
    struct media_settings settings;
    media_settings_read(s, a, &settings);
    if (read_file(a, path, settings.limits.max_bytes, &upload.bytes, &upload.length) != CLI_OK)
        return CLI_FAILED;
    const char *slash = strrchr(path, '/');
    upload.filename = slash ? slash + 1 : path;
    long long id;
    buf error = {0};
    int rc = media_add(s, a, &settings, &upload, &id, &error);
    if (rc != 0) {
        /* -2: the file was refused (its kind, a limit); -1: the store failed */
        cli_fail("%s: %s", path, buf_cstr(&error));
        buf_free(&error);
        return CLI_FAILED;
    }
    buf_free(&error);
    struct store_media media;
    struct store_media_file *files;
    size_t count;
    if (store_media_get(s, a, id, &media) != STORE_OK ||
        store_media_files(s, a, id, &files, &count) != STORE_OK)
        return cli_fail("%s", store_error(s));
    const char *site = settings_get(s, a, SETTING_SITE_URL);
    printf("media %lld: %s%s\n", id, site, media_url(a, media.file));
    for (size_t i = 0; i < count; i++)
        if (strcmp(files[i].path, media.file) != 0)
            printf("  %s %lldx%lld %s%s\n", files[i].size, files[i].width, files[i].height, site,
                   media_url(a, files[i].path));
    return CLI_OK;
}

static int import(store *s, const char *dir)
{
    struct import_uploads_summary summary;
    buf error = {0};
    int rc = import_uploads(s, dir, isatty(STDERR_FILENO) ? stderr : NULL, &summary, &error);
    import_uploads_print_summary(&summary, stdout);
    if (rc != 0)
        rc = cli_fail("%s (the files attached before this stay; run it again to go on)",
                      buf_cstr(&error));
    import_uploads_summary_free(&summary);
    buf_free(&error);
    return rc;
}

static int list(store *s, arena *a, bool missing)
{
    struct store_media_filter filter = {.missing_only = missing};
    struct store_media *media;
    size_t count;
    if (store_media_list(s, a, &filter, &media, &count) != STORE_OK)
        return cli_fail("%s", store_error(s));
    for (size_t i = 0; i < count; i++) {
        const struct store_media *m = &media[i];
        char size[48] = "-";
        if (m->width && m->height)
            snprintf(size, sizeof(size), "%lldx%lld", m->width, m->height);
        char bytes[32] = "missing";
        if (m->bytes)
            snprintf(bytes, sizeof(bytes), "%lld", m->bytes);
        printf("%lld\t%s\t%s\t%s\t%s\t%s\n", m->id, m->file, *m->mime ? m->mime : "-", size, bytes,
               m->title);
    }
    return CLI_OK;
}

int cli_media(const struct cli_globals *globals, int argc, char **argv)
{
    const char *sub = argv[1];
    bool known = strcmp(sub, "add") == 0 || strcmp(sub, "import") == 0 || strcmp(sub, "list") == 0;
    if (!known)
        return cli_usage("media", "unknown subcommand '%s'", sub);
    if (strcmp(sub, "import") == 0 && argc != 3)
        return cli_usage("media", "expected 'import DIR'");
    bool missing = false;
    if (strcmp(sub, "list") == 0) {
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--missing") != 0)
                return cli_usage("media", "unexpected '%s'", argv[i]);
            missing = true;
        }
    }
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    int rc = strcmp(sub, "add") == 0      ? add(s, &a, argc, argv)
             : strcmp(sub, "import") == 0 ? import(s, argv[2])
                                          : list(s, &a, missing);
    arena_free(&a);
    store_close(s);
    return rc;
}
