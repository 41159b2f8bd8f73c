/* print.c: Print Friendly, PDF & Email: PERMALINK/print/, PERMALINK/pdf/ and PERMALINK/email/. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"
#include "mail/mime.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "model/article.h"
#include "model/settings.h"
#include "model/spam.h"
#include "render/pdf.h"
#include "site/common.h"
#include "site/site.h"
#include "util/log.h"
#include "util/utf8.h"

#define NOTE_MAX 500 /* bytes of the sender's note: a line or two, not a letter */
#define NAME_MAX_BYTES 100

/* The post whose action path is `req->path` minus `suffix` ("print/", "pdf/", "email/"),
 * loaded with what the action shows. Answers the error page itself and returns false when
 * there is none. */
static bool load_article(struct handler_context *context, const struct web_request *req,
                         struct web_response *res, const char *suffix, bool with_comments,
                         struct article_view *view)
{
    size_t len = strlen(req->path) - strlen(suffix);
    struct store_post post;
    int rc = site_find_public_post(context, req->arena, req->path, len, &post);
    if (rc == STORE_OK && *post.password)
        rc = STORE_NOT_FOUND; /* a protected post is not printed or sent from outside */
    if (rc == STORE_OK &&
        article_load(context->store, req->arena, &post, 0, context->now, view) != STORE_OK)
        rc = STORE_ERROR;
    if (rc == STORE_ERROR) {
        site_error(context, req, res, 503, "Service unavailable",
                   "The site cannot read its database right now. Please try again shortly.");
        return false;
    }
    if (rc == STORE_NOT_FOUND) {
        site_error(context, req, res, 404, "Not found", "There is no article at this address.");
        return false;
    }
    if (!with_comments)
        view->comment_count = 0;
    return true;
}

static struct print_options parse_options(const struct web_form *query)
{
    const char *comments = web_form_get(query, "comments");
    const char *images = web_form_get(query, "images");
    const char *size = web_form_get(query, "size");
    struct print_options o = {
        .comments = comments && strcmp(comments, "1") == 0,
        .images = !images || strcmp(images, "0") != 0,
        .size = "normal",
    };
    if (size && (strcmp(size, "small") == 0 || strcmp(size, "large") == 0))
        o.size = strcmp(size, "small") == 0 ? "small" : "large";
    return o;
}

void site_print(struct handler_context *context, const struct web_request *req,
                struct web_response *res)
{
    struct web_form query;
    web_form_parse(req->arena, strview_from_cstr(req->query), &query);
    struct print_options options = parse_options(&query);
    struct article_view view;
    if (!load_article(context, req, res, "print/", options.comments, &view))
        return;
    struct site_view site;
    site_view_load(context, req, &site);
    buf error = {0};
    if (render_print_page(context->theme, req->arena, &site, &view, &options, NULL, NULL,
                          &res->body, &error) != 0) {
        log_error("print page %s: %s", req->path, buf_cstr(&error));
        site_error(context, req, res, 500, "Internal error", "This page could not be made.");
    } else {
        site_cacheable(context, req, res, view.post.id);
    }
    buf_free(&error);
}

/* The PDF's file name: the slug, with anything but letters, digits, '.', '_', '-' and '%' (a
 * slug's own percent-encoding) as '-', so that it can sit between quotes in a header. */
static const char *file_name(arena *a, const struct store_post *post)
{
    char *name = arena_strdup(a, *post->slug ? post->slug : "article");
    for (char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-%", *p))
            *p = '-';
    return name;
}

void site_pdf(struct handler_context *context, const struct web_request *req,
              struct web_response *res)
{
    struct web_form query;
    web_form_parse(req->arena, strview_from_cstr(req->query), &query);
    struct print_options options = parse_options(&query);
    struct article_view view;
    if (!load_article(context, req, res, "pdf/", options.comments, &view))
        return;
    const char *paper = web_form_get(&query, "paper");
    if (!paper || (strcmp(paper, "a4") != 0 && strcmp(paper, "letter") != 0))
        paper = settings_get(context->store, req->arena, SETTING_PRINT_PAPER);
    struct site_view site;
    site_view_load(context, req, &site);
    buf error = {0};
    if (render_article_pdf(req->arena, &site, &view, &options, paper, &res->body, &error) != 0) {
        log_error("pdf %s: %s", req->path, buf_cstr(&error));
        site_error(context, req, res, 500, "Internal error", "The PDF could not be made.");
        buf_free(&error);
        return;
    }
    buf_free(&error);
    res->content_type = "application/pdf";
    res->content_disposition =
        arena_printf(req->arena, "inline; filename=\"%s.pdf\"", file_name(req->arena, &view.post));
    site_cacheable(context, req, res, view.post.id);
}

static void show_email_form(struct handler_context *context, const struct web_request *req,
                            struct web_response *res, int status, const struct store_post *post,
                            const struct email_form *form)
{
    struct site_view site;
    site_view_load(context, req, &site);
    buf error = {0};
    buf_reset(&res->body);
    if (render_email_page(context->theme, req->arena, &site, post, form, &res->body, &error) != 0) {
        log_error("email page %s: %s", req->path, buf_cstr(&error));
        site_error(context, req, res, 500, "Internal error", "This page could not be made.");
    } else
        res->status = status;
    buf_free(&error);
}

/* PERMALINK/email/ exists only where mail_configured says the site sends mail (the article
 * page shows the Email link on the same test). Answers the 404 itself when it does not. */
static bool mail_offered(struct handler_context *context, const struct web_request *req,
                         struct web_response *res)
{
    if (mail_configured(context->store, req->arena))
        return true;
    site_error(context, req, res, 404, "Not found",
               "This site does not send articles by email. (Its administrator can turn it on by "
               "setting mail.smtp_url, mail.from and site.url.)");
    return false;
}

void site_email_form(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    struct article_view view;
    if (!load_article(context, req, res, "email/", false, &view) ||
        !mail_offered(context, req, res))
        return;
    struct web_form query;
    web_form_parse(req->arena, strview_from_cstr(req->query), &query);
    struct email_form form = {0};
    if (web_form_get(&query, "sent"))
        form.notice = "Thank you: the article is on its way.";
    spam_form_fields(context->store, req->arena, context->now, &form.honeypot, &form.stamp);
    show_email_form(context, req, res, 200, &view.post, &form);
}

static const char *field(const struct web_form *form, const char *name)
{
    const char *value = web_form_get(form, name);
    return value ? value : "";
}

/* A name on one line: runs of white space and control characters become one space, the ends
 * trimmed (it is quoted in one sentence of the message). */
static const char *one_line(arena *a, const char *text)
{
    size_t n = strlen(text);
    char *out = arena_alloc(a, n + 1);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= ' ' || c == 0x7F) {
            if (len && out[len - 1] != ' ')
                out[len++] = ' ';
        } else
            out[len++] = (char)c;
    }
    while (len && out[len - 1] == ' ')
        len--;
    out[len] = '\0';
    return out;
}

/* site.url without a trailing '/': every link of an email starts with it, never with the
 * request's Host (mail_offered made sure it is an absolute http(s) address). */
static const char *email_base_url(struct handler_context *context, arena *a)
{
    const char *url = settings_get(context->store, a, SETTING_SITE_URL);
    size_t len = strlen(url);
    while (len && url[len - 1] == '/')
        len--;
    return arena_strndup(a, url, len);
}

/* The text part: who sent it, as a visitor's unchecked words; their note quoted line by line,
 * so that it cannot pass for the site's own text; the article's address and text. */
static void email_text(const char *site_title, const char *name, const char *note, const char *url,
                       struct article_view *view, buf *out)
{
    buf_printf(out,
               "A visitor to %s who gave the name \"%s\" sent you this article. %s did not "
               "check this name%s.\n",
               site_title, name, site_title, *note ? " or their note" : "");
    if (*note) {
        buf_puts(out, "\nTheir note, as they typed it:\n\n");
        for (const char *line = note; *line;) {
            size_t len = strcspn(line, "\n");
            size_t shown = len && line[len - 1] == '\r' ? len - 1 : len;
            buf_printf(out, "> %.*s\n", (int)shown, line);
            line += len + (line[len] == '\n');
        }
    }
    buf_printf(out, "\n%s\n\n", url);
    view->comments_open = true; /* no "Comments are closed." line in a letter */
    render_article_text(view, out);
}

void site_email_send(struct handler_context *context, const struct web_request *req,
                     struct web_response *res)
{
    arena *a = req->arena;
    struct article_view view;
    if (!load_article(context, req, res, "email/", false, &view) ||
        !mail_offered(context, req, res))
        return;
    if (!site_same_origin(req)) {
        site_error(context, req, res, 403, "Forbidden",
                   "This form was sent from another site, so it was not accepted.");
        return;
    }
    struct web_form posted;
    web_form_parse(a, req->body, &posted);
    struct email_form form = {.to = field(&posted, "to"),
                              .name = field(&posted, "name"),
                              .email = field(&posted, "email"),
                              .note = field(&posted, "note")};
    const char **error_list = arena_alloc(a, 4 * sizeof(*error_list));
    size_t n = 0;
    /* The comment form's defences (model/spam), with its settings and refusals. */
    struct spam_form_check check;
    spam_form_check(context->store, a, "message", web_form_get(&posted, SPAM_HONEYPOT_FIELD),
                    web_form_get(&posted, SPAM_STAMP_FIELD), context->now, &check);
    form.honeypot = check.honeypot;
    form.stamp = check.stamp;
    if (check.verdict == SPAM_FORM_FAILED) {
        log_error("checking an email form's time stamp: %s", store_error(context->store));
        error_list[0] = "The site cannot send the article just now. Please try again shortly.";
        form.errors = error_list;
        form.error_count = 1;
        show_email_form(context, req, res, 503, &view.post, &form);
        res->retry_after = 5;
        return;
    }
    if (check.verdict != SPAM_FORM_GENUINE) {
        log_info("email form refused from %s: %s", req->client_ip, check.reason);
        error_list[0] = check.message;
        form.errors = error_list;
        form.error_count = 1;
        show_email_form(context, req, res, 400, &view.post, &form);
        return;
    }
    const char *to = mail_address_normalize(a, form.to); /* the form keeps what was typed */
    if (!mail_address_valid(to))
        error_list[n++] = "Please enter one valid email address to send the article to.";
    const char *name = one_line(a, form.name); /* what is used; the form keeps what was typed */
    if (!*name || strlen(name) > NAME_MAX_BYTES || !utf8_valid(name, strlen(name)))
        error_list[n++] = "Please enter your name (at most 100 bytes).";
    if (*form.email && !mail_address_valid(form.email))
        error_list[n++] = "Your own email address is not valid; leave it empty if you like.";
    if (strlen(form.note) > NOTE_MAX || !utf8_valid(form.note, strlen(form.note)))
        error_list[n++] = "The note is too long: 500 bytes at most.";
    if (n) {
        form.errors = error_list;
        form.error_count = n;
        show_email_form(context, req, res, 400, &view.post, &form);
        return;
    }
    /* The site as the email shows it: its links from site.url only. */
    struct site_view site;
    site_view_load(context, req, &site);
    site.url = email_base_url(context, a);
    struct print_options options = {.comments = false, .images = true, .size = "normal"};
    buf html = {0}, text = {0}, error = {0};
    if (render_print_page(context->theme, a, &site, &view, &options, name,
                          *form.note ? form.note : NULL, &html, &error) != 0) {
        log_error("email %s: %s", req->path, buf_cstr(&error));
        site_error(context, req, res, 500, "Internal error", "The email could not be made.");
        goto out;
    }
    email_text(site.title, name, form.note, arena_printf(a, "%s%s", site.url, view.post.path),
               &view, &text);
    struct outbox_request request = {
        .post_id = view.post.id,
        .recipient = to,
        .reply_to = form.email,
        .subject = view.post.title,
        .text_body = buf_cstr(&text),
        .html_body = buf_cstr(&html),
        .client_ip = req->client_ip,
        .now = context->now,
    };
    long long id;
    enum outbox_outcome outcome = outbox_enqueue(context->store, a, &request, &id, &error);
    if (outcome == OUTBOX_QUEUED) {
        mail_sender_wake();
        web_redirect(res, 303, arena_printf(a, "%semail/?sent=1", view.post.path));
        goto out;
    }
    if (outcome == OUTBOX_FAILED)
        log_error("queueing mail: %s", buf_cstr(&error));
    error_list[0] = outcome == OUTBOX_FAILED
                        ? "The site cannot send the article just now. Please try again shortly."
                        : arena_strdup(a, buf_cstr(&error));
    form.errors = error_list;
    form.error_count = 1;
    static const int status_of[] = {
        [OUTBOX_NOT_CONFIGURED] = 404, /* unset since mail_offered: as if it never was */
        [OUTBOX_LIMITED] = 429,
        [OUTBOX_FAILED] = 503,
    };
    show_email_form(context, req, res, status_of[outcome], &view.post, &form);
out:
    buf_free(&html);
    buf_free(&text);
    buf_free(&error);
}
