/* settings.c: the settings page (admins): every setting, grouped, validated together. */
#include <string.h>

#include "admin/admin.h"
#include "admin/page.h"
#include "model/settings.h"

/* Groups in page order: the key prefix and its heading. */
static const char *const groups[][2] = {
    {"site.", "Site"},   {"comments.", "Comments"},
    {"mail.", "Mail"},   {"print.", "Print"},
    {"feed.", "Feeds"},  {"admin.", "Sign-in"},
    {"cache.", "Cache"}, {"http.", "HTTP (applies when the server restarts)"},
};

static bool secret_key(const char *name)
{
    return strcmp(name, settings_table[SETTING_MAIL_PASSWORD].key) == 0;
}

static void show(struct handler_context *context, const struct web_request *req,
                 struct web_response *res, int status, const struct web_form *sent,
                 const char *errors)
{
    arena *a = req->arena;
    template_data *d = admin_page_data(context, req, "Settings");
    template_set_str(d, "errors", errors);
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        template_data *group = template_add_item(d, "groups");
        template_set_str(group, "heading", groups[g][1]);
        for (const struct setting_spec *spec = settings_table; spec->key; spec++) {
            if (strncmp(spec->key, groups[g][0], strlen(groups[g][0])) != 0)
                continue;
            template_data *item = template_add_item(group, "settings");
            const char *value = sent ? web_form_get(sent, spec->key) : NULL;
            if (!value)
                value = settings_get(context->store, a, settings_key_of(spec));
            template_set_str(item, "key", spec->key);
            template_set_str(item, "help", spec->help);
            template_set_str(item, "default", spec->default_value);
            if (secret_key(spec->key)) {
                template_set_bool(item, "secret", true);
                template_set_bool(item, "has_value", value && *value);
            } else if (strncmp(spec->valid, "int:", 4) == 0) {
                template_set_bool(item, "number", true);
                template_set_str(item, "value", value);
            } else if (strcmp(spec->valid, "lines") == 0) {
                template_set_bool(item, "lines", true);
                template_set_str(item, "value", value);
            } else if (strcmp(spec->valid, "text") == 0) {
                template_set_bool(item, "text", true);
                template_set_str(item, "value", value);
            } else {
                /* a choice: one option per word of "a|b|c" */
                template_set_bool(item, "has_choices", true);
                const char *p = spec->valid;
                while (*p) {
                    size_t n = strcspn(p, "|");
                    template_data *option = template_add_item(item, "choices");
                    const char *choice = arena_strndup(a, p, n);
                    template_set_str(option, "choice", choice);
                    template_set_bool(option, "selected", value && strcmp(value, choice) == 0);
                    p += n + (p[n] == '|');
                }
            }
        }
    }
    admin_render(context, req, res, status, "admin_settings", d);
}

ADMIN_HANDLER(admin_settings)
{
    show(context, req, res, 200, NULL, NULL);
}

ADMIN_HANDLER(admin_settings_save)
{
    struct web_form form;
    admin_form(req, &form);
    struct setting_assignment *assignments =
        arena_alloc(req->arena, (form.count + 1) * sizeof(*assignments));
    size_t count = 0;
    for (size_t i = 0; i < form.count; i++) {
        const char *key = form.fields[i].name, *value = form.fields[i].value;
        if (strcmp(key, "csrf") == 0 || (secret_key(key) && !*value))
            continue; /* an empty password field keeps the password */
        assignments[count++] = (struct setting_assignment){key, value};
    }
    struct store_audit audit = admin_audit_entry(context, "settings.change", "settings", NULL);
    buf errors = {0};
    int rc = settings_save(context->store, req->arena, assignments, count, &audit, &errors);
    if (rc == -2)
        show(context, req, res, 422, &form,
             arena_printf(req->arena, "Nothing was saved. %s", buf_cstr(&errors)));
    else if (rc != 0)
        admin_error(context, req, res, 503, "Not saved",
                    "The site cannot write to its database right now; nothing was saved.");
    else
        admin_redirect_done(req, res, "/admin/settings", "saved");
    buf_free(&errors);
}
