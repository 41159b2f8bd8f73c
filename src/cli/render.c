/* render.c: `gazette render text|html|print|pdf POST [--out FILE] [--comments] [--paper P]`:
 * the same code as the web pages. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "mail/outbox.h"
#include "model/article.h"
#include "model/post.h"
#include "model/settings.h"
#include "render/pages.h"
#include "render/pdf.h"

static int write_output(const char *path, const buf *content)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f)
        return cli_fail("%s: cannot write: %m", path);
    size_t written = fwrite(content->ptr ? content->ptr : "", 1, content->len, f);
    int closed = path ? fclose(f) : fflush(f);
    if (written != content->len || closed != 0)
        return cli_fail("%s: write failed: %m", path ? path : "standard output");
    return CLI_OK;
}

int cli_render(const struct cli_globals *globals, int argc, char **argv)
{
    const char *format = argv[1], *reference = argv[2], *out_path = NULL, *paper = NULL;
    struct print_options options = {.comments = false, .images = true, .size = "normal"};
    if (strcmp(format, "text") != 0 && strcmp(format, "html") != 0 &&
        strcmp(format, "print") != 0 && strcmp(format, "pdf") != 0)
        return cli_usage("render", "unknown format '%s' (text, html, print or pdf)", format);
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out_path = argv[++i];
        else if (strcmp(argv[i], "--comments") == 0)
            options.comments = true;
        else if (strcmp(argv[i], "--paper") == 0 && i + 1 < argc) {
            paper = argv[++i];
            if (strcmp(paper, "a4") != 0 && strcmp(paper, "letter") != 0)
                return cli_usage("render", "--paper takes a4 or letter");
        } else
            return cli_usage("render", "unknown or incomplete option '%s'", argv[i]);
    }
    store *s = cli_open_store(globals);
    if (!s)
        return CLI_FAILED;
    arena a = {0};
    buf out = {0}, error = {0};
    template_set *theme = NULL;
    int rc = CLI_FAILED;
    struct store_post post;
    int found = post_resolve(s, &a, reference, &post);
    if (found != STORE_OK) {
        cli_fail(found == STORE_ERROR ? "%s" : "no post '%s'",
                 found == STORE_ERROR ? store_error(s) : reference);
        goto out;
    }
    struct article_view view;
    if (article_load(s, &a, &post, 0, (long long)time(NULL), &view) != STORE_OK) {
        cli_fail("%s", store_error(s));
        goto out;
    }
    view.email_link = mail_configured(s, &a); /* as the server's article page */
    struct site_view site = {.title = settings_get(s, &a, SETTING_SITE_TITLE),
                             .description = settings_get(s, &a, SETTING_SITE_DESCRIPTION),
                             .url = settings_get(s, &a, SETTING_SITE_URL),
                             .language = settings_get(s, &a, SETTING_SITE_LANGUAGE),
                             .store = s};
    int made = 0;
    if (strcmp(format, "text") == 0)
        render_article_text(&view, &out);
    else if (strcmp(format, "pdf") == 0) {
        made = render_article_pdf(&a, &site, &view, &options,
                                  paper ? paper : settings_get(s, &a, SETTING_PRINT_PAPER), &out,
                                  &error);
        render_pdf_release();
    } else if (!(theme = template_load_dir(cli_theme_dir(), &error)))
        made = -1;
    else if (strcmp(format, "html") == 0)
        made = render_article_page(theme, &a, &site, &view, &out, &error);
    else
        made = render_print_page(theme, &a, &site, &view, &options, NULL, NULL, &out, &error);
    if (made != 0) {
        cli_fail("%s", buf_cstr(&error));
        goto out;
    }
    rc = write_output(out_path, &out);
out:
    template_free(theme);
    buf_free(&out);
    buf_free(&error);
    arena_free(&a);
    store_close(s);
    return rc;
}
