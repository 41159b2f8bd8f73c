/* serve.c: `gazette serve`: options and settings into the process (app/lifecycle.h) and its
 * HTTP adapter (http/server.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/lifecycle.h"
#include "cli/cli.h"
#include "http/server.h"
#include "model/settings.h"
#include "util/log.h"

/* A positive whole number from argv, or -1. */
static int count_argument(const char *text)
{
    char *end;
    long n = strtol(text, &end, 10);
    return *text && !*end && n > 0 && n <= 256 ? (int)n : -1;
}

int cli_serve(const struct cli_globals *globals, int argc, char **argv)
{
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cores = cores > 0 ? cores : 1;
    int loops = (int)settings_get_int(s, &a, SETTING_HTTP_THREADS);
    int workers = (int)settings_get_int(s, &a, SETTING_HTTP_WORKERS);
    struct app_options app = {
        .db_location = globals->db,
        .theme_dir = cli_theme_dir(),
        .workers = workers > 0 ? workers : 0, /* 0: the app's default for this machine */
        .cache_bytes = (size_t)settings_get_int(s, &a, SETTING_CACHE_MAX_MB) << 20,
    };
    struct http_server_options options = {
        .listen = "127.0.0.1:8080",
        .assets_dir = app.theme_dir,
        .access_log = "-",
        .loops = loops > 0 ? loops : (int)cores,
        .timeout_s = (int)settings_get_int(s, &a, SETTING_HTTP_TIMEOUT_S),
        .max_body = (size_t)settings_get_int(s, &a, SETTING_HTTP_MAX_BODY_KB) * 1024,
        .trusted_proxies = settings_get(s, &a, SETTING_HTTP_TRUSTED_PROXIES),
        .max_conns_per_ip = (int)settings_get_int(s, &a, SETTING_HTTP_MAX_CONNS_PER_IP),
    };
    if (!*settings_get(s, &a, SETTING_SITE_URL))
        log_info("warning: site.url is not set, so pages link relatively and feeds, the sitemap "
                 "and robots.txt have no absolute links (gazette never takes them from a "
                 "request's Host header); set it: gazette set site.url https://example.org");
    store_close(s);
    int rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--listen") == 0 && value)
            options.listen = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && value) {
            if ((options.loops = count_argument(argv[++i])) < 0)
                rc = cli_usage("serve", "--threads takes a number from 1 to 256");
        } else if (strcmp(argv[i], "--workers") == 0 && value) {
            if ((app.workers = count_argument(argv[++i])) < 0)
                rc = cli_usage("serve", "--workers takes a number from 1 to 256");
        } else if (strcmp(argv[i], "--media-cache") == 0 && value) {
            app.media_cache_dir = argv[++i];
        } else if (strcmp(argv[i], "--access-log") == 0 && value) {
            options.access_log = strcmp(argv[++i], "off") == 0 ? NULL : argv[i];
        } else
            rc = cli_usage("serve", "unknown or incomplete option '%s'", argv[i]);
        if (rc != CLI_OK)
            goto out;
    }
    buf error = {0};
    /* the order matters: a bad database or address fails before any thread runs; the loops
     * stop before the workers, which finish their jobs before group commit stops */
    bool served =
        app_open(&app, &error) == 0 && http_listen(&options, &error) == 0 && app_start(&error) == 0;
    if (served)
        http_serve();
    app_close();
    http_close();
    if (served)
        log_info("stopped");
    else
        rc = cli_fail("%s", buf_cstr(&error));
    buf_free(&error);
out:
    arena_free(&a);
    return rc;
}
